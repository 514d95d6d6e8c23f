/* dormant aws: SigV4 (plugins/aws/sigv4.c) stage by stage against AWS's own
 * vectors:
 *
 * - the IAM ListUsers example of the documentation ("Create a signed AWS
 *   API request", the GET https://iam.amazonaws.com/?Action=ListUsers&
 *   Version=2010-05-08 request signed at 20150830T123600Z), and
 * - AWS's published SigV4 test suite (aws-c-auth,
 *   tests/aws-signing-test-suite/v4), read from
 *   $SHARED_TESTDATA/aws-sigv4: for each case, request.txt is signed with
 *   context.json and the canonical request, string to sign, signature and
 *   Authorization header must equal the header-*.txt files byte for byte.
 *   The suite is not part of dormant; without it those cases are skipped.
 */
#include "config.h"

#include <dirent.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/buf.h>
#include <dormant/json.h>
#include <dormant/timeutil.h>

#include "credentials.h"
#include "sigv4.h"
#include "tap.h"

#define MAX_HEADERS 32

static const char example_secret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/* Credentials over strings the test owns (literals, the vectors' JSON):
 * signing only reads them, and they are never cleared. */
static struct aws_credentials
borrowed(const char *key_id, const char *secret, const char *token)
{
	struct aws_credentials c = {0};

	c.access_key_id = (char *)key_id;
	c.secret_access_key = (char *)secret;
	c.session_token = (char *)token;
	c.expiration = DORMANT_TIME_NONE;
	return c;
}

static void
test_listusers_example(void)
{
	/* The documented example, GET with its query string. */
	const struct dormant_http_header headers[] = {
	        {"Host", "iam.amazonaws.com"},
	        {"Content-Type",
	         "application/x-www-form-urlencoded; charset=utf-8"},
	};
	const struct aws_sigv4_request req = {
	        .method = "GET",
	        .path = "/",
	        .query = "Action=ListUsers&Version=2010-05-08",
	        .headers = headers,
	        .n_headers = 2,
	};
	const struct aws_credentials creds =
	        borrowed("AKIDEXAMPLE", example_secret, NULL);
	struct aws_sigv4_params params = {.region = "us-east-1",
	                                  .service = "iam"};
	struct aws_sigv4_signed s = {0};
	struct dormant_error err = {{0}};
	enum dormant_status st;

	dormant_time_parse_iso8601("2015-08-30T12:36:00Z", &params.time);
	st = aws_sigv4_sign(&req, &creds, &params, &s, &err);
	is_int(st, DORMANT_OK, "ListUsers example: signed (%s)", err.msg);
	is_str(s.canonical_request,
	       "GET\n/\nAction=ListUsers&Version=2010-05-08\n"
	       "content-type:application/x-www-form-urlencoded; "
	       "charset=utf-8\nhost:iam.amazonaws.com\n"
	       "x-amz-date:20150830T123600Z\n\n"
	       "content-type;host;x-amz-date\n"
	       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85"
	       "5",
	       "ListUsers example: canonical request");
	is_str(s.string_to_sign,
	       "AWS4-HMAC-SHA256\n20150830T123600Z\n"
	       "20150830/us-east-1/iam/aws4_request\n"
	       "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a5"
	       "9",
	       "ListUsers example: string to sign");
	is_str(s.signature,
	       "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d"
	       "7",
	       "ListUsers example: signature");
	is_str(s.authorization,
	       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/"
	       "iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, "
	       "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06"
	       "b5924a6f2b5d7",
	       "ListUsers example: Authorization header");
	is_int(s.n_headers, 2, "ListUsers example: X-Amz-Date, Authorization");
	is_str(s.headers[0].value, "20150830T123600Z", "X-Amz-Date value");
	aws_sigv4_signed_free(&s);

	/* The same credentials with a session token: the token is signed. */
	{
		const struct aws_credentials tcreds = borrowed(
		        "ASIAEXAMPLE", example_secret, "TOKEN/with+chars=");

		st = aws_sigv4_sign(&req, &tcreds, &params, &s, &err);
		is_int(st, DORMANT_OK, "with a token: signed");
		ok(s.canonical_request &&
		           strstr(s.canonical_request,
		                  "x-amz-security-token:TOKEN/with+chars=\n") &&
		           strstr(s.canonical_request,
		                  "\ncontent-type;host;x-amz-date;"
		                  "x-amz-security-token\n"),
		   "with a token: x-amz-security-token is signed");
		is_int(s.n_headers, 3, "with a token: three headers to add");
		is_str(s.headers[1].name, "X-Amz-Security-Token",
		       "with a token: header name");
		aws_sigv4_signed_free(&s);
	}

	/* Refusals, and no secret in the message. */
	{
		const struct dormant_http_header nohost[] = {{"X-A", "b"}};
		struct aws_sigv4_request bad = req;

		bad.headers = nohost;
		bad.n_headers = 1;
		st = aws_sigv4_sign(&bad, &creds, &params, &s, &err);
		is_int(st, DORMANT_ERR_USAGE, "no Host header: refused");
		ok(!strstr(err.msg, example_secret), "no secret in the error");
		is_int(s.n_headers, 0, "nothing left on failure");
	}
}

