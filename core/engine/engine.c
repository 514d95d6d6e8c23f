/* dormant: the scan engine. */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dormant/plugin.h>

#include "engine.h"
#include "exclude.h"
#include "host_config.h"
#include "log.h"
#include "progress.h"
#include "verdict.h"

static volatile sig_atomic_t cancel_requested;

void
core_engine_cancel(void)
{
	cancel_requested = 1;
}

bool
core_engine_cancelled(void)
{
	return cancel_requested != 0;
}

/* What core lends one opened provider. The host is the first member so
 * that host->core can point back here. */
struct opened {
	struct dormant_host host;
	const struct core_plugin *plugin;
	const struct core_conf_section *section;
	const struct core_conf *conf;
	void *handle;
};

struct core_engine {
	const struct core_conf *conf;
	struct opened *opened;
	size_t n_opened;
	int64_t now; /* the verdict's clock, fixed for the whole run */
};

/* One scope's scan: the thread's whole world. */
struct job {
	struct core_engine *engine;
	struct opened *op;
	size_t scope_index;
	struct core_scope_result *result;
	struct dormant_sink sink;
	enum dormant_status sink_status;
	struct core_progress *progress; /* NULL: none shown */
};

static const char *
host_config(const struct dormant_host *host, const char *key)
{
	const struct opened *op = host->core;

	return core_conf_section_get(op->section, key);
}

static void
host_log(const struct dormant_host *host, enum dormant_log_level level,
         const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	core_logv(level, host->provider, fmt, ap);
	va_end(ap);
}

/* Protocols (token lifetimes, request signatures) need the real clock
 * even when --now pins the verdict's. */
static int64_t
host_now(const struct dormant_host *host)
{
	(void)host;
	return (int64_t)time(NULL);
}

static bool
host_cancelled(const struct dormant_host *host)
{
	(void)host;
	return core_engine_cancelled();
}

enum dormant_status
core_engine_open(const struct core_conf *conf,
                 const struct core_plugins *plugins,
                 const struct core_strv *providers, struct core_engine **out,
                 struct dormant_error *err)
{
	struct core_engine *e;
	enum dormant_status st = DORMANT_OK;

	*out = NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	e->conf = conf;
	e->now = conf->now != DORMANT_TIME_NONE ? conf->now
	                                        : (int64_t)time(NULL);
	e->opened = calloc(providers->n ? providers->n : 1, sizeof(*e->opened));
	if (!e->opened) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < providers->n; i++) {
		struct opened *op = &e->opened[i];
		const struct core_plugin *p =
		        core_plugins_find(plugins, providers->v[i]);

		if (!p) {
			st = dormant_error_set(err, DORMANT_ERR_PLUGIN,
			                       "provider %s not loaded",
			                       providers->v[i]);
			goto out;
		}
		op->plugin = p;
		op->conf = conf;
		op->section = core_conf_section(conf, p->name);
		op->host.struct_size = sizeof(op->host);
		op->host.provider = p->name;
		op->host.config = host_config;
		op->host.log = host_log;
		op->host.now = host_now;
		op->host.cancelled = host_cancelled;
		op->host.ca_file = conf->ca_file;
		op->host.verbosity = conf->verbosity < 0 ? 0 : conf->verbosity;
		op->host.core = op;
		op->host.request_timeout_ms = conf->request_timeout * 1000;
		op->host.config_long = core_host_config_long;
		op->host.config_double = core_host_config_double;
		op->host.config_bool = core_host_config_bool;
		st = p->desc->open(&op->host, &op->handle, err);
		if (st != DORMANT_OK) {
			dormant_error_prefix(err, "%s", p->name);
			goto out;
		}
		e->n_opened++;
		if (p->desc->scope_count(op->handle) == 0) {
			st = dormant_error_set(err, DORMANT_ERR_PLUGIN,
			                       "%s: no scope to scan", p->name);
			goto out;
		}
	}
	*out = e;
	e = NULL;
