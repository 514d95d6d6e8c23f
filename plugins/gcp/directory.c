/* dormant gcp: the Admin SDK Directory API requests of the live scan.
 * See directory.h.
 *
 * Requests (Directory API reference, "Method: users.list", "users.get",
 * "users.patch"; base https://admin.googleapis.com):
 *   GET   /admin/directory/v1/users?customer=my_customer (or domain=...)
 *         &maxResults=500&projection=basic&viewType=admin_view&fields=...
 *         &pageToken=...
 *   GET   /admin/directory/v1/users/{userKey}?projection=basic
 *         &viewType=admin_view&fields=...
 *   PATCH /admin/directory/v1/users/{userKey}?fields=...
 *         {"suspended": true | false}
 * Each request carries only the query parameters its method declares
 * (projection and viewType belong to list and get, not to patch).
 * userKey is the numeric id: it never changes, unlike the primary email.
 *
 * fields= ("Performance tips", "Partial response") asks only for what the
 * verdict and the report use, so that a 100,000-user domain is 200 small
 * pages rather than 200 pages of addresses, phones and photos.
 *
 * Every request: a Bearer token of the right scope (token.c), one pacing
 * slot (core's rate limiter), retries of quota answers with backoff (core's
 * client; the 403 quota reasons are added by should_retry), and one new token
 * and one more try when the API answers 401 (a token revoked or expired early).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dormant/buf.h>
#include <dormant/crypto.h>
#include <dormant/json.h>
#include <dormant/timeutil.h>

#include "api_error.h"
#include "directory.h"
#include "directory_users.h"
#include "live.h"

#define USERS_PATH "/admin/directory/v1/users"
/* What each user carries in an answer: exactly what directory_users.c
 * reads. */
#define USER_FIELDS                                                            \
	"kind,id,primaryEmail,name/fullName,customerId,orgUnitPath,"           \
	"creationTime,lastLoginTime,isAdmin,isDelegatedAdmin,"                 \
	"isEnrolledIn2Sv,isEnforcedIn2Sv,suspended,archived"
#define LIST_FIELDS "kind,nextPageToken,users(" USER_FIELDS ")"

static bool
should_retry(void *ctx, const struct dormant_http_response *resp)
{
	struct gcp_api_error e;

	(void)ctx;
	if (resp->status != 403)
		return false;
	gcp_api_error_parse(resp->body, resp->body_len, &e);
	return gcp_api_error_is_rate_limit(resp->status, &e);
}

static enum dormant_status failure(const struct gcp_live *g,
                                   enum gcp_scope scope, const char *what,
                                   const struct dormant_http_response *resp,
                                   struct dormant_error *err);

/* One request with a token of `scope`. On DORMANT_OK resp holds the final
 * answer, whatever its status; `what` names the call in errors. */
static enum dormant_status
call(struct gcp_live *g, struct dormant_http *http, enum gcp_scope scope,
     const char *method, const char *url, const char *body, const char *what,
     struct dormant_http_response *resp, struct dormant_error *err)
{
	struct dormant_http_header headers[3];
	struct dormant_http_request req = {0};
	char *token = NULL, *auth = NULL;
	size_t n;
	enum dormant_status st = DORMANT_OK;

