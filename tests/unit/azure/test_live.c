/* dormant: the azure provider's live last_login, disable and enable, its
 * token cache and its $batch runner, driven through the descriptor with a
 * fake host against the mock identity platform + Graph
 * (tests/mock/graph_mock.py, started by tests/e2e/azure_actions.test).
 *
 *   test_live CA URL NOPERM_URL APP_PEM
 *        everything against URL (a mock with every role, throttling every
 *        7th request inside batches), then a disable against NOPERM_URL
 *        (a mock without the write roles)
 *   test_live CA URL bench N
 *        disable N users in batches, timed: prints "N batches seconds"
 *
 * The mock's tenant is generated with seed 1 at NOW (below): user i's id
 * and sign-ins are pure functions of i, recomputed here.
 */
#include "config.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include <dormant/buf.h>
#include <dormant/http.h>
#include <dormant/json.h>
#include <dormant/plugin.h>

#include "live.h"
#include "batch.h"
#include "fake_host.h"
#include "graph.h"
#include "tap.h"

extern const struct dormant_provider azure_LTX_dormant_provider;

#define NOW    1795003200LL
#define TENANT "8f3c2a71-5d4e-4b9a-9c1f-2e6d7a0b4c35"
#define CLIENT "3d1c4f0e-7a2b-4c5d-8e9f-0a1b2c3d4e5f"
#define SECRET "Zq8~s3cr3t.Value-0123456789abcdefGHIJ"
#define DAY    86400LL

static const char *mock_url;
static const char *cfg_cert;
/* What every test here hands the provider; its log holds every line
 * logged, for the secrets check at the end. */
static struct fake_host fake;

/* Points the provider (and the mock's control calls) at url. */
static void
use_mock(const char *url)
{
	mock_url = url;
	fake_host_set(&fake, "authority_host", url);
	fake_host_set(&fake, "graph_endpoint", url);
}

/* The mock's user_id(i, 1). */
static void
user_id(long i, char out[40])
{
	snprintf(out, 40, "%08lx-%04lx-4%03lx-8%03x-%012lx",
	         (unsigned long)((i * 2654435761UL + 1) & 0xffffffffUL),
	         (i >> 16) & 0xffff, i & 0xfff, 1, i & 0xffffffffffffL);
}

/* The mock's control record, parsed; the caller frees it. */
static cJSON *
mock_state(void)
{
	struct dormant_http_options o = {0};
	struct dormant_http *http = NULL;
	struct dormant_http_request req = {0};
	struct dormant_http_response resp = {0};
	struct dormant_error err;
	char url[256];
	cJSON *root = NULL;

	o.host = &fake.host;
	snprintf(url, sizeof(url), "%s/_graph/state", mock_url);
	req.method = "GET";
	req.url = url;
	if (dormant_http_new(&o, &http, &err) != DORMANT_OK ||
	    dormant_http_send(http, &req, &resp, &err) != DORMANT_OK ||
	    dormant_json_parse(resp.body, resp.body_len, "state", &root,
	                       &err) != DORMANT_OK) {
		printf("Bail out! mock state: %s\n", err.msg);
		exit(99);
	}
	dormant_http_response_clear(&resp);
	dormant_http_free(http);
	return root;
}

static int
state_count(const char *member)
{
	cJSON *s = mock_state();
	int n = cJSON_GetArraySize(cJSON_GetObjectItem(s, member));

	cJSON_Delete(s);
	return n;
}

static void
revoke_tokens(void)
{
	struct dormant_http_options o = {0};
	struct dormant_http *http = NULL;
	struct dormant_http_request req = {0};
	struct dormant_http_response resp = {0};
	struct dormant_error err;
	char url[256];

	o.host = &fake.host;
	snprintf(url, sizeof(url), "%s/_graph/revoke-tokens", mock_url);
	req.method = "POST";
	req.url = url;
	req.body = "";
	if (dormant_http_new(&o, &http, &err) != DORMANT_OK ||
	    dormant_http_send(http, &req, &resp, &err) != DORMANT_OK) {
		printf("Bail out! revoke tokens: %s\n", err.msg);
		exit(99);
	}
	dormant_http_response_clear(&resp);
	dormant_http_free(http);
}

