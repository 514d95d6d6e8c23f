/* The gcp provider on offline input: its descriptor, open() without and
 * with users_file, and examples/gcp/users.json against examples/gcp/EXPECTED
 * under the SPEC's verdict (section 3) at a pinned clock. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dormant/buf.h>
#include <dormant/plugin.h>
#include <dormant/timeutil.h>

#include "fake_host.h"
#include "tap.h"

extern const struct dormant_provider DORMANT_PROVIDER_EXPORT(gcp);
#define P (&DORMANT_PROVIDER_EXPORT(gcp))

#define MAX_FOUND 64

static void
host_init(struct fake_host *h, const char *users_file, const char *domain)
{
	fake_host_init(h, "gcp");
	fake_host_set(h, "users_file", users_file);
	fake_host_set(h, "domain", domain);
}

/* Applies the verdict to what it is given, as core will. */
struct verdict_sink {
	struct dormant_sink sink; /* first */
	int64_t now, days;
	size_t users, pages, admins, scopes;
	char scope[64];
	char *found[MAX_FOUND];
	size_t n_found;
};

static void
set_scope(struct dormant_sink *sink, const char *scope)
{
	struct verdict_sink *v = (struct verdict_sink *)sink;

	v->scopes++;
	snprintf(v->scope, sizeof(v->scope), "%s", scope);
}

static enum dormant_status
user(struct dormant_sink *sink, const struct dormant_user *u)
{
	struct verdict_sink *v = (struct verdict_sink *)sink;
	int64_t ref = u->last_login;

	v->users++;
	if (ref == DORMANT_TIME_NONE)
		ref = u->access_granted != DORMANT_TIME_NONE ? u->access_granted
		                                             : u->created;
	if (u->interactive_access && u->account_enabled &&
	    v->now - ref > v->days * 86400) {
		if (v->n_found == MAX_FOUND)
			return DORMANT_ERR_INTERNAL;
		v->found[v->n_found] = strdup(u->email);
		if (!v->found[v->n_found])
			return DORMANT_ERR_NOMEM;
		v->n_found++;
		if (u->admin)
			v->admins++;
	}
	return DORMANT_OK;
}

static void
page(struct dormant_sink *sink)
{
	((struct verdict_sink *)sink)->pages++;
}

static void
sink_init(struct verdict_sink *v)
{
	memset(v, 0, sizeof(*v));
	v->sink.set_scope = set_scope;
	v->sink.user = user;
	v->sink.page = page;
	dormant_time_parse_iso8601("2026-11-28T12:00:00Z", &v->now);
	v->days = 90;
}

static void
sink_free(struct verdict_sink *v)
{
	for (size_t i = 0; i < v->n_found; i++)
		free(v->found[i]);
	v->n_found = 0;
}

static int
compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists users_file through the provider. */
static enum dormant_status
list(const char *users_file, const char *domain, struct verdict_sink *v,
     struct dormant_error *err)
{
	struct fake_host h;
	void *handle = NULL;
	enum dormant_status st;

	host_init(&h, users_file, domain);
	sink_init(v);
	err->msg[0] = '\0';
	st = P->open(&h.host, &handle, err);
	if (st != DORMANT_OK)
		goto out;
	st = P->list_users(handle, 0, &v->sink, err);
out:
	if (handle)
		P->close(handle);
	fake_host_free(&h);
	return st;
}

static void
test_descriptor(void)
{
	struct fake_host h;
	struct dormant_error err;
	void *handle = (void *)&h;
	bool has_users_file = false;

	is_int(P->abi_version, DORMANT_PLUGIN_ABI_VERSION, "ABI version");
	is_int(P->struct_size, sizeof(struct dormant_provider), "struct size");
	is_str(P->name, "gcp", "name");
	ok(P->enable != NULL, "Google can re-enable (unsuspend)");
	for (const char *const *k = P->config_keys; *k; k++)
		has_users_file |= strcmp(*k, "users_file") == 0;
	ok(has_users_file, "users_file is a config key");
	ok(P->secret_keys && !P->secret_keys[0], "no secret keys");
	is_str(P->enabling_env[0], "GOOGLE_APPLICATION_CREDENTIALS",
	       "enabling env");
	ok(P->enabling_env[1] == NULL, "enabling env NULL-terminated");

	host_init(&h, NULL, NULL);
	/* Neither input: one line naming every way in. */
	ok(P->open(&h.host, &handle, &err) == DORMANT_ERR_CONFIG &&
	           handle == NULL &&
	           strstr(err.msg, "GOOGLE_APPLICATION_CREDENTIALS") &&
	           strstr(err.msg, "credentials_file") &&
	           strstr(err.msg, "users_file"),
	   "no users_file, no credentials: config error (%s)", err.msg);

	/* A 1.0 core: its table ends at core, before the typed readers. */
	fake_host_free(&h);
	host_init(&h, "users.json", NULL);
	h.host.struct_size =
	        offsetof(struct dormant_host, core) + sizeof(h.host.core);
	handle = (void *)&h;
	ok(P->open(&h.host, &handle, &err) == DORMANT_ERR_PLUGIN &&
	           handle == NULL &&
	           strstr(err.msg, "needs dormant's host table 1.1 or later"),
	   "a 1.0 host table is refused (%s)", err.msg);
	fake_host_free(&h);
}

