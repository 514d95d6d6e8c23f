/* dormant okta: the live scan of an Okta org. See live.h. */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/http.h>
#include <dormant/json.h>
#include <dormant/ratelimit.h>
#include <dormant/timeutil.h>

#include "admins.h"
#include "api.h"
#include "link.h"
#include "live.h"
#include "oauth.h"
#include "pace.h"
#include "users.h"

/* A page of 200 users is about 400 KB with every property. */
#define MAX_BODY ((size_t)32 << 20)
/* A listing longer than this never ends: 20 million users. */
#define MAX_PAGES 100000
/* Idle HTTP clients kept for the actions' threads. */
#define POOL_MAX 16
/* Progress at -v every this many pages. */
#define PROGRESS_PAGES 25

struct okta_live {
	const struct dormant_host *host;
	char *org;   /* https://host[:port], no trailing slash */
	char *scope; /* host[:port] */
	char *api_token;
	bool oauth_on;
	struct okta_oauth oauth;
	struct okta_auth auth;
	struct okta_pace pace;
	pthread_mutex_t pool_lock;
	struct dormant_http *idle[POOL_MAX];
	size_t n_idle;
};

static bool
host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == ':' ||
	       c == '[' || c == ']';
}

enum dormant_status
okta_org_url(const char *url, char **base, char **scope_out,
             struct dormant_error *err)
{
	const char *host, *end;
	size_t len;

	*base = *scope_out = NULL;
	if (strncmp(url, "https://", 8) != 0)
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "org_url: not an https:// URL (the "
		                         "token only ever goes over TLS)");
	host = url + 8;
	for (end = host; host_char(*end);)
		end++;
	len = (size_t)(end - host);
	if (len == 0 || host[0] == '.' || host[0] == ':' ||
	    !(*end == '\0' || (end[0] == '/' && end[1] == '\0')))
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "org_url: want https://ORG.okta.com "
		                         "(or the org's custom domain), "
		                         "nothing after the host");
	/* The Admin Console's host is not the API's. */
	if (strstr(host, "-admin."))
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "org_url: %.*s is the Admin Console; "
		                         "the API is at the org's own URL "
		                         "(without -admin)",
		                         (int)len, host);
	*scope_out = strndup(host, len);
	*base = strndup(url, (size_t)(end - url));
	if (!*scope_out || !*base) {
		free(*scope_out);
		free(*base);
		*base = *scope_out = NULL;
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	}
	return DORMANT_OK;
}

enum dormant_status
okta_live_open(const struct dormant_host *host, struct okta_live_config *c,
               struct okta_live **out, struct dormant_error *err)
{
	struct okta_live *l;
	enum dormant_status st;

	*out = NULL;
	l = calloc(1, sizeof(*l));
	if (!l) {
		dormant_private_key_free(c->key);
		c->key = NULL;
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	}
	l->host = host;
	pthread_mutex_init(&l->pool_lock, NULL);
	okta_pace_init(&l->pace, host, c->rate_limit_percent);
	st = okta_org_url(c->org_url, &l->org, &l->scope, err);
	if (st != DORMANT_OK)
		goto fail;
	if (c->key) {
		st = okta_oauth_init(&l->oauth, host, &l->pace, l->org,
		                     c->client_id, c->key_id, c->key, err);
		c->key = NULL; /* the oauth state owns it now */
		l->oauth_on = true;
		if (st != DORMANT_OK)
			goto fail;
		l->auth.oauth = &l->oauth;
	} else {
		l->api_token = strdup(c->api_token);
		if (!l->api_token) {
			st = dormant_error_set(err, DORMANT_ERR_NOMEM,
			                       "out of memory");
			goto fail;
		}
		l->auth.api_token = l->api_token;
	}
	*out = l;
	return DORMANT_OK;
fail:
	dormant_private_key_free(c->key);
	c->key = NULL;
	okta_live_close(l);
	return st;
}

