/* dormant aws: the AWS IAM provider.
 *
 * Live: one scope for the account of the credentials found (see
 * credentials.h), plus one for each role of `assume_roles` (STS
 * AssumeRole, with `external_id`); each scope learns its account id from
 * STS GetCallerIdentity, then lists its IAM users (iam.h). Scopes run in
 * core's threads, at most `parallel_accounts` at once; each paces its
 * IAM calls to `max_requests_per_second`.
 *
 * Offline: `[aws] credential_report_file`, the CSV that `aws iam
 * get-credential-report` yields, through the same parser.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/buf.h>
#include <dormant/plugin.h>

#include "authz.h"
#include "credential_report.h"
#include "credentials.h"
#include "iam.h"
#include "query.h"
#include "sts.h"

/* Roles a config may list; more than any organisation scans in one
 * run. */
#define MAX_ROLES                 1000
#define PARALLEL_ACCOUNTS_DEFAULT 20

struct scope {
	char *role_arn; /* NULL: the base credentials */
	char label[AWS_ARN_MAX + 1];
	struct aws_creds_provider *creds;     /* owned by the chain */
	struct dormant_ratelimit *pacer;      /* owned */
	char account[AWS_ACCOUNT_ID_LEN + 1]; /* "" until known; lock */
};

struct aws {
	const struct dormant_host *host;
	char *report_file;  /* owned; NULL for a live scan */
	char *details_file; /* owned; authorization_details_file or NULL */
	struct aws_chain chain;
	struct aws_endpoint iam, sts;
	struct scope *scopes;
	size_t n_scopes;
	long report_wait_ms;
	double rate; /* max_requests_per_second */
	unsigned parallel;
	pthread_mutex_t lock; /* guards scope accounts and running */
	pthread_cond_t slot;
	unsigned running, max_running;
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

static enum dormant_status
number(const struct dormant_host *host, const char *key, double dflt,
       double min, double max, double *out, struct dormant_error *err)
{
	const char *v = host->config(host, key);
	char *end;
	double d;

	*out = dflt;
	if (!v || !*v)
		return DORMANT_OK;
	errno = 0;
	d = strtod(v, &end);
	if (errno || *end || end == v || !(d >= min && d <= max))
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "%s = %.40s: not a number from %g to "
		                         "%g",
		                         key, v, min, max);
	*out = d;
	return DORMANT_OK;
}

static void
free_scopes(struct aws *a)
{
	for (size_t i = 0; i < a->n_scopes; i++) {
		free(a->scopes[i].role_arn);
		dormant_ratelimit_free(a->scopes[i].pacer);
	}
	free(a->scopes);
	a->scopes = NULL;
	a->n_scopes = 0;
}

/* Adds one role ARN (trimmed) to the scopes. */
static enum dormant_status
add_role(struct aws *a, const char *s, size_t l, const char *where,
         struct dormant_error *err)
{
	const struct dormant_host *host = a->host;
	const char *external_id = host->config(host, "external_id");
	struct aws_assume_role role = {0};
	char account[AWS_ACCOUNT_ID_LEN + 1];
	struct scope *sc, *v;
	enum dormant_status st;

