/* dormant aws: the IAM credential report parser.
 *
 * The same function serves the offline path (credential_report_file, the
 * CSV that `aws iam get-credential-report` yields) and the live one
 * (GetCredentialReport's base64 Content, decoded into a buffer).
 */
#ifndef DORMANT_AWS_CREDENTIAL_REPORT_H
#define DORMANT_AWS_CREDENTIAL_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include <dormant/plugin.h>
#include <dormant/status.h>

/* A credential report holds one row per IAM user; IAM allows at most
 * 5,000 users per account, a row is under 1 KiB. 256 MiB is far beyond
 * any real report and still bounds what we read. */
#define AWS_CREDENTIAL_REPORT_MAX ((size_t)256 << 20)

/* An AWS account id is 12 decimal digits. */
#define AWS_ACCOUNT_ID_LEN 12

/* IAM user names: 1 to 64 of A-Z a-z 0-9 and + = , . @ _ - (IAM API
 * reference, CreateUser, UserName pattern [\w+=,.@-]+). */
#define AWS_USER_NAME_MAX 64
bool aws_valid_user_name(const char *s, size_t len);

/* Checks the whole report, then streams every IAM user in it to `sink`
 * (sink->set_scope first, with the account id, once it is known; the
 * <root_account> row is checked but not streamed: it is not an IAM user).
 * Nothing reaches the sink unless every row is valid: a malformed row
 * fails the whole report (DORMANT_ERR_PARSE, "credential report line N:
 * column: ...") because acting on part of an account is forbidden.
 *
 * data need not be NUL-terminated. host may be NULL (tests); when set,
 * it is used for logging and to notice a cancelled run. A non-OK status
 * from sink->user stops the listing and is returned as is. The account id
 * is written to account (AWS_ACCOUNT_ID_LEN + 1 bytes) when not NULL; it
 * stays "" for a report with no rows. */
enum dormant_status aws_credential_report_parse(const char *data, size_t len,
                                                const struct dormant_host *host,
                                                struct dormant_sink *sink,
                                                char *account,
                                                struct dormant_error *err);

#endif /* DORMANT_AWS_CREDENTIAL_REPORT_H */
