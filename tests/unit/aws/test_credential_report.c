/* dormant: the AWS provider on offline input: the IAM credential report
 * parser (plugins/aws/credential_report.c) and the module around it
 * (plugins/aws/aws.c). */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/buf.h>
#include <dormant/plugin.h>
#include <dormant/timeutil.h>

#include "credential_report.h"
#include "fake_host.h"
#include "tap.h"

extern const struct dormant_provider aws_LTX_dormant_provider;

#define HEADER                                                                 \
	"user,arn,user_creation_time,password_enabled,password_last_used,"     \
	"password_last_changed,password_next_rotation,mfa_active,"             \
	"access_key_1_active,access_key_1_last_rotated,"                       \
	"access_key_1_last_used_date,access_key_1_last_used_region,"           \
	"access_key_1_last_used_service,access_key_2_active,"                  \
	"access_key_2_last_rotated,access_key_2_last_used_date,"               \
	"access_key_2_last_used_region,access_key_2_last_used_service,"        \
	"cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated"

#define ROOT                                                                   \
	"<root_account>,arn:aws:iam::123456789012:root,"                       \
	"2019-03-04T09:15:02+00:00,not_supported,2026-05-02T08:01:44+00:00,"   \
	"not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,"    \
	"N/A,N/A,N/A,false,N/A,false,N/A"

#define ALICE                                                                  \
	"alice,arn:aws:iam::123456789012:user/alice,"                          \
	"2019-03-04T10:02:11+00:00,true,2026-11-20T08:14:55+00:00,"            \
	"2026-06-01T09:00:12+00:00,2026-08-30T09:00:12+00:00,true,true,"       \
	"2024-04-11T07:12:40+00:00,2026-11-27T22:03:00+00:00,eu-west-1,s3,"    \
	"false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"

/* Never signed in: no_information. */
#define FRANK                                                                  \
	"frank,arn:aws:iam::123456789012:user/eng/team-a/frank,"               \
	"2024-02-10T15:20:00+00:00,true,no_information,"                       \
	"2024-02-10T15:20:03+00:00,N/A,false,false,N/A,N/A,N/A,N/A,true,"      \
	"2025-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A"

/* No console password: a service user. */
#define SVC                                                                    \
	"svc-ci,arn:aws:iam::123456789012:user/service/svc-ci,"                \
	"2021-04-20T16:00:00+00:00,false,N/A,N/A,N/A,false,true,"              \
	"2026-04-20T16:00:00+00:00,no_information,N/A,N/A,false,N/A,N/A,"      \
	"N/A,N/A,true,2017-08-08T08:10:00+00:00,false,N/A"

/* ---- a sink and a host that record what they are told ---- */

#define MAX_USERS 64

struct rec {
	char *scope, *id, *name;
	const char *email, *display_name;
	int64_t created, last_login, access_granted;
	bool interactive, enabled, admin;
	char extras[256]; /* "k=v;k=v;" */
};

struct recorder {
	struct dormant_sink sink;
	char scope[32];
	int set_scope_calls;
	int users_before_scope;
	int pages;
	size_t n;
	struct rec u[MAX_USERS];
	size_t fail_after; /* 0: never */
	char admins_unknown[512];
};

static void
rec_set_scope(struct dormant_sink *sink, const char *scope)
{
	struct recorder *r = (struct recorder *)sink;

	snprintf(r->scope, sizeof(r->scope), "%s", scope);
	r->set_scope_calls++;
}

static enum dormant_status
rec_user(struct dormant_sink *sink, const struct dormant_user *u)
{
	struct recorder *r = (struct recorder *)sink;
	struct rec *x;
	size_t o = 0;

	if (!r->set_scope_calls)
		r->users_before_scope++;
	if (r->fail_after && r->n == r->fail_after)
		return DORMANT_ERR_CANCELLED;
	if (r->n == MAX_USERS)
		return DORMANT_ERR_NOMEM;
	x = &r->u[r->n++];
	x->scope = strdup(u->scope);
	x->id = strdup(u->id);
	x->name = strdup(u->name);
	x->email = u->email;
	x->display_name = u->display_name;
	x->created = u->created;
	x->last_login = u->last_login;
	x->access_granted = u->access_granted;
	x->interactive = u->interactive_access;
	x->enabled = u->account_enabled;
	x->admin = u->admin;
	x->extras[0] = '\0';
	for (size_t i = 0; i < u->n_extras; i++) {
		int n = snprintf(x->extras + o, sizeof(x->extras) - o, "%s=%s;",
		                 u->extras[i].key, u->extras[i].value);
		if (n > 0 && (size_t)n < sizeof(x->extras) - o)
			o += (size_t)n;
	}
	return DORMANT_OK;
}

