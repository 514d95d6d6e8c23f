/* dormant aws: decoding the IAM and STS Query API answers dormant uses.
 *
 * Each decoder checks that the document is the answer it expects
 * (<ActionResponse>), that every element it needs is there and well
 * formed, and refuses anything else with one DORMANT_ERR_PARSE line:
 * a half-understood answer must never turn into a verdict.
 *
 * Shapes, from the IAM API Reference (API_ListUsers, API_GetUser,
 * API_GetLoginProfile, API_DeleteLoginProfile,
 * API_GenerateCredentialReport, API_GetCredentialReport) and the AWS STS
 * API Reference (API_AssumeRole, API_GetCallerIdentity), whose sample
 * responses tests/mock/aws_mock.py serves.
 */
#ifndef DORMANT_AWS_IAM_XML_H
#define DORMANT_AWS_IAM_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dormant/buf.h>
#include <dormant/status.h>

#include "credential_report.h"
#include "credentials.h"

/* IAM quotas: a user name has at most 64 characters, a path 512; an ARN
 * is "arn:aws-us-gov:iam::123456789012:user" + path + name. */
#define AWS_ARN_MAX 700
/* ListUsers Marker: 1 to 320 characters (API_ListUsers). */
#define AWS_MARKER_MAX 320

/* <ErrorResponse><Error><Type/><Code/><Message/></Error>. */
struct aws_error_body {
	char code[128];
	char message[512];
};

/* Fills out from an AWS Query error document; false when body is not
 * one (then out holds empty strings). */
bool aws_xml_error_parse(const char *body, size_t len,
                         struct aws_error_body *out);

enum aws_report_state {
	AWS_REPORT_STARTED,
	AWS_REPORT_INPROGRESS,
	AWS_REPORT_COMPLETE
};

enum dormant_status aws_iam_parse_generate_report(const char *body, size_t len,
                                                  enum aws_report_state *state,
                                                  struct dormant_error *err);

/* GetCredentialReport: the base64 Content, decoded into csv (reset
 * first, its cap kept); ReportFormat must be text/csv. *generated gets
 * GeneratedTime. */
enum dormant_status aws_iam_parse_get_report(const char *body, size_t len,
                                             struct dormant_buf *csv,
                                             int64_t *generated,
                                             struct dormant_error *err);

struct aws_iam_user {
	char name[AWS_USER_NAME_MAX + 1];
	char arn[AWS_ARN_MAX + 1];
	int64_t created;
	int64_t password_last_used; /* DORMANT_TIME_NONE when absent */
};

typedef enum dormant_status (*aws_iam_user_fn)(void *ctx,
                                               const struct aws_iam_user *u,
                                               struct dormant_error *err);

struct aws_iam_page {
	bool truncated;
	char marker[AWS_MARKER_MAX + 1]; /* "" unless truncated */
	size_t n_users;
};

/* ListUsers: every member to fn, in order; then the paging fields. */
enum dormant_status aws_iam_parse_list_users(const char *body, size_t len,
                                             aws_iam_user_fn fn, void *ctx,
                                             struct aws_iam_page *page,
                                             struct dormant_error *err);

/* GetUser: the one user. */
enum dormant_status aws_iam_parse_get_user(const char *body, size_t len,
                                           struct aws_iam_user *u,
                                           struct dormant_error *err);

/* GetLoginProfile: the profile of `user` (checked); *created is its
 * CreateDate, when the console password was set. */
enum dormant_status aws_iam_parse_login_profile(const char *body, size_t len,
                                                const char *user,
                                                int64_t *created,
                                                struct dormant_error *err);

/* DeleteLoginProfile: an empty result; only the document is checked. */
enum dormant_status
aws_iam_parse_delete_login_profile(const char *body, size_t len,
                                   struct dormant_error *err);

/* AssumeRole: the role's temporary credentials into out (zeroed first;
 * cleared again on failure), with whose they are (AssumedRoleUser/Arn,
 * aws_credentials_set_identity). */
enum dormant_status aws_sts_parse_assume_role(const char *body, size_t len,
                                              struct aws_credentials *out,
                                              struct dormant_error *err);

/* GetCallerIdentity: the 12-digit Account and the caller's Arn. */
enum dormant_status aws_sts_parse_caller_identity(const char *body, size_t len,
                                                  char account[13],
                                                  char arn[AWS_ARN_MAX + 1],
                                                  struct dormant_error *err);

#endif /* DORMANT_AWS_IAM_XML_H */
