/* dormant: files replaced atomically (temp file in the same directory,
 * fsync, rename), so that a reader sees the old report or the new one,
 * never half of one, even if the run is killed mid-write. A symbolic
 * link keeps pointing at the file it names, which is replaced; a path
 * that is no regular file (/dev/null, a FIFO, a terminal) is written in
 * place, never replaced. */
#ifndef DORMANT_ATOMIC_FILE_H
#define DORMANT_ATOMIC_FILE_H

#include <stdio.h>

#include <dormant/status.h>

struct core_atomic_file {
	char *path;  /* owned */
	char *tmp;   /* owned; the temp file while open; NULL when path is
	              * no regular file (a device, a FIFO): written in place */
	FILE *f;     /* write here */
	char *iobuf; /* owned; f's buffer, freed after f is closed */
};

enum dormant_status core_atomic_open(struct core_atomic_file *af,
                                     const char *path,
                                     struct dormant_error *err);

/* Flushes, syncs and renames into place; af is closed either way. */
enum dormant_status core_atomic_commit(struct core_atomic_file *af,
                                       struct dormant_error *err);

/* Drops the temp file (safe to call on a closed or never-opened af). */
void core_atomic_abort(struct core_atomic_file *af);

#endif /* DORMANT_ATOMIC_FILE_H */
