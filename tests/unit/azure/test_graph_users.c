/* dormant: tests of the Microsoft Graph page parsers (users, directory
 * roles) and of the offline azure provider over examples/azure. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <dormant/buf.h>
#include <dormant/plugin.h>
#include <dormant/timeutil.h>

#include "fake_host.h"
#include "graph_roles.h"
#include "graph_users.h"
#include "tap.h"

extern const struct dormant_provider azure_LTX_dormant_provider;

/* ---- a sink that keeps copies of what it is given ---- */

struct rec_user {
	char *id, *name, *email, *display_name, *scope, *extras;
	int64_t created, last_login, access_granted;
	bool interactive_access, account_enabled, admin;
};

struct rec {
	struct dormant_sink sink; /* first: the callbacks get it back */
	struct rec_user *users;
	size_t n, cap;
	size_t pages;
	size_t stop_after; /* 0: never; else fail the n-th user */
	char scope[256];
	char admins_unknown[DORMANT_ERROR_MAX];
};

static char *
dup_or_null(const char *s)
{
	char *p;

	if (!s)
		return NULL;
	p = strdup(s);
	if (!p)
		abort();
	return p;
}

static enum dormant_status
rec_user(struct dormant_sink *sink, const struct dormant_user *u)
{
	struct rec *r = (struct rec *)sink;
	struct dormant_buf b;
	struct rec_user *ru;

	if (r->stop_after && r->n + 1 == r->stop_after)
		return DORMANT_ERR_CANCELLED;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->users = realloc(r->users, r->cap * sizeof(*r->users));
		if (!r->users)
			abort();
	}
	ru = &r->users[r->n++];
	ru->id = dup_or_null(u->id);
	ru->name = dup_or_null(u->name);
	ru->email = dup_or_null(u->email);
	ru->display_name = dup_or_null(u->display_name);
	ru->scope = dup_or_null(u->scope);
	ru->created = u->created;
	ru->last_login = u->last_login;
	ru->access_granted = u->access_granted;
	ru->interactive_access = u->interactive_access;
	ru->account_enabled = u->account_enabled;
	ru->admin = u->admin;
	dormant_buf_init(&b, 0);
	for (size_t i = 0; i < u->n_extras; i++)
		if (dormant_buf_appendf(&b, "%s%s=%s", i ? " " : "",
		                        u->extras[i].key,
		                        u->extras[i].value) != DORMANT_OK)
			abort();
	ru->extras = b.data ? dormant_buf_steal(&b) : dup_or_null("");
	dormant_buf_free(&b);
	return DORMANT_OK;
}

static void
rec_page(struct dormant_sink *sink)
{
	((struct rec *)sink)->pages++;
}

static void
rec_set_scope(struct dormant_sink *sink, const char *scope)
{
	snprintf(((struct rec *)sink)->scope,
	         sizeof(((struct rec *)sink)->scope), "%s", scope);
}

static void
rec_admins_unknown(struct dormant_sink *sink, const char *why)
{
	snprintf(((struct rec *)sink)->admins_unknown,
	         sizeof(((struct rec *)sink)->admins_unknown), "%s", why);
}

static void
rec_init(struct rec *r)
{
	memset(r, 0, sizeof(*r));
	r->sink.user = rec_user;
	r->sink.page = rec_page;
	r->sink.set_scope = rec_set_scope;
	r->sink.admins_unknown = rec_admins_unknown;
}

static void
rec_free(struct rec *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct rec_user *u = &r->users[i];
		free(u->id);
		free(u->name);
		free(u->email);
		free(u->display_name);
		free(u->scope);
		free(u->extras);
	}
	free(r->users);
	rec_init(r);
}

static const struct rec_user *
find(const struct rec *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->users[i].name, name) == 0)
			return &r->users[i];
	return NULL;
}

static int64_t
T(const char *s)
{
	int64_t t = DORMANT_TIME_NONE;

	if (!dormant_time_parse_iso8601(s, &t))
		abort();
	return t;
}

/* Parses one page string into r; returns the status, *next the link. */
static enum dormant_status
parse(const char *json, struct rec *r, const struct azure_admins *admins,
      char **next, struct dormant_error *err)
{
	struct azure_users_stream s = {
	        .what = "page.json", .scope = "tenant-1", .admins = admins};
	char *link = NULL;
	enum dormant_status st;

	err->msg[0] = '\0';
	st = azure_users_parse_page(json, strlen(json), &s, &r->sink, &link,
	                            err);
	if (next)
		*next = link;
	else
		free(link);
	return st;
}

#define CTX                                                                    \
	"\"@odata.context\":\"https://graph.microsoft.com/v1.0/"               \
	"$metadata#users(id,userPrincipalName,mail,displayName,"               \
	"accountEnabled,createdDateTime,userType,signInActivity)\""

/* A user with the given signInActivity (a JSON value, or NULL to leave the
 * member out). */
static char *
page_with(const char *sia)
{
	struct dormant_buf b;

	dormant_buf_init(&b, 0);
	if (dormant_buf_appendf(
	            &b,
	            "{" CTX ",\"value\":[{\"id\":\"u1\",\"userPrincipalName\":"
	            "\"a@x\",\"accountEnabled\":true,\"createdDateTime\":"
	            "\"2020-01-01T00:00:00Z\",\"userType\":\"Member\"%s%s}]}",
	            sia ? ",\"signInActivity\":" : "",
	            sia ? sia : "") != DORMANT_OK)
		abort();
	return dormant_buf_steal(&b);
}

