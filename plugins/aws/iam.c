/* dormant aws: IAM listing, re-reading and console access removal (see
 * iam.h). */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dormant/buf.h>
#include <dormant/ratelimit.h>
#include <dormant/timeutil.h>

#include "authz.h"
#include "credential_report.h"
#include "iam.h"
#include "iam_xml.h"
#include "query.h"

/* Polling the report: every POLL_FIRST_MS for the first POLL_QUICK
 * polls (most accounts are ready within a second or two, and a coarse
 * schedule would make each scan wait for its next tick), then backing
 * off to POLL_MAX_MS for large accounts (AWS: generating a report "can
 * take several seconds"; it holds 4 hours, IAM User Guide, "Getting
 * credential reports"). */
#define POLL_FIRST_MS 100L
#define POLL_QUICK    10
#define POLL_MAX_MS   4000L
/* ListUsers: the largest page IAM gives (API_ListUsers, MaxItems). */
#define PAGE_SIZE "1000"
/* An account has at most 5,000 IAM users (IAM quotas); far more means a
 * server that never stops paging. */
#define MAX_USERS ((size_t)1000000)
#define MAX_PAGES 5000

static int64_t
mono_ms(void)
{
	return dormant_monotonic_ns() / 1000000;
}

static bool
sleep_ms(const struct dormant_host *host, long ms)
{
	return dormant_sleep_ns(host, (int64_t)ms * 1000000);
}

static struct aws_call
call_of(const struct aws_account *a, struct dormant_http *http)
{
	struct aws_call c = {http, a->host, a->iam, a->creds, a->pacer};
	return c;
}

/* ---- the credential report ---- */

/* Why the report path gave up, when the fallback should take over. */
static bool
fallback_code(const struct aws_error_body *e)
{
	return strcmp(e->code, "AccessDenied") == 0 ||
	       strcmp(e->code, "AccessDeniedException") == 0 ||
	       strcmp(e->code, "LimitExceeded") == 0;
}

/* Fetches the report into csv. DORMANT_ERR_UNSUPPORTED (with the reason
 * in err) means: use the fallback. */
static enum dormant_status
fetch_report(const struct aws_account *a, struct dormant_http *http,
             struct dormant_buf *csv, struct dormant_error *err)
{
	struct aws_call c = call_of(a, http);
	struct dormant_http_response resp = {0};
	struct aws_error_body e;
	enum aws_report_state state = AWS_REPORT_STARTED;
	int64_t deadline = mono_ms() + a->report_wait_ms;
	long poll = POLL_FIRST_MS;
	unsigned generations = 0, polls = 0;
	enum dormant_status st;

generate:
	generations++;
	for (;;) {
		st = aws_query(&c, "GenerateCredentialReport", AWS_IAM_VERSION,
		               NULL, 0, &resp, &e, err);
		if (st != DORMANT_OK)
			goto fail;
		st = aws_iam_parse_generate_report(resp.body, resp.body_len,
		                                   &state, err);
		dormant_http_response_clear(&resp);
		if (st != DORMANT_OK)
			goto out;
		if (state == AWS_REPORT_COMPLETE)
			break;
		if (mono_ms() + poll > deadline) {
			st = dormant_error_set(err, DORMANT_ERR_HTTP,
			                       "iam:GenerateCredentialReport: "
			                       "the report was not ready after "
			                       "%ld s (report_wait_seconds)",
			                       a->report_wait_ms / 1000);
			goto out;
		}
		if (!sleep_ms(a->host, poll)) {
			st = dormant_error_set(err, DORMANT_ERR_CANCELLED,
			                       "interrupted");
			goto out;
		}
		if (++polls >= POLL_QUICK)
			poll = poll * 2 > POLL_MAX_MS ? POLL_MAX_MS : poll * 2;
	}
	for (;;) {
		st = aws_query(&c, "GetCredentialReport", AWS_IAM_VERSION, NULL,
		               0, &resp, &e, err);
		if (st == DORMANT_OK)
			break;
		if (strcmp(e.code, "ReportInProgress") == 0 &&
		    mono_ms() + poll <= deadline) {
			if (!sleep_ms(a->host, poll)) {
				st = dormant_error_set(err,
				                       DORMANT_ERR_CANCELLED,
				                       "interrupted");
				goto out;
			}
			continue;
		}
		/* Expired or gone between the two calls: once more. */
		if ((strcmp(e.code, "ReportExpired") == 0 ||
		     strcmp(e.code, "ReportNotPresent") == 0) &&
		    generations < 2)
			goto generate;
		goto fail;
	}
	st = aws_iam_parse_get_report(resp.body, resp.body_len, csv, NULL, err);
	goto out;
fail:
	if (fallback_code(&e))
		st = DORMANT_ERR_UNSUPPORTED;
out:
	dormant_http_response_clear(&resp);
	return st;
}

