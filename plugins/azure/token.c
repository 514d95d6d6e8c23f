/* dormant azure: tokens from the Microsoft identity platform. */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include <dormant/buf.h>
#include <dormant/json.h>

#include "token.h"

/* An access token is a JWT of a few KB; anything far longer is not one. */
#define TOKEN_MAX        16384
#define TOKEN_ANSWER_MAX ((size_t)256 << 10)
#define FEDERATED_MAX    ((size_t)64 << 10)
/* The assertion is short-lived: "5-10 minutes after nbf" (certificate
 * credentials page). */
#define ASSERTION_LIFETIME 600
/* MSAL refreshes five minutes before expiry; a short-lived token (tests)
 * is refreshed at half its life. */
#define REFRESH_MARGIN 300

#define ASSERTION_TYPE "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

void
azure_creds_free(struct azure_creds *c)
{
	free(c->tenant);
	free(c->client_id);
	free(c->token_url);
	free(c->scope);
	if (c->secret) {
		dormant_wipe(c->secret, strlen(c->secret));
		free(c->secret);
	}
	dormant_private_key_free(c->key);
	free(c->x5t_s256);
	free(c->federated_file);
	memset(c, 0, sizeof(*c));
}

void
azure_tokens_init(struct azure_tokens *t)
{
	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
}

static void
drop_token(struct azure_tokens *t)
{
	if (t->token) {
		dormant_wipe(t->token, strlen(t->token));
		free(t->token);
	}
	t->token = NULL;
	t->refresh_at = 0;
}

void
azure_tokens_destroy(struct azure_tokens *t)
{
	drop_token(t);
	pthread_mutex_destroy(&t->lock);
}

/* What the AADSTS codes of the "Microsoft Entra authentication and
 * authorization error codes" page mean for an unattended scanner. */
static const struct {
	long code;
	const char *meaning;
} aadsts[] = {
        {7000215, "the client secret is wrong (client_secret / "
                  "AZURE_CLIENT_SECRET)"},
        {7000222, "the client secret has expired; create a new one"},
        {90002, "no such tenant (tenant_id / AZURE_TENANT_ID)"},
        {900023, "the tenant id is not valid (tenant_id / AZURE_TENANT_ID)"},
        {90023, "the token request is malformed"},
        {700016, "no application with this client id in the tenant "
                 "(client_id / AZURE_CLIENT_ID, tenant_id)"},
        {700027, "the certificate was not accepted: it is not registered "
                 "on the application, has expired, or the signature does "
                 "not verify"},
        {700024, "the client assertion is outside its validity time: "
                 "check this machine's clock"},
        {70021, "the federated token matches no federated identity "
                "credential of the application"},
        {700211, "the federated token's issuer matches no federated "
                 "identity credential of the application"},
        {700213, "the federated token's subject matches no federated "
                 "identity credential of the application"},
        {7000112, "the application is disabled"},
        {700023, "the application is not allowed in this tenant"},
};

/* The first line of an error_description, which is followed by "Trace
 * ID", "Correlation ID" and "Timestamp" lines. */
static int
first_line_len(const char *s)
{
	size_t n = strcspn(s, "\r\n");

	return (int)(n > 200 ? 200 : n);
}

static long
error_code(const cJSON *root, const char *desc)
{
	const cJSON *codes =
	        cJSON_GetObjectItemCaseSensitive(root, "error_codes");
	const cJSON *first = cJSON_IsArray(codes) ? codes->child : NULL;
	char *end;
	long v;

	if (cJSON_IsNumber(first) && first->valuedouble > 0 &&
	    first->valuedouble < 1e9)
		return (long)first->valuedouble;
	if (desc && strncmp(desc, "AADSTS", 6) == 0 &&
	    isdigit((unsigned char)desc[6])) {
		v = strtol(desc + 6, &end, 10);
		if (v > 0 && v < 1000000000L)
			return v;
	}
	return 0;
}