static void
rec_page(struct dormant_sink *sink)
{
	((struct recorder *)sink)->pages++;
}

static void
rec_admins_unknown(struct dormant_sink *sink, const char *why)
{
	struct recorder *r = (struct recorder *)sink;

	snprintf(r->admins_unknown, sizeof(r->admins_unknown), "%s", why);
}

static void
rec_init(struct recorder *r)
{
	memset(r, 0, sizeof(*r));
	r->sink.set_scope = rec_set_scope;
	r->sink.user = rec_user;
	r->sink.page = rec_page;
	r->sink.admins_unknown = rec_admins_unknown;
}

static void
rec_free(struct recorder *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->u[i].scope);
		free(r->u[i].id);
		free(r->u[i].name);
	}
	r->n = 0;
}

static const struct rec *
find(const struct recorder *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->u[i].name, name) == 0)
			return &r->u[i];
	return NULL;
}

/* A host at a pinned clock, reading report_file (NULL: live). */
static void
host_init(struct fake_host *h, const char *report_file)
{
	fake_host_init(h, "aws");
	h->now = dormant_days_from_civil(2026, 11, 28) * 86400 + 12 * 3600;
	fake_host_set(h, "credential_report_file", report_file);
}

static int64_t
T(const char *s)
{
	int64_t t = DORMANT_TIME_NONE;

	if (!dormant_time_parse_iso8601(s, &t))
		abort();
	return t;
}

static enum dormant_status
parse(const char *s, struct recorder *r, struct dormant_error *err)
{
	char account[AWS_ACCOUNT_ID_LEN + 1];

	rec_init(r);
	err->msg[0] = '\0';
	return aws_credential_report_parse(s, strlen(s), NULL, &r->sink,
	                                   account, err);
}

/* The report must fail with exactly this message and give nobody. */
static void
rejects(const char *s, enum dormant_status want_st, const char *want,
        const char *name)
{
	struct recorder r;
	struct dormant_error err;

	is_int(parse(s, &r, &err), want_st, "%s: status", name);
	is_str(err.msg, want, "%s: message", name);
	is_int(r.n, 0, "%s: nobody reached the sink", name);
	rec_free(&r);
}

/* ---- the tests ---- */

