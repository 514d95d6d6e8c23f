/* dormant aws: the live scan (see live.h): scopes, their credentials
 * and pacing, and the callbacks that reach IAM. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/buf.h>
#include <dormant/plugin.h>

#include "iam.h"
#include "live.h"
#include "query.h"

/* Roles a config may list; more than any organisation scans in one
 * run. */
#define MAX_ROLES                 1000
#define PARALLEL_ACCOUNTS_DEFAULT 20

static enum dormant_status
nomem(struct dormant_error *err)
{
	return dormant_error_set(err, DORMANT_ERR_NOMEM, "%s",
	                         dormant_strerror(DORMANT_ERR_NOMEM));
}

static void
free_scopes(struct aws_live *a)
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
add_role(struct aws_live *a, const char *s, size_t l, const char *where,
         struct dormant_error *err)
{
	const struct dormant_host *host = a->host;
	const char *external_id = host->config(host, "external_id");
	struct aws_assume_role role = {0};
	char account[AWS_ACCOUNT_ID_LEN + 1];
	struct aws_live_scope *sc, *v;
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
	st = aws_credentials_assume_role(host, &a->sts, a->chain.base, &role,
	                                 &sc->creds, err);
	if (st == DORMANT_OK)
		st = aws_chain_keep(&a->chain, sc->creds, err);
	return st;
}

/* The base scope, then one per role of assume_roles (a comma list) and
 * of assume_roles_file (one ARN a line, '#' comments): a config line
 * cannot hold more than a handful of ARNs. */
static enum dormant_status
make_scopes(struct aws_live *a, double rate, struct dormant_error *err)
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
	         aws_credential_source_name(a->chain.base));
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
open_live(struct aws_live *a, struct dormant_error *err)
{
	const struct dormant_host *host = a->host;
	double rate, wait;
	long parallel, accounts;
	enum dormant_status st;

	/* The host's readers (aws_open made sure it has them) word a bad
	 * value the same way for every provider. */
	st = host->config_double(host, "max_requests_per_second", 0, 1000,
	                         AWS_DEFAULT_RATE, &rate, err);
	if (st == DORMANT_OK)
		st = host->config_long(host, "parallel_requests", 1, 32,
		                       AWS_PARALLEL_DEFAULT, &parallel, err);
	if (st == DORMANT_OK)
		st = host->config_long(host, "parallel_accounts", 1, 1000,
		                       PARALLEL_ACCOUNTS_DEFAULT, &accounts,
		                       err);
	if (st == DORMANT_OK)
		st = host->config_double(host, "report_wait_seconds", 1, 3600,
		                         AWS_REPORT_WAIT_DEFAULT, &wait, err);
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

static struct aws_account
account_of(struct aws_live *a, struct aws_live_scope *sc, const char *account)
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
enter(struct aws_live *a)
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
leave(struct aws_live *a)
{
	pthread_mutex_lock(&a->lock);
	a->running--;
	pthread_cond_signal(&a->slot);
	pthread_mutex_unlock(&a->lock);
}

/* STS GetCallerIdentity (API_GetCallerIdentity) needs no permission at
 * all and names the account the credentials belong to. */
static enum dormant_status
caller_identity(const struct aws_call *call, char account[13],
                char arn[AWS_ARN_MAX + 1], struct dormant_error *err)
{
	struct dormant_http_response resp = {0};
	enum dormant_status st;

	st = aws_query(call, "GetCallerIdentity", AWS_STS_VERSION, NULL, 0,
	               &resp, NULL, err);
	if (st == DORMANT_OK)
		st = aws_sts_parse_caller_identity(resp.body, resp.body_len,
		                                   account, arn, err);
	dormant_http_response_clear(&resp);
	return st;
}

static enum dormant_status
list_live(struct aws_live *a, struct aws_live_scope *sc,
          struct dormant_sink *sink, struct dormant_error *err)
{
	struct dormant_http *http = NULL;
	struct aws_credentials probe = {0};
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
	st = aws_credential_source_get(sc->creds, http, &probe, err);
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
		st = caller_identity(&call, account, arn, err);
		if (st != DORMANT_OK)
			goto out;
	}
	aws_credentials_clear(&probe); /* the source keeps its own copy */
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
	aws_credentials_clear(&probe);
	dormant_http_free(http);
	return st;
}

/* The scope that scanned an account, for the calls core makes after. */
static struct aws_live_scope *
find_scope(struct aws_live *a, const char *account, struct dormant_error *err)
{
	struct aws_live_scope *found = NULL;

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
account_call(struct aws_live *a, const char *scope, struct aws_account *acc,
             struct dormant_http **http, struct dormant_error *err)
{
	struct aws_live_scope *sc;

	*http = NULL;
	sc = find_scope(a, scope, err);
	if (!sc)
		return DORMANT_ERR_USAGE;
	*acc = account_of(a, sc, scope);
	return aws_http_new(a->host, 0, 0, http, err);
}

void
aws_live_close(struct aws_live *a)
{
	if (!a)
		return;
	free_scopes(a);
	aws_chain_free(&a->chain);
	pthread_cond_destroy(&a->slot);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

enum dormant_status
aws_live_open(const struct dormant_host *host, struct aws_live **out,
              struct dormant_error *err)
{
	struct aws_live *a = calloc(1, sizeof(*a));
	enum dormant_status st;

	*out = NULL;
	if (!a)
		return nomem(err);
	a->host = host;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->slot, NULL);
	st = open_live(a, err);
	if (st != DORMANT_OK) {
		aws_live_close(a);
		return st;
	}
	*out = a;
	return DORMANT_OK;
}

const char *
aws_live_scope_label(const struct aws_live *a, size_t scope)
{
	return scope < a->n_scopes ? a->scopes[scope].label : NULL;
}

enum dormant_status
aws_live_list_users(struct aws_live *a, size_t scope, struct dormant_sink *sink,
                    struct dormant_error *err)
{
	enum dormant_status st;

	if (scope >= a->n_scopes)
		return dormant_error_set(err, DORMANT_ERR_INTERNAL,
		                         "no scope %zu", scope);
	if (!enter(a))
		return dormant_error_set(err, DORMANT_ERR_CANCELLED,
		                         "interrupted");
	st = list_live(a, &a->scopes[scope], sink, err);
	leave(a);
	return st;
}

enum dormant_status
aws_live_last_login(struct aws_live *a, const char *scope, const char *name,
                    const char *arn, int64_t *last_login,
                    struct dormant_error *err)
{
	struct dormant_http *http;
	struct aws_account acc;
	enum dormant_status st;

	*last_login = DORMANT_TIME_NONE;
	st = account_call(a, scope, &acc, &http, err);
	if (st == DORMANT_OK)
		st = aws_iam_last_login(&acc, http, name, arn, last_login, err);
	dormant_http_free(http);
	return st;
}

enum dormant_status
aws_live_disable(struct aws_live *a, const char *scope, const char *name,
                 struct dormant_error *err)
{
	struct dormant_http *http;
	struct aws_account acc;
	enum dormant_status st;

	st = account_call(a, scope, &acc, &http, err);
	if (st == DORMANT_OK)
		st = aws_iam_disable(&acc, http, name, err);
	dormant_http_free(http);
	return st;
}
