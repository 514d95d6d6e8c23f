/* Unit tests of the Directory API users.list page parser (plugins/gcp). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/timeutil.h>

#include "directory_users.h"
#include "tap.h"

#define MAX_USERS 8

/* What the sink saw, copied: the parser's pointers die with the page. */
struct rec {
	char *scope, *id, *name, *email, *display_name;
	int64_t created, last_login, access_granted;
	bool interactive_access, account_enabled, admin;
	size_t n_extras;
	char *extra_key[8], *extra_value[8];
};

struct test_sink {
	struct dormant_sink sink; /* first: the callbacks get this back */
	struct rec users[MAX_USERS];
	size_t n;
	size_t pages;
	int scopes_set;
	char *scope;
	int admins_unknown;
	char *why;
	size_t fail_at; /* user() fails for the user with this index */
};

static char *
dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void
set_scope(struct dormant_sink *sink, const char *scope)
{
	struct test_sink *t = (struct test_sink *)sink;

	t->scopes_set++;
	free(t->scope);
	t->scope = dup(scope);
}

static enum dormant_status
user(struct dormant_sink *sink, const struct dormant_user *u)
{
	struct test_sink *t = (struct test_sink *)sink;
	struct rec *r;

	if (t->n == t->fail_at)
		return DORMANT_ERR_CANCELLED;
	if (t->n >= MAX_USERS)
		return DORMANT_ERR_INTERNAL;
	r = &t->users[t->n++];
	r->scope = dup(u->scope);
	r->id = dup(u->id);
	r->name = dup(u->name);
	r->email = dup(u->email);
	r->display_name = dup(u->display_name);
	r->created = u->created;
	r->last_login = u->last_login;
	r->access_granted = u->access_granted;
	r->interactive_access = u->interactive_access;
	r->account_enabled = u->account_enabled;
	r->admin = u->admin;
	r->n_extras = u->n_extras < 8 ? u->n_extras : 8;
	for (size_t i = 0; i < r->n_extras; i++) {
		r->extra_key[i] = dup(u->extras[i].key);
		r->extra_value[i] = dup(u->extras[i].value);
	}
	return DORMANT_OK;
}

static void
page(struct dormant_sink *sink)
{
	((struct test_sink *)sink)->pages++;
}

static void
admins_unknown(struct dormant_sink *sink, const char *why)
{
	struct test_sink *t = (struct test_sink *)sink;

	t->admins_unknown++;
	free(t->why);
	t->why = dup(why);
}

static void
sink_init(struct test_sink *t)
{
	memset(t, 0, sizeof(*t));
	t->sink.set_scope = set_scope;
	t->sink.user = user;
	t->sink.page = page;
	t->sink.admins_unknown = admins_unknown;
	t->fail_at = SIZE_MAX;
}

static void
sink_free(struct test_sink *t)
{
	for (size_t i = 0; i < t->n; i++) {
		struct rec *r = &t->users[i];
		free(r->scope);
		free(r->id);
		free(r->name);
		free(r->email);
		free(r->display_name);
		for (size_t j = 0; j < r->n_extras; j++) {
			free(r->extra_key[j]);
			free(r->extra_value[j]);
		}
	}
	free(t->scope);
	free(t->why);
	memset(t, 0, sizeof(*t));
}

static const char *
extra(const struct rec *r, const char *key)
{
	for (size_t i = 0; i < r->n_extras; i++) {
		if (strcmp(r->extra_key[i], key) == 0)
			return r->extra_value[i];
	}
	return NULL;
}

static int64_t
t_(const char *s)
{
	int64_t t = DORMANT_TIME_NONE;

	dormant_time_parse_iso8601(s, &t);
	return t;
}

/* Parses one page as a listing of its own into a fresh sink. */
static enum dormant_status
parse(const char *json, const char *scope, struct test_sink *t, char **token,
      struct dormant_error *err)
{
	struct gcp_users_listing ls = {.what = "page.json", .scope = scope};
	enum dormant_status st;

	sink_init(t);
	err->msg[0] = '\0';
	st = gcp_directory_users_page(&ls, json, strlen(json), &t->sink, token,
	                              err);
	gcp_users_listing_free(&ls);
	return st;
}

/* A page that must fail with DORMANT_ERR_PARSE, deliver nobody, and say
 * `needle` in its message. */
