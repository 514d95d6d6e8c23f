/* dormant aws: the credential provider chain (see credentials.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/buf.h>

#include "credentials.h"
#include "sources.h"
#include "sts.h"

/* source_profile chains deeper than this are a loop or a mistake. */
#define MAX_PROFILE_DEPTH 5

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

enum dormant_status
aws_chain_keep(struct aws_chain *chain, struct aws_creds_provider *p,
               struct dormant_error *err)
{
	struct aws_creds_provider **v =
	        realloc(chain->all, (chain->n_all + 1) * sizeof(*v));

	if (!v) {
		aws_creds_provider_free(p);
		return dormant_error_set(err, DORMANT_ERR_NOMEM, "%s",
		                         dormant_strerror(DORMANT_ERR_NOMEM));
	}
	chain->all = v;
	chain->all[chain->n_all++] = p;
	return DORMANT_OK;
}

void
aws_chain_free(struct aws_chain *chain)
{
	if (!chain)
		return;
	/* Later providers may use earlier ones: free in reverse. */
	while (chain->n_all)
		aws_creds_provider_free(chain->all[--chain->n_all]);
	free(chain->all);
	aws_profiles_free(chain->profiles);
	memset(chain, 0, sizeof(*chain));
}

enum dormant_status
aws_chain_prepare(const struct dormant_host *host, struct aws_chain *chain,
                  struct dormant_error *err)
{
	const char *region, *profile;
	enum dormant_status st;

	memset(chain, 0, sizeof(*chain));
	st = aws_profiles_load(&chain->profiles, err);
	if (st != DORMANT_OK)
		return st;
	profile = host->config(host, "profile");
	if (!profile || !*profile)
		profile = env("AWS_PROFILE");
	region = host->config(host, "region");
	if (!region || !*region)
		region = env("AWS_REGION");
	if (!region)
		region = env("AWS_DEFAULT_REGION");
	if (!region)
		region = aws_profile_get(chain->profiles,
		                         profile ? profile : "default",
		                         "region");
	if (region && *region)
		snprintf(chain->region, sizeof(chain->region), "%s", region);
	return DORMANT_OK;
}

static enum dormant_status
from_profile(const struct dormant_host *host, const struct aws_endpoint *sts,
             struct aws_chain *chain, const char *name, int depth,
             struct aws_creds_provider **out, struct dormant_error *err);

static enum dormant_status
static_provider(const struct dormant_host *host, struct aws_chain *chain,
                const char *desc, const char *id, const char *secret,
                const char *token, struct aws_creds_provider **out,
                struct dormant_error *err)
{
	struct aws_creds c;
	enum dormant_status st;

	if (aws_creds_set(&c, id, secret, token, DORMANT_TIME_NONE) !=
	    DORMANT_OK)
		return dormant_error_set(err, DORMANT_ERR_NOMEM, "%s",
		                         dormant_strerror(DORMANT_ERR_NOMEM));
	st = aws_creds_provider_static(desc, host, &c, out, err);
	aws_creds_clear(&c);
	if (st == DORMANT_OK)
		st = aws_chain_keep(chain, *out, err);
	return st;
}

static enum dormant_status
env_provider(const struct dormant_host *host, struct aws_chain *chain,
             struct aws_creds_provider **out, struct dormant_error *err)
{
	const char *id = env("AWS_ACCESS_KEY_ID");
	const char *secret = env("AWS_SECRET_ACCESS_KEY");

	*out = NULL;
	if (!id && !secret)
		return dormant_error_set(err, DORMANT_ERR_NOT_FOUND,
		                         "AWS_ACCESS_KEY_ID not set");
	if (!id || !secret)
		return dormant_error_set(
		        err, DORMANT_ERR_AUTH, "%s is set without %s",
		        id ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
		        id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
	return static_provider(host, chain, "environment", id, secret,
	                       env("AWS_SESSION_TOKEN"), out, err);
}

static enum dormant_status
role_profile(const struct dormant_host *host, const struct aws_endpoint *sts,
             struct aws_chain *chain, const char *name, int depth,
             const char *role_arn, struct aws_creds_provider **out,
             struct dormant_error *err)
{
	const struct aws_profiles *p = chain->profiles;
	const char *src = aws_profile_get(p, name, "source_profile");
	const char *cs = aws_profile_get(p, name, "credential_source");
	const char *dur = aws_profile_get(p, name, "duration_seconds");
	struct aws_creds_provider *source = NULL;
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
			st = static_provider(
			        host, chain, name, id, secret,
			        aws_profile_get(p, name, "aws_session_token"),
			        &source, err);
		} else {
			st = from_profile(host, sts, chain, src, depth + 1,
			                  &source, err);
		}
	} else if (cs && strcmp(cs, "Environment") == 0) {
		st = env_provider(host, chain, &source, err);
	} else if (cs && strcmp(cs, "EcsContainer") == 0) {
		st = aws_container_provider(host, &source, err);
		if (st == DORMANT_OK)
			st = aws_chain_keep(chain, source, err);
	} else if (cs && strcmp(cs, "Ec2InstanceMetadata") == 0) {
		st = aws_imds_provider(host, &source, err);
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
	st = aws_sts_assume_role_provider(host, sts, source, &role, out, err);
	if (st == DORMANT_OK)
		st = aws_chain_keep(chain, *out, err);
	return st;
}

