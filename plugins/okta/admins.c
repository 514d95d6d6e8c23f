/* dormant okta: the admin listing. See admins.h. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include <dormant/json.h>

#include "admins.h"

void
okta_admins_free(struct okta_admins *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->ids[i]);
	free(a->ids);
	memset(a, 0, sizeof(*a));
}

static int
cmp_id(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

void
okta_admins_seal(struct okta_admins *a)
{
	if (a->n > 1)
		qsort(a->ids, a->n, sizeof(*a->ids), cmp_id);
}

bool
okta_admins_has(const struct okta_admins *a, const char *id)
{
	return a->n > 0 &&
	       bsearch(&id, a->ids, a->n, sizeof(*a->ids), cmp_id) != NULL;
}

static enum dormant_status
add(struct okta_admins *a, const char *id, struct dormant_error *err)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		char **ids = realloc(a->ids, cap * sizeof(*ids));

		if (!ids)
			return dormant_error_set(err, DORMANT_ERR_NOMEM,
			                         "out of memory");
		a->ids = ids;
		a->cap = cap;
	}
	a->ids[a->n] = strdup(id);
	if (!a->ids[a->n])
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	a->n++;
	return DORMANT_OK;
}

enum dormant_status
okta_admins_page(struct okta_admins *a, const cJSON *page, const char *what,
                 char **next, struct dormant_error *err)
{
	const cJSON *value, *links, *nx, *item;
	const char *href = NULL;
	enum dormant_status st;

	*next = NULL;
	if (!cJSON_IsObject(page))
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: not a role assignees page", what);
	value = cJSON_GetObjectItemCaseSensitive(page, "value");
	if (value && !cJSON_IsNull(value) && !cJSON_IsArray(value))
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: \"value\" is not an array", what);
	cJSON_ArrayForEach(item, value)
	{
		const char *id = NULL;

		if (!cJSON_IsObject(item))
			return dormant_error_set(err, DORMANT_ERR_PARSE,
			                         "%s: an assignee is not an "
			                         "object",
			                         what);
		st = dormant_json_string(item, "id", &id, err);
		if (st != DORMANT_OK) {
			dormant_error_prefix(err, "%s", what);
			return st;
		}
		if (!id || !*id)
			return dormant_error_set(
			        err, DORMANT_ERR_PARSE,
			        "%s: an assignee without an id", what);
		st = add(a, id, err);
		if (st != DORMANT_OK)
			return st;
	}
	links = cJSON_GetObjectItemCaseSensitive(page, "_links");
	if (links && !cJSON_IsNull(links) && !cJSON_IsObject(links))
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: \"_links\" is not an object",
		                         what);
	nx = links ? cJSON_GetObjectItemCaseSensitive(links, "next") : NULL;
	if (nx && !cJSON_IsNull(nx)) {
		if (!cJSON_IsObject(nx))
			return dormant_error_set(
			        err, DORMANT_ERR_PARSE,
			        "%s: \"_links.next\" is not an "
			        "object",
			        what);
		st = dormant_json_string(nx, "href", &href, err);
		if (st != DORMANT_OK) {
			dormant_error_prefix(err, "%s", what);
			return st;
		}
	}
	if (href && *href) {
		*next = strdup(href);
		if (!*next)
			return dormant_error_set(err, DORMANT_ERR_NOMEM,
			                         "out of memory");
	}
	return DORMANT_OK;
}
