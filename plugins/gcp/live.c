/* dormant gcp: the live scan of a Google Workspace domain: the handle
 * with its HTTP clients, users.list to the last page, and the actions
 * (re-read, suspend, unsuspend). The requests themselves are directory.c's.
 * See live.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <dormant/crypto.h>
#include <dormant/timeutil.h>

#include "directory.h"
#include "directory_users.h"
#include "live.h"

/* Longest Directory answer accepted: a users.list page of 500 users with
 * the fields dormant asks for is about 300 KB. */
#define MAX_BODY ((size_t)32 << 20)

/* Google's advice for its APIs' quota errors ("Directory API: Limits and
 * quotas", "Implementing exponential backoff"): wait 1 s, 2 s, 4 s, ...
 * plus random milliseconds, up to 32 s. core's client waits full jitter
 * over the same doubling spans. */
#define BACKOFF_BASE_MS 1000L
#define BACKOFF_MAX_MS  32000L
/* A listing longer than this is a server that never ends its pages:
 * 10 million users. */
#define MAX_PAGES 20000
/* Progress at -v every this many pages. */
#define PROGRESS_PAGES 20

/* An https:// URL with a host and nothing after the path: the bearer
 * token only ever goes over TLS. */
static bool
https_base(const char *s)
{
	if (strncmp(s, "https://", 8) != 0 || !s[8] || s[8] == '/')
		return false;
	for (const char *p = s; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '?' || *p == '#')
			return false;
	return true;
}

/* A domain name as users.list takes it. */
static bool
domain_valid(const char *s)
{
	if (!*s || strlen(s) > 253)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '.'))
			return false;
	return true;
}

