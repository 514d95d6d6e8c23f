/* dormant aws, live: the provider's callbacks driven directly, with a
 * small fake host, against the mock IAM + STS server that
 * tests/e2e/aws_live.test starts:
 *
 *     test_aws_live MOCK_URL CA_FILE NOW_SECONDS
 *
 * The mock runs with --accounts 2 --users 300 --deny
 * DeleteLoginProfile@1. Checked here: last_login (GetUser) against the
 * mock's data, disable (DeleteLoginProfile) and its idempotence, the
 * errors a user sees, and the mock's own strictness about signatures
 * (wrong secret, stale date, temporary key without its token), through
 * the provider's Query layer.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/http.h>
#include <dormant/plugin.h>
#include <dormant/timeutil.h>

#include "credentials.h"
#include "endpoints.h"
#include "fake_host.h"
#include "iam_xml.h"
#include "query.h"
#include "tap.h"

extern const struct dormant_provider aws_LTX_dormant_provider;

#define BASE_KEY    "AKIDMOCKBASE00000000"
#define BASE_SECRET "mock/base+secret=0123456789abcdefABCDEF"
#define ACCOUNT0    "210000000000"
#define ACCOUNT1    "210000000001"
#define ROLE1       "arn:aws:iam::210000000001:role/DormantScan"
#define DAYS        90

/* The provider's config: role ARNs to assume (NULL: none). */
static void
host_init(struct fake_host *h, const char *ca, const char *roles)
{
	fake_host_init(h, "aws");
	fake_host_set(h, "assume_roles", roles);
	fake_host_set(h, "report_wait_seconds", "10");
	h->host.ca_file = ca;
}

/* ---- a sink that counts ---- */

struct counter {
	struct dormant_sink sink;
	char scope[32];
	size_t users;
};

static void
c_scope(struct dormant_sink *sink, const char *scope)
{
	snprintf(((struct counter *)sink)->scope, 32, "%s", scope);
}

static enum dormant_status
c_user(struct dormant_sink *sink, const struct dormant_user *u)
{
	(void)u;
	((struct counter *)sink)->users++;
	return DORMANT_OK;
}

static void
test_callbacks(const char *ca, int64_t now)
{
	const struct dormant_provider *p = &aws_LTX_dormant_provider;
	struct fake_host h;
	struct counter c = {{c_scope, c_user, NULL, NULL, NULL}, "", 0};
	struct dormant_error err = {{0}};
	void *handle = NULL;
	int64_t t = 0;
	enum dormant_status st;

	host_init(&h, ca, ROLE1);
	st = p->open(&h.host, &handle, &err);
	if (!ok(st == DORMANT_OK, "open live: %s", err.msg)) {
		fake_host_free(&h);
		return;
	}
	is_int(p->scope_count(handle), 2, "two scopes: base + one role");
	is_str(p->scope_label(handle, 1), ROLE1, "role scope label");

	/* Before a scan, no account is known: core never does this. */
	st = p->last_login(handle, ACCOUNT0, "x", "u0-00000", &t, &err);
	is_int(st, DORMANT_ERR_USAGE, "last_login before the scan: refused");

	is_int(p->list_users(handle, 0, &c.sink, &err), DORMANT_OK,
	       "list scope 0: %s", err.msg);
	is_str(c.scope, ACCOUNT0, "scope 0 is the base account");
	is_int(c.users, 300, "scope 0: 300 users");
	c.users = 0;
	is_int(p->list_users(handle, 1, &c.sink, &err), DORMANT_OK,
	       "list scope 1: %s", err.msg);
	is_str(c.scope, ACCOUNT1, "scope 1 is the role's account");

	/* u0-00000 sits exactly DAYS days back (the mock puts every 97th
	 * user there), u0-00001 one second more. */
	st = p->last_login(handle, ACCOUNT0, NULL, "u0-00000", &t, &err);
	is_int(st, DORMANT_OK, "last_login u0-00000: %s", err.msg);
	is_int(t, now - DAYS * 86400, "last_login u0-00000 = now - 90 d");
	/* Same name, another ARN: a different user now; never act on it. */
	st = p->last_login(handle, ACCOUNT0,
	                   "arn:aws:iam::" ACCOUNT0 ":user/gone/u0-00000",
	                   "u0-00000", &t, &err);
	is_int(st, DORMANT_ERR_NOT_FOUND, "last_login: the ARN must match");
	ok(strstr(err.msg, "u0-00000 is now arn:aws:iam::" ACCOUNT0 ":user/") !=
	           NULL,
	   "the other ARN is named: %s", err.msg);
	st = p->last_login(handle, ACCOUNT0, NULL, "u0-00001", &t, &err);
	is_int(st, DORMANT_OK, "last_login u0-00001 (no ARN check): %s",
	       err.msg);
	is_int(t, now - DAYS * 86400 - 1,
	       "last_login u0-00001 = now - 90 d - 1 s");
	st = p->last_login(handle, ACCOUNT0, NULL, "nobody", &t, &err);
	is_int(st, DORMANT_ERR_NOT_FOUND, "last_login of a missing user");
	ok(strstr(err.msg, "iam:GetUser: NoSuchEntity") != NULL,
	   "names the action and the code: %s", err.msg);
	st = p->last_login(handle, "999999999999", NULL, "u0-00001", &t, &err);
	is_int(st, DORMANT_ERR_USAGE, "an account not scanned: refused");

	/* disable: DeleteLoginProfile, idempotent. u0-00001 has a console
	 * password (it is a boundary user). */
	st = p->disable(handle, ACCOUNT0, NULL, "u0-00001", &err);
	is_int(st, DORMANT_OK, "disable u0-00001: %s", err.msg);
	fake_log_clear(&h.log);
	st = p->disable(handle, ACCOUNT0, NULL, "u0-00001", &err);
	is_int(st, DORMANT_OK, "disable again: NoSuchEntity is done");
	ok(strstr(fake_log_text(&h.log),
	          "u0-00001 has no console password already") != NULL,
	   "and says so at -v");
	/* IAM answers NoSuchEntity for a user that is gone too: nobody
	 * left to sign in, so that is done as well. */
	st = p->disable(handle, ACCOUNT0, NULL, "nobody", &err);
	is_int(st, DORMANT_OK, "disable a user that is gone: done");
	st = p->disable(handle, ACCOUNT1, NULL, "u1-00001", &err);
	is_int(st, DORMANT_ERR_PERMISSION, "disable without the permission");
	is_str(strstr(err.msg, "iam:DeleteLoginProfile: AccessDenied: the "
	                       "credentials lack the permission "
	                       "iam:DeleteLoginProfile"),
	       err.msg, "the message names the permission missing");
	ok(!strstr(fake_log_text(&h.log), BASE_SECRET), "no secret in the log");
	p->close(handle);
	fake_host_free(&h);
}

