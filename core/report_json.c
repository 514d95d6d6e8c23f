/* dormant: the JSON and NDJSON reports, written as a stream in the exact
 * key order of SPEC section 6 (a 100,000-finding report needs no tree in
 * memory). */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <dormant/json.h>
#include <dormant/timeutil.h>

#include "findings.h"
#include "report.h"

/* The length of the valid UTF-8 sequence at p, or 0. */
static size_t
utf8_len(const unsigned char *p)
{
	size_t n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : 2;

	for (size_t i = 1; i < n; i++)
		if (!p[i])
			return 0;
	return dormant_utf8_valid((const char *)p, n) ? n : 0;
}

void
dormant_json_write_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	putc('"', f);
	while (*p) {
		unsigned char c = *p;
		if (c == '"' || c == '\\') {
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
			size_t n = utf8_len(p);
			if (n) {
				fwrite(p, 1, n, f);
				p += n;
			} else {
				fputs("\\ufffd", f);
				p++;
			}
		}
	}
	putc('"', f);
}

static void
string_or_null(FILE *f, const char *s)
{
	if (s)
		dormant_json_write_string(f, s);
	else
		fputs("null", f);
}

static void
time_or_null(FILE *f, int64_t t)
{
	char buf[DORMANT_TIME_BUFSZ];

	if (t == DORMANT_TIME_NONE)
		fputs("null", f);
	else
		fprintf(f, "\"%s\"", dormant_time_format(t, buf));
}

static void
write_finding(FILE *f, const struct dormant_finding *x)
{
	fputs("{\"provider\":", f);
	dormant_json_write_string(f, x->provider);
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
		fprintf(f, ",\"days_inactive\":%" PRId64, x->days_inactive);
	fprintf(f, ",\"never_logged_in\":%s,\"admin\":%s",
	        x->never_logged_in ? "true" : "false",
	        x->admin ? "true" : "false");
	fputs(",\"rule\":", f);
	dormant_json_write_string(f, x->rule);
	fprintf(f, ",\"risk\":\"%s\",\"action\":\"%s\",\"action_error\":",
	        dormant_finding_risk(x), dormant_action_name(x->action));
	string_or_null(f, x->action_error);
	/* Provider facts beyond the common record (MFA, guest, raw sign-in
	 * times), for triage. */
	fputs(",\"details\":{", f);
	for (size_t i = 0; i < x->n_extras; i++) {
		const char *v = x->extras[i].value;
		if (i)
			putc(',', f);
		dormant_json_write_string(f, x->extras[i].key);
		putc(':', f);
		if (!v || strcmp(v, "null") == 0)
			fputs("null", f);
		else if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0)
			fputs(v, f);
		else
			dormant_json_write_string(f, v);
	}
	fputs("}}", f);
}

static void
write_list(FILE *f, const struct dormant_findings *list)
{
	putc('[', f);
	for (size_t i = 0; i < list->n; i++) {
		fputs(i ? ",\n    " : "\n    ", f);
		write_finding(f, &list->v[i]);
	}
	fputs(list->n ? "\n  ]" : "]", f);
}

void
dormant_report_json(FILE *f, const struct dormant_result *res)
{
	fputs("{\n  \"tool\": {\"name\": \"dormant\", \"version\": \"" PACKAGE_VERSION
	      "\"},\n  \"generated_at\": ",
	      f);
	time_or_null(f, res->generated_at);
	fprintf(f, ",\n  \"days\": %ld,\n  \"mode\": \"%s\",\n  \"run_id\": ",
	        res->days, res->disable_mode ? "disable" : "report");
	string_or_null(f, res->run_id[0] ? res->run_id : NULL);
	fputs(",\n  \"providers\": [", f);
	for (size_t i = 0; i < res->n_scopes; i++) {
		const struct dormant_scope_result *s = &res->scopes[i];
		fputs(i ? ",\n    " : "\n    ", f);
		fputs("{\"provider\":", f);
		dormant_json_write_string(f, s->provider);
		fputs(",\"scope\":", f);
		string_or_null(f, s->scope);
		fprintf(f, ",\"status\":\"%s\",\"error\":",
		        s->status == DORMANT_OK ? "ok" : "error");
		string_or_null(f, s->error);
		fprintf(f, ",\"users_scanned\":%zu,\"findings\":%zu}",
		        s->users_scanned, s->n_findings);
	}
	fputs(res->n_scopes ? "\n  ],\n  \"findings\": " : "],\n  \"findings\": ",
	      f);
	write_list(f, &res->findings);
	fputs(",\n  \"warnings\": ", f);
	write_list(f, &res->warnings);
	fputs(",\n  \"safety_stop\": ", f);
	string_or_null(f, res->safety_stop);
	fputs("\n}\n", f);
}

void
dormant_report_ndjson(FILE *f, const struct dormant_result *res)
{
	for (size_t i = 0; i < res->findings.n; i++) {
		write_finding(f, &res->findings.v[i]);
		putc('\n', f);
	}
	for (size_t i = 0; i < res->warnings.n; i++) {
		write_finding(f, &res->warnings.v[i]);
		putc('\n', f);
	}
}
