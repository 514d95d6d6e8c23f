/* dormant okta: requests to an Okta org. See api.h. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dormant/crypto.h>
#include <dormant/json.h>
#include <dormant/ratelimit.h>
#include <dormant/timeutil.h>

#include "api.h"

/* Backoff between attempts that Okta gave no time for (5xx, a lost
 * connection): full jitter over 1 s, 2 s, 4 s, ..., at most 30 s. */
static const struct dormant_http_options backoff = {
        .backoff_base_ms = 1000,
        .backoff_max_ms = 30000,
        .retry_after_max_ms = 120000,
};

static double
jitter(void)
{
	unsigned char b[4];
	struct dormant_error ignored;
	uint32_t v;

	if (dormant_random_bytes(b, sizeof(b), &ignored) != DORMANT_OK)
		return 0.5;
	v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 |
	    b[3];
	return (double)v / 4294967296.0;
}

static int64_t
wall(const struct dormant_host *host)
{
	return host && host->now ? host->now(host) : (int64_t)time(NULL);
}

enum dormant_status
okta_api_exchange(struct dormant_http *http, struct okta_exchange *x,
                  struct dormant_http_response *resp, struct dormant_error *err)
{
	const struct dormant_host *host = x->host;
	enum dormant_status st = DORMANT_OK;

	for (unsigned attempt = 1;; attempt++) {
		const char *why;
		long wait_ms = 0;

		st = okta_pace_take(x->pace, x->bucket, err);
		if (st != DORMANT_OK)
			return st;
		st = dormant_http_send(http, &x->req, resp, err);
		if (resp->status)
			okta_pace_learn(x->pace, x->bucket, resp);
		switch (st) {
		case DORMANT_OK:
			if (resp->status != 429 && resp->status != 503 &&
			    resp->status != 500 && resp->status != 502 &&
			    resp->status != 504)
				return DORMANT_OK;
			why = resp->status == 429 ? "rate limited" : "busy";
			break;
		case DORMANT_ERR_THROTTLED: why = "rate limited"; break;
		case DORMANT_ERR_HTTP:
			/* 500/502/504, or a 2xx whose body is garbled. */
			if (resp->status / 100 == 2 && !x->idempotent)
				return st;
			why = "server error or garbled answer";
			break;
		case DORMANT_ERR_NETWORK:
			/* A mutation whose answer was lost may have been
			 * made: the caller reads it back, never blindly
			 * sends it again. */
			if (!x->idempotent)
				return st;
			why = "connection failed";
			break;
		default: return st;
		}
		if (attempt >= OKTA_ATTEMPTS) {
			if (st == DORMANT_OK)
				/* The last answer is the caller's to read. */
				return DORMANT_OK;
			return st;
		}
		/* A 429 waits in okta_pace_take until the reset it named; the
		 * others back off here. */
		if (resp->status != 429)
			wait_ms = dormant_http_backoff_ms(&backoff, attempt,
			                                  resp->retry_after,
			                                  wall(host), jitter());
		if (host && host->log)
			host->log(host, DORMANT_LOG_INFO,
			          "%s: %s (HTTP %ld); attempt %u of %u%s",
			          okta_bucket_name(x->bucket), why,
			          resp->status, attempt + 1, OKTA_ATTEMPTS,
			          resp->status == 429
			                  ? " after the rate-limit reset"
			                  : "");
		dormant_http_response_clear(resp);
		if (wait_ms > 0 &&
		    !dormant_sleep_ns(host, (int64_t)wait_ms * 1000000))
			return dormant_error_set(err, DORMANT_ERR_CANCELLED,
			                         "interrupted");
	}
}

/* ---- errors ---- */

struct okta_error {
	char code[16];
	char summary[200];
	char id[64];
	char oauth[48]; /* an OAuth "error" member, e.g. invalid_client */
};

/* Copies printable ASCII only: the text goes into one log line. */
static void
copy_clean(char *dst, size_t size, const char *src)
{
	size_t n = 0;

	for (; src && *src && n + 1 < size; src++)
		dst[n++] = (*src >= 0x20 && *src < 0x7f) ? *src : '?';
	dst[n] = '\0';
}

