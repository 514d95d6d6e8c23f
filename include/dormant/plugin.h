/* dormant: the provider interface.
 *
 * A provider is a libtool module (-module -avoid-version) that core opens
 * with lt_dlopenext() from the plugin directory. It exports exactly one
 * symbol, a const struct dormant_provider, named
 *
 *     <modname>_LTX_dormant_provider      (see DORMANT_PROVIDER_EXPORT)
 *
 * so that libltdl finds it both in a shared module and in a -dlpreopen
 * static build.
 *
 * Providers report facts; core decides. A provider never decides who is
 * dormant, never applies exclusions or safety limits, and never prints a
 * report. It lists users with what the cloud says about their last
 * interactive sign-in, re-reads one user's last sign-in, and removes (or
 * restores) interactive access when core asks.
 *
 * Threads: core calls list_users for different scopes of one handle from
 * different threads at the same time, and may call last_login / disable /
 * enable from several threads at once. A provider guards whatever state
 * its handle shares (tokens, caches) itself. open and close are called
 * from one thread, before and after everything else.
 *
 * Versioning: abi_version holds major << 16 | minor. Core refuses a module
 * whose major differs from its own, naming both. A minor bump only appends
 * members at the end of a struct; struct_size says which members a module
 * (or core) knows, and nobody reads past it. Each member below is marked
 * REQUIRED (core refuses a module without it; for the host table: always
 * there), "may be NULL" (part of 1.0, core copes without it) or "optional
 * since 1.x" (read only through DORMANT_PROVIDER_HAS / DORMANT_HOST_HAS).
 * A module built against 1.0 loads and scans with a 1.1 core.
 *
 * The whole interface is documented in dormant-plugin(7).
 */
#ifndef DORMANT_PLUGIN_H
#define DORMANT_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dormant/status.h>
#include <dormant/timeutil.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DORMANT_PLUGIN_ABI_MAJOR 1
#define DORMANT_PLUGIN_ABI_MINOR 1
#define DORMANT_PLUGIN_ABI_VERSION                                             \
	((uint32_t)DORMANT_PLUGIN_ABI_MAJOR << 16 | DORMANT_PLUGIN_ABI_MINOR)

/* The well-known symbol, with libltdl's per-module prefix so that
 * preloaded (static) modules do not collide. */
#define DORMANT_PROVIDER_SYMBOL          "dormant_provider"
#define DORMANT_PROVIDER_EXPORT(modname) modname##_LTX_dormant_provider

enum dormant_log_level {
	DORMANT_LOG_ERROR = 0,
	DORMANT_LOG_WARNING = 1,
	DORMANT_LOG_INFO = 2, /* shown with -v */
	DORMANT_LOG_DEBUG = 3 /* shown with -vv; HTTP traces with -vvv */
};

/* A provider-specific fact about a user that the report carries in the
 * finding's "details" (MFA, guest, 2-Step Verification, raw sign-in
 * times). Values are strings; core prints them as JSON strings, except
 * the literals "true", "false" and "null", which stay JSON literals. */
struct dormant_extra {
	const char *key;
	const char *value;
};

/* One user as the cloud describes it. Every pointer is owned by the
 * provider and needs to stay valid only for the duration of the sink call:
 * core copies what it keeps. Times are seconds since the epoch (UTC);
 * DORMANT_TIME_NONE means the cloud has no value. */
struct dormant_user {
	const char *scope; /* account id, tenant id, customer/domain */
	const char *id;    /* stable id: ARN, object id, numeric id */
	const char *name;  /* login name: user name, UPN, primary email */
	const char *email; /* NULL when unknown */
	const char *display_name; /* NULL when unknown */
	int64_t created;          /* account creation */
	int64_t last_login;       /* last interactive sign-in; NONE = never */
	int64_t access_granted;   /* when interactive access (e.g. a console
	                             password) was granted; NONE = unknown */
	bool interactive_access;  /* can sign in interactively at all */
	bool account_enabled;     /* not disabled, suspended or archived */
	bool admin;               /* holds administrative privileges */
	const struct dormant_extra *extras;
	size_t n_extras;
};

struct dormant_host;

/* One user of a bulk action (disable_many, enable_many). Core fills id
 * and name; the provider sets status, and error when status is not OK. */
struct dormant_action_item {
	const char *id;
	const char *name;
	enum dormant_status status;
	struct dormant_error error;
};