static void
fails(const char *json, const char *needle, const char *name)
{
	struct test_sink t;
	struct dormant_error err;
	char *token = NULL;
	enum dormant_status st = parse(json, NULL, &t, &token, &err);

	ok(st == DORMANT_ERR_PARSE && t.n == 0 && t.pages == 0 && !token &&
	           strstr(err.msg, needle),
	   "%s", name);
	if (st != DORMANT_ERR_PARSE || !strstr(err.msg, needle))
		printf("#   status %d, message: %s\n#   wanted: %s\n", (int)st,
		       err.msg, needle);
	free(token);
	sink_free(&t);
}

#define U_HEAD                                                                 \
	"{\"kind\":\"admin#directory#user\",\"id\":\"1\",\"primaryEmail\":"    \
	"\"a@example.com\","
#define U_TIMES                                                                \
	"\"lastLoginTime\":\"2026-01-02T03:04:05.000Z\","                      \
	"\"creationTime\":\"2020-01-01T00:00:00.000Z\","                       \
	"\"isAdmin\":false,\"isDelegatedAdmin\":false,"                        \
	"\"customerId\":\"C0\""
#define PAGE(users) "{\"kind\":\"admin#directory#users\",\"users\":[" users "]}"

static const char three_users[] =
        "{\"kind\":\"admin#directory#users\",\"etag\":\"\\\"e/tag\\\"\","
        "\"users\":["
        "{\"kind\":\"admin#directory#user\",\"id\":\"103401214566173458282\","
        "\"etag\":\"\\\"x\\\"\",\"primaryEmail\":\"liz@example.com\","
        "\"name\":{\"givenName\":\"Liz\",\"familyName\":\"Smith\","
        "\"fullName\":\"Liz Smith\"},\"isAdmin\":true,"
        "\"isDelegatedAdmin\":false,"
        "\"lastLoginTime\":\"2026-11-02T10:30:03.325Z\","
        "\"creationTime\":\"2010-04-05T17:30:04.000Z\",\"agreedToTerms\":true,"
        "\"suspended\":false,\"archived\":false,"
        "\"changePasswordAtNextLogin\":false,\"ipWhitelisted\":false,"
        "\"emails\":[{\"address\":\"liz@example.com\",\"primary\":true}],"
        "\"customerId\":\"C03az79cb\",\"orgUnitPath\":\"/corp/engineering\","
        "\"isMailboxSetup\":true,\"isEnrolledIn2Sv\":true,"
        "\"isEnforcedIn2Sv\":false,\"includeInGlobalAddressList\":true},"
        "{\"kind\":\"admin#directory#user\",\"id\":\"117000000000000000001\","
        "\"primaryEmail\":\"new.hire@example.com\","
        "\"name\":{\"givenName\":\"New\",\"familyName\":\"Hire\","
        "\"fullName\":\"New Hire\"},\"isAdmin\":false,"
        "\"isDelegatedAdmin\":true,"
        "\"lastLoginTime\":\"1970-01-01T00:00:00.000Z\","
        "\"creationTime\":\"2026-11-23T15:30:00.000Z\","
        "\"suspended\":false,\"archived\":false,"
        "\"changePasswordAtNextLogin\":true,"
        "\"customerId\":\"C03az79cb\",\"orgUnitPath\":\"/\","
        "\"isEnrolledIn2Sv\":false,\"isEnforcedIn2Sv\":false},"
        "{\"kind\":\"admin#directory#user\",\"id\":\"117000000000000000002\","
        "\"primaryEmail\":\"gone@example.com\",\"isAdmin\":false,"
        "\"isDelegatedAdmin\":false,"
        "\"lastLoginTime\":\"2025-01-10T10:10:10.999+01:00\","
        "\"creationTime\":\"2019-11-04T09:00:00Z\","
        "\"suspended\":true,\"suspensionReason\":\"ADMIN\",\"archived\":false,"
        "\"customerId\":\"C03az79cb\"}"
        "],\"nextPageToken\":\"Q0FFU0FSZ0E\"}";