static void
parse_error(const struct dormant_http_response *resp, struct okta_error *e)
{
	struct dormant_error ignored;
	cJSON *root = NULL;
	const char *s = NULL;

	memset(e, 0, sizeof(*e));
	if (!resp->body || !resp->body_len ||
	    dormant_json_parse(resp->body, resp->body_len, "error", &root,
	                       &ignored) != DORMANT_OK)
		return;
	if (cJSON_IsObject(root)) {
		if (dormant_json_string(root, "errorCode", &s, &ignored) ==
		            DORMANT_OK &&
		    s)
			copy_clean(e->code, sizeof(e->code), s);
		s = NULL;
		if (dormant_json_string(root, "errorSummary", &s, &ignored) ==
		            DORMANT_OK &&
		    s)
			copy_clean(e->summary, sizeof(e->summary), s);
		s = NULL;
		if (dormant_json_string(root, "errorId", &s, &ignored) ==
		            DORMANT_OK &&
		    s)
			copy_clean(e->id, sizeof(e->id), s);
		s = NULL;
		if (dormant_json_string(root, "error", &s, &ignored) ==
		            DORMANT_OK &&
		    s)
			copy_clean(e->oauth, sizeof(e->oauth), s);
		s = NULL;
		if (!e->summary[0] &&
		    dormant_json_string(root, "error_description", &s,
		                        &ignored) == DORMANT_OK &&
		    s)
			copy_clean(e->summary, sizeof(e->summary), s);
	}
	cJSON_Delete(root);
}

void
okta_api_error_code(const struct dormant_http_response *resp, char code[16])
{
	struct okta_error e;

	parse_error(resp, &e);
	memcpy(code, e.code, sizeof(e.code));
}

static enum dormant_status
answer_error(const struct okta_call *call,
             const struct dormant_http_response *resp,
             struct dormant_error *err)
{
	struct okta_error e;
	enum dormant_status st;
	const char *hint = "";
	char scope_hint[160];

	parse_error(resp, &e);
	switch (resp->status) {
	case 401:
		st = DORMANT_ERR_AUTH;
		hint = ": the token is not valid (check api_token / "
		       "OKTA_API_TOKEN: an SSWS token expires after 30 days "
		       "unused and dies with its admin; or the service app's "
		       "client_id and key)";
		break;
	case 403:
		st = DORMANT_ERR_PERMISSION;
		snprintf(scope_hint, sizeof(scope_hint),
		         ": grant the service app the scope %s and an admin "
		         "role that allows this call (docs/okta.md)",
		         okta_scope_name(call->scope));
		hint = scope_hint;
		break;
	case 404:
		st = DORMANT_ERR_NOT_FOUND;
		hint = ": no such user (deleted since the scan?)";
		break;
	case 429:
		st = DORMANT_ERR_THROTTLED;
		hint = ": still rate limited after every retry (other "
		       "clients of the org use its limit; lower "
		       "rate_limit_percent or run at a quieter time)";
		break;
	default: st = DORMANT_ERR_HTTP; break;
	}
	/* Okta's codes say more than the status where they are known. */
	if (strcmp(e.code, "E0000007") == 0) {
		st = DORMANT_ERR_NOT_FOUND;
		hint = ": no such user (deleted since the scan?)";
	} else if (strcmp(e.code, "E0000047") == 0) {
		st = DORMANT_ERR_THROTTLED;
	} else if (resp->status / 100 == 4 && resp->status != 401 &&
	           resp->status != 403 && resp->status != 404 &&
	           resp->status != 429) {
		hint = ": Okta refused the request";
	}
	return dormant_error_set(err, st, "%s: HTTP %ld%s%s%s%s%s%s%s%s",
	                         call->what, resp->status, e.code[0] ? " " : "",
	                         e.code, e.summary[0] ? " " : "", e.summary,
	                         e.id[0] ? " (errorId " : "", e.id,
	                         e.id[0] ? ")" : "", hint);
}

/* ---- authenticated calls ---- */

struct call_ctx {
	const struct okta_auth *auth;
	const struct okta_call *call;
	const char *token; /* OAuth access token, or NULL */
	bool dpop;
	char *authorization;
	char *proof;
	struct dormant_http_header headers[5];
};

