/* dormant aws: which credentials a scan uses, in the order the AWS SDKs
 * look for them ("Understand the credential provider chain", AWS SDKs
 * and Tools Reference Guide, standardized-credentials):
 *
 *   1. [aws] profile (the config file or --provider options): that
 *      profile and nothing else;
 *   2. AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN);
 *   3. the shared files, profile AWS_PROFILE or "default": static keys,
 *      role_arn with source_profile or credential_source (and
 *      external_id, role_session_name, duration_seconds), or
 *      credential_process;
 *   4. container credentials;
 *   5. EC2 instance metadata (IMDSv2).
 *
 * A source that is present but fails is logged at -v with its reason and
 * the chain moves on; when nothing works, the error lists every source
 * tried and why it was passed over.
 */
#ifndef DORMANT_AWS_CREDENTIALS_H
#define DORMANT_AWS_CREDENTIALS_H

#include <dormant/plugin.h>
#include <dormant/status.h>

#include "creds.h"
#include "endpoints.h"
#include "shared_config.h"

struct aws_chain {
	struct aws_creds_provider **all; /* owned, every provider made */
	size_t n_all;
	struct aws_creds_provider *base; /* the one chosen; in all[] */
	struct aws_profiles *profiles;   /* owned */
	const char *profile;             /* the profile in use, or NULL */
	char region[64];                 /* "" when none is configured */
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

/* Keeps p (owned by the chain from now on, freed with it). */
enum dormant_status aws_chain_keep(struct aws_chain *chain,
                                   struct aws_creds_provider *p,
                                   struct dormant_error *err);

void aws_chain_free(struct aws_chain *chain);

#endif /* DORMANT_AWS_CREDENTIALS_H */
