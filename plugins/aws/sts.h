/* dormant aws: AWS STS, for other accounts and for who we are.
 *
 * AssumeRole (AWS STS API Reference, API_AssumeRole): RoleArn,
 * RoleSessionName ([\w+=,.@-]{2,64}), ExternalId when the role's trust
 * policy asks for one, DurationSeconds; answers temporary credentials
 * with their Expiration, refreshed before they run out.
 * GetCallerIdentity (API_GetCallerIdentity) needs no permission at all
 * and names the account the credentials belong to.
 */
#ifndef DORMANT_AWS_STS_H
#define DORMANT_AWS_STS_H

#include <dormant/plugin.h>
#include <dormant/status.h>

#include "creds.h"
#include "endpoints.h"
#include "query.h"

struct aws_assume_role {
	const char *role_arn;
	const char *external_id;  /* NULL: none */
	const char *session_name; /* NULL: "dormant-<pid>" */
	int duration_seconds;     /* 0: 3600 */
};

/* A provider of the role's credentials, obtained with source's. source
 * must outlive it; the strings are copied. */
enum dormant_status aws_sts_assume_role_provider(
        const struct dormant_host *host, const struct aws_endpoint *sts,
        struct aws_creds_provider *source, const struct aws_assume_role *role,
        struct aws_creds_provider **out, struct dormant_error *err);

/* The account (12 digits) and ARN of the caller. */
enum dormant_status aws_sts_caller_identity(const struct aws_call *call,
                                            char account[13],
                                            char arn[AWS_ARN_MAX + 1],
                                            struct dormant_error *err);

/* The 12-digit account id inside a role ARN
 * (arn:PARTITION:iam::ACCOUNT:role/NAME), or false. */
bool aws_role_arn_account(const char *arn, char account[13]);

#endif /* DORMANT_AWS_STS_H */
