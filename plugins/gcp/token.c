/* dormant gcp: OAuth 2.0 access tokens for a service account with
 * domain-wide delegation. See token.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include <dormant/crypto.h>
#include <dormant/timeutil.h>

#include "oauth_answer.h"
#include "token.h"

const char *const gcp_scope_url[GCP_SCOPES] = {
        "https://www.googleapis.com/auth/admin.directory.user.readonly",
        "https://www.googleapis.com/auth/admin.directory.user",
};

/* Google refuses an assertion whose exp is more than an hour after its
 * iat ("Token must be a short-lived token (60 minutes)"). */
#define ASSERTION_LIFETIME 3600
/* After the token endpoint refused a scope (no delegation, a wrong
 * subject), further requests for it within this long fail at once with
 * the same message: fixing delegation takes minutes, and a run with
 * hundreds of actions must not send hundreds of doomed assertions. */
#define REFUSAL_MEMORY_US ((int64_t)60 * 1000000)
/* A token is renewed this long before it expires (or at half its life,
 * if shorter), so that a request never leaves with a token about to die. */
#define REFRESH_MARGIN 60

#define GRANT_TYPE "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"

static int64_t
mono_us(void)
{
	return dormant_monotonic_ns() / 1000;
}

static void
drop(char **token)
{
	if (*token) {
		dormant_wipe(*token, strlen(*token));
		free(*token);
		*token = NULL;
	}
}

void
gcp_tokens_init(struct gcp_tokens *t, const struct gcp_sa_key *key,
                const char *subject, const struct dormant_host *host)
{
	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	t->key = key;
	t->subject = subject;
	t->host = host;
}

void
gcp_tokens_destroy(struct gcp_tokens *t)
{
	for (int i = 0; i < GCP_SCOPES; i++)
		drop(&t->slot[i].token);
	pthread_mutex_destroy(&t->lock);
}

/* The signed assertion; *jwt is freed (and wiped) by the caller. */
static enum dormant_status
make_assertion(const struct gcp_tokens *t, enum gcp_scope scope, char **jwt,
               struct dormant_error *err)
{
	cJSON *h = cJSON_CreateObject(), *c = cJSON_CreateObject();
	char *hs = NULL, *cs = NULL;
	/* The assertion is judged by Google's clock: the real one, even
	 * when the run's clock is pinned with --now. */
	double now = (double)time(NULL);
	enum dormant_status st = DORMANT_OK;

	*jwt = NULL;
	if (!h || !c || !cJSON_AddStringToObject(h, "alg", "RS256") ||
	    !cJSON_AddStringToObject(h, "typ", "JWT") ||
	    !cJSON_AddStringToObject(h, "kid", t->key->private_key_id) ||
	    !cJSON_AddStringToObject(c, "iss", t->key->client_email) ||
	    !cJSON_AddStringToObject(c, "sub", t->subject) ||
	    !cJSON_AddStringToObject(c, "scope", gcp_scope_url[scope]) ||
	    !cJSON_AddStringToObject(c, "aud", t->key->token_uri) ||
	    !cJSON_AddNumberToObject(c, "iat", now) ||
	    !cJSON_AddNumberToObject(c, "exp", now + ASSERTION_LIFETIME)) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	hs = cJSON_PrintUnformatted(h);
	cs = cJSON_PrintUnformatted(c);
	if (!hs || !cs) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	st = dormant_jwt_sign_rs256(hs, cs, t->key->key, jwt, err);
out:
	cJSON_free(hs);
	cJSON_free(cs);
	cJSON_Delete(h);
	cJSON_Delete(c);
	return st;
}

static bool
contains(const char *s, const char *needle)
{
	return strstr(s, needle) != NULL;
}

/* The token endpoint said no: one line with what to fix. The codes and
 * descriptions are those Google's token endpoint sends (RFC 6749 section
 * 5.2 codes; the descriptions as google-auth and the Admin SDK forums
 * quote them). */