/* last_login that the users parser reports for one signInActivity. */
static int64_t
last_login_for(const char *sia)
{
	struct rec r;
	struct dormant_error err;
	char *json = page_with(sia);
	int64_t t = INT64_MAX;

	rec_init(&r);
	if (parse(json, &r, NULL, NULL, &err) == DORMANT_OK && r.n == 1)
		t = r.users[0].last_login;
	else
		printf("# %s\n", err.msg);
	rec_free(&r);
	free(json);
	return t;
}

static void
test_fields(void)
{
	static const char json[] =
	        "{" CTX ",\"value\":["
	        "{\"id\":\"11111111-aaaa-4bbb-8ccc-000000000001\","
	        "\"accountEnabled\":true,\"createdDateTime\":"
	        "\"2021-03-04T10:12:45Z\",\"displayName\":\"Adele Vance\","
	        "\"mail\":\"AdeleV@contoso.com\",\"userPrincipalName\":"
	        "\"AdeleV@contoso.com\",\"userType\":\"Member\","
	        "\"signInActivity\":{\"lastSignInDateTime\":"
	        "\"2026-11-27T08:14:22Z\",\"lastSignInRequestId\":\"r1\","
	        "\"lastNonInteractiveSignInDateTime\":\"2026-11-28T07:02:11Z\","
	        "\"lastNonInteractiveSignInRequestId\":\"r2\","
	        "\"lastSuccessfulSignInDateTime\":\"2026-11-20T01:02:03Z\","
	        "\"lastSuccessfulSignInRequestId\":\"r3\"}},"
	        "{\"id\":\"11111111-aaaa-4bbb-8ccc-000000000002\","
	        "\"accountEnabled\":false,\"createdDateTime\":null,"
	        "\"displayName\":null,\"mail\":null,\"userPrincipalName\":"
	        "\"jo_fabrikam.com#EXT#@contoso.onmicrosoft.com\","
	        "\"userType\":\"Guest\",\"signInActivity\":null},"
	        "{\"id\":\"11111111-aaaa-4bbb-8ccc-000000000003\","
	        "\"accountEnabled\":true,\"userPrincipalName\":\"old@contoso."
	        "com\","
	        "\"userType\":null,\"businessPhones\":[],\"extra\":{\"x\":1}}"
	        "],\"@odata.nextLink\":\"https://graph.microsoft.com/v1.0/"
	        "users?$skiptoken=X%27abc%27\"}";
	struct azure_admins admins;
	struct dormant_error err;
	struct rec r;
	char *next = NULL;
	const struct rec_user *u;

	azure_admins_init(&admins);
	azure_admins_add(&admins, "11111111-AAAA-4bbb-8ccc-000000000002", &err);
	azure_admins_finish(&admins);
	rec_init(&r);
	is_int(parse(json, &r, &admins, &next, &err), DORMANT_OK,
	       "a page of three users parses");
	is_int(r.n, 3, "three users streamed");
	is_int(r.pages, 1, "page() called once");
	is_str(next,
	       "https://graph.microsoft.com/v1.0/users?$skiptoken=X%27abc%27",
	       "@odata.nextLink returned");
	u = &r.users[0];
	is_str(u->id, "11111111-aaaa-4bbb-8ccc-000000000001", "id");
	is_str(u->name, "AdeleV@contoso.com", "name is userPrincipalName");
	is_str(u->email, "AdeleV@contoso.com", "email is mail");
	is_str(u->display_name, "Adele Vance", "display_name");
	is_str(u->scope, "tenant-1", "scope is the stream's");
	is_int(u->created, T("2021-03-04T10:12:45Z"), "created");
	is_int(u->last_login, T("2026-11-20T01:02:03Z"),
	       "last_login is lastSuccessfulSignInDateTime when present");
	is_int(u->access_granted, DORMANT_TIME_NONE, "access_granted unknown");
	ok(u->interactive_access && u->account_enabled && !u->admin,
	   "interactive, enabled, not admin");
	is_str(u->extras,
	       "userType=Member guest=false "
	       "lastSignInDateTime=2026-11-27T08:14:22Z "
	       "lastNonInteractiveSignInDateTime=2026-11-28T07:02:11Z "
	       "lastSuccessfulSignInDateTime=2026-11-20T01:02:03Z",
	       "extras carry userType, guest and the raw times");
	u = &r.users[1];
	ok(!u->account_enabled, "accountEnabled false");
	ok(u->admin, "admin when in the role set (case-insensitive id)");
	is_int(u->created, DORMANT_TIME_NONE, "createdDateTime null -> NONE");
	is_int(u->last_login, DORMANT_TIME_NONE, "signInActivity null: never");
	ok(u->email == NULL && u->display_name == NULL, "null mail, name");
	is_str(u->extras,
	       "userType=Guest guest=true lastSignInDateTime=null "
	       "lastNonInteractiveSignInDateTime=null "
	       "lastSuccessfulSignInDateTime=null",
	       "guest extras, null times");
	u = &r.users[2];
	is_int(u->last_login, DORMANT_TIME_NONE,
	       "signInActivity absent: never");
	is_int(u->created, DORMANT_TIME_NONE, "createdDateTime absent: NONE");
	ok(strstr(u->extras, "userType=null guest=false") != NULL,
	   "null userType is a member");
	free(next);
	rec_free(&r);
	azure_admins_free(&admins);
}

