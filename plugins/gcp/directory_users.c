/* dormant gcp: one page of the Directory API users.list answer to
 * struct dormant_user records. See directory_users.h for the format. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/json.h>
#include <dormant/timeutil.h>

#include "directory_users.h"

/* The resource kinds the Directory API reference gives for users.list
 * ("admin#directory#users") and for a user ("admin#directory#user"). A
 * request with fields= may leave them out; when present they must match,
 * so that a groups or members export given by mistake is refused rather
 * than read as an empty domain. */
#define KIND_USERS "admin#directory#users"
#define KIND_USER  "admin#directory#user"

#define EXTRAS 5

/* One user as read from the page, before anything is delivered. Strings
 * point into the cJSON tree. */
struct decoded {
	const char *id;
	const char *email;
	const char *full_name;
	const char *customer_id;
	const char *org_unit;
	int64_t created;
	int64_t last_login;
	bool suspended, archived;
	/* Reported as extras: tri-state, since "absent" is a fact too. */
	struct tri {
		bool known, value;
	} is_admin, is_delegated_admin, enrolled_2sv, enforced_2sv;
};

void
gcp_users_listing_free(struct gcp_users_listing *ls)
{
	free(ls->customer_id);
	ls->customer_id = NULL;
}

/* A string member no longer than max bytes; NULL when absent or null. */
static enum dormant_status
get_string(const cJSON *obj, const char *key, size_t max, const char **out,
           struct dormant_error *err)
{
	enum dormant_status st = dormant_json_string(obj, key, out, err);

	if (st != DORMANT_OK)
		return st;
	if (*out && strlen(*out) > max)
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "\"%s\" is longer than %zu bytes", key,
		                         max);
	return DORMANT_OK;
}

/* The id is the userKey of users.get and users.patch (the live path puts
 * it in a URL path), and the reference calls it a unique numeric id:
 * accept digits only. */
static bool
id_valid(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
	}
	return true;
}

/* Visible ASCII only: the customer id becomes the scope in reports. */
static bool
printable(const char *s)
{
	for (; *s; s++) {
		if (*s < 0x21 || *s > 0x7e)
			return false;
	}
	return true;
}

/* An address, not a name: one @, something on both sides, no white space
 * or control characters (they would break reports and exclusion globs). */
static bool
email_valid(const char *s)
{
	const char *at = strchr(s, '@');

	if (!at || at == s || !at[1] || strchr(at + 1, '@'))
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c <= 0x20 || c == 0x7f)
			return false;
	}
	return true;
}

/* A boolean member, remembering whether it was there at all. */
static enum dormant_status
get_tri(const cJSON *obj, const char *key, struct tri *out,
        struct dormant_error *err)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);

	out->known = m && !cJSON_IsNull(m);
	return dormant_json_bool(obj, key, false, &out->value, err);
}

/* The members of one user that dormant uses, checked. Errors carry no
 * prefix; the caller adds where the user is. */
