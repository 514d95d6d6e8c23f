/* dormant: the unit tests' fake host table; see fake_host.h. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dormant/timeutil.h>

#include "fake_host.h"
#include "host_config.h"

void
fake_log_init(struct fake_log *log, size_t max)
{
	memset(log, 0, sizeof(*log));
	pthread_mutex_init(&log->lock, NULL);
	dormant_buf_init(&log->text, max);
}

void
fake_log_free(struct fake_log *log)
{
	dormant_buf_free(&log->text);
	pthread_mutex_destroy(&log->lock);
}

void
fake_log_clear(struct fake_log *log)
{
	pthread_mutex_lock(&log->lock);
	dormant_buf_reset(&log->text);
	memset(log->lines, 0, sizeof(log->lines));
	pthread_mutex_unlock(&log->lock);
}

const char *
fake_log_text(const struct fake_log *log)
{
	return log->text.data ? log->text.data : "";
}

/* A full cap drops the line, as a test that set one asked; running out
 * of memory aborts, so that a check of what was logged never passes on
 * a log that silently lost lines it should hold. */
static void
log_line(struct fake_log *log, enum dormant_log_level level, const char *line)
{
	enum dormant_status st;

	pthread_mutex_lock(&log->lock);
	if ((unsigned)level <= DORMANT_LOG_DEBUG)
		log->lines[level]++;
	st = dormant_buf_appendf(&log->text, "%s\n", line);
	pthread_mutex_unlock(&log->lock);
	if (st != DORMANT_OK && st != DORMANT_ERR_TOO_LARGE)
		abort();
}

static const char *
host_config(const struct dormant_host *host, const char *key)
{
	const struct fake_host *h = (const struct fake_host *)host;

	for (size_t i = 0; i < h->n_keys; i++)
		if (strcmp(h->keys[i], key) == 0)
			return h->vals[i];
	return NULL;
}

__attribute__((format(printf, 3, 4))) static void
host_log(const struct dormant_host *host, enum dormant_log_level level,
         const char *fmt, ...)
{
	struct fake_host *h = (struct fake_host *)host;
	va_list ap;
	char *line;
	int n;

	/* Whole lines, however long: a secret past any fixed width would
	 * escape the checks of what was logged. */
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !(line = malloc((size_t)n + 1)))
		abort();
	va_start(ap, fmt);
	vsnprintf(line, (size_t)n + 1, fmt, ap);
	va_end(ap);
	log_line(&h->log, level, line);
	if (h->tee)
		log_line(h->tee, level, line);
	free(line);
}

static int64_t
host_now(const struct dormant_host *host)
{
	const struct fake_host *h = (const struct fake_host *)host;

	if (h->now != DORMANT_TIME_NONE)
		return h->now;
	return (int64_t)time(NULL) + h->skew;
}

static bool
host_cancelled(const struct dormant_host *host)
{
	return ((const struct fake_host *)host)->cancel;
}

void
fake_host_init(struct fake_host *h, const char *provider)
{
	memset(h, 0, sizeof(*h));
	h->host.struct_size = sizeof(h->host);
	h->host.provider = provider;
	h->host.config = host_config;
	h->host.log = host_log;
	h->host.now = host_now;
	h->host.cancelled = host_cancelled;
	/* Core's own readers: their wording is what a user sees. */
	h->host.config_long = core_host_config_long;
	h->host.config_double = core_host_config_double;
	h->host.config_bool = core_host_config_bool;
	h->now = DORMANT_TIME_NONE;
	fake_log_init(&h->log, 0);
}

void
fake_host_free(struct fake_host *h)
{
	fake_log_free(&h->log);
}

void
fake_host_set(struct fake_host *h, const char *key, const char *val)
{
	for (size_t i = 0; i < h->n_keys; i++) {
		if (strcmp(h->keys[i], key) == 0) {
			h->vals[i] = val;
			return;
		}
	}
	if (h->n_keys == FAKE_HOST_MAX_KEYS) {
		fprintf(stderr, "fake_host_set: more than %d keys\n",
		        FAKE_HOST_MAX_KEYS);
		abort();
	}
	h->keys[h->n_keys] = key;
	h->vals[h->n_keys++] = val;
}
