/* dormant okta: Okta users through the Management API: the provider's
 * descriptor, its configuration and its offline input.
 *
 * Written as an outside author writes a provider: it includes only the
 * installed headers (<dormant/...>) and links only libdormant's exported
 * functions, so that it also builds out of the tree with pkg-config
 * alone (sdk.mk beside this file; tests/e2e/okta_sdk.test does it).
 *
 * Two ways in, chosen by the config:
 *   - live (live.c): [okta] org_url and either an API token (SSWS,
 *     api_token or OKTA_API_TOKEN) or a service app (client_id and
 *     private_key: OAuth 2.0 client credentials with private_key_jwt,
 *     DPoP when the app requires it);
 *   - offline: [okta] users_file, the JSON array GET /api/v1/users
 *     answers, every page's array concatenated (one array, or the pages'
 *     arrays one after another as `curl ... >> users.json` leaves them),
 *     and admins_file, the GET /api/v1/iam/assignees/users answer (one
 *     page, or a JSON array of its pages in order).
 * users_file wins when both are set: an audit of an export never touches
 * the live org. Both paths share the User parser, users.c.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <dormant/buf.h>
#include <dormant/crypto.h>
#include <dormant/json.h>
#include <dormant/plugin.h>

#include "admins.h"
#include "live.h"
#include "users.h"

#ifndef OKTA_VERSION
#define OKTA_VERSION "1.0.0"
#endif

/* An export of 100,000 users is about 200 MB with every property. */
#define USERS_FILE_MAX  ((size_t)1 << 30)
#define ADMINS_FILE_MAX ((size_t)64 << 20)
#define KEY_FILE_MAX    ((size_t)64 << 10)

#define OFFLINE_MSG "offline input (users_file): cannot re-read or change users"

struct okta {
	const struct dormant_host *host;
	const char *users_file;  /* host config: lives until close */
	const char *admins_file; /* likewise; NULL when unset */
	char *label;             /* the scope before the listing names it */
	struct okta_live *live;  /* NULL for offline input; owned */
};

static const char *const config_keys[] = {
        "org_url", "api_token",  "client_id",   "private_key",
        "key_id",  "users_file", "admins_file", "rate_limit_percent",
        NULL,
};
static const char *const secret_keys[] = {"api_token", NULL};
static const char *const path_keys[] = {"private_key", "users_file",
                                        "admins_file", NULL};
/* The Okta SDKs' own name for the org URL. */
static const char *const enabling_env[] = {"OKTA_CLIENT_ORGURL", NULL};

/* A config value, NULL when unset or empty. */
static const char *
conf(const struct dormant_host *host, const char *key)
{
	const char *v = host->config(host, key);

	return v && *v ? v : NULL;
}

/* An environment variable, NULL when unset or empty. */
static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* The environment overrides the file, as for every provider (SPEC 5):
 * a secret injected at run time wins over a stale one on disk. */
static const char *
setting(const struct dormant_host *host, const char *key, const char *var1,
        const char *var2, const char **from)
{
	const char *v;

	if (var1 && (v = env(var1))) {
		*from = var1;
		return v;
	}
	if (var2 && (v = env(var2))) {
		*from = var2;
		return v;
	}
	*from = key;
	return conf(host, key);
}

static enum dormant_status
load_key(const struct dormant_host *host, struct dormant_private_key **key,
         struct dormant_error *err)
{
	const char *pem = env("OKTA_CLIENT_PRIVATEKEY");
	const char *file = conf(host, "private_key");
	struct dormant_buf b;
	struct stat sb;
	enum dormant_status st;

	*key = NULL;
	if (pem)
		return dormant_private_key_load_pem(
		        pem, strlen(pem), "OKTA_CLIENT_PRIVATEKEY", key, err);
	if (!file)
		return DORMANT_OK;
	dormant_buf_init(&b, KEY_FILE_MAX);
	st = dormant_buf_read_file(&b, file, err);
	if (st == DORMANT_OK)
		st = dormant_private_key_load_pem(b.data ? b.data : "", b.len,
		                                  file, key, err);
	if (b.data)
		dormant_wipe(b.data, b.len);
	dormant_buf_free(&b);
	if (st != DORMANT_OK)
		return st;
	/* As ssh does: say so when others may read or rewrite the key. */
	if (stat(file, &sb) == 0 && (sb.st_mode & 066) && host->log)
		host->log(host, DORMANT_LOG_WARNING,
		          "%s holds a private key and is %s by group or "
		          "others (mode %04o); chmod 600 it",
		          file, sb.st_mode & 044 ? "readable" : "writable",
		          (unsigned)(sb.st_mode & 07777));
	return DORMANT_OK;
}

