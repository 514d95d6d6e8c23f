/* dormant aws: what dormant asks IAM, for one account.
 *
 * Listing: the credential report (GenerateCredentialReport until its
 * State is COMPLETE, within a bounded wait, then GetCredentialReport: a
 * constant number of calls whatever the number of users), parsed by
 * credential_report.c. When the report cannot be had (AccessDenied on
 * either action, or LimitExceeded), ListUsers (MaxItems=1000, Marker
 * paging; PasswordLastUsed is the last console sign-in) plus
 * GetLoginProfile for each user (its CreateDate is when the console
 * password was set; NoSuchEntity means no console access), run by a few
 * threads at the account's paced rate.
 *
 * Admins first: GetAccountAuthorizationDetails, every page, once per
 * account (authz.h); when it fails the listing goes on and the sink
 * hears admins_unknown, naming the permission.
 *
 * last_login: GetUser's PasswordLastUsed. disable: DeleteLoginProfile;
 * NoSuchEntity means it is already gone. (IAM API Reference for each
 * action.)
 */
#ifndef DORMANT_AWS_IAM_H
#define DORMANT_AWS_IAM_H

#include <stdint.h>

#include <dormant/http.h>
#include <dormant/plugin.h>
#include <dormant/ratelimit.h>
#include <dormant/status.h>

#include "credentials.h"
#include "endpoints.h"

/* IAM throttles each account's calls but AWS does not publish the rate
 * (IAM User Guide, "IAM and AWS STS quotas" lists none for the API):
 * max_requests_per_second, by default this. */
#define AWS_DEFAULT_RATE 10.0

/* Longest wait for a credential report by default, in seconds. */
#define AWS_REPORT_WAIT_DEFAULT 120
/* GetLoginProfile calls in flight per account by default. */
#define AWS_PARALLEL_DEFAULT 4

struct aws_account {
	const struct dormant_host *host;
	const struct aws_endpoint *iam;
	struct aws_credential_source *creds;
	struct dormant_ratelimit *pacer; /* the account's pace, shared */
	double rate;                     /* its requests per second */
	const char *account;             /* 12 digits, from STS (live.c) */
	long report_wait_ms;             /* bound on the report's generation */
	unsigned parallel;               /* GetLoginProfile threads */
};

/* Streams every IAM user of the account to sink. */
enum dormant_status aws_iam_list(const struct aws_account *a,
                                 struct dormant_http *http,
                                 struct dormant_sink *sink,
                                 struct dormant_error *err);

enum dormant_status aws_iam_last_login(const struct aws_account *a,
                                       struct dormant_http *http,
                                       const char *name, const char *arn,
                                       int64_t *last_login,
                                       struct dormant_error *err);

enum dormant_status aws_iam_disable(const struct aws_account *a,
                                    struct dormant_http *http, const char *name,
                                    struct dormant_error *err);

#endif /* DORMANT_AWS_IAM_H */
