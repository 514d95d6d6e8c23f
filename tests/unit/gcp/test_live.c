/* The gcp provider's live callbacks called directly, as core will call
 * them, against tests/mock/google_mock.py:
 *
 *     test_live MOCK_URL QUOTA_MOCK_URL CA_PEM KEY_JSON QUOTA_KEY_JSON
 *               KEY_PEM
 *
 * MOCK_URL serves 1,000 users with hour-long tokens; QUOTA_MOCK_URL
 * serves 100 users, 4-second tokens and a quota of 10 calls a second per
 * subject (both acting for admin@example.com). One RSA key serves both;
 * each has its key file, whose token_uri names that mock (the JWT's aud).
 * tests/e2e/gcp_actions.test makes the key and the certificates and starts
 * both.
 *
 * What is checked: open() reads config and the key without network;
 * last_login (users.get), disable and enable (users.patch) and what the
 * mock recorded of them; the JWT assertion's claims; least privilege
 * (reads never hold the write scope; a readonly token cannot suspend);
 * token caching, expiry, revocation (401), one fetch for many threads;
 * pacing under a real quota; one clear line for each refusal; and no
 * secret in anything logged at -vvv.
 */
#include "config.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include <dormant/buf.h>
#include <dormant/http.h>
#include <dormant/json.h>
#include <dormant/plugin.h>
#include <dormant/timeutil.h>

#include "fake_host.h"
#include "sa_key.h"
#include "tap.h"
#include "token.h"

extern const struct dormant_provider DORMANT_PROVIDER_EXPORT(gcp);
#define P (&DORMANT_PROVIDER_EXPORT(gcp))

#define WHY(st) ((st) == DORMANT_OK ? "ok" : err.msg)

/* The mock's fixed facts (google_mock.py): user i's id is 10^20 + i. */
#define ID(i)        (ids[i])
#define MISSING_ID   "100000000000000999999" /* past the 1,000 users */
#define KEY_ID       "3f1b0c6e2a9d4c7b8e5f1a2b3c4d5e6f7a8b9c0d"
#define CLIENT_EMAIL "dormant-scan@dormant-test.iam.gserviceaccount.com"
#define RO_SCOPE     "https://www.googleapis.com/auth/admin.directory.user.readonly"
#define RW_SCOPE     "https://www.googleapis.com/auth/admin.directory.user"
#define NOW_ISO      "2026-11-28T12:00:00Z"

static const char *mock_url, *quota_url, *ca_pem, *key_json, *quota_key_json;
static const char *key_pem;
static int64_t now_ref;
static char ids[20][32];

/* -- a host ---------------------------------------------------------------- */

/* Every line any host logged, for the secrets check at the end. */
static struct fake_log all_logs;

/* A host for endpoint acting as subject; requests_per_minute as given. */
static void
host_init(struct fake_host *h, const char *endpoint, const char *subject,
          const char *rpm)
{
	fake_host_init(h, "gcp");
	h->now = now_ref;
	h->tee = &all_logs;
	h->host.ca_file = ca_pem;
	h->host.verbosity = 3; /* HTTP traces too: none may show a secret */
	fake_host_set(h, "credentials_file",
	              strcmp(endpoint, quota_url) == 0 ? quota_key_json
	                                               : key_json);
	fake_host_set(h, "subject", subject);
	fake_host_set(h, "directory_endpoint", endpoint);
	fake_host_set(h, "retries", "2");
	if (rpm)
		fake_host_set(h, "requests_per_minute", rpm);
}

/* -- the mock's control paths ---------------------------------------------- */

static enum dormant_status
mock_call(const char *base, const char *method, const char *path,
          struct dormant_http_response *resp)
{
	struct dormant_http_options o = {.ca_file = ca_pem, .max_attempts = 1};
	struct dormant_http *http = NULL;
	struct dormant_http_request req = {.method = method};
	struct dormant_buf url;
	struct dormant_error err;
	enum dormant_status st;

