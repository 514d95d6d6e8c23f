/* dormant: the rule catalog, read from the data embedded at build time. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <dormant/json.h>

#include "findings.h"
#include "rules.h"

/* The catalog is ours, but a typo in it must fail `make check`, not print
 * "(null)" in a report: every field is checked as strictly as a cloud's
 * answer. */

static enum dormant_status
need_string(const cJSON *obj, const char *key, const char *name,
            const char **out, struct dormant_error *err)
{
	enum dormant_status st = dormant_json_string(obj, key, out, err);

	if (st != DORMANT_OK)
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: \"%s\" must be a string", name,
		                         key);
	if (!*out || !**out)
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: \"%s\" is missing", name, key);
	return DORMANT_OK;
}

static enum dormant_status
opt_string(const cJSON *obj, const char *key, const char *name,
           const char **out, struct dormant_error *err)
{
	if (dormant_json_string(obj, key, out, err) != DORMANT_OK)
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: \"%s\" must be a string", name,
		                         key);
	return DORMANT_OK;
}

/* An array of non-empty strings; at least `min` of them. */
static enum dormant_status
need_list(const cJSON *obj, const char *key, const char *name, size_t min,
          struct core_rule_list *out, struct dormant_error *err)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, key);
	const cJSON *item;
	size_t n = 0;

	if (!cJSON_IsArray(a))
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: \"%s\" must be a list", name,
		                         key);
	out->n = 0;
	out->v = calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof(*out->v));
	if (!out->v)
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	cJSON_ArrayForEach(item, a)
	{
		if (!cJSON_IsString(item) || !item->valuestring[0])
			return dormant_error_set(err, DORMANT_ERR_PARSE,
			                         "%s: \"%s\" item %zu is not a "
			                         "non-empty string",
			                         name, key, n + 1);
		out->v[n++] = item->valuestring;
	}
	out->n = n;
	if (n < min)
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: \"%s\" needs at least %zu item%s",
		                         name, key, min, min == 1 ? "" : "s");
	return DORMANT_OK;
}

/* The placeholder at p ("{name}", "{id|url}"), or 0 when p is a literal
 * '{'. *len gets its length, *field and *url what it names. */
static bool
placeholder(const char *p, size_t *len, const char **field, size_t *flen,
            bool *url)
{
	size_t i = 1;

	if (p[0] != '{')
		return false;
	while (p[i] >= 'a' && p[i] <= 'z')
		i++;
	if (i == 1)
		return false;
	*field = p + 1;
	*flen = i - 1;
	*url = false;
	if (strncmp(p + i, "|url}", 5) == 0) {
		*url = true;
		*len = i + 5;
		return true;
	}
	if (p[i] != '}')
		return false;
	*len = i + 1;
	return true;
}

static const char *const fields[] = {"name",  "id",       "email",
                                     "scope", "provider", NULL};

static bool
known_field(const char *field, size_t flen)
{
	for (size_t i = 0; fields[i]; i++)
		if (strlen(fields[i]) == flen &&
		    memcmp(fields[i], field, flen) == 0)
			return true;
	return false;
}

static enum dormant_status
check_template(const char *tmpl, const char *name, struct dormant_error *err)
{
	for (const char *p = tmpl; *p; p++) {
		const char *field;
		size_t len, flen;
		bool url;

		if (placeholder(p, &len, &field, &flen, &url) &&
		    !known_field(field, flen))
			return dormant_error_set(
			        err, DORMANT_ERR_PARSE,
			        "%s: unknown placeholder {%.*s} in "
			        "\"%.40s...\"",
			        name, (int)flen, field, tmpl);
	}
	return DORMANT_OK;
}

static enum dormant_status
parse_refs(struct core_rule *r, const char *name, struct dormant_error *err)
{
	const cJSON *a =
	        cJSON_GetObjectItemCaseSensitive(r->root, "compliance");
	const cJSON *item;
	size_t n = 0;
	enum dormant_status st;

	if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) < 1)
		return dormant_error_set(
		        err, DORMANT_ERR_PARSE,
		        "%s: \"compliance\" must be a non-empty "
		        "list",
		        name);
	r->compliance =
	        calloc((size_t)cJSON_GetArraySize(a), sizeof(*r->compliance));
	if (!r->compliance)
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	cJSON_ArrayForEach(item, a)
	{
		struct core_rule_ref *ref = &r->compliance[n++];
		r->n_compliance = n;
		if ((st = need_string(item, "framework", name, &ref->framework,
		                      err)) != DORMANT_OK ||
		    (st = need_string(item, "control", name, &ref->control,
		                      err)) != DORMANT_OK ||
		    (st = need_string(item, "title", name, &ref->title, err)) !=
		            DORMANT_OK ||
		    (st = need_string(item, "url", name, &ref->url, err)) !=
		            DORMANT_OK ||
		    (st = opt_string(item, "note", name, &ref->note, err)) !=
		            DORMANT_OK)
			return st;
	}
	return DORMANT_OK;
}

