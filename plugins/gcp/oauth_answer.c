/* dormant gcp: what Google's OAuth 2.0 token endpoint answers. See
 * oauth_answer.h. */
#include "config.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/crypto.h>
#include <dormant/json.h>

#include "oauth_answer.h"

#define DEFAULT_EXPIRES_IN 600
/* A day: Google's tokens live an hour; a longer claim is not believed. */
#define MAX_EXPIRES_IN 86400

void
gcp_printable_copy(char *out, size_t outsz, const char *s)
{
	size_t i = 0;

	if (outsz == 0)
		return;
	for (; s && *s && i + 1 < outsz; s++, i++) {
		unsigned char c = (unsigned char)*s;
		out[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	out[i] = '\0';
	if (s && *s && outsz > 4)
		memcpy(out + outsz - 4, "...", 4);
}

/* RFC 6750 section 2.1 b64token characters: what may follow "Bearer " in
 * an Authorization header. */
static bool
b64token(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || strchr("-._~+/=", c)))
			return false;
	}
	return true;
}

/* strcasecmp follows the locale; protocol words are ASCII. */
static bool
ascii_ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
		char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
		if (x != y)
			return false;
	}
	return *a == *b;
}

enum dormant_status
gcp_oauth_parse_token(const char *body, size_t len, char **token,
                      int64_t *expires_in, struct dormant_error *err)
{
	const char *what = "token endpoint answer";
	const char *tok, *type;
	const cJSON *exp;
	cJSON *root = NULL;
	enum dormant_status st;

	*token = NULL;
	*expires_in = 0;
	st = dormant_json_parse(body, len, what, &root, err);
	if (st != DORMANT_OK)
		goto out;
	if (!cJSON_IsObject(root)) {
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "%s: not a JSON object", what);
		goto out;
	}
	st = dormant_json_string(root, "access_token", &tok, err);
	if (st == DORMANT_OK)
		st = dormant_json_string(root, "token_type", &type, err);
	if (st != DORMANT_OK) {
		dormant_error_prefix(err, "%s", what);
		goto out;
	}
	if (!tok || strlen(tok) > GCP_ACCESS_TOKEN_MAX || !b64token(tok)) {
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "%s: no usable \"access_token\"", what);
		goto out;
	}
	/* RFC 6749 section 7.1: the client must understand the type; we
	 * only speak Bearer (RFC 6750), matched case-insensitively. */
	if (type && !ascii_ieq(type, "Bearer")) {
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "%s: token_type is not Bearer", what);
		goto out;
	}
	exp = cJSON_GetObjectItemCaseSensitive(root, "expires_in");
	if (!exp || cJSON_IsNull(exp)) {
		*expires_in = DEFAULT_EXPIRES_IN;
	} else if (!cJSON_IsNumber(exp) || !isfinite(exp->valuedouble) ||
	           exp->valuedouble < 1 || exp->valuedouble > 1e9 ||
	           (double)(int64_t)exp->valuedouble != exp->valuedouble) {
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "%s: \"expires_in\" is not a number of "
		                       "seconds",
		                       what);
		goto out;
	} else {
		*expires_in = (int64_t)exp->valuedouble;
		if (*expires_in > MAX_EXPIRES_IN)
			*expires_in = MAX_EXPIRES_IN;
	}
	*token = strdup(tok);
	if (!*token)
		st = dormant_error_set(err, DORMANT_ERR_NOMEM,
		                       "%s: out of memory", what);
out:
	if (root) {
		/* The token lives on only in *token. */
		cJSON *t =
		        cJSON_GetObjectItemCaseSensitive(root, "access_token");
		if (cJSON_IsString(t) && t->valuestring)
			dormant_wipe(t->valuestring, strlen(t->valuestring));
	}
	cJSON_Delete(root);
	return st;
}

bool
gcp_oauth_parse_error(const char *body, size_t len,
                      char code[GCP_OAUTH_CODE_MAX],
                      char desc[GCP_OAUTH_DESC_MAX])
{
	cJSON *root = NULL;
	const char *c = NULL, *d = NULL;
	bool ok = false;

	code[0] = desc[0] = '\0';
	if (dormant_json_parse(body, len, "token endpoint answer", &root,
	                       NULL) != DORMANT_OK)
		goto out;
	if (!cJSON_IsObject(root) ||
	    dormant_json_string(root, "error", &c, NULL) != DORMANT_OK || !c ||
	    !*c)
		goto out;
	if (dormant_json_string(root, "error_description", &d, NULL) !=
	    DORMANT_OK)
		d = NULL;
	gcp_printable_copy(code, GCP_OAUTH_CODE_MAX, c);
	gcp_printable_copy(desc, GCP_OAUTH_DESC_MAX, d ? d : "");
	ok = true;
out:
	cJSON_Delete(root);
	return ok;
}
