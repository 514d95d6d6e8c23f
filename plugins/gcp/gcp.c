/* dormant gcp: Google Workspace users through the Admin SDK Directory API:
 * the provider's descriptor and its offline input.
 *
 * Two ways in, chosen by the config:
 *   - live (live.c, through directory.c and token.c): a service-account
 *     key with domain-wide delegation ([gcp] credentials_file or
 *     GOOGLE_APPLICATION_CREDENTIALS) acting as [gcp] subject; users.list
 *     for the scan, users.get to re-read a last login, users.patch to
 *     suspend and unsuspend;
 *   - offline: [gcp] users_file, the JSON that users.list answers
 *     (GET admin/directory/v1/users?customer=my_customer). The file holds
 *     either
 *       - one answer object, which must be the whole listing: an answer
 *         with nextPageToken is only the first page of a longer one, and
 *         using it would silently miss users; or
 *       - a JSON array of answer objects, every page of one listing in
 *         order (what a script that follows nextPageToken collects): each
 *         page but the last carries a nextPageToken and the last none.
 *     The whole file is checked before the first user reaches core, so a
 *     bad user on the last page leaves nothing half-reported.
 * users_file wins when both are set: an audit of an export never touches
 * the live domain. Both paths share the page parser, directory_users.c.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/buf.h>
#include <dormant/json.h>
#include <dormant/plugin.h>

#include "directory_users.h"
#include "live.h"

/* An export of 100,000 users is about 150 MB with every field; past this
 * the file is not a users.list export. */
#define USERS_FILE_MAX ((size_t)512 << 20)

#define OFFLINE_MSG "offline input (users_file): cannot re-read or change users"

struct gcp {
	const struct dormant_host *host;
	const char *users_file; /* host config: lives until close */
	const char *domain;     /* likewise; NULL when unset */
	const char *label;      /* the scope before the listing names it */
	struct gcp_live *live;  /* NULL for offline input; owned */
};

static const char *const config_keys[] = {
        "credentials_file",
        "subject",
        "customer",
        "domain",
        "directory_endpoint",
        "users_file",
        "requests_per_minute",
        "retries",
        NULL,
};

/* The service-account key file is a path, not a secret itself. */
static const char *const secret_keys[] = {NULL};
static const char *const path_keys[] = {"credentials_file", "users_file", NULL};

static const char *const enabling_env[] = {"GOOGLE_APPLICATION_CREDENTIALS",
                                           NULL};

/* A config value, NULL when unset or empty. */
static const char *
conf(const struct dormant_host *host, const char *key)
{
	const char *v = host->config(host, key);

	return v && *v ? v : NULL;
}

static enum dormant_status
open_live(struct gcp *g, struct dormant_error *err)
{
	const struct dormant_host *host = g->host;
	const char *env = getenv("GOOGLE_APPLICATION_CREDENTIALS");
	struct gcp_live_config c = {
	        .subject = conf(host, "subject"),
	        .customer = conf(host, "customer"),
	        .domain = g->domain,
	        .endpoint = conf(host, "directory_endpoint"),
	};
	enum dormant_status st;

	/* The environment overrides the file, as for every other setting
	 * (README, Configuration). */
	c.credentials_file = env && *env ? env : conf(host, "credentials_file");
	if (!c.credentials_file)
		return dormant_error_set(
		        err, DORMANT_ERR_CONFIG,
		        "no credentials: set [gcp] credentials_file or "
		        "GOOGLE_APPLICATION_CREDENTIALS to a service-account "
		        "JSON key (or users_file for exported data)");
	st = host->config_long(host, "requests_per_minute", 1, 1000000,
	                       GCP_DEFAULT_RPM, &c.rpm, err);
	if (st == DORMANT_OK)
		st = host->config_long(host, "retries", 0, 10,
		                       GCP_DEFAULT_RETRIES, &c.retries, err);
	if (st != DORMANT_OK)
		return st;
	if (host->log)
		host->log(host, DORMANT_LOG_INFO,
		          "service-account key %s (from %s), acting as %s",
		          c.credentials_file,
		          env && *env ? "GOOGLE_APPLICATION_CREDENTIALS"
		                      : "credentials_file",
		          c.subject ? c.subject : "(no subject)");
	return gcp_live_open(host, &c, &g->live, err);
}