	dormant_buf_init(&url, 0);
	dormant_buf_appendf(&url, "%s%s", base, path);
	req.url = url.data;
	if (strcmp(method, "POST") == 0) {
		req.body = "";
		req.body_len = 0;
	}
	st = dormant_http_new(&o, &http, &err);
	if (st == DORMANT_OK)
		st = dormant_http_send(http, &req, resp, &err);
	if (st != DORMANT_OK)
		printf("# mock %s %s: %s\n", method, path, err.msg);
	dormant_http_free(http);
	dormant_buf_free(&url);
	return st;
}

/* The mock's recorded state; the caller frees it. */
static cJSON *
mock_state(const char *base)
{
	struct dormant_http_response resp = {0};
	cJSON *root = NULL;

	if (mock_call(base, "GET", "/_mock/gcp/state", &resp) == DORMANT_OK &&
	    resp.status == 200)
		dormant_json_parse(resp.body, resp.body_len, "state", &root,
		                   NULL);
	dormant_http_response_clear(&resp);
	return root;
}

/* state["issued"][scope]: tokens issued for scope so far. */
static int
issued(const char *base, const char *scope)
{
	cJSON *s = mock_state(base);
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(
	        cJSON_GetObjectItemCaseSensitive(s, "issued"), scope);
	int v = cJSON_IsNumber(n) ? n->valueint : s ? 0 : -1;

	cJSON_Delete(s);
	return v;
}

static int
state_int(const char *base, const char *key)
{
	cJSON *s = mock_state(base);
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(s, key);
	int v = cJSON_IsNumber(n) ? n->valueint : -1;

	cJSON_Delete(s);
	return v;
}