static enum dormant_status
token_error(long status, const cJSON *root, struct dormant_error *err)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(root, "error");
	const cJSON *d =
	        cJSON_GetObjectItemCaseSensitive(root, "error_description");
	const char *desc = cJSON_IsString(d) ? d->valuestring : NULL;
	const char *what = cJSON_IsString(e) ? e->valuestring : "(no error)";
	long code = error_code(root, desc);

	for (size_t i = 0; i < sizeof(aadsts) / sizeof(aadsts[0]); i++)
		if (aadsts[i].code == code)
			return dormant_error_set(
			        err, DORMANT_ERR_AUTH,
			        "the Microsoft identity platform refused the "
			        "token request: %s (AADSTS%ld)",
			        aadsts[i].meaning, code);
	if (desc)
		return dormant_error_set(err, DORMANT_ERR_AUTH,
		                         "the Microsoft identity platform "
		                         "refused the token request (HTTP %ld, "
		                         "%.40s): %.*s",
		                         status, what, first_line_len(desc),
		                         desc);
	return dormant_error_set(err, DORMANT_ERR_AUTH,
	                         "the Microsoft identity platform refused the "
	                         "token request (HTTP %ld, %.40s)",
	                         status, what);
}

enum dormant_status
azure_token_parse(long status, const char *body, size_t len, char **token,
                  int64_t *expires_in, struct dormant_error *err)
{
	cJSON *root = NULL;
	const cJSON *at, *tt, *ei;
	enum dormant_status st;
	struct dormant_error perr;
	double secs = -1;

	*token = NULL;
	*expires_in = 0;
	st = dormant_json_parse(body, len, "token answer", &root, &perr);
	if (st != DORMANT_OK || !cJSON_IsObject(root)) {
		st = dormant_error_set(
		        err,
		        status == 200 ? DORMANT_ERR_PARSE : DORMANT_ERR_AUTH,
		        "the token endpoint answered HTTP %ld without a JSON "
		        "object",
		        status);
		goto out;
	}
	if (status != 200) {
		st = token_error(status, root, err);
		goto out;
	}
	at = cJSON_GetObjectItemCaseSensitive(root, "access_token");
	tt = cJSON_GetObjectItemCaseSensitive(root, "token_type");
	ei = cJSON_GetObjectItemCaseSensitive(root, "expires_in");
	if (!cJSON_IsString(at) || !*at->valuestring ||
	    strlen(at->valuestring) > TOKEN_MAX ||
	    strspn(at->valuestring,
	           "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	           "0123456789-._~+/=") != strlen(at->valuestring)) {
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "the token answer has no usable "
		                       "access_token");
		goto out;
	}
	if (!cJSON_IsString(tt) || strcasecmp(tt->valuestring, "Bearer") != 0) {
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "the token answer's token_type is not "
		                       "Bearer");
		goto out;
	}
	/* A number in v2.0 answers; some proxies pass it on as a string. */
	if (cJSON_IsNumber(ei))
		secs = ei->valuedouble;
	else if (cJSON_IsString(ei) && *ei->valuestring &&
	         strspn(ei->valuestring, "0123456789") ==
	                 strlen(ei->valuestring) &&
	         strlen(ei->valuestring) < 10)
		secs = strtod(ei->valuestring, NULL);
	if (!(secs >= 1 && secs <= 366 * 86400.0)) {
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "the token answer's expires_in is "
		                       "missing or out of range");
		goto out;
	}
	*token = strdup(at->valuestring);
	if (!*token) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	*expires_in = (int64_t)secs;
	st = DORMANT_OK;
out:
	/* The tree holds the token: wipe it before it goes. */
	if (root) {
		at = cJSON_GetObjectItemCaseSensitive(root, "access_token");
		if (cJSON_IsString(at))
			dormant_wipe(at->valuestring, strlen(at->valuestring));
	}
	cJSON_Delete(root);
	return st;
}

/* A random (version 4) UUID, as the jti claim wants a GUID. */
static enum dormant_status
new_guid(char out[37], struct dormant_error *err)
{
	unsigned char b[16];
	enum dormant_status st = dormant_random_bytes(b, sizeof(b), err);

	if (st != DORMANT_OK)
		return st;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37,
	         "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x"
	         "%02x%02x",
	         b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
	         b[10], b[11], b[12], b[13], b[14], b[15]);
	return DORMANT_OK;
}