static void gcp_close(void *handle);

static enum dormant_status
gcp_open(const struct dormant_host *host, void **handle,
         struct dormant_error *err)
{
	struct gcp *g = NULL;
	const char *customer;
	enum dormant_status st = DORMANT_OK;

	*handle = NULL;
	/* The typed config readers (requests_per_minute, retries) came
	 * with 1.1. */
	if (!DORMANT_HOST_HAS(host, config_bool)) {
		st = dormant_error_set(
		        err, DORMANT_ERR_PLUGIN,
		        "needs dormant's host table 1.1 or later "
		        "(this one is %u bytes)",
		        (unsigned)host->struct_size);
		goto out;
	}
	g = calloc(1, sizeof(*g));
	if (!g) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	g->host = host;
	g->users_file = conf(host, "users_file");
	g->domain = conf(host, "domain");
	customer = conf(host, "customer");
	g->label = g->domain ? g->domain : customer ? customer : "my_customer";
	if (!g->users_file) {
		st = open_live(g, err);
		if (st != DORMANT_OK)
			goto out;
	}
	*handle = g;
	g = NULL;
out:
	gcp_close(g);
	return st;
}

static size_t
gcp_scope_count(void *handle)
{
	(void)handle;
	return 1;
}

static const char *
gcp_scope_label(void *handle, size_t scope)
{
	const struct gcp *g = handle;

	(void)scope;
	return g->label;
}

/* One pass over the pages of a parsed file: checks only (sink NULL) or
 * delivers. A check that fails still names the scope through `announce`
 * when a page before the bad one gave the customerId: the report then
 * says which customer's export is broken rather than "my_customer". */
static enum dormant_status
pass(const struct gcp *g, const cJSON *root, struct dormant_sink *sink,
     struct dormant_sink *announce, struct dormant_error *err)
{
	/* Room for the file name in messages; a longer path is cut, which
	 * only shortens the message. */
	char what[DORMANT_ERROR_MAX / 2];
	struct gcp_users_listing ls = {.what = what, .scope = g->domain};
	bool array = cJSON_IsArray(root);
	size_t n = array ? (size_t)cJSON_GetArraySize(root) : 1, i = 0;
	const cJSON *page = array ? root->child : root;
	char *token = NULL;
	enum dormant_status st = DORMANT_OK;

	if (array && n == 0) {
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "%s: an empty array holds no users.list "
		                       "page",
		                       g->users_file);
		goto out;
	}
	for (; page; page = array ? page->next : NULL, i++) {
		if (sink && g->host->cancelled && g->host->cancelled(g->host)) {
			st = dormant_error_set(err, DORMANT_ERR_CANCELLED,
			                       "%s: cancelled", g->users_file);
			goto out;
		}
		if (array)
			snprintf(what, sizeof(what), "%s[%zu]", g->users_file,
			         i);
		else
			snprintf(what, sizeof(what), "%s", g->users_file);
		free(token);
		token = NULL;
		st = gcp_directory_users_page_json(&ls, page, sink, &token,
		                                   err);
		if (st != DORMANT_OK)
			goto out;
		if (i + 1 == n && token) {
			st = dormant_error_set(
			        err, DORMANT_ERR_PARSE,
			        "%s: users_file holds only %s of users.list "
			        "(nextPageToken present); export every page",
			        what, array ? "some pages" : "one page");
			goto out;
		}
		if (i + 1 < n && !token) {
			st = dormant_error_set(
			        err, DORMANT_ERR_PARSE,
			        "%s: page without nextPageToken followed by "
			        "more pages; users_file must hold the pages of "
			        "one listing, in order",
			        what);
			goto out;
		}
	}
