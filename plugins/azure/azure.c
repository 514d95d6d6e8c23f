/* dormant azure: the Microsoft Entra ID provider: its descriptor and the
 * offline input.
 *
 * Two ways in, chosen by the config:
 *   - offline (this file): users_file, a Microsoft Graph
 *
 *       GET /v1.0/users?$select=id,userPrincipalName,mail,displayName,
 *           accountEnabled,createdDateTime,userType,signInActivity
 *
 *     answer saved to a file, and optionally directory_roles_file, who
 *     holds directory roles (the answer of GET /v1.0/roleManagement/
 *     directory/roleAssignments?$expand=principal, or of GET
 *     /v1.0/directoryRoles?$expand=members). Either file holds one answer
 *     page (a JSON object), or a JSON array of every page of the answer in
 *     order (page objects as Graph sent them). A page that still points to
 *     a next one (@odata.nextLink) at the end means the export stopped
 *     early: acting on part of a tenant is refused;
 *   - live (live.c, through graph.c, batch.c and token.c): without
 *     users_file, the tenant is scanned through Microsoft Graph, and users
 *     can be re-read, disabled and enabled.
 *
 * Both paths feed the same page parsers, graph_users.c and graph_roles.c.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <dormant/buf.h>
#include <dormant/json.h>
#include <dormant/plugin.h>

#include "live.h"
#include "graph_roles.h"
#include "graph_users.h"

/* About 1 KB of JSON a user: a 100,000-user tenant is ~100 MB. */
#define USERS_FILE_MAX ((size_t)512 << 20)
/* Role assignments are a few per admin. */
#define ROLES_FILE_MAX ((size_t)64 << 20)

#define OFFLINE_ONLY                                                           \
	"offline input (users_file): cannot re-read or change users"

static const char *const config_keys[] = {"tenant_id",
                                          "client_id",
                                          "client_secret",
                                          "client_certificate",
                                          "authority_host",
                                          "graph_endpoint",
                                          "graph_resource",
                                          "users_file",
                                          "directory_roles_file",
                                          "federated_token_file",
                                          "requests_per_minute",
                                          NULL};
static const char *const secret_keys[] = {"client_secret", NULL};
static const char *const path_keys[] = {"client_certificate", "users_file",
                                        "directory_roles_file",
                                        "federated_token_file", NULL};
static const char *const enabling_env[] = {"AZURE_CLIENT_ID", "AZURE_TENANT_ID",
                                           NULL};

static enum dormant_status
azure_open(const struct dormant_host *host, void **handle,
           struct dormant_error *err)
{
	struct azure *az = NULL;
	const char *users, *tenant, *scope;
	enum dormant_status st = DORMANT_OK;

	*handle = NULL;
	/* The typed config readers (requests_per_minute) came with 1.1. */
	if (!DORMANT_HOST_HAS(host, config_bool)) {
		st = dormant_error_set(
		        err, DORMANT_ERR_PLUGIN,
		        "needs dormant's host table 1.1 or later "
		        "(this one is %u bytes)",
		        (unsigned)host->struct_size);
		goto out;
	}
	az = calloc(1, sizeof(*az));
	if (!az) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "%s",
		                       dormant_strerror(DORMANT_ERR_NOMEM));
		goto out;
	}
	az->host = host;
	users = host->config(host, "users_file");
	if (!users || !*users) {
		st = azure_live_open(az, err);
		if (st != DORMANT_OK)
			goto out;
		*handle = az;
		az = NULL;
		goto out;
	}
	az->users_file = users;
	az->roles_file = host->config(host, "directory_roles_file");
	if (az->roles_file && !*az->roles_file)
		az->roles_file = NULL;
	/* Offline, the tenant id is not in a /users answer: take it from the
	 * config, else label the scope with the file's name. */
	tenant = host->config(host, "tenant_id");
	if (tenant && *tenant) {
		scope = tenant;
	} else {
		scope = strrchr(users, '/');
		scope = scope && scope[1] ? scope + 1 : users;
	}
	az->scope = strdup(scope);
	if (!az->scope) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "%s",
		                       dormant_strerror(DORMANT_ERR_NOMEM));
		goto out;
	}
	*handle = az;
	az = NULL;