static void
test_sign_in_combinations(void)
{
	is_int(last_login_for(
	               "{\"lastSignInDateTime\":\"2026-11-25T03:12:44Z\","
	               "\"lastNonInteractiveSignInDateTime\":null,"
	               "\"lastSuccessfulSignInDateTime\":"
	               "\"2025-06-10T09:30:00Z\"}"),
	       T("2025-06-10T09:30:00Z"),
	       "password spray: an old success beats a recent attempt");
	is_int(last_login_for(
	               "{\"lastSignInDateTime\":\"2025-12-01T09:15:00Z\","
	               "\"lastNonInteractiveSignInDateTime\":"
	               "\"2026-11-27T23:10:05.4418213Z\","
	               "\"lastSuccessfulSignInDateTime\":null}"),
	       T("2026-11-27T23:10:05Z"),
	       "no success: the later is the non-interactive one");
	is_int(last_login_for(
	               "{\"lastSignInDateTime\":\"2026-11-01T10:00:00Z\","
	               "\"lastNonInteractiveSignInDateTime\":"
	               "\"2026-01-01T00:00:00Z\"}"),
	       T("2026-11-01T10:00:00Z"),
	       "no success: the later is the interactive one");
	is_int(last_login_for(
	               "{\"lastSignInDateTime\":\"2026-01-05T14:00:00Z\","
	               "\"lastNonInteractiveSignInDateTime\":"
	               "\"0001-01-01T00:00:00Z\","
	               "\"lastNonInteractiveSignInRequestId\":\"\"}"),
	       T("2026-01-05T14:00:00Z"), "0001-01-01T00:00:00Z means never");
	is_int(last_login_for(
	               "{\"lastSignInDateTime\":\"0001-01-01T00:00:00Z\","
	               "\"lastNonInteractiveSignInDateTime\":"
	               "\"0001-01-01T00:00:00Z\"}"),
	       DORMANT_TIME_NONE, "only sentinels: never");
	is_int(last_login_for("{\"lastSignInDateTime\":null,"
	                      "\"lastNonInteractiveSignInDateTime\":null,"
	                      "\"lastSuccessfulSignInDateTime\":null}"),
	       DORMANT_TIME_NONE, "all null: never");
	is_int(last_login_for("{}"), DORMANT_TIME_NONE, "empty object: never");
	is_int(last_login_for("null"), DORMANT_TIME_NONE, "null: never");
	is_int(last_login_for(NULL), DORMANT_TIME_NONE, "absent: never");
	is_int(last_login_for("{\"lastSuccessfulSignInDateTime\":"
	                      "\"2026-08-30T11:59:59.9999999Z\"}"),
	       T("2026-08-30T11:59:59Z"), "fractional seconds are dropped");
	is_int(last_login_for("{\"lastSuccessfulSignInDateTime\":"
	                      "\"2026-08-30T12:00:00.5+00:00\"}"),
	       T("2026-08-30T12:00:00Z"), "fraction with numeric offset");
	is_int(last_login_for("{\"lastNonInteractiveSignInDateTime\":"
	                      "\"2026-11-28T09:00:00Z\"}"),
	       T("2026-11-28T09:00:00Z"), "only non-interactive");
}

/* A parse that must fail with `want` and a message holding `needle`. */
static void
fails(const char *json, size_t len, enum dormant_status want,
      const char *needle, const char *name)
{
	struct azure_users_stream s = {.what = "page.json", .scope = "t"};
	struct dormant_error err;
	struct rec r;
	char *next = (char *)"untouched";
	enum dormant_status st;

	rec_init(&r);
	err.msg[0] = '\0';
	st = azure_users_parse_page(json, len, &s, &r.sink, &next, &err);
	is_int(st, want, "%s: status", name);
	ok(next == NULL, "%s: no next link on failure", name);
	if (!ok(strstr(err.msg, needle) != NULL, "%s: message names %s", name,
	        needle))
		printf("#   message: %s\n", err.msg);
	rec_free(&r);
}

#define FAILS(json, want, needle, name)                                        \
	fails(json, strlen(json), want, needle, name)

#define USER_OK                                                                \
	"{\"id\":\"u0\",\"userPrincipalName\":\"a@x\",\"accountEnabled\":"     \
	"true}"