	while (l && (*s == ' ' || *s == '\t')) {
		s++;
		l--;
	}
	while (l && (s[l - 1] == ' ' || s[l - 1] == '\t' || s[l - 1] == '\r'))
		l--;
	if (!l)
		return DORMANT_OK;
	if (a->n_scopes > MAX_ROLES)
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "%s: more than %d roles", where,
		                         MAX_ROLES);
	v = realloc(a->scopes, (a->n_scopes + 1) * sizeof(*v));
	if (!v)
		return nomem(err);
	a->scopes = v;
	sc = &a->scopes[a->n_scopes];
	memset(sc, 0, sizeof(*sc));
	sc->role_arn = strndup(s, l);
	if (!sc->role_arn)
		return nomem(err);
	a->n_scopes++;
	if (l > AWS_ARN_MAX || !aws_role_arn_account(sc->role_arn, account))
		return dormant_error_set(
		        err, DORMANT_ERR_CONFIG,
		        "%s: %.100s is not an IAM role ARN "
		        "(arn:aws:iam::123456789012:role/NAME)",
		        where, sc->role_arn);
	for (size_t i = 1; i + 1 < a->n_scopes; i++)
		if (strcmp(a->scopes[i].role_arn, sc->role_arn) == 0)
			return dormant_error_set(err, DORMANT_ERR_CONFIG,
			                         "%s: %.100s is listed twice",
			                         where, sc->role_arn);
	snprintf(sc->label, sizeof(sc->label), "%s", sc->role_arn);
	role.role_arn = sc->role_arn;
	role.external_id = external_id && *external_id ? external_id : NULL;
	st = aws_sts_assume_role_provider(host, &a->sts, a->chain.base, &role,
	                                  &sc->creds, err);
	if (st == DORMANT_OK)
		st = aws_chain_keep(&a->chain, sc->creds, err);
	return st;
}

/* The base scope, then one per role of assume_roles (a comma list) and
 * of assume_roles_file (one ARN a line, '#' comments): a config line
 * cannot hold more than a handful of ARNs. */
static enum dormant_status
make_scopes(struct aws *a, double rate, struct dormant_error *err)
{
	const struct dormant_host *host = a->host;
	const char *roles = host->config(host, "assume_roles");
	const char *file = host->config(host, "assume_roles_file");
	struct dormant_buf text;
	enum dormant_status st = DORMANT_OK;

	dormant_buf_init(&text, (size_t)1 << 20);
	a->scopes = calloc(1, sizeof(*a->scopes));
	if (!a->scopes)
		return nomem(err);
	a->n_scopes = 1;
	a->scopes[0].creds = a->chain.base;
	snprintf(a->scopes[0].label, sizeof(a->scopes[0].label), "%s",
	         aws_creds_provider_name(a->chain.base));
	for (const char *p = roles; p && *p && st == DORMANT_OK;) {
		size_t len = strcspn(p, ",");

		st = add_role(a, p, len, "assume_roles", err);
		p += len + (p[len] == ',');
	}
	if (st == DORMANT_OK && file && *file) {
		st = dormant_buf_read_file(&text, file, err);
		if (st != DORMANT_OK)
			dormant_error_prefix(err, "assume_roles_file");
		for (const char *p = text.data; st == DORMANT_OK && p && *p;) {
			size_t len = strcspn(p, "\n");

			if (*p != '#')
				st = add_role(a, p, len, file, err);
			p += len + (p[len] == '\n');
		}
	}
	for (size_t i = 0; i < a->n_scopes && st == DORMANT_OK; i++) {
		/* No burst: the account's calls go evenly spaced. */
		a->scopes[i].pacer = dormant_ratelimit_new(rate, 1);
		if (!a->scopes[i].pacer)
			st = nomem(err);
	}
	dormant_buf_free(&text);
	return st;
}

