/* dormant: exclusions. */
#include "config.h"

#include <fnmatch.h>

#include "exclude.h"

static bool
matches(const char *pattern, const char *s)
{
	return s && fnmatch(pattern, s, FNM_CASEFOLD) == 0;
}

bool
core_exclude_match(const struct core_strv *patterns,
                   const struct dormant_user *user)
{
	for (size_t i = 0; i < patterns->n; i++) {
		const char *p = patterns->v[i];
		if (matches(p, user->id) || matches(p, user->name) ||
		    matches(p, user->email))
			return true;
	}
	return false;
}