out:
	core_engine_close(e);
	return st;
}

void
core_engine_close(struct core_engine *engine)
{
	if (!engine)
		return;
	for (size_t i = 0; i < engine->n_opened; i++)
		engine->opened[i].plugin->desc->close(engine->opened[i].handle);
	free(engine->opened);
	free(engine);
}

bool
core_engine_find(struct core_engine *e, const char *name,
                 const struct dormant_provider **desc, void **handle)
{
	for (size_t i = 0; i < e->n_opened; i++) {
		if (strcmp(e->opened[i].plugin->name, name) == 0) {
			*desc = e->opened[i].plugin->desc;
			*handle = e->opened[i].handle;
			return true;
		}
	}
	return false;
}

enum dormant_status
core_engine_prepare_actions(struct core_engine *engine, const char *provider,
                            struct dormant_error *err)
{
	const struct dormant_provider *desc;
	enum dormant_status st;
	void *handle;

	if (!core_engine_find(engine, provider, &desc, &handle))
		return dormant_error_set(err, DORMANT_ERR_INTERNAL,
		                         "provider %s is not open", provider);
	if (!DORMANT_PROVIDER_HAS(desc, prepare_actions))
		return DORMANT_OK;
	st = desc->prepare_actions(handle, err);
	if (st != DORMANT_OK) {
		if (!err->msg[0])
			dormant_error_set(err, st, "%s", dormant_strerror(st));
		dormant_error_prefix(err, "%s cannot act", provider);
	}
	return st;
}

int64_t
core_engine_now(const struct core_engine *e)
{
	return e->now;
}

/* Sink callbacks, called from the provider in the scope's thread. */

static void
sink_set_scope(struct dormant_sink *sink, const char *scope)
{
	struct job *job = sink->core;
	char *copy;

	if (!scope || !*scope)
		return;
	copy = strdup(scope);
	if (!copy) {
		job->sink_status = DORMANT_ERR_NOMEM;
		return;
	}
	free(job->result->scope);
	job->result->scope = copy;
}

static enum dormant_status
sink_user(struct dormant_sink *sink, const struct dormant_user *user)
{
	struct job *job = sink->core;
	const struct core_conf *conf = job->engine->conf;
	struct core_scope_result *r = job->result;
	struct core_verdict v;
	enum dormant_status st;

	if (job->sink_status != DORMANT_OK)
		return job->sink_status;
	if (core_engine_cancelled())
		return DORMANT_ERR_CANCELLED;
	r->users_scanned++;
	core_progress_user(job->progress, r);
	if (!user->id || !user->name) {
		core_log(DORMANT_LOG_WARNING, job->op->plugin->name,
		         "a user without id or name was ignored");
		return DORMANT_OK;
	}
	core_verdict_judge(user, job->engine->now, conf->days, conf->warn_days,
	                   &v);
	if (v.judgement != DORMANT_DORMANT && v.judgement != DORMANT_WARN)
		return DORMANT_OK;
	if (core_exclude_match(&conf->exclude, user)) {
		core_log(DORMANT_LOG_INFO, job->op->plugin->name,
		         "%s: excluded", user->name);
		return DORMANT_OK;
	}
	st = core_findings_add(v.judgement == DORMANT_DORMANT ? &r->findings
	                                                      : &r->warnings,
	                       job->op->plugin->name,
	                       user->scope ? user->scope : r->scope, user, &v);
	if (st != DORMANT_OK)
		job->sink_status = st;
	return st;
}

static void
sink_page(struct dormant_sink *sink)
{
	struct job *job = sink->core;

	job->result->pages++;
	core_progress_page(job->progress, job->result);
}

static void
sink_admins_unknown(struct dormant_sink *sink, const char *why)
{
	struct job *job = sink->core;

	if (job->result->admins_unknown)
		return;
	job->result->admins_unknown = strdup(why ? why : "admins unknown");
	if (!job->result->admins_unknown)
		job->sink_status = DORMANT_ERR_NOMEM;
}

