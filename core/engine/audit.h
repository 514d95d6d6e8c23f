/* dormant: the audit log (SPEC section 7), JSON lines.
 *
 * One line before and one after each action, each written with a single
 * write(2) to a file opened O_APPEND, under flock(2) (other dormant
 * processes) and a mutex (this one's threads), then fsync(2)ed: a reader
 * sees whole lines only, in order, and a killed run leaves a valid log.
 * The file is never truncated.
 */
#ifndef DORMANT_AUDIT_H
#define DORMANT_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include <dormant/status.h>

struct core_audit_record {
	int64_t time;
	const char *run;
	const char *provider;
	const char *scope;
	const char *id;
	const char *name;
	const char *action; /* "disable", "enable" */
	const char *phase;  /* "before", "after" */
	const char
	        *result; /* after: "disabled", "enabled", "failed", "skipped" */
	const char *error; /* NULL when none */
	/* after, failed: the cloud was asked to act, so the action may have
	 * happened all the same (an answer lost on the way back). Written as
	 * "called": true; absent otherwise. */
	bool called;
};

struct core_audit;

/* Opens (creating, mode 0600) the log for appending. */
enum dormant_status core_audit_open(const char *path, struct core_audit **out,
                                    struct dormant_error *err);

/* Appends one record, durably, before returning. */
enum dormant_status core_audit_write(struct core_audit *audit,
                                     const struct core_audit_record *r,
                                     struct dormant_error *err);

void core_audit_close(struct core_audit *audit);

/* Calls fn for each well-formed record of the log, in order. Lines that
 * are not records (a torn last line after a crash of the machine) are
 * counted in *bad, not fatal. fn returns non-OK to stop. */
typedef enum dormant_status (*core_audit_fn)(void *ctx,
                                             const struct core_audit_record *r,
                                             unsigned line);
enum dormant_status core_audit_read(const char *path, core_audit_fn fn,
                                    void *ctx, unsigned *bad,
                                    struct dormant_error *err);

/* A new run id: the UTC start time and random bits, e.g.
 * "20261128T120000Z-3f9a1c2b". buf holds 32 bytes. */
void core_audit_run_id(int64_t now, char buf[32]);

#endif /* DORMANT_AUDIT_H */
