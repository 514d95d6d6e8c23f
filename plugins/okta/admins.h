/* dormant okta: who holds an admin role, from the one paged listing Okta
 * documents for it, GET /api/v1/iam/assignees/users ("List all users
 * with role assignments"): a page is {"value": [{"id": ..., "orn": ...,
 * "_links": ...}], "_links": {"next": {"href": ...}}}. One listing for
 * the whole org instead of a roles call per user.
 */
#ifndef OKTA_ADMINS_H
#define OKTA_ADMINS_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include <dormant/status.h>

/* A set of user ids: add them all, seal it, then ask. */
struct okta_admins {
	char **ids; /* owned; sorted once sealed */
	size_t n, cap;
};

void okta_admins_free(struct okta_admins *a);
void okta_admins_seal(struct okta_admins *a);
bool okta_admins_has(const struct okta_admins *a, const char *id);

/* Reads one page into a. *next is the page's _links.next.href (a new
 * string the caller frees), or NULL on the last page. `what` names the
 * page in errors. */
enum dormant_status okta_admins_page(struct okta_admins *a, const cJSON *page,
                                     const char *what, char **next,
                                     struct dormant_error *err);

#endif /* OKTA_ADMINS_H */
