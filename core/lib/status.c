/* dormant: status codes and the error buffer. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <dormant/status.h>

const char *
dormant_strerror(enum dormant_status status)
{
	switch (status) {
	case DORMANT_OK: return "success";
	case DORMANT_ERR_NOMEM: return "out of memory";
	case DORMANT_ERR_USAGE: return "usage error";
	case DORMANT_ERR_CONFIG: return "configuration error";
	case DORMANT_ERR_IO: return "input/output error";
	case DORMANT_ERR_PARSE: return "malformed input";
	case DORMANT_ERR_TOO_LARGE: return "input too large";
	case DORMANT_ERR_AUTH: return "authentication failed";
	case DORMANT_ERR_PERMISSION: return "permission denied";
	case DORMANT_ERR_NOT_FOUND: return "not found";
	case DORMANT_ERR_NETWORK: return "network error";
	case DORMANT_ERR_HTTP: return "unexpected HTTP answer";
	case DORMANT_ERR_THROTTLED: return "throttled";
	case DORMANT_ERR_UNSUPPORTED: return "not supported";
	case DORMANT_ERR_CANCELLED: return "interrupted";
	case DORMANT_ERR_PLUGIN: return "plugin error";
	case DORMANT_ERR_INTERNAL: return "internal error";
	}
	return "unknown error";
}

enum dormant_status
dormant_error_vset(struct dormant_error *err, enum dormant_status status,
                   const char *fmt, va_list ap)
{
	if (err)
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	return status;
}

enum dormant_status
dormant_error_set(struct dormant_error *err, enum dormant_status status,
                  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dormant_error_vset(err, status, fmt, ap);
	va_end(ap);
	return status;
}

void
dormant_error_prefix(struct dormant_error *err, const char *fmt, ...)
{
	char prefix[DORMANT_ERROR_MAX];
	size_t plen;
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	plen = strlen(prefix);
	if (plen + 3 >= sizeof(err->msg)) {
		memcpy(err->msg, prefix, sizeof(err->msg));
		err->msg[sizeof(err->msg) - 1] = '\0';
		return;
	}
	/* Shift the old message right, cutting its tail if it no longer fits.
	 */
	memmove(err->msg + plen + 2, err->msg, sizeof(err->msg) - plen - 2);
	memcpy(err->msg, prefix, plen);
	memcpy(err->msg + plen, ": ", 2);
	err->msg[sizeof(err->msg) - 1] = '\0';
}