/* "cloud": the cloud's own name for itself and for the account (OCSF
 * cloud.provider and resources[].type). Optional: one entry of a provider
 * states it for all its rules (core_rules_cloud). */
static enum dormant_status
parse_cloud(struct core_rule *r, const char *name, struct dormant_error *err)
{
	const cJSON *cloud;
	enum dormant_status st;

	/* Detached: the names are for the writers (OCSF), not part of the
	 * rule's text that the JSON report carries as SPEC describes it. */
	r->cloud = cJSON_DetachItemFromObjectCaseSensitive(r->root, "cloud");
	cloud = r->cloud;
	if (!cloud)
		return DORMANT_OK;
	if (!cJSON_IsObject(cloud) || cJSON_GetArraySize(cloud) != 2)
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: \"cloud\" must be an object of "
		                         "name and resource_type",
		                         name);
	if ((st = need_string(cloud, "name", name, &r->cloud_name, err)) !=
	            DORMANT_OK ||
	    (st = need_string(cloud, "resource_type", name, &r->resource_type,
	                      err)) != DORMANT_OK)
		return st;
	return DORMANT_OK;
}

static const char *const top_keys[] = {
        "rule",        "provider",   "cloud",      "title",
        "description", "risk",       "compliance", "triage",
        "remediation", "prevention", "references", "compliance_unconfirmed",
        NULL};

static enum dormant_status
parse_rule(struct core_rule *r, const char *name, const char *text,
           struct dormant_error *err)
{
	const cJSON *risk, *rem, *item;
	enum dormant_status st;

	r->source = name;
	st = dormant_json_parse(text, strlen(text), name, &r->root, err);
	if (st != DORMANT_OK)
		return st;
	if (!cJSON_IsObject(r->root))
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: not a JSON object", name);
	cJSON_ArrayForEach(item, r->root)
	{
		size_t i = 0;
		while (top_keys[i] && strcmp(top_keys[i], item->string) != 0)
			i++;
		if (!top_keys[i])
			return dormant_error_set(err, DORMANT_ERR_PARSE,
			                         "%s: unknown key \"%s\"", name,
			                         item->string);
	}
	risk = cJSON_GetObjectItemCaseSensitive(r->root, "risk");
	rem = cJSON_GetObjectItemCaseSensitive(r->root, "remediation");
	if (!cJSON_IsObject(risk) || !cJSON_IsObject(rem))
		return dormant_error_set(
		        err, DORMANT_ERR_PARSE,
		        "%s: \"risk\" and \"remediation\" must be "
		        "objects",
		        name);
	if ((st = need_string(r->root, "rule", name, &r->id, err)) !=
	            DORMANT_OK ||
	    (st = need_string(r->root, "provider", name, &r->provider, err)) !=
	            DORMANT_OK ||
	    (st = need_string(r->root, "title", name, &r->title, err)) !=
	            DORMANT_OK ||
	    (st = need_string(r->root, "description", name, &r->description,
	                      err)) != DORMANT_OK ||
	    (st = opt_string(r->root, "compliance_unconfirmed", name,
	                     &r->compliance_unconfirmed, err)) != DORMANT_OK ||
	    (st = need_string(risk, "level", name, &r->risk, err)) !=
	            DORMANT_OK ||
	    (st = need_string(risk, "admin_level", name, &r->risk_admin,
	                      err)) != DORMANT_OK ||
	    (st = need_string(risk, "rationale", name, &r->risk_rationale,
	                      err)) != DORMANT_OK ||
	    (st = parse_refs(r, name, err)) != DORMANT_OK ||
	    (st = need_list(r->root, "triage", name, 1, &r->triage, err)) !=
	            DORMANT_OK ||
	    (st = need_list(rem, "console", name, 1, &r->console, err)) !=
	            DORMANT_OK ||
	    (st = need_list(rem, "cli", name, 0, &r->cli, err)) != DORMANT_OK ||
	    (st = need_string(rem, "api", name, &r->api, err)) != DORMANT_OK ||
	    (st = opt_string(rem, "undo", name, &r->undo, err)) != DORMANT_OK ||
	    (st = need_list(r->root, "prevention", name, 1, &r->prevention,
	                    err)) != DORMANT_OK ||
	    (st = need_list(r->root, "references", name, 1, &r->references,
	                    err)) != DORMANT_OK ||
	    (st = parse_cloud(r, name, err)) != DORMANT_OK)
		return st;
	for (size_t i = 0; i < r->cli.n; i++)
		if ((st = check_template(r->cli.v[i], name, err)) != DORMANT_OK)
			return st;
	for (size_t i = 0; i < r->triage.n; i++)
		if ((st = check_template(r->triage.v[i], name, err)) !=
		    DORMANT_OK)
			return st;
	if ((st = check_template(r->api, name, err)) != DORMANT_OK ||
	    (r->undo &&
	     (st = check_template(r->undo, name, err)) != DORMANT_OK))
		return st;
	return DORMANT_OK;
}

