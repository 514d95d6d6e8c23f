/* dormant: disabling findings safely (SPEC section 7).
 *
 * Nothing here decides who is dormant: the scan did. This decides who may
 * be touched (complete listings only, admins only when allowed, within
 * the circuit breaker), re-reads each user's last sign-in right before
 * acting, and writes every action to the audit log before and after.
 */
#ifndef DORMANT_REMEDIATE_H
#define DORMANT_REMEDIATE_H

#include <dormant/status.h>

#include "audit.h"
#include "conf.h"
#include "engine.h"

/* Upper bound on concurrent actions of one provider. */
#define DORMANT_MAX_ACTION_THREADS 64

/* A user is disabled at most this long after its last sign-in was
 * re-read (plus the disabling request's own time): a provider that takes
 * batches gets a batch as soon as its oldest re-read is this old, and a
 * re-read that went stale waiting for slower ones is done again. Stated
 * in dormant(1). */
#define DORMANT_REREAD_MAX_AGE_S 60

/* Disables what may be disabled among res->findings, setting each
 * finding's action. Trips the circuit breaker (res->safety_stop) instead
 * when too many would go. Returns non-OK only for an engine failure. */
enum dormant_status core_remediate(struct core_engine *engine,
                                   const struct core_conf *conf,
                                   struct core_result *res,
                                   struct core_audit *audit,
                                   struct dormant_error *err);

#endif /* DORMANT_REMEDIATE_H */
