/* dormant: exclusions, globs matched against a user's id, name and email. */
#ifndef DORMANT_EXCLUDE_H
#define DORMANT_EXCLUDE_H

#include <stdbool.h>

#include <dormant/plugin.h>

#include "conf.h"

/* True when any pattern matches the user's id, login name or email
 * (fnmatch(3) globs, case-insensitive: cloud login names and emails are). */
bool core_exclude_match(const struct core_strv *patterns,
                        const struct dormant_user *user);

#endif /* DORMANT_EXCLUDE_H */
