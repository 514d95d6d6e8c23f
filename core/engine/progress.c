/* dormant: progress lines on a terminal. */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <dormant/timeutil.h>

#include "progress.h"

/* Nothing is drawn before a scan has run this long: most runs of the
 * exported-data demo end first, and flicker helps nobody. */
#define PROGRESS_DELAY_MS 1000
#define PROGRESS_TICK_MS  250

struct counter {
	atomic_size_t users;
	atomic_size_t pages;
	atomic_bool done;
};

struct core_progress {
	const struct core_result *res;
	struct counter *c;      /* one per scope, as res->scopes */
	const char **providers; /* distinct, in scope order */
	size_t n_providers;
	size_t lines_drawn;
	int64_t start_ns; /* monotonic */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stopping;
};

bool
core_progress_wanted(const struct core_conf *conf)
{
	const char *term = getenv("TERM");

	/* The lines use \r and two ANSI sequences (cursor up, erase line),
	 * which a "dumb" terminal does not know. */
	return conf->verbosity >= 0 && !conf->use_syslog &&
	       isatty(STDERR_FILENO) && !(term && strcmp(term, "dumb") == 0);
}

static double
elapsed(const struct core_progress *p)
{
	return (double)(dormant_monotonic_ns() - p->start_ns) / 1e9;
}

static void
draw(struct core_progress *p)
{
	double secs = elapsed(p);

	/* Back to the first line of the previous drawing. */
	if (p->lines_drawn)
		fprintf(stderr, "\r\033[%zuA", p->lines_drawn);
	for (size_t i = 0; i < p->n_providers; i++) {
		size_t users = 0, pages = 0, scopes = 0, done = 0;

		for (size_t s = 0; s < p->res->n_scopes; s++) {
			if (strcmp(p->res->scopes[s].provider,
			           p->providers[i]) != 0)
				continue;
			users += atomic_load(&p->c[s].users);
			pages += atomic_load(&p->c[s].pages);
			scopes++;
			done += atomic_load(&p->c[s].done) ? 1 : 0;
		}
		fprintf(stderr,
		        "\r\033[K%-8s %9zu users  %6zu pages  %7.1f s  "
		        "%8.0f users/s  %s%zu/%zu scope%s\n",
		        p->providers[i], users, pages, secs,
		        secs > 0 ? (double)users / secs : 0.0,
		        done == scopes ? "done " : "", done, scopes,
		        scopes == 1 ? "" : "s");
	}
	p->lines_drawn = p->n_providers;
	fflush(stderr);
}

static void
erase(struct core_progress *p)
{
	if (!p->lines_drawn)
		return;
	fprintf(stderr, "\r\033[%zuA", p->lines_drawn);
	for (size_t i = 0; i < p->lines_drawn; i++)
		fputs("\r\033[K\n", stderr);
	fprintf(stderr, "\r\033[%zuA", p->lines_drawn);
	fflush(stderr);
	p->lines_drawn = 0;
}

static void *
run(void *arg)
{
	struct core_progress *p = arg;

	pthread_mutex_lock(&p->lock);
	while (!p->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += PROGRESS_TICK_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->cond, &p->lock, &until);
		if (!p->stopping && elapsed(p) * 1000 >= PROGRESS_DELAY_MS)
			draw(p);
	}
	erase(p);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static void
progress_free(struct core_progress *p)
{
	if (!p)
		return;
	free(p->c);
	free(p->providers);
	free(p);
}

struct core_progress *
core_progress_start(const struct core_conf *conf, const struct core_result *res)
{
	struct core_progress *p = NULL;

	if (!core_progress_wanted(conf) || res->n_scopes == 0)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		goto fail;
	p->res = res;
	p->c = calloc(res->n_scopes, sizeof(*p->c));
	p->providers = calloc(res->n_scopes, sizeof(*p->providers));
	if (!p->c || !p->providers)
		goto fail;
	for (size_t s = 0; s < res->n_scopes; s++) {
		size_t i = 0;
		atomic_init(&p->c[s].users, 0);
		atomic_init(&p->c[s].pages, 0);
		atomic_init(&p->c[s].done, false);
		while (i < p->n_providers &&
		       strcmp(p->providers[i], res->scopes[s].provider) != 0)
			i++;
		if (i == p->n_providers)
			p->providers[p->n_providers++] =
			        res->scopes[s].provider;
	}
	p->start_ns = dormant_monotonic_ns();
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	if (pthread_create(&p->thread, NULL, run, p) != 0) {
		pthread_mutex_destroy(&p->lock);
		pthread_cond_destroy(&p->cond);
		goto fail;
	}
	return p;
fail:
	/* Progress is a comfort, not a duty: the scan goes on without. */
	progress_free(p);
	return NULL;
}

static struct counter *
counter(struct core_progress *p, const struct core_scope_result *scope)
{
	return &p->c[scope - p->res->scopes];
}

void
core_progress_user(struct core_progress *p,
                   const struct core_scope_result *scope)
{
	if (p)
		atomic_fetch_add(&counter(p, scope)->users, 1);
}

void
core_progress_page(struct core_progress *p,
                   const struct core_scope_result *scope)
{
	if (p)
		atomic_fetch_add(&counter(p, scope)->pages, 1);
}

void
core_progress_done(struct core_progress *p,
                   const struct core_scope_result *scope)
{
	if (p)
		atomic_store(&counter(p, scope)->done, true);
}

void
core_progress_stop(struct core_progress *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	progress_free(p);
}