static enum dormant_status
decode_user(const cJSON *u, struct decoded *d, struct dormant_error *err)
{
	const cJSON *name;
	const char *kind;
	enum dormant_status st;

	memset(d, 0, sizeof(*d));
	if (!cJSON_IsObject(u)) {
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "not a JSON object");
		goto out;
	}
	st = get_string(u, "id", GCP_ID_MAX, &d->id, err);
	if (st != DORMANT_OK)
		goto out;
	st = get_string(u, "kind", 64, &kind, err);
	if (st != DORMANT_OK)
		goto out;
	if (kind && strcmp(kind, KIND_USER) != 0) {
		st = dormant_error_set(
		        err, DORMANT_ERR_PARSE,
		        "\"kind\" is \"%s\", not \"" KIND_USER "\"", kind);
		goto out;
	}
	if (!d->id) {
		st = dormant_error_set(err, DORMANT_ERR_PARSE, "no \"id\"");
		goto out;
	}
	if (!id_valid(d->id)) {
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "\"id\" is not a numeric user id");
		goto out;
	}
	st = get_string(u, "primaryEmail", GCP_EMAIL_MAX, &d->email, err);
	if (st != DORMANT_OK)
		goto out;
	if (!d->email) {
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "no \"primaryEmail\"");
		goto out;
	}
	if (!email_valid(d->email)) {
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "\"primaryEmail\" is not an address");
		goto out;
	}

	name = cJSON_GetObjectItemCaseSensitive(u, "name");
	if (name && !cJSON_IsNull(name)) {
		if (!cJSON_IsObject(name)) {
			st = dormant_error_set(err, DORMANT_ERR_PARSE,
			                       "\"name\" is not an object");
			goto out;
		}
		st = get_string(name, "fullName", GCP_NAME_MAX, &d->full_name,
		                err);
		if (st != DORMANT_OK) {
			dormant_error_prefix(err, "name");
			goto out;
		}
	}

	st = get_string(u, "customerId", GCP_CUSTOMER_ID_MAX, &d->customer_id,
	                err);
	if (st != DORMANT_OK)
		goto out;
	if (d->customer_id && !*d->customer_id)
		d->customer_id = NULL;
	if (d->customer_id && !printable(d->customer_id)) {
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "\"customerId\" is not an id");
		goto out;
	}
	st = get_string(u, "orgUnitPath", GCP_ORG_UNIT_MAX, &d->org_unit, err);
	if (st != DORMANT_OK)
		goto out;

	/* Both times are in every admin-view answer. A missing lastLoginTime
	 * must not read as "never signed in" (SPEC section 3: when the cloud
	 * cannot say, that is an error), and without creationTime a user
	 * who never signed in has no reference. */
	st = dormant_json_time(u, "creationTime", &d->created, err);
	if (st != DORMANT_OK)
		goto out;
	if (d->created == DORMANT_TIME_NONE) {
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "no \"creationTime\"");
		goto out;
	}
	st = dormant_json_time(u, "lastLoginTime", &d->last_login, err);
	if (st != DORMANT_OK)
		goto out;
	if (d->last_login == DORMANT_TIME_NONE) {
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "no \"lastLoginTime\"");
		goto out;
	}
	/* The Directory API writes the epoch, "1970-01-01T00:00:00.000Z",
	 * for a user who never signed in. */
	if (d->last_login == 0)
		d->last_login = DORMANT_TIME_NONE;

	/* isAdmin and isDelegatedAdmin are in every admin-view answer; a
	 * domain_public view or a fields= export can leave them out, and then
	 * the admins are not known (the caller tells core). */
	st = get_tri(u, "isAdmin", &d->is_admin, err);
	if (st != DORMANT_OK)
		goto out;
	st = get_tri(u, "isDelegatedAdmin", &d->is_delegated_admin, err);
	if (st != DORMANT_OK)
		goto out;
	st = get_tri(u, "isEnrolledIn2Sv", &d->enrolled_2sv, err);
	if (st != DORMANT_OK)
		goto out;
	st = get_tri(u, "isEnforcedIn2Sv", &d->enforced_2sv, err);
	if (st != DORMANT_OK)
		goto out;
	/* Absent suspended or archived: not suspended, not archived. The
	 * admin view always carries both; guessing "enabled" can only add a
	 * finding, never hide one. */
	st = dormant_json_bool(u, "suspended", false, &d->suspended, err);
	if (st != DORMANT_OK)
		goto out;
	st = dormant_json_bool(u, "archived", false, &d->archived, err);
out:
	return st;
}

static const char *
tri_str(struct tri t)
{
	if (!t.known)
		return "null";
	return t.value ? "true" : "false";
}

static enum dormant_status
deliver(struct gcp_users_listing *ls, const struct decoded *d, size_t n,
        struct dormant_sink *sink)
{
	const char *scope = ls->scope ? ls->scope : ls->customer_id;
	enum dormant_status st = DORMANT_OK;

