/* dormant: fuzz target for the audit log reader (core/engine/audit.c), what
 * `dormant audit` shows and `dormant enable --from` acts on.
 *
 * The input is the whole log, written to a private scratch directory
 * (fuzz_tmp.h) since the reader takes a path. Any input must end in a
 * status (with a message when it is an error), never a crash, a leak or
 * a sanitizer report. Every record handed out must carry what enable
 * needs (run, provider, scope, id, action, phase); and the first few are
 * written back with core_audit_write and read again, which must give
 * the same record: what dormant reads is what it would have written, so
 * `enable --from` re-enables exactly the account the log names.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/timeutil.h>

#include "audit.h"
#include "fuzz_tmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Each round trip is a write, an fsync and a read: a few per input. */
#define ROUND_TRIPS 3

struct seen {
	struct core_audit *copy; /* the log the first records go to */
	size_t records;
	size_t written;
	struct core_audit_record kept[ROUND_TRIPS];
	char *strings[ROUND_TRIPS][9]; /* owned copies of kept's strings */
};

static volatile size_t sink;

static const char *
keep(char **slot, const char *s)
{
	if (!s)
		return NULL;
	*slot = strdup(s);
	if (!*slot)
		abort();
	return *slot;
}

static enum dormant_status
on_record(void *ctx, const struct core_audit_record *r, unsigned line)
{
	struct seen *seen = ctx;
	const char *const fields[] = {r->run,   r->provider, r->scope,
	                              r->id,    r->name,     r->action,
	                              r->phase, r->result,   r->error};
	char when[DORMANT_TIME_BUFSZ];
	struct dormant_error err;

	if (!line || !r->run || !r->provider || !r->scope || !r->id ||
	    !r->action || !r->phase)
		abort();
	for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++)
		sink += fields[i] ? strlen(fields[i]) : 0;
	seen->records++;
	/* Times dormant cannot write (beyond year 9999 after an offset)
	 * have no round trip to check. */
	if (seen->written >= ROUND_TRIPS ||
	    strcmp(dormant_time_format(r->time, when), "out-of-range") == 0)
		return DORMANT_OK;
	err.msg[0] = '\0';
	if (core_audit_write(seen->copy, r, &err) != DORMANT_OK) {
		if (!err.msg[0])
			abort();
		return DORMANT_OK;
	}
	{
		struct core_audit_record *k = &seen->kept[seen->written];
		char **s = seen->strings[seen->written];

		k->time = r->time;
		k->run = keep(&s[0], r->run);
		k->provider = keep(&s[1], r->provider);
		k->scope = keep(&s[2], r->scope);
		k->id = keep(&s[3], r->id);
		k->name = keep(&s[4], r->name);
		k->action = keep(&s[5], r->action);
		k->phase = keep(&s[6], r->phase);
		k->result = keep(&s[7], r->result);
		k->error = keep(&s[8], r->error);
	}
	seen->written++;
	return DORMANT_OK;
}

static bool
same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

struct reread {
	const struct seen *seen;
	size_t n;
};

static enum dormant_status
on_reread(void *ctx, const struct core_audit_record *r, unsigned line)
{
	struct reread *rr = ctx;
	const struct core_audit_record *k;

	if (rr->n >= rr->seen->written || line != rr->n + 1)
		abort();
	k = &rr->seen->kept[rr->n++];
	if (r->time != k->time || !same(r->run, k->run) ||
	    !same(r->provider, k->provider) || !same(r->scope, k->scope) ||
	    !same(r->id, k->id) || !same(r->name, k->name) ||
	    !same(r->action, k->action) || !same(r->phase, k->phase) ||
	    !same(r->result, k->result) || !same(r->error, k->error))
		abort();
	return DORMANT_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *log = fuzz_tmp_write(0, "audit.jsonl", data, size);
	const char *copy = fuzz_tmp_path(1, "copy.jsonl");
	struct seen seen;
	struct reread rr;
	struct dormant_error err;
	unsigned bad = 0;

	memset(&seen, 0, sizeof(seen));
	err.msg[0] = '\0';
	if (core_audit_open(copy, &seen.copy, &err) != DORMANT_OK)
		abort();
	if (core_audit_read(log, on_record, &seen, &bad, &err) != DORMANT_OK) {
		if (!err.msg[0])
			abort();
	}
	core_audit_close(seen.copy);
	/* A line is a record or bad, never both nor neither. */
	if (seen.records + bad > (size_t)size + 1)
		abort();

	rr.seen = &seen;
	rr.n = 0;
	bad = 0;
	err.msg[0] = '\0';
	if (core_audit_read(copy, on_reread, &rr, &bad, &err) != DORMANT_OK ||
	    bad || rr.n != seen.written)
		abort();

	for (size_t i = 0; i < ROUND_TRIPS; i++)
		for (size_t j = 0; j < 9; j++)
			free(seen.strings[i][j]);
	return 0;
}
