/* dormant aws: the credential chain: which source a scan uses (see
 * credentials.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/buf.h>

#include "credentials.h"

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

enum dormant_status
aws_chain_keep(struct aws_chain *chain, struct aws_credential_source *p,
               struct dormant_error *err)
{
	struct aws_credential_source **v =
	        realloc(chain->all, (chain->n_all + 1) * sizeof(*v));

	if (!v) {
		aws_credential_source_free(p);
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
	/* Later sources may use earlier ones: free in reverse. */
	while (chain->n_all)
		aws_credential_source_free(chain->all[--chain->n_all]);
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

enum dormant_status
aws_chain_static(const struct dormant_host *host, struct aws_chain *chain,
                 const char *desc, const char *id, const char *secret,
                 const char *token, struct aws_credential_source **out,
                 struct dormant_error *err)
{
	struct aws_credentials c;
	enum dormant_status st;

	if (aws_credentials_set(&c, id, secret, token, DORMANT_TIME_NONE) !=
	    DORMANT_OK)
		return dormant_error_set(err, DORMANT_ERR_NOMEM, "%s",
		                         dormant_strerror(DORMANT_ERR_NOMEM));
	st = aws_credential_source_static(desc, host, &c, out, err);
	aws_credentials_clear(&c);
	if (st == DORMANT_OK)
		st = aws_chain_keep(chain, *out, err);
	return st;
}

/* Fetches once, so that a source that is present but broken is passed
 * over with its reason. */
static enum dormant_status
probe(struct aws_credential_source *p, struct dormant_error *err)
{
	struct aws_credentials c;
	enum dormant_status st = aws_credential_source_get(p, NULL, &c, err);

	aws_credentials_clear(&c);
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
	struct aws_credential_source *p = NULL;
	struct dormant_buf tried;
	struct dormant_error why;
	enum dormant_status st;

	dormant_buf_init(&tried, 4096);
	if (cfg_profile && *cfg_profile) {
		chain->profile = cfg_profile;
		st = aws_credentials_profile(host, sts, chain, cfg_profile, 0,
		                             &p, err);
		if (st == DORMANT_OK)
			st = probe(p, err);
		goto out;
	}
	st = aws_credentials_environment(host, chain, &p, &why);
	if (st == DORMANT_OK)
		goto out;
	note(&tried, host, "environment", why.msg);

	chain->profile = env_profile ? env_profile : "default";
	if (aws_profile_exists(chain->profiles, chain->profile)) {
		st = aws_credentials_profile(host, sts, chain, chain->profile,
		                             0, &p, &why);
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

	st = aws_credentials_container(host, &p, &why);
	if (st == DORMANT_OK &&
	    (st = aws_chain_keep(chain, p, &why)) == DORMANT_OK &&
	    (st = probe(p, &why)) == DORMANT_OK)
		goto out;
	note(&tried, host, "container", why.msg);

	st = aws_credentials_imds(host, &p, &why);
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
		          aws_credential_source_name(p));
	}
	dormant_buf_free(&tried);
	return st;
}
