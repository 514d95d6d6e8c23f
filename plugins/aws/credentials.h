/* dormant aws: credentials, where they come from, and which ones a scan
 * uses.
 *
 * The chain (credentials.c), in the order the AWS SDKs look ("Understand
 * the credential provider chain", AWS SDKs and Tools Reference Guide,
 * standardized-credentials):
 *
 *   1. [aws] profile (the config file or --provider options): that
 *      profile and nothing else;
 *   2. AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN)
 *      (credentials_environment.c);
 *   3. the shared files, profile AWS_PROFILE or "default": static keys,
 *      role_arn with source_profile or credential_source (and
 *      external_id, role_session_name, duration_seconds), or
 *      credential_process (credentials_profile.c, over shared_config.h;
 *      credentials_process.c, credentials_assume_role.c);
 *   4. container credentials and 5. EC2 instance metadata (IMDSv2)
 *      (credentials_container_imds.c).
 *
 * A source that is present but fails is logged at -v with its reason and
 * the chain moves on; when nothing works, the error lists every source
 * tried and why it was passed over. The roles of [aws] assume_roles are
 * assumed with the chain's credentials (credentials_assume_role.c).
 *
 * Every source is a struct aws_credential_source (credentials_cache.c):
 * scan threads share sources; aws_credential_source_get hands each
 * caller its own copy, and fetches new credentials, under the source's
 * mutex, once the cached ones are within AWS_CREDENTIALS_REFRESH_MARGIN
 * of their expiry (the SDKs refresh 5 to 15 minutes ahead; a scan must
 * never sign with credentials that expire mid-request).
 */
#ifndef DORMANT_AWS_CREDENTIALS_H
#define DORMANT_AWS_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dormant/http.h>
#include <dormant/plugin.h>
#include <dormant/status.h>

#include "endpoints.h"
#include "shared_config.h"

#define AWS_CREDENTIALS_REFRESH_MARGIN (10 * 60)

/* ---- credentials (credentials_cache.c) ---- */

/* The one credential type: what a source yields, what SigV4 signs with,
 * what STS AssumeRole answers. Owned strings; aws_credentials_clear
 * wipes and frees them. */
