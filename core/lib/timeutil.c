/* dormant: parsing and printing the times the clouds write.
 *
 * No strptime/timegm: they depend on the locale and the TZ variable, and a
 * verdict must not change with either.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <dormant/timeutil.h>

/* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian
 * calendar over the whole int64 range we use. */
int64_t
dormant_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y += *m <= 2;
}

static unsigned
days_in_month(int64_t y, unsigned m)
{
	static const unsigned days[] = {31, 28, 31, 30, 31, 30,
	                                31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* Reads exactly n decimal digits. */
static bool
digits(const char **p, const char *end, unsigned n, unsigned *out)
{
	unsigned v = 0;

	if ((size_t)(end - *p) < n)
		return false;
	for (unsigned i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (unsigned)(c - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static bool
expect(const char **p, const char *end, char c)
{
	if (*p >= end || **p != c)
		return false;
	(*p)++;
	return true;
}

bool
dormant_time_parse_iso8601_n(const char *s, size_t len, int64_t *out)
{
	const char *p = s, *end = s + len;
	unsigned y, mo, d, h, mi, sec, oh = 0, om = 0;
	int sign = 0;

	if (!digits(&p, end, 4, &y) || !expect(&p, end, '-') ||
	    !digits(&p, end, 2, &mo) || !expect(&p, end, '-') ||
	    !digits(&p, end, 2, &d))
		return false;
	if (p >= end || (*p != 'T' && *p != 't' && *p != ' '))
		return false;
	p++;
	if (!digits(&p, end, 2, &h) || !expect(&p, end, ':') ||
	    !digits(&p, end, 2, &mi) || !expect(&p, end, ':') ||
	    !digits(&p, end, 2, &sec))
		return false;
	if (p < end && *p == '.') {
		p++;
		if (p >= end || *p < '0' || *p > '9')
			return false;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'Z' || *p == 'z')) {
		p++;
	} else if (p < end && (*p == '+' || *p == '-')) {
		sign = *p == '-' ? -1 : 1;
		p++;
		if (!digits(&p, end, 2, &oh))
			return false;
		if (p < end && *p == ':')
			p++;
		if (!digits(&p, end, 2, &om))
			return false;
	} else {
		return false;
	}
	if (p != end)
		return false;
	/* Leap seconds (:60) exist in RFC 3339 but no cloud here writes them;
	 * reject rather than guess. */
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
	    mi > 59 || sec > 59 || oh > 23 || om > 59)
		return false;
	*out = dormant_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
	       sec - sign * (int64_t)(oh * 3600 + om * 60);
	return true;
}

bool
dormant_time_parse_iso8601(const char *s, int64_t *out)
{
	return s && dormant_time_parse_iso8601_n(s, strlen(s), out);
}

bool
dormant_time_parse_http_date(const char *s, int64_t *out)
{
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
	                                     "May", "Jun", "Jul", "Aug",
	                                     "Sep", "Oct", "Nov", "Dec"};
	const char *p, *end;
	unsigned d, y, h, mi, sec, mo = 0;

	/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (29 characters). */
	if (!s || strlen(s) != 29 || s[3] != ',' || s[4] != ' ')
		return false;
	p = s + 5;
	end = s + 29;
	if (!digits(&p, end, 2, &d) || !expect(&p, end, ' '))
		return false;
	for (unsigned i = 0; i < 12; i++)
		if (strncmp(p, months[i], 3) == 0)
			mo = i + 1;
	if (!mo)
		return false;
	p += 3;
	if (!expect(&p, end, ' ') || !digits(&p, end, 4, &y) ||
	    !expect(&p, end, ' ') || !digits(&p, end, 2, &h) ||
	    !expect(&p, end, ':') || !digits(&p, end, 2, &mi) ||
	    !expect(&p, end, ':') || !digits(&p, end, 2, &sec) ||
	    strcmp(p, " GMT") != 0)
		return false;
	if (d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 60)
		return false;
	*out = dormant_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
	       (sec > 59 ? 59 : sec);
	return true;
}

/* n decimal digits of v, zero-padded, no terminator. */
static void
put_digits(char *out, unsigned v, int n)
{
	while (n-- > 0) {
		out[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

char *
dormant_time_format(int64_t t, char *buf)
{
	int64_t days = t / 86400, rem = t % 86400, y;
	unsigned m, d;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		snprintf(buf, DORMANT_TIME_BUFSZ, "out-of-range");
		return buf;
	}
	/* By hand, not snprintf: reports format three of these per finding,
	 * and the format machinery was a visible share of a large run. */
	put_digits(buf, (unsigned)y, 4);
	buf[4] = '-';
	put_digits(buf + 5, m, 2);
	buf[7] = '-';
	put_digits(buf + 8, d, 2);
	buf[10] = 'T';
	put_digits(buf + 11, (unsigned)(rem / 3600), 2);
	buf[13] = ':';
	put_digits(buf + 14, (unsigned)(rem / 60 % 60), 2);
	buf[16] = ':';
	put_digits(buf + 17, (unsigned)(rem % 60), 2);
	buf[19] = 'Z';
	buf[20] = '\0';
	return buf;
}

int64_t
dormant_monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
