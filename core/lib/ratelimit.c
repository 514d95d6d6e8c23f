/* dormant: a token bucket for request pacing. */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <dormant/plugin.h>
#include <dormant/ratelimit.h>
#include <dormant/timeutil.h>

/* Cancellation is checked this often while waiting. */
#define SLICE_NS 50000000L

struct dormant_ratelimit {
	pthread_mutex_t lock;
	double per_ns;    /* refill: requests per nanosecond */
	double burst;     /* bucket size */
	double available; /* may go negative: slots reserved by waiters */
	int64_t last_ns;  /* monotonic time of the last refill */
};

struct dormant_ratelimit *
dormant_ratelimit_new(double per_second, double burst)
{
	struct dormant_ratelimit *rl = calloc(1, sizeof(*rl));

	if (!rl)
		return NULL;
	pthread_mutex_init(&rl->lock, NULL);
	rl->per_ns = per_second > 0 ? per_second / 1e9 : 0;
	rl->burst = burst < 1 ? 1 : burst;
	rl->available = rl->burst;
	rl->last_ns = dormant_monotonic_ns();
	return rl;
}

void
dormant_ratelimit_free(struct dormant_ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl);
}

static bool
cancelled(const struct dormant_host *host)
{
	return host && host->cancelled && host->cancelled(host);
}

enum dormant_status
dormant_ratelimit_wait(struct dormant_ratelimit *rl,
                       const struct dormant_host *host)
{
	int64_t now, due;

	if (!rl || rl->per_ns <= 0)
		return cancelled(host) ? DORMANT_ERR_CANCELLED : DORMANT_OK;
	pthread_mutex_lock(&rl->lock);
	now = dormant_monotonic_ns();
	rl->available += (double)(now - rl->last_ns) * rl->per_ns;
	if (rl->available > rl->burst)
		rl->available = rl->burst;
	rl->last_ns = now;
	/* Reserve the slot before sleeping, so that concurrent callers queue
	 * one behind the other instead of all waking at the same instant. */
	rl->available -= 1;
	due = now;
	if (rl->available < 0)
		due += (int64_t)(-rl->available / rl->per_ns);
	pthread_mutex_unlock(&rl->lock);

	return dormant_sleep_ns(host, due - now) ? DORMANT_OK
	                                         : DORMANT_ERR_CANCELLED;
}

bool
dormant_sleep_ns(const struct dormant_host *host, int64_t ns)
{
	int64_t due = dormant_monotonic_ns() + ns, now;

	while ((now = dormant_monotonic_ns()) < due) {
		int64_t left = due - now;
		struct timespec ts;

		if (cancelled(host))
			return false;
		if (left > SLICE_NS)
			left = SLICE_NS;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)left;
		nanosleep(&ts, NULL);
	}
	return !cancelled(host);
}

double
dormant_ratelimit_eta(const struct dormant_ratelimit *rl, double n)
{
	double paced;

	if (!rl || rl->per_ns <= 0)
		return 0;
	paced = n - rl->burst;
	return paced <= 0 ? 0 : paced / rl->per_ns / 1e9;
}