static enum dormant_status
open_live(struct okta *o, struct dormant_error *err)
{
	const struct dormant_host *host = o->host;
	struct okta_live_config c = {0};
	const char *from_org, *from_token, *from_id, *from_kid;
	enum dormant_status st;

	c.org_url =
	        setting(host, "org_url", "OKTA_CLIENT_ORGURL", NULL, &from_org);
	c.api_token = setting(host, "api_token", "OKTA_API_TOKEN",
	                      "OKTA_CLIENT_TOKEN", &from_token);
	c.client_id = setting(host, "client_id", "OKTA_CLIENT_CLIENTID", NULL,
	                      &from_id);
	c.key_id =
	        setting(host, "key_id", "OKTA_CLIENT_KEYID", NULL, &from_kid);
	if (!c.org_url)
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "org_url: set it (or "
		                         "OKTA_CLIENT_ORGURL) to the org's "
		                         "URL, e.g. https://acme.okta.com (or "
		                         "users_file for exported data)");
	st = host->config_long(host, "rate_limit_percent", 1, 100,
	                       OKTA_DEFAULT_RATE_PERCENT, &c.rate_limit_percent,
	                       err);
	if (st != DORMANT_OK)
		return st;
	st = load_key(host, &c.key, err);
	if (st != DORMANT_OK)
		return st;
	if (c.key && !c.client_id) {
		dormant_private_key_free(c.key);
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "private_key without client_id: set "
		                         "client_id (or OKTA_CLIENT_CLIENTID) "
		                         "to the service app's client id");
	}
	if (c.client_id && !c.key)
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "client_id without a key: set "
		                         "private_key to the PEM file of the "
		                         "service app's private key (or "
		                         "OKTA_CLIENT_PRIVATEKEY to its text)");
	if (!c.key && !c.api_token)
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "no credentials: set client_id and "
		                         "private_key (a service app, the "
		                         "least privilege) or api_token / "
		                         "OKTA_API_TOKEN (an SSWS token)");
	if (host->log) {
		if (c.key)
			host->log(host, DORMANT_LOG_INFO,
			          "%s as service app %s (from %s)%s", c.org_url,
			          c.client_id, from_id,
			          c.api_token ? "; the API token is not used"
			                      : "");
		else
			host->log(host, DORMANT_LOG_INFO,
			          "%s with an SSWS API token (from %s)",
			          c.org_url, from_token);
	}
	if (!c.key)
		c.client_id = NULL;
	return okta_live_open(host, &c, &o->live, err);
}

static void okta_close(void *handle);

static enum dormant_status
okta_open(const struct dormant_host *host, void **handle,
          struct dormant_error *err)
{
	struct okta *o = NULL;
	const char *org, *from;
	enum dormant_status st = DORMANT_OK;

	*handle = NULL;
	/* The typed config readers came with the host table of 1.1. */
	if (!DORMANT_HOST_HAS(host, config_bool))
		return dormant_error_set(err, DORMANT_ERR_PLUGIN,
		                         "needs dormant's host table 1.1 or "
		                         "later (this one is %u bytes)",
		                         (unsigned)host->struct_size);
	o = calloc(1, sizeof(*o));
	if (!o)
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	o->host = host;
	o->users_file = conf(host, "users_file");
	o->admins_file = conf(host, "admins_file");
	org = setting(host, "org_url", "OKTA_CLIENT_ORGURL", NULL, &from);
	if (org) {
		char *base = NULL;

		st = okta_org_url(org, &base, &o->label, err);
		free(base);
		if (st != DORMANT_OK)
			goto out;
	} else {
		o->label = strdup("okta");
		if (!o->label) {
			st = dormant_error_set(err, DORMANT_ERR_NOMEM,
			                       "out of memory");
			goto out;
		}
	}
	if (!o->users_file) {
		st = open_live(o, err);
		if (st != DORMANT_OK)
			goto out;
	}
	*handle = o;
	o = NULL;
out:
	okta_close(o);
	return st;
}

static size_t
okta_scope_count(void *handle)
{
	(void)handle;
	return 1;
}

static const char *
okta_scope_label(void *handle, size_t scope)
{
	const struct okta *o = handle;

	(void)scope;
	return o->label;
}

/* ---- offline input ---- */

/* The JSON values of a file, one after another (pages' arrays that a
 * loop appended), each checked as dormant_json_parse checks a whole
 * answer. *n is how many; the caller frees them. */
