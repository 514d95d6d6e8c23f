/* dormant gcp: OAuth 2.0 access tokens for a service account acting for
 * a Workspace admin (domain-wide delegation).
 *
 * Google's "Using OAuth 2.0 for Server to Server Applications", section
 * "Preparing to make an authorized API call" (HTTP/REST): the client signs
 * a JWT with the key's private key, RS256, header
 * {"alg":"RS256","typ":"JWT","kid": private_key_id}, claims {"iss":
 * client_email, "sub": the user to act as, "scope": space-delimited scopes,
 * "aud": the token URI, "iat": now, "exp": at most one hour later}, and POSTs
 * it form-encoded as
 *   grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=JWT
 * (RFC 7523 section 2.1) to the key file's token_uri. The answer's
 * access_token is used as "Authorization: Bearer" until expires_in.
 *
 * Two scopes, each with its own cached token: reads (users.list,
 * users.get) ask for admin.directory.user.readonly, so that a report-only
 * run never holds a token that could suspend anyone; suspend and
 * unsuspend ask for admin.directory.user, and only when core asks for
 * them.
 *
 * Threads: one cache serves every thread of a handle; a mutex guards it,
 * and is held while a token is fetched so that threads that need the same
 * token wait for one request rather than sending one each.
 */
#ifndef DORMANT_GCP_TOKEN_H
#define DORMANT_GCP_TOKEN_H

#include <pthread.h>
#include <stdint.h>

#include <dormant/http.h>
#include <dormant/plugin.h>

#include "sa_key.h"

enum gcp_scope { GCP_SCOPE_READ = 0, GCP_SCOPE_WRITE = 1, GCP_SCOPES = 2 };

/* The OAuth scope URL of each (Directory API reference, users.list and
 * users.patch, "Authorization scopes"). */
extern const char *const gcp_scope_url[GCP_SCOPES];

struct gcp_tokens {
	pthread_mutex_t lock;
	const struct gcp_sa_key *key;    /* borrowed */
	const char *subject;             /* borrowed: the admin to act as */
	const struct dormant_host *host; /* borrowed; may be NULL */
	struct {
		char *token;        /* owned; wiped when dropped */
		int64_t refresh_us; /* monotonic: get a new one after this */
		/* The last refusal (DORMANT_ERR_AUTH) and its message,
		 * repeated without asking again until refused_until. */
		enum dormant_status refused;
		int64_t refused_until;
		char refusal[DORMANT_ERROR_MAX];
	} slot[GCP_SCOPES];
	unsigned fetched[GCP_SCOPES]; /* tokens obtained so far */
};

void gcp_tokens_init(struct gcp_tokens *t, const struct gcp_sa_key *key,
                     const char *subject, const struct dormant_host *host);
void gcp_tokens_destroy(struct gcp_tokens *t);

/* A valid access token for scope, from the cache or fetched with http
 * (the caller's client: one thread at a time). *token is a copy the
 * caller wipes and frees. Errors are one line saying what to fix. */
enum dormant_status gcp_tokens_get(struct gcp_tokens *t,
                                   struct dormant_http *http,
                                   enum gcp_scope scope, char **token,
                                   struct dormant_error *err);

/* Forgets the cached token of scope if it still is `token` (the API
 * refused it: revoked, or expired early), so the next get fetches anew. */
void gcp_tokens_invalidate(struct gcp_tokens *t, enum gcp_scope scope,
                           const char *token);

#endif /* DORMANT_GCP_TOKEN_H */