static void
test_errors(void)
{
	char *huge;
	size_t n = 5000;

	FAILS("", DORMANT_ERR_PARSE, "page.json", "empty input");
	FAILS("{\"value\":[", DORMANT_ERR_PARSE, "invalid JSON",
	      "truncated JSON");
	FAILS("{\"value\":[" USER_OK ",{\"id\":\"u1\",\"userPrincipalName\":"
	      "\"b@x\",\"accountEnabled\":tru",
	      DORMANT_ERR_PARSE, "invalid JSON", "truncated inside a user");
	FAILS("{\"value\":[]} x", DORMANT_ERR_PARSE, "after JSON",
	      "trailing garbage");
	FAILS("[]", DORMANT_ERR_PARSE, "not a JSON object", "root array");
	FAILS("{\"value\":{}}", DORMANT_ERR_PARSE, "\"value\"",
	      "value not an array");
	FAILS("{}", DORMANT_ERR_PARSE, "\"value\"", "no value");
	FAILS("{\"error\":{\"code\":\"Authentication_RequestFromNonPremium"
	      "TenantOrB2CTenant\",\"message\":\"Neither tenant is B2C or "
	      "tenant doesn't have premium license\"}}",
	      DORMANT_ERR_PARSE, "RequestFromNonPremium", "Graph error answer");
	FAILS("{\"value\":[" USER_OK ",{\"userPrincipalName\":\"b@x\","
	      "\"accountEnabled\":true}]}",
	      DORMANT_ERR_PARSE, "value[1]: \"id\" is missing", "missing id");
	FAILS("{\"value\":[{\"id\":\"\",\"userPrincipalName\":\"b@x\","
	      "\"accountEnabled\":true}]}",
	      DORMANT_ERR_PARSE, "\"id\" is empty", "empty id");
	FAILS("{\"value\":[{\"id\":42,\"userPrincipalName\":\"b@x\","
	      "\"accountEnabled\":true}]}",
	      DORMANT_ERR_PARSE, "\"id\" is not a string", "numeric id");
	FAILS("{\"value\":[{\"id\":\"u9\",\"accountEnabled\":true}]}",
	      DORMANT_ERR_PARSE, "(id u9): \"userPrincipalName\" is missing",
	      "missing UPN");
	FAILS("{\"value\":[{\"id\":\"u9\",\"userPrincipalName\":\"b@x\"}]}",
	      DORMANT_ERR_PARSE, "$select must include accountEnabled",
	      "missing accountEnabled");
	FAILS("{\"value\":[{\"id\":\"u9\",\"userPrincipalName\":\"b@x\","
	      "\"accountEnabled\":null}]}",
	      DORMANT_ERR_PARSE, "accountEnabled", "null accountEnabled");
	FAILS("{\"value\":[{\"id\":\"u9\",\"userPrincipalName\":\"b@x\","
	      "\"accountEnabled\":\"true\"}]}",
	      DORMANT_ERR_PARSE, "\"accountEnabled\" is not a boolean",
	      "string accountEnabled");
	FAILS("{\"value\":[" USER_OK ",{\"id\":\"u1\",\"userPrincipalName\":"
	      "\"b@x\",\"accountEnabled\":true,\"createdDateTime\":"
	      "\"yesterday\"}]}",
	      DORMANT_ERR_PARSE,
	      "page 1, user value[1] (id u1): "
	      "\"createdDateTime\" is not a time",
	      "bad createdDateTime");
	FAILS("{\"value\":[{\"id\":\"u1\",\"userPrincipalName\":\"b@x\","
	      "\"accountEnabled\":true,\"signInActivity\":"
	      "{\"lastSignInDateTime\":\"2026-02-30T00:00:00Z\"}}]}",
	      DORMANT_ERR_PARSE,
	      "signInActivity.lastSignInDateTime is not a time",
	      "impossible date");
	FAILS("{\"value\":[{\"id\":\"u1\",\"userPrincipalName\":\"b@x\","
	      "\"accountEnabled\":true,\"signInActivity\":"
	      "{\"lastSuccessfulSignInDateTime\":1700000000}}]}",
	      DORMANT_ERR_PARSE,
	      "\"lastSuccessfulSignInDateTime\" is not a string",
	      "numeric time");
	FAILS("{\"value\":[{\"id\":\"u1\",\"userPrincipalName\":\"b@x\","
	      "\"accountEnabled\":true,\"signInActivity\":\"never\"}]}",
	      DORMANT_ERR_PARSE, "\"signInActivity\" is not an object",
	      "signInActivity a string");
	FAILS("{\"value\":[" USER_OK ",7]}", DORMANT_ERR_PARSE,
	      "value[1]: not a JSON object", "user not an object");
	FAILS("{\"value\":[{\"id\":\"u1\",\"userPrincipalName\":\"b@x\","
	      "\"accountEnabled\":true,\"mail\":[]}]}",
	      DORMANT_ERR_PARSE, "\"mail\" is not a string", "mail an array");
	FAILS("{\"value\":[],\"@odata.nextLink\":5}", DORMANT_ERR_PARSE,
	      "\"@odata.nextLink\" is not a string", "numeric nextLink");
	FAILS("{\"@odata.context\":\"https://graph.microsoft.com/v1.0/"
	      "$metadata#users(id,userPrincipalName,accountEnabled)\","
	      "\"value\":[]}",
	      DORMANT_ERR_PARSE, "without signInActivity",
	      "context without signInActivity");
	FAILS("{\"value\":[{\"id\":\"u1\",\"userPrincipalName\":\"b\xff@x\","
	      "\"accountEnabled\":true}]}",
	      DORMANT_ERR_PARSE, "UTF-8", "invalid UTF-8");
	FAILS("{\"value\":[{\"id\":\"u1\",\"userPrincipalName\":\"b\xc0\xaf@"
	      "x\","
	      "\"accountEnabled\":true}]}",
	      DORMANT_ERR_PARSE, "UTF-8", "overlong UTF-8");
	fails("{\"value\":[]}\0", 14, DORMANT_ERR_PARSE, "NUL", "NUL byte");

	huge = malloc(n + 200);
	if (!huge)
		abort();
	memcpy(huge,
	       "{\"value\":[{\"id\":\"u1\",\"accountEnabled\":true,"
	       "\"userPrincipalName\":\"",
	       64);
	memset(huge + 64, 'a', n);
	memcpy(huge + 64 + n, "@x\"}]}", 7);
	FAILS(huge, DORMANT_ERR_PARSE, "\"userPrincipalName\" is 5002 bytes",
	      "huge UPN");
	free(huge);
}

static void
test_sink_stop(void)
{
	static const char json[] =
	        "{\"value\":[" USER_OK "," USER_OK "," USER_OK "]}";
	struct azure_users_stream s = {.what = "p", .scope = "t"};
	struct dormant_error err;
	struct rec r;
	char *next = NULL;

	rec_init(&r);
	r.stop_after = 2;
	is_int(azure_users_parse_page(json, strlen(json), &s, &r.sink, &next,
	                              &err),
	       DORMANT_ERR_CANCELLED, "the sink's status is returned");
	is_int(r.n, 1, "listing stops at the failing user");
	is_int(r.pages, 0, "no page() for an unfinished page");
	rec_free(&r);
}

