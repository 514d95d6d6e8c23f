/* dormant: the HTML report, one self-contained file.
 *
 * Everything is inline (CSS, a small script, no fonts, images or links to
 * fetch) and a Content-Security-Policy forbids any network load, so the
 * file can be mailed or archived and opened offline. The page is
 * rendered here, on the server side of things: the summary per provider
 * and scope, a histogram of days inactive, and the findings table with a
 * detail row per finding (its facts, the commands that fix it with its
 * own values, the console steps). The script only sorts, filters and
 * opens detail rows; without it the page is still complete.
 *
 * Every string from a cloud goes through html() below: & < > " ' become
 * entities, control characters and bytes that are not UTF-8 become
 * U+FFFD. A user called <script>alert(1)</script> is text.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/timeutil.h>

#include "findings.h"
#include "report.h"

static void
html(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	while (*p) {
		unsigned char c = *p;
		switch (c) {
		case '&':
			fputs("&amp;", f);
			p++;
			continue;
		case '<':
			fputs("&lt;", f);
			p++;
			continue;
		case '>':
			fputs("&gt;", f);
			p++;
			continue;
		case '"':
			fputs("&quot;", f);
			p++;
			continue;
		case '\'':
			fputs("&#39;", f);
			p++;
			continue;
		default: break;
		}
		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
			fputs("\xef\xbf\xbd", f);
			p++;
		} else if (c < 0x80) {
			putc(c, f);
			p++;
		} else {
			p += core_write_utf8(f, p, "\xef\xbf\xbd");
		}
	}
}

static const char *
date_or(int64_t t, char *buf, const char *none)
{
	if (t == DORMANT_TIME_NONE)
		return none;
	return dormant_time_format(t, buf);
}

static const char css[] =
        ":root{--bg:#f6f7f9;--card:#fff;--ink:#1d2433;--mute:#5b6475;"
        "--line:#e2e5ea;--accent:#2f5bd3;--high:#c0392b;--medium:#d98e04;"
        "--ok:#2e8b57;--warn:#7a6ff0}"
        "*{box-sizing:border-box}"
        "body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',"
        "Roboto,'Helvetica Neue',Arial,sans-serif;background:var(--bg);"
        "color:var(--ink)}"
        "header{background:#1d2433;color:#fff;padding:20px 32px}"
        "header h1{margin:0 0 4px;font-size:22px;font-weight:600}"
        "header p{margin:0;color:#c5cbd8}"
        "main{padding:20px 32px 40px;max-width:1400px}"
        "h2{font-size:16px;margin:28px 0 10px}"
        ".cards{display:flex;gap:14px;flex-wrap:wrap}"
        ".card{background:var(--card);border:1px solid var(--line);"
        "border-radius:8px;padding:12px 18px;min-width:150px}"
        ".card b{display:block;font-size:26px;font-weight:600}"
        ".card span{color:var(--mute)}"
        ".card.high b{color:var(--high)}"
        "table{border-collapse:collapse;width:100%;background:var(--card);"
        "border:1px solid var(--line);border-radius:8px;overflow:hidden}"
        "th,td{text-align:left;padding:7px 10px;border-bottom:1px solid "
        "var(--line);vertical-align:top}"
        "th{background:#eef1f5;font-weight:600;white-space:nowrap}"
        "#findings th{cursor:pointer;user-select:none}"
        "#findings th[aria-sort=ascending]::after{content:' \\25B2'}"
        "#findings th[aria-sort=descending]::after{content:' \\25BC'}"
        "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}"
        "tr.f{cursor:pointer}tr.f:hover{background:#f0f4ff}"
        "tr.f.open{background:#e8eefc}"
        "tr.detail td{background:#fafbfd;padding:12px 18px}"
        ".pill{display:inline-block;padding:1px 8px;border-radius:10px;"
        "font-size:12px;font-weight:600;color:#fff}"
        ".pill.high{background:var(--high)}.pill.medium{background:var(--"
        "medium)}"
        ".pill.ok{background:var(--ok)}.pill.error{background:var(--high)}"
        ".pill.warn{background:var(--warn)}"
        ".hist{display:flex;align-items:flex-end;gap:18px;height:180px;"
        "background:var(--card);border:1px solid var(--line);border-radius:8px;"
        "padding:16px 20px 0}"
        ".bar{flex:1;display:flex;flex-direction:column;align-items:center;"
        "justify-content:flex-end;height:100%}"
        ".bar "
        "i{display:block;width:100%;max-width:90px;background:var(--accent);"
        "border-radius:4px 4px 0 0;min-height:2px}"
        ".bar b{font-size:12px;margin-bottom:3px}"
        ".hist-labels{display:flex;gap:18px;padding:4px 20px;color:var(--mute);"
        "font-size:12px}.hist-labels span{flex:1;text-align:center}"
        ".controls{display:flex;gap:10px;align-items:center;margin:0 0 10px}"
        ".controls input,.controls select{font:inherit;padding:5px 8px;"
        "border:1px solid var(--line);border-radius:6px;background:#fff}"
        ".controls input{width:280px}#count{color:var(--mute)}"
        "dl{display:grid;grid-template-columns:max-content auto;gap:2px 14px;"
        "margin:0 0 10px}dt{color:var(--mute)}dd{margin:0}"
        "pre{background:#1d2433;color:#e8ecf4;padding:8px "
        "12px;border-radius:6px;"
        "white-space:pre-wrap;word-break:break-all;margin:4px 0}"
        ".detail h4{margin:10px 0 4px;font-size:13px}"
        ".detail ol,.rule ol,.rule ul{margin:2px 0 6px;padding-left:22px}"
        ".rule{background:var(--card);border:1px solid var(--line);"
        "border-radius:8px;padding:4px 18px 12px;margin-bottom:12px}"
        ".mute{color:var(--mute)}footer{color:var(--mute);padding:0 32px 30px}";

/* Sorting, filtering and detail rows; data is read from the DOM only,
 * with textContent, so no cloud string is ever parsed as HTML. */
