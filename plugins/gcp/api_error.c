/* dormant gcp: the error body of Google APIs. See api_error.h. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <dormant/json.h>

#include "api_error.h"
#include "oauth_answer.h"

static void
copy_member(const cJSON *obj, const char *key, char *out, size_t outsz)
{
	const char *v = NULL;

	if (cJSON_IsObject(obj) &&
	    dormant_json_string(obj, key, &v, NULL) == DORMANT_OK && v)
		gcp_printable_copy(out, outsz, v);
}

void
gcp_api_error_parse(const char *body, size_t len, struct gcp_api_error *out)
{
	cJSON *root = NULL;
	const cJSON *e, *m, *d;

	memset(out, 0, sizeof(*out));
	if (!body || dormant_json_parse(body, len, "error answer", &root,
	                                NULL) != DORMANT_OK)
		goto out;
	e = cJSON_GetObjectItemCaseSensitive(root, "error");
	if (!cJSON_IsObject(e))
		goto out;
	out->parsed = true;
	m = cJSON_GetObjectItemCaseSensitive(e, "code");
	if (cJSON_IsNumber(m) && isfinite(m->valuedouble) &&
	    m->valuedouble >= 100 && m->valuedouble < 600)
		out->code = (long)m->valuedouble;
	copy_member(e, "message", out->message, sizeof(out->message));
	copy_member(e, "status", out->status, sizeof(out->status));
	m = cJSON_GetObjectItemCaseSensitive(e, "errors");
	if (cJSON_IsArray(m))
		copy_member(m->child, "reason", out->reason,
		            sizeof(out->reason));
	d = cJSON_GetObjectItemCaseSensitive(e, "details");
	if (cJSON_IsArray(d)) {
		const cJSON *it;
		cJSON_ArrayForEach(it, d)
		{
			const char *type = NULL;
			if (!cJSON_IsObject(it) ||
			    dormant_json_string(it, "@type", &type, NULL) !=
			            DORMANT_OK ||
			    !type ||
			    strcmp(type, "type.googleapis.com/"
			                 "google.rpc.ErrorInfo") != 0)
				continue;
			copy_member(it, "reason", out->info, sizeof(out->info));
			break;
		}
	}
out:
	cJSON_Delete(root);
}

bool
gcp_api_error_is_rate_limit(long http_status, const struct gcp_api_error *e)
{
	if (http_status == 429)
		return true;
	if (http_status != 403)
		return false;
	return strcmp(e->reason, "userRateLimitExceeded") == 0 ||
	       strcmp(e->reason, "rateLimitExceeded") == 0 ||
	       strcmp(e->reason, "quotaExceeded") == 0 ||
	       /* The google.rpc form of the same answers. */
	       strcmp(e->info, "RATE_LIMIT_EXCEEDED") == 0;
}