static void
mock_post(const char *base, const char *path)
{
	struct dormant_http_response resp = {0};

	if (mock_call(base, "POST", path, &resp) != DORMANT_OK ||
	    resp.status != 200)
		printf("# mock POST %s: HTTP %ld\n", path, resp.status);
	dormant_http_response_clear(&resp);
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t
iso(const char *s)
{
	int64_t t = DORMANT_TIME_NONE;

	dormant_time_parse_iso8601(s, &t);
	return t;
}

/* -- tests ------------------------------------------------------------------
 */

static void
test_open(void)
{
	struct fake_host h;
	struct dormant_error err;
	void *handle = NULL;
	enum dormant_status st;
	int before =
	        state_int(mock_url, "list_calls") + state_int(mock_url, "gets");

	host_init(&h, mock_url, "admin@example.com", NULL);
	st = P->open(&h.host, &handle, &err);
	ok(st == DORMANT_OK && handle, "open: key loaded (%s)", WHY(st));
	is_int(issued(mock_url, RO_SCOPE) + issued(mock_url, RW_SCOPE), 0,
	       "open: no token asked for yet");
	is_int(state_int(mock_url, "list_calls") + state_int(mock_url, "gets"),
	       before, "open: no Directory call");
	is_int(P->scope_count(handle), 1, "one scope");
	is_str(P->scope_label(handle, 0), "my_customer",
	       "label: my_customer by default");
	P->close(handle);
	fake_host_free(&h);

	static const struct {
		const char *key, *val, *needle, *name;
	} bad[] = {
	        {"subject", "", "subject", "no subject"},
	        {"subject", "admin", "subject", "subject not an address"},
	        {"requests_per_minute", "0",
	         "[gcp] requests_per_minute = \"0\": not a whole number "
	         "from 1 to 1000000",
	         "requests_per_minute 0"},
	        {"requests_per_minute", "12x",
	         "[gcp] requests_per_minute = \"12x\": not a whole number "
	         "from 1 to 1000000",
	         "requests_per_minute not a number"},
	        {"retries", "11",
	         "[gcp] retries = \"11\": not a whole number from 0 to 10",
	         "retries past 10"},
	        {"directory_endpoint", "http://127.0.0.1:1", "https://",
	         "plain http endpoint"},
	        {"credentials_file", "/nonexistent/key.json", "nonexistent",
	         "missing key file"},
	        {"credentials_file", "", "GOOGLE_APPLICATION_CREDENTIALS",
	         "no credentials at all"},
	        {"domain", "exa mple.com", "domain", "domain with a space"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		host_init(&h, mock_url, "admin@example.com", NULL);
		fake_host_set(&h, bad[i].key, bad[i].val);
		handle = NULL;
		err.msg[0] = '\0';
		st = P->open(&h.host, &handle, &err);
		ok(st == DORMANT_ERR_CONFIG && !handle &&
		           strstr(err.msg, bad[i].needle) &&
		           !strchr(err.msg, '\n'),
		   "open refuses %s: %s", bad[i].name, err.msg);
		if (handle)
			P->close(handle);
		fake_host_free(&h);
	}

	host_init(&h, mock_url, "admin@example.com", NULL);
	fake_host_set(&h, "customer", "C03mock42");
	fake_host_set(&h, "domain", "example.com");
	handle = NULL;
	st = P->open(&h.host, &handle, &err);
	ok(st == DORMANT_ERR_CONFIG && strstr(err.msg, "not both"),
	   "open refuses customer and domain together: %s", err.msg);
	if (handle)
		P->close(handle);
	fake_host_free(&h);
}

/* The JWT the mock saw last: its header and claims as Google wants them. */
static void
check_assertion(const char *scope, const char *subject)
{
	cJSON *s = mock_state(mock_url);
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(s, "assertions");
	int n = cJSON_GetArraySize(list);
	const cJSON *a = cJSON_GetArrayItem(list, n - 1);
	const cJSON *h = cJSON_GetObjectItemCaseSensitive(a, "header");
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(a, "claims");
	const char *v;
	char aud[512];
	double iat, exp;

#define CLAIM(obj, k)                                                          \
	(dormant_json_string(obj, k, &v, NULL) == DORMANT_OK ? v : NULL)
	snprintf(aud, sizeof(aud), "%s/token", mock_url);
	is_str(CLAIM(h, "alg"), "RS256", "assertion: alg RS256");
	is_str(CLAIM(h, "typ"), "JWT", "assertion: typ JWT");
	is_str(CLAIM(h, "kid"), KEY_ID, "assertion: kid = private_key_id");
	is_str(CLAIM(c, "iss"), CLIENT_EMAIL, "assertion: iss = client_email");
	is_str(CLAIM(c, "sub"), subject, "assertion: sub = the subject");
	is_str(CLAIM(c, "scope"), scope, "assertion: scope %s", scope);
	is_str(CLAIM(c, "aud"), aud, "assertion: aud = the key's token_uri");
#undef CLAIM
	iat = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(c, "iat"));
	exp = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(c, "exp"));
	is_int((long long)(exp - iat), 3600, "assertion: an hour from iat");
	ok(iat > (double)time(NULL) - 120 && iat <= (double)time(NULL) + 1,
	   "assertion: iat is the real clock, not the pinned one");
	cJSON_Delete(s);
}

