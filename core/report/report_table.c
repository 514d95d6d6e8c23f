/* dormant: the table report, for people.
 *
 * Columns are aligned by characters (UTF-8 code points), not bytes. Names
 * come from the clouds, so control characters are shown as '?': a user
 * called "\033]0;..." must not rewrite the admin's terminal.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/timeutil.h>

#include "findings.h"
#include "report.h"

#define COLS      7
#define MAX_WIDTH 48 /* longer cells are cut with "..." */

static const char *const headers[COLS] = {
        "PROVIDER", "SCOPE", "NAME", "LAST LOGIN", "DAYS", "RISK", "ACTION"};

/* Characters in s, counting each UTF-8 sequence once. */
static size_t
width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* Copies s into buf made safe for a terminal and at most MAX_WIDTH
 * characters. */
static void
cell(char *buf, size_t len, const char *s)
{
	size_t o = 0, chars = 0;

	if (!s)
		s = "-";
	for (; *s && o + 5 < len; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c & 0xc0) != 0x80 && ++chars > MAX_WIDTH - 3 &&
		    width(s) > 3) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		buf[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	buf[o] = '\0';
}

static void
date_cell(char *buf, size_t len, int64_t t)
{
	char iso[DORMANT_TIME_BUFSZ];

	if (t == DORMANT_TIME_NONE) {
		snprintf(buf, len, "never");
		return;
	}
	dormant_time_format(t, iso);
	snprintf(buf, len, "%.10s", iso);
}

static void
row_cells(const struct core_finding *x, char cells[COLS][4 * MAX_WIDTH])
{
	cell(cells[0], sizeof(cells[0]), x->provider);
	cell(cells[1], sizeof(cells[1]), x->scope);
	cell(cells[2], sizeof(cells[2]), x->name);
	date_cell(cells[3], sizeof(cells[3]), x->last_login);
	if (x->days_inactive < 0)
		snprintf(cells[4], sizeof(cells[4]), "?");
	else
		snprintf(cells[4], sizeof(cells[4]), "%" PRId64,
		         x->days_inactive);
	snprintf(cells[5], sizeof(cells[5]), "%s", core_finding_risk(x));
	snprintf(cells[6], sizeof(cells[6]), "%s", core_action_name(x->action));
}

static void
print_row(FILE *f, char cells[COLS][4 * MAX_WIDTH], const size_t *w)
{
	for (int c = 0; c < COLS; c++) {
		size_t pad = w[c] - width(cells[c]);
		/* DAYS is a number: right-aligned. */
		if (c == 4)
			fprintf(f, "%*s%s", (int)pad, "", cells[c]);
		else if (c == COLS - 1)
			fputs(cells[c], f);
		else
			fprintf(f, "%s%*s", cells[c], (int)pad, "");
		if (c < COLS - 1)
			fputs("  ", f);
	}
	putc('\n', f);
}

static void
print_findings(FILE *f, const struct core_findings *list)
{
	char cells[COLS][4 * MAX_WIDTH];
	size_t w[COLS];

	for (int c = 0; c < COLS; c++)
		w[c] = strlen(headers[c]);
	for (size_t i = 0; i < list->n; i++) {
		row_cells(&list->v[i], cells);
		for (int c = 0; c < COLS; c++)
			if (width(cells[c]) > w[c])
				w[c] = width(cells[c]);
	}
	for (int c = 0; c < COLS; c++)
		snprintf(cells[c], sizeof(cells[c]), "%s", headers[c]);
	print_row(f, cells, w);
	for (size_t i = 0; i < list->n; i++) {
		row_cells(&list->v[i], cells);
		print_row(f, cells, w);
	}
}

static void
print_scopes(FILE *f, const struct core_result *res)
{
	size_t wp = strlen("PROVIDER"), ws = strlen("SCOPE");

	for (size_t i = 0; i < res->n_scopes; i++) {
		char buf[4 * MAX_WIDTH];
		cell(buf, sizeof(buf), res->scopes[i].scope);
		if (width(res->scopes[i].provider) > wp)
			wp = width(res->scopes[i].provider);
		if (width(buf) > ws)
			ws = width(buf);
	}
	fprintf(f, "%-*s  %-*s  %-6s  %7s  %7s  %s\n", (int)wp, "PROVIDER",
	        (int)ws, "SCOPE", "STATUS", "USERS", "DORMANT", "NOTE");
	for (size_t i = 0; i < res->n_scopes; i++) {
		const struct core_scope_result *s = &res->scopes[i];
		char scope[4 * MAX_WIDTH], note[1024];
		size_t pad;

		cell(scope, sizeof(scope), s->scope);
		pad = ws - width(scope);
		if (s->status != DORMANT_OK)
			snprintf(note, sizeof(note), "%s",
			         s->error ? s->error : "");
		else if (s->admins_unknown)
			snprintf(note, sizeof(note), "%s", s->admins_unknown);
		else
			note[0] = '\0';
		for (char *p = note; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		fprintf(f, "%-*s  %s%*s  %-6s  %7zu  %7zu%s%s\n", (int)wp,
		        s->provider, scope, (int)pad, "",
		        s->status == DORMANT_OK ? "ok" : "error",
		        s->users_scanned, s->n_findings, note[0] ? "  " : "",
		        note);
	}
}

/* The rules behind the findings, one short block per catalog entry, so
 * that the table too says which controls the findings break and how to
 * fix them; `dormant explain` has the rest. */
static void
print_rules(FILE *f, const struct core_result *res,
            const struct core_rules *rules)
{
	const struct core_rule **used;
	size_t n;

	used = core_report_rules_used(res, rules, &n);
	if (!used)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct core_rule *r = used[i];
		const char *p =
		        strcmp(r->provider, "*") == 0 ? "" : r->provider;

		fprintf(f, "\n%s%s%s: %s\n", r->id, *p ? " on " : "", p,
		        r->title);
		fputs("  compliance: ", f);
		for (size_t j = 0; j < r->n_compliance; j++) {
			char label[512];
			core_rule_ref_label(&r->compliance[j], label,
			                    sizeof(label));
			fprintf(f, "%s%s", j ? "; " : "", label);
		}
		putc('\n', f);
		for (size_t j = 0; j < r->cli.n; j++)
			fprintf(f, "  fix: %s\n", r->cli.v[j]);
		fprintf(f, "  more: dormant explain %s%s%s\n", r->id,
		        *p ? " " : "", p);
	}
	free(used);
}

enum dormant_status
core_report_table(FILE *f, const struct core_result *res,
                  const struct core_rules *rules)
{
	if (res->findings.n) {
		print_findings(f, &res->findings);
	} else {
		fprintf(f,
		        "No account has been inactive for more than %ld "
		        "days.\n",
		        res->days);
	}
	if (res->warnings.n) {
		fputs("\nApproaching the threshold (warn):\n", f);
		print_findings(f, &res->warnings);
	}
	if (res->safety_stop)
		fprintf(f, "\nSafety stop: %s\n", res->safety_stop);
	print_rules(f, res, rules);
	putc('\n', f);
	print_scopes(f, res);
	return DORMANT_OK;
}
