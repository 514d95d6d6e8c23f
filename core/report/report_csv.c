/* dormant: the CSV report, one finding a row (RFC 4180).
 *
 * Rows end in CRLF; a cell holding a comma, a quote, CR or LF is quoted,
 * quotes doubled. Spreadsheets run a cell that starts with = + - @ TAB or
 * CR as a formula, and names come from the clouds: such a cell gets a
 * leading single quote (OWASP's advice for CSV injection), so that a user
 * called "=HYPERLINK(...)" is text. Bytes that are not UTF-8 become
 * U+FFFD, as in the JSON report. Warnings follow the findings with the
 * action "warn".
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/timeutil.h>

#include "findings.h"
#include "report.h"

static const char *const header[] = {"provider",
                                     "scope",
                                     "id",
                                     "name",
                                     "email",
                                     "display_name",
                                     "created",
                                     "last_login",
                                     "reference",
                                     "days_inactive",
                                     "never_logged_in",
                                     "admin",
                                     "rule",
                                     "risk",
                                     "action",
                                     "action_error",
                                     "title",
                                     "compliance",
                                     "remediation_cli",
                                     "remediation_api",
                                     NULL};

static bool
needs_quotes(const char *s)
{
	return strpbrk(s, ",\"\r\n") != NULL;
}

/* A text cell: NULL is empty. */
static void
cell(FILE *f, const char *s, bool first)
{
	const unsigned char *p = (const unsigned char *)s;
	bool quote;

	if (!first)
		putc(',', f);
	if (!s)
		return;
	quote = needs_quotes(s);
	if (quote)
		putc('"', f);
	if (s[0] && strchr("=+-@\t\r", s[0]))
		putc('\'', f);
	while (*p) {
		if (*p == '"') {
			fputs("\"\"", f);
			p++;
		} else if (*p < 0x80) {
			putc(*p, f);
			p++;
		} else {
			p += core_write_utf8(f, p, "\xef\xbf\xbd");
		}
	}
	if (quote)
		putc('"', f);
}

static void
time_cell(FILE *f, int64_t t)
{
	char buf[DORMANT_TIME_BUFSZ];

	cell(f, t == DORMANT_TIME_NONE ? NULL : dormant_time_format(t, buf),
	     false);
}

/* Joins the list with sep into one allocated string ("" when empty). */
static char *
join(char *const *v, size_t n, const char *sep)
{
	struct dormant_buf b;
	enum dormant_status st;

	dormant_buf_init(&b, 0);
	st = dormant_buf_append(&b, "", 0);
	for (size_t i = 0; st == DORMANT_OK && i < n; i++) {
		if (i)
			st = dormant_buf_append(&b, sep, strlen(sep));
		if (st == DORMANT_OK)
			st = dormant_buf_append(&b, v[i], strlen(v[i]));
	}
	if (st != DORMANT_OK) {
		dormant_buf_free(&b);
		return NULL;
	}
	return dormant_buf_steal(&b);
}

static enum dormant_status
row(FILE *f, const struct core_finding *x, const struct core_rules *rules)
{
	struct core_fix fix;
	char days[32], **labels = NULL, *compliance = NULL, *cli = NULL;
	size_t n_labels = 0;
	enum dormant_status st;

	st = core_fix_make(rules, x, &fix);
	if (st != DORMANT_OK)
		return st;
	if (fix.rule) {
		labels = calloc(fix.rule->n_compliance + 1, sizeof(*labels));
		if (!labels) {
			st = DORMANT_ERR_NOMEM;
			goto out;
		}
		for (; n_labels < fix.rule->n_compliance; n_labels++) {
			labels[n_labels] = malloc(512);
			if (!labels[n_labels]) {
				st = DORMANT_ERR_NOMEM;
				goto out;
			}
			core_rule_ref_label(&fix.rule->compliance[n_labels],
			                    labels[n_labels], 512);
		}
	}
	compliance = join(labels, n_labels, "; ");
	/* One command a line: the cell pastes into a shell as it is. */
	cli = join(fix.cli, fix.n_cli, "\n");
	if (!compliance || !cli) {
		st = DORMANT_ERR_NOMEM;
		goto out;
	}
	cell(f, x->provider, true);
	cell(f, x->scope, false);
	cell(f, x->id, false);
	cell(f, x->name, false);
	cell(f, x->email, false);
	cell(f, x->display_name, false);
	time_cell(f, x->created);
	time_cell(f, x->last_login);
	time_cell(f, x->reference);
	if (x->days_inactive < 0)
		days[0] = '\0';
	else
		snprintf(days, sizeof(days), "%" PRId64, x->days_inactive);
	cell(f, days, false);
	cell(f, x->never_logged_in ? "true" : "false", false);
	cell(f,
	     x->admin_unknown ? "unknown"
	     : x->admin       ? "true"
	                      : "false",
	     false);
	cell(f, x->rule, false);
	cell(f, core_finding_risk(x), false);
	cell(f, core_action_name(x->action), false);
	cell(f, x->action_error, false);
	cell(f, fix.rule ? fix.rule->title : NULL, false);
	cell(f, compliance, false);
	cell(f, cli, false);
	cell(f, fix.api, false);
	fputs("\r\n", f);
out:
	for (size_t i = 0; i < n_labels; i++)
		free(labels[i]);
	free(labels);
	free(compliance);
	free(cli);
	core_fix_free(&fix);
	return st;
}

enum dormant_status
core_report_csv(FILE *f, const struct core_result *res,
                const struct core_rules *rules)
{
	enum dormant_status st = DORMANT_OK;

	for (size_t i = 0; header[i]; i++)
		cell(f, header[i], i == 0);
	fputs("\r\n", f);
	for (size_t i = 0; st == DORMANT_OK && i < res->findings.n; i++)
		st = row(f, &res->findings.v[i], rules);
	for (size_t i = 0; st == DORMANT_OK && i < res->warnings.n; i++)
		st = row(f, &res->warnings.v[i], rules);
	return st;
}