enum dormant_status
azure_client_assertion(const struct azure_creds *c, int64_t now, char **out,
                       struct dormant_error *err)
{
	cJSON *hdr = cJSON_CreateObject(), *claims = cJSON_CreateObject();
	char *hdr_json = NULL, *claims_json = NULL;
	char jti[37];
	enum dormant_status st;

	*out = NULL;
	st = new_guid(jti, err);
	if (st != DORMANT_OK)
		goto out;
	if (!hdr || !claims || !cJSON_AddStringToObject(hdr, "alg", "RS256") ||
	    !cJSON_AddStringToObject(hdr, "typ", "JWT") ||
	    !cJSON_AddStringToObject(hdr, "x5t#S256", c->x5t_s256) ||
	    !cJSON_AddStringToObject(claims, "aud", c->token_url) ||
	    !cJSON_AddStringToObject(claims, "iss", c->client_id) ||
	    !cJSON_AddStringToObject(claims, "sub", c->client_id) ||
	    !cJSON_AddStringToObject(claims, "jti", jti) ||
	    !cJSON_AddNumberToObject(claims, "nbf", (double)now) ||
	    !cJSON_AddNumberToObject(claims, "iat", (double)now) ||
	    !cJSON_AddNumberToObject(claims, "exp",
	                             (double)(now + ASSERTION_LIFETIME))) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	hdr_json = cJSON_PrintUnformatted(hdr);
	claims_json = cJSON_PrintUnformatted(claims);
	if (!hdr_json || !claims_json) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	st = dormant_jwt_sign_rs256(hdr_json, claims_json, c->key, out, err);
out:
	free(hdr_json);
	free(claims_json);
	cJSON_Delete(hdr);
	cJSON_Delete(claims);
	return st;
}

/* The workload identity token file, trimmed. Read for every request:
 * Kubernetes rotates it. */
static enum dormant_status
read_federated(const char *path, char **out, struct dormant_error *err)
{
	struct dormant_buf b;
	enum dormant_status st;
	size_t start = 0, end;

	*out = NULL;
	dormant_buf_init(&b, FEDERATED_MAX);
	st = dormant_buf_read_file(&b, path, err);
	if (st != DORMANT_OK) {
		dormant_error_prefix(err, "federated token file");
		goto out;
	}
	end = b.len;
	while (start < end && isspace((unsigned char)b.data[start]))
		start++;
	while (end > start && isspace((unsigned char)b.data[end - 1]))
		end--;
	if (end == start) {
		st = dormant_error_set(err, DORMANT_ERR_AUTH,
		                       "federated token file %s is empty",
		                       path);
		goto out;
	}
	*out = strndup(b.data + start, end - start);
	if (!*out)
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
out:
	if (b.data)
		dormant_wipe(b.data, b.len);
	dormant_buf_free(&b);
	return st;
}

static enum dormant_status
append_param(struct dormant_buf *b, const char *name, const char *value)
{
	char *enc = dormant_http_urlencode(value);
	enum dormant_status st;

	if (!enc)
		return DORMANT_ERR_NOMEM;
	st = dormant_buf_appendf(b, "%s%s=%s", b->len ? "&" : "", name, enc);
	dormant_wipe(enc, strlen(enc));
	free(enc);
	return st;
}

/* Builds the form body; it holds the secret or assertion, so the caller
 * wipes it. */
static enum dormant_status
token_form(const struct azure_creds *c, int64_t now, struct dormant_buf *b,
           struct dormant_error *err)
{
	char *assertion = NULL;
	enum dormant_status st;