static void
rule_free(struct core_rule *r)
{
	free(r->compliance);
	free(r->triage.v);
	free(r->console.v);
	free(r->cli.v);
	free(r->prevention.v);
	free(r->references.v);
	cJSON_Delete(r->cloud);
	cJSON_Delete(r->root);
}

enum dormant_status
core_rules_add(struct core_rules *rules, const char *name, const char *text,
               struct dormant_error *err)
{
	struct core_rule *v, r;
	enum dormant_status st;

	memset(&r, 0, sizeof(r));
	st = parse_rule(&r, name, text, err);
	if (st != DORMANT_OK)
		goto out;
	if (core_rules_find(rules, r.id, r.provider) &&
	    strcmp(core_rules_find(rules, r.id, r.provider)->provider,
	           r.provider) == 0) {
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "%s: a second entry for %s on %s", name,
		                       r.id, r.provider);
		goto out;
	}
	v = realloc(rules->v, (rules->n + 1) * sizeof(*v));
	if (!v) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	rules->v = v;
	rules->v[rules->n++] = r;
	memset(&r, 0, sizeof(r));
out:
	rule_free(&r);
	return st;
}

/* Rule, then provider, the generic "*" entry last. */
static int
rule_cmp(const void *a, const void *b)
{
	const struct core_rule *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (c)
		return c;
	if (strcmp(x->provider, "*") == 0 || strcmp(y->provider, "*") == 0)
		return strcmp(x->provider, "*") == 0 ? 1 : -1;
	return strcmp(x->provider, y->provider);
}

enum dormant_status
core_rules_load(struct core_rules *rules, struct dormant_error *err)
{
	enum dormant_status st = DORMANT_OK;

	memset(rules, 0, sizeof(*rules));
	for (size_t i = 0; core_rule_sources[i].name; i++) {
		st = core_rules_add(rules, core_rule_sources[i].name,
		                    core_rule_sources[i].text, err);
		if (st != DORMANT_OK) {
			core_rules_free(rules);
			return st;
		}
	}
	if (rules->n)
		qsort(rules->v, rules->n, sizeof(*rules->v), rule_cmp);
	return st;
}

void
core_rules_free(struct core_rules *rules)
{
	for (size_t i = 0; i < rules->n; i++)
		rule_free(&rules->v[i]);
	free(rules->v);
	memset(rules, 0, sizeof(*rules));
}

const struct core_rule *
core_rules_find(const struct core_rules *rules, const char *rule,
                const char *provider)
{
	const struct core_rule *generic = NULL;

	if (!rule)
		return NULL;
	for (size_t i = 0; i < rules->n; i++) {
		const struct core_rule *r = &rules->v[i];
		if (strcmp(r->id, rule) != 0)
			continue;
		if (provider && strcmp(r->provider, provider) == 0)
			return r;
		if (strcmp(r->provider, "*") == 0)
			generic = r;
	}
	return generic;
}

bool
core_rules_has(const struct core_rules *rules, const char *rule)
{
	for (size_t i = 0; i < rules->n; i++)
		if (strcmp(rules->v[i].id, rule) == 0)
			return true;
	return false;
}

