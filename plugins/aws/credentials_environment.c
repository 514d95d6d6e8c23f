/* dormant aws: credentials from the environment, AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (see credentials.h). */
#include "config.h"

#include <stdlib.h>

#include "credentials.h"

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

enum dormant_status
aws_credentials_environment(const struct dormant_host *host,
                            struct aws_chain *chain,
                            struct aws_credential_source **out,
                            struct dormant_error *err)
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
	return aws_chain_static(host, chain, "environment", id, secret,
	                        env("AWS_SESSION_TOKEN"), out, err);
}
