/* dormant okta: access tokens for a service app, as "Implement OAuth for
 * Okta with a service app" describes:
 *
 *     POST {org}/oauth2/v1/token
 *     grant_type=client_credentials&scope=okta.users.read
 *     &client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer
 *     &client_assertion=<RS256 JWT: iss = sub = client_id,
 *                        aud = the token URL, iat, exp, jti; kid>
 *
 * One token per scope, so that each is the least a call needs and a
 * scope the app was not granted fails only what needs it (no
 * okta.roles.read: admins unknown; no okta.users.manage: no acting).
 *
 * DPoP (RFC 9449; Okta: "Configure OAuth 2.0 Demonstrating
 * Proof-of-Possession"): when the app requires it, the token endpoint
 * refuses a request without a DPoP proof (invalid_dpop_proof) and then
 * asks for its nonce (use_dpop_nonce, DPoP-Nonce header). dormant then
 * makes an RSA key for the run, proves possession of it on every token
 * request and every API call (htm, htu, iat, jti; ath on API calls), and
 * sends tokens as "Authorization: DPoP ...". The proof key is never the
 * client-assertion key: a stolen token plus an old proof is worthless.
 */
#ifndef OKTA_OAUTH_H
#define OKTA_OAUTH_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <dormant/crypto.h>
#include <dormant/http.h>
#include <dormant/plugin.h>

#include "pace.h"

enum okta_scope {
	OKTA_SCOPE_USERS_READ,   /* okta.users.read */
	OKTA_SCOPE_ROLES_READ,   /* okta.roles.read */
	OKTA_SCOPE_USERS_MANAGE, /* okta.users.manage */
	OKTA_SCOPE_COUNT
};

const char *okta_scope_name(enum okta_scope s);

struct okta_oauth {
	pthread_mutex_t lock;
	const struct dormant_host *host;
	struct okta_pace *pace;
	char *token_url;
	char *client_id;
	char *key_id; /* NULL: no kid */
	struct dormant_private_key *key;
	/* DPoP, once the token endpoint asked for it. */
	bool dpop;
	struct dormant_private_key *dpop_key;
	char *dpop_jwk;
	char *token_nonce; /* the token endpoint's DPoP-Nonce */
	char *api_nonce;   /* the resource server's, if it asks */
	struct {
		char *token;
		int64_t expires; /* host clock */
		bool dpop;       /* token_type DPoP */
	} t[OKTA_SCOPE_COUNT];
	unsigned requests; /* token requests sent */
};

/* Takes ownership of key. */
enum dormant_status okta_oauth_init(struct okta_oauth *o,
                                    const struct dormant_host *host,
                                    struct okta_pace *pace, const char *org_url,
                                    const char *client_id, const char *key_id,
                                    struct dormant_private_key *key,
                                    struct dormant_error *err);
void okta_oauth_destroy(struct okta_oauth *o);

/* A valid token for scope s (a copy the caller wipes and frees), asking
 * the token endpoint when none is cached or it expires within a minute.
 * *dpop says whether it must be sent as a DPoP token. */
enum dormant_status okta_oauth_token(struct okta_oauth *o,
                                     struct dormant_http *http,
                                     enum okta_scope s, char **token,
                                     bool *dpop, struct dormant_error *err);

/* Forgets the cached token for s if it is still `token` (revoked or
 * expired early: the API said so). */
void okta_oauth_drop(struct okta_oauth *o, enum okta_scope s,
                     const char *token);

/* A DPoP proof for one request: htm, htu (the URL without query and
 * fragment), iat, jti, and ath when token is given, nonce when known.
 * *out is freed by the caller. */
enum dormant_status okta_oauth_dpop_proof(struct okta_oauth *o,
                                          const char *method, const char *url,
                                          const char *token, const char *nonce,
                                          char **out,
                                          struct dormant_error *err);

/* The resource server's nonce (copy, or NULL) and setting it. */
char *okta_oauth_api_nonce(struct okta_oauth *o);
void okta_oauth_set_api_nonce(struct okta_oauth *o, const char *nonce);

#endif /* OKTA_OAUTH_H */