static enum dormant_status
refusal(const struct gcp_tokens *t, enum gcp_scope scope,
        const struct dormant_http_response *resp, struct dormant_error *err)
{
	char code[GCP_OAUTH_CODE_MAX], desc[GCP_OAUTH_DESC_MAX];
	const char *hint;
	enum dormant_status st = DORMANT_ERR_AUTH;

	if (!gcp_oauth_parse_error(resp->body ? resp->body : "", resp->body_len,
	                           code, desc))
		return dormant_error_set(
		        err, DORMANT_ERR_HTTP,
		        "token request for %s: HTTP %ld from %s without an "
		        "OAuth error",
		        t->subject, resp->status, t->key->token_uri);

	/* Google's description ("Client is unauthorized to retrieve access
	 * tokens using this method, or client not authorized for any of the
	 * scopes requested.") says less than what to do about it. */
	if (strcmp(code, "unauthorized_client") == 0 ||
	    strcmp(code, "access_denied") == 0) {
		return dormant_error_set(
		        err, DORMANT_ERR_AUTH,
		        "token request for %s refused (%s): no domain-wide "
		        "delegation; allow client ID %s the scope %s in the "
		        "Google Admin console (Security > Access and data "
		        "control > API controls > Domain-wide delegation)",
		        t->subject, code,
		        t->key->client_id ? t->key->client_id
		                          : "(the service account's)",
		        gcp_scope_url[scope]);
	}
	if (strcmp(code, "invalid_grant") == 0) {
		/* "Invalid email or User ID": the subject is nobody here. */
		if (contains(desc, "email") || contains(desc, "User ID") ||
		    contains(desc, "subject"))
			hint = "set [gcp] subject to the primary email of a "
			       "Workspace admin of this domain";
		else if (contains(desc, "ignature"))
			hint = "the key was deleted or disabled; create a new "
			       "key for the service account";
		else if (contains(desc, "account not found"))
			hint = "the service account no longer exists";
		/* "Invalid JWT: Token must be a short-lived token (60
		 * minutes) and in a reasonable timeframe. Check your iat and
		 * exp values ...": the clocks disagree. */
		else if (contains(desc, "iat") || contains(desc, "timeframe") ||
		         contains(desc, "short-lived"))
			hint = "this machine's clock is off; set it right "
			       "(NTP) "
			       "and retry";
		else
			hint = "check the key file and [gcp] subject";
	} else if (strcmp(code, "invalid_client") == 0) {
		hint = "the service account or its key is disabled or deleted";
	} else if (strcmp(code, "invalid_scope") == 0) {
		hint = "the scope was refused";
	} else {
		hint = "check the key file and [gcp] subject";
		st = resp->status >= 500 ? DORMANT_ERR_HTTP : DORMANT_ERR_AUTH;
	}
	return dormant_error_set(err, st,
	                         "token request for %s as %s refused (%s: %s): "
	                         "%s",
	                         t->subject, t->key->client_email, code, desc,
	                         hint);
}

/* Fetches a token for scope into the slot. Called with the lock held. */
static enum dormant_status
fetch(struct gcp_tokens *t, struct dormant_http *http, enum gcp_scope scope,
      struct dormant_error *err)
{
	static const struct dormant_http_header headers[] = {
	        {"Content-Type", "application/x-www-form-urlencoded"},
	        {"Accept", "application/json"},
	};
	struct dormant_http_response resp = {0};
	struct dormant_buf body;
	struct dormant_http_request req = {0};
	char *jwt = NULL, *token = NULL;
	int64_t expires_in = 0, margin;
	enum dormant_status st;

