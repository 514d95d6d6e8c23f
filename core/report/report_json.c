/* dormant: the JSON and NDJSON reports, written as a stream in the exact
 * key order of SPEC section 6 (a 100,000-finding report needs no tree in
 * memory). */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/json.h>
#include <dormant/timeutil.h>

#include "findings.h"
#include "report.h"

size_t
core_utf8_seq_len(const unsigned char *p)
{
	size_t n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : 2;

	for (size_t i = 1; i < n; i++)
		if (!p[i])
			return 0;
	return dormant_utf8_valid((const char *)p, n) ? n : 0;
}

size_t
core_write_utf8(FILE *f, const unsigned char *p, const char *replacement)
{
	size_t n = core_utf8_seq_len(p);

	if (!n) {
		fputs(replacement, f);
		return 1;
	}
	fwrite(p, 1, n, f);
	return n;
}

/* html: < > & as \u003c \u003e \u0026 too, for JSON inside <script>. */
static void
write_string(FILE *f, const char *s, bool html)
{
	const unsigned char *p = (const unsigned char *)s;

	putc('"', f);
	while (*p) {
		unsigned char c = *p;
		size_t run = 0;

		/* Most of a report is plain ASCII: write it in runs, not a
		 * putc a byte (a quarter of a large scan's CPU went there). */
		while (p[run] >= 0x20 && p[run] < 0x7f && p[run] != '"' &&
		       p[run] != '\\' &&
		       !(html &&
		         (p[run] == '<' || p[run] == '>' || p[run] == '&')))
			run++;
		if (run) {
			fwrite(p, 1, run, f);
			p += run;
			continue;
		}
		if (html && (c == '<' || c == '>' || c == '&')) {
			fprintf(f, "\\u%04x", c);
			p++;
		} else if (c == '"' || c == '\\') {
			putc('\\', f);
			putc(c, f);
			p++;
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
			p++;
		} else if (c < 0x80) {
			putc(c, f);
			p++;
		} else {
			p += core_write_utf8(f, p, "\\ufffd");
		}
	}
	putc('"', f);
}

void
core_json_write_string(FILE *f, const char *s)
{
	write_string(f, s, false);
}

void
core_json_write_string_html(FILE *f, const char *s)
{
	write_string(f, s, true);
}

static void
string_or_null(FILE *f, const char *s)
{
	if (s)
		core_json_write_string(f, s);
	else
		fputs("null", f);
}

static void
time_or_null(FILE *f, int64_t t)
{
	char buf[DORMANT_TIME_BUFSZ];

	if (t == DORMANT_TIME_NONE) {
		fputs("null", f);
	} else {
		putc('"', f);
		fputs(dormant_time_format(t, buf), f);
		putc('"', f);
	}
}

/* key then a non-negative integer, without printf's machinery (called
 * once per finding). */