static void
test_admin_set(void)
{
	struct azure_admins a;
	struct dormant_error err;

	azure_admins_init(&a);
	ok(!azure_admins_contains(&a, "x"), "empty set holds nothing");
	ok(!azure_admins_contains(NULL, "x"), "NULL set holds nothing");
	for (int i = 999; i >= 0; i--) {
		char id[64];
		snprintf(id, sizeof(id), "00000000-0000-4000-8000-%012d", i);
		azure_admins_add(&a, id, &err);
		azure_admins_add(&a, id, &err);
	}
	azure_admins_finish(&a);
	is_int(a.n, 1000, "duplicates removed");
	ok(azure_admins_contains(&a, "00000000-0000-4000-8000-000000000000") &&
	           azure_admins_contains(
	                   &a, "00000000-0000-4000-8000-000000000999") &&
	           azure_admins_contains(
	                   &a, "00000000-0000-4000-8000-000000000500"),
	   "first, last and middle found");
	ok(!azure_admins_contains(&a, "00000000-0000-4000-8000-000000001000"),
	   "absent id not found");
	azure_admins_free(&a);
}

static enum dormant_status
roles(const char *json, struct azure_admins *a, char **next,
      struct dormant_error *err)
{
	char *link = NULL;
	enum dormant_status st;

	azure_admins_init(a);
	err->msg[0] = '\0';
	st = azure_roles_parse_page(json, strlen(json), "roles.json", a, &link,
	                            err);
	azure_admins_finish(a);
	if (next)
		*next = link;
	else
		free(link);
	return st;
}

static void
test_roles(void)
{
	struct azure_admins a;
	struct dormant_error err;
	struct dormant_buf b;
	char *next = NULL;

	is_int(roles("{\"value\":[{\"id\":\"x-1\",\"principalId\":\"p1\","
	             "\"roleDefinitionId\":\"62e90394-69f5-4237-9190-"
	             "012177145e10\",\"directoryScopeId\":\"/\"},"
	             "{\"id\":\"x-2\",\"principalId\":\"p2\",\"principal\":"
	             "{\"@odata.type\":\"#microsoft.graph.user\",\"id\":"
	             "\"p2\"}}],\"@odata.nextLink\":\"https://graph/next\"}",
	             &a, &next, &err),
	       DORMANT_OK, "roleAssignments page parses");
	ok(a.n == 2 && azure_admins_contains(&a, "p1") &&
	           azure_admins_contains(&a, "p2") && !a.incomplete,
	   "both principals are admins");
	is_str(next, "https://graph/next", "roles nextLink returned");
	free(next);
	azure_admins_free(&a);

	is_int(roles("{\"value\":[{\"id\":\"x-1\",\"principalId\":\"g1\","
	             "\"principal\":{\"@odata.type\":\"#microsoft.graph."
	             "group\","
	             "\"id\":\"g1\"}}]}",
	             &a, NULL, &err),
	       DORMANT_OK, "a group assignment parses");
	ok(a.incomplete && strstr(a.incomplete, "group g1"),
	   "a role held by a group makes the set incomplete");
	azure_admins_free(&a);

	is_int(roles("{\"@odata.context\":\"https://graph.microsoft.com/v1.0/"
	             "$metadata#directoryRoles(members())\",\"value\":["
	             "{\"id\":\"r1\",\"displayName\":\"Global Administrator\","
	             "\"roleTemplateId\":\"62e90394-69f5-4237-9190-"
	             "012177145e10\","
	             "\"members\":[{\"@odata.type\":\"#microsoft.graph.user\","
	             "\"id\":\"u1\"},{\"@odata.type\":\"#microsoft.graph."
	             "servicePrincipal\",\"id\":\"sp1\"}]},"
	             "{\"id\":\"r2\",\"displayName\":\"Helpdesk "
	             "Administrator\","
	             "\"members\":[{\"id\":\"u2\"},{\"id\":\"u1\"}]}]}",
	             &a, NULL, &err),
	       DORMANT_OK, "directoryRoles?$expand=members parses");
	ok(a.n == 3 && azure_admins_contains(&a, "u1") &&
	           azure_admins_contains(&a, "u2") && !a.incomplete,
	   "members of every role are admins, once each");
	azure_admins_free(&a);

	dormant_buf_init(&b, 0);
	dormant_buf_appendf(&b, "{\"value\":[{\"displayName\":\"Global "
	                        "Administrator\",\"members\":[");
	for (int i = 0; i < AZURE_EXPAND_MAX; i++)
		dormant_buf_appendf(&b, "%s{\"id\":\"m%d\"}", i ? "," : "", i);
	dormant_buf_appendf(&b, "]}]}");
	is_int(roles(b.data, &a, NULL, &err), DORMANT_OK,
	       "a role with 20 expanded members parses");
	ok(a.incomplete && strstr(a.incomplete, "may be cut"),
	   "20 expanded members may be truncated: incomplete");
	azure_admins_free(&a);
	dormant_buf_free(&b);

	is_int(roles("{\"value\":[{\"displayName\":\"Global Administrator\","
	             "\"roleTemplateId\":\"62e9\"}]}",
	             &a, NULL, &err),
	       DORMANT_ERR_PARSE, "a directoryRole without members fails");
	ok(strstr(err.msg, "$expand=members") != NULL, "and says to expand");
	azure_admins_free(&a);
	is_int(roles("{\"value\":[{\"principalId\":null}]}", &a, NULL, &err),
	       DORMANT_ERR_PARSE, "null principalId fails");
	ok(strstr(err.msg, "value[0]: \"principalId\" is missing") != NULL,
	   "and names it");
	azure_admins_free(&a);
	is_int(roles("{\"value\":[{\"foo\":1}]}", &a, NULL, &err),
	       DORMANT_ERR_PARSE, "an unknown item fails");
	azure_admins_free(&a);
	is_int(roles("{\"value\":[{\"members\":[{\"id\":3}]}]}", &a, NULL,
	             &err),
	       DORMANT_ERR_PARSE, "a numeric member id fails");
	azure_admins_free(&a);
	is_int(roles("{\"value\":[{\"principalId\":\"p\",\"principal\":3}]}",
	             &a, NULL, &err),
	       DORMANT_ERR_PARSE, "a numeric principal fails");
	azure_admins_free(&a);
	is_int(roles("{\"value\":[", &a, NULL, &err), DORMANT_ERR_PARSE,
	       "truncated roles JSON fails");
	azure_admins_free(&a);
}

