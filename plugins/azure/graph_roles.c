/* dormant azure: directory role holders from Microsoft Graph answers. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <dormant/json.h>

#include "graph_page.h"
#include "graph_roles.h"

void
azure_admins_init(struct azure_admins *a)
{
	memset(a, 0, sizeof(*a));
	a->sorted = true;
}

void
azure_admins_free(struct azure_admins *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->ids[i]);
	free(a->ids);
	for (size_t i = 0; i < a->n_groups; i++)
		free(a->groups[i]);
	free(a->groups);
	free(a->incomplete);
	azure_admins_init(a);
}

enum dormant_status
azure_admins_add(struct azure_admins *a, const char *id,
                 struct dormant_error *err)
{
	char *copy;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		char **p = realloc(a->ids, cap * sizeof(*p));
		if (!p)
			return dormant_error_set(
			        err, DORMANT_ERR_NOMEM, "%s",
			        dormant_strerror(DORMANT_ERR_NOMEM));
		a->ids = p;
		a->cap = cap;
	}
	copy = strdup(id);
	if (!copy)
		return dormant_error_set(err, DORMANT_ERR_NOMEM, "%s",
		                         dormant_strerror(DORMANT_ERR_NOMEM));
	a->ids[a->n++] = copy;
	a->sorted = false;
	return DORMANT_OK;
}

static enum dormant_status
add_group(struct azure_admins *a, const char *id, struct dormant_error *err)
{
	char *copy;

	for (size_t i = 0; i < a->n_groups; i++)
		if (strcasecmp(a->groups[i], id) == 0)
			return DORMANT_OK;
	if (a->n_groups == a->cap_groups) {
		size_t cap = a->cap_groups ? a->cap_groups * 2 : 8;
		char **p = realloc(a->groups, cap * sizeof(*p));
		if (!p)
			return dormant_error_set(
			        err, DORMANT_ERR_NOMEM, "%s",
			        dormant_strerror(DORMANT_ERR_NOMEM));
		a->groups = p;
		a->cap_groups = cap;
	}
	copy = strdup(id);
	if (!copy)
		return dormant_error_set(err, DORMANT_ERR_NOMEM, "%s",
		                         dormant_strerror(DORMANT_ERR_NOMEM));
	a->groups[a->n_groups++] = copy;
	return DORMANT_OK;
}

/* Object ids are GUIDs, which Graph writes in lower case; compare without
 * case anyway so that a hand-edited file still matches. */
static int
compare_ids(const void *x, const void *y)
{
	return strcasecmp(*(char *const *)x, *(char *const *)y);
}

void
azure_admins_finish(struct azure_admins *a)
{
	size_t out = 0;

	if (a->sorted)
		return;
	if (a->n > 1)
		qsort(a->ids, a->n, sizeof(*a->ids), compare_ids);
	/* One principal holding several roles appears once per role. */
	for (size_t i = 0; i < a->n; i++) {
		if (out > 0 && strcasecmp(a->ids[out - 1], a->ids[i]) == 0)
			free(a->ids[i]);
		else
			a->ids[out++] = a->ids[i];
	}
	a->n = out;
	a->sorted = true;
}

bool
azure_admins_contains(const struct azure_admins *a, const char *id)
{
	if (!a || a->n == 0 || !id)
		return false;
	return bsearch(&id, a->ids, a->n, sizeof(*a->ids), compare_ids) != NULL;
}

enum dormant_status
azure_admins_incomplete(struct azure_admins *a, struct dormant_error *err,
                        const char *fmt, ...)
{
	char buf[DORMANT_ERROR_MAX];
	va_list ap;

	if (a->incomplete)
		return DORMANT_OK;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	a->incomplete = strdup(buf);
	if (!a->incomplete)
		return dormant_error_set(err, DORMANT_ERR_NOMEM, "%s",
		                         dormant_strerror(DORMANT_ERR_NOMEM));
	return DORMANT_OK;
}

static bool
is_group(const cJSON *obj)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(obj, "@odata.type");

	return cJSON_IsString(t) &&
	       strcmp(t->valuestring, "#microsoft.graph.group") == 0;
}

/* One directoryRole of GET /directoryRoles?$expand=members. */
static enum dormant_status
directory_role(const cJSON *role, const char *what, struct azure_admins *a,
               struct dormant_error *err)
{
	const cJSON *members =
	        cJSON_GetObjectItemCaseSensitive(role, "members");
	const cJSON *m;
	const char *name = NULL, *id;
	enum dormant_status st;
	size_t i = 0;