static void
test_last_login(void)
{
	struct fake_host h;
	struct dormant_error err;
	void *handle = NULL;
	int64_t t = 0;
	enum dormant_status st;
	int gets;

	host_init(&h, mock_url, "admin@example.com", NULL);
	st = P->open(&h.host, &handle, &err);
	ok(st == DORMANT_OK, "open (%s)", WHY(st));
	if (st != DORMANT_OK)
		goto out;

	st = P->last_login(handle, "C03mock42", ID(3), "user000003@example.com",
	                   &t, &err);
	ok(st == DORMANT_OK && t == now_ref - 90 * 86400 - 1,
	   "users.get: 90 days and a second ago, milliseconds dropped (%s)",
	   WHY(st));
	st = P->last_login(handle, "C03mock42", ID(2), NULL, &t, &err);
	ok(st == DORMANT_OK && t == now_ref - 90 * 86400,
	   "users.get: exactly 90 days ago (%s)", WHY(st));
	st = P->last_login(handle, "C03mock42", ID(1), NULL, &t, &err);
	ok(st == DORMANT_OK && t == DORMANT_TIME_NONE,
	   "users.get: the 1970 sentinel reads as never (%s)", WHY(st));
	is_int(issued(mock_url, RO_SCOPE), 1, "one readonly token for all");
	is_int(issued(mock_url, RW_SCOPE), 0, "reads never ask for write");
	check_assertion(RO_SCOPE, "admin@example.com");

	/* The user signs in after the scan: the re-read sees it. */
	{
		char path[128];
		snprintf(path, sizeof(path),
		         "/_mock/gcp/login?id=%s&time=2026-11-27T08:00:00Z",
		         ID(3));
		mock_post(mock_url, path);
	}
	st = P->last_login(handle, "C03mock42", ID(3), NULL, &t, &err);
	ok(st == DORMANT_OK && t == iso("2026-11-27T08:00:00Z"),
	   "users.get: a sign-in since the scan is seen (%s)", WHY(st));

	st = P->last_login(handle, "C03mock42", MISSING_ID, NULL, &t, &err);
	ok(st == DORMANT_ERR_NOT_FOUND && strstr(err.msg, "404") &&
	           strstr(err.msg, MISSING_ID),
	   "users.get of a deleted user: not found, one line: %s", err.msg);

	gets = state_int(mock_url, "gets");
	st = P->last_login(handle, "C03mock42", "../users?x=1", NULL, &t, &err);
	ok(st == DORMANT_ERR_USAGE, "an id that is not digits is refused: %s",
	   err.msg);
	is_int(state_int(mock_url, "gets"), gets, "...without a request");
out:
	if (handle)
		P->close(handle);
	fake_host_free(&h);
}

static bool
last_patch(bool suspended, const char *id)
{
	cJSON *s = mock_state(mock_url);
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(s, "patches");
	const cJSON *p = cJSON_GetArrayItem(list, cJSON_GetArraySize(list) - 1);
	const char *pid = NULL, *sub = NULL;
	bool susp = !suspended, okk;

	dormant_json_string(p, "id", &pid, NULL);
	dormant_json_string(p, "subject", &sub, NULL);
	dormant_json_bool(p, "suspended", !suspended, &susp, NULL);
	okk = pid && strcmp(pid, id) == 0 && sub &&
	      strcmp(sub, "admin@example.com") == 0 && susp == suspended;
	cJSON_Delete(s);
	return okk;
}

static void
test_disable_enable(void)
{
	struct fake_host h;
	struct dormant_error err;
	void *handle = NULL;
	enum dormant_status st;

	host_init(&h, mock_url, "admin@example.com", NULL);
	st = P->open(&h.host, &handle, &err);
	ok(st == DORMANT_OK, "open (%s)", WHY(st));
	if (st != DORMANT_OK)
		goto out;
	st = P->disable(handle, "C03mock42", ID(5), "user000005@example.com",
	                &err);
	ok(st == DORMANT_OK, "disable: users.patch suspended=true (%s)",
	   WHY(st));
	ok(last_patch(true, ID(5)), "the mock suspended user 5");
	is_int(issued(mock_url, RW_SCOPE), 1, "disable asked for write scope");
	check_assertion(RW_SCOPE, "admin@example.com");

	st = P->disable(handle, "C03mock42", ID(5), NULL, &err);
	ok(st == DORMANT_OK, "disable again: idempotent (%s)", WHY(st));
	st = P->enable(handle, "C03mock42", ID(5), NULL, &err);
	ok(st == DORMANT_OK && last_patch(false, ID(5)),
	   "enable: users.patch suspended=false (%s)", WHY(st));
	is_int(issued(mock_url, RW_SCOPE), 1, "the write token is cached");

	st = P->disable(handle, "C03mock42", MISSING_ID, NULL, &err);
	ok(st == DORMANT_ERR_NOT_FOUND && strstr(err.msg, "404"),
	   "disable of a deleted user: not found: %s", err.msg);
out:
	if (handle)
		P->close(handle);
	fake_host_free(&h);
}

/* The mock itself is strict: a readonly token cannot suspend, no token
 * or a made-up one gets 401, and users.list refuses what Google refuses.
 * Tokens come from the plugin's own token code. */
