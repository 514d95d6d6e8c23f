/* dormant: time parsing and printing. */
#include "config.h"

#include <inttypes.h>

#include <dormant/timeutil.h>

#include "tap.h"

static void
parses(const char *s, int64_t want)
{
	int64_t t = 0;
	bool okp = dormant_time_parse_iso8601(s, &t);

	ok(okp && t == want, "parse %s", s);
	if (okp && t != want)
		printf("#   got %lld want %lld\n", (long long)t,
		       (long long)want);
}

static void
rejects(const char *s)
{
	int64_t t = 12345;

	ok(!dormant_time_parse_iso8601(s, &t) && t == 12345, "reject \"%s\"",
	   s);
}

int
main(void)
{
	char buf[DORMANT_TIME_BUFSZ];
	int64_t t;

	parses("1970-01-01T00:00:00Z", 0);
	parses("1970-01-01T00:00:00.000Z", 0);
	parses("2026-11-28T12:00:00Z", 1795867200);
	parses("2026-11-28T12:00:00.9999999Z", 1795867200);
	parses("2014-10-15T16:45:30+00:00", 1413391530);
	parses("2014-10-15T18:45:30+02:00", 1413391530);
	parses("2014-10-15T11:45:30-0500", 1413391530);
	parses("2024-02-29T00:00:00Z", 1709164800);
	parses("2000-03-01T00:00:00Z", 951868800);
	parses("1969-12-31T23:59:59Z", -1);
	rejects("");
	rejects("2026-11-28");
	rejects("2026-11-28T12:00:00");
	rejects("2026-11-28T12:00:00Zjunk");
	rejects("2026-02-29T00:00:00Z");
	rejects("2026-13-01T00:00:00Z");
	rejects("2026-11-31T00:00:00Z");
	rejects("2026-11-28T24:00:00Z");
	rejects("2026-11-28T12:60:00Z");
	rejects("2026-11-28T12:00:00.Z");
	rejects("N/A");
	rejects("no_information");
	rejects("2026-11-28T12:00:00+0");
	rejects("+2026-11-28T12:00:00Z");

	is_str(dormant_time_format(0, buf), "1970-01-01T00:00:00Z", "format 0");
	is_str(dormant_time_format(1795867200, buf), "2026-11-28T12:00:00Z",
	       "format now");
	is_str(dormant_time_format(-1, buf), "1969-12-31T23:59:59Z",
	       "format -1");
	is_str(dormant_time_format(1709164800 + 86399, buf),
	       "2024-02-29T23:59:59Z", "format leap day");
	is_str(dormant_time_format(253402300799, buf), "9999-12-31T23:59:59Z",
	       "format the last second of year 9999");
	is_str(dormant_time_format(-62167219200, buf), "0000-01-01T00:00:00Z",
	       "format the first second of year 0");
	is_str(dormant_time_format(253402300800, buf), "out-of-range",
	       "year 10000: out of range, not five digits");
	is_str(dormant_time_format(-62167219201, buf), "out-of-range",
	       "before year 0: out of range");
	for (int64_t k = 0; k < 4000; k++) {
		int64_t v = k * 7919 * 86400 / 13 + k * 3607;
		int64_t back;

		if (!dormant_time_parse_iso8601(dormant_time_format(v, buf),
		                                &back) ||
		    back != v) {
			ok(0, "format then parse %" PRId64 ": %s", v, buf);
			break;
		}
		if (k == 3999)
			ok(1, "format then parse gives the time back (4,000 "
			      "times over 6,600 years)");
	}

	ok(dormant_time_parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", &t) &&
	           t == 784111777,
	   "HTTP-date");
	ok(!dormant_time_parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", &t),
	   "obsolete RFC 850 date refused");
	ok(!dormant_time_parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC", &t),
	   "non-GMT refused");
	ok(!dormant_time_parse_http_date("120", &t), "seconds are not a date");
	return tap_done();
}