	st = append_param(b, "client_id", c->client_id);
	if (st == DORMANT_OK)
		st = append_param(b, "scope", c->scope);
	if (st == DORMANT_OK)
		st = append_param(b, "grant_type", "client_credentials");
	if (st != DORMANT_OK)
		goto nomem;
	switch (c->kind) {
	case AZURE_CRED_SECRET:
		st = append_param(b, "client_secret", c->secret);
		break;
	case AZURE_CRED_CERTIFICATE:
	case AZURE_CRED_FEDERATED:
		st = c->kind == AZURE_CRED_CERTIFICATE
		             ? azure_client_assertion(c, now, &assertion, err)
		             : read_federated(c->federated_file, &assertion,
		                              err);
		if (st != DORMANT_OK)
			goto out;
		st = append_param(b, "client_assertion_type", ASSERTION_TYPE);
		if (st == DORMANT_OK)
			st = append_param(b, "client_assertion", assertion);
		break;
	}
	if (st == DORMANT_OK)
		goto out;
nomem:
	st = dormant_error_set(err, st, "token request: %s",
	                       dormant_strerror(st));
out:
	if (assertion) {
		dormant_wipe(assertion, strlen(assertion));
		free(assertion);
	}
	return st;
}

static enum dormant_status
fetch(struct azure_tokens *t, const struct azure_creds *c,
      const struct dormant_host *host, struct dormant_http *http,
      struct dormant_error *err)
{
	static const struct dormant_http_header headers[] = {
	        {"Content-Type", "application/x-www-form-urlencoded"},
	        {"Accept", "application/json"}};
	struct dormant_http_request req = {0};
	struct dormant_http_response resp = {0};
	struct dormant_buf form;
	char *token = NULL;
	int64_t now = host->now(host), life = 0, margin;
	enum dormant_status st;

	dormant_buf_init(&form, 0);
	st = token_form(c, now, &form, err);
	if (st != DORMANT_OK)
		goto out;
	req.method = "POST";
	req.url = c->token_url;
	req.headers = headers;
	req.n_headers = sizeof(headers) / sizeof(headers[0]);
	req.body = form.data;
	req.body_len = form.len;
	/* Asking for a token again changes nothing: a garbled answer is
	 * asked again. */
	req.expect = DORMANT_HTTP_BODY_JSON;
	req.idempotent = true;
	st = dormant_http_send(http, &req, &resp, err);
	if (st != DORMANT_OK) {
		dormant_error_prefix(err, "token request");
		goto out;
	}
	if (resp.body_len > TOKEN_ANSWER_MAX) {
		st = dormant_error_set(err, DORMANT_ERR_TOO_LARGE,
		                       "the token answer is too large");
		goto out;
	}
	st = azure_token_parse(resp.status, resp.body, resp.body_len, &token,
	                       &life, err);
	if (st != DORMANT_OK)
		goto out;
	margin = life / 2 < REFRESH_MARGIN ? life / 2 : REFRESH_MARGIN;
	drop_token(t);
	t->token = token;
	token = NULL;
	t->refresh_at = now + life - margin;
	t->fetched++;
	if (host->log)
		host->log(host, DORMANT_LOG_DEBUG,
		          "tenant %s: new access token, valid %" PRId64 " s",
		          c->tenant, life);
out:
	if (form.data)
		dormant_wipe(form.data, form.len);
	dormant_buf_free(&form);
	if (resp.body)
		dormant_wipe(resp.body, resp.body_len);
	dormant_http_response_clear(&resp);
	free(token);
	return st;
}

enum dormant_status
azure_token_get(struct azure_tokens *t, const struct azure_creds *c,
                const struct dormant_host *host, struct dormant_http *http,
                const char *stale, char **out, struct dormant_error *err)
{
	enum dormant_status st = DORMANT_OK;

	*out = NULL;
	/* Held across the fetch: the other threads wait for this token
	 * rather than each asking for its own. */
	pthread_mutex_lock(&t->lock);
	if (!t->token || host->now(host) >= t->refresh_at ||
	    (stale && strcmp(stale, t->token) == 0)) {
		st = fetch(t, c, host, http, err);
		if (st != DORMANT_OK)
			goto out;
	}
	*out = strdup(t->token);
	if (!*out)
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
out:
	pthread_mutex_unlock(&t->lock);
	return st;
}
