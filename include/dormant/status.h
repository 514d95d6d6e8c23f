/* dormant: the one status type and error buffer used everywhere.
 *
 * Every fallible function in libdormant and in the providers returns an
 * enum dormant_status and, when it fails, writes one human-readable line
 * into a struct dormant_error owned by the caller. The line never holds a
 * secret: no tokens, keys, passwords or whole server answers.
 */
#ifndef DORMANT_STATUS_H
#define DORMANT_STATUS_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum dormant_status {
	DORMANT_OK = 0,
	DORMANT_ERR_NOMEM,       /* out of memory */
	DORMANT_ERR_USAGE,       /* bad command line or API misuse */
	DORMANT_ERR_CONFIG,      /* bad configuration value or file */
	DORMANT_ERR_IO,          /* reading or writing a local file */
	DORMANT_ERR_PARSE,       /* malformed input file or server answer */
	DORMANT_ERR_TOO_LARGE,   /* input over a size cap */
	DORMANT_ERR_AUTH,        /* credentials missing, wrong or expired */
	DORMANT_ERR_PERMISSION,  /* authenticated, but not allowed */
	DORMANT_ERR_NOT_FOUND,   /* the user or resource does not exist */
	DORMANT_ERR_NETWORK,     /* connection, TLS or timeout */
	DORMANT_ERR_HTTP,        /* an HTTP answer we cannot use */
	DORMANT_ERR_THROTTLED,   /* still throttled after every retry */
	DORMANT_ERR_UNSUPPORTED, /* the cloud or provider cannot do this */
	DORMANT_ERR_CANCELLED,   /* the run was interrupted */
	DORMANT_ERR_PLUGIN,  /* a module is missing, broken or of another ABI */
	DORMANT_ERR_INTERNAL /* a bug in dormant */
};

/* Room for one line of context: which file, line, key, action. */
#define DORMANT_ERROR_MAX 512

struct dormant_error {
	char msg[DORMANT_ERROR_MAX];
};

/* A short fixed description of the status ("out of memory"). */
const char *dormant_strerror(enum dormant_status status);

/* Writes the formatted message into err (when err is not NULL) and returns
 * status, so that a failure reads as one statement:
 *
 *     return dormant_error_set(err, DORMANT_ERR_PARSE, "%s:%zu: ...", ...);
 */
enum dormant_status dormant_error_set(struct dormant_error *err,
                                      enum dormant_status status,
                                      const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

enum dormant_status dormant_error_vset(struct dormant_error *err,
                                       enum dormant_status status,
                                       const char *fmt, va_list ap)
        __attribute__((format(printf, 3, 0)));

/* Puts "prefix: " in front of the message already in err. */
void dormant_error_prefix(struct dormant_error *err, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

#ifdef __cplusplus
}
#endif

#endif /* DORMANT_STATUS_H */