static void
test_fields(void)
{
	static const char s[] =
	        HEADER "\n" ROOT "\n" ALICE "\n" FRANK "\n" SVC "\n";
	struct recorder r;
	struct dormant_error err;
	struct fake_host h;
	char account[AWS_ACCOUNT_ID_LEN + 1];
	const struct rec *u;

	host_init(&h, NULL);
	rec_init(&r);
	is_int(aws_credential_report_parse(s, strlen(s), &h.host, &r.sink,
	                                   account, &err),
	       DORMANT_OK, "report parses");
	is_str(account, "123456789012", "account id learnt");
	is_int(r.set_scope_calls, 1, "set_scope called once");
	is_str(r.scope, "123456789012", "set_scope: the account id");
	is_int(r.users_before_scope, 0, "set_scope before the first user");
	is_int(r.n, 3, "three users, the root row skipped");
	ok(!find(&r, "<root_account>"), "root not emitted");
	is_int(h.log.lines[DORMANT_LOG_INFO], 1, "one info line");
	ok(strstr(fake_log_text(&h.log), "line 2") &&
	           strstr(fake_log_text(&h.log), "<root_account>"),
	   "the skip of line 2's root is logged: %s", fake_log_text(&h.log));

	u = find(&r, "alice");
	ok(u != NULL, "alice listed");
	if (u) {
		is_str(u->scope, "123456789012", "alice: scope");
		is_str(u->id, "arn:aws:iam::123456789012:user/alice",
		       "alice: id is the ARN");
		is_str(u->name, "alice", "alice: name");
		ok(!u->email && !u->display_name, "alice: no email/display");
		is_int(u->created, T("2019-03-04T10:02:11Z"), "alice: created");
		is_int(u->last_login, T("2026-11-20T08:14:55Z"),
		       "alice: last_login = password_last_used");
		is_int(u->access_granted, T("2026-06-01T09:00:12Z"),
		       "alice: access_granted = password_last_changed");
		ok(u->interactive, "alice: console password");
		ok(u->enabled, "alice: enabled");
		ok(!u->admin, "alice: admin unknown, false");
		is_str(u->extras,
		       "mfa_active=true;access_key_1_active=true;"
		       "access_key_2_active=false;",
		       "alice: extras");
	}
	u = find(&r, "frank");
	ok(u != NULL, "frank listed");
	if (u) {
		is_str(u->id, "arn:aws:iam::123456789012:user/eng/team-a/frank",
		       "frank: ARN with a path");
		is_int(u->last_login, DORMANT_TIME_NONE,
		       "frank: no_information = never");
		is_int(u->access_granted, T("2024-02-10T15:20:03Z"),
		       "frank: password granted");
		ok(u->interactive, "frank: console password");
		is_str(u->extras,
		       "mfa_active=false;password_last_used_raw="
		       "no_information;access_key_1_active=false;"
		       "access_key_2_active=true;",
		       "frank: extras carry the raw no_information");
	}
	u = find(&r, "svc-ci");
	ok(u != NULL, "svc-ci listed");
	if (u) {
		ok(!u->interactive, "svc-ci: password_enabled false");
		is_int(u->last_login, DORMANT_TIME_NONE, "svc-ci: N/A = none");
		is_int(u->access_granted, DORMANT_TIME_NONE,
		       "svc-ci: no password, access_granted none");
		is_int(u->created, T("2021-04-20T16:00:00Z"),
		       "svc-ci: created");
		is_str(u->extras,
		       "mfa_active=false;access_key_1_active=true;"
		       "access_key_2_active=false;",
		       "svc-ci: extras");
	}
	rec_free(&r);

	is_int(aws_credential_report_parse(s, strlen(s), NULL, NULL, account,
	                                   &err),
	       DORMANT_OK, "validation alone (no sink)");
	is_str(account, "123456789012", "validation alone: account");
	fake_host_free(&h);
}