static void
run_job(struct job *job)
{
	const struct dormant_provider *desc = job->op->plugin->desc;
	struct core_scope_result *r = job->result;
	struct dormant_error err = {{0}};
	enum dormant_status st;

	job->sink.set_scope = sink_set_scope;
	job->sink.user = sink_user;
	job->sink.page = sink_page;
	job->sink.admins_unknown = sink_admins_unknown;
	job->sink.core = job;
	core_log(DORMANT_LOG_INFO, job->op->plugin->name, "scanning %s",
	         r->scope);
	st = desc->list_users(job->op->handle, job->scope_index, &job->sink,
	                      &err);
	core_progress_done(job->progress, r);
	if (st == DORMANT_OK && job->sink_status != DORMANT_OK)
		st = job->sink_status;
	if (st == DORMANT_OK && core_engine_cancelled())
		st = DORMANT_ERR_CANCELLED;
	r->status = st;
	if (st != DORMANT_OK) {
		const char *msg = err.msg[0] ? err.msg : dormant_strerror(st);
		r->error = strdup(msg);
		core_log(DORMANT_LOG_ERROR, job->op->plugin->name, "%s: %s",
		         r->scope, msg);
		/* An incomplete listing must not look like a short one. */
		core_findings_free(&r->findings);
		core_findings_free(&r->warnings);
		return;
	}
	if (r->admins_unknown) {
		core_log(DORMANT_LOG_WARNING, job->op->plugin->name,
		         "%s: %s; nobody will be disabled here", r->scope,
		         r->admins_unknown);
		/* Every report format says so, finding by finding: "admin:
		 * false" here would be a guess. */
		for (size_t i = 0; i < r->findings.n; i++)
			r->findings.v[i].admin_unknown = true;
		for (size_t i = 0; i < r->warnings.n; i++)
			r->warnings.v[i].admin_unknown = true;
	}
	core_log(DORMANT_LOG_INFO, job->op->plugin->name,
	         "%s: %zu users, %zu dormant", r->scope, r->users_scanned,
	         r->findings.n);
}

struct pool {
	struct job *jobs;
	size_t n_jobs;
	size_t next;
	pthread_mutex_t lock;
};

static void *
worker(void *arg)
{
	struct pool *pool = arg;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&pool->lock);
		i = pool->next++;
		pthread_mutex_unlock(&pool->lock);
		if (i >= pool->n_jobs)
			return NULL;
		run_job(&pool->jobs[i]);
	}
}

/* Jobs are queued round-robin across providers, so that with more scopes
 * than threads every provider still starts at once. */
static enum dormant_status
plan_jobs(struct core_engine *e, struct core_result *res, struct pool *pool)
{
	size_t total = 0, k = 0, round = 0;
	bool more = true;

	for (size_t i = 0; i < e->n_opened; i++)
		total += e->opened[i].plugin->desc->scope_count(
		        e->opened[i].handle);
	res->scopes = calloc(total ? total : 1, sizeof(*res->scopes));
	pool->jobs = calloc(total ? total : 1, sizeof(*pool->jobs));
	if (!res->scopes || !pool->jobs)
		return DORMANT_ERR_NOMEM;
	res->n_scopes = total;
	pool->n_jobs = total;

	/* Results in provider, scope order; jobs in round-robin order. */
	for (size_t i = 0, slot = 0; i < e->n_opened; i++) {
		struct opened *op = &e->opened[i];
		size_t n = op->plugin->desc->scope_count(op->handle);

		for (size_t s = 0; s < n; s++, slot++) {
			struct core_scope_result *r = &res->scopes[slot];
			const char *label = NULL;

			if (op->plugin->desc->scope_label)
				label = op->plugin->desc->scope_label(
				        op->handle, s);
			r->provider = op->plugin->name;
			r->scope = strdup(label ? label : op->plugin->name);
			if (!r->scope)
				return DORMANT_ERR_NOMEM;
		}
	}
	while (more) {
		more = false;
		for (size_t i = 0, slot = 0; i < e->n_opened; i++) {
			struct opened *op = &e->opened[i];
			size_t n = op->plugin->desc->scope_count(op->handle);

			if (round < n) {
				struct job *job = &pool->jobs[k++];
				job->engine = e;
				job->op = op;
				job->scope_index = round;
				job->result = &res->scopes[slot + round];
				more = true;
			}
			slot += n;
		}
		round++;
	}
	return DORMANT_OK;
}