/* ---- the fallback: ListUsers + GetLoginProfile ---- */

struct listed {
	struct aws_iam_user u;
	bool console;
	int64_t console_since;
};

struct collector {
	struct listed *v;
	size_t n, cap;
};

static enum dormant_status
collect(void *ctx, const struct aws_iam_user *u, struct dormant_error *err)
{
	struct collector *c = ctx;

	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 1024;
		struct listed *v;

		if (c->n >= MAX_USERS)
			return dormant_error_set(err, DORMANT_ERR_TOO_LARGE,
			                         "iam:ListUsers: more than %zu "
			                         "users",
			                         MAX_USERS);
		v = realloc(c->v, ncap * sizeof(*v));
		if (!v)
			return dormant_error_set(
			        err, DORMANT_ERR_NOMEM, "%s",
			        dormant_strerror(DORMANT_ERR_NOMEM));
		c->v = v;
		c->cap = ncap;
	}
	memset(&c->v[c->n], 0, sizeof(c->v[c->n]));
	c->v[c->n].u = *u;
	c->v[c->n].console_since = DORMANT_TIME_NONE;
	c->n++;
	return DORMANT_OK;
}

static enum dormant_status
list_all(const struct aws_account *a, struct dormant_http *http,
         struct dormant_sink *sink, struct collector *out,
         struct dormant_error *err)
{
	struct aws_call c = call_of(a, http);
	struct dormant_http_response resp = {0};
	struct aws_iam_page page;
	struct aws_query_param params[2];
	char marker[AWS_MARKER_MAX + 1] = "";
	enum dormant_status st = DORMANT_OK;

	for (unsigned pages = 0;; pages++) {
		size_t n = 0;

		if (pages >= MAX_PAGES) {
			st = dormant_error_set(err, DORMANT_ERR_HTTP,
			                       "iam:ListUsers: more than %d "
			                       "pages",
			                       MAX_PAGES);
			break;
		}
		params[n++] = (struct aws_query_param){"MaxItems", PAGE_SIZE};
		if (marker[0])
			params[n++] =
			        (struct aws_query_param){"Marker", marker};
		st = aws_query(&c, "ListUsers", AWS_IAM_VERSION, params, n,
		               &resp, NULL, err);
		if (st == DORMANT_OK)
			st = aws_iam_parse_list_users(resp.body, resp.body_len,
			                              collect, out, &page, err);
		dormant_http_response_clear(&resp);
		if (st != DORMANT_OK)
			break;
		if (sink->page)
			sink->page(sink);
		if (!page.truncated)
			break;
		if (strcmp(page.marker, marker) == 0) {
			st = dormant_error_set(
			        err, DORMANT_ERR_HTTP,
			        "iam:ListUsers: the same Marker "
			        "twice: paging does not advance");
			break;
		}
		memcpy(marker, page.marker, sizeof(marker));
	}
	return st;
}

/* GetLoginProfile for users[next..], shared by a few threads. */
struct fanout {
	const struct aws_account *a;
	struct collector *users;
	pthread_mutex_t lock; /* guards next, st, err */
	size_t next;
	enum dormant_status st;
	struct dormant_error err;
};

static enum dormant_status
login_profile(const struct aws_account *a, struct dormant_http *http,
              struct listed *l, struct dormant_error *err)
{
	struct aws_call c = call_of(a, http);
	struct dormant_http_response resp = {0};
	struct aws_query_param p = {"UserName", l->u.name};
	enum dormant_status st;

	st = aws_query(&c, "GetLoginProfile", AWS_IAM_VERSION, &p, 1, &resp,
	               NULL, err);
	if (st == DORMANT_ERR_NOT_FOUND) {
		/* NoSuchEntity: the user has no console password. */
		l->console = false;
		st = DORMANT_OK;
	} else if (st == DORMANT_OK) {
		st = aws_iam_parse_login_profile(resp.body, resp.body_len,
		                                 l->u.name, &l->console_since,
		                                 err);
		l->console = st == DORMANT_OK;
	}
	dormant_http_response_clear(&resp);
	return st;
}