	for (int attempt = 0; attempt < 2; attempt++) {
		st = gcp_tokens_get(&g->tokens, http, scope, &token, err);
		if (st != DORMANT_OK) {
			dormant_error_prefix(err, "%s", what);
			goto out;
		}
		n = strlen(token) + sizeof("Bearer ");
		auth = malloc(n);
		if (!auth) {
			st = dormant_error_set(err, DORMANT_ERR_NOMEM,
			                       "%s: out of memory", what);
			goto out;
		}
		snprintf(auth, n, "Bearer %s", token);
		headers[0] =
		        (struct dormant_http_header){"Authorization", auth};
		headers[1] = (struct dormant_http_header){"Accept",
		                                          "application/json"};
		headers[2] = (struct dormant_http_header){"Content-Type",
		                                          "application/json"};
		req.method = method;
		req.url = url;
		req.headers = headers;
		req.n_headers = body ? 3 : 2;
		req.body = body;
		req.body_len = body ? strlen(body) : 0;
		req.should_retry = should_retry;
		/* A garbled page or re-read is read again (GET only: a
		 * patch is re-read before it is tried again). */
		req.expect = DORMANT_HTTP_BODY_JSON;
		if (dormant_ratelimit_wait(g->pacer, g->host) != DORMANT_OK) {
			st = dormant_error_set(err, DORMANT_ERR_CANCELLED,
			                       "%s: interrupted", what);
			goto out;
		}
		st = dormant_http_send(http, &req, resp, err);
		if (st == DORMANT_ERR_THROTTLED) {
			struct gcp_api_error e;

			gcp_api_error_parse(resp->body, resp->body_len, &e);
			st = dormant_error_set(
			        err, DORMANT_ERR_THROTTLED,
			        "%s: still over the Directory API quota after "
			        "%u attempts (HTTP %ld %s); lower [gcp] "
			        "requests_per_minute or raise the Admin SDK "
			        "quota of the Google Cloud project",
			        what,
			        resp->attempts ? resp->attempts
			                       : g->retries + 1,
			        resp->status,
			        e.reason[0] ? e.reason : e.status);
			dormant_http_response_clear(resp);
			goto out;
		}
		if (st == DORMANT_ERR_HTTP && resp->status >= 500) {
			/* A server error that outlasted every retry: the
			 * answer's own reason says more than the status. */
			char tried[160];

			snprintf(tried, sizeof(tried), "%s after %u attempts",
			         what,
			         resp->attempts ? resp->attempts
			                        : g->retries + 1);
			st = failure(g, scope, tried, resp, err);
			dormant_http_response_clear(resp);
			goto out;
		}
		if (st != DORMANT_OK) {
			dormant_error_prefix(err, "%s", what);
			dormant_http_response_clear(resp);
			goto out;
		}
		if (resp->status != 401 || attempt == 1)
			break;
		/* Google revokes tokens (a password change of the subject,
		 * delegation removed) and they can expire early: one fresh
		 * token, once. */
		if (g->host->log)
			g->host->log(g->host, DORMANT_LOG_INFO,
			             "%s: access token refused (401); getting "
			             "a new one",
			             what);
		gcp_tokens_invalidate(&g->tokens, scope, token);
		dormant_wipe(token, strlen(token));
		free(token);
		token = NULL;
		dormant_wipe(auth, strlen(auth));
		free(auth);
		auth = NULL;
	}
out:
	if (token) {
		dormant_wipe(token, strlen(token));
		free(token);
	}
	if (auth) {
		dormant_wipe(auth, strlen(auth));
		free(auth);
	}
	return st;
}

/* A Directory API answer other than 200: one line that says what to fix.
 * Reasons and texts: Directory API "Limits and quotas" and "Errors"
 * (Google API error format). */
static enum dormant_status
failure(const struct gcp_live *g, enum gcp_scope scope, const char *what,
        const struct dormant_http_response *resp, struct dormant_error *err)
{
	struct gcp_api_error e;
	const char *reason, *msg;

	gcp_api_error_parse(resp->body, resp->body_len, &e);
	reason = e.reason[0] ? e.reason : e.status[0] ? e.status : "no reason";
	msg = e.message[0] ? e.message : "no message";

	switch (resp->status) {
	case 401:
		return dormant_error_set(
		        err, DORMANT_ERR_AUTH,
		        "%s: the Directory API refused a fresh access token "
		        "(401 %s: %s)",
		        what, reason, msg);
	case 403:
		if (strcmp(e.reason, "insufficientPermissions") == 0 ||
		    strcmp(e.info, "ACCESS_TOKEN_SCOPE_INSUFFICIENT") == 0)
			return dormant_error_set(
			        err, DORMANT_ERR_PERMISSION,
			        "%s: the token lacks the scope %s (403 %s); "
			        "allow it in domain-wide delegation",
			        what, gcp_scope_url[scope], reason);
		if (strcmp(e.reason, "dailyLimitExceeded") == 0)
			return dormant_error_set(
			        err, DORMANT_ERR_THROTTLED,
			        "%s: the project's daily Admin SDK quota is "
			        "used up (403 %s)",
			        what, reason);
		return dormant_error_set(
		        err, DORMANT_ERR_PERMISSION,
		        "%s: %s may not %s users (403 %s: %s); make it a super "
		        "admin, or give it an admin role with the Users > %s "
		        "privilege",
		        what, g->subject,
		        scope == GCP_SCOPE_WRITE ? "suspend" : "read", reason,
		        msg, scope == GCP_SCOPE_WRITE ? "Suspend" : "Read");
	case 404:
		return dormant_error_set(err, DORMANT_ERR_NOT_FOUND,
		                         "%s: not found (404 %s: %s)", what,
		                         reason, msg);
	case 400:
		return dormant_error_set(
		        err, DORMANT_ERR_HTTP,
		        "%s: bad request (400 %s: %s); check [gcp] customer "
		        "and domain",
		        what, reason, msg);
	default:
		return dormant_error_set(err, DORMANT_ERR_HTTP,
		                         "%s: HTTP %ld (%s: %s)", what,
		                         resp->status, reason, msg);
	}
}