static void
test_mock_strictness(void)
{
	struct fake_host h;
	struct gcp_sa_key key;
	struct gcp_tokens tokens;
	struct dormant_http_options o = {.ca_file = ca_pem, .max_attempts = 1};
	struct dormant_http *http = NULL;
	struct dormant_http_response resp = {0};
	struct dormant_error err;
	char *ro = NULL, *rw = NULL, url[1024], auth[4200];
	enum dormant_status st;

	host_init(&h, mock_url, "admin@example.com", NULL);
	st = gcp_sa_key_load(key_json, &key, &err);
	ok(st == DORMANT_OK, "key loads (%s)", WHY(st));
	if (st != DORMANT_OK)
		goto out_host;
	gcp_tokens_init(&tokens, &key, "admin@example.com", &h.host);
	st = dormant_http_new(&o, &http, &err);
	if (st == DORMANT_OK)
		st = gcp_tokens_get(&tokens, http, GCP_SCOPE_READ, &ro, &err);
	if (st == DORMANT_OK)
		st = gcp_tokens_get(&tokens, http, GCP_SCOPE_WRITE, &rw, &err);
	ok(st == DORMANT_OK, "both tokens (%s)", WHY(st));
	if (st != DORMANT_OK)
		goto out;

	char user7[96];
	snprintf(user7, sizeof(user7), "/admin/directory/v1/users/%s", ID(7));
	struct {
		const char *method, *path, *token, *body, *needle;
		long status;
		const char *name;
	} cases[] = {
	        {"PATCH", user7, ro, "{\"suspended\":true}",
	         "insufficientPermissions", 403,
	         "a readonly token cannot suspend"},
	        {"PATCH", user7, rw, "{\"suspended\":false}", "\"id\"", 200,
	         "a write token can"},
	        {"GET", user7, NULL, NULL, "\"required\"", 401,
	         "no token: 401"},
	        {"GET", user7, "ya29.made-up", NULL, "authError", 401,
	         "a made-up token: 401"},
	        {"GET",
	         "/admin/directory/v1/users?customer=my_customer&bogus=1", ro,
	         NULL, "Unknown name", 400, "unknown parameter: 400"},
	        {"GET",
	         "/admin/directory/v1/users?customer=my_customer"
	         "&fields=users(id,passwordHash)",
	         ro, NULL, "Invalid field selection", 400,
	         "fields= outside the schema: 400"},
	        {"GET",
	         "/admin/directory/v1/users?customer=my_customer"
	         "&maxResults=501",
	         ro, NULL, "[1, 500]", 400, "maxResults 501: 400"},
	        {"GET",
	         "/admin/directory/v1/users?customer=my_customer"
	         "&pageToken=NTAwOnRhbXBlcmVk",
	         ro, NULL, "Invalid page token", 400, "forged page token: 400"},
	        {"GET", "/admin/directory/v1/users?maxResults=10", ro, NULL,
	         "badRequest", 400, "neither customer nor domain: 400"},
	        {"GET",
	         "/admin/directory/v1/users?customer=my_customer"
	         "&maxResults=2&fields=users(id)",
	         ro, NULL, "{\"users\":[{\"id\":\"", 200,
	         "fields= is honoured: only ids"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dormant_http_header hd[2];
		struct dormant_http_request req = {.method = cases[i].method};
		size_t n = 0;

		snprintf(url, sizeof(url), "%s%s", mock_url, cases[i].path);
		req.url = url;
		if (cases[i].token) {
			snprintf(auth, sizeof(auth), "Bearer %s",
			         cases[i].token);
			hd[n++] = (struct dormant_http_header){"Authorization",
			                                       auth};
		}
		if (cases[i].body) {
			hd[n++] = (struct dormant_http_header){
			        "Content-Type", "application/json"};
			req.body = cases[i].body;
			req.body_len = strlen(cases[i].body);
		}
		req.headers = hd;
		req.n_headers = n;
		st = dormant_http_send(http, &req, &resp, &err);
		ok(st == DORMANT_OK && resp.status == cases[i].status &&
		           resp.body && strstr(resp.body, cases[i].needle),
		   "mock: %s (HTTP %ld)", cases[i].name, resp.status);
		dormant_http_response_clear(&resp);
	}
out:
	free(ro);
	free(rw);
	dormant_http_free(http);
	gcp_tokens_destroy(&tokens);
	gcp_sa_key_free(&key);
out_host:
	fake_host_free(&h);
}

static void
test_revoked(void)
{
	struct fake_host h;
	struct dormant_error err;
	void *handle = NULL;
	int64_t t;
	enum dormant_status st;
	int before;

	host_init(&h, mock_url, "admin@example.com", NULL);
	st = P->open(&h.host, &handle, &err);
	if (st == DORMANT_OK)
		st = P->last_login(handle, "s", ID(10), NULL, &t, &err);
	ok(st == DORMANT_OK, "a token in the cache (%s)", WHY(st));
	before = issued(mock_url, RO_SCOPE);
	mock_post(mock_url, "/_mock/gcp/revoke");
	if (st == DORMANT_OK)
		st = P->last_login(handle, "s", ID(10), NULL, &t, &err);
	ok(st == DORMANT_OK, "revoked token: 401, a new token, success (%s)",
	   WHY(st));
	is_int(issued(mock_url, RO_SCOPE), before + 1, "...one new token");
	ok(strstr(fake_log_text(&h.log), "refused (401)") != NULL,
	   "...and a log line says why");
	if (handle)
		P->close(handle);
	fake_host_free(&h);
}

struct worker {
	void *handle;
	const char *id;
	int calls;
	int failures;
	enum dormant_status last;
	char msg[DORMANT_ERROR_MAX];
};

static void *
worker_run(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < w->calls; i++) {
		struct dormant_error err;
		int64_t t;
		enum dormant_status st =
		        P->last_login(w->handle, "s", w->id, NULL, &t, &err);
		if (st != DORMANT_OK) {
			w->failures++;
			w->last = st;
			snprintf(w->msg, sizeof(w->msg), "%s", err.msg);
		}
	}
	return NULL;
}