static void
test_example(const char *srcdir)
{
	char path[4096], want[4096];
	struct dormant_buf b;
	struct verdict_sink v;
	struct dormant_error err;
	enum dormant_status st;
	char *line, *nl;
	size_t i = 0;

	snprintf(path, sizeof(path), "%s/examples/gcp/users.json", srcdir);
	st = list(path, NULL, &v, &err);
	ok(st == DORMANT_OK, "example: listed (%s)", err.msg);
	is_int(v.users, 32, "example: 32 users");
	is_int(v.pages, 1, "example: one page");
	is_str(v.scope, "C03az79cb", "example: scope is the customer");
	is_int(v.admins, 3, "example: 3 dormant admins");
	qsort(v.found, v.n_found, sizeof(*v.found), compare);

	snprintf(want, sizeof(want), "%s/examples/gcp/EXPECTED", srcdir);
	dormant_buf_init(&b, 1u << 20);
	st = dormant_buf_read_file(&b, want, &err);
	ok(st == DORMANT_OK, "EXPECTED read (%s)", err.msg);
	for (line = st == DORMANT_OK ? b.data : NULL; line && *line;
	     line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		is_str(i < v.n_found ? v.found[i] : NULL, line,
		       "example: dormant %s", line);
		i++;
	}
	is_int(v.n_found, i, "example: as many dormant as EXPECTED lists");
	dormant_buf_free(&b);
	sink_free(&v);

	st = list(path, "example.com", &v, &err);
	ok(st == DORMANT_OK && strcmp(v.scope, "example.com") == 0,
	   "example: domain is the scope when set");
	sink_free(&v);
}

static enum dormant_status
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f)
		return DORMANT_ERR_IO;
	rc = fputs(text, f);
	if (fclose(f) != 0 || rc < 0)
		return DORMANT_ERR_IO;
	return DORMANT_OK;
}

#define USER(id, email)                                                        \
	"{\"id\":\"" id "\",\"primaryEmail\":\"" email "\","                   \
	"\"lastLoginTime\":\"2020-01-01T00:00:00.000Z\","                      \
	"\"creationTime\":\"2019-01-01T00:00:00.000Z\",\"isAdmin\":false,"     \
	"\"isDelegatedAdmin\":false,\"customerId\":\"C1\"}"

static void
file_case(const char *path, const char *text, enum dormant_status want,
          const char *needle, size_t users, const char *name)
{
	struct verdict_sink v;
	struct dormant_error err;
	enum dormant_status st;

	if (write_file(path, text) != DORMANT_OK) {
		ok(0, "%s: cannot write %s", name, path);
		return;
	}
	st = list(path, NULL, &v, &err);
	ok(st == want && v.users == users &&
	           (!needle || strstr(err.msg, needle)),
	   "%s", name);
	if (st != want || (needle && !strstr(err.msg, needle)))
		printf("#   status %d, users %zu: %s\n", (int)st, v.users,
		       err.msg);
	sink_free(&v);
}

