/* dormant: one run at a time (SPEC section 7).
 *
 * flock(2) on a lock file: the kernel drops the lock when its holder
 * dies, so a killed run never leaves a lock that blocks the next one. The
 * file holds the holder's pid, only to name it in the message.
 */
#ifndef DORMANT_LOCK_H
#define DORMANT_LOCK_H

#include <dormant/status.h>

/* Takes the lock without waiting: on path, or, when path is NULL, on the
 * default lock file (/run/dormant.lock for root, else under
 * $XDG_RUNTIME_DIR, else /tmp/dormant-UID.lock). Another holder is
 * DORMANT_ERR_USAGE ("another dormant run, pid N, holds FILE"). *fd is
 * the lock until core_lock_release. */
enum dormant_status core_lock_acquire(const char *path, int *fd,
                                      struct dormant_error *err);
void core_lock_release(int fd);

#endif /* DORMANT_LOCK_H */