/* n threads, `calls` last_login each, on one handle. Returns failures. */
static int
run_threads(void *handle, int n, int calls, struct worker *ws)
{
	pthread_t th[16];
	int failures = 0;
	for (int i = 0; i < n; i++) {
		ws[i] = (struct worker){
		        .handle = handle, .id = ID(11 + i % 8), .calls = calls};
		pthread_create(&th[i], NULL, worker_run, &ws[i]);
	}
	for (int i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		failures += ws[i].failures;
	}
	return failures;
}

static void
test_threads(void)
{
	struct fake_host h;
	struct dormant_error err;
	struct worker ws[8];
	void *handle = NULL;
	enum dormant_status st;
	int before = issued(mock_url, RO_SCOPE);

	host_init(&h, mock_url, "admin@example.com", NULL);
	st = P->open(&h.host, &handle, &err);
	ok(st == DORMANT_OK, "open (%s)", WHY(st));
	if (st != DORMANT_OK)
		goto out;
	is_int(run_threads(handle, 8, 3, ws), 0,
	       "8 threads x 3 users.get at once: all answered");
	is_int(issued(mock_url, RO_SCOPE), before + 1,
	       "8 threads on a cold cache: one token request");
out:
	if (handle)
		P->close(handle);
	fake_host_free(&h);
}

