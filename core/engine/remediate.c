/* dormant: safe remediation. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dormant/buf.h>
#include <dormant/plugin.h>
#include <dormant/timeutil.h>

#include "log.h"
#include "remediate.h"
#include "verdict.h"

static void set_action(struct core_finding *f, enum core_action action,
                       const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void
set_action(struct core_finding *f, enum core_action action, const char *fmt,
           ...)
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

static const struct core_scope_result *
scope_of(const struct core_result *res, const struct core_finding *f)
{
	for (size_t i = 0; i < res->n_scopes; i++)
		if (strcmp(res->scopes[i].provider, f->provider) == 0 &&
		    res->scopes[i].scope && f->scope &&
		    strcmp(res->scopes[i].scope, f->scope) == 0)
			return &res->scopes[i];
	return NULL;
}

/* The first scope of the provider whose listing did not complete. */
static const struct core_scope_result *
failed_scope(const struct core_result *res, const char *provider)
{
	for (size_t i = 0; i < res->n_scopes; i++)
		if (strcmp(res->scopes[i].provider, provider) == 0 &&
		    res->scopes[i].status != DORMANT_OK)
			return &res->scopes[i];
	return NULL;
}

enum gate {
	GATE_GO,     /* may be disabled */
	GATE_POLICY, /* never meant to be: admin, provider cannot disable */
	GATE_GUARD   /* held back by a guard: listing incomplete, admins
	                unknown (SPEC 8: a run where guards held everyone
	                back is a safety stop) */
};

/* The guards of SPEC section 7 that hold whatever the numbers: GATE_GO
 * when f may be disabled, else f is marked skipped with the reason. */
static enum gate
may_disable(struct core_engine *engine, const struct core_conf *conf,
            const struct core_result *res, struct core_finding *f)
{
	const struct dormant_provider *desc;
	const struct core_scope_result *failed, *scope;
	void *handle;

	if (!core_engine_find(engine, f->provider, &desc, &handle) ||
	    !desc->disable) {
		set_action(f, DORMANT_ACTION_SKIPPED,
		           "provider %s cannot disable users", f->provider);
		return GATE_POLICY;
	}
	failed = failed_scope(res, f->provider);
	if (failed) {
		set_action(
		        f, DORMANT_ACTION_SKIPPED,
		        "not disabled: the listing of %s %s did not complete",
		        f->provider, failed->scope);
		return GATE_GUARD;
	}
	scope = scope_of(res, f);
	if (scope && scope->admins_unknown) {
		set_action(f, DORMANT_ACTION_SKIPPED,
		           "not disabled: admins unknown in this scope (%s)",
		           scope->admins_unknown);
		return GATE_GUARD;
	}
	if (f->admin && !conf->disable_admins) {
		set_action(f, DORMANT_ACTION_SKIPPED,
		           "admin: not disabled unless disable_admins = yes");
		return GATE_POLICY;
	}
	return GATE_GO;
}

/* The safety stop of a run whose guards held back every candidate: the
 * guards and scopes, from the findings' own reasons. */
static char *
guard_stop(const struct core_result *res, size_t held)
{
	struct dormant_buf b;
	char *out = NULL;
	size_t shown = 0;

	dormant_buf_init(&b, 8192);
	if (dormant_buf_appendf(
	            &b,
	            "--disable asked, but a guard held back all %zu "
	            "candidates; nobody was disabled:",
	            held) != DORMANT_OK)
		goto out;
	for (size_t i = 0; i < res->n_scopes && shown < 8; i++) {
		const struct core_scope_result *s = &res->scopes[i];
		const char *why = s->status != DORMANT_OK ? "listing incomplete"
		                  : s->admins_unknown     ? "admins unknown"
		                                          : NULL;
		if (!why)
			continue;
		if (dormant_buf_appendf(&b, "%s %s %s: %s", shown ? ";" : "",
		                        s->provider, s->scope ? s->scope : "?",
		                        why) != DORMANT_OK)
			goto out;
		shown++;
	}
	out = dormant_buf_steal(&b);
out:
	dormant_buf_free(&b);
	return out;
}