static void
write_int(FILE *f, const char *key, int64_t v)
{
	char digits[24];
	size_t n = sizeof(digits);
	uint64_t u = (uint64_t)v;

	fputs(key, f);
	do {
		digits[--n] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	fwrite(digits + n, 1, sizeof(digits) - n, f);
}

/* The rule's fields a finding carries itself, after SPEC section 6's
 * keys and "details": so that every NDJSON line stands alone. The long
 * text (description, triage, console steps, prevention) is in the
 * report's top-level "rules" object, once per rule and provider. */
static enum dormant_status
write_rule_fields(FILE *f, const struct core_finding *x,
                  const struct core_rules *rules)
{
	struct core_fix fix;
	enum dormant_status st;
	char label[512];

	st = core_fix_make(rules, x, &fix);
	if (st != DORMANT_OK)
		return st;
	if (!fix.rule) {
		fputs(",\"title\":null,\"compliance\":[],\"remediation\":null",
		      f);
		goto out;
	}
	fputs(",\"title\":", f);
	core_json_write_string(f, fix.rule->title);
	fputs(",\"compliance\":[", f);
	for (size_t i = 0; i < fix.rule->n_compliance; i++) {
		core_rule_ref_label(&fix.rule->compliance[i], label,
		                    sizeof(label));
		if (i)
			putc(',', f);
		core_json_write_string(f, label);
	}
	fputs("],\"remediation\":{\"cli\":[", f);
	for (size_t i = 0; i < fix.n_cli; i++) {
		if (i)
			putc(',', f);
		core_json_write_string(f, fix.cli[i]);
	}
	fputs("],\"api\":", f);
	core_json_write_string(f, fix.api);
	fputs(",\"undo\":", f);
	string_or_null(f, fix.undo);
	putc('}', f);
out:
	core_fix_free(&fix);
	return DORMANT_OK;
}

static enum dormant_status
write_finding(FILE *f, const struct core_finding *x,
              const struct core_rules *rules)
{
	fputs("{\"provider\":", f);
	core_json_write_string(f, x->provider);
	fputs(",\"scope\":", f);
	string_or_null(f, x->scope);
	fputs(",\"id\":", f);
	string_or_null(f, x->id);
	fputs(",\"name\":", f);
	string_or_null(f, x->name);
	fputs(",\"email\":", f);
	string_or_null(f, x->email);
	fputs(",\"display_name\":", f);
	string_or_null(f, x->display_name);
	fputs(",\"created\":", f);
	time_or_null(f, x->created);
	fputs(",\"last_login\":", f);
	time_or_null(f, x->last_login);
	fputs(",\"reference\":", f);
	time_or_null(f, x->reference);
	if (x->days_inactive < 0)
		fputs(",\"days_inactive\":null", f);
	else
		write_int(f, ",\"days_inactive\":", x->days_inactive);
	fputs(x->never_logged_in ? ",\"never_logged_in\":true"
	                         : ",\"never_logged_in\":false",
	      f);
	fputs(x->admin_unknown ? ",\"admin\":null"
	      : x->admin       ? ",\"admin\":true"
	                       : ",\"admin\":false",
	      f);
	fputs(",\"rule\":", f);
	core_json_write_string(f, x->rule);
	fputs(",\"risk\":\"", f);
	fputs(core_finding_risk(x), f);
	fputs("\",\"action\":\"", f);
	fputs(core_action_name(x->action), f);
	fputs("\",\"action_error\":", f);
	string_or_null(f, x->action_error);
	/* Provider facts beyond the common record (MFA, guest, raw sign-in
	 * times), for triage. */
	fputs(",\"details\":{", f);
	for (size_t i = 0; i < x->n_extras; i++) {
		const char *v = x->extras[i].value;
		if (i)
			putc(',', f);
		core_json_write_string(f, x->extras[i].key);
		putc(':', f);
		if (!v || strcmp(v, "null") == 0)
			fputs("null", f);
		else if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0)
			fputs(v, f);
		else
			core_json_write_string(f, v);
	}
	putc('}', f);
	if (write_rule_fields(f, x, rules) != DORMANT_OK)
		return DORMANT_ERR_NOMEM;
	putc('}', f);
	return DORMANT_OK;
}

static enum dormant_status
write_list(FILE *f, const struct core_findings *list,
           const struct core_rules *rules)
{
	putc('[', f);
	for (size_t i = 0; i < list->n; i++) {
		fputs(i ? ",\n    " : "\n    ", f);
		if (write_finding(f, &list->v[i], rules) != DORMANT_OK)
			return DORMANT_ERR_NOMEM;
	}
	fputs(list->n ? "\n  ]" : "]", f);
	return DORMANT_OK;
}

/* "rules": {"RULE": {"PROVIDER": catalog entry, ...}, ...} for the
 * entries the report uses, verbatim from rules/RULE/PROVIDER.json:
 * command templates keep their {name} placeholders here, the findings
 * carry them filled. */
