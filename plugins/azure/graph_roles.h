/* dormant azure: who holds a Microsoft Entra directory role.
 *
 * Reads one page of either answer, as Microsoft Graph v1.0 sends it:
 *
 *   GET /v1.0/roleManagement/directory/roleAssignments?$expand=principal
 *       (the recommended one: paged with @odata.nextLink, one principal per
 *       assignment, and the expanded principal's @odata.type tells a
 *       role-assignable group from a user)
 *   GET /v1.0/directoryRoles?$expand=members
 *       (accepted, but Graph returns at most 20 expanded items per
 *       directoryObject relationship and no nextLink for them, see the
 *       "expand parameter" section of the Graph query parameters page: a
 *       role listing 20 or more members is taken as possibly truncated)
 *
 * The holders' object ids go into a set that the users parser looks up
 * in O(log n). A role held by a group (whose members are admins too) or a
 * possibly truncated member list makes the set "incomplete": the provider
 * then tells core that admins are unknown, so that nobody is disabled.
 */
#ifndef DORMANT_AZURE_GRAPH_ROLES_H
#define DORMANT_AZURE_GRAPH_ROLES_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include <dormant/status.h>

/* Graph's documented cap on items of an expanded directoryObject
 * relationship. */
#define AZURE_EXPAND_MAX 20

struct azure_admins {
	char **ids; /* owned copies; sorted once azure_admins_finish ran */
	size_t n, cap;
	bool sorted;
	char *incomplete; /* owned: why the set may miss admins, or NULL */
	/* Live scans resolve role-assignable groups: when set, a role held by
	 * a group adds the group's id to `groups` (owned copies) instead of
	 * making the set incomplete. */
	bool collect_groups;
	char **groups;
	size_t n_groups, cap_groups;
};

void azure_admins_init(struct azure_admins *a);
void azure_admins_free(struct azure_admins *a);

/* Adds one principal id (copied). */
enum dormant_status azure_admins_add(struct azure_admins *a, const char *id,
                                     struct dormant_error *err);

/* Remembers why the set may miss admins (the first reason only). */
__attribute__((format(printf, 3, 4))) enum dormant_status
azure_admins_incomplete(struct azure_admins *a, struct dormant_error *err,
                        const char *fmt, ...);

/* Sorts and removes duplicates; call after the last page, before lookups. */
void azure_admins_finish(struct azure_admins *a);

/* True when id holds a role. a must be finished; NULL means no admins. */
bool azure_admins_contains(const struct azure_admins *a, const char *id);

/* Parses one page (len bytes of JSON) of either answer above into a.
 * `what` names the input in errors (file name or URL). *next_link receives a
 * copy of @odata.nextLink (the caller frees it) or NULL. */
enum dormant_status azure_roles_parse_page(const char *data, size_t len,
                                           const char *what,
                                           struct azure_admins *a,
                                           char **next_link,
                                           struct dormant_error *err);

/* Same, for a page already parsed (an element of a file of pages). */
enum dormant_status azure_roles_page_json(const cJSON *page, const char *what,
                                          struct azure_admins *a,
                                          char **next_link,
                                          struct dormant_error *err);

#endif /* DORMANT_AZURE_GRAPH_ROLES_H */