enum dormant_status
core_engine_scan(struct core_engine *e, struct core_result *res,
                 struct dormant_error *err)
{
	struct pool pool = {.lock = PTHREAD_MUTEX_INITIALIZER};
	pthread_t threads[DORMANT_MAX_SCAN_THREADS];
	struct core_progress *progress;
	size_t n_threads = 0;
	enum dormant_status st;

	memset(res, 0, sizeof(*res));
	res->generated_at = e->now;
	res->days = e->conf->days;
	res->disable_mode = e->conf->disable;
	st = plan_jobs(e, res, &pool);
	if (st != DORMANT_OK) {
		dormant_error_set(err, st, "out of memory");
		goto out;
	}
	progress = core_progress_start(e->conf, res);
	for (size_t i = 0; i < pool.n_jobs; i++)
		pool.jobs[i].progress = progress;
	for (size_t i = 0; i < pool.n_jobs && i < DORMANT_MAX_SCAN_THREADS;
	     i++) {
		if (pthread_create(&threads[n_threads], NULL, worker, &pool) !=
		    0)
			break;
		n_threads++;
	}
	if (n_threads == 0 && pool.n_jobs > 0) {
		/* No thread to be had: scan here, one scope after another. */
		worker(&pool);
	}
	for (size_t i = 0; i < n_threads; i++)
		pthread_join(threads[i], NULL);
	core_progress_stop(progress);

	for (size_t i = 0; i < res->n_scopes; i++) {
		struct core_scope_result *r = &res->scopes[i];
		res->users_scanned += r->users_scanned;
		r->n_findings = r->findings.n;
		r->n_warnings = r->warnings.n;
		if (r->status == DORMANT_OK &&
		    (core_findings_move(&res->findings, &r->findings) !=
		             DORMANT_OK ||
		     core_findings_move(&res->warnings, &r->warnings) !=
		             DORMANT_OK)) {
			st = dormant_error_set(err, DORMANT_ERR_NOMEM,
			                       "out of memory");
			goto out;
		}
	}
	core_findings_sort(&res->findings);
	core_findings_sort(&res->warnings);
out:
	free(pool.jobs);
	return st;
}

void
core_result_free(struct core_result *res)
{
	for (size_t i = 0; i < res->n_scopes; i++) {
		free(res->scopes[i].scope);
		free(res->scopes[i].error);
		free(res->scopes[i].admins_unknown);
		core_findings_free(&res->scopes[i].findings);
		core_findings_free(&res->scopes[i].warnings);
	}
	free(res->scopes);
	core_findings_free(&res->findings);
	core_findings_free(&res->warnings);
	free(res->safety_stop);
	memset(res, 0, sizeof(*res));
}

int
core_result_exit_status(const struct core_result *res)
{
	int status = res->findings.n ? 1 : 0;

	for (size_t i = 0; i < res->n_scopes; i++)
		if (res->scopes[i].status != DORMANT_OK)
			status = 3;
	for (size_t i = 0; i < res->findings.n; i++)
		if (res->findings.v[i].action == DORMANT_ACTION_FAILED)
			status = 3;
	/* Some disabled, others held back by a guard: not "every action
	 * asked for done" (SPEC 8). */
	if (res->guard_held)
		status = 3;
	if (res->safety_stop)
		status = 4;
	return status;
}