void
core_rule_ref_label(const struct core_rule_ref *ref, char *buf, size_t len)
{
	snprintf(buf, len, "%s %s", ref->framework, ref->control);
}

/* Characters no POSIX shell gives a meaning to, anywhere in a word. '~'
 * and '#' are left out: they mean something at the start of one. */
static bool
shell_safe(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || strchr("@%+=:,./_-", c)))
			return false;
	}
	return true;
}

enum dormant_status
core_shell_quote(struct dormant_buf *buf, const char *s)
{
	enum dormant_status st;

	if (shell_safe(s))
		return dormant_buf_append(buf, s, strlen(s));
	/* Inside single quotes nothing is special but the quote itself,
	 * which is closed, escaped and reopened: ' -> '\'' */
	st = dormant_buf_append(buf, "'", 1);
	while (st == DORMANT_OK && *s) {
		size_t run = strcspn(s, "'");

		st = run ? dormant_buf_append(buf, s, run)
		         : dormant_buf_append(buf, "'\\''", 4);
		s += run ? run : 1;
	}
	if (st == DORMANT_OK)
		st = dormant_buf_append(buf, "'", 1);
	return st;
}

/* RFC 3986 unreserved characters stay, the rest is %XX: the result is
 * one path segment, and safe in a shell word too ('~' is encoded as
 * well, since a shell expands it at the start of a word). */
static enum dormant_status
url_encode(struct dormant_buf *buf, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	enum dormant_status st = DORMANT_OK;

	for (; st == DORMANT_OK && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_') {
			st = dormant_buf_append(buf, s, 1);
		} else {
			char esc[3] = {'%', hex[c >> 4], hex[c & 15]};

			st = dormant_buf_append(buf, esc, sizeof(esc));
		}
	}
	return st;
}

static const char *
field_value(const struct core_finding *f, const char *field, size_t flen)
{
	const char *v = NULL;

	if (flen == 4 && memcmp(field, "name", 4) == 0)
		v = f->name;
	else if (flen == 2 && memcmp(field, "id", 2) == 0)
		v = f->id;
	else if (flen == 5 && memcmp(field, "email", 5) == 0)
		v = f->email ? f->email : f->name;
	else if (flen == 5 && memcmp(field, "scope", 5) == 0)
		v = f->scope;
	else if (flen == 8 && memcmp(field, "provider", 8) == 0)
		v = f->provider;
	return v ? v : "";
}

enum dormant_status
core_rule_fill(const char *tmpl, const struct core_finding *f, char **out)
{
	struct dormant_buf buf;
	enum dormant_status st = DORMANT_OK;
	const char *p = tmpl;

	*out = NULL;
	dormant_buf_init(&buf, 0);
	/* Filled templates are a little longer than the template: one
	 * allocation for most, not a doubling from 256. */
	st = dormant_buf_reserve(&buf, strlen(tmpl) + 64);
	while (st == DORMANT_OK && *p) {
		const char *field;
		size_t len, flen;
		bool url;

		if (f && placeholder(p, &len, &field, &flen, &url) &&
		    known_field(field, flen)) {
			const char *v = field_value(f, field, flen);
			st = url ? url_encode(&buf, v)
			         : core_shell_quote(&buf, v);
			p += len;
		} else {
			/* The literal text up to the next brace, at once. */
			size_t run = 1 + strcspn(p + 1, "{");

			st = dormant_buf_append(&buf, p, run);
			p += run;
		}
	}
	/* An empty template still yields a string. */
	if (st == DORMANT_OK && !buf.data)
		st = dormant_buf_append(&buf, "", 0);
	if (st == DORMANT_OK && !buf.data)
		st = DORMANT_ERR_NOMEM;
	if (st == DORMANT_OK)
		*out = dormant_buf_steal(&buf);
	dormant_buf_free(&buf);
	return st;
}

/* Writes text wrapped at 78 columns, each line starting with indent
 * (the first with first_indent). Long words are not broken. */
static void
wrap(FILE *f, const char *first_indent, const char *indent, const char *text)
{
	size_t col = strlen(first_indent);
	const char *p = text;

	fputs(first_indent, f);
	while (*p) {
		size_t word = strcspn(p, " ");
		if (col > strlen(indent) && col + 1 + word > 78) {
			fprintf(f, "\n%s", indent);
			col = strlen(indent);
		} else if (p != text) {
			putc(' ', f);
			col++;
		}
		fwrite(p, 1, word, f);
		col += word;
		p += word;
		while (*p == ' ')
			p++;
	}
	putc('\n', f);
}

