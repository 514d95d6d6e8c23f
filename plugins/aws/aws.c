/* dormant aws: the AWS IAM provider.
 *
 * Live (live.h): the IAM users of the credentials' account and of every
 * role of `assume_roles`, over IAM and STS.
 *
 * Offline: `[aws] credential_report_file`, the CSV that `aws iam
 * get-credential-report` yields, through the same parser, with
 * `authorization_details_file` (`aws iam
 * get-account-authorization-details`) to tell admins.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/buf.h>
#include <dormant/plugin.h>

#include "authz.h"
#include "credential_report.h"
#include "live.h"

struct aws {
	const struct dormant_host *host;
	char *report_file;     /* owned; NULL for a live scan */
	char *details_file;    /* owned; authorization_details_file or NULL */
	struct aws_live *live; /* owned; NULL offline */
};

static const char *const config_keys[] = {"profile",
                                          "assume_roles",
                                          "assume_roles_file",
                                          "external_id",
                                          "endpoint_iam",
                                          "endpoint_sts",
                                          "region",
                                          "credential_report_file",
                                          "authorization_details_file",
                                          "max_requests_per_second",
                                          "parallel_requests",
                                          "parallel_accounts",
                                          "report_wait_seconds",
                                          NULL};

/* external_id is no secret (AWS: "not a secret ... a unique identifier"),
 * and dormant never reads keys from its own config. */
static const char *const secret_keys[] = {NULL};

static const char *const path_keys[] = {"credential_report_file",
                                        "authorization_details_file",
                                        "assume_roles_file", NULL};

/* The AWS SDKs' own signals that credentials are at hand (SPEC 5). */
static const char *const enabling_env[] = {
        "AWS_ACCESS_KEY_ID", "AWS_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", NULL};

static const char offline_only[] =
        "offline input (credential_report_file): cannot re-read or change "
        "users";

static enum dormant_status
nomem(struct dormant_error *err)
{
	return dormant_error_set(err, DORMANT_ERR_NOMEM, "%s",
	                         dormant_strerror(DORMANT_ERR_NOMEM));
}

static void
aws_close(void *handle)
{
	struct aws *a = handle;

	if (!a)
		return;
	aws_live_close(a->live);
	free(a->report_file);
	free(a->details_file);
	free(a);
}

static enum dormant_status
aws_open(const struct dormant_host *host, void **handle,
         struct dormant_error *err)
{
	struct aws *a = NULL;
	const char *file = host->config(host, "credential_report_file");
	const char *details = host->config(host, "authorization_details_file");
	enum dormant_status st = DORMANT_OK;

	*handle = NULL;
	/* The live scan reads its numbers with the typed readers of 1.1. */
	if (!DORMANT_HOST_HAS(host, config_bool))
		return dormant_error_set(err, DORMANT_ERR_PLUGIN,
		                         "needs dormant's host table 1.1 or "
		                         "later (its typed config readers)");
	a = calloc(1, sizeof(*a));
	if (!a)
		return nomem(err);
	a->host = host;
	if (file && *file) {
		a->report_file = strdup(file);
		if (!a->report_file)
			st = nomem(err);
		if (st == DORMANT_OK && details && *details) {
			a->details_file = strdup(details);
			if (!a->details_file)
				st = nomem(err);
		}
	} else if (details && *details) {
		st = dormant_error_set(err, DORMANT_ERR_CONFIG,
		                       "authorization_details_file goes with "
		                       "credential_report_file (a live scan "
		                       "reads GetAccountAuthorizationDetails)");
	} else {
		st = aws_live_open(host, &a->live, err);
	}
	if (st != DORMANT_OK)
		goto out;
	*handle = a;
	a = NULL;
out:
	aws_close(a);
	return st;
}

static size_t
aws_scope_count(void *handle)
{
	const struct aws *a = handle;

	return a->report_file ? 1 : a->live->n_scopes;
}

static const char *
aws_scope_label(void *handle, size_t scope)
{
	const struct aws *a = handle;

	if (a->report_file)
		return a->report_file;
	return aws_live_scope_label(a->live, scope);
}

/* Offline admins: the details file's verdicts on the way to core. */
struct offline_sink {
	struct dormant_sink sink;
	struct dormant_sink *inner;
	const struct aws_authz *authz;
	const struct dormant_host *host;
};

static void
offline_scope(struct dormant_sink *sink, const char *scope)
{
	struct offline_sink *o = (struct offline_sink *)sink;

	if (o->inner->set_scope)
		o->inner->set_scope(o->inner, scope);
}

static void
offline_page(struct dormant_sink *sink)
{
	struct offline_sink *o = (struct offline_sink *)sink;

	if (o->inner->page)
		o->inner->page(o->inner);
}