/* The users.list URL of one page; *url is freed by the caller. */
static enum dormant_status
list_url(const struct gcp_live *g, const char *page_token, char **url,
         struct dormant_error *err)
{
	struct dormant_buf b;
	char *who = dormant_http_urlencode(g->domain ? g->domain : g->customer);
	char *fields = dormant_http_urlencode(LIST_FIELDS);
	char *tok = page_token ? dormant_http_urlencode(page_token) : NULL;
	enum dormant_status st = DORMANT_ERR_NOMEM;

	*url = NULL;
	dormant_buf_init(&b, 0);
	if (!who || !fields || (page_token && !tok))
		goto out;
	st = dormant_buf_appendf(&b,
	                         "%s" USERS_PATH "?%s=%s&maxResults=%d"
	                         "&projection=basic&viewType=admin_view"
	                         "&fields=%s",
	                         g->endpoint, g->domain ? "domain" : "customer",
	                         who, GCP_DIRECTORY_PAGE_SIZE, fields);
	if (st == DORMANT_OK && tok)
		st = dormant_buf_appendf(&b, "&pageToken=%s", tok);
	if (st == DORMANT_OK)
		*url = dormant_buf_steal(&b);
out:
	free(who);
	free(fields);
	free(tok);
	dormant_buf_free(&b);
	if (st != DORMANT_OK)
		return dormant_error_set(err, st, "users.list: out of memory");
	return DORMANT_OK;
}

enum dormant_status
gcp_directory_list_page(struct gcp_live *g, struct dormant_http *http,
                        struct gcp_users_listing *ls, const char *page_token,
                        struct dormant_sink *sink, char **next,
                        struct dormant_error *err)
{
	struct dormant_http_response resp = {0};
	char *url = NULL;
	enum dormant_status st;

	*next = NULL;
	st = list_url(g, page_token, &url, err);
	if (st != DORMANT_OK)
		goto out;
	st = call(g, http, GCP_SCOPE_READ, "GET", url, NULL, ls->what, &resp,
	          err);
	if (st != DORMANT_OK)
		goto out;
	if (resp.status != 200) {
		st = failure(g, GCP_SCOPE_READ, ls->what, &resp, err);
		goto out;
	}
	st = gcp_directory_users_page(ls, resp.body, resp.body_len, sink, next,
	                              err);
out:
	dormant_http_response_clear(&resp);
	free(url);
	return st;
}

/* A customer id as the Directory API writes it (C03az79cb): it becomes
 * the scope in reports. */
static bool
customer_id_valid(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') ||
		      (s[n] >= 'A' && s[n] <= 'Z') ||
		      (s[n] >= '0' && s[n] <= '9')))
			return false;
	return n > 0 && n <= GCP_CUSTOMER_ID_MAX;
}

/* The read scope the listing already has suffices, where customers.get
 * would need another scope that domain-wide delegation may not allow. */
