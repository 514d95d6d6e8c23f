/* dormant: the live progress lines of a scan on a terminal.
 *
 * One line per provider on stderr (users read, pages, elapsed, rate),
 * redrawn a few times a second by a thread of its own while the scope
 * threads count. Only when stderr is a terminal and the run is not -q,
 * and only once a scan has run for a moment: a short scan or a cron run
 * prints nothing (SPEC section 9). The lines are erased when the scan
 * ends, so the report starts on a clean screen.
 */
#ifndef DORMANT_PROGRESS_H
#define DORMANT_PROGRESS_H

#include <stdbool.h>

#include "conf.h"
#include "engine.h"

struct core_progress;

/* Starts showing the scopes of res (after plan: res->scopes set), or
 * returns NULL when progress is not to be shown (not a terminal, -q,
 * --syslog, no memory). Every other function accepts NULL. */
struct core_progress *core_progress_start(const struct core_conf *conf,
                                          const struct core_result *res);

/* Counters, called from the scope threads: lock-free. */
void core_progress_user(struct core_progress *p,
                        const struct core_scope_result *scope);
void core_progress_page(struct core_progress *p,
                        const struct core_scope_result *scope);
void core_progress_done(struct core_progress *p,
                        const struct core_scope_result *scope);

/* Stops the thread, erases the lines, frees p. */
void core_progress_stop(struct core_progress *p);

/* Whether progress would be shown for this configuration on this
 * stderr (exposed for the tests' benefit and for --help). */
bool core_progress_wanted(const struct core_conf *conf);

#endif /* DORMANT_PROGRESS_H */