/* The circuit breaker, over the whole run. Returns the reason to stop, or
 * NULL to go on. */
static char *
breaker(const struct core_conf *conf, const struct core_result *res, size_t n)
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
	struct core_engine *engine;
	const struct core_conf *conf;
	struct core_audit *audit;
	const char *run_id;
	const struct dormant_provider *desc;
	void *handle;
	struct core_finding **items;
	size_t n;
	size_t next;
	unsigned cap;   /* actions of this provider at once */
	size_t started; /* threads working on this provider */
	pthread_mutex_t lock;
	bool lock_made;

	/* The bulk path (the provider takes disable_many): one scope's users
	 * are re-read a round at a time into a batch, and the batch goes out
	 * as soon as it is full or its oldest re-read reaches
	 * DORMANT_REREAD_MAX_AGE_S, so that no user is disabled on a re-read
	 * older than that. queue holds indices into items. */
	bool bulk;
	size_t *queue, qhead, qlen;
	size_t *ready, n_ready; /* this round's users that passed */
	size_t in_flight;
	bool *begun;      /* items[i]'s "before" record is written */
	int64_t *read_at; /* items[i]'s re-read, monotonic ms */
	int64_t oldest;   /* this round's first pass, 0 = none yet */
	int64_t max_age_ms;
};

/* DORMANT_REREAD_MAX_AGE_S, or less: DORMANT_REREAD_MAX_AGE_MS may only
 * tighten the bound (tests use it to see the bound at work quickly). */
static int64_t
reread_max_age_ms(void)
{
	const int64_t bound = (int64_t)DORMANT_REREAD_MAX_AGE_S * 1000;
	const char *v = getenv("DORMANT_REREAD_MAX_AGE_MS");
	char *end;
	long long ms;

	if (!v || !*v)
		return bound;
	errno = 0;
	ms = strtoll(v, &end, 10);
	if (errno || *end || ms <= 0 || ms > bound)
		return bound;
	return (int64_t)ms;
}

static int64_t
monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static enum dormant_status
audit(struct work *w, const struct core_finding *f, const char *phase,
      const char *result, const char *error, bool called,
      struct dormant_error *err)
{
	struct core_audit_record r = {
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
	        .called = called,
	};

	return core_audit_write(w->audit, &r, err);
}

/* Has the user signed in since the scan, for good? */
static bool
signed_in_since(struct work *w, const struct core_finding *f,
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
	struct core_verdict v;

	if (last_login == DORMANT_TIME_NONE)
		return false;
	core_verdict_judge(&u, core_engine_now(w->engine), w->conf->days, 0,
	                   &v);
	return v.judgement != DORMANT_DORMANT;
}

static void
log_outcome(const struct core_finding *f)
{
	core_log(f->action == DORMANT_ACTION_FAILED ? DORMANT_LOG_ERROR
	                                            : DORMANT_LOG_INFO,
	         f->provider, "%s %s: %s%s%s", f->scope, f->name,
	         core_action_name(f->action), f->action_error ? ": " : "",
	         f->action_error ? f->action_error : "");
}

/* Records the outcome already set on f. */
static void
finish(struct work *w, struct core_finding *f)
{
	struct dormant_error err = {{0}};

	log_outcome(f);
	if (audit(w, f, "after", core_action_name(f->action), f->action_error,
	          f->action == DORMANT_ACTION_FAILED && f->action_called,
	          &err) != DORMANT_OK)
		core_log(DORMANT_LOG_ERROR, f->provider,
		         "%s %s: %s: audit log: %s", f->scope, f->name,
		         core_action_name(f->action), err.msg);
}

/* Records the intent (once: a bulk user re-read again after its batch
 * went stale has its record already) and re-reads the last sign-in.
 * True when f is to be disabled now; otherwise its outcome is set (and
 * recorded when an intent was). */
