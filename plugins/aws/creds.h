/* dormant aws: credentials, and a cache that refreshes them.
 *
 * A provider is one source of credentials (static keys, a
 * credential_process, the container endpoint, EC2 instance metadata, an
 * STS AssumeRole on top of another provider). Scan threads share
 * providers: aws_creds_provider_get hands each caller its own copy, and
 * fetches new credentials, under the provider's mutex, once the cached
 * ones are within AWS_CREDS_REFRESH_MARGIN of their expiry (the SDKs
 * refresh 5 to 15 minutes ahead; a scan must never sign with credentials
 * that expire mid-request).
 */
#ifndef DORMANT_AWS_CREDS_H
#define DORMANT_AWS_CREDS_H

#include <stdint.h>

#include <dormant/http.h>
#include <dormant/plugin.h>
#include "sigv4.h"
#include <dormant/status.h>

#define AWS_CREDS_REFRESH_MARGIN (10 * 60)

/* Owned strings; aws_creds_clear wipes and frees them. */
struct aws_creds {
	char *access_key_id;
	char *secret_access_key;
	char *session_token; /* NULL for long-term keys */
	int64_t expiration;  /* DORMANT_TIME_NONE: does not expire */
	/* Whose they are, when the source said so (AssumeRole's
	 * AssumedRoleUser): the ARN, NULL if not, and its 12-digit account,
	 * "" if not. Spares a GetCallerIdentity per assumed account. */
	char *arn;
	char account[13];
};

void aws_creds_clear(struct aws_creds *c);
enum dormant_status aws_creds_copy(struct aws_creds *dst,
                                   const struct aws_creds *src);
/* Takes copies of the three strings (token may be NULL or ""). */
enum dormant_status aws_creds_set(struct aws_creds *c, const char *key_id,
                                  const char *secret, const char *token,
                                  int64_t expiration);
/* Records whose the credentials are, from an STS ARN the source returned
 * (arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION). An ARN of
 * another shape leaves them unknown, so that the caller asks
 * GetCallerIdentity; only DORMANT_ERR_NOMEM is an error. */
enum dormant_status aws_creds_set_identity(struct aws_creds *c,
                                           const char *arn);
/* The view SigV4 signs with; valid while c is. */
struct dormant_aws_credentials aws_creds_view(const struct aws_creds *c);

/* Fetches fresh credentials into *out (zeroed on entry). err says why
 * not, naming the source; never a secret. http is an idle client of the
 * calling thread that the fetch may use, or NULL. */
typedef enum dormant_status (*aws_creds_fetch_fn)(void *ctx,
                                                  struct dormant_http *http,
                                                  struct aws_creds *out,
                                                  struct dormant_error *err);

struct aws_creds_provider; /* opaque */

/* `name` describes the source in messages ("environment",
 * "profile prod (credential_process)"). ctx is owned by the provider
 * and released with free_ctx (may be NULL). */
enum dormant_status aws_creds_provider_new(const char *name,
                                           const struct dormant_host *host,
                                           aws_creds_fetch_fn fetch, void *ctx,
                                           void (*free_ctx)(void *ctx),
                                           struct aws_creds_provider **out,
                                           struct dormant_error *err);

/* A provider that always gives the same credentials (copied). */
enum dormant_status aws_creds_provider_static(const char *name,
                                              const struct dormant_host *host,
                                              const struct aws_creds *c,
                                              struct aws_creds_provider **out,
                                              struct dormant_error *err);

void aws_creds_provider_free(struct aws_creds_provider *p);

const char *aws_creds_provider_name(const struct aws_creds_provider *p);

/* Current credentials, refreshed when needed, copied into *out (which
 * the caller clears). Thread-safe. http: an idle client of the calling
 * thread a refresh may borrow (saves loading the CA bundle and a TLS
 * handshake), or NULL (never one in the middle of a request). */
enum dormant_status aws_creds_provider_get(struct aws_creds_provider *p,
                                           struct dormant_http *http,
                                           struct aws_creds *out,
                                           struct dormant_error *err);

/* Forgets the cached credentials (the server said they expired), so the
 * next get fetches new ones. */
void aws_creds_provider_invalidate(struct aws_creds_provider *p);

#endif /* DORMANT_AWS_CREDS_H */
