/* dormant okta: requests to an Okta org.
 *
 * okta_api_exchange sends one request as many times as Okta's answers
 * allow: it takes a pacing slot first (pace.h), and sends again after a
 * 429 (once the window resets), a 503 (obeying Retry-After), a 500, 502
 * or 504, a connection failure, or a garbled 2xx answer to a read, with
 * backoff, up to OKTA_ATTEMPTS attempts. The HTTP clients it is given
 * make one attempt each: Okta says when to come back in its own headers,
 * which the HTTP layer's retry loop would not read.
 *
 * okta_api_call adds authentication (an SSWS API token, or a service
 * app's access token, Bearer or DPoP-bound) and the two answers one new
 * try settles: 401 invalid_token (a token revoked or expired early: a
 * new one) and 401 use_dpop_nonce (the nonce it names). Any other answer
 * that is not 2xx becomes one line with Okta's errorCode, errorSummary
 * and errorId, and what to do about it.
 */
#ifndef OKTA_API_H
#define OKTA_API_H

#include <stdbool.h>

#include <dormant/http.h>
#include <dormant/plugin.h>

#include "oauth.h"
#include "pace.h"

#define OKTA_ATTEMPTS 5

/* One request. prepare (may be NULL) is called before each attempt with
 * ctx, and may set headers and body afresh (a JWT's jti must be new
 * each time). */
struct okta_exchange {
	struct okta_pace *pace;
	const struct dormant_host *host;
	enum okta_bucket bucket;
	bool idempotent; /* may be sent again after a lost answer */
	struct dormant_http_request req;
};

/* On DORMANT_OK resp holds the final answer, whatever its status. */
enum dormant_status okta_api_exchange(struct dormant_http *http,
                                      struct okta_exchange *x,
                                      struct dormant_http_response *resp,
                                      struct dormant_error *err);

/* How an org is reached: one of the two credentials is set. */
struct okta_auth {
	const char *api_token;    /* SSWS */
	struct okta_oauth *oauth; /* service app */
};

struct okta_call {
	const char *method;
	const char *url;  /* absolute, on the org */
	const char *body; /* JSON, or NULL */
	enum okta_bucket bucket;
	enum okta_scope scope; /* the OAuth scope the call needs */
	const char *what;      /* "GET /api/v1/users" for messages */
};

/* On DORMANT_OK resp holds a 2xx answer. Otherwise err says why and,
 * when Okta answered, resp still holds that answer (the caller may read
 * its errorCode: okta_api_error_code). */
enum dormant_status
okta_api_call(struct dormant_http *http, struct okta_pace *pace,
              const struct dormant_host *host, const struct okta_auth *auth,
              const struct okta_call *call, struct dormant_http_response *resp,
              struct dormant_error *err);

/* The errorCode of an Okta error body (E0000006, ...) into code, or ""
 * when the body is not one. */
void okta_api_error_code(const struct dormant_http_response *resp,
                         char code[16]);

#endif /* OKTA_API_H */
