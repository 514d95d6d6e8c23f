/* dormant azure: users from a Microsoft Graph /users answer page. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <dormant/json.h>
#include <dormant/timeutil.h>

#include "graph_page.h"
#include "graph_users.h"

/* Graph writes .NET's DateTime.MinValue, "0001-01-01T00:00:00Z", for a
 * sign-in that never happened (see the lastNonInteractiveSignInDateTime
 * of the "Get users including their last sign-in time" example of the
 * List users page). */
static int64_t
never_sentinel(void)
{
	return dormant_days_from_civil(1, 1, 1) * 86400;
}

/* One signInActivity time: *t and *raw stay NONE / NULL when the member is
 * absent, null or the "never" sentinel. Times may carry a fraction of any
 * length ("2026-11-20T16:41:33.1234567Z"); it is dropped. */
static enum dormant_status
sign_in_time(const cJSON *sia, const char *key, int64_t *t, const char **raw,
             struct dormant_error *err)
{
	enum dormant_status st;

	*t = DORMANT_TIME_NONE;
	*raw = NULL;
	if (!sia)
		return DORMANT_OK;
	st = azure_graph_string(sia, key, false, raw, err);
	if (st != DORMANT_OK || !*raw)
		return st;
	if (!dormant_time_parse_iso8601(*raw, t)) {
		st = dormant_error_set(
		        err, DORMANT_ERR_PARSE,
		        "signInActivity.%s is not a time: \"%.40s\"", key,
		        *raw);
		*raw = NULL;
		return st;
	}
	if (*t == never_sentinel()) {
		*t = DORMANT_TIME_NONE;
		*raw = NULL;
	}
	return DORMANT_OK;
}

static int64_t
later(int64_t a, int64_t b)
{
	if (a == DORMANT_TIME_NONE)
		return b;
	if (b == DORMANT_TIME_NONE)
		return a;
	return a > b ? a : b;
}

/* One element of "value": checks it and hands it to the sink. On a parse
 * error, err holds the field; the caller adds where. */
static enum dormant_status
stream_user(const cJSON *u, const struct azure_users_stream *s,
            struct dormant_sink *sink, const char **idp,
            struct dormant_error *err)
{
	struct dormant_user user;
	struct dormant_extra extras[5];
	const cJSON *sia, *enabled;
	const char *user_type = NULL, *raw_last = NULL, *raw_ni = NULL,
	           *raw_ok = NULL;
	int64_t t_last, t_ni, t_ok;
	bool guest;
	enum dormant_status st;

	memset(&user, 0, sizeof(user));
	*idp = NULL;
	if (!cJSON_IsObject(u))
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "not a JSON object");
	st = azure_graph_string(u, "id", true, &user.id, err);
	if (st != DORMANT_OK)
		return st;
	*idp = user.id;
	st = azure_graph_string(u, "userPrincipalName", true, &user.name, err);
	if (st != DORMANT_OK)
		return st;
	st = azure_graph_string(u, "mail", false, &user.email, err);
	if (st != DORMANT_OK)
		return st;
	st = azure_graph_string(u, "displayName", false, &user.display_name,
	                        err);
	if (st != DORMANT_OK)
		return st;
	/* Graph leaves createdDateTime null for accounts created before 2018
	 * ("user resource type"): core then has no reference and says so. */
	st = dormant_json_time(u, "createdDateTime", &user.created, err);
	if (st != DORMANT_OK)
		return st;

	/* Only returned when $select names it; without it we cannot tell a
	 * disabled account from an enabled one. */
	enabled = cJSON_GetObjectItemCaseSensitive(u, "accountEnabled");
	if (!enabled || cJSON_IsNull(enabled))
		return dormant_error_set(
		        err, DORMANT_ERR_PARSE,
		        "\"accountEnabled\" is missing (the "
		        "$select must include accountEnabled)");
	st = dormant_json_bool(u, "accountEnabled", false,
	                       &user.account_enabled, err);
	if (st != DORMANT_OK)
		return st;

	/* Accounts older than about 2014 may have a null userType; Graph
	 * treats those as members. */
	st = azure_graph_string(u, "userType", false, &user_type, err);
	if (st != DORMANT_OK)
		return st;
	guest = user_type && strcmp(user_type, "Guest") == 0;

	sia = cJSON_GetObjectItemCaseSensitive(u, "signInActivity");
	if (sia && cJSON_IsNull(sia))
		sia = NULL;
	if (sia && !cJSON_IsObject(sia))
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "\"signInActivity\" is not an object");
	st = sign_in_time(sia, "lastSignInDateTime", &t_last, &raw_last, err);
	if (st != DORMANT_OK)
		return st;
	st = sign_in_time(sia, "lastNonInteractiveSignInDateTime", &t_ni,
	                  &raw_ni, err);
	if (st != DORMANT_OK)
		return st;
	st = sign_in_time(sia, "lastSuccessfulSignInDateTime", &t_ok, &raw_ok,
	                  err);
	if (st != DORMANT_OK)
		return st;
	/* lastSignInDateTime and lastNonInteractiveSignInDateTime record
	 * attempts, failed ones too; lastSuccessfulSignInDateTime (since
	 * December 2023, not backfilled) only successes. Prefer it. */
	user.last_login =
	        t_ok != DORMANT_TIME_NONE ? t_ok : later(t_last, t_ni);

	user.scope = s->scope;
	user.access_granted = DORMANT_TIME_NONE;
	user.interactive_access = true;
	user.admin = azure_admins_contains(s->admins, user.id);
	extras[0] = (struct dormant_extra){"userType",
	                                   user_type ? user_type : "null"};
	extras[1] = (struct dormant_extra){"guest", guest ? "true" : "false"};
	extras[2] = (struct dormant_extra){"lastSignInDateTime",
	                                   raw_last ? raw_last : "null"};
	extras[3] = (struct dormant_extra){"lastNonInteractiveSignInDateTime",
	                                   raw_ni ? raw_ni : "null"};
	extras[4] = (struct dormant_extra){"lastSuccessfulSignInDateTime",
	                                   raw_ok ? raw_ok : "null"};
	user.extras = extras;
	user.n_extras = sizeof(extras) / sizeof(extras[0]);
	return sink->user(sink, &user);
}