static void
test_errors(void)
{
	static const struct {
		const char *subject;
		enum dormant_status want;
		const char *needle, *name;
	} cases[] = {
	        {"staff@example.com", DORMANT_ERR_PERMISSION, "may not read",
	         "a subject that is no admin"},
	        {"nobody@example.com", DORMANT_ERR_AUTH, "set [gcp] subject",
	         "a subject that does not exist"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fake_host h;
		struct dormant_error err;
		void *handle = NULL;
		int64_t t;
		enum dormant_status st;

		host_init(&h, mock_url, cases[i].subject, NULL);
		st = P->open(&h.host, &handle, &err);
		if (st == DORMANT_OK)
			st = P->last_login(handle, "s", ID(10), NULL, &t, &err);
		ok(st == cases[i].want && strstr(err.msg, cases[i].needle) &&
		           strstr(err.msg, cases[i].subject) &&
		           !strchr(err.msg, '\n'),
		   "%s: one line: %s", cases[i].name, err.msg);
		if (handle)
			P->close(handle);
		fake_host_free(&h);
	}

	/* A refusal is remembered: the next calls fail the same way without
	 * another assertion (a run with many actions sends one). */
	{
		struct fake_host h;
		struct dormant_error err, err2;
		void *handle = NULL;
		int64_t t;
		enum dormant_status st, st2 = DORMANT_OK;
		cJSON *s0 = mock_state(mock_url), *s1;
		int n0 = cJSON_GetArraySize(
		        cJSON_GetObjectItemCaseSensitive(s0, "assertions"));

		host_init(&h, mock_url, "nobody@example.com", NULL);
		st = P->open(&h.host, &handle, &err);
		if (st == DORMANT_OK) {
			st = P->last_login(handle, "s", ID(10), NULL, &t, &err);
			st2 = P->last_login(handle, "s", ID(11), NULL, &t,
			                    &err2);
		}
		s1 = mock_state(mock_url);
		ok(st == DORMANT_ERR_AUTH && st2 == DORMANT_ERR_AUTH &&
		           strstr(err2.msg, "set [gcp] subject") &&
		           strstr(err2.msg, ID(11)),
		   "a refused subject fails the next call too: %s", err2.msg);
		is_int(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
		               s1, "assertions")),
		       n0 + 1, "...with one assertion sent, not two");
		cJSON_Delete(s0);
		cJSON_Delete(s1);
		if (handle)
			P->close(handle);
		fake_host_free(&h);
	}

	/* Cancelled: no request leaves. */
	{
		struct fake_host h;
		struct dormant_error err;
		void *handle = NULL;
		int64_t t;
		enum dormant_status st;
		int gets = state_int(mock_url, "gets");

		host_init(&h, mock_url, "admin@example.com", NULL);
		st = P->open(&h.host, &handle, &err);
		h.cancel = true;
		if (st == DORMANT_OK)
			st = P->last_login(handle, "s", ID(10), NULL, &t, &err);
		ok(st == DORMANT_ERR_CANCELLED, "cancelled run: %s", err.msg);
		is_int(state_int(mock_url, "gets"), gets, "...nothing sent");
		if (handle)
			P->close(handle);
		fake_host_free(&h);
	}
}

/* Against the quota mock (10 calls a second per subject). */
static void
test_pacing(void)
{
	struct fake_host h;
	struct dormant_error err;
	struct worker ws[4];
	void *handle = NULL;
	int64_t t0, ms;
	int thr0, failures;
	enum dormant_status st;

	/* 480 a minute = 8 a second, spaced 125 ms across 4 threads. */
	host_init(&h, quota_url, "admin@example.com", "480");
	st = P->open(&h.host, &handle, &err);
	ok(st == DORMANT_OK, "open, 480 requests a minute (%s)", WHY(st));
	if (st != DORMANT_OK)
		goto out;
	thr0 = state_int(quota_url, "throttled");
	t0 = mono_ms();
	failures = run_threads(handle, 4, 5, ws);
	ms = mono_ms() - t0;
	is_int(failures, 0, "paced: 20 calls from 4 threads all answered");
	is_int(state_int(quota_url, "throttled"), thr0,
	       "paced: not one quota answer");
	ok(ms >= 19 * 125 - 50, "paced: 20 calls took %lld ms (>= 2325)",
	   (long long)ms);
	P->close(handle);
	handle = NULL;
	fake_host_free(&h);

	/* The same load unpaced (and without retries) runs into the quota:
	 * what the pacer is for. */
	host_init(&h, quota_url, "admin@example.com", "1000000");
	fake_host_set(&h, "retries", "0");
	st = P->open(&h.host, &handle, &err);
	if (st != DORMANT_OK)
		goto out;
	sleep(1); /* a fresh quota window */
	failures = run_threads(handle, 4, 5, ws);
	ok(failures > 0 && state_int(quota_url, "throttled") > thr0,
	   "unpaced: the quota mock throttles (%d failures)", failures);
	for (int i = 0; i < 4; i++) {
		if (!ws[i].failures)
			continue;
		ok(ws[i].last == DORMANT_ERR_THROTTLED &&
		           strstr(ws[i].msg, "requests_per_minute"),
		   "throttled for good: one line says what to do: %s",
		   ws[i].msg);
		break;
	}
out:
	if (handle)
		P->close(handle);
	fake_host_free(&h);
}