	st = azure_graph_string(role, "displayName", false, &name, err);
	if (st != DORMANT_OK)
		return st;
	if (!name)
		name = "(unnamed role)";
	if (!cJSON_IsArray(members))
		return dormant_error_set(
		        err, DORMANT_ERR_PARSE,
		        "role \"%.80s\" has no \"members\" array "
		        "(request it with $expand=members)",
		        name);
	if ((size_t)cJSON_GetArraySize(members) >= AZURE_EXPAND_MAX ||
	    cJSON_GetObjectItemCaseSensitive(role, "members@odata.nextLink")) {
		st = azure_admins_incomplete(
		        a, err,
		        "%s: role \"%.80s\" lists as many members as "
		        "Graph's $expand returns at most (20): the list "
		        "may be cut; export "
		        "/roleManagement/directory/roleAssignments instead",
		        what, name);
		if (st != DORMANT_OK)
			return st;
	}
	cJSON_ArrayForEach(m, members)
	{
		if (!cJSON_IsObject(m))
			return dormant_error_set(
			        err, DORMANT_ERR_PARSE,
			        "role \"%.80s\": members[%zu] is not "
			        "an object",
			        name, i);
		st = azure_graph_string(m, "id", true, &id, err);
		if (st != DORMANT_OK) {
			dormant_error_prefix(
			        err, "role \"%.80s\": members[%zu]", name, i);
			return st;
		}
		if (is_group(m)) {
			st = azure_admins_incomplete(
			        a, err,
			        "%s: role \"%.80s\" is held by a group, "
			        "whose members are not resolved from an "
			        "offline file",
			        what, name);
			if (st != DORMANT_OK)
				return st;
		}
		st = azure_admins_add(a, id, err);
		if (st != DORMANT_OK)
			return st;
		i++;
	}
	return DORMANT_OK;
}

/* One unifiedRoleAssignment of GET /roleManagement/directory/
 * roleAssignments, principal expanded or not. */
static enum dormant_status
role_assignment(const cJSON *ra, const char *what, struct azure_admins *a,
                struct dormant_error *err)
{
	const cJSON *principal =
	        cJSON_GetObjectItemCaseSensitive(ra, "principal");
	const char *pid;
	enum dormant_status st;

	st = azure_graph_string(ra, "principalId", true, &pid, err);
	if (st != DORMANT_OK)
		return st;
	if (principal && !cJSON_IsNull(principal) && !cJSON_IsObject(principal))
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "\"principal\" is not an object");
	/* Only the expanded principal's @odata.type tells a group, whose
	 * members hold the role too, from a user. A live scan that did not
	 * get it (a proxy dropped $expand, an answer of another shape) cannot
	 * tell who the admins are. */
	if (a->collect_groups &&
	    (!cJSON_IsObject(principal) ||
	     !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(
	             principal, "@odata.type")))) {
		st = azure_admins_incomplete(
		        a, err,
		        "%s: the assignment to %.40s came without "
		        "its principal's type ($expand=principal): "
		        "a group cannot be told from a user",
		        what, pid);
		if (st != DORMANT_OK)
			return st;
	}
	if (cJSON_IsObject(principal) && is_group(principal) &&
	    a->collect_groups) {
		st = add_group(a, pid, err);
		if (st != DORMANT_OK)
			return st;
	} else if (cJSON_IsObject(principal) && is_group(principal)) {
		st = azure_admins_incomplete(
		        a, err,
		        "%s: a directory role is assigned to group %.40s, "
		        "whose members are not resolved from an offline "
		        "file",
		        what, pid);
		if (st != DORMANT_OK)
			return st;
	}
	return azure_admins_add(a, pid, err);
}

enum dormant_status
azure_roles_page_json(const cJSON *page, const char *what,
                      struct azure_admins *a, char **next_link,
                      struct dormant_error *err)
{
	const cJSON *value, *item;
	enum dormant_status st;
	size_t i = 0;

	st = azure_graph_page_open(page, what, &value, next_link, err);
	if (st != DORMANT_OK)
		goto out;
	cJSON_ArrayForEach(item, value)
	{
		if (!cJSON_IsObject(item)) {
			st = dormant_error_set(
			        err, DORMANT_ERR_PARSE,
			        "%s: value[%zu] is not an object", what, i);
			goto out;
		}
		if (cJSON_GetObjectItemCaseSensitive(item, "principalId"))
			st = role_assignment(item, what, a, err);
		else if (cJSON_GetObjectItemCaseSensitive(item, "members") ||
		         cJSON_GetObjectItemCaseSensitive(item,
		                                          "roleTemplateId"))
			st = directory_role(item, what, a, err);
		else
			st = dormant_error_set(
			        err, DORMANT_ERR_PARSE,
			        "neither a unifiedRoleAssignment (principalId) "
			        "nor "
			        "a directoryRole (members)");
		if (st != DORMANT_OK) {
			dormant_error_prefix(err, "%s: value[%zu]", what, i);
			goto out;
		}
		i++;
	}
out:
	if (st != DORMANT_OK && next_link) {
		free(*next_link);
		*next_link = NULL;
	}
	return st;
}

enum dormant_status
azure_roles_parse_page(const char *data, size_t len, const char *what,
                       struct azure_admins *a, char **next_link,
                       struct dormant_error *err)
{
	cJSON *root = NULL;
	enum dormant_status st;

	*next_link = NULL;
	st = dormant_json_parse(data, len, what, &root, err);
	if (st != DORMANT_OK)
		goto out;
	st = azure_roles_page_json(root, what, a, next_link, err);
out:
	cJSON_Delete(root);
	return st;
}