static enum dormant_status
parse_values(const char *data, size_t len, const char *what, cJSON ***out,
             size_t *n, struct dormant_error *err)
{
	cJSON **v = NULL;
	size_t cap = 0, off = 0;
	enum dormant_status st = DORMANT_OK;

	*out = NULL;
	*n = 0;
	if (!dormant_utf8_valid(data, len))
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: not UTF-8", what);
	for (;;) {
		const char *end = NULL;
		cJSON *one;

		while (off < len && data[off] && strchr(" \t\r\n", data[off]))
			off++;
		if (off == len)
			break;
		one = cJSON_ParseWithLengthOpts(data + off, len - off, &end,
		                                false);
		if (!one) {
			st = dormant_error_set(err, DORMANT_ERR_PARSE,
			                       "%s: not JSON at byte %zu", what,
			                       end ? (size_t)(end - data)
			                           : off);
			goto fail;
		}
		if (*n == cap) {
			size_t c = cap ? cap * 2 : 4;
			cJSON **nv = realloc(v, c * sizeof(*nv));

			if (!nv) {
				cJSON_Delete(one);
				st = dormant_error_set(err, DORMANT_ERR_NOMEM,
				                       "out of memory");
				goto fail;
			}
			v = nv;
			cap = c;
		}
		v[(*n)++] = one;
		off = (size_t)(end - data);
	}
	if (*n == 0) {
		st = dormant_error_set(err, DORMANT_ERR_PARSE, "%s: empty file",
		                       what);
		goto fail;
	}
	*out = v;
	return DORMANT_OK;
fail:
	for (size_t i = 0; i < *n; i++)
		cJSON_Delete(v[i]);
	free(v);
	*n = 0;
	return st;
}

static enum dormant_status
load_admins(const struct okta *o, struct okta_admins *admins,
            struct dormant_error *err)
{
	struct dormant_buf b;
	cJSON *root = NULL;
	const cJSON *page;
	char what[DORMANT_ERROR_MAX / 2], *next = NULL;
	size_t i = 0, n;
	bool array;
	enum dormant_status st;

	dormant_buf_init(&b, ADMINS_FILE_MAX);
	st = dormant_buf_read_file(&b, o->admins_file, err);
	if (st == DORMANT_OK)
		st = dormant_json_parse(b.data ? b.data : "", b.len,
		                        o->admins_file, &root, err);
	if (st != DORMANT_OK)
		goto out;
	array = cJSON_IsArray(root);
	n = array ? (size_t)cJSON_GetArraySize(root) : 1;
	for (page = array ? root->child : root; page;
	     page = array ? page->next : NULL, i++) {
		snprintf(what, sizeof(what), array ? "%s[%zu]" : "%s",
		         o->admins_file, i);
		free(next);
		next = NULL;
		st = okta_admins_page(admins, page, what, &next, err);
		if (st != DORMANT_OK)
			goto out;
		if (i + 1 == n && next) {
			st = dormant_error_set(
			        err, DORMANT_ERR_PARSE,
			        "%s: admins_file ends with a page that links "
			        "to a next one; export every page",
			        what);
			goto out;
		}
	}
	okta_admins_seal(admins);
out:
	free(next);
	cJSON_Delete(root);
	dormant_buf_free(&b);
	return st;
}

/* The host of an https:// URL, into buf. */
static bool
url_host(const char *url, char *buf, size_t size)
{
	size_t n;

	if (!url || strncmp(url, "https://", 8) != 0)
		return false;
	n = strcspn(url + 8, "/?#");
	if (n == 0 || n >= size)
		return false;
	memcpy(buf, url + 8, n);
	buf[n] = '\0';
	return true;
}

static enum dormant_status
offline_list(const struct okta *o, struct dormant_sink *sink,
             struct dormant_error *err)
{
	struct okta_admins admins = {0};
	struct dormant_buf b;
	cJSON **values = NULL;
	size_t n = 0, count = 0;
	char what[DORMANT_ERROR_MAX / 2], scope[256];
	const char *self = NULL;
	enum dormant_status st;