/* my_customer or a customer id such as C03az79cb. */
static bool
customer_valid(const char *s)
{
	if (!*s || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static bool
subject_valid(const char *s)
{
	const char *at = strchr(s, '@');

	if (!at || at == s || !at[1] || strchr(at + 1, '@') || strlen(s) > 320)
		return false;
	for (; *s; s++)
		if (*s <= 0x20 || *s >= 0x7f || *s == '"' || *s == '\\')
			return false;
	return true;
}

enum dormant_status
gcp_live_open(const struct dormant_host *host, const struct gcp_live_config *c,
              struct gcp_live **out, struct dormant_error *err)
{
	struct gcp_live *g = NULL;
	const char *endpoint = c->endpoint ? c->endpoint : GCP_DEFAULT_ENDPOINT;
	struct stat sb;
	size_t n;
	enum dormant_status st = DORMANT_OK;

	*out = NULL;
	if (!c->subject || !*c->subject) {
		st = dormant_error_set(
		        err, DORMANT_ERR_CONFIG,
		        "subject: set it to the primary email "
		        "of the Workspace admin the service "
		        "account acts as (domain-wide delegation)");
		goto out;
	}
	if (!subject_valid(c->subject)) {
		st = dormant_error_set(err, DORMANT_ERR_CONFIG,
		                       "subject: not an email address");
		goto out;
	}
	if (c->domain && !domain_valid(c->domain)) {
		st = dormant_error_set(err, DORMANT_ERR_CONFIG,
		                       "domain: not a domain name");
		goto out;
	}
	if (c->customer && !customer_valid(c->customer)) {
		st = dormant_error_set(err, DORMANT_ERR_CONFIG,
		                       "customer: not a customer id (such as "
		                       "C03az79cb) nor my_customer");
		goto out;
	}
	/* users.list takes one or the other ("You must provide either the
	 * customer or the domain parameter"); both would leave it to guess
	 * which one is meant. */
	if (c->customer && c->domain) {
		st = dormant_error_set(err, DORMANT_ERR_CONFIG,
		                       "set customer or domain, not both");
		goto out;
	}
	if (!https_base(endpoint)) {
		st = dormant_error_set(err, DORMANT_ERR_CONFIG,
		                       "directory_endpoint: not an https:// "
		                       "URL");
		goto out;
	}
	g = calloc(1, sizeof(*g));
	if (!g) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	g->host = host;
	g->subject = c->subject;
	g->domain = c->domain;
	g->customer =
	        c->domain ? NULL : (c->customer ? c->customer : "my_customer");
	g->rpm = c->rpm > 0 ? c->rpm : GCP_DEFAULT_RPM;
	g->retries =
	        c->retries >= 0 ? (unsigned)c->retries : GCP_DEFAULT_RETRIES;
	g->endpoint = strdup(endpoint);
	g->credentials = strdup(c->credentials_file);
	pthread_mutex_init(&g->pool_lock, NULL);
	g->pacer = dormant_ratelimit_new((double)g->rpm / 60.0, 1);
	gcp_tokens_init(&g->tokens, &g->key, g->subject, host);
	if (!g->endpoint || !g->credentials || !g->pacer) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	n = strlen(g->endpoint);
	while (n > 8 && g->endpoint[n - 1] == '/')
		g->endpoint[--n] = '\0';

	st = gcp_sa_key_load(c->credentials_file, &g->key, err);
	if (st != DORMANT_OK) {
		dormant_error_prefix(err, "credentials");
		goto out;
	}
	/* The key file holds a private key: say so when others can read it,
	 * as ssh does (refusing would break keys that a secrets manager
	 * mounts read-only with its own permissions). Writable counts too:
	 * whoever may rewrite it may point token_uri at themselves and
	 * collect signed assertions. */
	if (stat(c->credentials_file, &sb) == 0 && (sb.st_mode & 066) &&
	    host->log)
		host->log(host, DORMANT_LOG_WARNING,
		          "%s holds a private key and is %s by group or "
		          "others (mode %04o); chmod 600 it",
		          c->credentials_file,
		          sb.st_mode & 044 ? "readable" : "writable",
		          (unsigned)(sb.st_mode & 07777));
	*out = g;
	g = NULL;
out:
	gcp_live_close(g);
	return st;
}

void
gcp_live_close(struct gcp_live *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n_idle; i++)
		dormant_http_free(g->idle[i]);
	gcp_tokens_destroy(&g->tokens);
	dormant_ratelimit_free(g->pacer);
	pthread_mutex_destroy(&g->pool_lock);
	gcp_sa_key_free(&g->key);
	free(g->endpoint);
	free(g->credentials);
	free(g);
}

static enum dormant_status
http_new(struct gcp_live *g, unsigned attempts, struct dormant_http **out,
         struct dormant_error *err)
{
	struct dormant_http_options o = {
	        .max_attempts = attempts,
	        .backoff_base_ms = BACKOFF_BASE_MS,
	        .backoff_max_ms = BACKOFF_MAX_MS,
	        .max_body_bytes = MAX_BODY,
	        .host = g->host,
	};

	return dormant_http_new(&o, out, err);
}

enum dormant_status
gcp_live_http_new(struct gcp_live *g, struct dormant_http **out,
                  struct dormant_error *err)
{
	return http_new(g, g->retries + 1, out, err);
}

enum dormant_status
gcp_live_http_new_once(struct gcp_live *g, struct dormant_http **out,
                       struct dormant_error *err)
{
	return http_new(g, 1, out, err);
}

enum dormant_status
gcp_live_http_take(struct gcp_live *g, struct dormant_http **out,
                   struct dormant_error *err)
{
	*out = NULL;
	pthread_mutex_lock(&g->pool_lock);
	if (g->n_idle > 0)
		*out = g->idle[--g->n_idle];
	pthread_mutex_unlock(&g->pool_lock);
	if (*out)
		return DORMANT_OK;
	return gcp_live_http_new(g, out, err);
}

void
gcp_live_http_give(struct gcp_live *g, struct dormant_http *http)
{
	if (!http)
		return;
	pthread_mutex_lock(&g->pool_lock);
	if (g->n_idle < GCP_POOL_MAX) {
		g->idle[g->n_idle++] = http;
		http = NULL;
	}
	pthread_mutex_unlock(&g->pool_lock);
	dormant_http_free(http);
}

/* ---- the scan and the actions ---- */

static int64_t
mono_ms(void)
{
	return dormant_monotonic_ns() / 1000000;
}

/* A listing of customer=my_customer failed before any page named the
 * customer: the scope would be reported as "my_customer", which says
 * nothing when several Workspace accounts are scanned. Name the real id
 * when the subject's own User tells it, and say that it is unknown when
 * not. Failures of the token or of the subject's rights would fail that
 * request the same way: not tried then. */
static void
name_failed_scope(struct gcp_live *g, enum dormant_status st,
                  struct dormant_sink *sink, struct dormant_error *err)
{
	char id[GCP_CUSTOMER_ID_MAX + 1];
	bool tried = st != DORMANT_ERR_AUTH && st != DORMANT_ERR_PERMISSION &&
	             st != DORMANT_ERR_CONFIG && st != DORMANT_ERR_NOMEM;
	char msg[DORMANT_ERROR_MAX];

	if (tried && gcp_directory_subject_customer_id(g, id, sizeof(id))) {
		if (sink->set_scope)
			sink->set_scope(sink, id);
		return;
	}
	if (!err)
		return;
	snprintf(msg, sizeof(msg), "%s", err->msg);
	dormant_error_set(
	        err, st, "%s (customer id behind my_customer unknown: %s)", msg,
	        tried ? "users.get of the subject failed too"
	              : "no page was read");
}

enum dormant_status
gcp_live_list_users(struct gcp_live *g, struct dormant_sink *sink,
                    struct dormant_error *err)
{
	char what[64];
	struct gcp_users_listing ls = {.what = what, .scope = g->domain};
	struct dormant_http *http = NULL;
	char *token = NULL, *next = NULL;
	const char *who = g->domain ? g->domain : g->customer;
	int64_t start = mono_ms();
	size_t page;
	enum dormant_status st;

	st = gcp_live_http_new(g, &http, err);
	if (st != DORMANT_OK)
		goto out;
	/* users.list gives no total; the pace is what can be promised. */
	if (g->host->log)
		g->host->log(g->host, DORMANT_LOG_INFO,
		             "listing the users of %s as %s: %d users a "
		             "users.list call, paced to %ld calls a minute "
		             "(requests_per_minute): 100,000 users are 200 "
		             "calls, at least %.1f s plus the API's latency",
		             who, g->subject, GCP_DIRECTORY_PAGE_SIZE, g->rpm,
		             dormant_ratelimit_eta(g->pacer, 200));
	for (page = 1;; page++) {
		if (page > MAX_PAGES) {
			st = dormant_error_set(
			        err, DORMANT_ERR_PARSE,
			        "users.list: more than %d pages; "
			        "the listing does not end",
			        MAX_PAGES);
			goto out;
		}
		snprintf(what, sizeof(what), "users.list page %zu", page);
		st = gcp_directory_list_page(g, http, &ls, token, sink, &next,
		                             err);
		if (st != DORMANT_OK)
			goto out;
		if (!next)
			break;
		/* An opaque token that comes back unchanged would list the
		 * same page forever. */
		if (token && strcmp(token, next) == 0) {
			st = dormant_error_set(err, DORMANT_ERR_PARSE,
			                       "%s: nextPageToken repeats the "
			                       "page's own token",
			                       what);
			goto out;
		}
		free(token);
		token = next;
		next = NULL;
		if (page % PROGRESS_PAGES == 0 && g->host->log) {
			double secs = (double)(mono_ms() - start) / 1000.0;
			g->host->log(g->host, DORMANT_LOG_INFO,
			             "%s: %zu users in %zu pages, %.0f users/s",
			             who, ls.users, page,
			             secs > 0 ? (double)ls.users / secs : 0.0);
		}
	}
	if (g->host->log)
		g->host->log(g->host, DORMANT_LOG_INFO,
		             "%s: %zu users in %zu pages, %.1f s", who,
		             ls.users, page,
		             (double)(mono_ms() - start) / 1000.0);
out:
	if (st != DORMANT_OK && st != DORMANT_ERR_CANCELLED && !g->domain &&
	    !ls.scope_announced && strcmp(g->customer, "my_customer") == 0)
		name_failed_scope(g, st, sink, err);
	dormant_http_free(http);
	free(token);
	free(next);
	gcp_users_listing_free(&ls);
	return st;
}

enum dormant_status
gcp_live_last_login(struct gcp_live *g, const char *id, int64_t *last_login,
                    struct dormant_error *err)
{
	struct gcp_user_facts f;
	enum dormant_status st;

	*last_login = DORMANT_TIME_NONE;
	st = gcp_directory_user(g, id, NULL, GCP_SCOPE_READ, "users.get", &f,
	                        err);
	if (st == DORMANT_OK)
		*last_login = f.last_login;
	return st;
}

enum dormant_status
gcp_live_prepare_actions(struct gcp_live *g, struct dormant_error *err)
{
	struct dormant_http *http = NULL;
	char *token = NULL;
	enum dormant_status st;

	st = gcp_live_http_take(g, &http, err);
	if (st != DORMANT_OK)
		return st;
	st = gcp_tokens_get(&g->tokens, http, GCP_SCOPE_WRITE, &token, err);
	gcp_live_http_give(g, http);
	if (token) {
		dormant_wipe(token, strlen(token));
		free(token);
	}
	return st;
}

/* A failure after which the change may have been made all the same. */
static bool
answer_lost(enum dormant_status st)
{
	return st == DORMANT_ERR_NETWORK || st == DORMANT_ERR_HTTP ||
	       st == DORMANT_ERR_PARSE || st == DORMANT_ERR_THROTTLED;
}

enum dormant_status
gcp_live_set_suspended(struct gcp_live *g, const char *id, bool suspended,
                       struct dormant_error *err)
{
	struct gcp_user_facts f;
	const char *body =
	        suspended ? "{\"suspended\":true}" : "{\"suspended\":false}";
	const char *verb = suspended ? "users.patch suspended=true"
	                             : "users.patch suspended=false";
	enum dormant_status st;

	/* Patching an already suspended user to suspended answers 200 with
	 * the user unchanged: disable and enable are idempotent as they
	 * are. */
	st = gcp_directory_user(g, id, body, GCP_SCOPE_WRITE, verb, &f, err);
	if (st != DORMANT_OK && answer_lost(st)) {
		/* The patch may have been made with its answer lost on the way
		 * back (a reset, a timeout, a garbled 200): a mutation is not
		 * sent again blindly, it is read back. */
		struct dormant_error again = {{0}};
		struct gcp_user_facts now;

		if (gcp_directory_user(g, id, NULL, GCP_SCOPE_READ, "users.get",
		                       &now, &again) == DORMANT_OK &&
		    now.suspended == suspended) {
			if (g->host->log)
				g->host->log(g->host, DORMANT_LOG_INFO,
				             "%s %s: the answer was lost (%s); "
				             "users.get shows it done",
				             verb, id, err->msg);
			return DORMANT_OK;
		}
		return st;
	}
	if (st != DORMANT_OK)
		return st;
	if (f.suspended != suspended)
		return dormant_error_set(err, DORMANT_ERR_HTTP,
		                         "%s %s: the answer says suspended=%s",
		                         verb, id,
		                         f.suspended ? "true" : "false");
	if (g->host->log)
		g->host->log(g->host, DORMANT_LOG_INFO, "%s %s: done", verb,
		             id);
	return DORMANT_OK;
}
