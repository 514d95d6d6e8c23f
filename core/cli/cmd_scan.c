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
nothing_to_say(const struct dormant_conf *conf, const struct dormant_result *r)
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
	int sig = dormant_cli_caught_signal();

	dormant_log(DORMANT_LOG_ERROR, NULL,
	            "interrupted by %s; no report written",
	            sig == SIGTERM ? "SIGTERM" : "SIGINT");
	return 128 + (sig ? sig : SIGINT);
}

int
dormant_cmd_scan(struct dormant_conf *conf,
                 const struct dormant_plugins *plugins)
{
	struct dormant_strv selected = {0};
	struct dormant_engine *engine = NULL;
	struct dormant_audit *audit = NULL;
	struct dormant_report_dest dest = {0};
	struct dormant_result result;
	struct dormant_error err = {{0}};
	const char *audit_path =
	        conf->audit_log ? conf->audit_log : DORMANT_DEFAULT_AUDIT_LOG;
	char run_id[32];
	int lock_fd = -1, rc;

	memset(&result, 0, sizeof(result));
	rc = dormant_cli_prepare(conf, plugins, &selected);
	if (rc >= 0)
		goto out;
	if ((conf->disable || conf->warn_days) &&
	    dormant_lock_acquire(conf->lock_file, &lock_fd, &err) !=
	            DORMANT_OK) {
		dormant_log(DORMANT_LOG_ERROR, NULL, "%s", err.msg);
		rc = DORMANT_EXIT_USAGE;
		goto out;
	}
	if (conf->disable &&
	    (dormant_state_dir_ensure(audit_path, &err) != DORMANT_OK ||
	     dormant_audit_open(audit_path, &audit, &err) != DORMANT_OK)) {
		dormant_log(DORMANT_LOG_ERROR, NULL, "%s; nothing was changed",
		            err.msg);
		rc = DORMANT_EXIT_USAGE;
		goto out;
	}
	if (dormant_report_open(&dest, conf->output, &err) != DORMANT_OK) {
		dormant_log(DORMANT_LOG_ERROR, NULL, "%s%s", err.msg,
		            conf->disable ? "; nothing was changed" : "");
		rc = DORMANT_EXIT_USAGE;
		goto out;
	}
	if (dormant_engine_open(conf, plugins, &selected, &engine, &err) !=
	    DORMANT_OK) {
		dormant_log(DORMANT_LOG_ERROR, NULL, "%s", err.msg);
		rc = DORMANT_EXIT_USAGE;
		goto out;
	}
	dormant_cli_catch_signals();
	if (dormant_engine_scan(engine, &result, &err) != DORMANT_OK) {
		dormant_log(DORMANT_LOG_ERROR, NULL, "%s", err.msg);
		rc = DORMANT_EXIT_FAILED;
		goto out;
	}
	if (dormant_engine_cancelled()) {
		rc = interrupted();
		goto out;
	}
	dormant_audit_run_id(result.generated_at, run_id);
	memcpy(result.run_id, run_id, sizeof(run_id));
	if (conf->disable) {
		dormant_log(DORMANT_LOG_INFO, NULL, "run %s: disabling",
		            run_id);
		if (dormant_remediate(engine, conf, &result, audit, &err) !=
		    DORMANT_OK) {
			dormant_log(DORMANT_LOG_ERROR, NULL, "%s", err.msg);
			rc = DORMANT_EXIT_FAILED;
			goto out;
		}
		if (dormant_engine_cancelled()) {
			rc = interrupted();
			goto out;
		}
	}
	if (conf->warn_days && result.warnings.n)
		dormant_warn_state_filter(conf, &result.warnings);
	if (nothing_to_say(conf, &result)) {
		dormant_log(DORMANT_LOG_INFO, NULL,
		            "%zu users scanned, no findings",
		            result.users_scanned);
	} else if (dormant_report_finish(&dest, &result, conf->format, &err) !=
	           DORMANT_OK) {
		dormant_log(DORMANT_LOG_ERROR, NULL, "%s", err.msg);
		rc = DORMANT_EXIT_FAILED;
		goto out;
	}
	rc = dormant_result_exit_status(&result);
out:
	dormant_report_abort(&dest);
	dormant_result_free(&result);
	dormant_engine_close(engine);
	dormant_audit_close(audit);
	dormant_lock_release(lock_fd);
	dormant_strv_free(&selected);
	return rc;
}
