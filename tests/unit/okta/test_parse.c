/* dormant okta: the parsers on their own: Link headers (RFC 8288 as
 * Okta sends them), User objects into what core judges, and the admin
 * listing's pages.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <dormant/timeutil.h>

#include "admins.h"
#include "link.h"
#include "tap.h"
#include "users.h"

static void
link_case(const char *header, const char *rel, const char *want,
          const char *name)
{
	struct dormant_error err = {{0}};
	char *got = NULL;
	enum dormant_status st = okta_link_find(header, rel, &got, &err);

	if (want) {
		ok(st == DORMANT_OK && got && strcmp(got, want) == 0,
		   "link: %s (%s)", name, got ? got : err.msg);
	} else {
		ok(st == DORMANT_OK && !got, "link: %s (none)", name);
	}
	free(got);
}

static void
test_link(void)
{
	struct dormant_error err = {{0}};
	char *got = NULL;

	link_case("<https://a.okta.com/api/v1/users?limit=200>; rel=\"self\", "
	          "<https://a.okta.com/api/v1/users?after=00u2&limit=200>; "
	          "rel=\"next\"",
	          "next",
	          "https://a.okta.com/api/v1/users?after=00u2&limit=200",
	          "self then next, as Okta's two lines join");
	link_case("<https://a.okta.com/api/v1/users?limit=200>; rel=\"self\"",
	          "next", NULL, "the last page has only self");
	link_case(NULL, "next", NULL, "no header at all");
	link_case("<https://x/u?after=a,b>; rel=next", "next",
	          "https://x/u?after=a,b",
	          "a comma inside <...> belongs to the URL; unquoted rel");
	link_case("<https://x/1>; title=\"a, b; c\"; rel=\"prev next\"", "NEXT",
	          "https://x/1",
	          "rel list with several types, any case; quoted ; and , "
	          "skipped");
	link_case("<https://x/1>; rel=\"nextpage\"", "next", NULL,
	          "a relation that only starts with next is not next");
	link_case(
	        "  <https://x/1> ;rel=\"self\" ,  <https://x/2>;rel=\"next\"  ",
	        "next", "https://x/2", "white space around the separators");
	ok(okta_link_find("https://x/1; rel=next", "next", &got, &err) ==
	           DORMANT_ERR_PARSE,
	   "link without <> refused: %s", err.msg);
	ok(okta_link_find("<https://x/1; rel=next", "next", &got, &err) ==
	           DORMANT_ERR_PARSE,
	   "unterminated <URL refused");
	ok(okta_link_find("<https://x/1>; rel=\"next", "next", &got, &err) ==
	           DORMANT_ERR_PARSE,
	   "unterminated quoted string refused");
	ok(got == NULL, "nothing handed out on a refusal");
}

/* A sink that keeps the last user it was given. */
struct keep {
	struct dormant_sink sink;
	struct dormant_user u;
	char display[128];
	char extras[512];
	int calls;
};

static enum dormant_status
keep_user(struct dormant_sink *sink, const struct dormant_user *u)
{
	struct keep *k = (struct keep *)sink;
	size_t n = 0;

	k->u = *u;
	snprintf(k->display, sizeof(k->display), "%s",
	         u->display_name ? u->display_name : "(null)");
	k->extras[0] = '\0';
	for (size_t i = 0; i < u->n_extras; i++)
		n += (size_t)snprintf(k->extras + n, sizeof(k->extras) - n,
		                      "%s=%s;", u->extras[i].key,
		                      u->extras[i].value);
	k->calls++;
	return DORMANT_OK;
}

static cJSON *
user_json(const char *status, const char *last_login, const char *activated)
{
	char buf[2048];

	snprintf(buf, sizeof(buf),
	         "{\"id\":\"00u1abcdEFGHijklm0h7\",\"status\":\"%s\","
	         "\"created\":\"2024-01-02T03:04:05.000Z\","
	         "\"activated\":%s%s%s,"
	         "\"statusChanged\":\"2024-01-03T00:00:00.000Z\","
	         "\"lastLogin\":%s%s%s,"
	         "\"lastUpdated\":\"2024-01-03T00:00:00.000Z\","
	         "\"passwordChanged\":\"2024-01-02T03:10:00.000Z\","
	         "\"type\":{\"id\":\"oty1\"},"
	         "\"profile\":{\"firstName\":\"Isaac\",\"lastName\":\"Brock\","
	         "\"login\":\"isaac.brock@example.com\","
	         "\"email\":\"isaac.brock@example.com\"},"
	         "\"credentials\":{\"password\":{},\"provider\":"
	         "{\"type\":\"OKTA\",\"name\":\"OKTA\"}},"
	         "\"_links\":{\"self\":{\"href\":"
	         "\"https://acme.okta.com/api/v1/users/"
	         "00u1abcdEFGHijklm0h7\"}}}",
	         status, activated ? "\"" : "", activated ? activated : "null",
	         activated ? "\"" : "", last_login ? "\"" : "",
	         last_login ? last_login : "null", last_login ? "\"" : "");
	return cJSON_Parse(buf);
}