/* "op id" of each event since `from`, as one string. */
static char *
events_since(int from)
{
	cJSON *s = mock_state(), *e;
	struct dormant_buf b;
	int i = 0;

	dormant_buf_init(&b, 0);
	if (dormant_buf_append(&b, "", 0) != DORMANT_OK)
		abort();
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(s, "events"))
	{
		if (i++ < from)
			continue;
		if (dormant_buf_appendf(
		            &b, "%s%s %s", b.len ? " " : "",
		            cJSON_GetObjectItem(e, "op")->valuestring,
		            cJSON_GetObjectItem(e, "id")->valuestring) !=
		    DORMANT_OK)
			abort();
	}
	cJSON_Delete(s);
	return dormant_buf_steal(&b);
}

struct thread_arg {
	void *h;
	char id[40];
	enum dormant_status st;
	int64_t t;
};

static void *
reread(void *v)
{
	struct thread_arg *a = v;
	struct dormant_error err;

	a->st = azure_LTX_dormant_provider.last_login(a->h, TENANT, a->id, "x",
	                                              &a->t, &err);
	return NULL;
}

static void
test_full(void)
{
	const struct dormant_provider *p = &azure_LTX_dormant_provider;
	struct dormant_error err;
	struct thread_arg args[4];
	pthread_t th[4];
	void *h = NULL;
	int64_t t = 0;
	char id[40], want[128];
	char *ev;
	int base;

	is_int(p->open(&fake.host, &h, &err), DORMANT_OK, "open live (secret)");
	is_str(p->scope_label(h, 0), TENANT, "the scope is the tenant");

	/* User 1: lastSuccessfulSignInDateTime, with a fraction. */
	user_id(1, id);
	is_int(p->last_login(h, TENANT, id, "user000001", &t, &err), DORMANT_OK,
	       "last_login re-reads one user");
	is_int(t, NOW - 319 * DAY - 37, "lastSuccessfulSignInDateTime");
	/* User 2: a spray made lastSignInDateTime recent; the success is
	 * old, and it is the one that counts. */
	user_id(2, id);
	is_int(p->last_login(h, TENANT, id, "user000002", &t, &err), DORMANT_OK,
	       "last_login, user 2");
	is_int(t, NOW - 238 * DAY - 74, "a failed spray does not count");
	user_id(0, id);
	is_int(p->last_login(h, TENANT, id, "user000000", &t, &err), DORMANT_OK,
	       "last_login, user 0");
	ok(t == DORMANT_TIME_NONE, "never signed in");
	is_int(p->last_login(h, TENANT, "00000000-0000-4000-8000-00000000dead",
	                     "ghost", &t, &err),
	       DORMANT_ERR_NOT_FOUND, "an unknown user is not found");
	ok(strstr(err.msg, "no user with id") != NULL, "saying so: %s",
	   err.msg);
	is_int(p->last_login(h, TENANT, "x' or true or id eq 'y", "evil", &t,
	                     &err),
	       DORMANT_ERR_NOT_FOUND,
	       "an id that is not a GUID never reaches "
	       "the OData filter");
	is_int(state_count("token_requests"), 1, "one token for every call");

	/* Several threads at once: one cache, no second token. */
	for (int i = 0; i < 4; i++) {
		args[i].h = h;
		user_id(10 + i, args[i].id);
		pthread_create(&th[i], NULL, reread, &args[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		is_int(args[i].st, DORMANT_OK, "thread %d re-read", i);
	}
	is_int(state_count("token_requests"), 1, "still one token");

	/* A token Graph refuses: a new one, once. */
	revoke_tokens();
	user_id(1, id);
	is_int(p->last_login(h, TENANT, id, "user000001", &t, &err), DORMANT_OK,
	       "a 401 fetches a new token and tries again");
	is_int(state_count("token_requests"), 2, "exactly one new token");
	/* Near its expiry (3599 s), the token is renewed before use. */
	fake.skew = 3400;
	is_int(p->last_login(h, TENANT, id, "user000001", &t, &err), DORMANT_OK,
	       "re-read near the token's expiry");
	is_int(state_count("token_requests"), 3, "renewed before it expired");
	fake.skew = 0;

	/* disable = PATCH accountEnabled=false, then revokeSignInSessions;
	 * enable = the PATCH alone. */
	base = state_count("events");
	user_id(4, id);
	is_int(p->disable(h, TENANT, id, "user000004", &err), DORMANT_OK,
	       "disable");
	ev = events_since(base);
	snprintf(want, sizeof(want), "disable %s revoke %s", id, id);
	is_str(ev, want, "accountEnabled=false, then sessions revoked");
	free(ev);
	is_int(p->disable(h, TENANT, id, "user000004", &err), DORMANT_OK,
	       "disable again is fine (idempotent)");
	base = state_count("events");
	is_int(p->enable(h, TENANT, id, "user000004", &err), DORMANT_OK,
	       "enable");
	ev = events_since(base);
	snprintf(want, sizeof(want), "enable %s", id);
	is_str(ev, want, "accountEnabled=true, nothing else");
	free(ev);
	is_int(p->disable(h, TENANT, "00000000-0000-4000-8000-00000000dead",
	                  "ghost", &err),
	       DORMANT_ERR_NOT_FOUND, "disabling an unknown user fails");
	ok(strstr(err.msg, "Request_ResourceNotFound") != NULL,
	   "with Graph's code: %s", err.msg);

	/* Many at once, in batches of at most 20, with requests throttled
	 * inside the batches (the mock throttles every 7th). */
	{
		struct azure_graph g = {0};
		struct azure_action acts[45];
		char ids[45][40];
		cJSON *s, *e;
		int bad = 0, too_big = 0, order = 0;

		for (int i = 0; i < 45; i++) {
			user_id(100 + i, ids[i]);
			acts[i] = (struct azure_action){.id = ids[i],
			                                .enable = i % 9 == 0};
		}
		base = state_count("events");
		is_int(azure_graph_open(h, &g, &err), DORMANT_OK, "graph");
		is_int(azure_actions_run(&g, acts, 45, &err), DORMANT_OK,
		       "45 actions through $batch");
		azure_graph_close(&g);
		for (int i = 0; i < 45; i++)
			bad += acts[i].status != DORMANT_OK;
		is_int(bad, 0, "every action succeeded");
		s = mock_state();
		cJSON_ArrayForEach(e, cJSON_GetObjectItem(s, "batch_sizes"))
		        too_big += e->valueint > AZURE_BATCH_MAX;
		is_int(too_big, 0, "no batch over 20 requests");
		ok(cJSON_GetObjectItem(cJSON_GetObjectItem(s, "counts"),
		                       "batch_request")
		                   ->valueint >= 45 + 40,
		   "throttled requests were sent again");
		/* Each disabled user: disable before revoke. */
		for (int i = 0; i < 45; i++) {
			int seen_disable = 0, k = 0, ok_i;
			bool revoked = false, enabled = false;

			cJSON_ArrayForEach(e, cJSON_GetObjectItem(s, "events"))
			{
				const char *op, *eid;

				if (k++ < base)
					continue;
				op = cJSON_GetObjectItem(e, "op")->valuestring;
				eid = cJSON_GetObjectItem(e, "id")->valuestring;
				if (strcmp(eid, ids[i]) != 0)
					continue;
				if (strcmp(op, "disable") == 0)
					seen_disable = 1;
				else if (strcmp(op, "revoke") == 0)
					revoked = seen_disable;
				else if (strcmp(op, "enable") == 0)
					enabled = true;
			}
			ok_i = acts[i].enable ? enabled && !seen_disable
			                      : seen_disable && revoked;
			order += !ok_i;
		}
		is_int(order, 0, "disabled then revoked; enabled alone");
		cJSON_Delete(s);
	}
	p->close(h);

	/* A certificate that has expired is named before any request. */
	if (cfg_cert) {
		fake_host_set(&fake, "client_secret", NULL);
		fake.skew = 30 * DAY;
		h = NULL;
		is_int(p->open(&fake.host, &h, &err), DORMANT_ERR_AUTH,
		       "an expired client certificate is refused at open");
		ok(strstr(err.msg, "expired on") != NULL, "saying so: %s",
		   err.msg);
		fake.skew = 0;
		is_int(p->open(&fake.host, &h, &err), DORMANT_OK,
		       "open with the certificate");
		user_id(1, id);
		is_int(p->last_login(h, TENANT, id, "user000001", &t, &err),
		       DORMANT_OK, "a certificate assertion gets a token");
		p->close(h);
		fake_host_set(&fake, "client_secret", SECRET);
	}
}

static void
test_noperm(void)
{
	const struct dormant_provider *p = &azure_LTX_dormant_provider;
	struct dormant_error err;
	void *h = NULL;
	char id[40];

	is_int(p->open(&fake.host, &h, &err), DORMANT_OK, "open live");
	user_id(4, id);
	is_int(p->disable(h, TENANT, id, "user000004", &err),
	       DORMANT_ERR_PERMISSION, "disable without the write permission");
	ok(strstr(err.msg, "User.EnableDisableAccount.All") != NULL,
	   "names the permission: %s", err.msg);
	is_int(state_count("events"), 0, "nothing changed");
	p->close(h);
}

static int
bench(long n)
{
	const struct dormant_provider *p = &azure_LTX_dormant_provider;
	struct dormant_error err;
	struct azure_graph g = {0};
	struct azure_action *acts = calloc((size_t)n, sizeof(*acts));
	char(*ids)[40] = calloc((size_t)n, sizeof(*ids));
	struct timespec a, b;
	void *h = NULL;
	double secs;
	cJSON *s;
	int batches;

	if (!acts || !ids || p->open(&fake.host, &h, &err) != DORMANT_OK ||
	    azure_graph_open(h, &g, &err) != DORMANT_OK) {
		fprintf(stderr, "bench: %s\n", err.msg);
		return 99;
	}
	for (long i = 0; i < n; i++) {
		user_id(i, ids[i]);
		acts[i].id = ids[i];
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	if (azure_actions_run(&g, acts, (size_t)n, &err) != DORMANT_OK) {
		fprintf(stderr, "bench: %s\n", err.msg);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	s = mock_state();
	batches = cJSON_GetArraySize(cJSON_GetObjectItem(s, "batch_sizes"));
	printf("%ld %d %.3f\n", n, batches, secs);
	cJSON_Delete(s);
	azure_graph_close(&g);
	p->close(h);
	free(acts);
	free(ids);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *logged;
	int rc;

	if (argc < 4) {
		fprintf(stderr,
		        "usage: %s CA URL NOPERM_URL [APP_PEM] | "
		        "CA URL bench N\n",
		        argv[0]);
		return 99;
	}
	fake_host_init(&fake, "azure");
	fake.host.ca_file = argv[1];
	fake.host.verbosity = 3;
	fake_host_set(&fake, "tenant_id", TENANT);
	fake_host_set(&fake, "client_id", CLIENT);
	fake_host_set(&fake, "client_secret", SECRET);
	fake_host_set(&fake, "requests_per_minute", "6000000");
	use_mock(argv[2]);
	if (strcmp(argv[3], "bench") == 0)
		return bench(argc > 4 ? strtol(argv[4], NULL, 10) : 1000);
	cfg_cert = argc > 4 ? argv[4] : NULL;
	fake_host_set(&fake, "client_certificate", cfg_cert);
	test_full();
	use_mock(argv[3]);
	test_noperm();
	/* Everything logged at -vvv, HTTP traces included. */
	logged = fake_log_text(&fake.log);
	ok(strstr(logged, "http: > GET /v1.0/users?"), "the HTTP trace was on");
	ok(!strstr(logged, SECRET) && !strstr(logged, "mock.") &&
	           !strstr(logged, "eyJhbGci"),
	   "no secret, token or assertion in any log line");
	rc = tap_done();
	fake_host_free(&fake);
	return rc;
}