static enum dormant_status
from_profile(const struct dormant_host *host, const struct aws_endpoint *sts,
             struct aws_chain *chain, const char *name, int depth,
             struct aws_creds_provider **out, struct dormant_error *err)
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
		return static_provider(
		        host, chain, desc, id, secret,
		        aws_profile_get(p, name, "aws_session_token"), out,
		        err);
	if (process && *process) {
		st = aws_process_provider(host, desc, process, out, err);
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

/* Fetches once, so that a source that is present but broken is passed
 * over with its reason. */
static enum dormant_status
probe(struct aws_creds_provider *p, struct dormant_error *err)
{
	struct aws_creds c;
	enum dormant_status st = aws_creds_provider_get(p, NULL, &c, err);

	aws_creds_clear(&c);
	return st;
}

static void
note(struct dormant_buf *tried, const struct dormant_host *host,
     const char *source, const char *why)
{
	dormant_buf_appendf(tried, "%s%s: %s", tried->len ? "; " : "", source,
	                    why);
	host->log(host, DORMANT_LOG_INFO, "credentials: %s: %s", source, why);
}

enum dormant_status
aws_chain_resolve(const struct dormant_host *host,
                  const struct aws_endpoint *sts, struct aws_chain *chain,
                  struct dormant_error *err)
{
	const char *cfg_profile = host->config(host, "profile");
	const char *env_profile = env("AWS_PROFILE");
	struct aws_creds_provider *p = NULL;
	struct dormant_buf tried;
	struct dormant_error why;
	enum dormant_status st;

	dormant_buf_init(&tried, 4096);
	if (cfg_profile && *cfg_profile) {
		chain->profile = cfg_profile;
		st = from_profile(host, sts, chain, cfg_profile, 0, &p, err);
		if (st == DORMANT_OK)
			st = probe(p, err);
		goto out;
	}
	st = env_provider(host, chain, &p, &why);
	if (st == DORMANT_OK)
		goto out;
	note(&tried, host, "environment", why.msg);

	chain->profile = env_profile ? env_profile : "default";
	if (aws_profile_exists(chain->profiles, chain->profile)) {
		st = from_profile(host, sts, chain, chain->profile, 0, &p,
		                  &why);
		if (st == DORMANT_OK && (st = probe(p, &why)) == DORMANT_OK)
			goto out;
		note(&tried, host, "shared files", why.msg);
	} else {
		char msg[1300];

		snprintf(msg, sizeof(msg), "no profile %s in %s",
		         chain->profile, aws_profiles_where(chain->profiles));
		note(&tried, host, "shared files", msg);
		if (env_profile) {
			/* An explicit profile that is not there is a
			 * mistake, not a reason to go on (as the SDKs). */
			st = dormant_error_set(err, DORMANT_ERR_CONFIG,
			                       "AWS_PROFILE: %s", msg);
			goto out;
		}
	}
	chain->profile = NULL;

	st = aws_container_provider(host, &p, &why);
	if (st == DORMANT_OK &&
	    (st = aws_chain_keep(chain, p, &why)) == DORMANT_OK &&
	    (st = probe(p, &why)) == DORMANT_OK)
		goto out;
	note(&tried, host, "container", why.msg);

	st = aws_imds_provider(host, &p, &why);
	if (st == DORMANT_OK &&
	    (st = aws_chain_keep(chain, p, &why)) == DORMANT_OK &&
	    (st = probe(p, &why)) == DORMANT_OK)
		goto out;
	note(&tried, host, "EC2 instance metadata", why.msg);
	st = dormant_error_set(err, DORMANT_ERR_AUTH,
	                       "no AWS credentials found; tried %s",
	                       tried.data ? tried.data : "nothing");
out:
	if (st == DORMANT_OK) {
		chain->base = p;
		host->log(host, DORMANT_LOG_INFO, "credentials: %s",
		          aws_creds_provider_name(p));
	}
	dormant_buf_free(&tried);
	return st;
}
