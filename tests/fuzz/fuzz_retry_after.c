/* dormant: fuzz target for the Retry-After reading in core/lib/http.c, through
 * dormant_http_backoff_ms (the public door to it; the parser itself is
 * static), and for dormant_time_parse_http_date under it.
 *
 * The input is one header value. RFC 9110 section 10.2.3:
 *   Retry-After = HTTP-date / delay-seconds; delay-seconds = 1*DIGIT
 * and a field value comes without its leading and trailing whitespace
 * (section 5.5). The target checks, for several caps: a value that is
 * delay-seconds is obeyed exactly, up to the cap (saturating, however
 * many digits); an HTTP-date is obeyed as its distance from now (0 when
 * it is past); anything else is ignored and the jitter schedule used.
 * The backoff options make the two distinguishable: the jitter is 3 ms,
 * an obeyed Retry-After a multiple of 1000 ms or the cap.
 */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dormant/http.h>
#include <dormant/timeutil.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define JITTER_MS 3L
/* The cap the target checks each input against: the default (0), small,
 * a day, and the largest a caller can ask for. */
static const long caps[] = {0, 1000, 86400000L, LONG_MAX};

/* delay-seconds as milliseconds, saturating at cap. */
static bool
delay_seconds(const char *s, size_t len, long cap, long *ms)
{
	long secs_cap = cap / 1000 + 1;
	long secs = 0;

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (secs < secs_cap)
			secs = secs * 10 + (s[i] - '0') > secs_cap
			               ? secs_cap
			               : secs * 10 + (s[i] - '0');
	}
	*ms = secs >= cap / 1000 + (cap % 1000 != 0) ? cap : secs * 1000;
	return true;
}

/* An accepted HTTP-date must be the IMF-fixdate of the time it stands
 * for (the day name aside, which the parser does not check, and second
 * 60, which it reads as 59). By hand: strftime's %Y does not pad years
 * before 1000 to four digits. */
static void
check_date(const char *s, int64_t when)
{
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
	                                     "May", "Jun", "Jul", "Aug",
	                                     "Sep", "Oct", "Nov", "Dec"};
	char back[64];
	struct tm tm;
	time_t t = (time_t)when;

	if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 > 9999 ||
	    snprintf(back, sizeof(back), "Xxx, %02d %s %04d %02d:%02d:%02d GMT",
	             tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
	             tm.tm_hour, tm.tm_min, tm.tm_sec) != 29)
		abort();
	if (strlen(s) != 29 || memcmp(s + 3, back + 3, 20) != 0)
		abort();
	if (memcmp(s + 23, back + 23, 6) != 0 &&
	    !(memcmp(s + 23, "60 GMT", 6) == 0 &&
	      memcmp(back + 23, "59 GMT", 6) == 0))
		abort();
}

static bool
day_name(const char *s)
{
	static const char *const days[] = {"Mon", "Tue", "Wed", "Thu",
	                                   "Fri", "Sat", "Sun"};

	for (size_t i = 0; i < 7; i++)
		if (strncmp(s, days[i], 3) == 0)
			return true;
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The clock for HTTP-dates: 2026-12-04T12:00:00Z. */
	const int64_t now =
	        dormant_days_from_civil(2026, 12, 4) * 86400 + 12 * 3600;
	char *value = malloc(size + 1);
	const char *v;
	size_t len;
	int64_t when = 0;
	bool is_date, strict = false;

	if (!value)
		return 0;
	memcpy(value, data, size);
	value[size] = '\0';
	v = value + strspn(value, " \t");
	len = strlen(v);
	while (len && (v[len - 1] == ' ' || v[len - 1] == '\t'))
		len--;
	{
		char trimmed[64];

		is_date = len < sizeof(trimmed);
		if (is_date) {
			memcpy(trimmed, v, len);
			trimmed[len] = '\0';
			is_date = dormant_time_parse_http_date(trimmed, &when);
			if (is_date)
				check_date(trimmed, when);
			/* The parser leaves the grammar's day-name unchecked:
			 * a date with a bad one may be obeyed or ignored (a
			 * digit there makes the value a bad delay-seconds). */
			strict = is_date && day_name(trimmed);
		}
	}

	for (size_t i = 0; i < sizeof(caps) / sizeof(*caps); i++) {
		struct dormant_http_options o = {
		        .backoff_base_ms = 7,
		        .backoff_max_ms = 7,
		        .retry_after_max_ms = caps[i],
		};
		long cap = caps[i] ? caps[i] : 120000L;
		long got = dormant_http_backoff_ms(&o, 1, value, now, 0.5);
		long want;

		if (delay_seconds(v, len, cap, &want)) {
			/* The parser reads at most 63 characters; a longer
			 * value may be ignored, but never misread. */
			if (got != want && !(len >= 64 && got == JITTER_MS))
				abort();
		} else if (is_date) {
			want = when <= now ? 0
			       : when - now > cap / 1000
			               ? cap
			               : (long)(when - now) * 1000;
			if (got != want && (strict || got != JITTER_MS))
				abort();
		} else if (got != JITTER_MS) {
			abort();
		}
	}
	free(value);
	return 0;
}
