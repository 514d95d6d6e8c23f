/* dormant aws: the live scan, and the parts of the handle it needs.
 *
 * One scope for the account of the credentials found (credentials.h),
 * plus one for each role of `assume_roles` and `assume_roles_file` (STS
 * AssumeRole, with `external_id`); each scope learns its account id from
 * STS GetCallerIdentity (or from AssumeRole's answer), then lists its IAM
 * users (iam.h). Scopes run in core's threads, at most
 * `parallel_accounts` at once; each paces its IAM calls to
 * `max_requests_per_second`.
 *
 * Immutable after aws_live_open except under `lock`: each scope's
 * account (known once its listing has started) and the count of scopes
 * running.
 */
#ifndef DORMANT_AWS_LIVE_H
#define DORMANT_AWS_LIVE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <dormant/plugin.h>
#include <dormant/ratelimit.h>
#include <dormant/status.h>

#include "credential_report.h"
#include "credentials.h"
#include "endpoints.h"
#include "iam_xml.h"

struct aws_live_scope {
	char *role_arn; /* NULL: the base credentials */
	char label[AWS_ARN_MAX + 1];
	struct aws_credential_source *creds;  /* owned by the chain */
	struct dormant_ratelimit *pacer;      /* owned */
	char account[AWS_ACCOUNT_ID_LEN + 1]; /* "" until known; lock */
};

struct aws_live {
	const struct dormant_host *host;
	struct aws_chain chain;
	struct aws_endpoint iam, sts;
	struct aws_live_scope *scopes;
	size_t n_scopes;
	long report_wait_ms;
	double rate; /* max_requests_per_second */
	unsigned parallel;
	pthread_mutex_t lock; /* guards scope accounts and running */
	pthread_cond_t slot;
	unsigned running, max_running;
};

/* Reads the live config keys, finds working credentials and makes the
 * scopes. *out is the caller's, released with aws_live_close. */
enum dormant_status aws_live_open(const struct dormant_host *host,
                                  struct aws_live **out,
                                  struct dormant_error *err);
void aws_live_close(struct aws_live *l);

const char *aws_live_scope_label(const struct aws_live *l, size_t scope);

/* The provider's callbacks, for a live handle. */
enum dormant_status aws_live_list_users(struct aws_live *l, size_t scope,
                                        struct dormant_sink *sink,
                                        struct dormant_error *err);
enum dormant_status aws_live_last_login(struct aws_live *l, const char *scope,
                                        const char *name, const char *arn,
                                        int64_t *last_login,
                                        struct dormant_error *err);
enum dormant_status aws_live_disable(struct aws_live *l, const char *scope,
                                     const char *name,
                                     struct dormant_error *err);

#endif /* DORMANT_AWS_LIVE_H */