static void *
fanout_worker(void *arg)
{
	struct fanout *f = arg;
	struct dormant_http *http = NULL;
	struct dormant_error err = {{0}};
	enum dormant_status st;

	st = aws_http_new(f->a->host, 0, 0, &http, &err);
	for (;;) {
		size_t i;

		pthread_mutex_lock(&f->lock);
		if (st != DORMANT_OK && f->st == DORMANT_OK) {
			f->st = st;
			f->err = err;
		}
		if (f->st != DORMANT_OK || f->next >= f->users->n) {
			pthread_mutex_unlock(&f->lock);
			break;
		}
		i = f->next++;
		pthread_mutex_unlock(&f->lock);
		st = login_profile(f->a, http, &f->users->v[i], &err);
	}
	dormant_http_free(http);
	return NULL;
}

static enum dormant_status
profiles_all(const struct aws_account *a, struct collector *users,
             struct dormant_error *err)
{
	struct fanout f;
	pthread_t threads[32];
	unsigned n = a->parallel ? a->parallel : 1, started = 0;

	if (n > sizeof(threads) / sizeof(*threads))
		n = sizeof(threads) / sizeof(*threads);
	memset(&f, 0, sizeof(f));
	f.a = a;
	f.users = users;
	pthread_mutex_init(&f.lock, NULL);
	if (a->rate > 0)
		a->host->log(a->host, DORMANT_LOG_INFO,
		             "%s: GetLoginProfile for %zu users at %.1f "
		             "requests/s: about %.1f s",
		             a->account, users->n, a->rate,
		             dormant_ratelimit_eta(a->pacer, (double)users->n));
	for (unsigned i = 0; i < n && i < users->n; i++)
		if (pthread_create(&threads[started], NULL, fanout_worker,
		                   &f) == 0)
			started++;
	if (started == 0 && users->n)
		fanout_worker(&f);
	for (unsigned i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_destroy(&f.lock);
	if (f.st != DORMANT_OK)
		*err = f.err;
	return f.st;
}

static bool mark_admin(const struct aws_account *a,
                       const struct aws_authz *authz, const char *arn);

static enum dormant_status
fallback(const struct aws_account *a, struct dormant_http *http,
         const struct aws_authz *authz, struct dormant_sink *sink,
         struct dormant_error *err)
{
	struct collector users = {0};
	struct dormant_extra extras[1] = {{"source", "ListUsers"}};
	enum dormant_status st;

	st = list_all(a, http, sink, &users, err);
	if (st == DORMANT_OK)
		st = profiles_all(a, &users, err);
	for (size_t i = 0; i < users.n && st == DORMANT_OK; i++) {
		const struct listed *l = &users.v[i];
		struct dormant_user u = {
		        .scope = a->account,
		        .id = l->u.arn,
		        .name = l->u.name,
		        .created = l->u.created,
		        .last_login = l->u.password_last_used,
		        .access_granted = l->console_since,
		        .interactive_access = l->console,
		        /* IAM users have no disabled state. */
		        .account_enabled = true,
		        .admin = mark_admin(a, authz, l->u.arn),
		        .extras = extras,
		        .n_extras = 1,
		};
		st = sink->user(sink, &u);
	}
	free(users.v);
	return st;
}

/* Between the report parser and core's sink: refuses a report of
 * another account before its first user gets through. */
struct guard {
	struct dormant_sink sink;
	struct dormant_sink *inner;
	const struct aws_account *a;
	const struct aws_authz *authz; /* NULL: admins unknown */
	const char *want;
	char got[AWS_ACCOUNT_ID_LEN + 1]; /* set when it is another */
};

static void
guard_scope(struct dormant_sink *sink, const char *scope)
{
	struct guard *g = (struct guard *)sink;

	if (strcmp(scope, g->want) != 0) {
		snprintf(g->got, sizeof(g->got), "%s", scope);
		return;
	}
	if (g->inner->set_scope)
		g->inner->set_scope(g->inner, scope);
}

static enum dormant_status
guard_user(struct dormant_sink *sink, const struct dormant_user *u)
{
	struct guard *g = (struct guard *)sink;

	struct dormant_user copy;

	if (g->got[0])
		return DORMANT_ERR_PARSE;
	copy = *u;
	copy.admin = mark_admin(g->a, g->authz, u->id);
	return g->inner->user(g->inner, &copy);
}

static void
guard_page(struct dormant_sink *sink)
{
	struct guard *g = (struct guard *)sink;

	g->inner->page(g->inner);
}

/* ---- administrators: GetAccountAuthorizationDetails ---- */

/* Filter.member.N: users, groups and the account's own managed
 * policies; roles are no console users, and AWS-managed policies are
 * judged by ARN (authz.h). */
static const struct aws_query_param authz_filter[] = {
        {"Filter.member.1", "User"},
        {"Filter.member.2", "Group"},
        {"Filter.member.3", "LocalManagedPolicy"},
};

/* Reads every page of the account's authorization details into *out
 * (the caller's). Any failure leaves *out NULL, with why in err. */
static enum dormant_status
read_authz(const struct aws_account *a, struct dormant_http *http,
           struct dormant_sink *sink, struct aws_authz **out,
           struct dormant_error *err)
{
	struct aws_call c = call_of(a, http);
	struct dormant_http_response resp = {0};
	struct aws_query_param params[5];
	struct aws_iam_page page;
	char marker[AWS_MARKER_MAX + 1] = "";
	struct aws_authz *authz = aws_authz_new();
	enum dormant_status st = DORMANT_OK;