static enum dormant_status
open_live(struct aws *a, struct dormant_error *err)
{
	const struct dormant_host *host = a->host;
	double rate, parallel, accounts, wait;
	enum dormant_status st;

	st = number(host, "max_requests_per_second", AWS_DEFAULT_RATE, 0, 1000,
	            &rate, err);
	if (st == DORMANT_OK)
		st = number(host, "parallel_requests", AWS_PARALLEL_DEFAULT, 1,
		            32, &parallel, err);
	if (st == DORMANT_OK)
		st = number(host, "parallel_accounts",
		            PARALLEL_ACCOUNTS_DEFAULT, 1, 1000, &accounts, err);
	if (st == DORMANT_OK)
		st = number(host, "report_wait_seconds",
		            AWS_REPORT_WAIT_DEFAULT, 1, 3600, &wait, err);
	if (st != DORMANT_OK)
		return st;
	a->rate = rate;
	a->parallel = (unsigned)parallel;
	a->max_running = (unsigned)accounts;
	a->report_wait_ms = (long)(wait * 1000);

	st = aws_chain_prepare(host, &a->chain, err);
	if (st == DORMANT_OK)
		st = aws_endpoints_resolve(
		        host, a->chain.region[0] ? a->chain.region : NULL,
		        &a->iam, &a->sts, err);
	if (st != DORMANT_OK)
		return st;
	host->log(host, DORMANT_LOG_INFO,
	          "IAM endpoint %s (%s, signing region %s); STS endpoint %s "
	          "(%s, signing region %s)",
	          a->iam.url, a->iam.source, a->iam.region, a->sts.url,
	          a->sts.source, a->sts.region);
	st = aws_chain_resolve(host, &a->sts, &a->chain, err);
	if (st == DORMANT_OK)
		st = make_scopes(a, rate, err);
	return st;
}

static void
aws_close(void *handle)
{
	struct aws *a = handle;

	if (!a)
		return;
	free_scopes(a);
	aws_chain_free(&a->chain);
	pthread_cond_destroy(&a->slot);
	pthread_mutex_destroy(&a->lock);
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
	a = calloc(1, sizeof(*a));
	if (!a)
		return nomem(err);
	a->host = host;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->slot, NULL);
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
		st = open_live(a, err);
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

	return a->report_file ? 1 : a->n_scopes;
}