/* 100,000 users in pages of 120 (Graph's page size with signInActivity)
 * and 2,000 admins: must be quick (no quadratic lookups). */
static void
test_large(void)
{
	struct azure_admins a;
	struct azure_users_stream s = {.what = "big", .scope = "t"};
	struct dormant_error err;
	struct dormant_buf b;
	struct rec r;
	size_t total = 100000, admins = 0, i = 0;
	clock_t c0;
	double secs;
	enum dormant_status st = DORMANT_OK;

	azure_admins_init(&a);
	for (size_t k = 0; k < total; k += 50) {
		char id[64];
		snprintf(id, sizeof(id), "00000000-0000-4000-8000-%012zu", k);
		azure_admins_add(&a, id, &err);
	}
	azure_admins_finish(&a);
	s.admins = &a;
	rec_init(&r);
	dormant_buf_init(&b, 0);
	c0 = clock();
	while (i < total && st == DORMANT_OK) {
		char *next = NULL;
		dormant_buf_reset(&b);
		dormant_buf_appendf(&b, "{" CTX ",\"value\":[");
		for (size_t k = 0; k < 120 && i < total; k++, i++)
			dormant_buf_appendf(
			        &b,
			        "%s{\"id\":\"00000000-0000-4000-8000-%012zu\","
			        "\"accountEnabled\":true,\"createdDateTime\":"
			        "\"2020-01-01T00:00:00Z\",\"displayName\":"
			        "\"User "
			        "%zu\",\"mail\":\"u%zu@contoso.com\","
			        "\"userPrincipalName\":\"u%zu@contoso.com\","
			        "\"userType\":\"Member\",\"signInActivity\":{"
			        "\"lastSignInDateTime\":\"2026-01-01T00:00:"
			        "00Z\","
			        "\"lastNonInteractiveSignInDateTime\":"
			        "\"2026-02-01T00:00:00.1234567Z\","
			        "\"lastSuccessfulSignInDateTime\":null}}",
			        k ? "," : "", i, i, i, i);
		dormant_buf_appendf(&b, "]}");
		st = azure_users_parse_page(b.data, b.len, &s, &r.sink, &next,
		                            &err);
		free(next);
	}
	secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
	is_int(st, DORMANT_OK, "100,000 users parse");
	is_int(s.users, total, "100,000 users streamed");
	is_int(s.pages, (total + 119) / 120, "in 834 pages");
	for (size_t k = 0; k < r.n; k++)
		admins += r.users[k].admin;
	is_int(admins, total / 50, "every 50th user is an admin");
	printf("# 100,000 users in %.2f s of CPU\n", secs);
	ok(secs < 30.0, "fast enough (%.2f s)", secs);
	dormant_buf_free(&b);
	rec_free(&r);
	azure_admins_free(&a);
}

/* ---- the provider, through its descriptor, with a fake host ---- */

/* users_file, directory_roles_file and tenant_id, set by each test. */
static struct fake_host fake;

/* Opens the provider and lists scope 0 into r. */
static enum dormant_status
run(struct rec *r, struct dormant_error *err)
{
	const struct dormant_provider *p = &azure_LTX_dormant_provider;
	void *h = NULL;
	enum dormant_status st;

	rec_init(r);
	err->msg[0] = '\0';
	st = p->open(&fake.host, &h, err);
	if (st == DORMANT_OK)
		st = p->list_users(h, 0, &r->sink, err);
	if (h)
		p->close(h);
	return st;
}

/* SPEC section 3, as core will decide it, to check the example. */
static bool
dormant_at(const struct rec_user *u, int64_t now, int64_t days)
{
	int64_t ref = u->last_login;

	if (!u->interactive_access || !u->account_enabled)
		return false;
	if (ref == DORMANT_TIME_NONE)
		ref = u->access_granted != DORMANT_TIME_NONE ? u->access_granted
		                                             : u->created;
	return ref == DORMANT_TIME_NONE || now - ref > days * 86400;
}

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static char *
path_of(const char *rel)
{
	const char *top = getenv("top_srcdir");
	struct dormant_buf b;

	dormant_buf_init(&b, 0);
	dormant_buf_appendf(&b, "%s/%s", top ? top : ".", rel);
	return dormant_buf_steal(&b);
}