	*out = NULL;
	if (!authz)
		return dormant_error_set(err, DORMANT_ERR_NOMEM, "%s",
		                         dormant_strerror(DORMANT_ERR_NOMEM));
	for (unsigned pages = 0;; pages++) {
		size_t n = 0;

		if (pages >= MAX_PAGES) {
			st = dormant_error_set(
			        err, DORMANT_ERR_HTTP,
			        "iam:GetAccountAuthorizationDetails:"
			        " more than %d pages",
			        MAX_PAGES);
			break;
		}
		for (size_t i = 0; i < 3; i++)
			params[n++] = authz_filter[i];
		params[n++] = (struct aws_query_param){"MaxItems", PAGE_SIZE};
		if (marker[0])
			params[n++] =
			        (struct aws_query_param){"Marker", marker};
		st = aws_query(&c, "GetAccountAuthorizationDetails",
		               AWS_IAM_VERSION, params, n, &resp, NULL, err);
		if (st == DORMANT_OK)
			st = aws_authz_add_page(authz, resp.body, resp.body_len,
			                        &page, err);
		if (st == DORMANT_ERR_PARSE)
			dormant_error_prefix(
			        err, "iam:GetAccountAuthorizationDetails");
		dormant_http_response_clear(&resp);
		if (st != DORMANT_OK)
			break;
		if (sink->page)
			sink->page(sink);
		if (!page.truncated)
			break;
		if (strcmp(page.marker, marker) == 0) {
			st = dormant_error_set(
			        err, DORMANT_ERR_HTTP,
			        "iam:GetAccountAuthorizationDetails: the same "
			        "Marker twice: paging does not advance");
			break;
		}
		memcpy(marker, page.marker, sizeof(marker));
	}
	if (st == DORMANT_OK)
		st = aws_authz_finish(authz, err);
	if (st == DORMANT_OK) {
		*out = authz;
		authz = NULL;
	}
	aws_authz_free(authz);
	return st;
}

/* The admin flag of one listed user. A user the details do not name
 * (created since they were read, or a report older than they are)
 * counts as an admin: when in doubt, do not disable. */
static bool
mark_admin(const struct aws_account *a, const struct aws_authz *authz,
           const char *arn)
{
	enum aws_admin v;

	if (!authz)
		return false; /* admins_unknown was reported: nobody acts */
	v = aws_authz_admin(authz, arn);
	if (v == AWS_ADMIN_UNLISTED)
		a->host->log(a->host, DORMANT_LOG_WARNING,
		             "%s: %s is not in GetAccountAuthorizationDetails; "
		             "taken for an admin",
		             a->account, arn);
	return v != AWS_ADMIN_NO;
}

enum dormant_status
aws_iam_list(const struct aws_account *a, struct dormant_http *http,
             struct dormant_sink *sink, struct dormant_error *err)
{
	struct dormant_buf csv;
	struct dormant_error why = {{0}};
	struct guard guard;
	struct aws_authz *authz = NULL;
	enum dormant_status st;