static void
test_variants(void)
{
	struct recorder r;
	struct dormant_error err;
	char account[AWS_ACCOUNT_ID_LEN + 1] = "x";

	is_int(parse(HEADER "\r\n" ROOT "\r\n" ALICE "\r\n" FRANK "\r\n", &r,
	             &err),
	       DORMANT_OK, "CRLF: %s", err.msg);
	is_int(r.n, 2, "CRLF: two users");
	ok(r.n == 2 && strcmp(r.u[1].name, "frank") == 0 &&
	           r.u[1].access_granted == T("2024-02-10T15:20:03Z"),
	   "CRLF: last field of a row intact");
	rec_free(&r);

	is_int(parse(HEADER "\n" ROOT "\n" ALICE, &r, &err), DORMANT_OK,
	       "no newline after the last row");
	is_int(r.n, 1, "no final newline: alice read");
	rec_free(&r);

	is_int(parse(HEADER "\n" ALICE "\n\n", &r, &err), DORMANT_OK,
	       "blank line at the end");
	rec_free(&r);

	/* What a spreadsheet makes of it: every field quoted. */
	is_int(parse(HEADER
	             "\n\"alice\",\"arn:aws:iam::123456789012:user/"
	             "alice\",\"2019-03-04T10:02:11+00:00\",\"TRUE\","
	             "\"2026-11-20T08:14:55+00:00\",\"N/A\",\"N/A\","
	             "\"FALSE\",\"False\",\"N/A\",\"N/A\",\"N/A\",\"N/A\","
	             "\"false\",\"N/A\",\"N/A\",\"us-east-1, \"\"x\"\"\","
	             "\"N/A\",\"false\",\"N/A\",\"false\",\"N/A\"\n",
	             &r, &err),
	       DORMANT_OK, "quoted fields, TRUE/FALSE spelling: %s", err.msg);
	ok(r.n == 1 && r.u[0].interactive &&
	           r.u[0].last_login == T("2026-11-20T08:14:55Z") &&
	           r.u[0].access_granted == DORMANT_TIME_NONE,
	   "quoted fields: values");
	ok(r.n == 1 && strstr(r.u[0].extras, "mfa_active=false;"),
	   "booleans normalised to lower case");
	rec_free(&r);

	/* Columns found by name: another order and a column AWS may add
	 * one day; older reports lack the key "last used" columns. */
	is_int(parse("arn,password_last_changed,user,some_new_column,"
	             "user_creation_time,password_enabled,password_last_used,"
	             "mfa_active,access_key_1_active,access_key_2_active\n"
	             "arn:aws-us-gov:iam::210987654321:user/bob,"
	             "2020-01-01T00:00:00+00:00,bob,\"whatever, really\","
	             "2019-12-31T23:59:59Z,true,2021-02-03T04:05:06.789+00:00,"
	             "true,false,false\n",
	             &r, &err),
	       DORMANT_OK, "columns by name: %s", err.msg);
	ok(r.n == 1 && strcmp(r.u[0].name, "bob") == 0 &&
	           strcmp(r.u[0].scope, "210987654321") == 0 &&
	           r.u[0].created == T("2019-12-31T23:59:59Z") &&
	           r.u[0].last_login == T("2021-02-03T04:05:06Z") &&
	           r.u[0].access_granted == T("2020-01-01T00:00:00Z"),
	   "columns by name: values (aws-us-gov partition)");
	rec_free(&r);

	is_int(parse(HEADER "\n"
	                    "li,arn:aws-cn:iam::000000000001:user/li,"
	                    "2020-01-01T00:00:00+08:00,true,N/A,N/A,N/A,false,"
	                    "false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,"
	                    "N/A,false,N/A\n",
	             &r, &err),
	       DORMANT_OK, "aws-cn partition: %s", err.msg);
	ok(r.n == 1 && r.u[0].created == T("2019-12-31T16:00:00Z"),
	   "time zone offsets honoured");
	ok(r.n == 1 && r.u[0].interactive &&
	           r.u[0].last_login == DORMANT_TIME_NONE,
	   "password_last_used N/A with a password");
	rec_free(&r);

	/* Names IAM allows: + = , . @ _ - */
	is_int(parse(HEADER "\n"
	                    "\"a+b=c,d.e@f_g-h\",\"arn:aws:iam::123456789012:"
	                    "user/a+b=c,d.e@f_g-h\",2020-01-01T00:00:00Z,false,"
	                    "N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,"
	                    "N/A,N/A,N/A,false,N/A,false,N/A\n",
	             &r, &err),
	       DORMANT_OK, "user name with every allowed symbol: %s", err.msg);
	rec_free(&r);

	rec_init(&r);
	is_int(aws_credential_report_parse(HEADER "\n", strlen(HEADER) + 1,
	                                   NULL, &r.sink, account, &err),
	       DORMANT_OK, "header only: no users, fine");
	is_str(account, "", "header only: no account");
	is_int(r.set_scope_calls, 0, "header only: no set_scope");
	rec_free(&r);

	/* A sink that says stop is obeyed at once. */
	rec_init(&r);
	r.fail_after = 1;
	is_int(aws_credential_report_parse(
	               HEADER "\n" ALICE "\n" FRANK "\n" SVC "\n",
	               strlen(HEADER "\n" ALICE "\n" FRANK "\n" SVC "\n"), NULL,
	               &r.sink, NULL, &err),
	       DORMANT_ERR_CANCELLED, "sink error returned as is");
	is_int(r.n, 1, "sink error: listing stopped");
	rec_free(&r);
}

/* Row with one field replaced: field `col` (0-based) of ALICE. */
static char *
alice_with(int col, const char *value)
{
	static char buf[1024];
	const char *p = ALICE;
	size_t o = 0;
	int c = 0;

	if (col == 0) {
		o = strlen(value);
		memcpy(buf, value, o);
	}
	for (; *p; p++) {
		if (*p == ',') {
			c++;
			buf[o++] = ',';
			if (c == col) {
				size_t n = strlen(value);
				memcpy(buf + o, value, n);
				o += n;
			}
			continue;
		}
		if (c != col)
			buf[o++] = *p;
	}
	buf[o] = '\0';
	return buf;
}

static void
bad_value(int col, const char *value, const char *want, const char *name)
{
	char s[2048];

	snprintf(s, sizeof(s), "%s\n%s\n%s\n", HEADER, ROOT,
	         alice_with(col, value));
	rejects(s, DORMANT_ERR_PARSE, want, name);
}

