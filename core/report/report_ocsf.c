/* dormant: the OCSF report, for SIEMs and security lakes.
 *
 * One OCSF Detection Finding event (class_uid 2004, category 2 Findings)
 * a line, as schema version 1.3.0 defines it: every attribute the class
 * requires (activity_id, category_uid, class_uid, type_uid, severity_id,
 * time, metadata with product and version, finding_info with title and
 * uid), plus the recommended ones dormant knows (status, message,
 * resources, cloud, remediation). What OCSF has no attribute for (days
 * inactive, compliance references, the filled commands) goes in
 * "unmapped". Schema: https://schema.ocsf.io/1.3.0/classes/detection_finding
 *
 * finding_info.uid is stable across runs (rule, provider, scope, user id),
 * so that a SIEM updates one finding rather than piling up copies.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/timeutil.h>

#include "findings.h"
#include "report.h"

#define OCSF_VERSION    "1.3.0"
#define CLASS_UID       2004
#define ACTIVITY_CREATE 1

/* OCSF severity_id: 1 Informational, 3 Medium, 4 High. */
static int
severity_id(const struct core_finding *x)
{
	if (x->action == DORMANT_ACTION_WARN)
		return 1;
	return x->admin ? 4 : 3;
}

static const char *
severity_name(int id)
{
	return id == 4 ? "High" : id == 3 ? "Medium" : "Informational";
}

static void
str(FILE *f, const char *key, const char *value)
{
	fprintf(f, "\"%s\":", key);
	if (value)
		core_json_write_string(f, value);
	else
		fputs("null", f);
}

static void
time_ms(FILE *f, const char *key, int64_t t)
{
	if (t == DORMANT_TIME_NONE)
		fprintf(f, "\"%s\":null", key);
	else
		fprintf(f, "\"%s\":%" PRId64, key, t * 1000);
}