struct aws_credentials {
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

void aws_credentials_clear(struct aws_credentials *c);
enum dormant_status aws_credentials_copy(struct aws_credentials *dst,
                                         const struct aws_credentials *src);
/* Takes copies of the three strings (token may be NULL or ""). */
enum dormant_status aws_credentials_set(struct aws_credentials *c,
                                        const char *key_id, const char *secret,
                                        const char *token, int64_t expiration);
/* Records whose the credentials are, from an STS ARN the source returned
 * (arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION). An ARN of
 * another shape leaves them unknown, so that the caller asks
 * GetCallerIdentity; only DORMANT_ERR_NOMEM is an error. */
enum dormant_status aws_credentials_set_identity(struct aws_credentials *c,
                                                 const char *arn);

/* Reads {AccessKeyId, SecretAccessKey, <token_key>, Expiration} of a
 * JSON answer (credential_process, container, IMDS) into out. what names
 * the source in errors, which never quote the answer. */
enum dormant_status aws_credentials_from_json(const char *text, size_t len,
                                              const char *what,
                                              const char *token_key,
                                              struct aws_credentials *out,
                                              struct dormant_error *err);

/* ---- sources and their cache (credentials_cache.c) ---- */

/* Fetches fresh credentials into *out (zeroed on entry). err says why
 * not, naming the source; never a secret. http is an idle client of the
 * calling thread that the fetch may use, or NULL. */
typedef enum dormant_status (*aws_credentials_fetch_fn)(
        void *ctx, struct dormant_http *http, struct aws_credentials *out,
        struct dormant_error *err);

struct aws_credential_source; /* opaque */

/* `name` describes the source in messages ("environment",
 * "profile prod (credential_process)"). ctx is owned by the source
 * and released with free_ctx (may be NULL). */
enum dormant_status aws_credential_source_new(
        const char *name, const struct dormant_host *host,
        aws_credentials_fetch_fn fetch, void *ctx, void (*free_ctx)(void *ctx),
        struct aws_credential_source **out, struct dormant_error *err);

/* A source that always gives the same credentials (copied). */
enum dormant_status
aws_credential_source_static(const char *name, const struct dormant_host *host,
                             const struct aws_credentials *c,
                             struct aws_credential_source **out,
                             struct dormant_error *err);

void aws_credential_source_free(struct aws_credential_source *p);

const char *aws_credential_source_name(const struct aws_credential_source *p);

/* Current credentials, refreshed when needed, copied into *out (which
 * the caller clears). Thread-safe. http: an idle client of the calling
 * thread a refresh may borrow (saves loading the CA bundle and a TLS
 * handshake), or NULL (never one in the middle of a request). */
enum dormant_status aws_credential_source_get(struct aws_credential_source *p,
                                              struct dormant_http *http,
                                              struct aws_credentials *out,
                                              struct dormant_error *err);

/* Forgets the cached credentials (the server said they expired), so the
 * next get fetches new ones. */
void aws_credential_source_invalidate(struct aws_credential_source *p);

/* ---- the chain (credentials.c) ---- */

struct aws_chain {
	struct aws_credential_source **all; /* owned, every source made */
	size_t n_all;
	struct aws_credential_source *base; /* the one chosen; in all[] */
	struct aws_profiles *profiles;      /* owned */
	const char *profile;                /* the profile in use, or NULL */
	char region[64];                    /* "" when none is configured */
};

/* Loads the shared files and works out the region: [aws] region,
 * AWS_REGION, AWS_DEFAULT_REGION, then the profile's region. */
enum dormant_status aws_chain_prepare(const struct dormant_host *host,
                                      struct aws_chain *chain,
                                      struct dormant_error *err);

/* Finds working credentials (profile roles are assumed through sts).
 * On success chain->base is set and has been fetched once. */
enum dormant_status aws_chain_resolve(const struct dormant_host *host,
                                      const struct aws_endpoint *sts,
                                      struct aws_chain *chain,
                                      struct dormant_error *err);

/* Keeps p (owned by the chain from now on, freed with it; on failure p
 * is freed). */
enum dormant_status aws_chain_keep(struct aws_chain *chain,
                                   struct aws_credential_source *p,
                                   struct dormant_error *err);

/* A static source of these keys, kept by the chain. */
enum dormant_status aws_chain_static(const struct dormant_host *host,
                                     struct aws_chain *chain, const char *desc,
                                     const char *id, const char *secret,
                                     const char *token,
                                     struct aws_credential_source **out,
                                     struct dormant_error *err);

void aws_chain_free(struct aws_chain *chain);

/* ---- the sources ---- */

/* AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, kept by
 * the chain (credentials_environment.c). DORMANT_ERR_NOT_FOUND when
 * neither key variable is set. */
enum dormant_status aws_credentials_environment(
        const struct dormant_host *host, struct aws_chain *chain,
        struct aws_credential_source **out, struct dormant_error *err);

/* Profile `name` of the shared files, and what it names (source_profile,
 * credential_source, credential_process), kept by the chain
 * (credentials_profile.c). depth counts source_profile hops. */
enum dormant_status aws_credentials_profile(const struct dormant_host *host,
                                            const struct aws_endpoint *sts,
                                            struct aws_chain *chain,
                                            const char *name, int depth,
                                            struct aws_credential_source **out,
                                            struct dormant_error *err);

/* credential_process (credentials_process.c). */
enum dormant_status aws_credentials_process(const struct dormant_host *host,
                                            const char *name,
                                            const char *command,
                                            struct aws_credential_source **out,
                                            struct dormant_error *err);

/* Container credentials (credentials_container_imds.c).
 * DORMANT_ERR_NOT_FOUND when neither container variable is set. */
enum dormant_status
aws_credentials_container(const struct dormant_host *host,
                          struct aws_credential_source **out,
                          struct dormant_error *err);

/* EC2 instance metadata, IMDSv2 (credentials_container_imds.c).
 * DORMANT_ERR_NOT_FOUND when disabled by AWS_EC2_METADATA_DISABLED. */
enum dormant_status aws_credentials_imds(const struct dormant_host *host,
                                         struct aws_credential_source **out,
                                         struct dormant_error *err);

/* STS AssumeRole (credentials_assume_role.c). */
struct aws_assume_role {
	const char *role_arn;
	const char *external_id;  /* NULL: none */
	const char *session_name; /* NULL: "dormant-<pid>" */
	int duration_seconds;     /* 0: 3600 */
};

/* A source of the role's credentials, obtained with source's. source
 * must outlive it; the strings are copied. */
enum dormant_status aws_credentials_assume_role(
        const struct dormant_host *host, const struct aws_endpoint *sts,
        struct aws_credential_source *source,
        const struct aws_assume_role *role, struct aws_credential_source **out,
        struct dormant_error *err);

/* The 12-digit account id inside a role ARN
 * (arn:PARTITION:iam::ACCOUNT:role/NAME), or false. */
bool aws_role_arn_account(const char *arn, char account[13]);

#endif /* DORMANT_AWS_CREDENTIALS_H */
