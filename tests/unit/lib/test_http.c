/* dormant: tests of the HTTP layer against tests/mock/http_mock.py.
 *
 *     test_http BASE_URL CA_PEM OTHER_CA_PEM
 *
 * tests/e2e/http.test makes the certificates, starts the mock and runs this.
 * Backoff is kept to a few milliseconds so the whole run takes seconds;
 * the Retry-After cases wait for real and measure it.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <dormant/buf.h>
#include <dormant/http.h>
#include <dormant/plugin.h>
#include <dormant/timeutil.h>

#include "tap.h"

/* The error line, for a test name, only when there is one to show. */
#define WHY(st) ((st) == DORMANT_OK ? "ok" : err.msg)

static const char *base_url;
static const char *ca_pem;
static const char *other_ca_pem;

/* A host that records what the layer logs, and can be told to cancel. */
struct test_host {
	struct dormant_host host; /* first: the layer hands it back */
	struct dormant_buf log;
	int cancel_mode;      /* 0 never, 1 always, 2 after a retry, 3 timer */
	int64_t cancel_at_ms; /* mode 3 */
	unsigned retries_seen;
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

__attribute__((format(printf, 3, 4))) static void
host_log(const struct dormant_host *host, enum dormant_log_level level,
         const char *fmt, ...)
{
	struct test_host *th = (struct test_host *)host;
	char line[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (level == DORMANT_LOG_INFO && strstr(line, "; retry "))
		th->retries_seen++;
	dormant_buf_appendf(&th->log, "%d %s\n", (int)level, line);
}

static bool
host_cancelled(const struct dormant_host *host)
{
	const struct test_host *th = (const struct test_host *)host;

	switch (th->cancel_mode) {
	case 1: return true;
	case 2: return th->retries_seen > 0;
	case 3: return now_ms() >= th->cancel_at_ms;
	default: return false;
	}
}

static void
host_init(struct test_host *th, int verbosity)
{
	memset(th, 0, sizeof(*th));
	th->host.struct_size = sizeof(th->host);
	th->host.provider = "test";
	th->host.log = host_log;
	th->host.cancelled = host_cancelled;
	th->host.verbosity = verbosity;
	dormant_buf_init(&th->log, 0);
	dormant_buf_append(&th->log, "", 0);
}

static void
opts_init(struct dormant_http_options *o, const char *ca)
{
	memset(o, 0, sizeof(*o));
	o->ca_file = ca;
	o->backoff_base_ms = 10;
	o->backoff_max_ms = 40;
	o->connect_timeout_ms = 2000;
	o->total_timeout_ms = 5000;
}

static char *
url(const char *path)
{
	struct dormant_buf b;

	dormant_buf_init(&b, 0);
	dormant_buf_appendf(&b, "%s%s", base_url, path);
	return dormant_buf_steal(&b);
}

/* One request with default options; returns the status, fills resp. */
static enum dormant_status
get(struct dormant_http *http, const char *path,
    struct dormant_http_response *resp, struct dormant_error *err)
{
	struct dormant_http_request req = {.method = "GET"};
	enum dormant_status st;
	char *u = url(path);

	req.url = u;
	st = dormant_http_send(http, &req, resp, err);
	free(u);
	return st;
}

/* The mock's own count of requests for a path. */
static long
mock_count(const char *path)
{
	struct dormant_http_options o;
	struct dormant_http *http = NULL;
	struct dormant_http_response resp = {0};
	struct dormant_error err;
	struct dormant_buf q;
	const char *p;
	long n = -1;

	opts_init(&o, ca_pem);
	dormant_buf_init(&q, 0);
	dormant_buf_appendf(&q, "/_mock/count?path=%s", path);
	if (dormant_http_new(&o, &http, &err) == DORMANT_OK &&
	    get(http, q.data, &resp, &err) == DORMANT_OK &&
	    (p = strstr(resp.body, "\"count\": ")))
		n = strtol(p + 9, NULL, 10);
	dormant_http_response_clear(&resp);
	dormant_http_free(http);
	dormant_buf_free(&q);
	return n;
}

static long
client_port(const struct dormant_http_response *r)
{
	const char *p = r->body ? strstr(r->body, "\"client_port\": ") : NULL;

	return p ? strtol(p + 15, NULL, 10) : -1;
}

/* A port on 127.0.0.1 where nothing listens: bound, then released. */
static int
closed_port(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static void
test_backoff(void)
{
	struct dormant_http_options o;
	int64_t date;
	bool in_bounds = true;

	memset(&o, 0, sizeof(o));
	o.backoff_base_ms = 100;
	o.backoff_max_ms = 1000;
	o.retry_after_max_ms = 5000;
	is_int(dormant_http_backoff_ms(&o, 1, NULL, 0, 0.0), 0,
	       "backoff: jitter 0 waits 0");
	is_int(dormant_http_backoff_ms(&o, 1, NULL, 0, 0.999), 99,
	       "backoff: first retry waits under base");
	is_int(dormant_http_backoff_ms(&o, 2, NULL, 0, 0.5), 100,
	       "backoff: second retry spans 2 * base");
	is_int(dormant_http_backoff_ms(&o, 3, NULL, 0, 0.5), 200,
	       "backoff: third retry spans 4 * base");
	is_int(dormant_http_backoff_ms(&o, 10, NULL, 0, 0.999), 999,
	       "backoff: capped at backoff_max_ms");
	is_int(dormant_http_backoff_ms(&o, 4000000000u, NULL, 0, 0.5), 500,
	       "backoff: a huge retry number stays at the cap");
	is_int(dormant_http_backoff_ms(&o, 0, NULL, 0, 0.5), 50,
	       "backoff: retry 0 counts as the first");
	is_int(dormant_http_backoff_ms(&o, 1, NULL, 0, 1.5), 0,
	       "backoff: rand01 out of range is ignored");
	for (unsigned r = 1; r <= 12; r++) {
		long span = 100L << (r - 1) > 1000 ? 1000 : 100L << (r - 1);

		for (int i = 0; i < 100; i++) {
			long w = dormant_http_backoff_ms(&o, r, NULL, 0,
			                                 i / 100.0);
			if (w < 0 || w >= span)
				in_bounds = false;
		}
	}
	ok(in_bounds, "backoff: full jitter stays in [0, min(base*2^n, cap))");
	is_int(dormant_http_backoff_ms(&o, 1, "3", 0, 0.5), 3000,
	       "backoff: Retry-After seconds");
	is_int(dormant_http_backoff_ms(&o, 1, " 2 ", 0, 0.5), 2000,
	       "backoff: Retry-After with spaces");
	is_int(dormant_http_backoff_ms(&o, 1, "0", 0, 0.5), 0,
	       "backoff: Retry-After 0");
	is_int(dormant_http_backoff_ms(&o, 1, "3600", 0, 0.5), 5000,
	       "backoff: Retry-After capped at retry_after_max_ms");
	is_int(dormant_http_backoff_ms(&o, 1, "99999999999999999999999", 0,
	                               0.5),
	       5000, "backoff: an absurd Retry-After is capped, not wrapped");
	ok(dormant_time_parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", &date),
	   "backoff: HTTP-date fixture parses");
	is_int(dormant_http_backoff_ms(&o, 1, "Sun, 06 Nov 1994 08:49:37 GMT",
	                               date - 4, 0.5),
	       4000, "backoff: Retry-After HTTP-date relative to now");
	is_int(dormant_http_backoff_ms(&o, 1, "Sun, 06 Nov 1994 08:49:37 GMT",
	                               date + 60, 0.5),
	       0, "backoff: Retry-After HTTP-date in the past waits 0");
	is_int(dormant_http_backoff_ms(&o, 1, "Sun, 06 Nov 1994 08:49:37 GMT",
	                               date - 86400, 0.5),
	       5000, "backoff: far HTTP-date capped");
	is_int(dormant_http_backoff_ms(&o, 1, "soon", 0, 0.5), 50,
	       "backoff: garbage Retry-After ignored");
	is_int(dormant_http_backoff_ms(&o, 1, "-5", 0, 0.5), 50,
	       "backoff: negative Retry-After ignored");
	is_int(dormant_http_backoff_ms(&o, 1, "1.5", 0, 0.5), 50,
	       "backoff: fractional Retry-After ignored");
	is_int(dormant_http_backoff_ms(&o, 1, "", 0, 0.5), 50,
	       "backoff: empty Retry-After ignored");
	is_int(dormant_http_backoff_ms(&o, 1, "Sun, 06 Nov 1994 08:49:37 UTC",
	                               0, 0.5),
	       50, "backoff: malformed HTTP-date ignored");
	is_int(dormant_http_backoff_ms(NULL, 1, NULL, 0, 0.5), 250,
	       "backoff: defaults (base 500 ms)");
	is_int(dormant_http_backoff_ms(NULL, 20, NULL, 0, 0.5), 15000,
	       "backoff: defaults (cap 30 s)");
	is_int(dormant_http_backoff_ms(NULL, 1, "1000", 0, 0.5), 120000,
	       "backoff: defaults (Retry-After at most 120 s)");
}

static void
test_helpers(void)
{
	struct dormant_http_response r = {0};
	char *s;

	s = dormant_http_urlencode("a b/c~d_e.f-\xc3\xa9?&=+");
	is_str(s, "a%20b%2Fc~d_e.f-%C3%A9%3F%26%3D%2B",
	       "urlencode keeps unreserved only");
	free(s);
	s = dormant_http_urlencode("");
	is_str(s, "", "urlencode of empty string");
	free(s);
	r.kept[0] = strdup("text/plain");
	ok(dormant_http_response_header(&r, "content-TYPE") == r.kept[0],
	   "response header by name, any case");
	ok(dormant_http_response_header(&r, "Location") == NULL,
	   "absent kept header is NULL");
	ok(dormant_http_response_header(&r, "X-Other") == NULL,
	   "header not kept is NULL");
	dormant_http_response_clear(&r);
	ok(r.kept[0] == NULL && r.body == NULL, "response_clear empties");
}

static void
test_basic(void)
{
	struct dormant_http_options o;
	struct dormant_http *http = NULL;
	struct dormant_http_response resp = {0};
	struct dormant_error err = {""};
	struct dormant_http_header hdrs[] = {
	        {"X-Test", "hello world"},
	        {"Content-Type", "application/x-www-form-urlencoded"},
	};
	struct dormant_http_request req = {.method = "POST"};
	enum dormant_status st;
	char *u;

	opts_init(&o, ca_pem);
	st = dormant_http_new(&o, &http, &err);
	is_int(st, DORMANT_OK, "client with ca_file: %s", WHY(st));

	st = get(http, "/echo?a=1&b=two", &resp, &err);
	is_int(st, DORMANT_OK, "GET with the CA: %s", WHY(st));
	is_int(resp.status, 200, "GET status");
	is_int(resp.attempts, 1, "GET took one attempt");
	ok(resp.body && strstr(resp.body, "\"method\": \"GET\""),
	   "GET reached the server as GET");
	ok(resp.body && strstr(resp.body, "\"b\": [\n   \"two\""),
	   "GET query arrived");
	ok(resp.body &&
	           strstr(resp.body,
	                  "\"User-Agent\": \"dormant/" PACKAGE_VERSION "\""),
	   "default User-Agent is dormant/VERSION");
	ok(resp.body && strlen(resp.body) == resp.body_len,
	   "body is NUL-terminated at body_len");
	is_str(resp.content_type, "application/json", "Content-Type kept");
	ok(dormant_http_response_header(&resp, "content-type") ==
	           resp.content_type,
	   "Content-Type through response_header");
	ok(dormant_http_response_header(&resp, "x-amzn-requestid") &&
	           strncmp(dormant_http_response_header(&resp,
	                                                "x-amzn-requestid"),
	                   "req-", 4) == 0,
	   "x-amzn-RequestId kept");
	ok(resp.retry_after == NULL, "no Retry-After on a 200");
	ok(dormant_http_response_header(&resp, "Set-Cookie") != NULL,
	   "any header is kept");

	st = get(http, "/headers", &resp, &err);
	is_int(st, DORMANT_OK, "GET /headers: %s", WHY(st));
	is_str(dormant_http_response_header(&resp, "LINK"),
	       "<https://x.test/u?limit=2>; rel=\"self\", "
	       "<https://x.test/u?after=a%2Cb&limit=2>; rel=\"next\"",
	       "a header on two lines reads as one, joined with \", \"");
	is_str(dormant_http_response_header(&resp, "x-rate-limit-remaining"),
	       "41", "a header between the two kept too");
	ok(dormant_http_response_header(&resp, "X-Huge") == NULL,
	   "a value over 8 KiB is dropped");
	ok(dormant_http_response_header(&resp, "X-Absent") == NULL,
	   "an absent header is NULL");

	u = url("/echo");
	req.url = u;
	req.headers = hdrs;
	req.n_headers = 2;
	req.body = "client_id=abc&scope=x%20y";
	req.body_len = strlen(req.body);
	st = dormant_http_send(http, &req, &resp, &err);
	is_int(st, DORMANT_OK, "POST: %s", WHY(st));
	ok(resp.body && strstr(resp.body, "\"method\": \"POST\""),
	   "POST method");
	ok(resp.body &&
	           strstr(resp.body, "\"body\": \"client_id=abc&scope=x%20y\""),
	   "POST body round-trip");
	ok(resp.body && strstr(resp.body, "\"X-Test\": \"hello world\""),
	   "request header round-trip");
	ok(resp.body &&
	           strstr(resp.body, "\"Content-Type\": "
	                             "\"application/x-www-form-urlencoded\""),
	   "caller's Content-Type sent");
	ok(resp.body && !strstr(resp.body, "\"Expect\""),
	   "no Expect: 100-continue");

	req.method = "PATCH";
	req.headers = NULL;
	req.n_headers = 0;
	req.body = "{\"accountEnabled\":false}";
	req.body_len = strlen(req.body);
	st = dormant_http_send(http, &req, &resp, &err);
	is_int(st, DORMANT_OK, "PATCH: %s", WHY(st));
	ok(resp.body && strstr(resp.body, "\"method\": \"PATCH\"") &&
	           strstr(resp.body, "accountEnabled"),
	   "PATCH method and body");

	req.method = "DELETE";
	req.body = NULL;
	req.body_len = 0;
	st = dormant_http_send(http, &req, &resp, &err);
	ok(st == DORMANT_OK && resp.body &&
	           strstr(resp.body, "\"method\": \"DELETE\"") &&
	           strstr(resp.body, "\"body\": \"\""),
	   "DELETE without body");

	req.method = "POST";
	st = dormant_http_send(http, &req, &resp, &err);
	ok(st == DORMANT_OK && resp.body &&
	           strstr(resp.body, "\"Content-Length\": \"0\""),
	   "POST without body sends Content-Length: 0");

	req.method = "GE T";
	st = dormant_http_send(http, &req, &resp, &err);
	is_int(st, DORMANT_ERR_USAGE, "invalid method refused");

	{
		struct dormant_http_header bad[] = {
		        {"X-Evil", "a\r\nAuthorization: x"}};

		req.method = "GET";
		req.headers = bad;
		req.n_headers = 1;
		st = dormant_http_send(http, &req, &resp, &err);
		is_int(st, DORMANT_ERR_USAGE, "header with CRLF refused");
		ok(resp.body == NULL, "no answer on a refused request");
	}
	free(u);

	/* The layer sends the body as given: bytes past a NUL included. */
	u = url("/echo");
	memset(&req, 0, sizeof(req));
	req.method = "PUT";
	req.url = u;
	req.body = "abc";
	req.body_len = 2;
	st = dormant_http_send(http, &req, &resp, &err);
	ok(st == DORMANT_OK && resp.body &&
	           strstr(resp.body, "\"body\": \"ab\""),
	   "PUT sends exactly body_len bytes");
	free(u);

	dormant_http_response_clear(&resp);
	dormant_http_free(http);
}

static void
test_tls(void)
{
	struct dormant_http_options o;
	struct dormant_http *http = NULL;
	struct dormant_http_response resp = {0};
	struct dormant_error err = {""};
	enum dormant_status st;
	char want[256];

	opts_init(&o, NULL);
	st = dormant_http_new(&o, &http, &err);
	is_int(st, DORMANT_OK, "client without ca_file");
	st = get(http, "/echo?token=SECRETQUERY", &resp, &err);
	is_int(st, DORMANT_ERR_NETWORK, "TLS refused without the CA");
	ok(strstr(err.msg, "TLS certificate not trusted") &&
	           strstr(err.msg, "--ca-file"),
	   "error says the certificate is not trusted: %s", err.msg);
	snprintf(want, sizeof(want), "GET %s/echo: ", base_url);
	ok(strncmp(err.msg, want, strlen(want)) == 0,
	   "error names method and URL");
	ok(!strstr(err.msg, "SECRETQUERY"), "error hides the query string");
	ok(resp.body == NULL && resp.status == 0, "no answer when TLS fails");
	dormant_http_free(http);
	http = NULL;

	opts_init(&o, other_ca_pem);
	st = dormant_http_new(&o, &http, &err);
	is_int(st, DORMANT_OK, "client with an unrelated CA");
	st = get(http, "/echo", &resp, &err);
	is_int(st, DORMANT_ERR_NETWORK, "an unrelated extra CA does not help");
	dormant_http_free(http);
	http = NULL;

	opts_init(&o, "/nonexistent/ca.pem");
	st = dormant_http_new(&o, &http, &err);
	is_int(st, DORMANT_ERR_CONFIG, "missing ca_file refused");
	ok(strstr(err.msg, "/nonexistent/ca.pem") != NULL,
	   "missing ca_file named: %s", err.msg);
	ok(http == NULL, "no client on failure");

	opts_init(&o, "/dev/null");
	st = dormant_http_new(&o, &http, &err);
	is_int(st, DORMANT_ERR_CONFIG, "ca_file without a certificate refused");

	/* host->ca_file is used when the options give none. */
	{
		struct test_host th;

		host_init(&th, 0);
		th.host.ca_file = ca_pem;
		opts_init(&o, NULL);
		o.host = &th.host;
		st = dormant_http_new(&o, &http, &err);
		if (st == DORMANT_OK)
			st = get(http, "/echo", &resp, &err);
		is_int(st, DORMANT_OK, "host->ca_file trusted: %s", WHY(st));
		dormant_http_free(http);
		dormant_buf_free(&th.log);
	}
	dormant_http_response_clear(&resp);
}

static void
test_retries(void)
{
	struct dormant_http_options o;
	struct dormant_http *http = NULL;
	struct dormant_http_response resp = {0};
	struct dormant_error err = {""};
	struct test_host th;
	enum dormant_status st;
	int64_t t0, dt;
	int port;

	host_init(&th, 0);
	opts_init(&o, ca_pem);
	o.host = &th.host;
	o.max_attempts = 4;
	dormant_http_new(&o, &http, &err);

	st = get(http, "/flaky/a?fail=1", &resp, &err);
	is_int(st, DORMANT_OK, "503 then 200: %s", WHY(st));
	is_int(resp.status, 200, "503 then 200: final status");
	is_int(resp.attempts, 2, "503 then 200: two attempts");
	is_int(mock_count("/flaky/a"), 2, "503 then 200: mock saw two");
	ok(strstr(th.log.data, "2 GET ") &&
	           strstr(th.log.data, "/flaky/a: HTTP 503; retry 1 of 3 in "),
	   "retry logged at INFO with reason and wait");

	t0 = now_ms();
	st = get(http, "/flaky/b?fail=1&code=429&ra=1", &resp, &err);
	dt = now_ms() - t0;
	is_int(st, DORMANT_OK, "429 Retry-After 1 then 200");
	ok(dt >= 950 && dt < 3000,
	   "429 Retry-After: 1 waited about a second (%lld ms), over the "
	   "40 ms backoff cap",
	   (long long)dt);
	ok(strstr(th.log.data,
	          "HTTP 429, Retry-After 1; retry 1 of 3 in 1000 ms"),
	   "the log says Retry-After was obeyed");

	t0 = now_ms();
	st = get(http, "/flaky/c?fail=1&code=503&ra=date:2", &resp, &err);
	dt = now_ms() - t0;
	is_int(st, DORMANT_OK, "503 with an HTTP-date Retry-After then 200");
	ok(dt >= 900 && dt < 3500, "HTTP-date Retry-After waited (%lld ms)",
	   (long long)dt);

	st = get(http, "/status/503", &resp, &err);
	is_int(st, DORMANT_ERR_THROTTLED, "always 503: throttled in the end");
	is_int(resp.status, 503, "always 503: last answer kept");
	is_int(resp.attempts, 4, "always 503: max_attempts attempts");
	is_int(mock_count("/status/503"), 4, "always 503: mock saw exactly 4");
	ok(strstr(err.msg, "HTTP 503 after 4 attempts") != NULL,
	   "always 503: clear error: %s", err.msg);

	st = get(http, "/status/429", &resp, &err);
	is_int(st, DORMANT_ERR_THROTTLED, "always 429: throttled");

	st = get(http, "/status/502", &resp, &err);
	is_int(st, DORMANT_ERR_HTTP, "always 502: HTTP error after retries");
	is_int(mock_count("/status/502"), 4, "always 502: mock saw exactly 4");
	ok(resp.body && strcmp(resp.body, "status 502\n") == 0,
	   "always 502: last answer kept");

	st = get(http, "/status/404", &resp, &err);
	is_int(st, DORMANT_OK, "404 is an answer, not retried");
	is_int(mock_count("/status/404"), 1, "404 sent once");
	st = get(http, "/status/501", &resp, &err);
	ok(st == DORMANT_OK && resp.status == 501, "501 is not retried");

	/* A fresh client: on a reused connection, curl itself retries once
	 * when the server drops it, which would hide one attempt. */
	{
		struct dormant_http *fresh = NULL;

		dormant_http_new(&o, &fresh, &err);
		st = get(fresh, "/reset/r?fail=2", &resp, &err);
		is_int(st, DORMANT_OK, "connection reset retried: %s", WHY(st));
		is_int(resp.attempts, 3,
		       "connection reset: third attempt answered");
		is_int(mock_count("/reset/r"), 3,
		       "connection reset: mock saw 3");
		dormant_http_free(fresh);
	}

	port = closed_port();
	{
		struct dormant_http_request req = {.method = "GET"};
		char u[128];

		snprintf(u, sizeof(u), "https://127.0.0.1:%d/x?secret=1", port);
		req.url = u;
		th.retries_seen = 0;
		t0 = now_ms();
		st = dormant_http_send(http, &req, &resp, &err);
		dt = now_ms() - t0;
		is_int(st, DORMANT_ERR_NETWORK, "connection refused: network");
		is_int(th.retries_seen, 3,
		       "connection refused: retried up to the bound");
		ok(strstr(err.msg, "connection failed after 4 attempts"),
		   "connection refused: clear error: %s", err.msg);
		ok(!strstr(err.msg, "secret"), "refused: no query in error");
		ok(dt < 2000, "connection refused: fast with small backoff");
	}
	dormant_http_free(http);
	http = NULL;

	/* Timeouts are per attempt and count as retryable failures. */
	opts_init(&o, ca_pem);
	o.total_timeout_ms = 300;
	o.max_attempts = 2;
	dormant_http_new(&o, &http, &err);
	t0 = now_ms();
	st = get(http, "/slow?ms=1500", &resp, &err);
	dt = now_ms() - t0;
	is_int(st, DORMANT_ERR_NETWORK, "timeout: network error");
	ok(strstr(err.msg, "timed out after 2 attempts") != NULL,
	   "timeout: clear error: %s", err.msg);
	ok(dt < 1400, "timeout: total_timeout_ms obeyed (%lld ms)",
	   (long long)dt);
	dormant_http_free(http);

	dormant_http_response_clear(&resp);
	dormant_buf_free(&th.log);
}

struct hook_ctx {
	unsigned should_retry_calls;
	unsigned prepare_calls;
	struct dormant_http_header auth[1];
	char token[64];
};

static bool
throttling_400(void *ctx, const struct dormant_http_response *r)
{
	struct hook_ctx *c = ctx;

	c->should_retry_calls++;
	return r->status == 400 && r->body && strstr(r->body, "Throttling");
}

/* As SigV4 does: a fresh header for each attempt. */
static enum dormant_status
prepare(void *ctx, struct dormant_http_request *req, struct dormant_error *err)
{
	struct hook_ctx *c = ctx;

	(void)err;
	c->prepare_calls++;
	snprintf(c->token, sizeof(c->token), "Bearer attempt-%u",
	         c->prepare_calls);
	c->auth[0].name = "Authorization";
	c->auth[0].value = c->token;
	req->headers = c->auth;
	req->n_headers = 1;
	return DORMANT_OK;
}

static enum dormant_status
prepare_fails(void *ctx, struct dormant_http_request *req,
              struct dormant_error *err)
{
	(void)ctx;
	(void)req;
	return dormant_error_set(err, DORMANT_ERR_AUTH, "no credentials");
}

/* A 2xx whose body is cut short or garbled: retried when the request is
 * idempotent and says what it expects, never for a mutation. */
static void
test_garbled(void)
{
	struct dormant_http_options o;
	struct dormant_http *http = NULL;
	struct dormant_http_response resp = {0};
	struct dormant_error err = {""};
	struct dormant_http_request req = {.method = "GET",
	                                   .expect = DORMANT_HTTP_BODY_JSON};
	enum dormant_status st;
	char *u;

	opts_init(&o, ca_pem);
	o.max_attempts = 4;
	dormant_http_new(&o, &http, &err);

	u = url("/garble/g1?fail=2");
	req.url = u;
	st = dormant_http_send(http, &req, &resp, &err);
	is_int(st, DORMANT_OK, "garbled JSON 200 twice, then whole: %s",
	       WHY(st));
	is_int(resp.attempts, 3, "garbled JSON: retried until whole");
	ok(resp.body && strcmp(resp.body, "{\"value\": [1, 2, 3]}\n") == 0,
	   "garbled JSON: the whole body in the end");
	free(u);

	u = url("/garble/g2?fail=10");
	req.url = u;
	st = dormant_http_send(http, &req, &resp, &err);
	is_int(st, DORMANT_ERR_HTTP, "always garbled: an HTTP error");
	is_int(mock_count("/garble/g2"), 4,
	       "always garbled: max_attempts sent");
	ok(strstr(err.msg,
	          "HTTP 200 whose body is not JSON after 4 attempts") != NULL,
	   "always garbled: says so: %s", err.msg);
	free(u);

	u = url("/garble/g3?fail=1&kind=xml");
	req.url = u;
	req.method = "POST";
	req.idempotent = true; /* AWS's Query API reads are POSTs */
	req.expect = DORMANT_HTTP_BODY_XML;
	st = dormant_http_send(http, &req, &resp, &err);
	is_int(st, DORMANT_OK, "garbled XML to an idempotent POST: retried");
	is_int(resp.attempts, 2, "garbled XML: two attempts");
	free(u);

	u = url("/garble/g6?fail=1&kind=xhtml");
	req.url = u;
	req.expect_xml_root = "R";
	st = dormant_http_send(http, &req, &resp, &err);
	is_int(st, DORMANT_OK,
	       "a well-formed page that is not the answer (root html, not "
	       "R): retried");
	is_int(resp.attempts, 2, "the wrong root: two attempts");
	free(u);

	u = url("/garble/g7?fail=10&kind=xhtml");
	req.url = u;
	st = dormant_http_send(http, &req, &resp, &err);
	ok(st == DORMANT_ERR_HTTP &&
	           strstr(err.msg, "not the XML answer expected") != NULL,
	   "always the wrong root: says so: %s", err.msg);
	req.expect_xml_root = NULL;
	free(u);

	u = url("/garble/g4?fail=1&kind=xml");
	req.url = u;
	req.idempotent = false;
	st = dormant_http_send(http, &req, &resp, &err);
	ok(st == DORMANT_OK && resp.attempts == 1 &&
	           mock_count("/garble/g4") == 1,
	   "a mutation's garbled answer is not sent again blindly");
	free(u);

	u = url("/garble/g5?fail=1");
	req.url = u;
	req.method = "GET";
	req.expect = DORMANT_HTTP_BODY_ANY;
	st = dormant_http_send(http, &req, &resp, &err);
	ok(st == DORMANT_OK && resp.attempts == 1,
	   "a request that expects nothing in particular takes the body");
	free(u);

	dormant_http_response_clear(&resp);
	dormant_http_free(http);
}

static void
test_hooks(void)
{
	struct dormant_http_options o;
	struct dormant_http *http = NULL;
	struct dormant_http_response resp = {0};
	struct dormant_error err = {""};
	struct dormant_http_request req = {.method = "GET"};
	struct hook_ctx c;
	enum dormant_status st;
	char *u;

	opts_init(&o, ca_pem);
	o.max_attempts = 4;
	dormant_http_new(&o, &http, &err);

	memset(&c, 0, sizeof(c));
	u = url("/throttle400/h?fail=2");
	req.url = u;
	req.should_retry = throttling_400;
	req.ctx = &c;
	st = dormant_http_send(http, &req, &resp, &err);
	is_int(st, DORMANT_OK, "should_retry: throttling 400 retried");
	is_int(resp.status, 200, "should_retry: final 200");
	is_int(resp.attempts, 3, "should_retry: three attempts");
	is_int(c.should_retry_calls, 3, "should_retry called per answer");
	free(u);

	u = url("/throttle400/h2?fail=1");
	req.url = u;
	req.should_retry = NULL;
	st = dormant_http_send(http, &req, &resp, &err);
	ok(st == DORMANT_OK && resp.status == 400 && resp.attempts == 1,
	   "without the hook a 400 is the answer");
	free(u);

	u = url("/throttle400/h3?fail=10");
	req.url = u;
	req.should_retry = throttling_400;
	st = dormant_http_send(http, &req, &resp, &err);
	is_int(st, DORMANT_ERR_THROTTLED, "should_retry: throttled in the end");
	is_int(resp.status, 400, "should_retry: last answer kept");
	free(u);

	memset(&c, 0, sizeof(c));
	u = url("/flaky/p?fail=2");
	req.url = u;
	req.should_retry = NULL;
	req.prepare = prepare;
	st = dormant_http_send(http, &req, &resp, &err);
	is_int(st, DORMANT_OK, "prepare: request succeeds");
	is_int(c.prepare_calls, 3, "prepare called once per attempt");
	ok(resp.body && strstr(resp.body, "Bearer attempt-3"),
	   "the last attempt carried the last prepared header");
	ok(req.headers == NULL, "caller's request left unchanged");
	free(u);

	u = url("/echo");
	req.url = u;
	req.prepare = prepare_fails;
	st = dormant_http_send(http, &req, &resp, &err);
	is_int(st, DORMANT_ERR_AUTH, "prepare failure stops the request");
	ok(strstr(err.msg, "/echo: no credentials") != NULL,
	   "prepare failure message: %s", err.msg);
	free(u);

	dormant_http_response_clear(&resp);
	dormant_http_free(http);
}

static void
test_limits_and_reuse(void)
{
	struct dormant_http_options o;
	struct dormant_http *http = NULL, *other = NULL;
	struct dormant_http_response resp = {0};
	struct dormant_error err = {""};
	enum dormant_status st;
	long p1, p2, p3;

	opts_init(&o, ca_pem);
	o.max_body_bytes = 1000;
	dormant_http_new(&o, &http, &err);
	st = get(http, "/big?bytes=100000", &resp, &err);
	is_int(st, DORMANT_ERR_TOO_LARGE, "body over max_body_bytes");
	ok(strstr(err.msg, "larger than 1000 bytes") != NULL,
	   "size error says the cap: %s", err.msg);
	ok(resp.body == NULL, "no body kept past the cap");
	is_int(mock_count("/big"), 1, "size cap is not retried");
	st = get(http, "/big?bytes=1000", &resp, &err);
	ok(st == DORMANT_OK && resp.body_len == 1000,
	   "body of exactly max_body_bytes accepted");
	st = get(http, "/big?bytes=1001", &resp, &err);
	is_int(st, DORMANT_ERR_TOO_LARGE, "one byte over the cap refused");

	st = get(http, "/echo", &resp, &err);
	p1 = client_port(&resp);
	st = get(http, "/echo", &resp, &err);
	p2 = client_port(&resp);
	ok(p1 > 0 && p1 == p2, "two requests share one connection (%ld, %ld)",
	   p1, p2);
	dormant_http_new(&o, &other, &err);
	st = get(other, "/echo", &resp, &err);
	p3 = client_port(&resp);
	ok(p3 > 0 && p3 != p1, "another client has its own connection");
	dormant_http_free(other);

	dormant_http_response_clear(&resp);
	dormant_http_free(http);
}

static void
test_trace(void)
{
	struct dormant_http_options o;
	struct dormant_http *http = NULL;
	struct dormant_http_response resp = {0};
	struct dormant_error err = {""};
	struct test_host th;
	struct dormant_http_header hdrs[] = {
	        {"Authorization", "Bearer SECRETTOKEN"},
	        {"Cookie", "c=SECRETCOOKIE"},
	        {"X-Amz-Security-Token", "SECRETSTS"},
	        {"Proxy-Authorization", "Basic SECRETPROXY"},
	        {"X-Visible", "shown"},
	};
	struct dormant_http_request req = {.method = "POST"};
	enum dormant_status st;
	const char *log;
	int failed_before;
	char *u;

	failed_before = tap_failed;
	host_init(&th, 3);
	opts_init(&o, ca_pem);
	o.host = &th.host;
	dormant_http_new(&o, &http, &err);
	u = url("/echo?page=2");
	req.url = u;
	req.headers = hdrs;
	req.n_headers = sizeof(hdrs) / sizeof(hdrs[0]);
	req.body = "client_secret=SECRETBODY";
	req.body_len = strlen(req.body);
	st = dormant_http_send(http, &req, &resp, &err);
	is_int(st, DORMANT_OK, "traced request works");
	ok(resp.body && strstr(resp.body, "SECRETTOKEN") &&
	           strstr(resp.body, "SECRETBODY"),
	   "the secrets did reach the server (so their absence below counts)");
	log = th.log.data;
	ok(strstr(log, "3 http: > POST /echo?page=2 HTTP/1.1") != NULL,
	   "trace shows the request line at DEBUG");
	ok(strstr(log, "3 http: < HTTP/1.1 200 OK") != NULL,
	   "trace shows the status line");
	ok(strstr(log, "3 http: > X-Visible: shown") != NULL,
	   "trace shows ordinary headers");
	ok(strstr(log, "3 http: > Authorization: [redacted]") != NULL,
	   "trace shows that Authorization was sent");
	ok(!strstr(log, "SECRETTOKEN"), "trace hides the Authorization value");
	ok(!strstr(log, "SECRETCOOKIE"), "trace hides Cookie");
	ok(!strstr(log, "SECRETSTS"), "trace hides X-Amz-Security-Token");
	ok(!strstr(log, "SECRETPROXY"), "trace hides Proxy-Authorization");
	ok(!strstr(log, "SECRETSETCOOKIE"), "trace hides Set-Cookie");
	ok(!strstr(log, "SECRETBODY") && !strstr(log, "client_port"),
	   "trace shows neither request nor response body");
	free(u);
	dormant_http_free(http);
	if (tap_failed > failed_before)
		printf("# trace:\n%s", log);
	dormant_buf_free(&th.log);

	host_init(&th, 2);
	opts_init(&o, ca_pem);
	o.host = &th.host;
	dormant_http_new(&o, &http, &err);
	st = get(http, "/echo", &resp, &err);
	ok(st == DORMANT_OK && th.log.len == 0, "no trace below verbosity 3");
	dormant_http_free(http);
	dormant_buf_free(&th.log);
	dormant_http_response_clear(&resp);
}

static void
test_cancel(void)
{
	struct dormant_http_options o;
	struct dormant_http *http = NULL;
	struct dormant_http_response resp = {0};
	struct dormant_error err = {""};
	struct test_host th;
	enum dormant_status st;
	int64_t t0, dt;

	host_init(&th, 0);
	opts_init(&o, ca_pem);
	o.host = &th.host;
	o.backoff_base_ms = 5000;
	o.backoff_max_ms = 5000;
	dormant_http_new(&o, &http, &err);

	th.cancel_mode = 1;
	st = get(http, "/flaky/k0", &resp, &err);
	is_int(st, DORMANT_ERR_CANCELLED, "cancelled before the first attempt");
	is_int(mock_count("/flaky/k0"), 0, "nothing sent once cancelled");

	th.cancel_mode = 2;
	t0 = now_ms();
	st = get(http, "/status/503?ra=5", &resp, &err);
	dt = now_ms() - t0;
	is_int(st, DORMANT_ERR_CANCELLED, "cancelled during a backoff wait");
	ok(dt < 1500, "backoff wait interrupted promptly (%lld ms)",
	   (long long)dt);
	ok(resp.body == NULL, "no answer when cancelled");

	th.cancel_mode = 3;
	th.cancel_at_ms = now_ms() + 300;
	t0 = now_ms();
	st = get(http, "/slow?ms=4000", &resp, &err);
	dt = now_ms() - t0;
	is_int(st, DORMANT_ERR_CANCELLED, "cancelled during a transfer");
	ok(dt < 2500, "transfer interrupted promptly (%lld ms)", (long long)dt);

	dormant_http_free(http);
	dormant_buf_free(&th.log);
	dormant_http_response_clear(&resp);
}

int
main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s BASE_URL CA_PEM OTHER_CA_PEM\n",
		        argv[0]);
		return 2;
	}
	base_url = argv[1];
	ca_pem = argv[2];
	other_ca_pem = argv[3];

	test_backoff();
	test_helpers();
	test_basic();
	test_tls();
	test_retries();
	test_garbled();
	test_hooks();
	test_limits_and_reuse();
	test_trace();
	test_cancel();
	return tap_done();
}
