/* dormant gcp: the live scan (live.c): its handle, shared by the scan
 * thread and the threads core runs actions from, and its entry points.
 *
 * Immutable after gcp_live_open except for the parts with their own lock:
 * the token cache, the pacer (core's token bucket, burst 1: the quota is
 * counted per minute, so calls are spaced evenly rather than bunched) and
 * the pool of idle HTTP clients.
 */
#ifndef DORMANT_GCP_LIVE_H
#define DORMANT_GCP_LIVE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <dormant/http.h>
#include <dormant/plugin.h>
#include <dormant/ratelimit.h>

#include "sa_key.h"
#include "token.h"

/* The Directory API's documented default quota ("Directory API: Limits
 * and quotas": 2,400 queries per minute per user per Google Cloud
 * project); [gcp] requests_per_minute overrides it. */
#define GCP_DEFAULT_RPM      2400
#define GCP_DEFAULT_ENDPOINT "https://admin.googleapis.com"
/* Attempts per request in all: Google's backoff advice retries up to a
 * 32 s wait, which the fifth retry reaches. */
#define GCP_DEFAULT_RETRIES 5
#define GCP_POOL_MAX        8

struct gcp_live {
	const struct dormant_host *host;
	struct gcp_sa_key key;
	const char *subject;  /* host config: lives until close */
	const char *customer; /* customer= when domain is NULL */
	const char *domain;   /* domain= when set */
	char *endpoint;       /* no trailing slash; owned */
	char *credentials;    /* the key file's path, for messages; owned */
	long rpm;
	unsigned retries;
	struct gcp_tokens tokens;
	/* Paces every Directory call of the handle, all threads together:
	 * the quota is the subject's. Owned. */
	struct dormant_ratelimit *pacer;

	pthread_mutex_t pool_lock;
	struct dormant_http *idle[GCP_POOL_MAX];
	size_t n_idle;
};

/* The live settings, already read from the config by the caller. */
struct gcp_live_config {
	const char *credentials_file;
	const char *subject;
	const char *customer; /* NULL: my_customer */
	const char *domain;   /* NULL: use customer */
	const char *endpoint; /* NULL: GCP_DEFAULT_ENDPOINT */
	long rpm;             /* 0: GCP_DEFAULT_RPM */
	long retries;         /* < 0: GCP_DEFAULT_RETRIES */
};

/* Loads the key and checks the settings; no network. *out is owned by
 * the caller: gcp_live_close. */
enum dormant_status gcp_live_open(const struct dormant_host *host,
                                  const struct gcp_live_config *cfg,
                                  struct gcp_live **out,
                                  struct dormant_error *err);
void gcp_live_close(struct gcp_live *g);

/* A new HTTP client with the provider's retry settings (one thread at a
 * time); gcp_live_http_free releases it. */
enum dormant_status gcp_live_http_new(struct gcp_live *g,
                                      struct dormant_http **out,
                                      struct dormant_error *err);
#define gcp_live_http_free dormant_http_free
/* The same with a single attempt: for a request whose failure costs
 * nothing but a detail, not worth the retries' minutes. */
enum dormant_status gcp_live_http_new_once(struct gcp_live *g,
                                           struct dormant_http **out,
                                           struct dormant_error *err);

/* An idle client from the pool (or a new one), and back: actions reuse
 * connections without sharing a client between threads. */
enum dormant_status gcp_live_http_take(struct gcp_live *g,
                                       struct dormant_http **out,
                                       struct dormant_error *err);
void gcp_live_http_give(struct gcp_live *g, struct dormant_http *http);

/* The scan and the actions, called by the descriptor (gcp.c). */
enum dormant_status gcp_live_list_users(struct gcp_live *g,
                                        struct dormant_sink *sink,
                                        struct dormant_error *err);
enum dormant_status gcp_live_last_login(struct gcp_live *g, const char *id,
                                        int64_t *last_login,
                                        struct dormant_error *err);
/* Fetches (and caches) the write scope's token: refused delegation shows
 * before the first suspend. */
enum dormant_status gcp_live_prepare_actions(struct gcp_live *g,
                                             struct dormant_error *err);
/* Idempotent; a patch whose answer was lost is read back, not resent. */
enum dormant_status gcp_live_set_suspended(struct gcp_live *g, const char *id,
                                           bool suspended,
                                           struct dormant_error *err);

#endif /* DORMANT_GCP_LIVE_H */
