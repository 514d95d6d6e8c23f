/* dormant: `dormant scan`, the default command.
 *
 * Order matters for safety: everything that can be checked before acting
 * is checked before any cloud is asked anything (the lock, the audit log,
 * the report's destination, each provider's config and credentials), so
 * that a run that cannot record what it does, or would lose its report,
 * never starts. A run stopped by a signal writes no report (a partial one
 * would look whole) and its audit log holds whole lines.
 *
 * Only runs that may act or write state (--disable, the warnings' state)
 * take the run lock: a report-only audit may run beside the nightly
 * --disable run (SPEC 7).
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "cli.h"
#include "engine.h"
#include "lock.h"
#include "log.h"
#include "remediate.h"
#include "state_dir.h"
#include "report.h"
#include "warn_state.h"

/* Cron mails whatever a job prints: a table run with nothing to say
 * prints nothing when nobody is watching. */
static bool
nothing_to_say(const struct core_conf *conf, const struct core_result *r)
{
	if (conf->format != DORMANT_FORMAT_TABLE || conf->output ||
	    isatty(STDOUT_FILENO))
		return false;
	if (r->findings.n || r->warnings.n || r->safety_stop)
		return false;
	for (size_t i = 0; i < r->n_scopes; i++)
		if (r->scopes[i].status != DORMANT_OK ||
		    r->scopes[i].admins_unknown)
			return false;
	return true;
}

static int
interrupted(void)
{
	int sig = core_cli_caught_signal();

	core_log(DORMANT_LOG_ERROR, NULL,
	         "interrupted by %s; no report written",
	         sig == SIGTERM ? "SIGTERM" : "SIGINT");
	return 128 + (sig ? sig : SIGINT);
}

int
core_cmd_scan(struct core_conf *conf, const struct core_plugins *plugins)
{
	struct core_strv selected = {0};
	struct core_engine *engine = NULL;
	struct core_audit *audit = NULL;
	struct core_report_dest dest = {0};
	struct core_result result;
	struct dormant_error err = {{0}};
	const char *audit_path =
	        conf->audit_log ? conf->audit_log : DORMANT_DEFAULT_AUDIT_LOG;
	char run_id[32];
	int lock_fd = -1, rc;

	memset(&result, 0, sizeof(result));
	rc = core_cli_prepare(conf, plugins, &selected);
	if (rc >= 0)
		goto out;
	if ((conf->disable || conf->warn_days) &&
	    core_lock_acquire(conf->lock_file, &lock_fd, &err) != DORMANT_OK) {
		core_log(DORMANT_LOG_ERROR, NULL, "%s", err.msg);
		rc = DORMANT_EXIT_USAGE;
		goto out;
	}
	if (conf->disable &&
	    (core_state_dir_ensure(audit_path, &err) != DORMANT_OK ||
	     core_audit_open(audit_path, &audit, &err) != DORMANT_OK)) {
		core_log(DORMANT_LOG_ERROR, NULL, "%s; nothing was changed",
		         err.msg);
		rc = DORMANT_EXIT_USAGE;
		goto out;
	}
	if (core_report_open(&dest, conf->output, &err) != DORMANT_OK) {
		core_log(DORMANT_LOG_ERROR, NULL, "%s%s", err.msg,
		         conf->disable ? "; nothing was changed" : "");
		rc = DORMANT_EXIT_USAGE;
		goto out;
	}
	if (core_engine_open(conf, plugins, &selected, &engine, &err) !=
	    DORMANT_OK) {
		core_log(DORMANT_LOG_ERROR, NULL, "%s", err.msg);
		rc = DORMANT_EXIT_USAGE;
		goto out;
	}
	core_cli_catch_signals();
	if (core_engine_scan(engine, &result, &err) != DORMANT_OK) {
		core_log(DORMANT_LOG_ERROR, NULL, "%s", err.msg);
		rc = DORMANT_EXIT_FAILED;
		goto out;
	}
	if (core_engine_cancelled()) {
		rc = interrupted();
		goto out;
	}
	core_audit_run_id(result.generated_at, run_id);
	memcpy(result.run_id, run_id, sizeof(run_id));
	if (conf->disable) {
		core_log(DORMANT_LOG_INFO, NULL, "run %s: disabling", run_id);
		if (core_remediate(engine, conf, &result, audit, &err) !=
		    DORMANT_OK) {
			core_log(DORMANT_LOG_ERROR, NULL, "%s", err.msg);
			rc = DORMANT_EXIT_FAILED;
			goto out;
		}
		if (core_engine_cancelled()) {
			rc = interrupted();
			goto out;
		}
	}
	if (conf->warn_days && result.warnings.n)
		core_warn_state_filter(conf, &result.warnings);
	if (nothing_to_say(conf, &result)) {
		core_log(DORMANT_LOG_INFO, NULL,
		         "%zu users scanned, no findings",
		         result.users_scanned);
	} else if (core_report_finish(&dest, &result, conf->format, &err) !=
	           DORMANT_OK) {
		core_log(DORMANT_LOG_ERROR, NULL, "%s", err.msg);
		rc = DORMANT_EXIT_FAILED;
		goto out;
	}
	rc = core_result_exit_status(&result);
out:
	core_report_abort(&dest);
	core_result_free(&result);
	core_engine_close(engine);
	core_audit_close(audit);
	core_lock_release(lock_fd);
	core_strv_free(&selected);
	return rc;
}