static void
drop_secret(char **s)
{
	if (*s) {
		dormant_wipe(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

static enum dormant_status
prepare(void *ctx_, struct dormant_http_request *req, struct dormant_error *err)
{
	struct call_ctx *c = ctx_;
	size_t n = 0, len;
	const char *kind;
	const char *secret;

	drop_secret(&c->authorization);
	drop_secret(&c->proof);
	if (c->auth->oauth) {
		kind = c->dpop ? "DPoP" : "Bearer";
		secret = c->token;
	} else {
		kind = "SSWS";
		secret = c->auth->api_token;
	}
	len = strlen(kind) + strlen(secret) + 2;
	c->authorization = malloc(len);
	if (!c->authorization)
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	snprintf(c->authorization, len, "%s %s", kind, secret);
	c->headers[n++] =
	        (struct dormant_http_header){"Authorization", c->authorization};
	c->headers[n++] =
	        (struct dormant_http_header){"Accept", "application/json"};
	if (c->call->body)
		c->headers[n++] = (struct dormant_http_header){
		        "Content-Type", "application/json"};
	if (c->dpop) {
		/* A proof is good for one request: a new jti and iat every
		 * attempt. */
		char *nonce = okta_oauth_api_nonce(c->auth->oauth);
		enum dormant_status st = okta_oauth_dpop_proof(
		        c->auth->oauth, c->call->method, c->call->url, c->token,
		        nonce, &c->proof, err);

		free(nonce);
		if (st != DORMANT_OK)
			return st;
		c->headers[n++] =
		        (struct dormant_http_header){"DPoP", c->proof};
	}
	req->headers = c->headers;
	req->n_headers = n;
	return DORMANT_OK;
}

/* Does the WWW-Authenticate challenge carry error="<what>"? */
static bool
challenge_says(const struct dormant_http_response *resp, const char *what)
{
	const char *www =
	        dormant_http_response_header(resp, "WWW-Authenticate");
	char want[64];

	if (!www)
		return false;
	snprintf(want, sizeof(want), "error=\"%s\"", what);
	return strstr(www, want) != NULL;
}

enum dormant_status
okta_api_call(struct dormant_http *http, struct okta_pace *pace,
              const struct dormant_host *host, const struct okta_auth *auth,
              const struct okta_call *call, struct dormant_http_response *resp,
              struct dormant_error *err)
{
	struct call_ctx ctx = {.auth = auth, .call = call};
	struct okta_exchange x = {
	        .pace = pace,
	        .host = host,
	        .bucket = call->bucket,
	        .idempotent = strcmp(call->method, "GET") == 0,
	};
	char *token = NULL;
	enum dormant_status st = DORMANT_OK;

	x.req.method = call->method;
	x.req.url = call->url;
	x.req.body = call->body;
	x.req.body_len = call->body ? strlen(call->body) : 0;
	x.req.prepare = prepare;
	x.req.ctx = &ctx;
	/* A read's answer must be whole JSON (a cut page is read again); a
	 * lifecycle call answers what it answers, read back by the caller
	 * when in doubt. */
	x.req.expect =
	        x.idempotent ? DORMANT_HTTP_BODY_JSON : DORMANT_HTTP_BODY_ANY;
	x.req.idempotent = x.idempotent;
	/* Twice at most: one new token, or the nonce the API asked for. */
	for (int round = 0; round < 2; round++) {
		if (auth->oauth) {
			drop_secret(&token);
			st = okta_oauth_token(auth->oauth, http, call->scope,
			                      &token, &ctx.dpop, err);
			if (st != DORMANT_OK) {
				dormant_error_prefix(err, "%s", call->what);
				goto out;
			}
			ctx.token = token;
		}
		st = okta_api_exchange(http, &x, resp, err);
		if (st != DORMANT_OK)
			goto out;
		if (resp->status == 401 && round == 0 && auth->oauth) {
			const char *nonce = dormant_http_response_header(
			        resp, "DPoP-Nonce");

			if (ctx.dpop && nonce &&
			    challenge_says(resp, "use_dpop_nonce")) {
				okta_oauth_set_api_nonce(auth->oauth, nonce);
				dormant_http_response_clear(resp);
				continue;
			}
			okta_oauth_drop(auth->oauth, call->scope, token);
			dormant_http_response_clear(resp);
			continue;
		}
		break;
	}
	if (resp->status / 100 != 2)
		st = answer_error(call, resp, err);
out:
	drop_secret(&token);
	drop_secret(&ctx.authorization);
	drop_secret(&ctx.proof);
	return st;
}
