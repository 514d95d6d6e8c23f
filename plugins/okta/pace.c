/* dormant okta: pacing by Okta's rate-limit headers. See pace.h. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dormant/ratelimit.h>
#include <dormant/timeutil.h>

#include "pace.h"

/* Okta's windows are a minute long; a reset further off than this is a
 * header not to be believed, and a minute is waited instead. */
#define RESET_MAX_S 300
#define WINDOW_S    60

static const char *const names[OKTA_BUCKET_COUNT] = {
        "GET /api/v1/users",
        "GET /api/v1/users/{id}",
        "POST /api/v1/users/{id}/lifecycle",
        "GET /api/v1/iam/assignees/users",
        "POST /oauth2/v1/token",
};

const char *
okta_bucket_name(enum okta_bucket b)
{
	return b < OKTA_BUCKET_COUNT ? names[b] : "?";
}

void
okta_pace_init(struct okta_pace *p, const struct dormant_host *host,
               long percent)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	p->host = host;
	p->percent = percent < 1 ? 1 : percent > 100 ? 100 : percent;
}

void
okta_pace_destroy(struct okta_pace *p)
{
	pthread_mutex_destroy(&p->lock);
}

static int64_t
wall(const struct okta_pace *p)
{
	return p->host && p->host->now ? p->host->now(p->host)
	                               : (int64_t)time(NULL);
}

/* A header holding a whole number >= 0, or -1. */
static long long
header_number(const struct dormant_http_response *resp, const char *name)
{
	const char *v = dormant_http_response_header(resp, name);
	char *end;
	long long n;

	if (!v || *v < '0' || *v > '9')
		return -1;
	errno = 0;
	n = strtoll(v, &end, 10);
	while (*end == ' ')
		end++;
	return errno || *end ? -1 : n;
}

/* How many of a window's requests dormant may spend. */
static long
budget(const struct okta_pace *p, long limit)
{
	long n = (long)((long long)limit * p->percent / 100);

	return n < 1 ? 1 : n;
}

enum dormant_status
okta_pace_take(struct okta_pace *p, enum okta_bucket b,
               struct dormant_error *err)
{
	struct okta_bucket_state *s = &p->b[b];

	for (;;) {
		int64_t now, wait;

		pthread_mutex_lock(&p->lock);
		now = wall(p) + p->skew;
		/* A window that has reset is fresh until an answer says
		 * otherwise. */
		if (s->known && now >= s->reset)
			s->remaining = s->limit;
		if (!s->known ||
		    s->limit - s->remaining < budget(p, s->limit)) {
			if (s->known)
				s->remaining--;
			pthread_mutex_unlock(&p->lock);
			return DORMANT_OK;
		}
		wait = s->reset - now;
		if (wait > RESET_MAX_S)
			wait = WINDOW_S;
		/* Reset is in whole seconds: a second more so that the
		 * request lands in the new window. */
		wait += 1;
		s->waits++;
		pthread_mutex_unlock(&p->lock);
		if (p->host && p->host->log)
			p->host->log(p->host, DORMANT_LOG_INFO,
			             "%s: %ld%% of Okta's %ld requests a "
			             "window used (rate_limit_percent); "
			             "waiting %lld s for the reset",
			             names[b], p->percent, s->limit,
			             (long long)wait);
		if (!dormant_sleep_ns(p->host, wait * 1000000000LL))
			return dormant_error_set(err, DORMANT_ERR_CANCELLED,
			                         "interrupted while waiting "
			                         "for Okta's rate limit");
		pthread_mutex_lock(&p->lock);
		/* Whoever wakes first opens the new window for all. */
		if (wall(p) + p->skew >= s->reset) {
			s->remaining = s->limit;
			s->reset = wall(p) + p->skew + WINDOW_S;
		}
		pthread_mutex_unlock(&p->lock);
	}
}

void
okta_pace_learn(struct okta_pace *p, enum okta_bucket b,
                const struct dormant_http_response *resp)
{
	struct okta_bucket_state *s = &p->b[b];
	long long limit = header_number(resp, "X-Rate-Limit-Limit");
	long long remaining = header_number(resp, "X-Rate-Limit-Remaining");
	long long reset = header_number(resp, "X-Rate-Limit-Reset");
	const char *date = dormant_http_response_header(resp, "Date");
	int64_t server;

	pthread_mutex_lock(&p->lock);
	if (date && dormant_time_parse_http_date(date, &server))
		p->skew = server - wall(p);
	if (resp->status == 429)
		s->throttled++;
	if (limit > 0 && limit <= LONG_MAX && remaining >= 0 &&
	    remaining <= limit && reset > 0 && reset <= INT64_MAX / 2) {
		/* Answers come back out of order when threads share a
		 * group: within one window the lowest count is the true
		 * one, requests sent since included. */
		bool new_window = !s->known || reset > s->reset;

		if (new_window || remaining < s->remaining)
			s->remaining = (long)remaining;
		s->known = true;
		s->limit = (long)limit;
		if (new_window)
			s->reset = reset;
	}
	if (resp->status == 429 && s->known)
		s->remaining = 0;
	else if (resp->status == 429) {
		/* A 429 without the headers: wait a window. */
		s->known = true;
		s->limit = 1;
		s->remaining = 0;
		s->reset = wall(p) + p->skew + WINDOW_S;
	}
	pthread_mutex_unlock(&p->lock);
}