bool
gcp_directory_subject_customer_id(struct gcp_live *g, char *out, size_t size)
{
	struct dormant_error e2;
	struct dormant_http_response resp = {0};
	struct dormant_http *http = NULL;
	struct dormant_buf url;
	char *key = dormant_http_urlencode(g->subject);
	cJSON *root = NULL;
	const char *id = NULL;
	bool ok = false;

	dormant_buf_init(&url, 0);
	if (!key || gcp_live_http_new_once(g, &http, &e2) != DORMANT_OK)
		goto out;
	if (dormant_buf_appendf(&url,
	                        "%s" USERS_PATH "/%s?projection=basic"
	                        "&viewType=admin_view&fields=customerId",
	                        g->endpoint, key) != DORMANT_OK)
		goto out;
	if (call(g, http, GCP_SCOPE_READ, "GET", url.data, NULL,
	         "users.get of the subject", &resp, &e2) != DORMANT_OK ||
	    resp.status != 200)
		goto out;
	if (dormant_json_parse(resp.body, resp.body_len, "users.get", &root,
	                       &e2) != DORMANT_OK ||
	    !cJSON_IsObject(root) ||
	    dormant_json_string(root, "customerId", &id, &e2) != DORMANT_OK ||
	    !id || !customer_id_valid(id))
		goto out;
	ok = snprintf(out, size, "%s", id) < (int)size;
out:
	cJSON_Delete(root);
	dormant_http_response_clear(&resp);
	dormant_http_free(http);
	dormant_buf_free(&url);
	free(key);
	return ok;
}

/* Digits only: the id goes into the URL path unencoded. */
static bool
id_valid(const char *id)
{
	size_t n = 0;

	for (; id[n]; n++)
		if (id[n] < '0' || id[n] > '9')
			return false;
	return n > 0 && n <= GCP_ID_MAX;
}

enum dormant_status
gcp_directory_user(struct gcp_live *g, const char *id, const char *patch,
                   enum gcp_scope scope, const char *verb,
                   struct gcp_user_facts *facts, struct dormant_error *err)
{
	struct dormant_http_response resp = {0};
	struct dormant_http *http = NULL;
	struct dormant_buf url;
	char what[64 + GCP_ID_MAX];
	char *fields = dormant_http_urlencode(USER_FIELDS);
	enum dormant_status st;

	dormant_buf_init(&url, 0);
	if (!id || !id_valid(id)) {
		st = dormant_error_set(err, DORMANT_ERR_USAGE,
		                       "%s: not a numeric Google user id",
		                       verb);
		goto out;
	}
	snprintf(what, sizeof(what), "%s %s", verb, id);
	if (!fields) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM,
		                       "%s: out of memory", what);
		goto out;
	}
	/* users.get declares projection and viewType; users.patch declares
	 * none of them (only userKey, the body and the standard parameters
	 * such as fields: the generated client @googleapis/admin,
	 * Params$Resource$Users$Patch), and a strict server answers an
	 * undeclared one with 400 "Cannot bind query parameter". */
	st = dormant_buf_appendf(
	        &url, "%s" USERS_PATH "/%s?%sfields=%s", g->endpoint, id,
	        patch ? "" : "projection=basic&viewType=admin_view&", fields);
	if (st != DORMANT_OK) {
		st = dormant_error_set(err, st, "%s: out of memory", what);
		goto out;
	}
	st = gcp_live_http_take(g, &http, err);
	if (st != DORMANT_OK)
		goto out;
	st = call(g, http, scope, patch ? "PATCH" : "GET", url.data, patch,
	          what, &resp, err);
	if (st != DORMANT_OK)
		goto out;
	if (resp.status != 200) {
		st = failure(g, scope, what, &resp, err);
		goto out;
	}
	st = gcp_directory_user_parse(resp.body, resp.body_len, what, facts,
	                              err);
	if (st != DORMANT_OK)
		goto out;
	if (strcmp(facts->id, id) != 0) {
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "%s: the answer is about user %s", what,
		                       facts->id);
		goto out;
	}
out:
	dormant_http_response_clear(&resp);
	gcp_live_http_give(g, http);
	dormant_buf_free(&url);
	free(fields);
	return st;
}
