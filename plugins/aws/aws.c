/* dormant aws: the AWS IAM provider.
 *
 * Users and their last console sign-in come from the IAM credential
 * report. For now only offline input is supported: `[aws]
 * credential_report_file`, the CSV that `aws iam get-credential-report`
 * yields (its Content, base64-decoded). The live path (GenerateCredential
 * Report / GetCredentialReport over SigV4, STS for assume_roles) will
 * feed the same parser.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <dormant/buf.h>
#include <dormant/plugin.h>

#include "credential_report.h"

struct aws {
	const struct dormant_host *host;
	char *report_file; /* owned; NULL for a live scan */
};

static const char *const config_keys[] = {"profile",
                                          "assume_roles",
                                          "external_id",
                                          "endpoint_iam",
                                          "endpoint_sts",
                                          "region",
                                          "credential_report_file",
                                          NULL};

static const char *const secret_keys[] = {NULL};

static const char *const path_keys[] = {"credential_report_file", NULL};

/* The AWS SDKs' own signals that credentials are at hand (SPEC 5). */
static const char *const enabling_env[] = {
        "AWS_ACCESS_KEY_ID", "AWS_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", NULL};

static const char offline_only[] =
        "offline input (credential_report_file): cannot re-read or change "
        "users";

static enum dormant_status
aws_open(const struct dormant_host *host, void **handle,
         struct dormant_error *err)
{
	struct aws *a = NULL;
	const char *file = host->config(host, "credential_report_file");
	enum dormant_status st = DORMANT_OK;

	*handle = NULL;
	if (!file || !*file) {
		st = dormant_error_set(err, DORMANT_ERR_UNSUPPORTED,
		                       "live AWS scans are not available yet; "
		                       "set credential_report_file");
		goto out;
	}
	a = calloc(1, sizeof(*a));
	if (!a || !(a->report_file = strdup(file))) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "%s",
		                       dormant_strerror(DORMANT_ERR_NOMEM));
		goto out;
	}
	a->host = host;
	*handle = a;
	a = NULL;
out:
	if (a)
		free(a->report_file);
	free(a);
	return st;
}

static size_t
aws_scope_count(void *handle)
{
	(void)handle;
	return 1;
}

static const char *
aws_scope_label(void *handle, size_t scope)
{
	const struct aws *a = handle;

	(void)scope;
	return a->report_file;
}

static enum dormant_status
aws_list_users(void *handle, size_t scope, struct dormant_sink *sink,
               struct dormant_error *err)
{
	const struct aws *a = handle;
	struct dormant_buf report;
	enum dormant_status st;

	dormant_buf_init(&report, AWS_CREDENTIAL_REPORT_MAX);
	if (scope != 0) {
		st = dormant_error_set(err, DORMANT_ERR_INTERNAL,
		                       "aws: no scope %zu", scope);
		goto out;
	}
	st = dormant_buf_read_file(&report, a->report_file, err);
	if (st != DORMANT_OK)
		goto out;
	/* The whole report is one page. */
	if (sink->page)
		sink->page(sink);
	st = aws_credential_report_parse(report.data, report.len, a->host, sink,
	                                 NULL, err);
	if (st != DORMANT_OK && st != DORMANT_ERR_CANCELLED)
		dormant_error_prefix(err, "%s", a->report_file);
out:
	dormant_buf_free(&report);
	return st;
}

static enum dormant_status
aws_last_login(void *handle, const char *scope, const char *id,
               const char *name, int64_t *last_login, struct dormant_error *err)
{
	(void)handle;
	(void)scope;
	(void)id;
	(void)name;
	*last_login = DORMANT_TIME_NONE;
	return dormant_error_set(err, DORMANT_ERR_UNSUPPORTED, "%s",
	                         offline_only);
}

static enum dormant_status
aws_disable(void *handle, const char *scope, const char *id, const char *name,
            struct dormant_error *err)
{
	(void)handle;
	(void)scope;
	(void)id;
	(void)name;
	return dormant_error_set(err, DORMANT_ERR_UNSUPPORTED, "%s",
	                         offline_only);
}

static void
aws_close(void *handle)
{
	struct aws *a = handle;

	if (!a)
		return;
	free(a->report_file);
	free(a);
}

const struct dormant_provider DORMANT_PROVIDER_EXPORT(aws) = {
        .abi_version = DORMANT_PLUGIN_ABI_VERSION,
        .struct_size = sizeof(struct dormant_provider),
        .name = "aws",
        .version = PACKAGE_VERSION,
        .description = "AWS IAM users without a console sign-in, from the "
                       "IAM credential report",
        .config_keys = config_keys,
        .secret_keys = secret_keys,
        .enabling_env = enabling_env,
        .path_keys = path_keys,
        .open = aws_open,
        .scope_count = aws_scope_count,
        .scope_label = aws_scope_label,
        .list_users = aws_list_users,
        .last_login = aws_last_login,
        .disable = aws_disable,
        /* A deleted console password cannot be given back: AWS would need
         * the old password, which nobody keeps. */
        .enable = NULL,
        .close = aws_close,
};