out:
	if (az) {
		azure_live_close(az);
		free(az->scope);
	}
	free(az);
	return st;
}

static size_t
azure_scope_count(void *handle)
{
	(void)handle;
	return 1;
}

static const char *
azure_scope_label(void *handle, size_t scope)
{
	struct azure *az = handle;

	(void)scope;
	return az->scope;
}

static bool
cancelled(const struct azure *az)
{
	return az->host->cancelled && az->host->cancelled(az->host);
}

/* Reads a whole file and parses it as JSON. *root is the caller's. */
static enum dormant_status
read_json(const char *path, size_t max, cJSON **root, struct dormant_error *err)
{
	struct dormant_buf b;
	enum dormant_status st;

	dormant_buf_init(&b, max);
	st = dormant_buf_read_file(&b, path, err);
	if (st != DORMANT_OK)
		goto out;
	st = dormant_json_parse(b.data, b.len, path, root, err);
out:
	dormant_buf_free(&b);
	return st;
}

/* The pages of a file: the object itself, or each element of an array. */
static enum dormant_status
file_pages(const cJSON *root, const char *path, const cJSON **first, size_t *n,
           struct dormant_error *err)
{
	if (cJSON_IsObject(root)) {
		*first = root;
		*n = 1;
		return DORMANT_OK;
	}
	if (cJSON_IsArray(root) && cJSON_GetArraySize(root) > 0) {
		*first = root->child;
		*n = (size_t)cJSON_GetArraySize(root);
		return DORMANT_OK;
	}
	return dormant_error_set(err, DORMANT_ERR_PARSE,
	                         "%s: neither a Graph answer page (a JSON "
	                         "object) nor a non-empty array of pages",
	                         path);
}

static enum dormant_status
incomplete_export(const char *key, const char *path, struct dormant_error *err)
{
	return dormant_error_set(
	        err, DORMANT_ERR_PARSE,
	        "%s: %s holds only the first page of the "
	        "answer (@odata.nextLink present); export every "
	        "page",
	        path, key);
}

static enum dormant_status
load_roles(struct azure *az, struct azure_admins *admins,
           struct dormant_error *err)
{
	cJSON *root = NULL;
	const cJSON *page;
	char *next = NULL;
	size_t n = 0, i = 0;
	enum dormant_status st;

	st = read_json(az->roles_file, ROLES_FILE_MAX, &root, err);
	if (st != DORMANT_OK)
		goto out;
	st = file_pages(root, az->roles_file, &page, &n, err);
	if (st != DORMANT_OK)
		goto out;
	for (; page && i < n; page = page->next, i++) {
		free(next);
		next = NULL;
		st = azure_roles_page_json(page, az->roles_file, admins, &next,
		                           err);
		if (st != DORMANT_OK) {
			if (n > 1)
				dormant_error_prefix(err, "page %zu", i + 1);
			goto out;
		}
	}
	if (next) {
		st = incomplete_export("directory_roles_file", az->roles_file,
		                       err);
		goto out;
	}
	azure_admins_finish(admins);
out:
	free(next);
	cJSON_Delete(root);
	return st;
}

static enum dormant_status
azure_list_users(void *handle, size_t scope, struct dormant_sink *sink,
                 struct dormant_error *err)
{
	struct azure *az = handle;
	struct azure_admins admins;
	struct azure_users_stream s;
	cJSON *root = NULL;
	const cJSON *page;
	char *next = NULL;
	size_t n = 0, i = 0;
	enum dormant_status st = DORMANT_OK;

	(void)scope;
	if (az->live)
		return azure_live_list_users(az, sink, err);
	azure_admins_init(&admins);
	if (sink->set_scope)
		sink->set_scope(sink, az->scope);

	if (az->roles_file) {
		st = load_roles(az, &admins, err);
		if (st != DORMANT_OK)
			goto out;
		if (admins.incomplete && sink->admins_unknown)
			sink->admins_unknown(sink, admins.incomplete);
	} else if (sink->admins_unknown) {
		sink->admins_unknown(sink, "directory_roles_file not set: who "
		                           "holds a directory role is unknown");
	}