/* The quota mock's tokens live 4 s: renewed after 2 s (half their life),
 * not on every call. */
static void
test_expiry(void)
{
	struct fake_host h;
	struct dormant_error err;
	void *handle = NULL;
	int64_t t;
	enum dormant_status st;
	int before;

	host_init(&h, quota_url, "admin@example.com", "480");
	st = P->open(&h.host, &handle, &err);
	if (st != DORMANT_OK)
		goto out;
	/* Out of the quota window the unpaced test filled: a throttled call
	 * would wait past the token's renewal. */
	usleep(1200 * 1000);
	before = issued(quota_url, RO_SCOPE);
	st = P->last_login(handle, "s", ID(10), NULL, &t, &err);
	if (st == DORMANT_OK)
		st = P->last_login(handle, "s", ID(11), NULL, &t, &err);
	ok(st == DORMANT_OK && issued(quota_url, RO_SCOPE) == before + 1,
	   "short-lived token: one for two quick calls (%s)", WHY(st));
	usleep(2300 * 1000);
	st = P->last_login(handle, "s", ID(12), NULL, &t, &err);
	ok(st == DORMANT_OK && issued(quota_url, RO_SCOPE) == before + 2,
	   "short-lived token: renewed before it expires (%s)", WHY(st));
out:
	if (handle)
		P->close(handle);
	fake_host_free(&h);
}

/* Nothing logged at -vvv shows the private key, a token or an assertion;
 * the traces did run (the Authorization header shows as redacted). */
static void
test_no_secrets(void)
{
	struct dormant_buf pem;
	struct dormant_error err;
	const char *log = fake_log_text(&all_logs);
	char chunk[41] = "";
	const char *body;

	dormant_buf_init(&pem, 1u << 16);
	if (dormant_buf_read_file(&pem, key_pem, &err) == DORMANT_OK &&
	    (body = strchr(pem.data, '\n')) != NULL)
		snprintf(chunk, sizeof(chunk), "%.40s", body + 200);
	ok(strlen(chunk) == 40, "a piece of the private key to look for");
	ok(!strstr(log, chunk), "logs: no private key");
	ok(!strstr(log, "PRIVATE KEY"), "logs: no PEM");
	ok(!strstr(log, "ya29."), "logs: no access token");
	ok(!strstr(log, "eyJ"), "logs: no JWT assertion");
	ok(strstr(log, "Authorization: [redacted]") != NULL,
	   "logs: the HTTP traces ran, redacted");
	dormant_buf_free(&pem);
}

int
main(int argc, char **argv)
{
	if (argc != 7) {
		fprintf(stderr,
		        "usage: %s MOCK_URL QUOTA_URL CA KEY_JSON "
		        "QUOTA_KEY_JSON "
		        "KEY_PEM\n",
		        argv[0]);
		return 2;
	}
	mock_url = argv[1];
	quota_url = argv[2];
	ca_pem = argv[3];
	key_json = argv[4];
	quota_key_json = argv[5];
	key_pem = argv[6];
	now_ref = iso(NOW_ISO);
	for (int i = 0; i < 20; i++)
		snprintf(ids[i], sizeof(ids[i]), "1%020d", i);
	fake_log_init(&all_logs, 64u << 20);

	test_open();
	test_last_login();
	test_disable_enable();
	test_mock_strictness();
	test_revoked();
	test_threads();
	test_errors();
	test_pacing();
	test_expiry();
	test_no_secrets();

	fake_log_free(&all_logs);
	return tap_done();
}
