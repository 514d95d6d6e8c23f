/* dormant aws: credentials of a profile of the shared config and
 * credentials files (see credentials.h; the files: shared_config.h).
 *
 * A profile holds static keys (aws_access_key_id, aws_secret_access_key,
 * aws_session_token), a role (role_arn with source_profile or
 * credential_source, and external_id, role_session_name,
 * duration_seconds), or a credential_process; a role_arn wins over keys
 * (they are its source then), as in the SDKs. IAM Identity Center (SSO)
 * profiles are refused with a pointer to credential_process.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credentials.h"

/* source_profile chains deeper than this are a loop or a mistake. */
#define MAX_PROFILE_DEPTH 5

static enum dormant_status
role_profile(const struct dormant_host *host, const struct aws_endpoint *sts,
             struct aws_chain *chain, const char *name, int depth,
             const char *role_arn, struct aws_credential_source **out,
             struct dormant_error *err)
{
	const struct aws_profiles *p = chain->profiles;
	const char *src = aws_profile_get(p, name, "source_profile");
	const char *cs = aws_profile_get(p, name, "credential_source");
	const char *dur = aws_profile_get(p, name, "duration_seconds");
	struct aws_credential_source *source = NULL;
	struct aws_assume_role role = {0};
	enum dormant_status st;

	if (src && *src) {
		if (strcmp(src, name) == 0) {
			/* A profile that is its own source: its static keys
			 * assume its role (as the AWS CLI does). */
			const char *id =
			        aws_profile_get(p, name, "aws_access_key_id");
			const char *secret = aws_profile_get(
			        p, name, "aws_secret_access_key");

			if (!id || !secret)
				return dormant_error_set(
				        err, DORMANT_ERR_CONFIG,
				        "profile %s: its own source_profile "
				        "without keys",
				        name);
			st = aws_chain_static(
			        host, chain, name, id, secret,
			        aws_profile_get(p, name, "aws_session_token"),
			        &source, err);
		} else {
			st = aws_credentials_profile(host, sts, chain, src,
			                             depth + 1, &source, err);
		}
	} else if (cs && strcmp(cs, "Environment") == 0) {
		st = aws_credentials_environment(host, chain, &source, err);
	} else if (cs && strcmp(cs, "EcsContainer") == 0) {
		st = aws_credentials_container(host, &source, err);
		if (st == DORMANT_OK)
			st = aws_chain_keep(chain, source, err);
	} else if (cs && strcmp(cs, "Ec2InstanceMetadata") == 0) {
		st = aws_credentials_imds(host, &source, err);
		if (st == DORMANT_OK)
			st = aws_chain_keep(chain, source, err);
	} else {
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "profile %s: role_arn needs "
		                         "source_profile or credential_source "
		                         "(Environment, Ec2InstanceMetadata, "
		                         "EcsContainer)",
		                         name);
	}
	if (st != DORMANT_OK) {
		dormant_error_prefix(err, "profile %s", name);
		return st == DORMANT_ERR_NOT_FOUND ? DORMANT_ERR_AUTH : st;
	}
	role.role_arn = role_arn;
	role.external_id = aws_profile_get(p, name, "external_id");
	role.session_name = aws_profile_get(p, name, "role_session_name");
	if (dur) {
		char *end;
		long v = strtol(dur, &end, 10);

		if (*end || v < 900 || v > 43200)
			return dormant_error_set(err, DORMANT_ERR_CONFIG,
			                         "profile %s: duration_seconds "
			                         "must be 900 to 43200",
			                         name);
		role.duration_seconds = (int)v;
	}
	st = aws_credentials_assume_role(host, sts, source, &role, out, err);
	if (st == DORMANT_OK)
		st = aws_chain_keep(chain, *out, err);
	return st;
}

enum dormant_status
aws_credentials_profile(const struct dormant_host *host,
                        const struct aws_endpoint *sts, struct aws_chain *chain,
                        const char *name, int depth,
                        struct aws_credential_source **out,
                        struct dormant_error *err)
{
	const struct aws_profiles *p = chain->profiles;
	const char *role_arn, *id, *secret, *process;
	char desc[300];
	enum dormant_status st;

	*out = NULL;
	if (depth >= MAX_PROFILE_DEPTH)
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "profile %s: source_profile chain "
		                         "too long (a loop?)",
		                         name);
	if (!aws_profile_exists(p, name))
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "profile %s not found in %s", name,
		                         aws_profiles_where(p));
	role_arn = aws_profile_get(p, name, "role_arn");
	id = aws_profile_get(p, name, "aws_access_key_id");
	secret = aws_profile_get(p, name, "aws_secret_access_key");
	process = aws_profile_get(p, name, "credential_process");
	snprintf(desc, sizeof(desc), "profile %s", name);
	/* A role_arn wins over keys (they are its source then), as in the
	 * SDKs. */
	if (role_arn && *role_arn)
		return role_profile(host, sts, chain, name, depth, role_arn,
		                    out, err);
	if (id && *id && secret && *secret)
		return aws_chain_static(
		        host, chain, desc, id, secret,
		        aws_profile_get(p, name, "aws_session_token"), out,
		        err);
	if (process && *process) {
		st = aws_credentials_process(host, desc, process, out, err);
		if (st == DORMANT_OK)
			st = aws_chain_keep(chain, *out, err);
		return st;
	}
	if (aws_profile_get(p, name, "sso_session") ||
	    aws_profile_get(p, name, "sso_start_url"))
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "profile %s: IAM Identity Center "
		                         "(SSO) profiles are not supported; "
		                         "use credential_process",
		                         name);
	return dormant_error_set(err, DORMANT_ERR_CONFIG,
	                         "profile %s has no credentials "
	                         "(aws_access_key_id, role_arn or "
	                         "credential_process)",
	                         name);
}