/* Where list_users delivers its results. Owned by core. */
struct dormant_sink {
	/* The scope's real name, once the provider knows it (AWS learns the
	 * account id from GetCallerIdentity). Until then core labels the
	 * scope with the provider's scope label. Copied. */
	void (*set_scope)(struct dormant_sink *sink, const char *scope);

	/* One user. A non-OK return (out of memory, run cancelled) tells the
	 * provider to stop listing and return that status. */
	enum dormant_status (*user)(struct dormant_sink *sink,
	                            const struct dormant_user *user);

	/* Progress: one more page read (for the progress line). */
	void (*page)(struct dormant_sink *sink);

	/* The provider could not learn who its admins are (no permission to
	 * read directory roles): core reports, warns and disables nobody in
	 * this scope. `why` names the missing permission. */
	void (*admins_unknown)(struct dormant_sink *sink, const char *why);

	void *core; /* opaque to providers */
};

/* Services core lends to a provider, valid from open until close. Core
 * owns the table and everything it points to; every function may be
 * called from any thread. The members up to `core` are 1.0 and always
 * there. */
struct dormant_host {
	uint32_t struct_size; /* sizeof(struct dormant_host) of core */
	const char *provider; /* the provider's name, for messages */

	/* A key of the provider's config section, after the command line and
	 * environment overrides core knows of; NULL when unset. The string
	 * lives until close. */
	const char *(*config)(const struct dormant_host *host, const char *key);

	/* A message of the provider. Core prefixes it with the provider's
	 * name (and the level): a provider never writes its own name in a
	 * message, nor in an error it returns. */
	void (*log)(const struct dormant_host *host,
	            enum dormant_log_level level, const char *fmt, ...)
	        __attribute__((format(printf, 3, 4)));

	/* The wall clock, for protocols (token lifetimes, signatures); the
	 * verdict's clock (--now) is core's own and never reaches a
	 * provider. */
	int64_t (*now)(const struct dormant_host *host);

	/* True once SIGINT/SIGTERM asked the run to stop. */
	bool (*cancelled)(const struct dormant_host *host);

	/* Extra CA bundle to trust (--ca-file / ca_file), or NULL. */
	const char *ca_file;
	int verbosity; /* 0 quiet .. 3 HTTP traces */

	void *core; /* opaque to providers */

	/* Optional since 1.1: how long one HTTP request may take ([scan]
	 * request_timeout), in milliseconds. The HTTP layer applies it to
	 * every client whose options leave the timeouts at 0; a provider
	 * needs to read it only for a client of its own making. */
	long request_timeout_ms;

	/* Optional since 1.1: typed readers of the provider's config keys,
	 * with one wording for every bad value (it names the section, the key
	 * and what is accepted). Unset or empty: *out = dflt and DORMANT_OK.
	 * A value that is not a number in [min, max] (config_long: a whole
	 * number; config_double: a finite one) or not a boolean (yes/no,
	 * true/false, on/off, 1/0, any case): DORMANT_ERR_CONFIG with err
	 * set, *out unchanged. */
	enum dormant_status (*config_long)(const struct dormant_host *host,
	                                   const char *key, long min, long max,
	                                   long dflt, long *out,
	                                   struct dormant_error *err);
	enum dormant_status (*config_double)(const struct dormant_host *host,
	                                     const char *key, double min,
	                                     double max, double dflt,
	                                     double *out,
	                                     struct dormant_error *err);
	enum dormant_status (*config_bool)(const struct dormant_host *host,
	                                   const char *key, bool dflt,
	                                   bool *out,
	                                   struct dormant_error *err);
};

/* Does host carry member (its struct_size reaches past it)? */
#define DORMANT_HOST_HAS(host, member)                                         \
	((host)->struct_size >=                                                \
	 offsetof(struct dormant_host, member) + sizeof((host)->member))

/* The module's descriptor: a const object of static storage that core
 * reads and never writes. Members up to `close` are 1.0. */
struct dormant_provider {
	uint32_t abi_version;    /* REQUIRED: DORMANT_PLUGIN_ABI_VERSION */
	uint32_t struct_size;    /* REQUIRED: sizeof(struct dormant_provider) */
	const char *name;        /* REQUIRED: "aws": the module's file name, the
	                            config section and the -p name */
	const char *version;     /* may be NULL: the module's own version */
	const char *description; /* may be NULL: one line for `plugins` */

