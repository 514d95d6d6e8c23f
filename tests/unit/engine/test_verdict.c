/* dormant: the verdict of SPEC section 3, to the second. */
#include "config.h"

#include <dormant/timeutil.h>

#include "verdict.h"
#include "tap.h"

static const int64_t NOW = 1795867200; /* 2026-11-28T12:00:00Z */
#define DAY 86400

static struct dormant_user
user(int64_t created, int64_t last, int64_t granted)
{
	return (struct dormant_user){
	        .id = "id",
	        .name = "name",
	        .created = created,
	        .last_login = last,
	        .access_granted = granted,
	        .interactive_access = true,
	        .account_enabled = true,
	};
}

static enum core_judgement
judge(const struct dormant_user *u, long days, long warn)
{
	struct core_verdict v;

	core_verdict_judge(u, NOW, days, warn, &v);
	return v.judgement;
}

int
main(void)
{
	struct dormant_user u;
	struct core_verdict v;
	int64_t t;

	ok(dormant_time_parse_iso8601("2026-11-28T12:00:00Z", &t) && t == NOW,
	   "the test's clock is 2026-11-28T12:00:00Z");

	/* The boundary: exactly `days` is not dormant, one second more is. */
	u = user(NOW - 400 * DAY, NOW - 90 * DAY, DORMANT_TIME_NONE);
	is_int(judge(&u, 90, 0), DORMANT_ACTIVE,
	       "exactly 90 days idle: active");
	u.last_login = NOW - 90 * DAY - 1;
	is_int(judge(&u, 90, 0), DORMANT_DORMANT, "90 days + 1 s: dormant");
	u.last_login = NOW - 90 * DAY + 1;
	is_int(judge(&u, 90, 0), DORMANT_ACTIVE, "90 days - 1 s: active");
	core_verdict_judge(&u, NOW, 90, 0, &v);
	is_int(v.days_inactive, 89, "89 days and change rounds down to 89");
	u.last_login = NOW - 90 * DAY - 1;
	core_verdict_judge(&u, NOW, 90, 0, &v);
	is_int(v.days_inactive, 90, "90 days and a second is 90 whole days");
	is_int(v.reference, NOW - 90 * DAY - 1, "reference is the last login");
	ok(!v.never_logged_in, "logged in once");

	/* Never signed in: the reference is when access was granted, else
	 * creation. */
	u = user(NOW - 400 * DAY, DORMANT_TIME_NONE, NOW - 10 * DAY);
	core_verdict_judge(&u, NOW, 90, 0, &v);
	is_int(v.judgement, DORMANT_ACTIVE,
	       "never signed in, password granted 10 days ago: active");
	ok(v.never_logged_in, "never_logged_in set");
	is_int(v.reference, NOW - 10 * DAY, "reference = access granted");
	u.access_granted = DORMANT_TIME_NONE;
	core_verdict_judge(&u, NOW, 90, 0, &v);
	is_int(v.judgement, DORMANT_DORMANT,
	       "never signed in, created 400 days ago: dormant");
	is_int(v.reference, NOW - 400 * DAY, "reference = created");
	is_int(v.days_inactive, 400, "400 days");
	u.created = NOW - DAY;
	is_int(judge(&u, 90, 0), DORMANT_ACTIVE,
	       "never signed in, created yesterday: active, not 20,000 days");

	/* No record at all (Entra before 2018): dormant, reference null. */
	u = user(DORMANT_TIME_NONE, DORMANT_TIME_NONE, DORMANT_TIME_NONE);
	core_verdict_judge(&u, NOW, 90, 0, &v);
	is_int(v.judgement, DORMANT_DORMANT, "no record at all: dormant");
	is_int(v.reference, DORMANT_TIME_NONE, "reference null");
	is_int(v.days_inactive, -1, "days_inactive null");

	/* Not findings at all. */
	u = user(NOW - 400 * DAY, NOW - 300 * DAY, DORMANT_TIME_NONE);
	u.account_enabled = false;
	is_int(judge(&u, 90, 0), DORMANT_NOT_APPLICABLE, "disabled account");
	u.account_enabled = true;
	u.interactive_access = false;
	is_int(judge(&u, 90, 0), DORMANT_NOT_APPLICABLE,
	       "no interactive access");

	/* A login in the future (clock skew) is zero days idle. */
	u = user(NOW - 400 * DAY, NOW + 3600, DORMANT_TIME_NONE);
	core_verdict_judge(&u, NOW, 90, 0, &v);
	is_int(v.judgement, DORMANT_ACTIVE, "future login: active");
	is_int(v.days_inactive, 0, "future login: 0 days");

	/* A login wins over an older grant; the last login is what counts. */
	u = user(NOW - 400 * DAY, NOW - 5 * DAY, NOW - 300 * DAY);
	is_int(judge(&u, 90, 0), DORMANT_ACTIVE,
	       "recent login beats old grant");

	/* Warnings: past warn_days, not past days. */
	u = user(NOW - 400 * DAY, NOW - 80 * DAY, DORMANT_TIME_NONE);
	is_int(judge(&u, 90, 76), DORMANT_WARN, "80 days with warn 76: warn");
	u.last_login = NOW - 76 * DAY;
	is_int(judge(&u, 90, 76), DORMANT_ACTIVE, "exactly 76 days: no warn");
	u.last_login = NOW - 76 * DAY - 1;
	is_int(judge(&u, 90, 76), DORMANT_WARN, "76 days + 1 s: warn");
	u.last_login = NOW - 95 * DAY;
	is_int(judge(&u, 90, 76), DORMANT_DORMANT,
	       "95 days: dormant, not warn");
	is_int(judge(&u, 90, 0), DORMANT_DORMANT, "warn off: dormant");
	u.last_login = NOW - 80 * DAY;
	is_int(judge(&u, 90, 0), DORMANT_ACTIVE, "warn off: 80 days active");

	/* Other thresholds. */
	u = user(NOW - 400 * DAY, NOW - 1 * DAY - 1, DORMANT_TIME_NONE);
	is_int(judge(&u, 1, 0), DORMANT_DORMANT, "days=1, 1 day + 1 s");
	u.last_login = NOW - 36500L * DAY;
	is_int(judge(&u, 36500, 0), DORMANT_ACTIVE, "days=36500 boundary");
	return tap_done();
}