void
okta_live_close(struct okta_live *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n_idle; i++)
		dormant_http_free(l->idle[i]);
	if (l->oauth_on)
		okta_oauth_destroy(&l->oauth);
	if (l->api_token) {
		dormant_wipe(l->api_token, strlen(l->api_token));
		free(l->api_token);
	}
	okta_pace_destroy(&l->pace);
	pthread_mutex_destroy(&l->pool_lock);
	free(l->org);
	free(l->scope);
	free(l);
}

const char *
okta_live_scope(const struct okta_live *l)
{
	return l->scope;
}

static enum dormant_status
http_take(struct okta_live *l, struct dormant_http **out,
          struct dormant_error *err)
{
	/* One attempt per send: api.c retries by Okta's own headers. */
	struct dormant_http_options o = {
	        .max_attempts = 1,
	        .max_body_bytes = MAX_BODY,
	        .host = l->host,
	};

	*out = NULL;
	pthread_mutex_lock(&l->pool_lock);
	if (l->n_idle > 0)
		*out = l->idle[--l->n_idle];
	pthread_mutex_unlock(&l->pool_lock);
	if (*out)
		return DORMANT_OK;
	return dormant_http_new(&o, out, err);
}

static void
http_give(struct okta_live *l, struct dormant_http *http)
{
	if (!http)
		return;
	pthread_mutex_lock(&l->pool_lock);
	if (l->n_idle < POOL_MAX) {
		l->idle[l->n_idle++] = http;
		http = NULL;
	}
	pthread_mutex_unlock(&l->pool_lock);
	dormant_http_free(http);
}

/* Only links back to the org are followed: a token never leaves it. */
static bool
on_org(const struct okta_live *l, const char *url)
{
	size_t n = strlen(l->org);

	return strncmp(url, l->org, n) == 0 && url[n] == '/';
}

/* The next page's URL of a listing: checked, and not the page itself. */
static enum dormant_status
next_page(const struct okta_live *l, const char *what, const char *current,
          char *next, char **out, struct dormant_error *err)
{
	*out = NULL;
	if (!next)
		return DORMANT_OK;
	if (!on_org(l, next)) {
		free(next);
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: the next page's link points "
		                         "outside %s: refused",
		                         what, l->org);
	}
	if (strcmp(next, current) == 0) {
		free(next);
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: the next page's link is the page "
		                         "itself",
		                         what);
	}
	*out = next;
	return DORMANT_OK;
}

/* Who holds an admin role. A refusal (no okta.roles.read, or an admin
 * role without the right) leaves *known false with why in `why`: admins
 * unknown, which core reports and acts on by disabling nobody. */
static enum dormant_status
read_admins(struct okta_live *l, struct dormant_http *http,
            struct okta_admins *admins, bool *known, char *why, size_t why_size,
            struct dormant_error *err)
{
	const char *what = "GET /api/v1/iam/assignees/users";
	struct dormant_http_response resp = {0};
	char *url = NULL, *next = NULL;
	size_t page = 0, len = strlen(l->org) + 64;
	enum dormant_status st = DORMANT_OK;

	*known = false;
	url = malloc(len);
	if (!url)
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	snprintf(url, len, "%s/api/v1/iam/assignees/users?limit=%d", l->org,
	         OKTA_ADMINS_PAGE);
	for (;;) {
		struct okta_call call = {
		        .method = "GET",
		        .url = url,
		        .bucket = OKTA_BUCKET_ROLES,
		        .scope = OKTA_SCOPE_ROLES_READ,
		        .what = what,
		};
		char label[80];
		cJSON *root = NULL;

		if (++page > MAX_PAGES) {
			st = dormant_error_set(err, DORMANT_ERR_PARSE,
			                       "%s: more than %d pages", what,
			                       MAX_PAGES);
			goto out;
		}
		st = okta_api_call(http, &l->pace, l->host, &l->auth, &call,
		                   &resp, err);
		if (st == DORMANT_ERR_PERMISSION || st == DORMANT_ERR_AUTH) {
			snprintf(why, why_size, "%s", err->msg);
			okta_admins_free(admins);
			st = DORMANT_OK;
			goto out;
		}
		if (st != DORMANT_OK)
			goto out;
		snprintf(label, sizeof(label), "%s page %zu", what, page);
		st = dormant_json_parse(resp.body, resp.body_len, label, &root,
		                        err);
		if (st == DORMANT_OK)
			st = okta_admins_page(admins, root, label, &next, err);
		cJSON_Delete(root);
		/* The body says where the next page is; where it does not,
		 * the Link header may. */
		if (st == DORMANT_OK && !next)
			st = okta_link_find(
			        dormant_http_response_header(&resp, "Link"),
			        "next", &next, err);
		dormant_http_response_clear(&resp);
		if (st != DORMANT_OK)
			goto out;
		st = next_page(l, label, url, next, &next, err);
		if (st != DORMANT_OK || !next)
			break;
		free(url);
		url = next;
		next = NULL;
	}
	if (st == DORMANT_OK) {
		okta_admins_seal(admins);
		*known = true;
	}
out:
	dormant_http_response_clear(&resp);
	free(url);
	free(next);
	return st;
}