static void
numbered(FILE *f, const char *heading, const struct core_rule_list *l,
         bool numbers)
{
	fprintf(f, "\n%s\n", heading);
	for (size_t i = 0; i < l->n; i++) {
		char first[32];
		if (numbers)
			snprintf(first, sizeof(first), "  %zu. ", i + 1);
		else
			snprintf(first, sizeof(first), "  - ");
		wrap(f, first, numbers ? "     " : "    ", l->v[i]);
	}
}

void
core_rules_print_list(FILE *f, const struct core_rules *rules)
{
	size_t w = strlen("RULE");

	for (size_t i = 0; i < rules->n; i++)
		if (strlen(rules->v[i].id) > w)
			w = strlen(rules->v[i].id);
	fprintf(f, "%-*s  %-8s  %-13s  %s\n", (int)w, "RULE", "PROVIDER",
	        "RISK (ADMIN)", "TITLE");
	for (size_t i = 0; i < rules->n; i++) {
		const struct core_rule *r = &rules->v[i];
		char risk[64];
		snprintf(risk, sizeof(risk), "%s (%s)", r->risk, r->risk_admin);
		fprintf(f, "%-*s  %-8s  %-13s  %s\n", (int)w, r->id,
		        r->provider, risk, r->title);
	}
	fputs("\nProvider * is the entry for providers without one of their "
	      "own.\nSee dormant explain RULE [PROVIDER].\n",
	      f);
}

static void
explain_one(FILE *f, const struct core_rule *r)
{
	char line[1024];

	snprintf(line, sizeof(line), "%s on %s: %s", r->id, r->provider,
	         r->title);
	wrap(f, "", "  ", line);
	fputc('\n', f);
	wrap(f, "  ", "  ", r->description);
	snprintf(line, sizeof(line), "Risk: %s; %s for admins.", r->risk,
	         r->risk_admin);
	fputc('\n', f);
	wrap(f, "  ", "  ", line);
	wrap(f, "  ", "  ", r->risk_rationale);
	fputs("\nCompliance\n", f);
	for (size_t i = 0; i < r->n_compliance; i++) {
		const struct core_rule_ref *c = &r->compliance[i];
		snprintf(line, sizeof(line), "%s %s: %s", c->framework,
		         c->control, c->title);
		wrap(f, "  - ", "    ", line);
		if (c->note)
			wrap(f, "    ", "    ", c->note);
		wrap(f, "    ", "    ", c->url);
	}
	if (r->compliance_unconfirmed)
		wrap(f, "  ", "  ", r->compliance_unconfirmed);
	numbered(f, "Triage", &r->triage, true);
	numbered(f, "Remediation in the console", &r->console, true);
	if (r->cli.n) {
		fputs("\nRemediation from the command line (the report fills "
		      "in "
		      "each finding's\nvalues, shell-quoted)\n",
		      f);
		for (size_t i = 0; i < r->cli.n; i++)
			fprintf(f, "  %s\n", r->cli.v[i]);
	}
	fputs("\nThe API call\n", f);
	wrap(f, "  ", "  ", r->api);
	if (r->undo) {
		fputs("\nUndo\n", f);
		wrap(f, "  ", "  ", r->undo);
	}
	numbered(f, "Prevention", &r->prevention, false);
	numbered(f, "References", &r->references, false);
}

int
core_rules_explain(FILE *f, const struct core_rules *rules, const char *rule,
                   const char *provider)
{
	size_t shown = 0;

	for (size_t i = 0; i < rules->n; i++) {
		const struct core_rule *r = &rules->v[i];
		if (strcmp(r->id, rule) != 0 ||
		    (provider && strcmp(r->provider, provider) != 0))
			continue;
		if (shown++)
			fputs("\n\n", f);
		explain_one(f, r);
	}
	return (int)shown;
}

void
core_rules_cloud(const struct core_rules *rules, const char *provider,
                 const char **cloud, const char **resource_type)
{
	*cloud = provider;
	*resource_type = "User";
	for (size_t i = 0; rules && i < rules->n; i++) {
		const struct core_rule *r = &rules->v[i];
		if (r->cloud_name && strcmp(r->provider, provider) == 0) {
			*cloud = r->cloud_name;
			*resource_type = r->resource_type;
			return;
		}
	}
}