	dormant_buf_init(&body, 0);
	st = make_assertion(t, scope, &jwt, err);
	if (st != DORMANT_OK) {
		dormant_error_prefix(err, "token request for %s", t->subject);
		goto out;
	}
	/* A JWT is base64url and dots: nothing to percent-encode. */
	st = dormant_buf_appendf(&body, "grant_type=%s&assertion=%s",
	                         GRANT_TYPE, jwt);
	if (st != DORMANT_OK) {
		st = dormant_error_set(err, st, "token request: %s",
		                       dormant_strerror(st));
		goto out;
	}
	req.method = "POST";
	req.url = t->key->token_uri;
	req.headers = headers;
	req.n_headers = sizeof(headers) / sizeof(headers[0]);
	req.body = body.data;
	req.body_len = body.len;
	/* Asking for a token again changes nothing. */
	req.expect = DORMANT_HTTP_BODY_JSON;
	req.idempotent = true;
	st = dormant_http_send(http, &req, &resp, err);
	if (st != DORMANT_OK) {
		dormant_error_prefix(err, "token request for %s", t->subject);
		goto out;
	}
	if (resp.status != 200) {
		st = refusal(t, scope, &resp, err);
		goto out;
	}
	st = gcp_oauth_parse_token(resp.body, resp.body_len, &token,
	                           &expires_in, err);
	if (st != DORMANT_OK) {
		dormant_error_prefix(err, "token request for %s", t->subject);
		goto out;
	}
	margin = expires_in / 2 < REFRESH_MARGIN ? expires_in / 2
	                                         : REFRESH_MARGIN;
	drop(&t->slot[scope].token);
	t->slot[scope].token = token;
	t->slot[scope].refresh_us = mono_us() + (expires_in - margin) * 1000000;
	token = NULL;
	t->fetched[scope]++;
	if (t->host && t->host->log)
		t->host->log(t->host, DORMANT_LOG_DEBUG,
		             "access token for %s (%s) obtained, valid %lld s",
		             t->subject, gcp_scope_url[scope],
		             (long long)expires_in);
out:
	if (resp.body)
		dormant_wipe(resp.body, resp.body_len);
	dormant_http_response_clear(&resp);
	if (jwt) {
		dormant_wipe(jwt, strlen(jwt));
		free(jwt);
	}
	if (body.data)
		dormant_wipe(body.data, body.len);
	dormant_buf_free(&body);
	drop(&token);
	return st;
}

enum dormant_status
gcp_tokens_get(struct gcp_tokens *t, struct dormant_http *http,
               enum gcp_scope scope, char **token, struct dormant_error *err)
{
	enum dormant_status st = DORMANT_OK;

	*token = NULL;
	pthread_mutex_lock(&t->lock);
	if (t->slot[scope].refused &&
	    mono_us() < t->slot[scope].refused_until) {
		st = dormant_error_set(err, t->slot[scope].refused, "%s",
		                       t->slot[scope].refusal);
		goto out;
	}
	if (!t->slot[scope].token || mono_us() >= t->slot[scope].refresh_us) {
		st = fetch(t, http, scope, err);
		if (st == DORMANT_ERR_AUTH) {
			t->slot[scope].refused = st;
			t->slot[scope].refused_until =
			        mono_us() + REFUSAL_MEMORY_US;
			snprintf(t->slot[scope].refusal,
			         sizeof(t->slot[scope].refusal), "%s",
			         err ? err->msg : "token request refused");
		}
		if (st != DORMANT_OK)
			goto out;
		t->slot[scope].refused = DORMANT_OK;
	}
	*token = strdup(t->slot[scope].token);
	if (!*token)
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
out:
	pthread_mutex_unlock(&t->lock);
	return st;
}

void
gcp_tokens_invalidate(struct gcp_tokens *t, enum gcp_scope scope,
                      const char *token)
{
	pthread_mutex_lock(&t->lock);
	if (t->slot[scope].token && token &&
	    strcmp(t->slot[scope].token, token) == 0)
		drop(&t->slot[scope].token);
	pthread_mutex_unlock(&t->lock);
}