/* Delivers one page of the users listing (a JSON array of User). */
static enum dormant_status
users_page(struct okta_live *l, const char *label, const char *body, size_t len,
           const struct okta_admins *admins, struct dormant_sink *sink,
           size_t *users, struct dormant_error *err)
{
	cJSON *root = NULL, *item;
	size_t i = 0;
	enum dormant_status st;

	st = dormant_json_parse(body, len, label, &root, err);
	if (st != DORMANT_OK)
		return st;
	if (!cJSON_IsArray(root)) {
		cJSON_Delete(root);
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: not a JSON array of users",
		                         label);
	}
	/* Checked whole before the first user goes to core: a bad user at
	 * the end of a page fails the page, not half of it. */
	cJSON_ArrayForEach(item, root)
	{
		struct okta_user u;
		char what[96];

		snprintf(what, sizeof(what), "%s[%zu]", label, i++);
		st = okta_user_read(item, what, &u, err);
		if (st != DORMANT_OK)
			goto out;
	}
	cJSON_ArrayForEach(item, root)
	{
		struct okta_user u;

		okta_user_read(item, label, &u, err);
		st = okta_user_deliver(&u, l->scope,
		                       okta_admins_has(admins, u.id), sink);
		if (st != DORMANT_OK) {
			dormant_error_set(err, st, "%s: stopped", label);
			goto out;
		}
		(*users)++;
	}
out:
	cJSON_Delete(root);
	return st;
}

enum dormant_status
okta_live_list_users(struct okta_live *l, struct dormant_sink *sink,
                     struct dormant_error *err)
{
	const char *what = "GET /api/v1/users";
	struct okta_admins admins = {0};
	struct dormant_http_response resp = {0};
	struct dormant_http *http = NULL;
	char *url = NULL, *next = NULL, why[DORMANT_ERROR_MAX] = "";
	size_t page = 0, users = 0, len = strlen(l->org) + 48;
	int64_t start = dormant_monotonic_ns();
	bool known;
	enum dormant_status st;

