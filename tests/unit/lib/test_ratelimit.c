/* dormant: the token bucket paces, queues threads and can be cancelled. */
#include "config.h"

#include <pthread.h>
#include <time.h>

#include <dormant/plugin.h>
#include <dormant/ratelimit.h>

#include "tap.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct dormant_ratelimit *shared;

static void *
take_ten(void *arg)
{
	(void)arg;
	for (int i = 0; i < 10; i++)
		dormant_ratelimit_wait(shared, NULL);
	return NULL;
}

static bool
always(const struct dormant_host *h)
{
	(void)h;
	return true;
}

int
main(void)
{
	struct dormant_ratelimit *rl;
	struct dormant_host host = {.cancelled = always};
	pthread_t t[4];
	double start, took;

	rl = dormant_ratelimit_new(100, 10);
	ok(dormant_ratelimit_eta(rl, 10) == 0, "the burst costs nothing");
	ok(dormant_ratelimit_eta(rl, 110) > 0.99 &&
	           dormant_ratelimit_eta(rl, 110) < 1.01,
	   "eta: 100 paced requests at 100/s take 1 s");
	start = now_s();
	for (int i = 0; i < 10; i++)
		dormant_ratelimit_wait(rl, NULL);
	took = now_s() - start;
	ok(took < 0.05, "a full bucket lets the burst through at once (%.3f s)",
	   took);
	start = now_s();
	for (int i = 0; i < 20; i++)
		dormant_ratelimit_wait(rl, NULL);
	took = now_s() - start;
	/* 20 requests at 100/s: 0.2 s (the bucket refilled a little). */
	ok(took > 0.15 && took < 0.6, "then one every 10 ms (20 in %.3f s)",
	   took);
	dormant_ratelimit_free(rl);

	/* Four threads share one bucket: 40 requests at 200/s, burst 1. */
	shared = dormant_ratelimit_new(200, 1);
	start = now_s();
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, take_ten, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	took = now_s() - start;
	ok(took > 0.15 && took < 0.8,
	   "threads share the pace: 40 requests at 200/s in %.3f s", took);

	/* A cancelled run does not wait. */
	rl = dormant_ratelimit_new(1, 1);
	dormant_ratelimit_wait(rl, NULL);
	start = now_s();
	is_int(dormant_ratelimit_wait(rl, &host), DORMANT_ERR_CANCELLED,
	       "waiting while cancelled returns CANCELLED");
	ok(now_s() - start < 0.2, "and returns at once");
	dormant_ratelimit_free(rl);
	dormant_ratelimit_free(shared);

	is_int(dormant_ratelimit_wait(NULL, NULL), DORMANT_OK,
	       "NULL: no limit");
	return tap_done();
}