/* ---- AWS's test suite ---- */

struct parsed_request {
	char method[16];
	char *path;  /* owned */
	char *query; /* owned, may be NULL */
	struct dormant_http_header headers[MAX_HEADERS];
	char *names[MAX_HEADERS], *values[MAX_HEADERS];
	size_t n_headers;
	const char *body;
	size_t body_len;
};

static void
request_free(struct parsed_request *r)
{
	free(r->path);
	free(r->query);
	for (size_t i = 0; i < r->n_headers; i++) {
		free(r->names[i]);
		free(r->values[i]);
	}
	memset(r, 0, sizeof(*r));
}

/* request.txt: "METHOD PATH[?QUERY] HTTP/1.1", header lines (a line that
 * starts with blanks continues the previous value), a blank line, the
 * body. */
static bool
parse_request(const char *text, size_t len, struct parsed_request *r)
{
	const char *end = text + len, *p = text, *nl, *sp, *proto;

	memset(r, 0, sizeof(*r));
	nl = memchr(p, '\n', (size_t)(end - p));
	if (!nl)
		return false;
	sp = memchr(p, ' ', (size_t)(nl - p));
	proto = nl;
	while (proto > p && proto[-1] != ' ')
		proto--;
	if (!sp || proto <= sp + 1 || (size_t)(sp - p) >= sizeof(r->method))
		return false;
	memcpy(r->method, p, (size_t)(sp - p));
	r->method[sp - p] = '\0';
	{
		const char *target = sp + 1, *tend = proto - 1;
		const char *q = memchr(target, '?', (size_t)(tend - target));

		r->path = strndup(target, (size_t)((q ? q : tend) - target));
		if (q)
			r->query = strndup(q + 1, (size_t)(tend - q - 1));
	}
	p = nl + 1;
	while (p < end) {
		const char *colon;
		size_t l;

		nl = memchr(p, '\n', (size_t)(end - p));
		l = (size_t)((nl ? nl : end) - p);
		if (l == 0) {
			p++;
			break;
		}
		if ((*p == ' ' || *p == '\t') && r->n_headers) {
			size_t n = r->n_headers - 1;
			size_t old = strlen(r->values[n]);
			char *v = realloc(r->values[n], old + l + 2);

			if (!v)
				return false;
			v[old] = ' ';
			memcpy(v + old + 1, p, l);
			v[old + 1 + l] = '\0';
			r->values[n] = v;
		} else {
			colon = memchr(p, ':', l);
			if (!colon || r->n_headers == MAX_HEADERS)
				return false;
			r->names[r->n_headers] =
			        strndup(p, (size_t)(colon - p));
			r->values[r->n_headers] =
			        strndup(colon + 1, l - (size_t)(colon - p) - 1);
			r->n_headers++;
		}
		p = nl ? nl + 1 : end;
	}
	for (size_t i = 0; i < r->n_headers; i++)
		r->headers[i] =
		        (struct dormant_http_header){r->names[i], r->values[i]};
	r->body = p < end ? p : NULL;
	r->body_len = p < end ? (size_t)(end - p) : 0;
	return true;
}

