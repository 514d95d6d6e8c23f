/* dormant: safe remediation. */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dormant/plugin.h>
#include <dormant/timeutil.h>

#include "log.h"
#include "remediate.h"
#include "verdict.h"

static void set_action(struct dormant_finding *f, enum dormant_action action,
                       const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void
set_action(struct dormant_finding *f, enum dormant_action action,
           const char *fmt, ...)
{
	char msg[DORMANT_ERROR_MAX];
	va_list ap;

	f->action = action;
	free(f->action_error);
	f->action_error = NULL;
	if (!fmt)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f->action_error = strdup(msg);
}

static const struct dormant_scope_result *
scope_of(const struct dormant_result *res, const struct dormant_finding *f)
{
	for (size_t i = 0; i < res->n_scopes; i++)
		if (strcmp(res->scopes[i].provider, f->provider) == 0 &&
		    res->scopes[i].scope && f->scope &&
		    strcmp(res->scopes[i].scope, f->scope) == 0)
			return &res->scopes[i];
	return NULL;
}

/* The first scope of the provider whose listing did not complete. */
static const struct dormant_scope_result *
failed_scope(const struct dormant_result *res, const char *provider)
{
	for (size_t i = 0; i < res->n_scopes; i++)
		if (strcmp(res->scopes[i].provider, provider) == 0 &&
		    res->scopes[i].status != DORMANT_OK)
			return &res->scopes[i];
	return NULL;
}

/* The guards of SPEC section 7 that hold whatever the numbers: true when
 * f may be disabled, else f is marked skipped with the reason. */
static bool
may_disable(struct dormant_engine *engine, const struct dormant_conf *conf,
            const struct dormant_result *res, struct dormant_finding *f)
{
	const struct dormant_provider *desc;
	const struct dormant_scope_result *failed, *scope;
	void *handle;

	if (!dormant_engine_find(engine, f->provider, &desc, &handle) ||
	    !desc->disable) {
		set_action(f, DORMANT_ACTION_SKIPPED,
		           "provider %s cannot disable users", f->provider);
		return false;
	}
	failed = failed_scope(res, f->provider);
	if (failed) {
		set_action(
		        f, DORMANT_ACTION_SKIPPED,
		        "not disabled: the listing of %s %s did not complete",
		        f->provider, failed->scope);
		return false;
	}
	scope = scope_of(res, f);
	if (scope && scope->admins_unknown) {
		set_action(f, DORMANT_ACTION_SKIPPED,
		           "not disabled: admins unknown in this scope (%s)",
		           scope->admins_unknown);
		return false;
	}
	if (f->admin && !conf->disable_admins) {
		set_action(f, DORMANT_ACTION_SKIPPED,
		           "admin: not disabled unless disable_admins = yes");
		return false;
	}
	return true;
}

/* The circuit breaker, over the whole run. Returns the reason to stop, or
 * NULL to go on. */
static char *
breaker(const struct dormant_conf *conf, const struct dormant_result *res,
        size_t n)
{
	char msg[512];

	if (n > (size_t)conf->max_disable) {
		snprintf(
		        msg, sizeof(msg),
		        "%zu accounts would be disabled, more than max_disable "
		        "(%ld); nobody was disabled",
		        n, conf->max_disable);
		return strdup(msg);
	}
	if (n && (double)n * 100.0 > conf->max_disable_percent *
	                                     (double)res->users_scanned) {
		snprintf(
		        msg, sizeof(msg),
		        "%zu accounts would be disabled, %.1f%% of the %zu "
		        "users "
		        "scanned, more than max_disable_percent (%g%%); nobody "
		        "was disabled",
		        n,
		        res->users_scanned
		                ? 100.0 * (double)n / (double)res->users_scanned
		                : 100.0,
		        res->users_scanned, conf->max_disable_percent);
		return strdup(msg);
	}
	return NULL;
}

struct work {
	struct dormant_engine *engine;
	const struct dormant_conf *conf;
	struct dormant_audit *audit;
	const char *run_id;
	const struct dormant_provider *desc;
	void *handle;
	struct dormant_finding **items;
	size_t n;
	size_t next;
	size_t started; /* threads working on this provider */
	bool bulk;      /* the provider takes disable_many */
	bool *go;       /* bulk: items[i] passed its re-read */
	pthread_mutex_t lock;
};

static enum dormant_status
audit(struct work *w, const struct dormant_finding *f, const char *phase,
      const char *result, const char *error, struct dormant_error *err)
{
	struct dormant_audit_record r = {
	        .time = (int64_t)time(NULL),
	        .run = w->run_id,
	        .provider = f->provider,
	        .scope = f->scope,
	        .id = f->id,
	        .name = f->name,
	        .action = "disable",
	        .phase = phase,
	        .result = result,
	        .error = error,
	};

	return dormant_audit_write(w->audit, &r, err);
}

/* Has the user signed in since the scan, for good? */
static bool
signed_in_since(struct work *w, const struct dormant_finding *f,
                int64_t last_login)
{
	struct dormant_user u = {
	        .id = f->id,
	        .name = f->name,
	        .created = f->created,
	        .last_login = last_login,
	        .access_granted =
	                f->never_logged_in ? f->reference : DORMANT_TIME_NONE,
	        .interactive_access = true,
	        .account_enabled = true,
	};
	struct dormant_verdict v;

	if (last_login == DORMANT_TIME_NONE)
		return false;
	dormant_verdict_judge(&u, dormant_engine_now(w->engine), w->conf->days,
	                      0, &v);
	return v.judgement != DORMANT_DORMANT;
}

static void
log_outcome(const struct dormant_finding *f)
{
	dormant_log(f->action == DORMANT_ACTION_FAILED ? DORMANT_LOG_ERROR
	                                               : DORMANT_LOG_INFO,
	            f->provider, "%s %s: %s%s%s", f->scope, f->name,
	            dormant_action_name(f->action), f->action_error ? ": " : "",
	            f->action_error ? f->action_error : "");
}

/* Records the outcome already set on f. */
static void
finish(struct work *w, struct dormant_finding *f)
{
	struct dormant_error err = {{0}};

	log_outcome(f);
	if (audit(w, f, "after", dormant_action_name(f->action),
	          f->action_error, &err) != DORMANT_OK)
		dormant_log(DORMANT_LOG_ERROR, f->provider,
		            "%s %s: %s: audit log: %s", f->scope, f->name,
		            dormant_action_name(f->action), err.msg);
}

/* Records the intent and re-reads the last sign-in. True when f is to be
 * disabled now; otherwise its outcome is set (and recorded when an
 * intent was). */
static bool
begin(struct work *w, struct dormant_finding *f)
{
	struct dormant_error err = {{0}};
	char when[DORMANT_TIME_BUFSZ];
	int64_t last = DORMANT_TIME_NONE;
	enum dormant_status st;

	if (audit(w, f, "before", NULL, NULL, &err) != DORMANT_OK) {
		/* No record, no action: an undocumented disable cannot be
		 * reviewed or undone. */
		set_action(f, DORMANT_ACTION_FAILED, "not disabled: %s",
		           err.msg);
		log_outcome(f);
		return false;
	}
	if (!w->desc->last_login) {
		st = dormant_error_set(&err, DORMANT_ERR_UNSUPPORTED,
		                       "provider cannot re-read sign-ins");
	} else {
		st = w->desc->last_login(w->handle, f->scope, f->id, f->name,
		                         &last, &err);
	}
	if (st != DORMANT_OK) {
		set_action(f, DORMANT_ACTION_FAILED,
		           "not disabled: cannot re-read the last sign-in: %s",
		           err.msg);
	} else if (signed_in_since(w, f, last)) {
		set_action(f, DORMANT_ACTION_SKIPPED,
		           "signed in at %s, after the scan",
		           dormant_time_format(last, when));
	} else {
		return true;
	}
	finish(w, f);
	return false;
}

static void
outcome(struct dormant_finding *f, enum dormant_status st,
        const struct dormant_error *err)
{
	if (st == DORMANT_OK)
		set_action(f, DORMANT_ACTION_DISABLED, NULL);
	else
		set_action(f, DORMANT_ACTION_FAILED, "%s",
		           err->msg[0] ? err->msg : dormant_strerror(st));
}

static void
act(struct work *w, size_t i)
{
	struct dormant_finding *f = w->items[i];
	struct dormant_error err = {{0}};

	if (!begin(w, f))
		return;
	if (w->bulk) {
		w->go[i] =
		        true; /* disabled in groups once every re-read is in */
		return;
	}
	outcome(f, w->desc->disable(w->handle, f->scope, f->id, f->name, &err),
	        &err);
	finish(w, f);
}

/* The bulk path: every user whose re-read said go, in groups of one scope
 * and at most DORMANT_BULK_MAX (items are sorted, so a scope's users are
 * contiguous). */
static void
act_in_bulk(struct work *w)
{
	struct dormant_action_item *batch;
	size_t *which;

	batch = calloc(DORMANT_BULK_MAX, sizeof(*batch));
	which = calloc(DORMANT_BULK_MAX, sizeof(*which));
	for (size_t i = 0; i < w->n;) {
		const char *scope = w->items[i]->scope;
		size_t n = 0;
		enum dormant_status st;

		while (i < w->n && n < DORMANT_BULK_MAX &&
		       strcmp(w->items[i]->scope, scope) == 0) {
			if (w->go[i]) {
				which[n] = i;
				memset(&batch[n], 0, sizeof(batch[n]));
				batch[n].id = w->items[i]->id;
				batch[n].name = w->items[i]->name;
				n++;
			}
			i++;
		}
		if (!n)
			continue;
		if (!batch || !which || dormant_engine_cancelled()) {
			for (size_t k = 0; k < n; k++) {
				struct dormant_finding *f = w->items[which[k]];
				set_action(f, DORMANT_ACTION_SKIPPED,
				           "not disabled: %s",
				           batch && which
				                   ? "the run was interrupted"
				                   : "out of memory");
				finish(w, f);
			}
			continue;
		}
		st = w->desc->disable_many(w->handle, scope, batch, n);
		for (size_t k = 0; k < n; k++) {
			struct dormant_finding *f = w->items[which[k]];
			if (st != DORMANT_OK && batch[k].status == DORMANT_OK &&
			    !batch[k].error.msg[0])
				batch[k].status = st; /* nothing was tried */
			outcome(f, batch[k].status, &batch[k].error);
			finish(w, f);
		}
	}
	free(batch);
	free(which);
}

static void *
worker(void *arg)
{
	struct work *w = arg;

	for (;;) {
		struct dormant_finding *f;

		pthread_mutex_lock(&w->lock);
		size_t i;

		if (w->next >= w->n) {
			pthread_mutex_unlock(&w->lock);
			return NULL;
		}
		i = w->next++;
		f = w->items[i];
		pthread_mutex_unlock(&w->lock);
		if (dormant_engine_cancelled())
			set_action(f, DORMANT_ACTION_SKIPPED,
			           "not disabled: the run was interrupted");
		else
			act(w, i);
	}
}

static bool
has_disable_many(const struct dormant_provider *desc)
{
	return desc->struct_size >=
	               offsetof(struct dormant_provider, disable_many) +
	                       sizeof(desc->disable_many) &&
	       desc->disable_many;
}

/* How many actions of one provider may run at once. */
static unsigned
provider_cap(const struct dormant_provider *desc)
{
	unsigned cap = 4;

	if (desc->struct_size >=
	            offsetof(struct dormant_provider, action_concurrency) +
	                    sizeof(desc->action_concurrency) &&
	    desc->action_concurrency)
		cap = desc->action_concurrency;
	return cap > DORMANT_MAX_ACTION_THREADS ? DORMANT_MAX_ACTION_THREADS
	                                        : cap;
}

enum dormant_status
dormant_remediate(struct dormant_engine *engine,
                  const struct dormant_conf *conf, struct dormant_result *res,
                  struct dormant_audit *audit_log, struct dormant_error *err)
{
	struct dormant_finding **todo = NULL;
	struct work *works = NULL;
	pthread_t *threads = NULL;
	size_t n = 0, n_works = 0, n_threads = 0, total_threads = 0;
	enum dormant_status st = DORMANT_OK;

	todo = calloc(res->findings.n ? res->findings.n : 1, sizeof(*todo));
	works = calloc(res->findings.n ? res->findings.n : 1, sizeof(*works));
	if (!todo || !works) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < res->findings.n; i++)
		if (may_disable(engine, conf, res, &res->findings.v[i]))
			todo[n++] = &res->findings.v[i];

	res->safety_stop = breaker(conf, res, n);
	if (res->safety_stop) {
		for (size_t i = 0; i < n; i++)
			set_action(todo[i], DORMANT_ACTION_SKIPPED,
			           "safety stop: %s", res->safety_stop);
		dormant_log(DORMANT_LOG_ERROR, NULL, "safety stop: %s",
		            res->safety_stop);
		goto out;
	}

	/* Findings are sorted by provider: each provider's run is one
	 * contiguous slice of todo. */
	for (size_t i = 0; i < n;) {
		struct work *w = &works[n_works++];
		size_t j = i;

		while (j < n &&
		       strcmp(todo[j]->provider, todo[i]->provider) == 0)
			j++;
		w->engine = engine;
		w->conf = conf;
		w->audit = audit_log;
		w->run_id = res->run_id;
		dormant_engine_find(engine, todo[i]->provider, &w->desc,
		                    &w->handle);
		w->items = todo + i;
		w->n = j - i;
		w->bulk = has_disable_many(w->desc);
		if (w->bulk && !(w->go = calloc(w->n, sizeof(*w->go)))) {
			st = dormant_error_set(err, DORMANT_ERR_NOMEM,
			                       "out of memory");
			goto out;
		}
		pthread_mutex_init(&w->lock, NULL);
		total_threads += w->n < provider_cap(w->desc)
		                         ? w->n
		                         : provider_cap(w->desc);
		i = j;
	}
	threads = calloc(total_threads ? total_threads : 1, sizeof(*threads));
	if (!threads) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < n_works; k++) {
		struct work *w = &works[k];
		size_t cap = provider_cap(w->desc);

		for (size_t t = 0; t < cap && t < w->n; t++) {
			if (pthread_create(&threads[n_threads], NULL, worker,
			                   w) != 0)
				break;
			n_threads++;
			w->started++;
		}
	}
	/* A provider that got no thread at all is served here, in turn. */
	for (size_t k = 0; k < n_works; k++)
		if (!works[k].started)
			worker(&works[k]);
	for (size_t t = 0; t < n_threads; t++)
		pthread_join(threads[t], NULL);
	for (size_t k = 0; k < n_works; k++) {
		if (works[k].bulk)
			act_in_bulk(&works[k]);
		pthread_mutex_destroy(&works[k].lock);
	}
out:
	for (size_t k = 0; k < n_works; k++)
		free(works[k].go);
	free(threads);
	free(works);
	free(todo);
	return st;
}