	memset(&guard, 0, sizeof(guard));
	dormant_buf_init(&csv, AWS_CREDENTIAL_REPORT_MAX);
	/* Admins first, once for the account (SPEC 3). Without them the
	 * listing still goes on, and core disables nobody here. */
	st = read_authz(a, http, sink, &authz, &why);
	if (st == DORMANT_ERR_CANCELLED) {
		*err = why;
		goto out;
	}
	if (st != DORMANT_OK) {
		/* Core warns, naming the account. */
		if (sink->admins_unknown)
			sink->admins_unknown(sink, why.msg);
	} else {
		a->host->log(a->host, DORMANT_LOG_INFO,
		             "%s: authorization details of %zu users read",
		             a->account, aws_authz_users(authz));
	}
	memset(&why, 0, sizeof(why));
	st = fetch_report(a, http, &csv, &why);
	if (st == DORMANT_ERR_UNSUPPORTED) {
		a->host->log(a->host, DORMANT_LOG_INFO,
		             "%s: no credential report (%s); listing with "
		             "ListUsers and GetLoginProfile",
		             a->account, why.msg);
		st = fallback(a, http, authz, sink, err);
		goto out;
	}
	if (st != DORMANT_OK) {
		*err = why;
		goto out;
	}
	a->host->log(a->host, DORMANT_LOG_INFO,
	             "%s: listing from the credential report (%zu bytes)",
	             a->account, csv.len);
	if (sink->page)
		sink->page(sink);
	/* The report must be this account's: the parser names its account
	 * (set_scope) after checking every row and before the first user. */
	guard.sink.set_scope = guard_scope;
	guard.sink.user = guard_user;
	guard.sink.page = sink->page ? guard_page : NULL;
	guard.sink.admins_unknown = NULL;
	guard.inner = sink;
	guard.a = a;
	guard.authz = authz;
	guard.want = a->account;
	st = aws_credential_report_parse(csv.data, csv.len, a->host,
	                                 &guard.sink, NULL, err);
	if (guard.got[0])
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "credential report: for account %s, not "
		                       "%s",
		                       guard.got, a->account);
out:
	aws_authz_free(authz);
	dormant_buf_free(&csv);
	return st;
}

enum dormant_status
aws_iam_last_login(const struct aws_account *a, struct dormant_http *http,
                   const char *name, const char *arn, int64_t *last_login,
                   struct dormant_error *err)
{
	struct aws_call c = call_of(a, http);
	struct dormant_http_response resp = {0};
	struct aws_query_param p = {"UserName", name};
	struct aws_iam_user u;
	enum dormant_status st;

	*last_login = DORMANT_TIME_NONE;
	st = aws_query(&c, "GetUser", AWS_IAM_VERSION, &p, 1, &resp, NULL, err);
	if (st == DORMANT_OK)
		st = aws_iam_parse_get_user(resp.body, resp.body_len, &u, err);
	if (st == DORMANT_OK && arn && strcmp(u.arn, arn) != 0)
		st = dormant_error_set(err, DORMANT_ERR_NOT_FOUND,
		                       "iam:GetUser: %s is now %s, not %s",
		                       name, u.arn, arn);
	if (st == DORMANT_OK)
		*last_login = u.password_last_used;
	dormant_http_response_clear(&resp);
	return st;
}

enum dormant_status
aws_iam_disable(const struct aws_account *a, struct dormant_http *http,
                const char *name, struct dormant_error *err)
{
	struct aws_call c = call_of(a, http);
	struct dormant_http_response resp = {0};
	struct aws_query_param p = {"UserName", name};
	enum dormant_status st;

	st = aws_query(&c, "DeleteLoginProfile", AWS_IAM_VERSION, &p, 1, &resp,
	               NULL, err);
	if (st == DORMANT_ERR_NOT_FOUND) {
		a->host->log(a->host, DORMANT_LOG_INFO,
		             "%s: %s has no console password already",
		             a->account, name);
		st = DORMANT_OK;
	} else if (st == DORMANT_OK) {
		st = aws_iam_parse_delete_login_profile(resp.body,
		                                        resp.body_len, err);
	}
	dormant_http_response_clear(&resp);
	return st;
}