static void
event(FILE *f, const struct core_result *res, const struct core_finding *x,
      const struct core_fix *fix, const struct core_rules *rules)
{
	const struct core_rule *r = fix->rule;
	const char *resource, *cloud;
	char days[64], uid[2048], msg[1024], label[512];
	int sev = severity_id(x);
	bool resolved = x->action == DORMANT_ACTION_DISABLED;

	core_rules_cloud(rules, x->provider, &cloud, &resource);
	if (x->days_inactive < 0)
		snprintf(days, sizeof(days), "before the cloud kept records");
	else
		snprintf(days, sizeof(days), "for %" PRId64 " days",
		         x->days_inactive);
	snprintf(msg, sizeof(msg), "%s%s (%s %s): no interactive sign-in %s",
	         x->action == DORMANT_ACTION_WARN
	                 ? "approaching the threshold: "
	                 : "",
	         x->name ? x->name : "?", x->provider, x->scope ? x->scope : "",
	         days);
	snprintf(uid, sizeof(uid), "dormant:%s:%s:%s:%s", x->rule, x->provider,
	         x->scope ? x->scope : "", x->id ? x->id : "");

	fprintf(f,
	        "{\"activity_id\":%d,\"activity_name\":\"Create\","
	        "\"category_uid\":2,\"category_name\":\"Findings\","
	        "\"class_uid\":%d,\"class_name\":\"Detection Finding\","
	        "\"type_uid\":%d,\"type_name\":\"Detection Finding: Create\","
	        "\"severity_id\":%d,\"severity\":\"%s\","
	        "\"status_id\":%d,\"status\":\"%s\",",
	        ACTIVITY_CREATE, CLASS_UID, CLASS_UID * 100 + ACTIVITY_CREATE,
	        sev, severity_name(sev), resolved ? 4 : 1,
	        resolved ? "Resolved" : "New");
	time_ms(f, "time", res->generated_at);
	putc(',', f);
	str(f, "message", msg);
	fputs(",\"metadata\":{\"version\":\"" OCSF_VERSION "\","
	      "\"product\":{\"name\":\"dormant\",\"vendor_name\":\"dormant\","
	      "\"version\":\"" PACKAGE_VERSION "\"},",
	      f);
	str(f, "correlation_uid", res->run_id[0] ? res->run_id : NULL);
	fputs("},\"finding_info\":{", f);
	str(f, "uid", uid);
	putc(',', f);
	str(f, "title", r ? r->title : x->rule);
	putc(',', f);
	str(f, "desc", r ? r->description : NULL);
	fputs(",\"types\":[", f);
	core_json_write_string(f, x->rule);
	fputs("],\"analytic\":{\"type_id\":1,\"type\":\"Rule\",", f);
	str(f, "name", x->rule);
	putc(',', f);
	str(f, "uid", x->rule);
	fputs("},", f);
	time_ms(f, "created_time", res->generated_at);
	/* OCSF timestamps are numbers: an unknown one is left out. */
	if (x->reference != DORMANT_TIME_NONE) {
		putc(',', f);
		time_ms(f, "first_seen_time", x->reference);
	}
	fputs("},\"resources\":[{", f);
	str(f, "type", resource);
	putc(',', f);
	str(f, "uid", x->id);
	putc(',', f);
	str(f, "name", x->name);
	fputs("}],\"cloud\":{", f);
	str(f, "provider", cloud);
	fputs(",\"account\":{", f);
	str(f, "uid", x->scope);
	fputs("}}", f);
	if (r) {
		struct dormant_buf desc;
		dormant_buf_init(&desc, 0);
		for (size_t i = 0; i < r->console.n; i++)
			dormant_buf_appendf(&desc, "%s%zu. %s", i ? " " : "",
			                    i + 1, r->console.v[i]);
		fputs(",\"remediation\":{", f);
		str(f, "desc", desc.data ? desc.data : "");
		fputs(",\"references\":[", f);
		for (size_t i = 0; i < r->references.n; i++) {
			if (i)
				putc(',', f);
			core_json_write_string(f, r->references.v[i]);
		}
		fputs("]}", f);
		dormant_buf_free(&desc);
	}
	fputs(",\"unmapped\":{", f);
	str(f, "provider", x->provider);
	putc(',', f);
	str(f, "email", x->email);
	putc(',', f);
	str(f, "display_name", x->display_name);
	putc(',', f);
	time_ms(f, "last_login", x->last_login);
	putc(',', f);
	if (x->days_inactive < 0)
		fputs("\"days_inactive\":null", f);
	else
		fprintf(f, "\"days_inactive\":%" PRId64, x->days_inactive);
	fprintf(f, ",\"never_logged_in\":%s,\"admin\":%s,",
	        x->never_logged_in ? "true" : "false",
	        x->admin_unknown ? "null"
	        : x->admin       ? "true"
	                         : "false");
	str(f, "risk", core_finding_risk(x));
	putc(',', f);
	str(f, "action", core_action_name(x->action));
	putc(',', f);
	str(f, "action_error", x->action_error);
	fputs(",\"compliance\":[", f);
	for (size_t i = 0; r && i < r->n_compliance; i++) {
		core_rule_ref_label(&r->compliance[i], label, sizeof(label));
		if (i)
			putc(',', f);
		core_json_write_string(f, label);
	}
	fputs("],\"remediation_cli\":[", f);
	for (size_t i = 0; i < fix->n_cli; i++) {
		if (i)
			putc(',', f);
		core_json_write_string(f, fix->cli[i]);
	}
	fputs("],", f);
	str(f, "remediation_api", fix->api);
	fputs("}}\n", f);
}

static enum dormant_status
events(FILE *f, const struct core_result *res, const struct core_findings *list,
       const struct core_rules *rules)
{
	for (size_t i = 0; i < list->n; i++) {
		struct core_fix fix;
		enum dormant_status st =
		        core_fix_make(rules, &list->v[i], &fix);
		if (st != DORMANT_OK)
			return st;
		event(f, res, &list->v[i], &fix, rules);
		core_fix_free(&fix);
	}
	return DORMANT_OK;
}

enum dormant_status
core_report_ocsf(FILE *f, const struct core_result *res,
                 const struct core_rules *rules)
{
	enum dormant_status st = events(f, res, &res->findings, rules);

	if (st == DORMANT_OK)
		st = events(f, res, &res->warnings, rules);
	return st;
}