static void
status_case(const char *status, bool access, bool enabled)
{
	struct dormant_error err = {{0}};
	struct keep k = {.sink = {.user = keep_user}};
	cJSON *j = user_json(status, "2026-01-01T00:00:00.000Z",
	                     "2024-01-02T04:00:00.000Z");
	struct okta_user u;

	ok(okta_user_read(j, "u", &u, &err) == DORMANT_OK, "%s reads: %s",
	   status, err.msg);
	okta_user_deliver(&u, "acme.okta.com", false, &k.sink);
	ok(k.u.interactive_access == access && k.u.account_enabled == enabled,
	   "%s: can sign in %s, enabled %s", status, access ? "yes" : "no",
	   enabled ? "yes" : "no");
	cJSON_Delete(j);
}

static void
bad_user(const char *json, const char *why, const char *want_in_msg)
{
	struct dormant_error err = {{0}};
	cJSON *j = cJSON_Parse(json);
	struct okta_user u;

	ok(j && okta_user_read(j, "users[3]", &u, &err) == DORMANT_ERR_PARSE &&
	           strstr(err.msg, want_in_msg) &&
	           strncmp(err.msg, "users[3]", 8) == 0,
	   "refused: %s (%s)", why, err.msg);
	cJSON_Delete(j);
}

static void
test_users(void)
{
	struct dormant_error err = {{0}};
	struct keep k = {.sink = {.user = keep_user}};
	struct okta_user u;
	int64_t t;
	cJSON *j;

	j = user_json("ACTIVE", "2026-05-20T10:11:12.345Z",
	              "2024-01-02T04:00:00.000Z");
	ok(okta_user_read(j, "u", &u, &err) == DORMANT_OK, "ACTIVE user: %s",
	   err.msg);
	okta_user_deliver(&u, "acme.okta.com", true, &k.sink);
	is_str(k.u.id, "00u1abcdEFGHijklm0h7", "id is the Okta user id");
	is_str(k.u.name, "isaac.brock@example.com", "name is profile.login");
	is_str(k.u.email, "isaac.brock@example.com", "email");
	is_str(k.display, "Isaac Brock",
	       "display name is firstName lastName without displayName");
	is_str(k.u.scope, "acme.okta.com", "scope as given");
	dormant_time_parse_iso8601("2026-05-20T10:11:12Z", &t);
	ok(k.u.last_login == t, "lastLogin read (fraction dropped)");
	dormant_time_parse_iso8601("2024-01-02T04:00:00Z", &t);
	ok(k.u.access_granted == t, "access granted = activated");
	dormant_time_parse_iso8601("2024-01-02T03:04:05Z", &t);
	ok(k.u.created == t, "created");
	ok(k.u.admin, "admin as the listing says");
	is_str(k.extras,
	       "status=ACTIVE;credential_provider=OKTA;"
	       "password_changed=2024-01-02T03:10:00Z;",
	       "details: status, credential provider, password change");
	cJSON_Delete(j);

	j = user_json("ACTIVE", NULL, NULL);
	ok(okta_user_read(j, "u", &u, &err) == DORMANT_OK,
	   "never signed in, never activated: reads");
	okta_user_deliver(&u, "acme.okta.com", false, &k.sink);
	ok(k.u.last_login == DORMANT_TIME_NONE &&
	           k.u.access_granted == DORMANT_TIME_NONE && !k.u.admin,
	   "lastLogin null = never; activated null = unknown");
	cJSON_Delete(j);

	j = cJSON_Parse("{\"id\":\"00u2\",\"status\":\"ACTIVE\","
	                "\"created\":\"2024-01-02T03:04:05.000Z\","
	                "\"profile\":{\"login\":\"a@b.c\","
	                "\"displayName\":\"Dr. A\",\"firstName\":\"A\"}}");
	okta_user_read(j, "u", &u, &err);
	okta_user_deliver(&u, "acme.okta.com", false, &k.sink);
	is_str(k.display, "Dr. A", "displayName wins when set");
	ok(k.u.email == NULL, "no email: NULL");
	is_str(k.extras,
	       "status=ACTIVE;credential_provider=null;password_changed=null;",
	       "absent credential provider and password change are null");
	cJSON_Delete(j);

	status_case("ACTIVE", true, true);
	status_case("PASSWORD_EXPIRED", true, true);
	status_case("LOCKED_OUT", true, true);
	status_case("RECOVERY", true, true);
	status_case("STAGED", false, true);
	status_case("PROVISIONED", false, true);
	status_case("SUSPENDED", false, false);
	status_case("DEPROVISIONED", false, false);

	bad_user("{\"id\":\"00u3\",\"status\":\"ARCHIVED\",\"created\":"
	         "\"2024-01-02T03:04:05Z\",\"profile\":{\"login\":\"x\"}}",
	         "a status Okta does not document", "not one Okta documents");
	bad_user("{\"status\":\"ACTIVE\",\"created\":\"2024-01-02T03:04:05Z\","
	         "\"profile\":{\"login\":\"x\"}}",
	         "no id", "without an id");
	bad_user("{\"id\":\"00u3\",\"status\":\"ACTIVE\",\"profile\":"
	         "{\"login\":\"x\"}}",
	         "no created", "without created");
	bad_user("{\"id\":\"00u3\",\"status\":\"ACTIVE\",\"created\":"
	         "\"2024-01-02T03:04:05Z\"}",
	         "no profile", "without a profile");
	bad_user("{\"id\":\"00u3\",\"status\":\"ACTIVE\",\"created\":"
	         "\"2024-01-02T03:04:05Z\",\"profile\":{\"email\":\"x\"}}",
	         "no login", "without profile.login");
	bad_user("{\"id\":\"00u3\",\"status\":\"ACTIVE\",\"created\":"
	         "\"2024-01-02T03:04:05Z\",\"lastLogin\":\"yesterday\","
	         "\"profile\":{\"login\":\"x\"}}",
	         "a lastLogin that is not a time", "lastLogin");
	bad_user("{\"id\":\"00u3\",\"status\":\"ACTIVE\",\"created\":"
	         "\"2024-01-02T03:04:05Z\",\"lastLogin\":1700000000,"
	         "\"profile\":{\"login\":\"x\"}}",
	         "a lastLogin that is a number", "lastLogin");
	bad_user("{\"id\":7,\"status\":\"ACTIVE\",\"created\":"
	         "\"2024-01-02T03:04:05Z\",\"profile\":{\"login\":\"x\"}}",
	         "an id that is a number", "id");
	bad_user("{\"id\":\"00u3\",\"status\":\"ACTIVE\",\"created\":"
	         "\"2024-01-02T03:04:05Z\",\"profile\":[]}",
	         "a profile that is not an object", "profile");
	bad_user("[1]", "not an object", "not a User object");
	is_int(k.calls, 3, "each delivered user reached the sink once");
}

