/* dormant: the scan engine.
 *
 * Opens each selected provider, scans every scope of every provider at
 * once (one thread per scope, a bounded pool), judges each user as it
 * streams in, and hands back one result whose order does not depend on
 * the timing.
 */
#ifndef DORMANT_ENGINE_H
#define DORMANT_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dormant/status.h>

#include "conf.h"
#include "findings.h"
#include "plugin_loader.h"

/* At most this many scope threads run at once. */
#define DORMANT_MAX_SCAN_THREADS 32

struct core_scope_result {
	const char *provider;       /* plugin name */
	char *scope;                /* the real scope, else the label */
	enum dormant_status status; /* DORMANT_OK: listing complete */
	char *error;                /* NULL when OK */
	size_t users_scanned;
	size_t pages;
	char *admins_unknown; /* why admins are unknown, or NULL */
	size_t n_findings;
	size_t n_warnings;
	/* Filled by the scope's thread, then moved into the run's lists. */
	struct core_findings findings;
	struct core_findings warnings;
};

struct core_result {
	int64_t generated_at;
	long days;
	bool disable_mode;
	struct core_scope_result *scopes; /* provider, then scope order */
	size_t n_scopes;
	struct core_findings findings; /* sorted, all scopes */
	struct core_findings warnings; /* sorted, all scopes */
	char *safety_stop; /* NULL unless the breaker tripped or the guards
	                      held back every candidate */
	size_t guard_held; /* candidates held back by a guard (listing
	                      incomplete, admins unknown) */
	char run_id[32];   /* links the report to the audit log */
	size_t users_scanned;
};

struct core_engine;

/* Opens the providers named in `providers` (each found in plugins).
 * Fails on the first provider that cannot open (bad config, missing
 * credentials): that is an error before any scan. */
enum dormant_status core_engine_open(const struct core_conf *conf,
                                     const struct core_plugins *plugins,
                                     const struct core_strv *providers,
                                     struct core_engine **out,
                                     struct dormant_error *err);

/* Scans everything. A provider's failure is recorded in its scope
 * results, not returned: only an engine failure (out of memory, no
 * thread) returns non-OK. */
enum dormant_status core_engine_scan(struct core_engine *engine,
                                     struct core_result *out,
                                     struct dormant_error *err);

void core_engine_close(struct core_engine *engine);

/* The opened provider of this name, or false. */
bool core_engine_find(struct core_engine *engine, const char *name,
                      const struct dormant_provider **desc, void **handle);

/* Asks the named provider to get ready to act (its prepare_actions, when
 * it has one): called before the run's first action, so that missing
 * rights to act stop the run before anything changes. err names the
 * provider. */
enum dormant_status core_engine_prepare_actions(struct core_engine *engine,
                                                const char *provider,
                                                struct dormant_error *err);

/* The verdict's clock of this run. */
int64_t core_engine_now(const struct core_engine *engine);

/* Asks every provider to stop (signal handlers may call it). */
void core_engine_cancel(void);
bool core_engine_cancelled(void);

void core_result_free(struct core_result *result);

/* The exit status of SPEC section 8 for a finished scan. */
int core_result_exit_status(const struct core_result *result);

#endif /* DORMANT_ENGINE_H */
