/* dormant: the verdict of SPEC section 3, and nothing else.
 *
 * Pure: the clock is a parameter, so the rule is tested to the second.
 */
#ifndef DORMANT_VERDICT_H
#define DORMANT_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

#include <dormant/plugin.h>

#define DORMANT_RULE_INACTIVE "console-access-inactive"

enum core_judgement {
	DORMANT_NOT_APPLICABLE, /* disabled, or no interactive access */
	DORMANT_ACTIVE,         /* signed in (or got access) recently */
	DORMANT_WARN,           /* past warn_days, not yet past days */
	DORMANT_DORMANT
};

struct core_verdict {
	enum core_judgement judgement;
	int64_t reference;     /* DORMANT_TIME_NONE when the cloud has none */
	int64_t days_inactive; /* -1 when reference is NONE */
	bool never_logged_in;
};

/* days and warn_days in whole days; warn_days 0 turns warnings off. */
void core_verdict_judge(const struct dormant_user *user, int64_t now, long days,
                        long warn_days, struct core_verdict *out);

#endif /* DORMANT_VERDICT_H */