	if (n > 0 && !ls->scope_announced && sink->set_scope) {
		sink->set_scope(sink, scope);
		ls->scope_announced = true;
	}
	for (size_t i = 0; i < n; i++) {
		struct dormant_extra extras[EXTRAS];
		struct dormant_user u = {
		        .scope = scope,
		        .id = d[i].id,
		        .name = d[i].email,
		        .email = d[i].email,
		        .display_name = d[i].full_name,
		        .created = d[i].created,
		        .last_login = d[i].last_login,
		        /* Google keeps no date for when a password was set;
		         * core falls back to creationTime. */
		        .access_granted = DORMANT_TIME_NONE,
		        /* Every Workspace user may sign in unless suspended
		         * or archived. */
		        .interactive_access = true,
		        .account_enabled = !(d[i].suspended || d[i].archived),
		        .admin = d[i].is_admin.value ||
		                 d[i].is_delegated_admin.value,
		        .extras = extras,
		        .n_extras = EXTRAS,
		};

		extras[0] = (struct dormant_extra){"isEnrolledIn2Sv",
		                                   tri_str(d[i].enrolled_2sv)};
		extras[1] = (struct dormant_extra){"isEnforcedIn2Sv",
		                                   tri_str(d[i].enforced_2sv)};
		extras[2] = (struct dormant_extra){"isAdmin",
		                                   tri_str(d[i].is_admin)};
		extras[3] = (struct dormant_extra){
		        "isDelegatedAdmin", tri_str(d[i].is_delegated_admin)};
		extras[4] = (struct dormant_extra){
		        "orgUnitPath", d[i].org_unit ? d[i].org_unit : "null"};

		st = sink->user(sink, &u);
		if (st != DORMANT_OK)
			goto out;
	}
	if (sink->page)
		sink->page(sink);
out:
	return st;
}

enum dormant_status
gcp_directory_users_page_json(struct gcp_users_listing *ls, const cJSON *page,
                              struct dormant_sink *sink, char **next_page_token,
                              struct dormant_error *err)
{
	const cJSON *users, *u;
	const char *kind, *token;
	struct decoded *d = NULL;
	size_t n = 0, i = 0, first_unknown = SIZE_MAX;
	const char *what = ls->what ? ls->what : "users.list";
	enum dormant_status st;

