/* dormant aws: credential sources that fetch, and refresh, by
 * themselves.
 *
 * - credential_process (SDKs and Tools Reference Guide, "Process
 *   credential provider"): a command whose stdout is JSON
 *   {"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken",
 *   "Expiration"}; it must exit 0.
 * - Container credentials ("Container credential provider"):
 *   GET http://169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, or
 *   AWS_CONTAINER_CREDENTIALS_FULL_URI (https, or http to a loopback or
 *   the ECS/EKS link-local hosts only), with "Authorization:" the
 *   contents of AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or
 *   AWS_CONTAINER_AUTHORIZATION_TOKEN; JSON AccessKeyId,
 *   SecretAccessKey, Token, Expiration.
 * - EC2 instance metadata, IMDSv2 only (EC2 User Guide, "Use the
 *   Instance Metadata Service to access instance metadata" and "Retrieve
 *   security credentials from instance metadata"): PUT
 *   /latest/api/token with X-aws-ec2-metadata-token-ttl-seconds, then
 *   GET /latest/meta-data/iam/security-credentials/ (the role name) and
 *   .../ROLE with X-aws-ec2-metadata-token; JSON Code "Success",
 *   AccessKeyId, SecretAccessKey, Token, Expiration. The endpoint is
 *   AWS_EC2_METADATA_SERVICE_ENDPOINT, default http://169.254.169.254;
 *   AWS_EC2_METADATA_DISABLED=true turns it off.
 */
#ifndef DORMANT_AWS_SOURCES_H
#define DORMANT_AWS_SOURCES_H

#include <dormant/plugin.h>
#include <dormant/status.h>

#include "creds.h"

enum dormant_status aws_process_provider(const struct dormant_host *host,
                                         const char *name, const char *command,
                                         struct aws_creds_provider **out,
                                         struct dormant_error *err);

/* DORMANT_ERR_NOT_FOUND when neither container variable is set. */
enum dormant_status aws_container_provider(const struct dormant_host *host,
                                           struct aws_creds_provider **out,
                                           struct dormant_error *err);

/* DORMANT_ERR_NOT_FOUND when disabled by AWS_EC2_METADATA_DISABLED. */
enum dormant_status aws_imds_provider(const struct dormant_host *host,
                                      struct aws_creds_provider **out,
                                      struct dormant_error *err);

#endif /* DORMANT_AWS_SOURCES_H */