/* The mock is as strict as IAM: the Query layer with wrong credentials
 * or a wrong clock gets the real error codes. */
static enum dormant_status
call_with(const char *url, const char *ca, const struct aws_credentials *creds,
          int64_t skew, struct aws_error_body *e, struct dormant_error *err)
{
	struct fake_host h;
	struct aws_endpoint ep;
	struct aws_credential_source *prov = NULL;
	struct dormant_http *http = NULL;
	struct dormant_http_response resp = {0};
	struct aws_call call;
	enum dormant_status st;

	host_init(&h, ca, NULL);
	h.skew = skew;
	memset(e, 0, sizeof(*e));
	st = aws_endpoint_parse(url, "us-east-1", "iam", false, &ep, err);
	if (st == DORMANT_OK)
		st = aws_credential_source_static("test keys", &h.host, creds,
		                                  &prov, err);
	if (st == DORMANT_OK)
		st = aws_http_new(&h.host, 0, 1, &http, err);
	if (st != DORMANT_OK)
		goto out;
	call = (struct aws_call){http, &h.host, &ep, prov, NULL};
	st = aws_query(&call, "GetUser", AWS_IAM_VERSION,
	               &(struct aws_query_param){"UserName", "u0-00002"}, 1,
	               &resp, e, err);
out:
	dormant_http_response_clear(&resp);
	dormant_http_free(http);
	aws_credential_source_free(prov);
	fake_host_free(&h);
	return st;
}

static void
test_strict_mock(const char *url, const char *ca)
{
	struct aws_credentials c;
	struct aws_error_body e;
	struct dormant_error err = {{0}};
	enum dormant_status st;

	aws_credentials_set(&c, BASE_KEY, BASE_SECRET, NULL, DORMANT_TIME_NONE);
	st = call_with(url, ca, &c, 0, &e, &err);
	is_int(st, DORMANT_OK, "right key, right clock: accepted (%s)",
	       err.msg);
	st = call_with(url, ca, &c, -20 * 60, &e, &err);
	is_int(st, DORMANT_ERR_AUTH, "a clock 20 minutes behind: refused");
	is_str(e.code, "SignatureDoesNotMatch", "... as SignatureDoesNotMatch");
	ok(strstr(err.msg, "Signature expired") != NULL, "... expired: %s",
	   err.msg);
	aws_credentials_clear(&c);

	aws_credentials_set(&c, BASE_KEY, "wrong-secret", NULL,
	                    DORMANT_TIME_NONE);
	st = call_with(url, ca, &c, 0, &e, &err);
	is_int(st, DORMANT_ERR_AUTH, "a wrong secret: refused");
	is_str(e.code, "SignatureDoesNotMatch", "... as SignatureDoesNotMatch");
	ok(!strstr(err.msg, "wrong-secret"), "the secret is not in the error");
	aws_credentials_clear(&c);

	aws_credentials_set(&c, "AKIDNOSUCHKEY0000000", BASE_SECRET, NULL,
	                    DORMANT_TIME_NONE);
	st = call_with(url, ca, &c, 0, &e, &err);
	is_str(e.code, "InvalidClientTokenId", "an unknown key id: refused");
	aws_credentials_clear(&c);
}

