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

struct dormant_scope_result {
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
	struct dormant_findings findings;
	struct dormant_findings warnings;
};

struct dormant_result {
	int64_t generated_at;
	long days;
	bool disable_mode;
	struct dormant_scope_result *scopes; /* provider, then scope order */
	size_t n_scopes;
	struct dormant_findings findings; /* sorted, all scopes */
	struct dormant_findings warnings; /* sorted, all scopes */
	char *safety_stop; /* NULL unless the breaker tripped or the guards
	                      held back every candidate */
	size_t guard_held; /* candidates held back by a guard (listing
	                      incomplete, admins unknown) */
	char run_id[32];   /* links the report to the audit log */
	size_t users_scanned;
};

struct dormant_engine;

/* Opens the providers named in `providers` (each found in plugins).
 * Fails on the first provider that cannot open (bad config, missing
 * credentials): that is an error before any scan. */
enum dormant_status dormant_engine_open(const struct dormant_conf *conf,
                                        const struct dormant_plugins *plugins,
                                        const struct dormant_strv *providers,
                                        struct dormant_engine **out,
                                        struct dormant_error *err);

/* Scans everything. A provider's failure is recorded in its scope
 * results, not returned: only an engine failure (out of memory, no
 * thread) returns non-OK. */
enum dormant_status dormant_engine_scan(struct dormant_engine *engine,
                                        struct dormant_result *out,
                                        struct dormant_error *err);

void dormant_engine_close(struct dormant_engine *engine);

/* The opened provider of this name, or false. */
bool dormant_engine_find(struct dormant_engine *engine, const char *name,
                         const struct dormant_provider **desc, void **handle);

/* Asks the named provider to get ready to act (its prepare_actions, when
 * it has one): called before the run's first action, so that missing
 * rights to act stop the run before anything changes. err names the
 * provider. */
enum dormant_status
dormant_engine_prepare_actions(struct dormant_engine *engine,
                               const char *provider, struct dormant_error *err);

/* The verdict's clock of this run. */
int64_t dormant_engine_now(const struct dormant_engine *engine);

/* Asks every provider to stop (signal handlers may call it). */
void dormant_engine_cancel(void);
bool dormant_engine_cancelled(void);

void dormant_result_free(struct dormant_result *result);

/* The exit status of SPEC section 8 for a finished scan. */
int dormant_result_exit_status(const struct dormant_result *result);

#endif /* DORMANT_ENGINE_H */
