/* dormant: `dormant enable --from AUDIT_LOG [--run ID]`: undo what a run
 * disabled, where the cloud allows it, and say plainly where it does not.
 * Without --run, the newest run that disabled anyone is undone. Every
 * re-enable is written to the same audit log, before and after.
 *
 * A disable with a "before" record and no "after" (the run was killed
 * mid-action) may have happened: it is undone too (SPEC 7), since enable
 * is idempotent and the account was enabled when the run judged it. So
 * is a disable that failed after the cloud was asked ("called": the
 * answer may have been lost on its way back while the change was made). */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dormant/plugin.h>

#include "audit.h"
#include "cli.h"
#include "engine.h"
#include "lock.h"
#include "log.h"

struct target {
	char *run, *provider, *scope, *id, *name;
	const char *result;
	char error[DORMANT_ERROR_MAX];
	bool disabled; /* an "after" says disabled */
	bool settled;  /* an "after" says anything else: nothing to undo */
};

struct targets {
	struct target *v;
	size_t n;
	bool nomem;
};

static void
target_free(struct target *t)
{
	free(t->run);
	free(t->provider);
	free(t->scope);
	free(t->id);
	free(t->name);
}

static bool
same_user(const struct target *t, const struct core_audit_record *r)
{
	return strcmp(t->provider, r->provider) == 0 &&
	       strcmp(t->scope, r->scope) == 0 && strcmp(t->id, r->id) == 0;
}

/* The run's target for r's user, or NULL. */
static struct target *
find(struct targets *ts, const struct core_audit_record *r)
{
	for (size_t i = 0; i < ts->n; i++)
		if (strcmp(ts->v[i].run, r->run) == 0 &&
		    same_user(&ts->v[i], r))
			return &ts->v[i];
	return NULL;
}