/* Temporary credentials need their token: get some, then drop it. */
static void
test_token_required(const char *url, const char *ca)
{
	struct fake_host h;
	struct aws_endpoint ep;
	struct aws_credential_source *base = NULL;
	struct dormant_http *http = NULL;
	struct dormant_http_response resp = {0};
	struct aws_credentials sc;
	struct aws_credentials c;
	struct aws_error_body e;
	struct dormant_error err = {{0}};
	struct aws_call call;
	struct aws_query_param params[] = {{"RoleArn", ROLE1},
	                                   {"RoleSessionName", "test"}};
	enum dormant_status st;

	memset(&sc, 0, sizeof(sc));
	host_init(&h, ca, NULL);
	aws_credentials_set(&c, BASE_KEY, BASE_SECRET, NULL, DORMANT_TIME_NONE);
	aws_endpoint_parse(url, "us-east-1", "sts", false, &ep, &err);
	aws_credential_source_static("base", &h.host, &c, &base, &err);
	aws_credentials_clear(&c);
	aws_http_new(&h.host, 0, 1, &http, &err);
	call = (struct aws_call){http, &h.host, &ep, base, NULL};
	st = aws_query(&call, "AssumeRole", AWS_STS_VERSION, params, 2, &resp,
	               &e, &err);
	if (st == DORMANT_OK)
		st = aws_sts_parse_assume_role(resp.body, resp.body_len, &sc,
		                               &err);
	is_int(st, DORMANT_OK, "AssumeRole: %s", err.msg);
	dormant_http_response_clear(&resp);
	if (st != DORMANT_OK)
		goto out;
	/* With its token: accepted. */
	aws_credentials_set(&c, sc.access_key_id, sc.secret_access_key,
	                    sc.session_token, DORMANT_TIME_NONE);
	st = call_with(url, ca, &c, 0, &e, &err);
	/* u0-00002 is not in account 1: NoSuchEntity, after auth passed. */
	is_str(e.code, "NoSuchEntity",
	       "temporary key with its token: past auth");
	aws_credentials_clear(&c);
	aws_credentials_set(&c, sc.access_key_id, sc.secret_access_key, NULL,
	                    DORMANT_TIME_NONE);
	st = call_with(url, ca, &c, 0, &e, &err);
	is_int(st, DORMANT_ERR_AUTH,
	       "temporary key without its token: refused");
	is_str(e.code, "InvalidClientTokenId", "... as InvalidClientTokenId");
	aws_credentials_clear(&c);
out:
	aws_credentials_clear(&sc);
	dormant_http_free(http);
	aws_credential_source_free(base);
	fake_host_free(&h);
}