static enum dormant_status
write_rules(FILE *f, const struct core_result *res,
            const struct core_rules *rules)
{
	const struct core_rule **used;
	size_t n;
	enum dormant_status st = DORMANT_OK;

	used = core_report_rules_used(res, rules, &n);
	if (!used)
		return DORMANT_ERR_NOMEM;
	fputs(",\n  \"rules\": {", f);
	for (size_t i = 0; i < n; i++) {
		char *text;
		bool first_of_rule =
		        i == 0 || strcmp(used[i - 1]->id, used[i]->id) != 0;

		if (first_of_rule) {
			fputs(i ? "},\n    " : "\n    ", f);
			core_json_write_string(f, used[i]->id);
			fputs(": {", f);
		} else {
			putc(',', f);
		}
		fputs("\n      ", f);
		core_json_write_string(f, used[i]->provider);
		fputs(": ", f);
		text = cJSON_PrintUnformatted(used[i]->root);
		if (!text) {
			st = DORMANT_ERR_NOMEM;
			goto out;
		}
		fputs(text, f);
		cJSON_free(text);
	}
	fputs(n ? "}\n  }" : "}", f);
out:
	free(used);
	return st;
}

enum dormant_status
core_report_json(FILE *f, const struct core_result *res,
                 const struct core_rules *rules)
{
	enum dormant_status st;

	fputs("{\n  \"tool\": {\"name\": \"dormant\", \"version\": "
	      "\"" PACKAGE_VERSION "\"},\n  \"generated_at\": ",
	      f);
	time_or_null(f, res->generated_at);
	fprintf(f, ",\n  \"days\": %ld,\n  \"mode\": \"%s\",\n  \"run_id\": ",
	        res->days, res->disable_mode ? "disable" : "report");
	string_or_null(f, res->run_id[0] ? res->run_id : NULL);
	fputs(",\n  \"providers\": [", f);
	for (size_t i = 0; i < res->n_scopes; i++) {
		const struct core_scope_result *s = &res->scopes[i];
		fputs(i ? ",\n    " : "\n    ", f);
		fputs("{\"provider\":", f);
		core_json_write_string(f, s->provider);
		fputs(",\"scope\":", f);
		string_or_null(f, s->scope);
		fprintf(f, ",\"status\":\"%s\",\"error\":",
		        s->status == DORMANT_OK ? "ok" : "error");
		string_or_null(f, s->error);
		fputs(",\"admins_unknown\":", f);
		string_or_null(f, s->admins_unknown);
		fprintf(f, ",\"users_scanned\":%zu,\"findings\":%zu}",
		        s->users_scanned, s->n_findings);
	}
	fputs(res->n_scopes ? "\n  ],\n  \"findings\": "
	                    : "],\n  \"findings\": ",
	      f);
	st = write_list(f, &res->findings, rules);
	if (st != DORMANT_OK)
		return st;
	fputs(",\n  \"warnings\": ", f);
	st = write_list(f, &res->warnings, rules);
	if (st != DORMANT_OK)
		return st;
	fputs(",\n  \"safety_stop\": ", f);
	string_or_null(f, res->safety_stop);
	st = write_rules(f, res, rules);
	if (st != DORMANT_OK)
		return st;
	fputs("\n}\n", f);
	return DORMANT_OK;
}

enum dormant_status
core_report_ndjson(FILE *f, const struct core_result *res,
                   const struct core_rules *rules)
{
	for (size_t i = 0; i < res->findings.n; i++) {
		if (write_finding(f, &res->findings.v[i], rules) != DORMANT_OK)
			return DORMANT_ERR_NOMEM;
		putc('\n', f);
	}
	for (size_t i = 0; i < res->warnings.n; i++) {
		if (write_finding(f, &res->warnings.v[i], rules) != DORMANT_OK)
			return DORMANT_ERR_NOMEM;
		putc('\n', f);
	}
	return DORMANT_OK;
}