static void
test_example(void)
{
	char *users = path_of("examples/azure/users.json");
	char *rolesf = path_of("examples/azure/directory-roles.json");
	char *expected = path_of("examples/azure/EXPECTED");
	struct dormant_buf b, got;
	struct dormant_error err;
	struct rec r;
	char *names[64], *line, *next;
	size_t n = 0;
	int64_t now = T("2026-11-28T12:00:00Z");
	const struct rec_user *u;
	const char *cfg_tenant = "8f3c2a71-5d4e-4b9a-9c1f-2e6d7a0b4c35";

	fake_host_set(&fake, "users_file", users);
	fake_host_set(&fake, "directory_roles_file", rolesf);
	fake_host_set(&fake, "tenant_id", cfg_tenant);
	is_int(run(&r, &err), DORMANT_OK, "example tenant lists");
	if (err.msg[0])
		printf("# %s\n", err.msg);
	is_int(r.n, 33, "33 users");
	is_int(r.pages, 1, "one page");
	is_str(r.scope, cfg_tenant, "scope is tenant_id");
	is_str(r.admins_unknown, "", "admins known from the roles file");
	for (size_t i = 0; i < r.n && n < 64; i++)
		if (dormant_at(&r.users[i], now, 90))
			names[n++] = r.users[i].name;
	qsort(names, n, sizeof(*names), cmp_str);
	dormant_buf_init(&got, 0);
	for (size_t i = 0; i < n; i++)
		dormant_buf_appendf(&got, "%s\n", names[i]);

	/* EXPECTED without its comment lines. */
	dormant_buf_init(&b, 1 << 20);
	if (dormant_buf_read_file(&b, expected, &err) != DORMANT_OK)
		printf("# %s\n", err.msg);
	{
		struct dormant_buf want;
		dormant_buf_init(&want, 0);
		for (line = b.data; line && *line; line = next) {
			next = strchr(line, '\n');
			if (next)
				*next++ = '\0';
			if (line[0] != '#' && line[0])
				dormant_buf_appendf(&want, "%s\n", line);
		}
		is_str(got.data, want.data,
		       "dormant at 2026-11-28T12:00:00Z with 90 days matches "
		       "examples/azure/EXPECTED");
		dormant_buf_free(&want);
	}
	u = find(&r, "allan.deyoung@contoso.com");
	ok(u && u->admin, "allan.deyoung is an admin");
	u = find(&r, "lynne.robbins@contoso.com");
	ok(u && u->admin, "lynne.robbins (two roles) is an admin");
	u = find(&r, "adele.vance@contoso.com");
	ok(u && !u->admin, "adele.vance is not");
	u = find(&r, "priya.shah_adatum.com#EXT#@contoso.onmicrosoft.com");
	ok(u && strstr(u->extras, "guest=true"), "priya.shah is a guest");
	u = find(&r, "pradeep.gupta@contoso.com");
	ok(u && u->last_login == now - 90 * 86400, "pradeep: exactly 90 days");
	u = find(&r, "johanna.lorenz@contoso.com");
	ok(u && u->last_login == now - 90 * 86400 - 1,
	   "johanna: 90 days + 1 s");
	u = find(&r, "christie.cline@contoso.com");
	ok(u && u->created == DORMANT_TIME_NONE &&
	           u->last_login == DORMANT_TIME_NONE,
	   "christie.cline has no reference at all");
	dormant_buf_free(&got);
	dormant_buf_free(&b);
	rec_free(&r);

	/* Without tenant_id and roles file. */
	fake_host_set(&fake, "directory_roles_file", NULL);
	fake_host_set(&fake, "tenant_id", NULL);
	is_int(run(&r, &err), DORMANT_OK, "lists without roles file");
	is_str(r.scope, "users.json", "scope falls back to the file's name");
	ok(strstr(r.admins_unknown, "directory_roles_file not set") != NULL,
	   "admins unknown without a roles file");
	u = find(&r, "allan.deyoung@contoso.com");
	ok(u && !u->admin, "nobody is marked admin");
	rec_free(&r);
	free(users);
	free(rolesf);
	free(expected);
}

static char tmpdir[] = "/tmp/dormant-azure-test-XXXXXX";

static char *
write_tmp(const char *name, const char *content)
{
	struct dormant_buf p;
	FILE *f;

	dormant_buf_init(&p, 0);
	dormant_buf_appendf(&p, "%s/%s", tmpdir, name);
	f = fopen(p.data, "w");
	if (!f || fputs(content, f) < 0 || fclose(f) != 0)
		abort();
	return dormant_buf_steal(&p);
}

#define PAGE(users, next) "{" CTX ",\"value\":[" users "]" next "}"
#define U(n)                                                                   \
	"{\"id\":\"id" #n "\",\"userPrincipalName\":\"u" #n "@x\","            \
	"\"accountEnabled\":true}"
#define NEXT                                                                   \
	",\"@odata.nextLink\":\"https://graph.microsoft.com/v1.0/"             \
	"users?$skiptoken=a\""