static void
test_files(void)
{
	char path[4096];
	const char *tmp = getenv("TMPDIR");
	struct fake_host h;
	struct dormant_error err;
	void *handle = NULL;
	int64_t last = 0;

	snprintf(path, sizeof(path), "%s/test_gcp_offline.%ld.json",
	         tmp && *tmp ? tmp : "/tmp", (long)getpid());

	file_case(path,
	          "{\"users\":[" USER("1",
	                              "a@x.com") "],"
	                                         "\"nextPageToken\":\"abc\"}",
	          DORMANT_ERR_PARSE,
	          "holds only one page of users.list (nextPageToken present); "
	          "export every page",
	          0, "one page with nextPageToken: incomplete export");
	file_case(path,
	          "[{\"users\":[" USER(
	                  "1", "a@x.com") "],"
	                                  "\"nextPageToken\":\"abc\"},"
	                                  "{\"users\":[" USER("2",
	                                                      "b@x.com") "]}]",
	          DORMANT_OK, NULL, 2, "array of two pages");
	file_case(
	        path,
	        "[{\"users\":[" USER(
	                "1", "a@x.com") "],"
	                                "\"nextPageToken\":\"abc\"},"
	                                "{\"users\":[" USER(
	                                        "2", "b@x.com") "],"
	                                                        "\"nextPageToke"
	                                                        "n\":\"def\"}]",
	        DORMANT_ERR_PARSE, "[1]: users_file holds only some pages", 0,
	        "array whose last page has a token");
	file_case(path,
	          "[{\"users\":[" USER("1", "a@x.com") "]},"
	                                               "{\"users\":[" USER(
	                                                       "2",
	                                                       "b@x.com") "]}]",
	          DORMANT_ERR_PARSE, "[0]: page without nextPageToken", 0,
	          "array: a last page followed by more");
	file_case(path,
	          "[{\"users\":[" USER(
	                  "1", "a@x.com") "],"
	                                  "\"nextPageToken\":\"abc\"},"
	                                  "{\"users\":[{\"id\":\"2\"}]}]",
	          DORMANT_ERR_PARSE,
	          "[1]: users[1] (id 2): no \"primaryEmail\"", 0,
	          "array: a bad second page delivers nobody");
	{
		/* The same file again: the failed scope is still named
		 * after the customerId page 1 gave, not "my_customer". */
		struct verdict_sink v;

		ok(list(path, NULL, &v, &err) == DORMANT_ERR_PARSE &&
		           v.users == 0 && v.scopes == 1 &&
		           strcmp(v.scope, "C1") == 0,
		   "a bad second page: the scope is still its customerId "
		   "(%s)",
		   v.scope);
		sink_free(&v);
	}
	file_case(path, "[]", DORMANT_ERR_PARSE, "empty array", 0,
	          "empty array");
	file_case(path, "[{\"users\":[],\"nextPageToken\":\"a\"}, 3]",
	          DORMANT_ERR_PARSE, "[1]: not a users.list answer", 0,
	          "array holding a number");
	file_case(path, "{\"users\":[" USER("1", "a@x.com"), DORMANT_ERR_PARSE,
	          "invalid JSON", 0, "truncated file");
	file_case(path, "{\"kind\":\"admin#directory#users\"}", DORMANT_OK,
	          NULL, 0, "empty domain");
	remove(path);
	{
		struct verdict_sink v;
		ok(list(path, NULL, &v, &err) == DORMANT_ERR_IO && v.users == 0,
		   "missing file: an I/O error (%s)", err.msg);
	}

	host_init(&h, path, NULL);
	if (P->open(&h.host, &handle, &err) != DORMANT_OK) {
		ok(0, "open: %s", err.msg);
		fake_host_free(&h);
		return;
	}
	is_int(P->scope_count(handle), 1, "one scope");
	is_str(P->scope_label(handle, 0), "my_customer", "label");
	ok(P->last_login(handle, "C1", "1", "a@x.com", &last, &err) ==
	                   DORMANT_ERR_UNSUPPORTED &&
	           strstr(err.msg, "offline input (users_file)"),
	   "last_login unsupported offline");
	ok(P->disable(handle, "C1", "1", "a@x.com", &err) ==
	           DORMANT_ERR_UNSUPPORTED,
	   "disable unsupported offline");
	ok(P->enable(handle, "C1", "1", "a@x.com", &err) ==
	           DORMANT_ERR_UNSUPPORTED,
	   "enable unsupported offline");
	P->close(handle);
	fake_host_free(&h);
}

int
main(void)
{
	const char *srcdir = getenv("top_srcdir");

	test_descriptor();
	if (srcdir)
		test_example(srcdir);
	else
		ok(0, "top_srcdir is not set: run through make check");
	test_files();
	return tap_done();
}