static void
test_admins(void)
{
	struct dormant_error err = {{0}};
	struct okta_admins a = {0};
	char *next = NULL;
	cJSON *p1 = cJSON_Parse(
	        "{\"value\":[{\"id\":\"00u9\",\"orn\":\"orn:okta:directory:"
	        "00o1:users:00u9\",\"_links\":{}},{\"id\":\"00u1\"}],"
	        "\"_links\":{\"next\":{\"href\":\"https://acme.okta.com/api/"
	        "v1/iam/assignees/users?after=00u1&limit=100\"}}}");
	cJSON *p2 =
	        cJSON_Parse("{\"value\":[{\"id\":\"00u5\"}],\"_links\":{}}");
	cJSON *bad = cJSON_Parse("{\"value\":[{\"orn\":\"x\"}]}");
	cJSON *bad2 = cJSON_Parse("{\"value\":{\"id\":\"00u5\"}}");

	ok(okta_admins_page(&a, p1, "p1", &next, &err) == DORMANT_OK && next &&
	           strstr(next, "after=00u1"),
	   "first page: two admins and a next link");
	free(next);
	ok(okta_admins_page(&a, p2, "p2", &next, &err) == DORMANT_OK && !next,
	   "last page: no next");
	okta_admins_seal(&a);
	ok(okta_admins_has(&a, "00u9") && okta_admins_has(&a, "00u1") &&
	           okta_admins_has(&a, "00u5"),
	   "every admin found once sealed");
	ok(!okta_admins_has(&a, "00u2") && !okta_admins_has(&a, "00u"),
	   "others are not admins");
	ok(okta_admins_page(&a, bad, "p3", &next, &err) == DORMANT_ERR_PARSE,
	   "an assignee without id refused: %s", err.msg);
	ok(okta_admins_page(&a, bad2, "p4", &next, &err) == DORMANT_ERR_PARSE,
	   "value that is not an array refused: %s", err.msg);
	okta_admins_free(&a);
	ok(!okta_admins_has(&a, "00u9"), "a freed set is empty");
	cJSON_Delete(p1);
	cJSON_Delete(p2);
	cJSON_Delete(bad);
	cJSON_Delete(bad2);
}

int
main(void)
{
	test_link();
	test_users();
	test_admins();
	return tap_done();
}