out:
	if (st != DORMANT_OK && announce && !ls.scope_announced && !g->domain &&
	    ls.customer_id && announce->set_scope)
		announce->set_scope(announce, ls.customer_id);
	free(token);
	gcp_users_listing_free(&ls);
	return st;
}

static enum dormant_status
gcp_list_users(void *handle, size_t scope, struct dormant_sink *sink,
               struct dormant_error *err)
{
	const struct gcp *g = handle;
	struct dormant_buf b;
	cJSON *root = NULL;
	enum dormant_status st;

	(void)scope;
	if (g->live)
		return gcp_live_list_users(g->live, sink, err);
	dormant_buf_init(&b, USERS_FILE_MAX);
	st = dormant_buf_read_file(&b, g->users_file, err);
	if (st != DORMANT_OK)
		goto out;
	st = dormant_json_parse(b.data ? b.data : "", b.len, g->users_file,
	                        &root, err);
	if (st != DORMANT_OK)
		goto out;
	st = pass(g, root, NULL, sink, err);
	if (st != DORMANT_OK)
		goto out;
	st = pass(g, root, sink, sink, err);
out:
	cJSON_Delete(root);
	dormant_buf_free(&b);
	return st;
}

static enum dormant_status
gcp_last_login(void *handle, const char *scope, const char *id,
               const char *name, int64_t *last_login, struct dormant_error *err)
{
	const struct gcp *g = handle;

	(void)scope;
	(void)name;
	*last_login = DORMANT_TIME_NONE;
	if (!g->live)
		return dormant_error_set(err, DORMANT_ERR_UNSUPPORTED,
		                         OFFLINE_MSG);
	return gcp_live_last_login(g->live, id, last_login, err);
}

static enum dormant_status
gcp_disable(void *handle, const char *scope, const char *id, const char *name,
            struct dormant_error *err)
{
	const struct gcp *g = handle;

	(void)scope;
	(void)name;
	if (!g->live)
		return dormant_error_set(err, DORMANT_ERR_UNSUPPORTED,
		                         OFFLINE_MSG);
	return gcp_live_set_suspended(g->live, id, true, err);
}

static enum dormant_status
gcp_enable(void *handle, const char *scope, const char *id, const char *name,
           struct dormant_error *err)
{
	const struct gcp *g = handle;

	(void)scope;
	(void)name;
	if (!g->live)
		return dormant_error_set(err, DORMANT_ERR_UNSUPPORTED,
		                         OFFLINE_MSG);
	return gcp_live_set_suspended(g->live, id, false, err);
}

/* The write scope's token before the first suspend: delegation that
 * grants only the readonly scope is found before anything changes. */
static enum dormant_status
gcp_prepare_actions(void *handle, struct dormant_error *err)
{
	const struct gcp *g = handle;

	if (!g->live)
		return dormant_error_set(err, DORMANT_ERR_UNSUPPORTED,
		                         OFFLINE_MSG);
	return gcp_live_prepare_actions(g->live, err);
}

static void
gcp_close(void *handle)
{
	struct gcp *g = handle;

	if (!g)
		return;
	gcp_live_close(g->live);
	free(g);
}

const struct dormant_provider DORMANT_PROVIDER_EXPORT(gcp) = {
        .abi_version = DORMANT_PLUGIN_ABI_VERSION,
        .struct_size = sizeof(struct dormant_provider),
        .name = "gcp",
        .version = PACKAGE_VERSION,
        .description = "Google Workspace users (Admin SDK Directory API)",
        .config_keys = config_keys,
        .secret_keys = secret_keys,
        .enabling_env = enabling_env,
        .path_keys = path_keys,
        .open = gcp_open,
        .scope_count = gcp_scope_count,
        .scope_label = gcp_scope_label,
        .list_users = gcp_list_users,
        .last_login = gcp_last_login,
        .disable = gcp_disable,
        .enable = gcp_enable,
        .close = gcp_close,
        .prepare_actions = gcp_prepare_actions,
};
