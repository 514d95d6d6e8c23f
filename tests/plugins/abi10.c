/* dormant: a provider built against the ABI 1.0 layout of the descriptor.
 *
 * The struct below is a copy of struct dormant_provider as 1.0 published
 * it (members up to close): what a module compiled before 1.1 holds in
 * its object file. Core must load it, scan it and act on it without
 * reading a member it does not have (action_concurrency, the bulk
 * actions, prepare_actions): the sanitizer build turns any such read into
 * a global-buffer-overflow. Its users live in memory; disable and enable
 * only log what they did, so the test reads the outcome from stderr. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <dormant/plugin.h>

struct provider_v1_0 {
	uint32_t abi_version;
	uint32_t struct_size;
	const char *name;
	const char *version;
	const char *description;
	const char *const *config_keys;
	const char *const *secret_keys;
	const char *const *enabling_env;
	const char *const *path_keys;
	enum dormant_status (*open)(const struct dormant_host *host,
	                            void **handle, struct dormant_error *err);
	size_t (*scope_count)(void *handle);
	const char *(*scope_label)(void *handle, size_t scope);
	enum dormant_status (*list_users)(void *handle, size_t scope,
	                                  struct dormant_sink *sink,
	                                  struct dormant_error *err);
	enum dormant_status (*last_login)(void *handle, const char *scope,
	                                  const char *id, const char *name,
	                                  int64_t *last_login,
	                                  struct dormant_error *err);
	enum dormant_status (*disable)(void *handle, const char *scope,
	                               const char *id, const char *name,
	                               struct dormant_error *err);
	enum dormant_status (*enable)(void *handle, const char *scope,
	                              const char *id, const char *name,
	                              struct dormant_error *err);
	void (*close)(void *handle);
};

/* 2020-01-01, long before any --now of the tests; and never. */
#define LONG_AGO ((int64_t)1577836800)

static const struct {
	const char *name;
	int64_t last_login;
} users[] = {
        {"old", LONG_AGO},
        {"never", DORMANT_TIME_NONE},
        {"recent", (int64_t)4102444800}, /* 2100: always recent */
};

static enum dormant_status
v10_open(const struct dormant_host *host, void **handle,
         struct dormant_error *err)
{
	(void)err;
	/* The host table is core's, a 1.1 one: a 1.0 module reads only the
	 * members 1.0 had. */
	*handle = (void *)host;
	return DORMANT_OK;
}

static size_t
v10_scope_count(void *handle)
{
	(void)handle;
	return 1;
}

static enum dormant_status
v10_list_users(void *handle, size_t scope, struct dormant_sink *sink,
               struct dormant_error *err)
{
	(void)handle;
	(void)scope;
	sink->set_scope(sink, "v10");
	for (size_t i = 0; i < sizeof(users) / sizeof(*users); i++) {
		struct dormant_user u = {
		        .scope = "v10",
		        .id = users[i].name,
		        .name = users[i].name,
		        .created = LONG_AGO - 86400,
		        .last_login = users[i].last_login,
		        .access_granted = DORMANT_TIME_NONE,
		        .interactive_access = true,
		        .account_enabled = true,
		};
		enum dormant_status st = sink->user(sink, &u);
		if (st != DORMANT_OK)
			return dormant_error_set(err, st, "listing stopped");
	}
	sink->page(sink);
	return DORMANT_OK;
}

static enum dormant_status
v10_last_login(void *handle, const char *scope, const char *id,
               const char *name, int64_t *last_login, struct dormant_error *err)
{
	(void)handle;
	(void)scope;
	(void)name;
	for (size_t i = 0; i < sizeof(users) / sizeof(*users); i++) {
		if (strcmp(users[i].name, id) == 0) {
			*last_login = users[i].last_login;
			return DORMANT_OK;
		}
	}
	return dormant_error_set(err, DORMANT_ERR_NOT_FOUND, "no user %s", id);
}

static enum dormant_status
v10_act(void *handle, const char *what, const char *id)
{
	const struct dormant_host *host = handle;

	host->log(host, DORMANT_LOG_WARNING, "v10 %s %s", what, id);
	return DORMANT_OK;
}

static enum dormant_status
v10_disable(void *handle, const char *scope, const char *id, const char *name,
            struct dormant_error *err)
{
	(void)scope;
	(void)name;
	(void)err;
	return v10_act(handle, "disabled", id);
}

static enum dormant_status
v10_enable(void *handle, const char *scope, const char *id, const char *name,
           struct dormant_error *err)
{
	(void)scope;
	(void)name;
	(void)err;
	return v10_act(handle, "enabled", id);
}

static void
v10_close(void *handle)
{
	(void)handle;
}

const struct provider_v1_0 DORMANT_PROVIDER_EXPORT(abi10) = {
        .abi_version = (uint32_t)1 << 16 | 0,
        .struct_size = sizeof(struct provider_v1_0),
        .name = "abi10",
        .version = "1.0",
        .description = "a module of the 1.0 descriptor layout",
        .open = v10_open,
        .scope_count = v10_scope_count,
        .list_users = v10_list_users,
        .last_login = v10_last_login,
        .disable = v10_disable,
        .enable = v10_enable,
        .close = v10_close,
};
