/* dormant: warn each user once per dormancy.
 *
 * With warn_days set, a user past warn_days is listed in "warnings" so a
 * team can tell them, but only on the first run that sees them in that
 * state: the file remembers (provider, scope, id, reference) of everyone
 * warned. A user who signs in has a new reference, so a later dormancy
 * warns again; a user who leaves the warning band drops out of the file.
 */
#ifndef DORMANT_WARN_STATE_H
#define DORMANT_WARN_STATE_H

#include "conf.h"
#include "findings.h"

/* The default file: /var/lib/dormant/warned.tsv for root, else under
 * $XDG_STATE_HOME or ~/.local/state. Caller frees; NULL when unknown. */
char *core_warn_state_default_path(void);

/* Removes from `warnings` those already warned for the same dormancy and
 * records the rest. Trouble with the file is logged, never fatal: the
 * warnings are then all reported, as without state. */
void core_warn_state_filter(const struct core_conf *conf,
                            struct core_findings *warnings);

#endif /* DORMANT_WARN_STATE_H */
