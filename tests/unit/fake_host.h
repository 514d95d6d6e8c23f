/* dormant: a fake host table (struct dormant_host, include/dormant/plugin.h)
 * for the unit tests that drive a provider through its descriptor.
 *
 * Why: every such test needs the same table that core lends a provider:
 * config() over a few keys, log(), now(), cancelled(), and core's own
 * typed config readers (core/engine/host_config.c, so that a test sees
 * the wording a user sees). Each test used to build its own; this is the
 * one they share, with the few things a test varies as plain fields.
 *
 * Use:
 *
 *     struct fake_host h;
 *
 *     fake_host_init(&h, "okta");              full table, real clock
 *     fake_host_set(&h, "org_url", url);       config pairs (NULL: unset)
 *     h.host.ca_file = ca;                     any dormant_host member
 *     h.now = T("2026-11-28T12:00:00Z");       optional: a pinned clock
 *     h.skew = -20 * 60;                       or: the real clock, shifted
 *     h.cancel = true;                         optional: what cancelled() says
 *     st = p->open(&h.host, &handle, &err);
 *     ok(strstr(fake_log_text(&h.log), "..."), "logged");
 *     is_int(h.log.lines[DORMANT_LOG_INFO], 1, "one info line");
 *     fake_host_free(&h);
 *
 * Every line the provider logs is kept in h.log ("message\n", without
 * the provider's name or the level; counted per level), whether or not
 * the test looks. h.tee, when set, is another log that gets every line
 * too: one log shared by several hosts, e.g. for a check at the end that
 * nothing logged in the whole run shows a secret.
 *
 * fake_host_set keeps the pointers it is given (the test owns the
 * strings, which must outlive the host's use); the host copies nothing.
 * log() may be called from any thread; the other fields are set by the
 * test between calls into the provider.
 *
 * Build: fake_host.c is compiled into each test that uses it; in the
 * test's rule, add $(FAKE_HOST_SOURCES) to its SOURCES and
 * $(FAKE_HOST_CPPFLAGS) to its CPPFLAGS (both in tests/local.mk), and
 * link core/libprogram.la (the typed readers).
 */
#ifndef DORMANT_TESTS_FAKE_HOST_H
#define DORMANT_TESTS_FAKE_HOST_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dormant/buf.h>
#include <dormant/plugin.h>

#define FAKE_HOST_MAX_KEYS 16

/* What one or several hosts were told. */
struct fake_log {
	pthread_mutex_t lock;
	struct dormant_buf text;          /* every line, "message\n" */
	int lines[DORMANT_LOG_DEBUG + 1]; /* lines per level */
};

/* An empty log that keeps at most max bytes (0: no cap); lines past the
 * cap are dropped. */
void fake_log_init(struct fake_log *log, size_t max);
void fake_log_free(struct fake_log *log);
/* Forgets every line and count so far. */
void fake_log_clear(struct fake_log *log);
/* Everything logged so far; "" when nothing was. */
const char *fake_log_text(const struct fake_log *log);

struct fake_host {
	struct dormant_host host; /* first: the provider gets &h.host */
	const char *keys[FAKE_HOST_MAX_KEYS];
	const char *vals[FAKE_HOST_MAX_KEYS];
	size_t n_keys;
	int64_t now;  /* DORMANT_TIME_NONE: the real clock (the default) */
	int64_t skew; /* added to the real clock */
	bool cancel;  /* what cancelled() answers; false by default */
	struct fake_log log;  /* what this host was told */
	struct fake_log *tee; /* NULL, or a log that gets every line too */
};

/* A table of this core's full size (every member set) for `provider`:
 * no config keys, the real clock, not cancelled, an empty log without a
 * cap. */
void fake_host_init(struct fake_host *h, const char *provider);
/* Releases what the host holds (its log); not h->tee. */
void fake_host_free(struct fake_host *h);
/* Sets key (or changes it) to val; NULL makes config() answer NULL. Aborts
 * past FAKE_HOST_MAX_KEYS keys. */
void fake_host_set(struct fake_host *h, const char *key, const char *val);

#endif /* DORMANT_TESTS_FAKE_HOST_H */