	if (sink->set_scope)
		sink->set_scope(sink, l->scope);
	st = http_take(l, &http, err);
	if (st != DORMANT_OK)
		return st;
	st = read_admins(l, http, &admins, &known, why, sizeof(why), err);
	if (st != DORMANT_OK)
		goto out;
	if (!known && sink->admins_unknown)
		sink->admins_unknown(sink, why);
	url = malloc(len);
	if (!url) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	snprintf(url, len, "%s/api/v1/users?limit=%d", l->org, OKTA_USERS_PAGE);
	for (;;) {
		struct okta_call call = {
		        .method = "GET",
		        .url = url,
		        .bucket = OKTA_BUCKET_USERS_LIST,
		        .scope = OKTA_SCOPE_USERS_READ,
		        .what = what,
		};
		char label[64];

		if (++page > MAX_PAGES) {
			st = dormant_error_set(err, DORMANT_ERR_PARSE,
			                       "%s: more than %d pages; the "
			                       "listing does not end",
			                       what, MAX_PAGES);
			goto out;
		}
		snprintf(label, sizeof(label), "%s page %zu", what, page);
		st = okta_api_call(http, &l->pace, l->host, &l->auth, &call,
		                   &resp, err);
		if (st != DORMANT_OK)
			goto out;
		st = users_page(l, label, resp.body, resp.body_len, &admins,
		                sink, &users, err);
		if (st == DORMANT_OK)
			st = okta_link_find(
			        dormant_http_response_header(&resp, "Link"),
			        "next", &next, err);
		dormant_http_response_clear(&resp);
		if (st != DORMANT_OK)
			goto out;
		if (sink->page)
			sink->page(sink);
		st = next_page(l, label, url, next, &next, err);
		if (st != DORMANT_OK || !next)
			break;
		free(url);
		url = next;
		next = NULL;
		if (page % PROGRESS_PAGES == 0 && l->host->log)
			l->host->log(l->host, DORMANT_LOG_INFO,
			             "%s: %zu users in %zu pages", l->scope,
			             users, page);
	}
	if (st == DORMANT_OK && l->host->log)
		l->host->log(l->host, DORMANT_LOG_INFO,
		             "%s: %zu users in %zu pages, %zu admins, %.1f s",
		             l->scope, users, page, admins.n,
		             (double)(dormant_monotonic_ns() - start) / 1e9);
out:
	dormant_http_response_clear(&resp);
	http_give(l, http);
	okta_admins_free(&admins);
	free(url);
	free(next);
	return st;
}

/* GET /api/v1/users/{id} into u (pointing into *root, which the caller
 * frees). */
static enum dormant_status
get_user(struct okta_live *l, struct dormant_http *http, const char *id,
         cJSON **root, struct okta_user *u, struct dormant_error *err)
{
	struct dormant_http_response resp = {0};
	char *enc = dormant_http_urlencode(id), *url = NULL;
	size_t len;
	enum dormant_status st;

	*root = NULL;
	if (!enc)
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	len = strlen(l->org) + strlen(enc) + 32;
	url = malloc(len);
	if (!url) {
		free(enc);
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	}
	snprintf(url, len, "%s/api/v1/users/%s", l->org, enc);
	{
		struct okta_call call = {
		        .method = "GET",
		        .url = url,
		        .bucket = OKTA_BUCKET_USER,
		        .scope = OKTA_SCOPE_USERS_READ,
		        .what = "GET /api/v1/users/{id}",
		};

		st = okta_api_call(http, &l->pace, l->host, &l->auth, &call,
		                   &resp, err);
	}
	if (st == DORMANT_OK)
		st = dormant_json_parse(resp.body, resp.body_len,
		                        "GET /api/v1/users/{id}", root, err);
	if (st == DORMANT_OK)
		st = okta_user_read(*root, "GET /api/v1/users/{id}", u, err);
	/* The answer must be the user asked for: an id is how the audit log
	 * and the finding name it. */
	if (st == DORMANT_OK && strcmp(u->id, id) != 0)
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "GET /api/v1/users/%s answered user %s",
		                       id, u->id);
	if (st != DORMANT_OK) {
		cJSON_Delete(*root);
		*root = NULL;
	}
	dormant_http_response_clear(&resp);
	free(url);
	free(enc);
	return st;
}

enum dormant_status
okta_live_last_login(struct okta_live *l, const char *id, int64_t *last_login,
                     struct dormant_error *err)
{
	struct dormant_http *http = NULL;
	struct okta_user u;
	cJSON *root = NULL;
	enum dormant_status st;

	*last_login = DORMANT_TIME_NONE;
	st = http_take(l, &http, err);
	if (st != DORMANT_OK)
		return st;
	st = get_user(l, http, id, &root, &u, err);
	if (st == DORMANT_OK)
		*last_login = u.last_login;
	cJSON_Delete(root);
	http_give(l, http);
	return st;
}

/* Is the user where the action wants it? Unsuspend leaves a user
 * ACTIVE; suspend leaves it SUSPENDED. */