static void
test_fields(void)
{
	struct test_sink t;
	struct dormant_error err;
	char *token = NULL;
	const struct rec *r;

	ok(parse(three_users, NULL, &t, &token, &err) == DORMANT_OK,
	   "three users: parsed (%s)", err.msg);
	is_int(t.n, 3, "three users delivered");
	is_int(t.pages, 1, "page() called once");
	is_int(t.scopes_set, 1, "set_scope called once");
	is_str(t.scope, "C03az79cb", "scope is the customerId");
	is_int(t.admins_unknown, 0, "admins known");
	is_str(token, "Q0FFU0FSZ0E", "nextPageToken returned");
	if (t.n != 3)
		goto out;

	r = &t.users[0];
	is_str(r->scope, "C03az79cb", "liz: scope");
	is_str(r->id, "103401214566173458282", "liz: id");
	is_str(r->name, "liz@example.com", "liz: name is primaryEmail");
	is_str(r->email, "liz@example.com", "liz: email");
	is_str(r->display_name, "Liz Smith", "liz: display name is fullName");
	is_int(r->created, t_("2010-04-05T17:30:04Z"), "liz: created");
	is_int(r->last_login, t_("2026-11-02T10:30:03Z"),
	       "liz: last login, fraction dropped");
	ok(r->access_granted == DORMANT_TIME_NONE, "liz: access_granted NONE");
	ok(r->interactive_access, "liz: interactive access");
	ok(r->account_enabled, "liz: enabled");
	ok(r->admin, "liz: isAdmin makes an admin");
	is_str(extra(r, "isEnrolledIn2Sv"), "true", "liz: extra 2SV enrolled");
	is_str(extra(r, "isEnforcedIn2Sv"), "false", "liz: extra 2SV enforced");
	is_str(extra(r, "isAdmin"), "true", "liz: extra isAdmin");
	is_str(extra(r, "isDelegatedAdmin"), "false",
	       "liz: extra isDelegatedAdmin");
	is_str(extra(r, "orgUnitPath"), "/corp/engineering",
	       "liz: extra orgUnitPath");

	r = &t.users[1];
	ok(r->last_login == DORMANT_TIME_NONE,
	   "new hire: 1970-01-01T00:00:00.000Z is never");
	is_int(r->created, t_("2026-11-23T15:30:00Z"), "new hire: created");
	ok(r->admin, "new hire: isDelegatedAdmin makes an admin");
	ok(r->account_enabled, "new hire: enabled");

	r = &t.users[2];
	ok(!r->account_enabled, "suspended: not enabled");
	ok(r->interactive_access, "suspended: still a sign-in account");
	ok(!r->admin, "suspended: not an admin");
	ok(r->display_name == NULL, "no name: display name NULL");
	is_int(r->last_login, t_("2025-01-10T09:10:10Z"),
	       "offset and fraction: UTC, floored");
	is_int(r->created, t_("2019-11-04T09:00:00Z"), "no fraction: created");
	is_str(extra(r, "isEnrolledIn2Sv"), "null",
	       "absent isEnrolledIn2Sv: null");
	is_str(extra(r, "orgUnitPath"), "null", "absent orgUnitPath: null");
out:
	free(token);
	sink_free(&t);
}

static void
test_pages(void)
{
	struct test_sink t;
	struct dormant_error err;
	char *token = (char *)"x";
	enum dormant_status st;

	/* Directory API: "users" is absent when a page has no users. */
	st = parse(
	        "{\"kind\":\"admin#directory#users\",\"etag\":\"\\\"e\\\"\"}",
	        NULL, &t, &token, &err);
	ok(st == DORMANT_OK && t.n == 0 && t.pages == 1 && !token &&
	           t.scopes_set == 0,
	   "no users member: an empty page, last (%s)", err.msg);
	sink_free(&t);

	st = parse("{\"users\":[],\"nextPageToken\":\"\"}", NULL, &t, &token,
	           &err);
	ok(st == DORMANT_OK && t.n == 0 && !token,
	   "empty users, empty token: last page");
	sink_free(&t);

	st = parse("{\"users\":null}", NULL, &t, NULL, &err);
	ok(st == DORMANT_OK && t.n == 0, "users null, no token wanted");
	sink_free(&t);

	/* A fixed scope (the configured domain) wins over customerId, and a
	 * user without customerId is fine then. */
	st = parse(PAGE(U_HEAD "\"lastLoginTime\":\"2026-01-02T03:04:05Z\","
	                       "\"creationTime\":\"2020-01-01T00:00:00Z\","
	                       "\"isAdmin\":false,\"isDelegatedAdmin\":false}"),
	           "example.com", &t, &token, &err);
	ok(st == DORMANT_OK && t.n == 1, "fixed scope: parsed (%s)", err.msg);
	is_str(t.scope, "example.com", "fixed scope: set_scope");
	if (t.n == 1)
		is_str(t.users[0].scope, "example.com", "fixed scope: user");
	sink_free(&t);

	/* No isAdmin: core must be told that admins are unknown. */
	st = parse(PAGE(U_HEAD "\"lastLoginTime\":\"2026-01-02T03:04:05Z\","
	                       "\"creationTime\":\"2020-01-01T00:00:00Z\","
	                       "\"customerId\":\"C0\"}"),
	           NULL, &t, NULL, &err);
	ok(st == DORMANT_OK && t.n == 1 && t.admins_unknown == 1 && t.why &&
	           strstr(t.why, "users[0]"),
	   "no isAdmin: admins_unknown (%s)", t.why ? t.why : "");
	if (t.n == 1)
		is_str(extra(&t.users[0], "isAdmin"), "null",
		       "no isAdmin: extra null");
	sink_free(&t);
}