static void
test_offline_files(void)
{
	const struct dormant_provider *p = &azure_LTX_dormant_provider;
	struct dormant_error err;
	struct rec r;
	void *h = NULL;
	int64_t t = 0;
	char *f1, *f2, *f3, *f4, *f5, *f6, *f7;

	if (!mkdtemp(tmpdir))
		abort();
	f1 = write_tmp("pages.json",
	               "[" PAGE(U(1) "," U(2), NEXT) "," PAGE(U(3), ) "]");
	f2 = write_tmp("first-page.json", PAGE(U(1), NEXT));
	f3 = write_tmp("last-has-next.json",
	               "[" PAGE(U(1), NEXT) "," PAGE(U(2), NEXT) "]");
	f4 = write_tmp("empty.json", "[]");
	f5 = write_tmp("bad-page.json", "[" PAGE(U(1), NEXT) ",3]");
	f6 = write_tmp("roles-next.json",
	               "{\"value\":[{\"principalId\":\"id1\"}]" NEXT "}");
	f7 = write_tmp("roles-group.json",
	               "{\"value\":[{\"principalId\":\"g\",\"principal\":{"
	               "\"@odata.type\":\"#microsoft.graph.group\",\"id\":"
	               "\"g\"}},{\"principalId\":\"id2\"}]}");
	fake_host_set(&fake, "tenant_id", "tenant-x");
	fake_host_set(&fake, "directory_roles_file", NULL);

	fake_host_set(&fake, "users_file", f1);
	is_int(run(&r, &err), DORMANT_OK, "an array of pages lists");
	ok(r.n == 3 && r.pages == 2, "three users in two pages");
	rec_free(&r);

	fake_host_set(&fake, "users_file", f2);
	is_int(run(&r, &err), DORMANT_ERR_PARSE, "a first page alone fails");
	ok(strstr(err.msg, "users_file holds only the first page of the answer "
	                   "(@odata.nextLink present); export every page"),
	   "with the incomplete-export message");
	rec_free(&r);

	fake_host_set(&fake, "users_file", f3);
	is_int(run(&r, &err), DORMANT_ERR_PARSE,
	       "an array whose last page has a next link fails");
	rec_free(&r);

	fake_host_set(&fake, "users_file", f4);
	is_int(run(&r, &err), DORMANT_ERR_PARSE, "an empty array fails");
	rec_free(&r);

	fake_host_set(&fake, "users_file", f5);
	is_int(run(&r, &err), DORMANT_ERR_PARSE, "a non-object page fails");
	rec_free(&r);

	fake_host_set(&fake, "users_file", "/nonexistent/users.json");
	is_int(run(&r, &err), DORMANT_ERR_IO, "a missing file fails");
	ok(strstr(err.msg, "/nonexistent/users.json") != NULL,
	   "naming the file");
	rec_free(&r);

	fake_host_set(&fake, "users_file", f1);
	fake_host_set(&fake, "directory_roles_file", f6);
	is_int(run(&r, &err), DORMANT_ERR_PARSE,
	       "a roles file that is a first page fails");
	ok(strstr(err.msg, "directory_roles_file holds only the first page"),
	   "with the incomplete-export message");
	rec_free(&r);

	fake_host_set(&fake, "directory_roles_file", f7);
	is_int(run(&r, &err), DORMANT_OK, "a role held by a group lists");
	ok(strstr(r.admins_unknown, "group g") != NULL,
	   "and says admins are unknown");
	ok(find(&r, "u2@x") && find(&r, "u2@x")->admin,
	   "direct holders are still admins");
	rec_free(&r);

	fake_host_set(&fake, "users_file", NULL);
	fake_host_set(&fake, "directory_roles_file", NULL);
	rec_init(&r);
	is_int(p->open(&fake.host, &h, &err), DORMANT_ERR_CONFIG,
	       "open without users_file nor client_id is a config error");
	is_str(err.msg,
	       "set tenant_id and client_id (or AZURE_TENANT_ID and "
	       "AZURE_CLIENT_ID), or users_file for offline input",
	       "and says what to set");
	ok(h == NULL, "no handle");

	fake_host_set(&fake, "users_file", f1);
	{
		/* A 1.0 core: its table ends at core, before the readers. */
		fake.host.struct_size = offsetof(struct dormant_host, core) +
		                        sizeof(fake.host.core);
		is_int(p->open(&fake.host, &h, &err), DORMANT_ERR_PLUGIN,
		       "a 1.0 host table is refused");
		ok(strstr(err.msg, "needs dormant's host table 1.1 or later"),
		   "saying which host table it needs");
		ok(h == NULL, "no handle");
		fake.host.struct_size = sizeof(fake.host);
	}
	is_int(p->open(&fake.host, &h, &err), DORMANT_OK, "open offline");
	is_int(p->scope_count(h), 1, "one scope");
	is_str(p->scope_label(h, 0), "tenant-x", "labelled with the tenant");
	is_int(p->last_login(h, "tenant-x", "id1", "u1@x", &t, &err),
	       DORMANT_ERR_UNSUPPORTED, "last_login offline unsupported");
	is_str(err.msg,
	       "offline input (users_file): cannot re-read or change users",
	       "with the offline message");
	is_int(p->disable(h, "tenant-x", "id1", "u1@x", &err),
	       DORMANT_ERR_UNSUPPORTED, "disable offline unsupported");
	is_int(p->enable(h, "tenant-x", "id1", "u1@x", &err),
	       DORMANT_ERR_UNSUPPORTED, "enable offline unsupported");
	p->close(h);

	unlink(f1);
	unlink(f2);
	unlink(f3);
	unlink(f4);
	unlink(f5);
	unlink(f6);
	unlink(f7);
	rmdir(tmpdir);
	free(f1);
	free(f2);
	free(f3);
	free(f4);
	free(f5);
	free(f6);
	free(f7);
}

static void
test_descriptor(void)
{
	const struct dormant_provider *p = &azure_LTX_dormant_provider;
	bool secret = false, roles = false;

	is_int(p->abi_version, DORMANT_PLUGIN_ABI_VERSION, "ABI version");
	is_int(p->struct_size, sizeof(struct dormant_provider), "struct size");
	is_str(p->name, "azure", "name");
	for (size_t i = 0; p->config_keys[i]; i++)
		roles |= strcmp(p->config_keys[i], "directory_roles_file") == 0;
	secret = p->secret_keys[0] &&
	         strcmp(p->secret_keys[0], "client_secret") == 0 &&
	         !p->secret_keys[1];
	ok(roles && secret, "config and secret keys");
	ok(p->enabling_env &&
	           strcmp(p->enabling_env[0], "AZURE_CLIENT_ID") == 0 &&
	           strcmp(p->enabling_env[1], "AZURE_TENANT_ID") == 0 &&
	           !p->enabling_env[2],
	   "enabling environment");
	ok(p->enable != NULL && p->disable != NULL && p->last_login != NULL,
	   "every callback set");
}

int
main(void)
{
	int rc;

	fake_host_init(&fake, "azure");
	test_descriptor();
	test_fields();
	test_sign_in_combinations();
	test_errors();
	test_sink_stop();
	test_admin_set();
	test_roles();
	test_example();
	test_offline_files();
	test_large();
	rc = tap_done();
	fake_host_free(&fake);
	return rc;
}