static void
test_errors(void)
{
	char s[8192];

	rejects("", DORMANT_ERR_PARSE,
	        "credential report: empty, not even a header line",
	        "empty input");
	rejects("user,arn,user_creation_time\nalice,arn:x,now\n",
	        DORMANT_ERR_PARSE,
	        "credential report line 1: no column \"password_enabled\" in "
	        "the header: not an IAM credential report",
	        "missing column named");
	rejects("name,email\nalice,alice@example.com\n", DORMANT_ERR_PARSE,
	        "credential report line 1: no column \"user\" in the header: "
	        "not an IAM credential report",
	        "wrong header");
	rejects("user,user,arn\n", DORMANT_ERR_PARSE,
	        "credential report line 1: column \"user\" appears twice",
	        "duplicate column");

	/* Cut off in the middle of a row, as an interrupted download is. */
	snprintf(s, sizeof(s), "%s\n%s\n%s\n%.60s", HEADER, ROOT, ALICE, ALICE);
	rejects(s, DORMANT_ERR_PARSE,
	        "credential report line 4: 3 fields where the header has 22",
	        "truncated report");
	snprintf(s, sizeof(s), "%s\n%s\n%s,extra\n", HEADER, ROOT, ALICE);
	rejects(s, DORMANT_ERR_PARSE,
	        "credential report line 3: 23 fields where the header has 22",
	        "row with a field too many");
	snprintf(s, sizeof(s), "%s\n%s\n\"%s\n", HEADER, ROOT, ALICE);
	rejects(s, DORMANT_ERR_PARSE,
	        "credential report line 4: quoted field opened on line 3 is "
	        "never closed",
	        "unterminated quote");

	/* A field past the cap: an untrusted file is not read as one. */
	{
		char *huge = malloc(20000);
		size_t o = (size_t)snprintf(huge, 20000, "%s\n", HEADER);
		memset(huge + o, 'a', 5000);
		memcpy(huge + o + 5000, ",x\n", 4);
		rejects(huge, DORMANT_ERR_TOO_LARGE,
		        "credential report line 2: field 1: longer than 4096 "
		        "bytes",
		        "huge field");
		free(huge);
	}

	/* Invalid UTF-8 is refused, not passed on: names end up in JSON
	 * reports and logs. */
	snprintf(s, sizeof(s), "%s\n%s\n%s\n", HEADER, ROOT,
	         "al\xc3\x28ice,arn:aws:iam::123456789012:user/alice");
	rejects(s, DORMANT_ERR_PARSE,
	        "credential report line 3: field 1: not valid UTF-8",
	        "invalid UTF-8");

	bad_value(4, "yesterday",
	          "credential report line 3: password_last_used: not a time: "
	          "\"yesterday\"",
	          "password_last_used not a time");
	bad_value(4, "not_supported",
	          "credential report line 3: password_last_used: not a time: "
	          "\"not_supported\"",
	          "not_supported outside the root row");
	bad_value(2, "N/A",
	          "credential report line 3: user_creation_time: not a time: "
	          "\"N/A\"",
	          "user_creation_time must be a time");
	bad_value(5, "no_information",
	          "credential report line 3: password_last_changed: not a "
	          "time: \"no_information\"",
	          "no_information only where AWS documents it");
	bad_value(5, "2026-02-30T00:00:00+00:00",
	          "credential report line 3: password_last_changed: not a "
	          "time: \"2026-02-30T00:00:00+00:00\"",
	          "impossible date");
	bad_value(6, "soon",
	          "credential report line 3: password_next_rotation: not a "
	          "time: \"soon\"",
	          "optional time columns are checked too");
	bad_value(3, "yes",
	          "credential report line 3: password_enabled: not true or "
	          "false: \"yes\"",
	          "password_enabled not a boolean");
	bad_value(7, "",
	          "credential report line 3: mfa_active: not true or false: "
	          "\"\"",
	          "empty boolean");
	bad_value(18, "maybe",
	          "credential report line 3: cert_1_active: not true or "
	          "false: \"maybe\"",
	          "cert_1_active checked");
	bad_value(10, "2026-13-01T00:00:00+00:00",
	          "credential report line 3: access_key_1_last_used_date: not "
	          "a time: \"2026-13-01T00:00:00+00:00\"",
	          "access key time checked");
	bad_value(4, "\"2026-01-01\x01\"",
	          "credential report line 3: password_last_used: not a time: "
	          "\"2026-01-01?\"",
	          "control characters not echoed");
	bad_value(1, "arn:aws:iam::210987654321:user/alice",
	          "credential report line 3: arn: not in the report's account "
	          "(arn:aws:iam::123456789012): "
	          "\"arn:aws:iam::210987654321:user/alice\"",
	          "another account");
	bad_value(1, "arn:aws:iam::123456789012:user/bob",
	          "credential report line 3: arn: does not name the row's "
	          "user: \"arn:aws:iam::123456789012:user/bob\"",
	          "ARN of another user");
	bad_value(1, "arn:aws:iam::123456789012:role/alice",
	          "credential report line 3: arn: not an IAM user ARN: "
	          "\"arn:aws:iam::123456789012:role/alice\"",
	          "role ARN");
	bad_value(1, "arn:aws:iam::12345678901:user/alice",
	          "credential report line 3: arn: no 12-digit account id: "
	          "\"arn:aws:iam::12345678901:user/alice\"",
	          "11-digit account");
	bad_value(1, "arn:aws-xx:iam::123456789012:user/alice",
	          "credential report line 3: arn: not an AWS partition: "
	          "\"arn:aws-xx:iam::123456789012:user/alice\"",
	          "unknown partition");
	bad_value(1, "arn:aws:s3:::123456789012:user/alice",
	          "credential report line 3: arn: not an IAM ARN: "
	          "\"arn:aws:s3:::123456789012:user/alice\"",
	          "not IAM");
	bad_value(1, "alice",
	          "credential report line 3: arn: not an ARN: \"alice\"",
	          "not an ARN");
	bad_value(1, "arn:aws:iam::123456789012:root",
	          "credential report line 3: arn: not an IAM user ARN: "
	          "\"arn:aws:iam::123456789012:root\"",
	          "user row with the root ARN");
	bad_value(0, "al/ice",
	          "credential report line 3: user: not an IAM user name: "
	          "\"al/ice\"",
	          "bad user name");
	bad_value(1, "arn:aws:iam::123456789012:user/a b/alice",
	          "credential report line 3: arn: bad character in the "
	          "user's path: \"arn:aws:iam::123456789012:user/a b/alice\"",
	          "space in the path");

	/* The root row is checked too. */
	snprintf(s, sizeof(s), "%s\n%s\n", HEADER,
	         "<root_account>,arn:aws:iam::123456789012:user/root,"
	         "2019-03-04T09:15:02+00:00,not_supported,N/A,"
	         "not_supported,not_supported,true,false,N/A,N/A,N/A,"
	         "N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A");
	rejects(s, DORMANT_ERR_PARSE,
	        "credential report line 2: arn: not the root user's ARN: "
	        "\"arn:aws:iam::123456789012:user/root\"",
	        "root row with a user ARN");
	snprintf(s, sizeof(s), "%s\n%s\n%s\n", HEADER, ROOT, ROOT);
	rejects(s, DORMANT_ERR_PARSE,
	        "credential report line 3: user: a second root row: "
	        "\"<root_account>\"",
	        "two root rows");
	snprintf(s, sizeof(s), "%s\n%s\n", HEADER,
	         "<root_account>,arn:aws:iam::123456789012:root,"
	         "2019-03-04T09:15:02+00:00,not_supported,sometime,"
	         "not_supported,not_supported,true,false,N/A,N/A,N/A,"
	         "N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A");
	rejects(s, DORMANT_ERR_PARSE,
	        "credential report line 2: password_last_used: not a time: "
	        "\"sometime\"",
	        "root row times checked");
	snprintf(s, sizeof(s), "%s\n%s\n", HEADER,
	         "<root_account>,arn:aws:iam::123456789012:root,"
	         "not_supported,not_supported,N/A,"
	         "not_supported,not_supported,true,false,N/A,N/A,N/A,"
	         "N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A");
	rejects(s, DORMANT_ERR_PARSE,
	        "credential report line 2: user_creation_time: not a time: "
	        "\"not_supported\"",
	        "root row needs a creation time");

	/* A bad row late in the file: nobody before it was streamed
	 * either. */
	snprintf(s, sizeof(s), "%s\n%s\n%s\n%s\n%s\n", HEADER, ROOT, ALICE,
	         FRANK, alice_with(4, "2026-11-20"));
	rejects(s, DORMANT_ERR_PARSE,
	        "credential report line 5: password_last_used: not a time: "
	        "\"2026-11-20\"",
	        "bad last row: all or nothing");
}