	st = read_json(az->users_file, USERS_FILE_MAX, &root, err);
	if (st != DORMANT_OK)
		goto out;
	st = file_pages(root, az->users_file, &page, &n, err);
	if (st != DORMANT_OK)
		goto out;
	memset(&s, 0, sizeof(s));
	s.what = az->users_file;
	s.scope = az->scope;
	s.admins = az->roles_file ? &admins : NULL;
	/* Graph's last page is the only one without a next link, so the
	 * last page of the file must not have one. */
	for (; page && i < n; page = page->next, i++) {
		if (cancelled(az)) {
			st = dormant_error_set(
			        err, DORMANT_ERR_CANCELLED, "%s",
			        dormant_strerror(DORMANT_ERR_CANCELLED));
			goto out;
		}
		free(next);
		next = NULL;
		st = azure_users_page_json(page, &s, sink, &next, err);
		if (st != DORMANT_OK)
			goto out;
	}
	if (next)
		st = incomplete_export("users_file", az->users_file, err);
out:
	free(next);
	cJSON_Delete(root);
	azure_admins_free(&admins);
	return st;
}

static enum dormant_status
azure_last_login(void *handle, const char *scope, const char *id,
                 const char *name, int64_t *last_login,
                 struct dormant_error *err)
{
	struct azure *az = handle;

	(void)scope;
	(void)name;
	*last_login = DORMANT_TIME_NONE;
	if (az->live)
		return azure_live_last_login(az, id, last_login, err);
	return dormant_error_set(err, DORMANT_ERR_UNSUPPORTED, OFFLINE_ONLY);
}

static enum dormant_status
azure_disable(void *handle, const char *scope, const char *id, const char *name,
              struct dormant_error *err)
{
	struct azure *az = handle;

	(void)scope;
	(void)name;
	if (az->live)
		return azure_live_set_enabled(az, id, false, err);
	return dormant_error_set(err, DORMANT_ERR_UNSUPPORTED, OFFLINE_ONLY);
}

static enum dormant_status
azure_enable(void *handle, const char *scope, const char *id, const char *name,
             struct dormant_error *err)
{
	struct azure *az = handle;

	(void)scope;
	(void)name;
	if (az->live)
		return azure_live_set_enabled(az, id, true, err);
	return dormant_error_set(err, DORMANT_ERR_UNSUPPORTED, OFFLINE_ONLY);
}

static enum dormant_status
set_enabled_many(void *handle, struct dormant_action_item *items, size_t n,
                 bool enabled)
{
	struct azure *az = handle;

	if (az->live)
		return azure_live_set_enabled_many(az, items, n, enabled);
	for (size_t i = 0; i < n; i++)
		items[i].status = dormant_error_set(
		        &items[i].error, DORMANT_ERR_UNSUPPORTED, OFFLINE_ONLY);
	return DORMANT_ERR_UNSUPPORTED;
}

static enum dormant_status
azure_disable_many(void *handle, const char *scope,
                   struct dormant_action_item *items, size_t n)
{
	(void)scope;
	return set_enabled_many(handle, items, n, false);
}

static enum dormant_status
azure_enable_many(void *handle, const char *scope,
                  struct dormant_action_item *items, size_t n)
{
	(void)scope;
	return set_enabled_many(handle, items, n, true);
}

static void
azure_close(void *handle)
{
	struct azure *az = handle;

	if (!az)
		return;
	azure_live_close(az);
	free(az->scope);
	free(az);
}

const struct dormant_provider DORMANT_PROVIDER_EXPORT(azure) = {
        .abi_version = DORMANT_PLUGIN_ABI_VERSION,
        .struct_size = sizeof(struct dormant_provider),
        .name = "azure",
        .version = PACKAGE_VERSION,
        .description = "Microsoft Entra ID users through Microsoft Graph",
        .config_keys = config_keys,
        .secret_keys = secret_keys,
        .enabling_env = enabling_env,
        .path_keys = path_keys,
        .open = azure_open,
        .scope_count = azure_scope_count,
        .scope_label = azure_scope_label,
        .list_users = azure_list_users,
        .last_login = azure_last_login,
        .disable = azure_disable,
        .enable = azure_enable,
        /* Graph's $batch: a group of users in a few requests. */
        .disable_many = azure_disable_many,
        .enable_many = azure_enable_many,
        .close = azure_close,
};