static const char *
aws_scope_label(void *handle, size_t scope)
{
	const struct aws *a = handle;

	if (a->report_file)
		return a->report_file;
	return scope < a->n_scopes ? a->scopes[scope].label : NULL;
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

static struct aws_account
account_of(struct aws *a, struct scope *sc, const char *account)
{
	struct aws_account acc = {
	        .host = a->host,
	        .iam = &a->iam,
	        .creds = sc->creds,
	        .pacer = sc->pacer,
	        .rate = a->rate,
	        .account = account,
	        .report_wait_ms = a->report_wait_ms,
	        .parallel = a->parallel,
	};
	return acc;
}

/* At most max_running accounts scan at once. */
static bool
enter(struct aws *a)
{
	pthread_mutex_lock(&a->lock);
	while (a->running >= a->max_running) {
		if (a->host->cancelled && a->host->cancelled(a->host)) {
			pthread_mutex_unlock(&a->lock);
			return false;
		}
		pthread_cond_wait(&a->slot, &a->lock);
	}
	a->running++;
	pthread_mutex_unlock(&a->lock);
	return true;
}

static void
leave(struct aws *a)
{
	pthread_mutex_lock(&a->lock);
	a->running--;
	pthread_cond_signal(&a->slot);
	pthread_mutex_unlock(&a->lock);
}

static enum dormant_status
list_live(struct aws *a, struct scope *sc, struct dormant_sink *sink,
          struct dormant_error *err)
{
	struct dormant_http *http = NULL;
	struct aws_creds probe = {0};
	char account[AWS_ACCOUNT_ID_LEN + 1], arn[AWS_ARN_MAX + 1];
	struct aws_account acc;
	struct aws_call call;
	const char *how = "GetCallerIdentity";
	enum dormant_status st;

	st = aws_http_new(a->host, 0, 0, &http, err);
	if (st != DORMANT_OK)
		return st;
	/* Credentials first (AssumeRole for another account), so that a
	 * role we may not assume fails here, with its own words. */
	st = aws_creds_provider_get(sc->creds, http, &probe, err);
	if (st != DORMANT_OK)
		goto out;
	/* The account is what STS said: AssumeRole's answer names the
	 * assumed role's account; other credentials ask GetCallerIdentity
	 * (one round trip fewer per assumed account). */
	if (probe.account[0]) {
		memcpy(account, probe.account, sizeof(account));
		snprintf(arn, sizeof(arn), "%s", probe.arn);
		how = "AssumeRole";
	} else {
		call = (struct aws_call){http, a->host, &a->sts, sc->creds,
		                         NULL};
		st = aws_sts_caller_identity(&call, account, arn, err);
		if (st != DORMANT_OK)
			goto out;
	}
	aws_creds_clear(&probe); /* the provider keeps its own copy */
	pthread_mutex_lock(&a->lock);
	memcpy(sc->account, account, sizeof(sc->account));
	pthread_mutex_unlock(&a->lock);
	if (sink->set_scope)
		sink->set_scope(sink, account);
	a->host->log(a->host, DORMANT_LOG_INFO, "%s: account %s, as %s (%s)",
	             sc->label, account, arn, how);
	acc = account_of(a, sc, account);
	st = aws_iam_list(&acc, http, sink, err);
out:
	aws_creds_clear(&probe);
	dormant_http_free(http);
	return st;
}

static enum dormant_status
aws_list_users(void *handle, size_t scope, struct dormant_sink *sink,
               struct dormant_error *err)
{
	struct aws *a = handle;
	enum dormant_status st;

	if (a->report_file) {
		if (scope != 0)
			return dormant_error_set(err, DORMANT_ERR_INTERNAL,
			                         "aws: no scope %zu", scope);
		return list_offline(a, sink, err);
	}
	if (scope >= a->n_scopes)
		return dormant_error_set(err, DORMANT_ERR_INTERNAL,
		                         "aws: no scope %zu", scope);
	if (!enter(a))
		return dormant_error_set(err, DORMANT_ERR_CANCELLED,
		                         "interrupted");
	st = list_live(a, &a->scopes[scope], sink, err);
	leave(a);
	return st;
}

/* The scope that scanned an account, for the calls core makes after. */
static struct scope *
find_scope(struct aws *a, const char *account, struct dormant_error *err)
{
	struct scope *found = NULL;

	pthread_mutex_lock(&a->lock);
	for (size_t i = 0; i < a->n_scopes && !found; i++)
		if (strcmp(a->scopes[i].account, account) == 0)
			found = &a->scopes[i];
	pthread_mutex_unlock(&a->lock);
	if (!found)
		dormant_error_set(err, DORMANT_ERR_USAGE,
		                  "account %.20s was not scanned in this run",
		                  account);
	return found;
}

/* What a call on one user after the scan needs: the account its scope
 * scanned, and a client of its own (core calls from several threads). */
static enum dormant_status
account_call(struct aws *a, const char *scope, struct aws_account *acc,
             struct dormant_http **http, struct dormant_error *err)
{
	struct scope *sc;

	*http = NULL;
	if (a->report_file)
		return dormant_error_set(err, DORMANT_ERR_UNSUPPORTED, "%s",
		                         offline_only);
	sc = find_scope(a, scope, err);
	if (!sc)
		return DORMANT_ERR_USAGE;
	*acc = account_of(a, sc, scope);
	return aws_http_new(a->host, 0, 0, http, err);
}

static enum dormant_status
aws_last_login(void *handle, const char *scope, const char *id,
               const char *name, int64_t *last_login, struct dormant_error *err)
{
	struct dormant_http *http;
	struct aws_account acc;
	enum dormant_status st;

	*last_login = DORMANT_TIME_NONE;
	st = account_call(handle, scope, &acc, &http, err);
	if (st == DORMANT_OK)
		st = aws_iam_last_login(&acc, http, name, id, last_login, err);
	dormant_http_free(http);
	return st;
}

static enum dormant_status
aws_disable(void *handle, const char *scope, const char *id, const char *name,
            struct dormant_error *err)
{
	struct dormant_http *http;
	struct aws_account acc;
	enum dormant_status st;

	(void)id;
	st = account_call(handle, scope, &acc, &http, err);
	if (st == DORMANT_OK)
		st = aws_iam_disable(&acc, http, name, err);
	dormant_http_free(http);
	return st;
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
