/* dormant azure: access tokens from the Microsoft identity platform.
 *
 * The OAuth 2.0 client credentials grant ("Microsoft identity platform
 * and the OAuth 2.0 client credentials flow"):
 *
 *   POST {authority}/{tenant}/oauth2/v2.0/token
 *   Content-Type: application/x-www-form-urlencoded
 *   client_id=...&scope={graph}/.default&grant_type=client_credentials
 *   &client_secret=...                                  (a secret), or
 *   &client_assertion_type=urn:ietf:params:oauth:client-assertion-type:
 *    jwt-bearer&client_assertion=...     (a certificate or a federated token)
 *
 * answers {"token_type":"Bearer","expires_in":3599,"access_token":"..."},
 * or {"error":"invalid_client","error_description":"AADSTS7000215: ...",
 * "error_codes":[7000215],...} which becomes one line naming the cause.
 *
 * Tokens are cached for their lifetime (shared by every thread of the
 * handle, under a mutex) and fetched again before they expire, or once
 * when Graph answers 401 to one.
 */
#ifndef DORMANT_AZURE_TOKEN_H
#define DORMANT_AZURE_TOKEN_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <dormant/crypto.h>
#include <dormant/http.h>
#include <dormant/plugin.h>

enum azure_cred_kind {
	AZURE_CRED_SECRET,
	AZURE_CRED_CERTIFICATE,
	AZURE_CRED_FEDERATED
};

struct azure_creds {
	enum azure_cred_kind kind;
	char *tenant;    /* owned */
	char *client_id; /* owned */
	char *token_url; /* owned: {authority}/{tenant}/oauth2/v2.0/token */
	char *scope;     /* owned: {graph}/.default */
	char *secret;    /* owned, wiped when freed */
	struct dormant_private_key *key; /* owned */
	char *x5t_s256; /* owned: base64url SHA-256 thumbprint */
	int64_t cert_not_after;
	char *federated_file; /* owned: re-read for every token (it rotates) */
};

void azure_creds_free(struct azure_creds *c);

struct azure_tokens {
	pthread_mutex_t lock;
	char *token;        /* owned, wiped when replaced */
	int64_t refresh_at; /* host clock: fetch anew from then on */
	unsigned fetched;   /* how many tokens were fetched (tests, -v) */
};

void azure_tokens_init(struct azure_tokens *t);
void azure_tokens_destroy(struct azure_tokens *t);

/* A copy of a valid access token in *out (the caller wipes and frees it).
 * `stale`, when not NULL, is a token Graph just refused: if the cache
 * still holds it, a new one is fetched. http is the calling thread's. */
enum dormant_status
azure_token_get(struct azure_tokens *t, const struct azure_creds *c,
                const struct dormant_host *host, struct dormant_http *http,
                const char *stale, char **out, struct dormant_error *err);

/* Parses a token endpoint answer (any status). On success *token (owned
 * by the caller) and *expires_in are set; an error answer becomes one line
 * naming the AADSTS cause. Exposed for the fuzz target and tests. */
enum dormant_status azure_token_parse(long status, const char *body, size_t len,
                                      char **token, int64_t *expires_in,
                                      struct dormant_error *err);

/* The signed client assertion for a certificate credential: a JWT with
 * header alg RS256, typ JWT, x5t#S256, and claims aud (the token URL),
 * iss = sub = client id, jti (random), nbf = iat = now, exp = now + 10
 * minutes ("Microsoft identity platform application authentication
 * certificate credentials"). *out is the caller's. */
enum dormant_status azure_client_assertion(const struct azure_creds *c,
                                           int64_t now, char **out,
                                           struct dormant_error *err);

#endif /* DORMANT_AZURE_TOKEN_H */