static bool
begin(struct work *w, struct core_finding *f, bool *recorded)
{
	struct dormant_error err = {{0}};
	char when[DORMANT_TIME_BUFSZ];
	int64_t last = DORMANT_TIME_NONE;
	enum dormant_status st;

	if (!*recorded &&
	    audit(w, f, "before", NULL, NULL, false, &err) != DORMANT_OK) {
		/* No record, no action: an undocumented disable cannot be
		 * reviewed or undone. */
		set_action(f, DORMANT_ACTION_FAILED, "not disabled: %s",
		           err.msg);
		log_outcome(f);
		return false;
	}
	*recorded = true;
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

/* The provider was asked to disable f; st is its answer. */
static void
outcome(struct core_finding *f, enum dormant_status st,
        const struct dormant_error *err)
{
	f->action_called = true;
	if (st == DORMANT_OK)
		set_action(f, DORMANT_ACTION_DISABLED, NULL);
	else
		set_action(f, DORMANT_ACTION_FAILED, "%s",
		           err->msg[0] ? err->msg : dormant_strerror(st));
}

/* One user at a time: re-read, then disable at once. */
static void *
worker(void *arg)
{
	struct work *w = arg;

	for (;;) {
		struct core_finding *f;
		struct dormant_error err = {{0}};
		bool recorded = false;

		pthread_mutex_lock(&w->lock);
		if (w->next >= w->n) {
			pthread_mutex_unlock(&w->lock);
			return NULL;
		}
		f = w->items[w->next++];
		pthread_mutex_unlock(&w->lock);
		if (core_engine_cancelled()) {
			set_action(f, DORMANT_ACTION_SKIPPED,
			           "not disabled: the run was interrupted");
			continue;
		}
		if (!begin(w, f, &recorded))
			continue;
		outcome(f,
		        w->desc->disable(w->handle, f->scope, f->id, f->name,
		                         &err),
		        &err);
		finish(w, f);
	}
}

/* The bulk path's re-readers: each takes users off the scope's queue
 * until the round's batch is full or its oldest re-read is too old to
 * wait for more. */
static void *
bulk_reader(void *arg)
{
	struct work *w = arg;
	for (;;) {
		size_t i;
		bool go;

		pthread_mutex_lock(&w->lock);
		if (w->qhead >= w->qlen ||
		    w->n_ready + w->in_flight >= DORMANT_BULK_MAX ||
		    (w->oldest &&
		     monotonic_ms() - w->oldest >= w->max_age_ms) ||
		    core_engine_cancelled()) {
			pthread_mutex_unlock(&w->lock);
			return NULL;
		}
		i = w->queue[w->qhead++];
		w->in_flight++;
		pthread_mutex_unlock(&w->lock);

		go = begin(w, w->items[i], &w->begun[i]);

		pthread_mutex_lock(&w->lock);
		w->in_flight--;
		if (go) {
			w->read_at[i] = monotonic_ms();
			if (!w->oldest)
				w->oldest = w->read_at[i];
			w->ready[w->n_ready++] = i;
		}
		pthread_mutex_unlock(&w->lock);
	}
}

/* Runs nthreads copies of fn over w and waits for them; serves w in this
 * thread when no thread can be had. */
static void
run_threads(struct work *w, void *(*fn)(void *), size_t nthreads)
{
	pthread_t threads[DORMANT_MAX_ACTION_THREADS];
	size_t started = 0;

	for (; started < nthreads && started < DORMANT_MAX_ACTION_THREADS;
	     started++)
		if (pthread_create(&threads[started], NULL, fn, w) != 0)
			break;
	if (!started)
		fn(w);
	for (size_t t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
}

/* Sends one round's batch: the users whose re-read is still fresh. A
 * user whose re-read went stale while slower re-reads of the round were
 * under way goes back to the queue, to be re-read again (the round's
 * last re-read is always fresh, so every round makes progress). */
static void
send_batch(struct work *w, const char *scope)
{
	struct dormant_action_item batch[DORMANT_BULK_MAX];
	size_t which[DORMANT_BULK_MAX], n = 0;
	int64_t now = monotonic_ms();
	enum dormant_status st;

	for (size_t k = 0; k < w->n_ready; k++) {
		size_t i = w->ready[k];

		if (now - w->read_at[i] > w->max_age_ms) {
			w->queue[--w->qhead] = i;
			continue;
		}
		which[n] = i;
		memset(&batch[n], 0, sizeof(batch[n]));
		batch[n].id = w->items[i]->id;
		batch[n].name = w->items[i]->name;
		n++;
	}
	w->n_ready = 0;
	w->oldest = 0;
	if (!n)
		return;
	st = w->desc->disable_many(w->handle, scope, batch, n);
	for (size_t k = 0; k < n; k++) {
		struct core_finding *f = w->items[which[k]];

		if (st != DORMANT_OK && batch[k].status == DORMANT_OK &&
		    !batch[k].error.msg[0])
			batch[k].status = st; /* nothing was tried */
		outcome(f, batch[k].status, &batch[k].error);
		finish(w, f);
	}
}

/* The bulk path over one provider's users, a scope at a time (items are
 * sorted, so a scope's users are contiguous). */
static void *
bulk_driver(void *arg)
{
	struct work *w = arg;
	unsigned cap = w->cap ? w->cap : 1;

	for (size_t g = 0; g < w->n;) {
		const char *scope = w->items[g]->scope;
		size_t end = g;

		while (end < w->n && strcmp(w->items[end]->scope, scope) == 0)
			end++;
		w->qlen = 0;
		w->qhead = 0;
		for (size_t i = g; i < end; i++)
			w->queue[w->qlen++] = i;
		while (w->qhead < w->qlen && !core_engine_cancelled()) {
			size_t left = w->qlen - w->qhead;

			run_threads(w, bulk_reader, left < cap ? left : cap);
			send_batch(w, scope);
		}
		/* Interrupted: the users not yet sent are left alone, and
		 * those with an intent on record say so. */
		for (; w->qhead < w->qlen; w->qhead++) {
			size_t i = w->queue[w->qhead];

			set_action(w->items[i], DORMANT_ACTION_SKIPPED,
			           "not disabled: the run was interrupted");
			if (w->begun[i])
				finish(w, w->items[i]);
		}
		g = end;
	}
	return NULL;
}

static bool
has_disable_many(const struct dormant_provider *desc)
{
	return DORMANT_PROVIDER_HAS(desc, disable_many);
}

/* How many actions of one provider may run at once. */
static unsigned
provider_cap(const struct dormant_provider *desc)
{
	unsigned cap = 4;

	if (DORMANT_PROVIDER_HAS(desc, action_concurrency))
		cap = desc->action_concurrency;
	return cap > DORMANT_MAX_ACTION_THREADS ? DORMANT_MAX_ACTION_THREADS
	                                        : cap;
}

/* Allocates what the bulk path of w needs; false when out of memory. */
static bool
bulk_alloc(struct work *w)
{
	w->queue = calloc(w->n, sizeof(*w->queue));
	w->ready = calloc(DORMANT_BULK_MAX, sizeof(*w->ready));
	w->begun = calloc(w->n, sizeof(*w->begun));
	w->read_at = calloc(w->n, sizeof(*w->read_at));
	return w->queue && w->ready && w->begun && w->read_at;
}

static void
work_free(struct work *w)
{
	free(w->queue);
	free(w->ready);
	free(w->begun);
	free(w->read_at);
}

enum dormant_status
core_remediate(struct core_engine *engine, const struct core_conf *conf,
               struct core_result *res, struct core_audit *audit_log,
               struct dormant_error *err)
{
	struct core_finding **todo = NULL;
	struct work *works = NULL;
	pthread_t *threads = NULL;
	size_t n = 0, held = 0, n_works = 0, n_threads = 0, total_threads = 0;
	enum dormant_status st = DORMANT_OK;

	todo = calloc(res->findings.n ? res->findings.n : 1, sizeof(*todo));
	works = calloc(res->findings.n ? res->findings.n : 1, sizeof(*works));
	if (!todo || !works) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < res->findings.n; i++) {
		switch (may_disable(engine, conf, res, &res->findings.v[i])) {
		case GATE_GO: todo[n++] = &res->findings.v[i]; break;
		case GATE_GUARD: held++; break;
		case GATE_POLICY: break;
		}
	}
	res->guard_held = held;
	if (held && !n) {
		res->safety_stop = guard_stop(res, held);
		if (!res->safety_stop) {
			st = dormant_error_set(err, DORMANT_ERR_NOMEM,
			                       "out of memory");
			goto out;
		}
		core_log(DORMANT_LOG_ERROR, NULL, "safety stop: %s",
		         res->safety_stop);
		goto out;
	}

	res->safety_stop = breaker(conf, res, n);
	if (res->safety_stop) {
		for (size_t i = 0; i < n; i++)
			set_action(todo[i], DORMANT_ACTION_SKIPPED,
			           "safety stop: %s", res->safety_stop);
		core_log(DORMANT_LOG_ERROR, NULL, "safety stop: %s",
		         res->safety_stop);
		goto out;
	}

	/* Whatever acting needs beyond what the scan used (a write token) is
	 * had before the first action anywhere, or nobody is touched. */
	for (size_t i = 0; i < n; i++) {
		struct dormant_error perr = {{0}};

		if (i && strcmp(todo[i]->provider, todo[i - 1]->provider) == 0)
			continue;
		if (core_engine_prepare_actions(engine, todo[i]->provider,
		                                &perr) == DORMANT_OK)
			continue;
		core_log(DORMANT_LOG_ERROR, NULL,
		         "%s; nothing was disabled in any provider", perr.msg);
		for (size_t k = 0; k < n; k++)
			set_action(todo[k], DORMANT_ACTION_FAILED,
			           "not disabled: %s", perr.msg);
		goto out;
	}

	/* Findings are sorted by provider: each provider's run is one
	 * contiguous slice of todo. A provider runs its cap of workers, or
	 * one bulk driver that runs its cap of re-readers a round at a time. */
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
		core_engine_find(engine, todo[i]->provider, &w->desc,
		                 &w->handle);
		w->items = todo + i;
		w->n = j - i;
		w->bulk = has_disable_many(w->desc);
		w->cap = provider_cap(w->desc);
		w->max_age_ms = reread_max_age_ms();
		if (w->bulk && !bulk_alloc(w)) {
			st = dormant_error_set(err, DORMANT_ERR_NOMEM,
			                       "out of memory");
			goto out;
		}
		pthread_mutex_init(&w->lock, NULL);
		w->lock_made = true;
		total_threads += w->bulk ? 1 : w->n < w->cap ? w->n : w->cap;
		i = j;
	}
	threads = calloc(total_threads ? total_threads : 1, sizeof(*threads));
	if (!threads) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < n_works; k++) {
		struct work *w = &works[k];
		size_t want = w->bulk ? 1 : w->n < w->cap ? w->n : w->cap;

		for (size_t t = 0; t < want; t++) {
			if (pthread_create(&threads[n_threads], NULL,
			                   w->bulk ? bulk_driver : worker,
			                   w) != 0)
				break;
			n_threads++;
			w->started++;
		}
	}
	/* A provider that got no thread at all is served here, in turn. */
	for (size_t k = 0; k < n_works; k++)
		if (!works[k].started)
			(works[k].bulk ? bulk_driver : worker)(&works[k]);
	for (size_t t = 0; t < n_threads; t++)
		pthread_join(threads[t], NULL);
out:
	for (size_t k = 0; k < n_works; k++) {
		work_free(&works[k]);
		if (works[k].lock_made)
			pthread_mutex_destroy(&works[k].lock);
	}
	free(threads);
	free(works);
	free(todo);
	return st;
}