static void
test_listing(void)
{
	struct gcp_users_listing ls = {.what = "page 1"};
	struct test_sink t;
	struct dormant_error err;
	char *token = NULL;
	enum dormant_status st;
	const char *p1 = "{\"users\":[" U_HEAD U_TIMES "}],"
	                 "\"nextPageToken\":\"abc\"}";
	const char *p2 = "{\"users\":[" U_HEAD U_TIMES "},{\"id\":\"2\"}]}";
	const char *p3 = "{\"users\":[" U_HEAD "\"lastLoginTime\":"
	                 "\"2026-01-02T03:04:05Z\",\"creationTime\":"
	                 "\"2020-01-01T00:00:00Z\",\"customerId\":\"C1\"}]}";

	sink_init(&t);
	st = gcp_directory_users_page(&ls, p1, strlen(p1), &t.sink, &token,
	                              &err);
	ok(st == DORMANT_OK && t.n == 1 && token && !strcmp(token, "abc"),
	   "listing: page 1");
	free(token);
	ls.what = "page 2";
	st = gcp_directory_users_page(&ls, p2, strlen(p2), &t.sink, &token,
	                              &err);
	ok(st == DORMANT_ERR_PARSE && t.n == 1 && t.pages == 1 && !token,
	   "listing: a bad page delivers nobody");
	ok(strstr(err.msg, "page 2: users[2] (id 2): no \"primaryEmail\"") !=
	           NULL,
	   "listing: index counts from the first page (%s)", err.msg);
	st = gcp_directory_users_page(&ls, p3, strlen(p3), NULL, NULL, &err);
	ok(st == DORMANT_ERR_PARSE && strstr(err.msg, "customerId \"C1\""),
	   "listing: another customer refused (%s)", err.msg);
	is_int(t.scopes_set, 1, "listing: scope set once");
	gcp_users_listing_free(&ls);
	sink_free(&t);

	/* sink NULL: checks only. */
	ls = (struct gcp_users_listing){.what = "check"};
	st = gcp_directory_users_page(&ls, three_users, strlen(three_users),
	                              NULL, &token, &err);
	ok(st == DORMANT_OK && ls.users == 3 && ls.pages == 1 && token,
	   "no sink: checked, counted");
	free(token);
	gcp_users_listing_free(&ls);

	/* The sink stops the run: that status comes back as is. */
	sink_init(&t);
	t.fail_at = 1;
	ls = (struct gcp_users_listing){.what = "stop"};
	st = gcp_directory_users_page(&ls, three_users, strlen(three_users),
	                              &t.sink, &token, &err);
	ok(st == DORMANT_ERR_CANCELLED && t.n == 1 && t.pages == 0 && !token,
	   "sink error: stops and is returned");
	gcp_users_listing_free(&ls);
	sink_free(&t);
}