static const char script[] =
        "(function(){'use strict';"
        "var t=document.getElementById('findings');if(!t)return;"
        "var body=t.tBodies[0],q=document.getElementById('q'),"
        "fp=document.getElementById('fp'),fr=document.getElementById('fr'),"
        "count=document.getElementById('count');"
        "function pairs(){var out=[],r=body.rows;"
        "for(var i=0;i<r.length;i+=2)out.push([r[i],r[i+1]]);return out;}"
        "function apply(){var s=q.value.toLowerCase(),p=fp.value,k=fr.value,"
        "n=0,all=pairs();all.forEach(function(x){var f=x[0],"
        "ok=(!p||f.dataset.provider===p)&&(!k||f.dataset.risk===k)&&"
        "(!s||f.textContent.toLowerCase().indexOf(s)>=0);"
        "f.hidden=!ok;if(!ok){x[1].hidden=true;f.classList.remove('open');}"
        "if(ok)n++;});"
        "count.textContent='Showing '+n+' of '+all.length;}"
        "function sortBy(th){var i=th.cellIndex,num=th.dataset.type==='num',"
        "dir=th.getAttribute('aria-sort')==='ascending'?-1:1;"
        "Array.prototype.forEach.call(t.tHead.rows[0].cells,function(c){"
        "c.removeAttribute('aria-sort');});"
        "th.setAttribute('aria-sort',dir>0?'ascending':'descending');"
        "var all=pairs();all.sort(function(a,b){"
        "var x=a[0].cells[i].dataset.v,y=b[0].cells[i].dataset.v;"
        "if(num){x=Number(x);y=Number(y);return (x-y)*dir;}"
        "return x<y?-dir:x>y?dir:0;});"
        "all.forEach(function(x){body.appendChild(x[0]);"
        "body.appendChild(x[1]);});}"
        "Array.prototype.forEach.call(t.tHead.rows[0].cells,function(th){"
        "th.addEventListener('click',function(){sortBy(th);});});"
        "body.addEventListener('click',function(e){"
        "var f=e.target.closest('tr.f');if(!f)return;"
        "var d=f.nextElementSibling;d.hidden=!d.hidden;"
        "f.classList.toggle('open',!d.hidden);});"
        "body.addEventListener('keydown',function(e){"
        "if(e.key==='Enter'&&e.target.matches('tr.f'))e.target.click();});"
        "[q,fp,fr].forEach(function(c){c.addEventListener('input',apply);});"
        /* #q=TEXT opens the page filtered: links into a report. */
        "var h=/^#q=(.*)$/.exec(location.hash);"
        "if(h)q.value=decodeURIComponent(h[1]);"
        "apply();"
        "document.documentElement.dataset.ready=String(pairs().length);"
        "})();";