static enum dormant_status
collect(void *ctx, const struct core_audit_record *r, unsigned line)
{
	struct targets *ts = ctx;
	struct target *t;
	bool before;

	(void)line;
	if (strcmp(r->action, "disable") != 0)
		return DORMANT_OK;
	before = strcmp(r->phase, "before") == 0;
	t = find(ts, r);
	if (!before) {
		if (strcmp(r->phase, "after") != 0)
			return DORMANT_OK;
		if (r->result && strcmp(r->result, "disabled") == 0) {
			if (!t)
				goto add; /* an "after" alone: a torn log */
			t->disabled = true;
		} else if (t && !t->disabled && !r->called) {
			t->settled = true;
		}
		return DORMANT_OK;
	}
	if (t)
		return DORMANT_OK;
add:
	t = realloc(ts->v, (ts->n + 1) * sizeof(*t));
	if (!t)
		return DORMANT_ERR_NOMEM;
	ts->v = t;
	t = &ts->v[ts->n];
	memset(t, 0, sizeof(*t));
	t->result = "failed"; /* until tried */
	t->disabled = !before;
	t->run = strdup(r->run);
	t->provider = strdup(r->provider);
	t->scope = strdup(r->scope);
	t->id = strdup(r->id);
	t->name = strdup(r->name ? r->name : r->id);
	ts->n++;
	/* Names come from the clouds; keep them off the terminal's controls. */
	for (char *p = t->name; p && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (!t->run || !t->provider || !t->scope || !t->id || !t->name)
		return DORMANT_ERR_NOMEM;
	return DORMANT_OK;
}

/* Disabled, or maybe disabled (no recorded outcome): to be undone. */
static bool
to_undo(const struct target *t)
{
	return t->disabled || !t->settled;
}

static enum dormant_status
record(struct core_audit *audit, const char *run, const struct target *t,
       const char *phase, const char *result, const char *error,
       struct dormant_error *err)
{
	struct core_audit_record r = {
	        .time = (int64_t)time(NULL),
	        .run = run,
	        .provider = t->provider,
	        .scope = t->scope,
	        .id = t->id,
	        .name = t->name,
	        .action = "enable",
	        .phase = phase,
	        .result = result,
	        .error = error,
	};

	return core_audit_write(audit, &r, err);
}

static bool
has_enable_many(const struct dormant_provider *desc)
{
	return DORMANT_PROVIDER_HAS(desc, enable_many);
}

/* Checks that t can be re-enabled here and records the intent; false
 * (with t's result set) when it cannot go ahead. */
static bool
begin(struct core_engine *engine, struct core_audit *audit, const char *run,
      struct target *t, const struct dormant_provider **desc, void **handle)
{
	struct dormant_error err = {{0}};

	t->result = "failed";
	if (!core_engine_find(engine, t->provider, desc, handle)) {
		snprintf(t->error, sizeof(t->error),
		         "provider %s is not configured here", t->provider);
		return false;
	}
	if (!(*desc)->enable && !has_enable_many(*desc)) {
		t->result = "cannot";
		snprintf(t->error, sizeof(t->error),
		         "%s cannot undo this: what was removed cannot be "
		         "restored (see dormant-plugin(7)); grant access again "
		         "by "
		         "hand if needed",
		         t->provider);
		return false;
	}
	if (record(audit, run, t, "before", NULL, NULL, &err) != DORMANT_OK) {
		snprintf(t->error, sizeof(t->error), "not enabled: %.480s",
		         err.msg);
		return false;
	}
	return true;
}

static void
end(struct core_audit *audit, const char *run, struct target *t,
    enum dormant_status st, const struct dormant_error *result)
{
	struct dormant_error err = {{0}};

	t->result = st == DORMANT_OK ? "enabled" : "failed";
	if (st != DORMANT_OK)
		snprintf(t->error, sizeof(t->error), "%s",
		         result->msg[0] ? result->msg : dormant_strerror(st));
	if (record(audit, run, t, "after", t->result,
	           t->error[0] ? t->error : NULL, &err) != DORMANT_OK)
		core_log(DORMANT_LOG_ERROR, t->provider, "audit log: %s",
		         err.msg);
}

/* Re-enables every target, a scope's users together where the provider
 * takes them in bulk. */
static void
enable_all(struct core_engine *engine, struct core_audit *audit,
           const char *run, struct targets *ts)
{
	struct dormant_action_item items[DORMANT_BULK_MAX];
	size_t which[DORMANT_BULK_MAX];
	bool *done = calloc(ts->n ? ts->n : 1, sizeof(*done));

	for (size_t i = 0; done && i < ts->n; i++) {
		const struct dormant_provider *desc;
		struct dormant_error err = {{0}};
		void *handle;
		size_t n = 0;
		enum dormant_status st;

		if (done[i])
			continue;
		done[i] = true;
		if (!begin(engine, audit, run, &ts->v[i], &desc, &handle))
			continue;
		if (!has_enable_many(desc)) {
			st = desc->enable(handle, ts->v[i].scope, ts->v[i].id,
			                  ts->v[i].name, &err);
			end(audit, run, &ts->v[i], st, &err);
			continue;
		}
		which[n++] = i;
		for (size_t j = i + 1; j < ts->n && n < DORMANT_BULK_MAX; j++) {
			if (done[j] ||
			    strcmp(ts->v[j].provider, ts->v[i].provider) ||
			    strcmp(ts->v[j].scope, ts->v[i].scope))
				continue;
			done[j] = true;
			if (begin(engine, audit, run, &ts->v[j], &desc,
			          &handle))
				which[n++] = j;
		}
		for (size_t k = 0; k < n; k++) {
			memset(&items[k], 0, sizeof(items[k]));
			items[k].id = ts->v[which[k]].id;
			items[k].name = ts->v[which[k]].name;
		}
		st = desc->enable_many(handle, ts->v[i].scope, items, n);
		for (size_t k = 0; k < n; k++) {
			if (st != DORMANT_OK && items[k].status == DORMANT_OK &&
			    !items[k].error.msg[0])
				items[k].status = st;
			end(audit, run, &ts->v[which[k]], items[k].status,
			    &items[k].error);
		}
	}
	free(done);
}

int
core_cmd_enable(struct core_conf *conf, const struct core_plugins *plugins,
                const char *from, const char *run)
{
	struct targets all = {0}, chosen = {0};
	struct core_strv providers = {0};
	struct core_engine *engine = NULL;
	struct core_audit *audit = NULL;
	struct dormant_error err = {{0}};
	char this_run[32];
	unsigned bad = 0;
	int lock_fd = -1, rc;

	rc = core_cli_check_sections(conf, plugins);
	if (rc >= 0)
		goto out;
	if (core_audit_read(from, collect, &all, &bad, &err) != DORMANT_OK) {
		core_log(DORMANT_LOG_ERROR, NULL, "%s", err.msg);
		rc = DORMANT_EXIT_USAGE;
		goto out;
	}
	for (size_t i = all.n; !run && i > 0; i--)
		if (to_undo(&all.v[i - 1]))
			run = all.v[i - 1].run;
	for (size_t i = 0; i < all.n; i++) {
		if (!run || strcmp(all.v[i].run, run) != 0 ||
		    !to_undo(&all.v[i]))
			continue;
		struct target *v =
		        realloc(chosen.v, (chosen.n + 1) * sizeof(*chosen.v));
		if (!v) {
			rc = DORMANT_EXIT_FAILED;
			goto out;
		}
		chosen.v = v;
		chosen.v[chosen.n++] = all.v[i];
		memset(&all.v[i], 0, sizeof(all.v[i]));
		if (!core_strv_contains(&providers,
		                        chosen.v[chosen.n - 1].provider))
			core_strv_add(&providers,
			              chosen.v[chosen.n - 1].provider);
	}
	if (!chosen.n) {
		/* Asked to undo what is not there: an error, and cron's
		 * exit status says so. */
		core_log(DORMANT_LOG_ERROR, NULL,
		         "%s: no account disabled by %s%s", from,
		         run ? "run " : "any run", run ? run : "");
		rc = DORMANT_EXIT_USAGE;
		goto out;
	}
	if (core_lock_acquire(conf->lock_file, &lock_fd, &err) != DORMANT_OK) {
		core_log(DORMANT_LOG_ERROR, NULL, "%s", err.msg);
		rc = DORMANT_EXIT_USAGE;
		goto out;
	}
	if (core_audit_open(from, &audit, &err) != DORMANT_OK ||
	    core_engine_open(conf, plugins, &providers, &engine, &err) !=
	            DORMANT_OK) {
		core_log(DORMANT_LOG_ERROR, NULL, "%s; nothing was changed",
		         err.msg);
		rc = DORMANT_EXIT_USAGE;
		goto out;
	}
	core_audit_run_id((int64_t)time(NULL), this_run);
	core_log(DORMANT_LOG_INFO, NULL,
	         "run %s: re-enabling %zu accounts disabled by run %s",
	         this_run, chosen.n, run);
	for (size_t i = 0; i < providers.n; i++) {
		if (core_engine_prepare_actions(engine, providers.v[i], &err) ==
		    DORMANT_OK)
			continue;
		core_log(DORMANT_LOG_ERROR, NULL, "%s; nothing was changed",
		         err.msg);
		rc = DORMANT_EXIT_FAILED;
		goto out;
	}
	rc = DORMANT_EXIT_CLEAN;
	printf("%-8s  %-14s  %-30s  %-8s  %s\n", "PROVIDER", "SCOPE", "USER",
	       "RESULT", "NOTE");
	enable_all(engine, audit, this_run, &chosen);
	for (size_t i = 0; i < chosen.n; i++) {
		struct target *t = &chosen.v[i];
		if (strcmp(t->result, "enabled") != 0)
			rc = DORMANT_EXIT_FAILED;
		printf("%-8s  %-14s  %-30s  %-8s  %s\n", t->provider, t->scope,
		       t->name, t->result,
		       t->error[0]   ? t->error
		       : t->disabled ? ""
		                     : "the disable had no recorded outcome "
		                       "(the run was interrupted)");
	}
out:
	for (size_t i = 0; i < all.n; i++)
		target_free(&all.v[i]);
	for (size_t i = 0; i < chosen.n; i++)
		target_free(&chosen.v[i]);
	free(all.v);
	free(chosen.v);
	core_engine_close(engine);
	core_audit_close(audit);
	core_lock_release(lock_fd);
	core_strv_free(&providers);
	return rc;
}
