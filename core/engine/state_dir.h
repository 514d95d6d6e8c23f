/* dormant: the directory that holds dormant's own state (the audit log,
 * the warnings' state), created on first use.
 *
 * Its default is configure's localstatedir (DORMANT_STATE_DIR, e.g.
 * /var/lib/dormant), which `make install` and the package create with
 * mode 0700. A run that finds it missing creates it itself rather than
 * refusing its first --disable.
 */
#ifndef DORMANT_STATE_DIR_H
#define DORMANT_STATE_DIR_H

#include <dormant/status.h>

/* Makes sure the directory that will hold file_path exists: creates it
 * (mode 0700, the last component only: its parent must exist) when it is
 * missing. An existing symbolic link there is used only when it belongs
 * to this user or root: a link someone else planted is refused, never
 * followed. */
enum dormant_status core_state_dir_ensure(const char *file_path,
                                          struct dormant_error *err);

#endif /* DORMANT_STATE_DIR_H */