static enum dormant_status
offline_user(struct dormant_sink *sink, const struct dormant_user *u)
{
	struct offline_sink *o = (struct offline_sink *)sink;
	struct dormant_user copy = *u;
	enum aws_admin v = aws_authz_admin(o->authz, u->id);

	/* A user the file does not name: when in doubt, an admin. */
	if (v == AWS_ADMIN_UNLISTED)
		o->host->log(o->host, DORMANT_LOG_WARNING,
		             "%s is not in authorization_details_file; taken "
		             "for an admin",
		             u->id);
	copy.admin = v != AWS_ADMIN_NO;
	return o->inner->user(o->inner, &copy);
}

static enum dormant_status
read_details(const struct aws *a, struct aws_authz **out,
             struct dormant_error *err)
{
	struct dormant_buf text;
	struct aws_authz *authz = aws_authz_new();
	enum dormant_status st;

	*out = NULL;
	dormant_buf_init(&text, AWS_CREDENTIAL_REPORT_MAX);
	if (!authz) {
		st = nomem(err);
		goto out;
	}
	st = dormant_buf_read_file(&text, a->details_file, err);
	if (st == DORMANT_OK)
		st = aws_authz_add_json(authz, text.data, text.len, err);
	if (st == DORMANT_OK)
		st = aws_authz_finish(authz, err);
	if (st != DORMANT_OK) {
		dormant_error_prefix(err, "%s", a->details_file);
		goto out;
	}
	*out = authz;
	authz = NULL;
out:
	aws_authz_free(authz);
	dormant_buf_free(&text);
	return st;
}

static enum dormant_status
list_offline(const struct aws *a, struct dormant_sink *sink,
             struct dormant_error *err)
{
	struct dormant_buf report;
	struct aws_authz *authz = NULL;
	struct offline_sink wrap;
	struct dormant_sink *to = sink;
	enum dormant_status st;

	dormant_buf_init(&report, AWS_CREDENTIAL_REPORT_MAX);
	if (a->details_file) {
		st = read_details(a, &authz, err);
		if (st != DORMANT_OK)
			goto out;
		memset(&wrap, 0, sizeof(wrap));
		wrap.sink.set_scope = offline_scope;
		wrap.sink.user = offline_user;
		wrap.sink.page = offline_page;
		wrap.sink.admins_unknown = NULL;
		wrap.inner = sink;
		wrap.authz = authz;
		wrap.host = a->host;
		to = &wrap.sink;
	} else if (sink->admins_unknown) {
		/* The credential report names no policies (SPEC 3). */
		sink->admins_unknown(sink,
		                     "credential_report_file alone cannot "
		                     "tell admins: set authorization_details_"
		                     "file (aws iam get-account-authorization-"
		                     "details, permission "
		                     "iam:GetAccountAuthorizationDetails)");
	}
	st = dormant_buf_read_file(&report, a->report_file, err);
	if (st != DORMANT_OK)
		goto out;
	/* The whole report is one page. */
	if (sink->page)
		sink->page(sink);
	st = aws_credential_report_parse(report.data, report.len, a->host, to,
	                                 NULL, err);
	if (st != DORMANT_OK && st != DORMANT_ERR_CANCELLED)
		dormant_error_prefix(err, "%s", a->report_file);
out:
	aws_authz_free(authz);
	dormant_buf_free(&report);
	return st;
}

static enum dormant_status
aws_list_users(void *handle, size_t scope, struct dormant_sink *sink,
               struct dormant_error *err)
{
	struct aws *a = handle;

	if (a->report_file) {
		if (scope != 0)
			return dormant_error_set(err, DORMANT_ERR_INTERNAL,
			                         "no scope %zu", scope);
		return list_offline(a, sink, err);
	}
	return aws_live_list_users(a->live, scope, sink, err);
}

static enum dormant_status
aws_last_login(void *handle, const char *scope, const char *id,
               const char *name, int64_t *last_login, struct dormant_error *err)
{
	struct aws *a = handle;

	*last_login = DORMANT_TIME_NONE;
	if (a->report_file)
		return dormant_error_set(err, DORMANT_ERR_UNSUPPORTED, "%s",
		                         offline_only);
	return aws_live_last_login(a->live, scope, name, id, last_login, err);
}

static enum dormant_status
aws_disable(void *handle, const char *scope, const char *id, const char *name,
            struct dormant_error *err)
{
	struct aws *a = handle;

	(void)id;
	if (a->report_file)
		return dormant_error_set(err, DORMANT_ERR_UNSUPPORTED, "%s",
		                         offline_only);
	return aws_live_disable(a->live, scope, name, err);
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
        /* IAM has no batch call: one DeleteLoginProfile (after one
         * GetUser) per user, a few at a time, within the account's
         * max_requests_per_second. */
        .action_concurrency = 4,
};