static void
test_errors(void)
{
	char big[4096], *huge;
	size_t hlen = 2u << 20;

	fails("", "invalid JSON", "empty input");
	fails("{\"users\":[", "invalid JSON", "truncated JSON");
	fails("{\"users\":[{\"id\":\"1\",\"primaryEmail\":\"a@b",
	      "invalid JSON", "truncated in a string");
	fails("{\"users\":[]}}", "unexpected data", "trailing garbage");
	fails("{\"users\":[{\"id\":1}]}", "users[0]: \"id\" is not a string",
	      "id a number");
	fails("[1]", "not a users.list answer", "array where a page is due");
	fails("\"users\"", "not a users.list answer", "a string");
	fails("{\"users\":{}}", "\"users\" is not an array", "users an object");
	fails("{\"users\":[42]}", "users[0]: not a JSON object",
	      "user a number");
	fails("{\"kind\":\"admin#directory#groups\",\"users\":[]}",
	      "\"kind\" is \"admin#directory#groups\"", "wrong page kind");
	fails("{\"kind\":7}", "\"kind\" is not a string", "kind a number");
	fails("{\"nextPageToken\":5}", "\"nextPageToken\" is not a string",
	      "token a number");
	fails(PAGE("{\"kind\":\"admin#directory#group\",\"id\":\"1\"}"),
	      "users[0] (id 1): \"kind\" is \"admin#directory#group\"",
	      "wrong user kind");
	fails(PAGE("{\"primaryEmail\":\"a@example.com\"," U_TIMES "}"),
	      "users[0]: no \"id\"", "missing id");
	fails(PAGE("{\"id\":\"\",\"primaryEmail\":\"a@example.com\"," U_TIMES
	           "}"),
	      "\"id\" is not a numeric user id", "empty id");
	fails(PAGE("{\"id\":\"12/../"
	           "34\",\"primaryEmail\":\"a@example.com\"," U_TIMES "}"),
	      "page.json: users[0]: \"id\" is not a numeric user id",
	      "id not numeric, and not echoed");
	fails(PAGE(U_HEAD "\"lastLoginTime\":\"2026-01-02T03:04:05Z\","
	                  "\"creationTime\":\"2020-01-01T00:00:00Z\","
	                  "\"customerId\":\"C0 \\u001b[31m\"}"),
	      "\"customerId\" is not an id", "customerId with an escape");
	fails(PAGE("{\"id\":\"1\"," U_TIMES "}"),
	      "users[0] (id 1): no \"primaryEmail\"", "missing primaryEmail");
	fails(PAGE("{\"id\":\"1\",\"primaryEmail\":null," U_TIMES "}"),
	      "no \"primaryEmail\"", "primaryEmail null");
	fails(PAGE("{\"id\":\"1\",\"primaryEmail\":\"nobody\"," U_TIMES "}"),
	      "\"primaryEmail\" is not an address", "primaryEmail without @");
	fails(PAGE("{\"id\":\"1\",\"primaryEmail\":\"a @b.com\"," U_TIMES "}"),
	      "\"primaryEmail\" is not an address", "primaryEmail with space");
	fails(PAGE("{\"id\":\"1\",\"primaryEmail\":[]," U_TIMES "}"),
	      "\"primaryEmail\" is not a string", "primaryEmail an array");
	fails(PAGE(U_HEAD "\"name\":\"Liz\"," U_TIMES "}"),
	      "\"name\" is not an object", "name a string");
	fails(PAGE(U_HEAD "\"name\":{\"fullName\":3}," U_TIMES "}"),
	      "name: \"fullName\" is not a string", "fullName a number");
	fails(PAGE(U_HEAD "\"lastLoginTime\":\"2026-01-02T03:04:05Z\","
	                  "\"creationTime\":\"2020-01-01T00:00:00Z\","
	                  "\"isAdmin\":\"true\",\"customerId\":\"C0\"}"),
	      "\"isAdmin\" is not a boolean", "isAdmin a string");
	fails(PAGE(U_HEAD U_TIMES ",\"isAdmin\":true}"),
	      "page.json: member \"isAdmin\" appears twice in one object",
	      "isAdmin twice: refused, not first-wins");
	fails(PAGE(U_HEAD U_TIMES ",\"name\":{\"fullName\":\"A\","
	                          "\"fullName\":\"B\"}}"),
	      "member \"fullName\" appears twice", "fullName twice");
	fails("{\"users\":[],\"users\":[" U_HEAD U_TIMES "}]}",
	      "page.json: member \"users\" appears twice", "users twice");
	fails(PAGE(U_HEAD U_TIMES ",\"suspended\":1}"),
	      "\"suspended\" is not a boolean", "suspended a number");
	fails(PAGE(U_HEAD U_TIMES ",\"archived\":\"false\"}"),
	      "\"archived\" is not a boolean", "archived a string");
	fails(PAGE(U_HEAD U_TIMES ",\"orgUnitPath\":false}"),
	      "\"orgUnitPath\" is not a string", "orgUnitPath a boolean");
	fails(PAGE(U_HEAD "\"lastLoginTime\":\"yesterday\","
	                  "\"creationTime\":\"2020-01-01T00:00:00Z\"}"),
	      "users[0] (id 1): \"lastLoginTime\" is not a time",
	      "lastLoginTime not a time");
	fails(PAGE(U_HEAD "\"lastLoginTime\":\"2026-02-30T00:00:00Z\","
	                  "\"creationTime\":\"2020-01-01T00:00:00Z\"}"),
	      "\"lastLoginTime\" is not a time", "February 30");
	fails(PAGE(U_HEAD "\"lastLoginTime\":1767323045,"
	                  "\"creationTime\":\"2020-01-01T00:00:00Z\"}"),
	      "\"lastLoginTime\" is not a string", "lastLoginTime a number");
	fails(PAGE(U_HEAD "\"creationTime\":\"2020-01-01T00:00:00Z\"}"),
	      "no \"lastLoginTime\"", "missing lastLoginTime is not never");
	fails(PAGE(U_HEAD "\"lastLoginTime\":null,"
	                  "\"creationTime\":\"2020-01-01T00:00:00Z\"}"),
	      "no \"lastLoginTime\"", "null lastLoginTime is not never");
	fails(PAGE(U_HEAD "\"lastLoginTime\":\"2026-01-02T03:04:05Z\"}"),
	      "no \"creationTime\"", "missing creationTime");
	fails(PAGE(U_HEAD "\"lastLoginTime\":\"2026-01-02T03:04:05Z\","
	                  "\"creationTime\":\"2020-01-01T00:00:00Z\"}"),
	      "no \"customerId\"", "no customerId and no domain");
	fails(PAGE(U_HEAD U_TIMES "}," U_HEAD U_TIMES "},"
	                          "{\"id\":\"3\"}"),
	      "users[2] (id 3): no \"primaryEmail\"",
	      "third user bad: nobody delivered");
	fails(PAGE(U_HEAD U_TIMES "},{\"id\":\"2\",\"primaryEmail\":"
	                          "\"b@example.com\",\"lastLoginTime\":"
	                          "\"2026-01-02T03:04:05Z\",\"creationTime\":"
	                          "\"2020-01-01T00:00:00Z\",\"customerId\":"
	                          "\"C9\"}"),
	      "customerId \"C9\" differs from \"C0\"", "two customers");

	fails("{\"users\":[{\"id\":\"1\",\"primaryEmail\":\"\xc3\x28@x\"}]}",
	      "not valid UTF-8", "invalid UTF-8");
	fails("{\"users\":[{\"id\":\"1\",\"primaryEmail\":\"\xed\xa0\x80@x\"}]"
	      "}",
	      "not valid UTF-8", "UTF-8 surrogate");
	fails("{\"users\":[{\"id\":\"1\\u0000 2\"}]}", "\\u0000",
	      "\\u0000 would cut the id");
	fails("{\"users\":[{\"id\":\"\\ud800\"}]}", "invalid JSON",
	      "lone surrogate escape");

	/* Huge strings: past each cap, an error naming the field. */
	memset(big, '7', 100);
	big[100] = '\0';
	{
		char page_[sizeof(big) + 512];
		snprintf(page_, sizeof(page_),
		         PAGE("{\"id\":\"%s\",\"primaryEmail\":\"a@b."
		              "c\"," U_TIMES "}"),
		         big);
		fails(page_, "\"id\" is longer than 64 bytes",
		      "id of 100 digits");
	}
	huge = malloc(hlen + 1024);
	if (huge) {
		size_t off;
		off = (size_t)snprintf(huge, 1024, "%s",
		                       "{\"users\":[" U_HEAD U_TIMES
		                       ",\"name\":{\"fullName\":\"");
		memset(huge + off, 'x', hlen);
		off += hlen;
		memcpy(huge + off, "\"}}]}", 6);
		fails(huge, "name: \"fullName\" is longer than 1024 bytes",
		      "2 MiB fullName");
		off = (size_t)snprintf(huge, 1024, "%s",
		                       "{\"users\":[" U_HEAD U_TIMES
		                       ",\"orgUnitPath\":\"/");
		memset(huge + off, 'o', hlen);
		off += hlen;
		memcpy(huge + off, "\"}]}", 5);
		fails(huge, "\"orgUnitPath\" is longer than 4096 bytes",
		      "2 MiB orgUnitPath");
		off = (size_t)snprintf(huge, 1024, "%s",
		                       "{\"nextPageToken\":\"");
		memset(huge + off, 't', hlen);
		off += hlen;
		memcpy(huge + off, "\"}", 3);
		fails(huge, "\"nextPageToken\" is longer than 4096 bytes",
		      "2 MiB page token");
		free(huge);
	}
	/* Deep nesting is refused before cJSON recurses. */
	memset(big, '[', 1000);
	big[1000] = '\0';
	fails(big, "nested too deeply", "1000 nested arrays");
}

int
main(void)
{
	test_fields();
	test_pages();
	test_listing();
	test_errors();
	return tap_done();
}