static void
summary(FILE *f, const struct core_result *res)
{
	size_t high = 0, failed = 0;

	for (size_t i = 0; i < res->findings.n; i++)
		if (res->findings.v[i].admin)
			high++;
	for (size_t i = 0; i < res->n_scopes; i++)
		if (res->scopes[i].status != DORMANT_OK)
			failed++;
	fprintf(f,
	        "<div class=\"cards\">"
	        "<div class=\"card\"><b>%zu</b><span>dormant "
	        "accounts</span></div>"
	        "<div class=\"card high\"><b>%zu</b><span>high risk "
	        "(admins)</span></div>"
	        "<div class=\"card\"><b>%zu</b><span>users scanned</span></div>"
	        "<div class=\"card\"><b>%zu</b><span>approaching the "
	        "threshold</span></div>"
	        "<div class=\"card%s\"><b>%zu</b><span>scopes "
	        "failed</span></div>"
	        "</div>\n",
	        res->findings.n, high, res->users_scanned, res->warnings.n,
	        failed ? " high" : "", failed);
	if (res->safety_stop) {
		fputs("<p class=\"pill error\">Safety stop: ", f);
		html(f, res->safety_stop);
		fputs("</p>\n", f);
	}
	fputs("<h2>Providers and scopes</h2>\n<table class=\"scopes\"><thead>"
	      "<tr><th>Provider</th><th>Scope</th><th>Status</th>"
	      "<th class=\"num\">Users</th><th class=\"num\">Dormant</th>"
	      "<th class=\"num\">Warned</th><th>Note</th></tr>"
	      "</thead><tbody>\n",
	      f);
	for (size_t i = 0; i < res->n_scopes; i++) {
		const struct core_scope_result *s = &res->scopes[i];
		bool ok = s->status == DORMANT_OK;

		fputs("<tr><td>", f);
		html(f, s->provider);
		fputs("</td><td>", f);
		html(f, s->scope);
		fprintf(f,
		        "</td><td><span class=\"pill %s\">%s</span></td>"
		        "<td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
		        "<td class=\"num\">%zu</td><td>",
		        ok ? "ok" : "error", ok ? "ok" : "error",
		        s->users_scanned, s->n_findings, s->n_warnings);
		html(f, !ok ? s->error : s->admins_unknown);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

/* Bars over days inactive: bins from the threshold up to years, plus
 * the accounts with no date at all. */
static void
histogram(FILE *f, const struct core_result *res)
{
	static const int64_t upper[] = {180, 365, 730, 1095, INT64_MAX};
	static const char *const names[] = {"up to 180 days", "181-365 days",
	                                    "1-2 years", "2-3 years",
	                                    "over 3 years"};
	size_t bins[6] = {0}, max = 1, first = 0;

	for (size_t i = 0; i < res->findings.n; i++) {
		int64_t d = res->findings.v[i].days_inactive;
		size_t b = 0;
		if (d < 0) {
			bins[5]++;
			continue;
		}
		while (d > upper[b])
			b++;
		bins[b]++;
	}
	/* Bins wholly below the threshold cannot hold anyone. */
	while (first < 4 && upper[first] <= res->days)
		first++;
	for (size_t b = 0; b < 6; b++)
		if (bins[b] > max)
			max = bins[b];
	fputs("<h2>Days inactive</h2>\n<div class=\"hist\">", f);
	for (size_t b = first; b < 6; b++)
		fprintf(f,
		        "<div class=\"bar\" title=\"%zu\"><b>%zu</b>"
		        "<i style=\"height:%zu%%\"></i></div>",
		        bins[b], bins[b], bins[b] * 85 / max);
	fputs("</div>\n<div class=\"hist-labels\">", f);
	for (size_t b = first; b < 6; b++) {
		/* The first bin starts at the threshold, not at zero. */
		if (b == first && b < 4)
			fprintf(f, "<span>%ld-%" PRId64 " days</span>",
			        res->days + 1, upper[b]);
		else
			fprintf(f, "<span>%s</span>",
			        b == 5 ? "no date recorded" : names[b]);
	}
	fputs("</div>\n", f);
}

static void
list_items(FILE *f, const char *tag, const struct core_rule_list *l)
{
	fprintf(f, "<%s>", tag);
	for (size_t i = 0; i < l->n; i++) {
		fputs("<li>", f);
		html(f, l->v[i]);
		fputs("</li>", f);
	}
	fprintf(f, "</%s>", tag);
}

static void
dd(FILE *f, const char *term, const char *value)
{
	fprintf(f, "<dt>%s</dt><dd>", term);
	html(f, value ? value : "-");
	fputs("</dd>", f);
}

static enum dormant_status
finding_rows(FILE *f, const struct core_finding *x,
             const struct core_rules *rules)
{
	struct core_fix fix;
	char last[DORMANT_TIME_BUFSZ], created[DORMANT_TIME_BUFSZ],
	        ref[DORMANT_TIME_BUFSZ], days[32];
	const char *risk = x->action == DORMANT_ACTION_WARN
	                           ? "warn"
	                           : core_finding_risk(x);
	enum dormant_status st;

	st = core_fix_make(rules, x, &fix);
	if (st != DORMANT_OK)
		return st;
	if (x->days_inactive < 0)
		snprintf(days, sizeof(days), "?");
	else
		snprintf(days, sizeof(days), "%" PRId64, x->days_inactive);

	fputs("<tr class=\"f\" tabindex=\"0\" data-provider=\"", f);
	html(f, x->provider);
	fprintf(f, "\" data-risk=\"%s\"><td data-v=\"", risk);
	html(f, x->provider);
	fputs("\">", f);
	html(f, x->provider);
	fputs("</td><td data-v=\"", f);
	html(f, x->scope);
	fputs("\">", f);
	html(f, x->scope);
	fputs("</td><td data-v=\"", f);
	html(f, x->name);
	fputs("\">", f);
	html(f, x->name);
	fputs("</td><td data-v=\"", f);
	html(f, date_or(x->last_login, last, ""));
	fputs("\">", f);
	if (x->last_login == DORMANT_TIME_NONE)
		fputs("never", f);
	else
		fprintf(f, "%.10s", last);
	fprintf(f,
	        "</td><td class=\"num\" data-v=\"%" PRId64 "\">%s</td>"
	        "<td data-v=\"%s\"><span class=\"pill %s\">%s</span></td>"
	        "<td data-v=\"%s\">%s</td></tr>\n",
	        x->days_inactive, days, risk, risk, risk,
	        core_action_name(x->action), core_action_name(x->action));

	fputs("<tr class=\"detail\" hidden><td colspan=\"7\"><dl>", f);
	dd(f, "id", x->id);
	dd(f, "email", x->email);
	dd(f, "display name", x->display_name);
	dd(f, "created", date_or(x->created, created, NULL));
	dd(f, "reference", date_or(x->reference, ref, NULL));
	dd(f, "never signed in", x->never_logged_in ? "yes" : "no");
	dd(f, "admin",
	   x->admin_unknown ? "unknown (admins unknown in this scope)"
	   : x->admin       ? "yes"
	                    : "no");
	if (x->action_error)
		dd(f, "action error", x->action_error);
	for (size_t i = 0; i < x->n_extras; i++)
		dd(f, x->extras[i].key, x->extras[i].value);
	fputs("</dl>", f);
	if (fix.rule) {
		fputs("<h4>", f);
		html(f, fix.rule->title);
		fputs(" <a href=\"#rule-", f);
		html(f, fix.rule->id);
		putc('-', f);
		html(f, strcmp(fix.rule->provider, "*") == 0
		                ? "any"
		                : fix.rule->provider);
		fputs("\">(rule)</a></h4><h4>Fix it from the command line</h4>",
		      f);
		for (size_t i = 0; i < fix.n_cli; i++) {
			fputs("<pre><code>", f);
			html(f, fix.cli[i]);
			fputs("</code></pre>", f);
		}
		fputs("<h4>API</h4><pre><code>", f);
		html(f, fix.api);
		fputs("</code></pre><h4>Or in the console</h4>", f);
		list_items(f, "ol", &fix.rule->console);
		if (fix.undo) {
			fputs("<h4>Undo</h4><p>", f);
			html(f, fix.undo);
			fputs("</p>", f);
		}
	}
	fputs("</td></tr>\n", f);
	core_fix_free(&fix);
	return DORMANT_OK;
}

static void
provider_options(FILE *f, const struct core_result *res)
{
	for (size_t i = 0; i < res->n_scopes; i++) {
		bool seen = false;
		for (size_t j = 0; j < i; j++)
			if (strcmp(res->scopes[j].provider,
			           res->scopes[i].provider) == 0)
				seen = true;
		if (seen)
			continue;
		fputs("<option value=\"", f);
		html(f, res->scopes[i].provider);
		fputs("\">", f);
		html(f, res->scopes[i].provider);
		fputs("</option>", f);
	}
}

static void
rule_sections(FILE *f, const struct core_result *res,
              const struct core_rules *rules)
{
	const struct core_rule **used;
	size_t n;

	used = core_report_rules_used(res, rules, &n);
	if (!used)
		return;
	if (n)
		fputs("<h2>Rules</h2>\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct core_rule *r = used[i];
		const char *p =
		        strcmp(r->provider, "*") == 0 ? "any" : r->provider;

		fputs("<section class=\"rule\" id=\"rule-", f);
		html(f, r->id);
		putc('-', f);
		html(f, p);
		fputs("\"><h3>", f);
		html(f, r->title);
		fputs(" <span class=\"mute\">", f);
		html(f, r->id);
		fputs(", ", f);
		html(f, p);
		fputs("</span></h3><p>", f);
		html(f, r->description);
		fputs("</p><p><b>Risk:</b> ", f);
		html(f, r->risk_rationale);
		fputs("</p><h4>Compliance</h4><ul>", f);
		for (size_t j = 0; j < r->n_compliance; j++) {
			const struct core_rule_ref *c = &r->compliance[j];
			fputs("<li><b>", f);
			html(f, c->framework);
			putc(' ', f);
			html(f, c->control);
			fputs("</b>: ", f);
			html(f, c->title);
			if (c->note) {
				fputs(" <span class=\"mute\">", f);
				html(f, c->note);
				fputs("</span>", f);
			}
			fputs(" <span class=\"mute\">", f);
			html(f, c->url);
			fputs("</span></li>", f);
		}
		fputs("</ul>", f);
		if (r->compliance_unconfirmed) {
			fputs("<p class=\"mute\">", f);
			html(f, r->compliance_unconfirmed);
			fputs("</p>", f);
		}
		fputs("<h4>Triage</h4>", f);
		list_items(f, "ol", &r->triage);
		fputs("<h4>Prevention</h4>", f);
		list_items(f, "ul", &r->prevention);
		fputs("<h4>References</h4>", f);
		list_items(f, "ul", &r->references);
		fputs("</section>\n", f);
	}
	free(used);
}

enum dormant_status
core_report_html(FILE *f, const struct core_result *res,
                 const struct core_rules *rules)
{
	char when[DORMANT_TIME_BUFSZ];
	enum dormant_status st = DORMANT_OK;

	date_or(res->generated_at, when, "");
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
	      "charset=\"utf-8\">"
	      "<meta name=\"viewport\" content=\"width=device-width, "
	      "initial-scale=1\">"
	      /* No network at all: the file is read offline and mailed. */
	      "<meta http-equiv=\"Content-Security-Policy\" "
	      "content=\"default-src "
	      "'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
	      "<meta name=\"generator\" content=\"dormant " PACKAGE_VERSION
	      "\">"
	      "<title>dormant report ",
	      f);
	html(f, when);
	fprintf(f, "</title><style>%s</style></head>\n<body>\n", css);
	fputs("<header><h1>Dormant accounts</h1><p>", f);
	html(f, when);
	fprintf(f, " &middot; threshold %ld days &middot; %s mode", res->days,
	        res->disable_mode ? "disable" : "report");
	if (res->run_id[0]) {
		fputs(" &middot; run ", f);
		html(f, res->run_id);
	}
	fputs("</p></header>\n<main>\n", f);
	summary(f, res);
	histogram(f, res);
	fputs("<h2>Findings</h2>\n<div class=\"controls\">"
	      "<input id=\"q\" type=\"search\" placeholder=\"Filter by name, "
	      "scope, action...\" aria-label=\"Filter\">"
	      "<select id=\"fp\" aria-label=\"Provider\"><option value=\"\">"
	      "All providers</option>",
	      f);
	provider_options(f, res);
	fputs("</select><select id=\"fr\" aria-label=\"Risk\">"
	      "<option value=\"\">All risks</option>"
	      "<option value=\"high\">high</option>"
	      "<option value=\"medium\">medium</option>"
	      "<option value=\"warn\">warn</option></select>"
	      "<span id=\"count\"></span></div>\n"
	      "<table "
	      "id=\"findings\"><thead><tr><th>Provider</th><th>Scope</th>"
	      "<th>Name</th><th>Last login</th>"
	      "<th class=\"num\" data-type=\"num\">Days</th>"
	      "<th>Risk</th><th>Action</th></tr></thead><tbody>\n",
	      f);
	for (size_t i = 0; st == DORMANT_OK && i < res->findings.n; i++)
		st = finding_rows(f, &res->findings.v[i], rules);
	for (size_t i = 0; st == DORMANT_OK && i < res->warnings.n; i++)
		st = finding_rows(f, &res->warnings.v[i], rules);
	if (st != DORMANT_OK)
		return st;
	fputs("</tbody></table>\n<p class=\"mute\">Click a row for its "
	      "details and the commands that fix it.</p>\n",
	      f);
	rule_sections(f, res, rules);
	fprintf(f,
	        "</main>\n<footer>dormant %s &middot; the rule catalog: "
	        "<code>dormant rules</code>, <code>dormant explain "
	        "RULE</code></footer>\n<script>%s</script>\n</body></html>\n",
	        PACKAGE_VERSION, script);
	return DORMANT_OK;
}
