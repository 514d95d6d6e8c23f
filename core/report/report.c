/* dormant: choosing the writer and the destination. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "report.h"

static enum dormant_status
write_format(FILE *f, const struct core_result *res, enum core_format format,
             const struct core_rules *rules)
{
	enum dormant_status st = DORMANT_ERR_INTERNAL;

	/* The writers make one stdio call per token; holding the stream's
	 * lock for the whole report turns each of those locks into a
	 * counter bump (the process has threads, so stdio locks). */
	flockfile(f);
	switch (format) {
	case DORMANT_FORMAT_TABLE: st = core_report_table(f, res, rules); break;
	case DORMANT_FORMAT_JSON: st = core_report_json(f, res, rules); break;
	case DORMANT_FORMAT_NDJSON:
		st = core_report_ndjson(f, res, rules);
		break;
	case DORMANT_FORMAT_CSV: st = core_report_csv(f, res, rules); break;
	case DORMANT_FORMAT_OCSF: st = core_report_ocsf(f, res, rules); break;
	case DORMANT_FORMAT_HTML: st = core_report_html(f, res, rules); break;
	}
	funlockfile(f);
	return st;
}

enum dormant_status
core_report_open(struct core_report_dest *dest, const char *path,
                 struct dormant_error *err)
{
	enum dormant_status st;

	memset(dest, 0, sizeof(*dest));
	if (!path || strcmp(path, "-") == 0) {
		dest->to_stdout = true;
		dest->open = true;
		return DORMANT_OK;
	}
	st = core_atomic_open(&dest->af, path, err);
	if (st == DORMANT_OK)
		dest->open = true;
	return st;
}

enum dormant_status
core_report_finish(struct core_report_dest *dest, const struct core_result *res,
                   enum core_format format, struct dormant_error *err)
{
	struct core_rules rules;
	enum dormant_status st;
	FILE *f = dest->to_stdout ? stdout : dest->af.f;

	if (!dest->open)
		return dormant_error_set(err, DORMANT_ERR_INTERNAL,
		                         "the report is not open");
	st = core_rules_load(&rules, err);
	if (st != DORMANT_OK)
		goto out;
	st = write_format(f, res, format, &rules);
	core_rules_free(&rules);
	if (st != DORMANT_OK) {
		dormant_error_set(err, st, "cannot write the report: %s",
		                  dormant_strerror(st));
		goto out;
	}
	if (dest->to_stdout) {
		if (fflush(stdout) != 0 || ferror(stdout))
			st = dormant_error_set(err, DORMANT_ERR_IO,
			                       "cannot write the report to "
			                       "standard output");
		dest->open = false;
		goto out;
	}
	dest->open = false;
	st = core_atomic_commit(&dest->af, err);
out:
	core_report_abort(dest);
	return st;
}

void
core_report_abort(struct core_report_dest *dest)
{
	if (dest->open && !dest->to_stdout)
		core_atomic_abort(&dest->af);
	dest->open = false;
}

enum dormant_status
core_fix_make(const struct core_rules *rules, const struct core_finding *f,
              struct core_fix *fix)
{
	const struct core_rule *r;
	enum dormant_status st = DORMANT_OK;

	memset(fix, 0, sizeof(*fix));
	r = core_rules_find(rules, f->rule, f->provider);
	fix->rule = r;
	if (!r)
		return DORMANT_OK;
	fix->cli = calloc(r->cli.n + 1, sizeof(*fix->cli));
	if (!fix->cli)
		return DORMANT_ERR_NOMEM;
	for (size_t i = 0; st == DORMANT_OK && i < r->cli.n; i++) {
		st = core_rule_fill(r->cli.v[i], f, &fix->cli[i]);
		if (st == DORMANT_OK)
			fix->n_cli++;
	}
	if (st == DORMANT_OK)
		st = core_rule_fill(r->api, f, &fix->api);
	if (st == DORMANT_OK && r->undo)
		st = core_rule_fill(r->undo, f, &fix->undo);
	if (st != DORMANT_OK)
		core_fix_free(fix);
	return st;
}

void
core_fix_free(struct core_fix *fix)
{
	for (size_t i = 0; i < fix->n_cli; i++)
		free(fix->cli[i]);
	free(fix->cli);
	free(fix->api);
	free(fix->undo);
	memset(fix, 0, sizeof(*fix));
}

/* Puts each entry a finding of list uses at its own catalog index. */
static void
mark_used(const struct core_findings *list, const struct core_rules *rules,
          const struct core_rule **at)
{
	for (size_t i = 0; i < list->n; i++) {
		const struct core_rule *r = core_rules_find(
		        rules, list->v[i].rule, list->v[i].provider);
		if (r)
			at[r - rules->v] = r;
	}
}

const struct core_rule **
core_report_rules_used(const struct core_result *res,
                       const struct core_rules *rules, size_t *n)
{
	const struct core_rule **used =
	        calloc(rules->n ? rules->n : 1, sizeof(*used));

	*n = 0;
	if (!used)
		return NULL;
	mark_used(&res->findings, rules, used);
	mark_used(&res->warnings, rules, used);
	/* Close the gaps, keeping catalog order. */
	for (size_t i = 0; i < rules->n; i++)
		if (used[i])
			used[(*n)++] = used[i];
	return used;
}