static bool
read_file(const char *dir, const char *name, struct dormant_buf *b)
{
	char path[4096];

	int n = snprintf(path, sizeof(path), "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= sizeof(path))
		return false;
	return dormant_buf_read_file(b, path, NULL) == DORMANT_OK;
}

/* The Authorization line of header-signed-request.txt. */
static char *
authorization_of(const char *signed_request)
{
	const char *p = strstr(signed_request, "\nAuthorization:");
	size_t l;

	if (!p)
		return NULL;
	p += strlen("\nAuthorization:");
	l = strcspn(p, "\r\n");
	return strndup(p, l);
}

static void
run_case(const char *dir, const char *name)
{
	struct dormant_buf ctx, reqtxt, want;
	struct parsed_request r;
	struct aws_sigv4_params params = {0};
	struct aws_credentials creds;
	struct aws_sigv4_signed s = {0};
	struct dormant_error err = {{0}};
	cJSON *root = NULL, *c;
	const char *region = NULL, *service = NULL, *ts = NULL;
	const char *key_id = NULL, *secret = NULL, *token = NULL;
	char *auth = NULL;
	bool b;

	dormant_buf_init(&ctx, 1 << 20);
	dormant_buf_init(&reqtxt, 1 << 20);
	dormant_buf_init(&want, 1 << 20);
	memset(&r, 0, sizeof(r));
	if (!read_file(dir, "context.json", &ctx) ||
	    !read_file(dir, "request.txt", &reqtxt) ||
	    dormant_json_parse(ctx.data, ctx.len, "context.json", &root,
	                       &err) != DORMANT_OK) {
		ok(0, "%s: read context.json and request.txt", name);
		goto out;
	}
	c = cJSON_GetObjectItemCaseSensitive(root, "credentials");
	dormant_json_string(c, "access_key_id", &key_id, NULL);
	dormant_json_string(c, "secret_access_key", &secret, NULL);
	dormant_json_string(c, "token", &token, NULL);
	creds = borrowed(key_id, secret, token);
	dormant_json_string(root, "region", &region, NULL);
	dormant_json_string(root, "service", &service, NULL);
	dormant_json_string(root, "timestamp", &ts, NULL);
	params.region = region;
	params.service = service;
	if (!ts || !dormant_time_parse_iso8601(ts, &params.time)) {
		ok(0, "%s: timestamp", name);
		goto out;
	}
	dormant_json_bool(root, "normalize", true, &b, NULL);
	params.keep_path = !b;
	dormant_json_bool(root, "sign_body", false, &b, NULL);
	params.sign_body = b;
	dormant_json_bool(root, "omit_session_token", false, &b, NULL);
	params.omit_session_token = b;
	if (!parse_request(reqtxt.data, reqtxt.len, &r)) {
		ok(0, "%s: parse request.txt", name);
		goto out;
	}
	{
		const struct aws_sigv4_request req = {
		        .method = r.method,
		        .path = r.path,
		        .query = r.query,
		        .headers = r.headers,
		        .n_headers = r.n_headers,
		        .body = r.body,
		        .body_len = r.body_len,
		};
		enum dormant_status st =
		        aws_sigv4_sign(&req, &creds, &params, &s, &err);

		if (!ok(st == DORMANT_OK, "%s: signed", name)) {
			printf("#   %s\n", err.msg);
			goto out;
		}
	}
	if (read_file(dir, "header-canonical-request.txt", &want))
		is_str(s.canonical_request, want.data, "%s: canonical request",
		       name);
	else
		ok(0, "%s: header-canonical-request.txt", name);
	if (read_file(dir, "header-string-to-sign.txt", &want))
		is_str(s.string_to_sign, want.data, "%s: string to sign", name);
	else
		ok(0, "%s: header-string-to-sign.txt", name);
	if (read_file(dir, "header-signature.txt", &want))
		is_str(s.signature, want.data, "%s: signature", name);
	else
		ok(0, "%s: header-signature.txt", name);
	if (read_file(dir, "header-signed-request.txt", &want) &&
	    (auth = authorization_of(want.data)))
		is_str(s.authorization, auth, "%s: Authorization header", name);
	else
		ok(0, "%s: Authorization in header-signed-request.txt", name);
out:
	free(auth);
	cJSON_Delete(root);
	request_free(&r);
	aws_sigv4_signed_free(&s);
	dormant_buf_free(&ctx);
	dormant_buf_free(&reqtxt);
	dormant_buf_free(&want);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_suite(void)
{
	const char *base = getenv("SHARED_TESTDATA");
	char dir[4096], sub[4096];
	char *names[256];
	size_t n = 0;
	int k;
	struct dirent *de;
	DIR *d;

	if (!base || !*base) {
		tap_ok(1, "aws-sigv4 suite # SKIP SHARED_TESTDATA not set");
		return;
	}
	k = snprintf(dir, sizeof(dir), "%s/aws-sigv4", base);
	d = k > 0 && (size_t)k < sizeof(dir) ? opendir(dir) : NULL;
	if (!d) {
		tap_ok(1, "aws-sigv4 suite # SKIP %s absent", dir);
		return;
	}
	while ((de = readdir(d)) && n < sizeof(names) / sizeof(*names)) {
		if (de->d_name[0] == '.')
			continue;
		k = snprintf(sub, sizeof(sub), "%s/%s/request.txt", dir,
		             de->d_name);
		if (k > 0 && (size_t)k < sizeof(sub) && access(sub, R_OK) == 0)
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	/* The published suite has 38 header-signing cases. */
	ok(n >= 30, "aws-sigv4 suite: %zu cases found", n);
	for (size_t i = 0; i < n; i++) {
		k = snprintf(sub, sizeof(sub), "%s/%s", dir, names[i]);
		if (k > 0 && (size_t)k < sizeof(sub))
			run_case(sub, names[i]);
		free(names[i]);
	}
}

int
main(void)
{
	test_listusers_example();
	test_suite();
	return tap_done();
}