/* The @odata.context of a $select query lists the selected properties,
 * "...$metadata#users(id,...,signInActivity)". When it names properties
 * but not signInActivity, every user would look never signed in: refuse
 * (SPEC 3: that is an error, never "never logged in"). */
static enum dormant_status
check_context(const cJSON *page, const char *what, struct dormant_error *err)
{
	const cJSON *c =
	        cJSON_GetObjectItemCaseSensitive(page, "@odata.context");
	const char *sel, *end;

	if (!cJSON_IsString(c))
		return DORMANT_OK;
	sel = strstr(c->valuestring, "#users(");
	if (!sel)
		return DORMANT_OK;
	sel += strlen("#users(");
	end = strchr(sel, ')');
	if (!end)
		return DORMANT_OK;
	for (const char *p = sel; p < end;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		size_t n = (size_t)((comma ? comma : end) - p);
		if (n == strlen("signInActivity") &&
		    memcmp(p, "signInActivity", n) == 0)
			return DORMANT_OK;
		p += n + 1;
	}
	return dormant_error_set(err, DORMANT_ERR_PARSE,
	                         "%s: the answer was requested without "
	                         "signInActivity in $select (see its "
	                         "@odata.context): last sign-ins unknown",
	                         what);
}

enum dormant_status
azure_users_page_json(const cJSON *page, struct azure_users_stream *s,
                      struct dormant_sink *sink, char **next_link,
                      struct dormant_error *err)
{
	const cJSON *value, *item;
	enum dormant_status st;
	size_t i = 0;

	st = azure_graph_page_open(page, s->what, &value, next_link, err);
	if (st != DORMANT_OK)
		goto out;
	s->pages++;
	st = check_context(page, s->what, err);
	if (st != DORMANT_OK)
		goto out;
	cJSON_ArrayForEach(item, value)
	{
		const char *id = NULL;
		struct dormant_error uerr;

		uerr.msg[0] = '\0';
		st = stream_user(item, s, sink, &id, &uerr);
		if (st != DORMANT_OK) {
			/* The sink's own error (cancelled, out of memory) is
			 * not the input's fault: pass it on unprefixed. */
			if (uerr.msg[0] == '\0')
				dormant_error_set(err, st, "%s",
				                  dormant_strerror(st));
			else if (id)
				dormant_error_set(
				        err, st,
				        "%s: page %zu, user value[%zu] "
				        "(id %.40s): %s",
				        s->what, s->pages, i, id, uerr.msg);
			else
				dormant_error_set(
				        err, st,
				        "%s: page %zu, user value[%zu]: %s",
				        s->what, s->pages, i, uerr.msg);
			goto out;
		}
		s->users++;
		i++;
	}
	if (sink->page)
		sink->page(sink);
out:
	if (st != DORMANT_OK && next_link) {
		free(*next_link);
		*next_link = NULL;
	}
	return st;
}

enum dormant_status
azure_users_parse_page(const char *data, size_t len,
                       struct azure_users_stream *s, struct dormant_sink *sink,
                       char **next_link, struct dormant_error *err)
{
	cJSON *root = NULL;
	enum dormant_status st;

	*next_link = NULL;
	st = dormant_json_parse(data, len, s->what, &root, err);
	if (st != DORMANT_OK)
		goto out;
	st = azure_users_page_json(root, s, sink, next_link, err);
out:
	cJSON_Delete(root);
	return st;
}

enum dormant_status
azure_users_parse_object(const char *data, size_t len,
                         struct azure_users_stream *s,
                         struct dormant_sink *sink, struct dormant_error *err)
{
	cJSON *root = NULL;
	const char *id = NULL;
	struct dormant_error uerr;
	enum dormant_status st;

	st = dormant_json_parse(data, len, s->what, &root, err);
	if (st != DORMANT_OK)
		goto out;
	uerr.msg[0] = '\0';
	st = stream_user(root, s, sink, &id, &uerr);
	if (st != DORMANT_OK) {
		if (uerr.msg[0] == '\0')
			dormant_error_set(err, st, "%s", dormant_strerror(st));
		else
			dormant_error_set(err, st, "%s: %s", s->what, uerr.msg);
		goto out;
	}
	s->users++;
out:
	cJSON_Delete(root);
	return st;
}
