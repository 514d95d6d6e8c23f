/* dormant: who is dormant (SPEC section 3). */
#include "config.h"

#include "verdict.h"

void
core_verdict_judge(const struct dormant_user *user, int64_t now, long days,
                   long warn_days, struct core_verdict *out)
{
	int64_t idle;

	out->judgement = DORMANT_NOT_APPLICABLE;
	out->never_logged_in = user->last_login == DORMANT_TIME_NONE;
	out->reference = user->last_login;
	if (out->reference == DORMANT_TIME_NONE)
		out->reference = user->access_granted;
	if (out->reference == DORMANT_TIME_NONE)
		out->reference = user->created;
	out->days_inactive = -1;

	if (!user->interactive_access || !user->account_enabled)
		return;
	if (out->reference == DORMANT_TIME_NONE) {
		/* Entra accounts from before 2018 carry neither sign-in
		 * activity nor a creation time: they predate the records,
		 * which is itself more than any threshold. */
		out->judgement = DORMANT_DORMANT;
		return;
	}
	/* A reference in the future (clock skew between cloud and us) is
	 * idle for zero days, never negative. */
	idle = now > out->reference ? now - out->reference : 0;
	out->days_inactive = idle / 86400;
	/* Strictly more than `days`: exactly 90 days idle is not dormant at
	 * days = 90, one more second is. */
	if (idle > (int64_t)days * 86400)
		out->judgement = DORMANT_DORMANT;
	else if (warn_days > 0 && idle > (int64_t)warn_days * 86400)
		out->judgement = DORMANT_WARN;
	else
		out->judgement = DORMANT_ACTIVE;
}