	snprintf(scope, sizeof(scope), "%s", o->label);
	dormant_buf_init(&b, USERS_FILE_MAX);
	st = dormant_buf_read_file(&b, o->users_file, err);
	if (st == DORMANT_OK)
		st = parse_values(b.data ? b.data : "", b.len, o->users_file,
		                  &values, &n, err);
	if (st != DORMANT_OK)
		goto out;
	/* Every user checked before the first reaches core. */
	for (size_t v = 0; v < n; v++) {
		const cJSON *item;
		size_t i = 0;

		if (!cJSON_IsArray(values[v])) {
			st = dormant_error_set(err, DORMANT_ERR_PARSE,
			                       "%s: not a JSON array of users "
			                       "(value %zu)",
			                       o->users_file, v + 1);
			goto out;
		}
		cJSON_ArrayForEach(item, values[v])
		{
			struct okta_user u;

			snprintf(what, sizeof(what), "%s[%zu]", o->users_file,
			         count + i++);
			st = okta_user_read(item, what, &u, err);
			if (st != DORMANT_OK)
				goto out;
			if (!self)
				self = u.self_href;
		}
		count += i;
	}
	/* Without org_url the export names its org in each user's
	 * _links.self. */
	if (strcmp(o->label, "okta") == 0)
		(void)url_host(self, scope, sizeof(scope));
	if (sink->set_scope)
		sink->set_scope(sink, scope);
	if (o->admins_file) {
		st = load_admins(o, &admins, err);
		if (st != DORMANT_OK)
			goto out;
	} else if (sink->admins_unknown) {
		sink->admins_unknown(sink, "admins_file not set: who holds an "
		                           "admin role is unknown");
	}
	for (size_t v = 0; v < n; v++) {
		const cJSON *item;

		if (o->host->cancelled && o->host->cancelled(o->host)) {
			st = dormant_error_set(err, DORMANT_ERR_CANCELLED,
			                       "%s: cancelled", o->users_file);
			goto out;
		}
		cJSON_ArrayForEach(item, values[v])
		{
			struct okta_user u;

			okta_user_read(item, o->users_file, &u, err);
			st = okta_user_deliver(&u, scope,
			                       okta_admins_has(&admins, u.id),
			                       sink);
			if (st != DORMANT_OK) {
				dormant_error_set(err, st, "%s: stopped",
				                  o->users_file);
				goto out;
			}
		}
		if (sink->page)
			sink->page(sink);
	}
out:
	for (size_t v = 0; v < n; v++)
		cJSON_Delete(values[v]);
	free(values);
	okta_admins_free(&admins);
	dormant_buf_free(&b);
	return st;
}

static enum dormant_status
okta_list_users(void *handle, size_t scope, struct dormant_sink *sink,
                struct dormant_error *err)
{
	const struct okta *o = handle;

	(void)scope;
	if (o->live)
		return okta_live_list_users(o->live, sink, err);
	return offline_list(o, sink, err);
}

static enum dormant_status
okta_last_login(void *handle, const char *scope, const char *id,
                const char *name, int64_t *last_login,
                struct dormant_error *err)
{
	const struct okta *o = handle;

	(void)scope;
	(void)name;
	*last_login = DORMANT_TIME_NONE;
	if (!o->live)
		return dormant_error_set(err, DORMANT_ERR_UNSUPPORTED,
		                         OFFLINE_MSG);
	return okta_live_last_login(o->live, id, last_login, err);
}

static enum dormant_status
okta_disable(void *handle, const char *scope, const char *id, const char *name,
             struct dormant_error *err)
{
	const struct okta *o = handle;

	(void)scope;
	(void)name;
	if (!o->live)
		return dormant_error_set(err, DORMANT_ERR_UNSUPPORTED,
		                         OFFLINE_MSG);
	return okta_live_set_suspended(o->live, id, true, err);
}

static enum dormant_status
okta_enable(void *handle, const char *scope, const char *id, const char *name,
            struct dormant_error *err)
{
	const struct okta *o = handle;

	(void)scope;
	(void)name;
	if (!o->live)
		return dormant_error_set(err, DORMANT_ERR_UNSUPPORTED,
		                         OFFLINE_MSG);
	return okta_live_set_suspended(o->live, id, false, err);
}

/* The okta.users.manage token before the first suspend: an app that was
 * granted only the read scopes is found before anything changes. */
static enum dormant_status
okta_prepare_actions(void *handle, struct dormant_error *err)
{
	const struct okta *o = handle;

	if (!o->live)
		return dormant_error_set(err, DORMANT_ERR_UNSUPPORTED,
		                         OFFLINE_MSG);
	return okta_live_prepare_actions(o->live, err);
}

static void
okta_close(void *handle)
{
	struct okta *o = handle;

	if (!o)
		return;
	okta_live_close(o->live);
	free(o->label);
	free(o);
}

const struct dormant_provider DORMANT_PROVIDER_EXPORT(okta) = {
        .abi_version = DORMANT_PLUGIN_ABI_VERSION,
        .struct_size = sizeof(struct dormant_provider),
        .name = "okta",
        .version = OKTA_VERSION,
        .description = "Okta users (Management API)",
        .config_keys = config_keys,
        .secret_keys = secret_keys,
        .enabling_env = enabling_env,
        .path_keys = path_keys,
        .open = okta_open,
        .scope_count = okta_scope_count,
        .scope_label = okta_scope_label,
        .list_users = okta_list_users,
        .last_login = okta_last_login,
        .disable = okta_disable,
        .enable = okta_enable,
        .close = okta_close,
        .action_concurrency = 4,
        .prepare_actions = okta_prepare_actions,
};
