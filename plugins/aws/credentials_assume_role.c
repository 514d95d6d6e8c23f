/* dormant aws: credentials of an assumed role, from STS AssumeRole (see
 * credentials.h).
 *
 * AssumeRole (AWS STS API Reference, API_AssumeRole): RoleArn,
 * RoleSessionName ([\w+=,.@-]{2,64}), ExternalId when the role's trust
 * policy asks for one, DurationSeconds; answers temporary credentials
 * with their Expiration, refreshed before they run out.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dormant/http.h>

#include "credentials.h"
#include "iam_xml.h"
#include "query.h"

struct assume_ctx {
	const struct dormant_host *host;
	struct aws_endpoint sts;
	struct aws_credential_source *source; /* not owned */
	char *role_arn;
	char *external_id;
	char session_name[65];
	char duration[16];
	/* Kept between refreshes (which the source's lock serializes):
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
assume_fetch(void *ctx, struct dormant_http *borrowed,
             struct aws_credentials *out, struct dormant_error *err)
{
	struct assume_ctx *a = ctx;
	struct dormant_http_response resp = {0};
	struct aws_query_param params[4];
	struct aws_call call;
	enum dormant_status st;
	size_t n = 0;

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
		st = aws_sts_parse_assume_role(resp.body, resp.body_len, out,
		                               err);
	if (st != DORMANT_OK)
		dormant_error_prefix(err, "assuming %.200s", a->role_arn);
out:
	dormant_http_response_clear(&resp);
	return st;
}

enum dormant_status
aws_credentials_assume_role(const struct dormant_host *host,
                            const struct aws_endpoint *sts,
                            struct aws_credential_source *source,
                            const struct aws_assume_role *role,
                            struct aws_credential_source **out,
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
	return aws_credential_source_new(name, host, assume_fetch, a,
	                                 assume_free, out, err);
}
