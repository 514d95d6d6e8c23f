/* dormant aws: who holds administrator power in an account, from IAM
 * GetAccountAuthorizationDetails (SPEC 3).
 *
 * Live, the answer pages (IAM API Reference,
 * API_GetAccountAuthorizationDetails: MaxItems, Marker, IsTruncated) are
 * fed to aws_authz_add_page one by one; offline, the JSON that `aws iam
 * get-account-authorization-details` prints goes to aws_authz_add_json.
 * Both fill the same model: users (their inline policies, attached
 * managed policies and groups), groups (inline and attached policies)
 * and the account's own managed policies (their default version).
 * aws_authz_finish then decides each user once.
 *
 * What counts as administrator power (docs/aws.md says the same for
 * users): an Allow statement whose Action (or NotAction, by what it
 * leaves out) covers an action that lets its holder grant itself any
 * permission (iam:AttachUserPolicy, iam:PutUserPolicy,
 * iam:CreatePolicyVersion, ...; so "*", "*:*", "iam:*", "iam:Put*"),
 * on a Resource that can be an IAM one ("*", an iam ARN, any wildcard
 * service; NotResource counts). The AWS-managed AdministratorAccess
 * (and its AdministratorAccess-* variants) and IAMFullAccess count by
 * ARN. Conditions, Deny statements and permission boundaries are not
 * weighed: each can only take power away, and a user wrongly taken for
 * an admin is only reported "high" and not disabled, while a missed
 * admin would be. For the same reason a managed policy or group that
 * the answer does not describe makes its holders admins.
 */
#ifndef DORMANT_AWS_AUTHZ_H
#define DORMANT_AWS_AUTHZ_H

#include <stdbool.h>
#include <stddef.h>

#include <dormant/status.h>

#include "iam_xml.h"

/* A managed policy document is at most 6,144 characters not counting
 * white space (IAM quotas); with its white space and URL-encoded (three
 * bytes a character) it stays far below this. A longer one fails the
 * read: admins unknown, never a guess. */
#define AWS_POLICY_DOC_MAX ((size_t)256 << 10)

struct aws_authz;

struct aws_authz *aws_authz_new(void);
void aws_authz_free(struct aws_authz *a);

/* One page of a GetAccountAuthorizationDetails answer. page gets
 * IsTruncated and Marker (n_users: the users on this page). */
enum dormant_status aws_authz_add_page(struct aws_authz *a, const char *body,
                                       size_t len, struct aws_iam_page *page,
                                       struct dormant_error *err);

/* The whole JSON of `aws iam get-account-authorization-details` (the CLI
 * has followed every Marker and decoded the documents). */
enum dormant_status aws_authz_add_json(struct aws_authz *a, const char *data,
                                       size_t len, struct dormant_error *err);

/* Resolves groups and managed policies; call once, after every page. */
enum dormant_status aws_authz_finish(struct aws_authz *a,
                                     struct dormant_error *err);

enum aws_admin {
	AWS_ADMIN_NO = 0,
	AWS_ADMIN_YES = 1,
	AWS_ADMIN_UNLISTED = 2 /* the user is not in the answer */
};

/* What the details say of the user with this ARN. */
enum aws_admin aws_authz_admin(const struct aws_authz *a, const char *arn);

/* How many users the details describe. */
size_t aws_authz_users(const struct aws_authz *a);

/* Judges one policy document (JSON text): *admin true when it grants
 * administrator power as above. DORMANT_ERR_PARSE when it is no policy
 * document. For the tests. */
enum dormant_status aws_authz_judge_text(const char *json, size_t len,
                                         bool *admin,
                                         struct dormant_error *err);

#endif /* DORMANT_AWS_AUTHZ_H */