/* The example shipped in examples/aws, through the module itself. */
static void
test_module(void)
{
	const struct dormant_provider *p = &aws_LTX_dormant_provider;
	const char *srcdir = getenv("top_srcdir");
	char path[4096];
	struct fake_host h;
	struct recorder r;
	struct dormant_error err;
	void *handle = NULL;
	int64_t t = 0;
	size_t n_keys = 0;
	bool seen_file = false;

	is_int(p->abi_version, DORMANT_PLUGIN_ABI_VERSION, "ABI version");
	is_int(p->struct_size, sizeof(*p), "struct size");
	is_str(p->name, "aws", "name");
	ok(p->enable == NULL, "no enable: AWS cannot restore a password");
	for (const char *const *k = p->config_keys; *k; k++) {
		n_keys++;
		if (strcmp(*k, "credential_report_file") == 0)
			seen_file = true;
	}
	is_int(n_keys, 13, "thirteen config keys");
	ok(seen_file, "credential_report_file is a config key");
	ok(p->secret_keys && !p->secret_keys[0], "no secret keys yet");
	ok(p->enabling_env && p->enabling_env[0] &&
	           strcmp(p->enabling_env[0], "AWS_ACCESS_KEY_ID") == 0 &&
	           p->enabling_env[4] == NULL,
	   "enabling_env: four AWS variables");

	/* Without the file, the live path looks for credentials; here
	 * there are none anywhere (and no network: IMDS is off). */
	setenv("HOME", "/nonexistent", 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_CONFIG_FILE");
	unsetenv("AWS_SHARED_CREDENTIALS_FILE");
	unsetenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	host_init(&h, NULL);
	is_int(p->open(&h.host, &handle, &err), DORMANT_ERR_AUTH,
	       "open live without any credentials: auth error");
	ok(strncmp(err.msg,
	           "no AWS credentials found; tried environment: ", 45) == 0 &&
	           strstr(err.msg, "EC2 instance metadata: disabled"),
	   "open: the message lists what was tried: %s", err.msg);
	ok(handle == NULL, "open failed: no handle");

	/* A bad number: the host's wording, no "aws: " of our own. */
	fake_host_free(&h);
	host_init(&h, NULL);
	fake_host_set(&h, "max_requests_per_second", "fast");
	is_int(p->open(&h.host, &handle, &err), DORMANT_ERR_CONFIG,
	       "open live, max_requests_per_second = fast: config error");
	is_str(err.msg,
	       "[aws] max_requests_per_second = \"fast\": not a number from "
	       "0 to 1000",
	       "... in the host's words");
	ok(handle == NULL, "... and no handle");

	/* A 1.0 host table has no typed readers: refused, saying why. */
	fake_host_free(&h);
	host_init(&h, NULL);
	h.host.struct_size = offsetof(struct dormant_host, request_timeout_ms);
	is_int(p->open(&h.host, &handle, &err), DORMANT_ERR_PLUGIN,
	       "open with a 1.0 host table: plugin error");
	ok(strstr(err.msg, "host table 1.1 or later") != NULL,
	   "... naming the host table it needs: %s", err.msg);
	ok(handle == NULL, "... and no handle");
	memset(&err, 0, sizeof(err));

	snprintf(path, sizeof(path), "%s/examples/aws/credential-report.csv",
	         srcdir ? srcdir : "..");
	fake_host_free(&h);
	host_init(&h, path);
	is_int(p->open(&h.host, &handle, &err), DORMANT_OK, "open offline");
	is_int(p->scope_count(handle), 1, "one scope");
	is_str(p->scope_label(handle, 0), path, "scope label: the file");
	rec_init(&r);
	is_int(p->list_users(handle, 0, &r.sink, &err), DORMANT_OK,
	       "list the example: %s", err.msg);
	is_int(r.n, 30, "example: 30 IAM users");
	is_int(r.pages, 1, "example: one page");
	is_str(r.scope, "123456789012", "example: account");
	ok(!find(&r, "<root_account>"), "example: root not listed");
	{
		const struct rec *u = find(&r, "boundary-exact");
		ok(u && u->last_login == h.host.now(&h.host) - 90 * 86400,
		   "example: boundary-exact is exactly 90 days old");
		u = find(&r, "boundary-plus-1s");
		ok(u && u->last_login == h.host.now(&h.host) - 90 * 86400 - 1,
		   "example: boundary-plus-1s is 90 days + 1 s old");
		u = find(&r, "oscar");
		ok(u && u->last_login == DORMANT_TIME_NONE &&
		           u->access_granted == T("2013-07-22T14:01:30Z"),
		   "example: oscar never signed in since 2014");
	}
	/* The report names no policies: admins unknown, never "nobody". */
	ok(strstr(r.admins_unknown, "iam:GetAccountAuthorizationDetails") &&
	           strstr(r.admins_unknown, "authorization_details_file"),
	   "report alone: admins unknown, naming the permission: %s",
	   r.admins_unknown);
	ok(!find(&r, "alice")->admin, "report alone: nobody marked admin");
	rec_free(&r);
	p->close(handle);

	/* With the details the CLI printed: who is admin, and why not. */
	{
		char details[1024];

		snprintf(details, sizeof(details),
		         "%s/examples/aws/authorization-details.json",
		         srcdir ? srcdir : "..");
		fake_host_set(&h, "authorization_details_file", details);
		is_int(p->open(&h.host, &handle, &err), DORMANT_OK,
		       "open offline with authorization_details_file");
		rec_init(&r);
		is_int(p->list_users(handle, 0, &r.sink, &err), DORMANT_OK,
		       "list with details: %s", err.msg);
		is_str(r.admins_unknown, "", "with details: admins known");
		ok(find(&r, "alice")->admin,
		   "alice: attached AdministratorAccess");
		ok(find(&r, "ops+oncall")->admin,
		   "ops+oncall: group with AdministratorAccess");
		ok(find(&r, "ivan")->admin, "ivan: inline * on *");
		ok(find(&r, "walter")->admin,
		   "walter: customer-managed iam:* on *");
		ok(!find(&r, "dave")->admin,
		   "dave: only his own password: no admin");
		ok(!find(&r, "bob")->admin,
		   "bob: ReadOnlyAccess and DeveloperTools (iam:* only in a "
		   "non-default version): no admin");
		rec_free(&r);
		p->close(handle);
		fake_host_set(&h, "authorization_details_file",
		              "/nonexistent/details.json");
		is_int(p->open(&h.host, &handle, &err), DORMANT_OK,
		       "open with a missing details file (read at listing)");
		rec_init(&r);
		ok(p->list_users(handle, 0, &r.sink, &err) != DORMANT_OK &&
		           r.n == 0,
		   "a details file that cannot be read fails the listing: %s",
		   err.msg);
		rec_free(&r);
		p->close(handle);
		fake_host_set(&h, "authorization_details_file", NULL);
		is_int(p->open(&h.host, &handle, &err), DORMANT_OK,
		       "open offline again");
	}

	is_int(p->last_login(handle, "123456789012",
	                     "arn:aws:iam::123456789012:user/alice", "alice",
	                     &t, &err),
	       DORMANT_ERR_UNSUPPORTED, "last_login offline: unsupported");
	is_str(err.msg,
	       "offline input (credential_report_file): cannot re-read or "
	       "change users",
	       "last_login: message");
	is_int(p->disable(handle, "123456789012",
	                  "arn:aws:iam::123456789012:user/alice", "alice",
	                  &err),
	       DORMANT_ERR_UNSUPPORTED, "disable offline: unsupported");
	p->close(handle);

	fake_host_free(&h);
	host_init(&h, "/nonexistent/credential-report.csv");
	is_int(p->open(&h.host, &handle, &err), DORMANT_OK,
	       "open with a missing file (read at list time)");
	rec_init(&r);
	is_int(p->list_users(handle, 0, &r.sink, &err), DORMANT_ERR_IO,
	       "list a missing file: I/O error");
	ok(strstr(err.msg, "/nonexistent/credential-report.csv") != NULL,
	   "missing file named: %s", err.msg);
	p->close(handle);

	/* A broken file: the message names the file, line and column. */
	{
		FILE *f;
		snprintf(path, sizeof(path), "test_credential_report.tmp.csv");
		f = fopen(path, "w");
		if (f) {
			fprintf(f, "%s\n%s\n%s\n", HEADER, ROOT,
			        alice_with(4, "last tuesday"));
			fclose(f);
		}
		fake_host_free(&h);
		host_init(&h, path);
		p->open(&h.host, &handle, &err);
		rec_init(&r);
		is_int(p->list_users(handle, 0, &r.sink, &err),
		       DORMANT_ERR_PARSE, "broken file: parse error");
		is_str(err.msg,
		       "test_credential_report.tmp.csv: credential report line "
		       "3: password_last_used: not a time: \"last tuesday\"",
		       "broken file: message");
		is_int(r.n, 0, "broken file: nobody listed");
		p->close(handle);
		remove(path);
	}
	fake_host_free(&h);
}

int
main(void)
{
	test_fields();
	test_variants();
	test_errors();
	test_module();
	return tap_done();
}
