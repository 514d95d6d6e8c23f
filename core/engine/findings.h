/* dormant: findings, core's own copy of what a provider reported. */
#ifndef DORMANT_FINDINGS_H
#define DORMANT_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dormant/plugin.h>

#include "verdict.h"

enum core_action {
	DORMANT_ACTION_NONE,
	DORMANT_ACTION_DISABLED,
	DORMANT_ACTION_FAILED,
	DORMANT_ACTION_SKIPPED,
	DORMANT_ACTION_WARN
};

struct core_finding_extra {
	char *key;
	char *value;
};

/* Every string is owned by the finding (and NULL when unknown). */
struct core_finding {
	const char *provider; /* the plugin's name: lives as long as the run */
	char *scope;
	char *id;
	char *name;
	char *email;
	char *display_name;
	int64_t created;
	int64_t last_login;
	int64_t reference;
	int64_t days_inactive; /* -1: unknown (no reference) */
	bool never_logged_in;
	bool admin;
	bool admin_unknown; /* the scope could not tell its admins: admin
	                       is then no answer (reports say "unknown") */
	const char *rule;   /* static */
	enum core_action action;
	char *action_error;
	bool action_called; /* the provider was asked to act on this user */
	struct core_finding_extra *extras;
	size_t n_extras;
};

struct core_findings {
	struct core_finding *v;
	size_t n;
	size_t cap;
};

/* Copies user + verdict into a new finding at the end of list. */
enum dormant_status core_findings_add(struct core_findings *list,
                                      const char *provider, const char *scope,
                                      const struct dormant_user *user,
                                      const struct core_verdict *v);

/* Moves every finding of src to the end of dst; src is left empty. */
enum dormant_status core_findings_move(struct core_findings *dst,
                                       struct core_findings *src);

/* Removes (and frees) every finding i with drop[i] true, keeping the
 * others in their order. */
void core_findings_filter(struct core_findings *list, const bool *drop);

/* The report's stable order: provider, scope, name, then id. */
void core_findings_sort(struct core_findings *list);

void core_findings_free(struct core_findings *list);

const char *core_action_name(enum core_action action);
const char *core_finding_risk(const struct core_finding *f);

#endif /* DORMANT_FINDINGS_H */