	/* May be NULL (no keys): keys its config section accepts
	 * (NULL-terminated); core refuses any other key. secret_keys (may be
	 * NULL) are the ones that hold secrets: a config file that sets one
	 * and is readable by group or others is refused. */
	const char *const *config_keys;
	const char *const *secret_keys;

	/* May be NULL: environment variables whose presence is enough to enable
	 * the provider without a config section (NULL-terminated). */
	const char *const *enabling_env;

	/* May be NULL: keys whose values are file names (NULL-terminated):
	 * core makes a relative one relative to the config file's directory,
	 * so that a config works from any working directory (cron). */
	const char *const *path_keys;

	/* REQUIRED. Reads config and credentials; no network yet where
	 * avoidable.
	 * *handle is owned by the provider and released by close. */
	enum dormant_status (*open)(const struct dormant_host *host,
	                            void **handle, struct dormant_error *err);

	/* scope_count REQUIRED, scope_label may be NULL: how many scopes
	 * this handle scans (AWS: one per account) and a label for each
	 * before its listing starts (e.g. a role ARN). Core runs one thread
	 * per scope. */
	size_t (*scope_count)(void *handle);
	const char *(*scope_label)(void *handle, size_t scope);

	/* REQUIRED. Streams every user of one scope to the sink. Any failure
	 * means the listing is incomplete: core then disables nobody of this
	 * provider, in any of its scopes (its scopes share credentials and
	 * configuration: a listing that failed in one says the provider's
	 * view of the estate cannot be trusted). */
	enum dormant_status (*list_users)(void *handle, size_t scope,
	                                  struct dormant_sink *sink,
	                                  struct dormant_error *err);

	/* May be NULL (offline only; core then disables nobody). Re-reads
	 * one user's last interactive sign-in right before core disables it.
	 * *last_login = DORMANT_TIME_NONE means never. */
	enum dormant_status (*last_login)(void *handle, const char *scope,
	                                  const char *id, const char *name,
	                                  int64_t *last_login,
	                                  struct dormant_error *err);

	/* May be NULL (the provider cannot disable). Removes interactive
	 * access. Idempotent: a user already without it is success. */
	enum dormant_status (*disable)(void *handle, const char *scope,
	                               const char *id, const char *name,
	                               struct dormant_error *err);

	/* May be NULL where the cloud cannot (AWS: a deleted console
	 * password cannot be restored). Restores what disable removed. */
	enum dormant_status (*enable)(void *handle, const char *scope,
	                              const char *id, const char *name,
	                              struct dormant_error *err);

	void (*close)(void *handle); /* REQUIRED */

	/* Optional since 1.1: how many disable/enable/last_login calls core may
	 * make at once for this provider (its threads share the handle); 0
	 * means 4. A provider whose cloud takes batches (Graph $batch) can
	 * gather concurrent calls into one request. Core caps it at 64. */
	unsigned action_concurrency;

	/* Optional since 1.1, for clouds that take many changes in one request
	 * (Graph $batch): act on n users of one scope at once, each item
	 * getting its own status. When set, core still re-reads each user
	 * first, then hands the survivors over in groups of up to
	 * DORMANT_BULK_MAX. The return is DORMANT_OK unless nothing at all
	 * could be tried. */
	enum dormant_status (*disable_many)(void *handle, const char *scope,
	                                    struct dormant_action_item *items,
	                                    size_t n);
	enum dormant_status (*enable_many)(void *handle, const char *scope,
	                                   struct dormant_action_item *items,
	                                   size_t n);

	/* Optional since 1.1: called once, before core's first action of a
	 * run for this provider (disable or enable), so that what acting
	 * needs beyond what the scan used is had or refused before anything
	 * changes (Google: a token for the write scope, which domain-wide
	 * delegation may not grant). A failure means the run changes nothing
	 * at all, in any provider (SPEC 7: everything that can be checked
	 * before acting is checked before the first action). */
	enum dormant_status (*prepare_actions)(void *handle,
	                                       struct dormant_error *err);
};

/* Whether a module's descriptor has `member` (it is within the
 * struct_size the module declared) and sets it. Core reads a member added
 * after 1.0 only through this. */
#define DORMANT_PROVIDER_HAS(desc, member)                                     \
	((desc)->struct_size >= offsetof(struct dormant_provider, member) +    \
	                                sizeof((desc)->member) &&              \
	 (desc)->member != 0)

/* The most users core hands to one disable_many / enable_many call. */
#define DORMANT_BULK_MAX 100

#ifdef __cplusplus
}
#endif

#endif /* DORMANT_PLUGIN_H */
