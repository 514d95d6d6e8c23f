/* dormant: pacing requests to a cloud's documented rate (SPEC section 9).
 *
 * A token bucket shared by every thread that talks to one rate-limited
 * principal (an AWS account, an Entra app in a tenant, a Google admin):
 * `burst` requests may go at once, then one every 1/rate seconds. Waiting
 * before the request keeps a long scan at the cap instead of running into
 * a storm of 429 answers.
 */
#ifndef DORMANT_RATELIMIT_H
#define DORMANT_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

#include <dormant/status.h>

#ifdef __cplusplus
extern "C" {
#endif

struct dormant_host;
struct dormant_ratelimit; /* opaque; thread-safe */

/* per_second <= 0 means no limit. NULL when out of memory. */
struct dormant_ratelimit *dormant_ratelimit_new(double per_second,
                                                double burst);
void dormant_ratelimit_free(struct dormant_ratelimit *rl);

/* Takes one request's slot, sleeping until it is due; the wait is cut
 * short with DORMANT_ERR_CANCELLED when host->cancelled() turns true
 * (host may be NULL). rl may be NULL: no limit. */
enum dormant_status dormant_ratelimit_wait(struct dormant_ratelimit *rl,
                                           const struct dormant_host *host);

/* Sleeps ns nanoseconds, in slices, so that an interrupted run stops
 * waiting: false as soon as host->cancelled() turns true (host may be
 * NULL). Every wait of dormant's (backoff, pacing, polling) goes here. */
bool dormant_sleep_ns(const struct dormant_host *host, int64_t ns);

/* Seconds that n requests from a full bucket will take at this pace. */
double dormant_ratelimit_eta(const struct dormant_ratelimit *rl, double n);

#ifdef __cplusplus
}
#endif

#endif /* DORMANT_RATELIMIT_H */
