/* dormant: the rule catalog.
 *
 * What each rule means, how risky it is, the compliance controls it maps
 * to and how to triage, fix and prevent it, one entry per rule and
 * provider. The text lives as data in rules/RULE/PROVIDER.json (provider
 * "*" in generic.json: the fallback for providers built out of tree);
 * the build embeds those files into the program (core/report/rules_data.c,
 * generated), so that the binary needs no data directory, installed or
 * not.
 *
 * Command templates in the catalog name the finding's own values as
 * {name}, {id}, {email}, {scope} and {provider}: shell-quoted, so that a
 * user called "x'; rm -rf ~ #" stays one harmless word; {id|url} and the
 * like are percent-encoded for a URL path instead. A '{' not followed by
 * such a name is literal (JSON bodies).
 */
#ifndef DORMANT_RULES_H
#define DORMANT_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include <dormant/buf.h>
#include <dormant/status.h>

struct core_finding;

/* A list of strings that belong to the rule's JSON tree. */
struct core_rule_list {
	const char **v;
	size_t n;
};

struct core_rule_ref {
	const char *framework; /* "NIST SP 800-53 Rev. 5" */
	const char *control; /* "AC-2(3)", exactly as the framework spells it */
	const char *title;
	const char *note; /* NULL, or which versions, which users */
	const char *url;
};

/* Every string belongs to `root`. */
struct core_rule {
	const char *source; /* "console-access-inactive/aws.json" */
	const char *id;
	const char *provider;      /* "*" for the generic entry */
	const char *cloud_name;    /* "AWS"; NULL when the entry omits it */
	const char *resource_type; /* "AWS IAM User"; NULL likewise */
	const char *title;
	const char *description;
	const char *risk;       /* "medium" */
	const char *risk_admin; /* "high" */
	const char *risk_rationale;
	struct core_rule_ref *compliance;
	size_t n_compliance;
	const char
	        *compliance_unconfirmed; /* NULL, or what could not be cited */
	struct core_rule_list triage;
	struct core_rule_list console;
	struct core_rule_list cli; /* templates */
	const char *api;           /* template */
	const char *undo;          /* template, or NULL */
	struct core_rule_list prevention;
	struct core_rule_list references;
	cJSON *root;
	cJSON *cloud; /* "cloud", detached from root; NULL when absent */
};

struct core_rules {
	struct core_rule *v;
	size_t n;
};

/* One embedded catalog file (core/rules_data.c, generated). */
struct core_rule_source {
	const char *name;
	const char *text;
};
extern const struct core_rule_source core_rule_sources[];

/* Loads the embedded catalog into *rules (sorted by rule, then provider,
 * with "*" last). Free with core_rules_free. */
enum dormant_status core_rules_load(struct core_rules *rules,
                                    struct dormant_error *err);

/* Adds one catalog file's text; `name` is used in errors. Every field is
 * checked, and so is every template's placeholders. */
enum dormant_status core_rules_add(struct core_rules *rules, const char *name,
                                   const char *text, struct dormant_error *err);

void core_rules_free(struct core_rules *rules);

/* The cloud's own name and its name for an account, from the first
 * catalog entry of `provider` that states them; else the provider's name
 * and "User" (a provider built out of tree). */
void core_rules_cloud(const struct core_rules *rules, const char *provider,
                      const char **cloud, const char **resource_type);

/* The entry for this rule and provider, else the rule's generic entry,
 * else NULL. */
const struct core_rule *core_rules_find(const struct core_rules *rules,
                                        const char *rule, const char *provider);

/* True when some entry has this rule id. */
bool core_rules_has(const struct core_rules *rules, const char *rule);

/* "CIS ... v3.0.0 1.12": the reference as one line, into buf. */
void core_rule_ref_label(const struct core_rule_ref *ref, char *buf,
                         size_t len);

/* Fills a template with the finding's values; *out is allocated (the
 * caller frees it). f may be NULL: the placeholders then stay as written,
 * for `dormant explain`. */
enum dormant_status core_rule_fill(const char *tmpl,
                                   const struct core_finding *f, char **out);

/* Appends s to buf quoted for a POSIX shell: as is when it holds only
 * characters no shell treats specially, else in single quotes. */
enum dormant_status core_shell_quote(struct dormant_buf *buf, const char *s);

/* `dormant rules`: one line per entry. */
void core_rules_print_list(FILE *f, const struct core_rules *rules);

/* `dormant explain`: every entry of rule (only provider's, unless NULL);
 * returns how many were printed. */
int core_rules_explain(FILE *f, const struct core_rules *rules,
                       const char *rule, const char *provider);

#endif /* DORMANT_RULES_H */
