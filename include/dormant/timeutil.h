/* dormant: times as the clouds write them.
 *
 * A time is int64_t seconds since 1970-01-01T00:00:00Z. Fractions of a
 * second are dropped (floor): verdicts are made to the second.
 */
#ifndef DORMANT_TIMEUTIL_H
#define DORMANT_TIMEUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* "No value": never signed in, or the cloud does not know. */
#define DORMANT_TIME_NONE INT64_MIN

/* "2026-11-28T12:00:00Z" plus the terminating NUL. */
#define DORMANT_TIME_BUFSZ 21

/* Parses an RFC 3339 / ISO 8601 date-time: YYYY-MM-DDTHH:MM:SS, optional
 * fraction of any length, then Z, z, +HH:MM, -HH:MM or +HHMM. The whole
 * string must be consumed. Returns false (and leaves *out alone) for
 * anything else, including impossible dates such as February 30. */
bool dormant_time_parse_iso8601(const char *s, int64_t *out);

/* Same, for a string that is not NUL-terminated. */
bool dormant_time_parse_iso8601_n(const char *s, size_t len, int64_t *out);

/* Parses an HTTP-date (RFC 9110 IMF-fixdate, e.g. Retry-After:
 * "Sun, 06 Nov 1994 08:49:37 GMT"). */
bool dormant_time_parse_http_date(const char *s, int64_t *out);

/* Formats t as "YYYY-MM-DDTHH:MM:SSZ". buf must hold DORMANT_TIME_BUFSZ.
 * Returns buf. */
char *dormant_time_format(int64_t t, char *buf);

/* Days since 1970-01-01 for a proleptic Gregorian date (no range checks). */
int64_t dormant_days_from_civil(int64_t y, unsigned m, unsigned d);

/* Nanoseconds on the monotonic clock: for deadlines, pacing and
 * durations, which a change of the wall clock must not move. */
int64_t dormant_monotonic_ns(void);

#ifdef __cplusplus
}
#endif

#endif /* DORMANT_TIMEUTIL_H */