static bool
arrived(enum okta_status s, bool suspend)
{
	return suspend ? s == OKTA_SUSPENDED : s == OKTA_ACTIVE;
}

enum dormant_status
okta_live_set_suspended(struct okta_live *l, const char *id, bool suspend,
                        struct dormant_error *err)
{
	const char *verb = suspend ? "suspend" : "unsuspend";
	struct dormant_http_response resp = {0};
	struct dormant_http *http = NULL;
	struct dormant_error again = {{0}};
	struct okta_user u;
	cJSON *root = NULL;
	char *enc = NULL, *url = NULL, what[64];
	size_t len;
	enum dormant_status st, got;

	st = http_take(l, &http, err);
	if (st != DORMANT_OK)
		return st;
	enc = dormant_http_urlencode(id);
	len = strlen(l->org) + (enc ? strlen(enc) : 0) + 64;
	url = enc ? malloc(len) : NULL;
	if (!url) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	snprintf(url, len, "%s/api/v1/users/%s/lifecycle/%s", l->org, enc,
	         verb);
	snprintf(what, sizeof(what), "POST /api/v1/users/{id}/lifecycle/%s",
	         verb);
	{
		struct okta_call call = {
		        .method = "POST",
		        .url = url,
		        .bucket = OKTA_BUCKET_LIFECYCLE,
		        .scope = OKTA_SCOPE_USERS_MANAGE,
		        .what = what,
		};

		st = okta_api_call(http, &l->pace, l->host, &l->auth, &call,
		                   &resp, err);
	}
	dormant_http_response_clear(&resp);
	if (st == DORMANT_OK) {
		if (l->host->log)
			l->host->log(l->host, DORMANT_LOG_INFO, "%s %s: done",
			             verb, id);
		goto out;
	}
	if (st == DORMANT_ERR_CANCELLED || st == DORMANT_ERR_NOMEM ||
	    st == DORMANT_ERR_AUTH || st == DORMANT_ERR_PERMISSION)
		goto out;
	/* Refused, or the answer lost on the way back: where the user is
	 * now says whether it is done (an already suspended user is
	 * success: disable is idempotent) or why not. */
	got = get_user(l, http, id, &root, &u, &again);
	if (got != DORMANT_OK)
		goto out;
	if (arrived(u.status, suspend)) {
		if (l->host->log)
			l->host->log(l->host, DORMANT_LOG_INFO,
			             "%s %s: the user is %s (%s)", verb, id,
			             u.status_text, err->msg);
		st = DORMANT_OK;
		goto out;
	}
	if (suspend && u.status != OKTA_ACTIVE)
		st = dormant_error_set(
		        err, DORMANT_ERR_UNSUPPORTED,
		        "%s: the user is %s, and Okta suspends only ACTIVE "
		        "users; deactivate it (or unlock it first) by hand",
		        what, u.status_text);
	else if (!suspend && u.status != OKTA_SUSPENDED)
		st = dormant_error_set(err, DORMANT_ERR_UNSUPPORTED,
		                       "%s: the user is %s, not SUSPENDED; "
		                       "nothing dormant can undo",
		                       what, u.status_text);
out:
	cJSON_Delete(root);
	http_give(l, http);
	free(url);
	free(enc);
	return st;
}

enum dormant_status
okta_live_prepare_actions(struct okta_live *l, struct dormant_error *err)
{
	struct dormant_http *http = NULL;
	char *token = NULL;
	bool dpop;
	enum dormant_status st;

	/* An SSWS token acts with its admin's rights: nothing to ask for
	 * before the first action. */
	if (!l->oauth_on)
		return DORMANT_OK;
	st = http_take(l, &http, err);
	if (st != DORMANT_OK)
		return st;
	st = okta_oauth_token(&l->oauth, http, OKTA_SCOPE_USERS_MANAGE, &token,
	                      &dpop, err);
	http_give(l, http);
	if (token) {
		dormant_wipe(token, strlen(token));
		free(token);
	}
	return st;
}
