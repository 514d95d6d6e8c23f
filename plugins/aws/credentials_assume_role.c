/* dormant aws: STS AssumeRole and GetCallerIdentity (see sts.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dormant/http.h>

#include "sts.h"

struct assume_ctx {
	const struct dormant_host *host;
	struct aws_endpoint sts;
	struct aws_creds_provider *source; /* not owned */
	char *role_arn;
	char *external_id;
	char session_name[65];
	char duration[16];
	/* Kept between refreshes (which the provider's lock serializes):
	 * a new client would load the CA bundle and shake hands again. */
	struct dormant_http *http;
};

static void
assume_free(void *p)
{
	struct assume_ctx *a = p;

	if (!a)
		return;
	free(a->role_arn);
	free(a->external_id);
	dormant_http_free(a->http);
	free(a);
}

bool
aws_role_arn_account(const char *arn, char account[13])
{
	const char *p;

	if (strncmp(arn, "arn:", 4) != 0)
		return false;
	p = strstr(arn, ":iam::");
	if (!p)
		return false;
	p += 6;
	for (int i = 0; i < 12; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	if (strncmp(p + 12, ":role/", 6) != 0 || !p[18])
		return false;
	memcpy(account, p, 12);
	account[12] = '\0';
	return true;
}

static enum dormant_status
assume_fetch(void *ctx, struct dormant_http *borrowed, struct aws_creds *out,
             struct dormant_error *err)
{
	struct assume_ctx *a = ctx;
	struct dormant_http_response resp = {0};
	struct aws_sts_creds c;
	struct aws_query_param params[4];
	struct aws_call call;
	enum dormant_status st;
	size_t n = 0;

	memset(&c, 0, sizeof(c));
	if (!borrowed && !a->http) {
		st = aws_http_new(a->host, 0, 0, &a->http, err);
		if (st != DORMANT_OK)
			goto out;
	}
	params[n++] = (struct aws_query_param){"RoleArn", a->role_arn};
	params[n++] =
	        (struct aws_query_param){"RoleSessionName", a->session_name};
	params[n++] = (struct aws_query_param){"DurationSeconds", a->duration};
	if (a->external_id)
		params[n++] =
		        (struct aws_query_param){"ExternalId", a->external_id};
	call = (struct aws_call){borrowed ? borrowed : a->http, a->host,
	                         &a->sts, a->source, NULL};
	st = aws_query(&call, "AssumeRole", AWS_STS_VERSION, params, n, &resp,
	               NULL, err);
	if (st == DORMANT_OK)
		st = aws_sts_parse_assume_role(resp.body, resp.body_len, &c,
		                               err);
	if (st == DORMANT_OK &&
	    (aws_creds_set(out, c.access_key_id, c.secret_access_key,
	                   c.session_token, c.expiration) != DORMANT_OK ||
	     aws_creds_set_identity(out, c.assumed_role_arn) != DORMANT_OK)) {
		aws_creds_clear(out);
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "%s",
		                       dormant_strerror(DORMANT_ERR_NOMEM));
	}
	if (st != DORMANT_OK)
		dormant_error_prefix(err, "assuming %.200s", a->role_arn);
out:
	aws_sts_creds_clear(&c);
	dormant_http_response_clear(&resp);
	return st;
}

enum dormant_status
aws_sts_assume_role_provider(const struct dormant_host *host,
                             const struct aws_endpoint *sts,
                             struct aws_creds_provider *source,
                             const struct aws_assume_role *role,
                             struct aws_creds_provider **out,
                             struct dormant_error *err)
{
	struct assume_ctx *a = calloc(1, sizeof(*a));
	char name[300];

	*out = NULL;
	if (!a || !(a->role_arn = strdup(role->role_arn)) ||
	    (role->external_id &&
	     !(a->external_id = strdup(role->external_id)))) {
		assume_free(a);
		return dormant_error_set(err, DORMANT_ERR_NOMEM, "%s",
		                         dormant_strerror(DORMANT_ERR_NOMEM));
	}
	a->host = host;
	a->sts = *sts;
	a->source = source;
	/* A session name that says who made the calls, in CloudTrail. */
	if (role->session_name && *role->session_name)
		snprintf(a->session_name, sizeof(a->session_name), "%s",
		         role->session_name);
	else
		snprintf(a->session_name, sizeof(a->session_name),
		         "dormant-%ld", (long)getpid());
	snprintf(a->duration, sizeof(a->duration), "%d",
	         role->duration_seconds > 0 ? role->duration_seconds : 3600);
	snprintf(name, sizeof(name), "role %.200s", role->role_arn);
	return aws_creds_provider_new(name, host, assume_fetch, a, assume_free,
	                              out, err);
}

enum dormant_status
aws_sts_caller_identity(const struct aws_call *call, char account[13],
                        char arn[AWS_ARN_MAX + 1], struct dormant_error *err)
{
	struct dormant_http_response resp = {0};
	enum dormant_status st;

	st = aws_query(call, "GetCallerIdentity", AWS_STS_VERSION, NULL, 0,
	               &resp, NULL, err);
	if (st == DORMANT_OK)
		st = aws_sts_parse_caller_identity(resp.body, resp.body_len,
		                                   account, arn, err);
	dormant_http_response_clear(&resp);
	return st;
}