/* Partitions and their defaults (no network). */
static void
test_endpoints(void)
{
	static const struct {
		const char *region, *iam, *iam_region, *sts, *sts_region;
	} cases[] = {
	        {NULL, "https://iam.amazonaws.com/", "us-east-1",
	         "https://sts.amazonaws.com/", "us-east-1"},
	        {"eu-west-1", "https://iam.amazonaws.com/", "us-east-1",
	         "https://sts.eu-west-1.amazonaws.com/", "eu-west-1"},
	        {"cn-northwest-1", "https://iam.cn-north-1.amazonaws.com.cn/",
	         "cn-north-1", "https://sts.cn-northwest-1.amazonaws.com.cn/",
	         "cn-northwest-1"},
	        {"us-gov-east-1", "https://iam.us-gov.amazonaws.com/",
	         "us-gov-west-1", "https://sts.us-gov-east-1.amazonaws.com/",
	         "us-gov-east-1"},
	};
	struct fake_host h;
	struct aws_endpoint iam, sts;
	struct dormant_error err = {{0}};

	host_init(&h, NULL, NULL);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const char *r = cases[i].region ? cases[i].region : "(none)";

		is_int(aws_endpoints_resolve(&h.host, cases[i].region, &iam,
		                             &sts, &err),
		       DORMANT_OK, "endpoints for %s", r);
		is_str(iam.url, cases[i].iam, "%s: IAM endpoint", r);
		is_str(iam.region, cases[i].iam_region, "%s: IAM signs in", r);
		is_str(iam.service, "iam", "%s: IAM signing name", r);
		is_str(sts.url, cases[i].sts, "%s: STS endpoint", r);
		is_str(sts.region, cases[i].sts_region, "%s: STS signs in", r);
	}
	setenv("AWS_ENDPOINT_URL", "https://vpce.example:8443", 1);
	setenv("AWS_ENDPOINT_URL_STS", "https://sts-vpce.example/base/", 1);
	aws_endpoints_resolve(&h.host, "eu-west-1", &iam, &sts, &err);
	is_str(iam.url, "https://vpce.example:8443/",
	       "AWS_ENDPOINT_URL for IAM");
	is_str(iam.host, "vpce.example:8443", "the Host keeps the port");
	is_str(iam.region, "us-east-1",
	       "a custom IAM endpoint signs in us-east-1");
	is_str(sts.url, "https://sts-vpce.example/base/",
	       "AWS_ENDPOINT_URL_STS wins for STS");
	is_str(sts.path, "/base/", "its path is signed");
	is_int(aws_endpoints_resolve(&h.host, "eu west", &iam, &sts, &err),
	       DORMANT_ERR_CONFIG, "a region that is not one: refused");
	unsetenv("AWS_ENDPOINT_URL_STS");
	setenv("AWS_ENDPOINT_URL", "http://plain.example", 1);
	is_int(aws_endpoints_resolve(&h.host, NULL, &iam, &sts, &err),
	       DORMANT_ERR_CONFIG, "plain http: refused");
	unsetenv("AWS_ENDPOINT_URL");
	fake_host_free(&h);
}

/* Whose credentials are, from the ARN an AssumeRole answer names; any
 * other shape leaves it to GetCallerIdentity (no network). */
static void
test_identity(void)
{
	static const struct {
		const char *arn, *account;
	} cases[] = {
	        {"arn:aws:sts::123456789012:assumed-role/Scan/dormant-1",
	         "123456789012"},
	        {"arn:aws-cn:sts::210987654321:assumed-role/R/s",
	         "210987654321"},
	        {"arn:aws-us-gov:sts::000000000001:assumed-role/a/b",
	         "000000000001"},
	        {"arn:aws:iam::123456789012:user/alice", ""},
	        {"arn:aws:sts::123456789012:federated-user/bob", ""},
	        {"arn:aws:sts::12345678901:assumed-role/R/s", ""},
	        {"arn:aws:sts::1234567890123:assumed-role/R/s", ""},
	        {"arn:aws:sts::12345678901x:assumed-role/R/s", ""},
	        {"arn:aws:sts::123456789012:assumed-role/", ""},
	        {"arn:aws:sts:us-east-1:123456789012:assumed-role/R/s", ""},
	        {"", ""},
	        {"arn:", ""},
	};
	struct aws_credentials c = {0}, copy = {0};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		is_int(aws_credentials_set(&c, "AKID", "secret", "token", 0),
		       DORMANT_OK, "credentials %zu", i);
		is_int(aws_credentials_set_identity(&c, cases[i].arn),
		       DORMANT_OK, "identity from \"%s\"", cases[i].arn);
		is_str(c.account, cases[i].account, "  account");
		ok((c.arn != NULL) == (cases[i].account[0] != '\0'),
		   "  the ARN is kept exactly when it names an account");
		is_int(aws_credentials_copy(&copy, &c), DORMANT_OK, "  copied");
		is_str(copy.account, c.account, "  the copy has the account");
		aws_credentials_clear(&copy);
		aws_credentials_clear(&c);
	}
}

int
main(int argc, char **argv)
{
	char *end;
	int64_t now;

	if (argc != 4) {
		fprintf(stderr, "usage: %s MOCK_URL CA NOW\n", argv[0]);
		return 99;
	}
	now = strtoll(argv[3], &end, 10);
	unsetenv("AWS_ENDPOINT_URL");
	test_endpoints();
	test_identity();
	setenv("AWS_ACCESS_KEY_ID", BASE_KEY, 1);
	setenv("AWS_SECRET_ACCESS_KEY", BASE_SECRET, 1);
	setenv("AWS_ENDPOINT_URL", argv[1], 1);
	test_callbacks(argv[2], now);
	test_strict_mock(argv[1], argv[2]);
	test_token_required(argv[1], argv[2]);
	return tap_done();
}