	if (next_page_token)
		*next_page_token = NULL;
	if (!cJSON_IsObject(page)) {
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "%s: not a users.list answer (a JSON "
		                       "object)",
		                       what);
		goto out;
	}
	st = get_string(page, "kind", 64, &kind, err);
	if (st != DORMANT_OK) {
		dormant_error_prefix(err, "%s", what);
		goto out;
	}
	if (kind && strcmp(kind, KIND_USERS) != 0) {
		st = dormant_error_set(
		        err, DORMANT_ERR_PARSE,
		        "%s: \"kind\" is \"%s\", not \"" KIND_USERS "\"", what,
		        kind);
		goto out;
	}
	st = get_string(page, "nextPageToken", GCP_PAGE_TOKEN_MAX, &token, err);
	if (st != DORMANT_OK) {
		dormant_error_prefix(err, "%s", what);
		goto out;
	}

	/* "users" is left out of a page with no users (an empty domain, or
	 * a query that matched nobody). */
	users = cJSON_GetObjectItemCaseSensitive(page, "users");
	if (users && !cJSON_IsNull(users)) {
		if (!cJSON_IsArray(users)) {
			st = dormant_error_set(err, DORMANT_ERR_PARSE,
			                       "%s: \"users\" is not an array",
			                       what);
			goto out;
		}
		n = (size_t)cJSON_GetArraySize(users);
	}
	if (n > 0) {
		d = calloc(n, sizeof(*d));
		if (!d) {
			st = dormant_error_set(err, DORMANT_ERR_NOMEM,
			                       "%s: %zu users: out of memory",
			                       what, n);
			goto out;
		}
	}

	/* Check every user before delivering any: a page is used whole or
	 * not at all. */
	cJSON_ArrayForEach(u, users)
	{
		struct decoded *di = &d[i];

		st = decode_user(u, di, err);
		if (st != DORMANT_OK) {
			/* An id is only echoed once it is known to be
			 * digits: no control characters into messages. */
			if (di->id && id_valid(di->id))
				dormant_error_prefix(
				        err, "%s: users[%zu] (id %s)", what,
				        ls->users + i, di->id);
			else
				dormant_error_prefix(err, "%s: users[%zu]",
				                     what, ls->users + i);
			goto out;
		}
		/* One users.list answer is one customer's users; a file that
		 * mixes customers is not one, and its users would be
		 * reported under the wrong scope. */
		if (di->customer_id) {
			if (!ls->customer_id) {
				ls->customer_id = strdup(di->customer_id);
				if (!ls->customer_id) {
					st = dormant_error_set(
					        err, DORMANT_ERR_NOMEM,
					        "%s: out of memory", what);
					goto out;
				}
			} else if (strcmp(ls->customer_id, di->customer_id) !=
			           0) {
				st = dormant_error_set(
				        err, DORMANT_ERR_PARSE,
				        "%s: users[%zu] (id %s): customerId "
				        "\"%s\" differs from \"%s\" of the "
				        "users before it",
				        what, ls->users + i, di->id,
				        di->customer_id, ls->customer_id);
				goto out;
			}
		} else if (!ls->scope) {
			st = dormant_error_set(
			        err, DORMANT_ERR_PARSE,
			        "%s: users[%zu] (id %s): no \"customerId\" to "
			        "report it under (set domain in [gcp])",
			        what, ls->users + i, di->id);
			goto out;
		}
		if ((!di->is_admin.known || !di->is_delegated_admin.known) &&
		    first_unknown == SIZE_MAX)
			first_unknown = ls->users + i;
		i++;
	}

	if (sink) {
		if (first_unknown != SIZE_MAX && !ls->admins_unknown &&
		    sink->admins_unknown) {
			char why[DORMANT_ERROR_MAX];
			snprintf(why, sizeof(why),
			         "%s: users[%zu] has no isAdmin or "
			         "isDelegatedAdmin (not the admin view of "
			         "users.list)",
			         what, first_unknown);
			sink->admins_unknown(sink, why);
			ls->admins_unknown = true;
		}
		st = deliver(ls, d, n, sink);
		if (st != DORMANT_OK) {
			dormant_error_set(err, st, "%s: listing stopped: %s",
			                  what, dormant_strerror(st));
			goto out;
		}
	}
	ls->users += n;
	ls->pages++;

	/* Google documents an absent token on the last page; an empty one
	 * means the same to every client library. */
	if (next_page_token && token && *token) {
		*next_page_token = strdup(token);
		if (!*next_page_token) {
			st = dormant_error_set(err, DORMANT_ERR_NOMEM,
			                       "%s: out of memory", what);
			goto out;
		}
	}
out:
	free(d);
	return st;
}

enum dormant_status
gcp_directory_users_page(struct gcp_users_listing *ls, const char *data,
                         size_t len, struct dormant_sink *sink,
                         char **next_page_token, struct dormant_error *err)
{
	const char *what = ls->what ? ls->what : "users.list";
	cJSON *root = NULL;
	enum dormant_status st;

	if (next_page_token)
		*next_page_token = NULL;
	st = dormant_json_parse(data, len, what, &root, err);
	if (st != DORMANT_OK)
		goto out;
	st = gcp_directory_users_page_json(ls, root, sink, next_page_token,
	                                   err);
out:
	cJSON_Delete(root);
	return st;
}

enum dormant_status
gcp_directory_user_parse(const char *data, size_t len, const char *what,
                         struct gcp_user_facts *out, struct dormant_error *err)
{
	struct decoded d;
	cJSON *root = NULL;
	enum dormant_status st;

	memset(out, 0, sizeof(*out));
	out->created = out->last_login = DORMANT_TIME_NONE;
	st = dormant_json_parse(data, len, what, &root, err);
	if (st != DORMANT_OK)
		goto out;
	st = decode_user(root, &d, err);
	if (st != DORMANT_OK) {
		dormant_error_prefix(err, "%s", what);
		goto out;
	}
	/* decode_user checked the id: digits, at most GCP_ID_MAX. */
	snprintf(out->id, sizeof(out->id), "%s", d.id);
	out->created = d.created;
	out->last_login = d.last_login;
	out->suspended = d.suspended;
	out->archived = d.archived;
out:
	cJSON_Delete(root);
	return st;
}
