/* dormant okta: pacing by Okta's own rate-limit headers.
 *
 * Okta limits each endpoint group per org and per minute, and says where
 * a client stands on every answer ("Rate limits", "Check your rate
 * limits with rate limit headers"):
 *
 *     X-Rate-Limit-Limit      the requests allowed in the window
 *     X-Rate-Limit-Remaining  the requests left in it
 *     X-Rate-Limit-Reset      when it resets, UTC epoch seconds
 *
 * The limits are the org's, shared with every other integration (SCIM
 * provisioning, the sign-in widget, scripts): dormant sends only while
 * less than `percent` of a window is used (by anyone), and then waits
 * for the reset, so a scan never
 * runs into a 429 nor starves the org's other clients. A 429 all the
 * same (another client used the rest) waits until the reset it names.
 *
 * Threads share one okta_pace; each request takes its slot before it is
 * sent, so two threads that both see one request left do not both send.
 */
#ifndef OKTA_PACE_H
#define OKTA_PACE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <dormant/http.h>
#include <dormant/plugin.h>

/* The endpoint groups dormant calls, each with its own Okta limit. */
enum okta_bucket {
	OKTA_BUCKET_USERS_LIST, /* GET /api/v1/users */
	OKTA_BUCKET_USER,       /* GET /api/v1/users/{id} */
	OKTA_BUCKET_LIFECYCLE,  /* POST /api/v1/users/{id}/lifecycle/... */
	OKTA_BUCKET_ROLES,      /* GET /api/v1/iam/assignees/users */
	OKTA_BUCKET_TOKEN,      /* POST /oauth2/v1/token */
	OKTA_BUCKET_COUNT
};

struct okta_bucket_state {
	bool known;         /* an answer of this group has been seen */
	long limit;         /* X-Rate-Limit-Limit */
	long remaining;     /* what is left, counting requests sent since */
	int64_t reset;      /* X-Rate-Limit-Reset, on Okta's clock */
	unsigned waits;     /* how often dormant waited for a reset */
	unsigned throttled; /* 429 answers seen */
};

struct okta_pace {
	pthread_mutex_t lock;
	const struct dormant_host *host;
	long percent; /* share of each window dormant may use, 1..100 */
	int64_t skew; /* Okta's clock minus ours, from the Date header */
	struct okta_bucket_state b[OKTA_BUCKET_COUNT];
};

void okta_pace_init(struct okta_pace *p, const struct dormant_host *host,
                    long percent);
void okta_pace_destroy(struct okta_pace *p);

/* Takes one request's slot of group b, first sleeping until the window
 * resets when dormant's share of it is used up. DORMANT_ERR_CANCELLED
 * when the run is interrupted while waiting. */
enum dormant_status okta_pace_take(struct okta_pace *p, enum okta_bucket b,
                                   struct dormant_error *err);

/* Learns from an answer of group b: its rate-limit headers and Date. A
 * 429 marks the window used up until its reset. */
void okta_pace_learn(struct okta_pace *p, enum okta_bucket b,
                     const struct dormant_http_response *resp);

/* The name of a group, for messages. */
const char *okta_bucket_name(enum okta_bucket b);

#endif /* OKTA_PACE_H */
