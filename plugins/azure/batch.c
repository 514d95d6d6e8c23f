/* dormant azure: JSON batching for disable and enable. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>

#include <dormant/buf.h>
#include <dormant/http.h>
#include <dormant/json.h>

#include "live.h"
#include "batch.h"

/* Tries per request, as the HTTP layer's default. */
#define MAX_TRIES 5
/* The longest Retry-After obeyed, as the HTTP layer's default. */
#define RETRY_AFTER_MAX_S 120
#define SLICE_MS          50

enum step { STEP_PATCH, STEP_REVOKE };

static bool
sleep_cancellable(const struct dormant_host *host, long ms)
{
	struct timespec ts;

	while (ms > 0) {
		long slice = ms > SLICE_MS ? SLICE_MS : ms;

		if (host && host->cancelled && host->cancelled(host))
			return false;
		ts.tv_sec = 0;
		ts.tv_nsec = slice * 1000000L;
		nanosleep(&ts, NULL);
		ms -= slice;
	}
	return !(host && host->cancelled && host->cancelled(host));
}

static long
retry_after_of(const cJSON *headers)
{
	const cJSON *h;

	cJSON_ArrayForEach(h, headers)
	{
		double v = -1;

		if (!h->string || strcasecmp(h->string, "Retry-After") != 0)
			continue;
		if (cJSON_IsNumber(h))
			v = h->valuedouble;
		else if (cJSON_IsString(h) && *h->valuestring &&
		         strlen(h->valuestring) < 8 &&
		         strspn(h->valuestring, "0123456789") ==
		                 strlen(h->valuestring))
			v = strtod(h->valuestring, NULL);
		if (v >= 0)
			return v > RETRY_AFTER_MAX_S ? RETRY_AFTER_MAX_S
			                             : (long)v;
	}
	return -1;
}

enum dormant_status
azure_batch_parse(const char *data, size_t len, size_t n,
                  struct azure_batch_reply *replies, struct dormant_error *err)
{
	cJSON *root = NULL;
	const cJSON *responses, *r;
	enum dormant_status st;
	size_t i = 0;

	st = dormant_json_parse(data, len, "$batch answer", &root, err);
	if (st != DORMANT_OK)
		goto out;
	responses = cJSON_GetObjectItemCaseSensitive(root, "responses");
	if (!cJSON_IsArray(responses)) {
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "$batch answer: no \"responses\" array");
		goto out;
	}
	cJSON_ArrayForEach(r, responses)
	{
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(r, "id");
		const cJSON *status =
		        cJSON_GetObjectItemCaseSensitive(r, "status");
		const cJSON *body = cJSON_GetObjectItemCaseSensitive(r, "body");
		char *end;
		long k;

		if (++i > n) {
			st = dormant_error_set(err, DORMANT_ERR_PARSE,
			                       "$batch answer: more responses "
			                       "than requests");
			goto out;
		}
		if (!cJSON_IsString(id) || !cJSON_IsNumber(status)) {
			st = dormant_error_set(
			        err, DORMANT_ERR_PARSE,
			        "$batch answer: response %zu has "
			        "no id or status",
			        i);
			goto out;
		}
		k = strtol(id->valuestring, &end, 10);
		if (*id->valuestring < '1' || *id->valuestring > '9' || *end ||
		    k < 1 || (size_t)k > n || replies[k - 1].seen ||
		    status->valuedouble < 100 || status->valuedouble > 599) {
			st = dormant_error_set(
			        err, DORMANT_ERR_PARSE,
			        "$batch answer: response %zu has "
			        "an unknown or repeated id, or a "
			        "bad status",
			        i);
			goto out;
		}
		replies[k - 1].seen = true;
		replies[k - 1].status = (long)status->valuedouble;
		replies[k - 1].retry_after_s = retry_after_of(
		        cJSON_GetObjectItemCaseSensitive(r, "headers"));
		if (cJSON_IsObject(body)) {
			replies[k - 1].body = cJSON_PrintUnformatted(body);
			if (!replies[k - 1].body) {
				st = dormant_error_set(err, DORMANT_ERR_NOMEM,
				                       "out of memory");
				goto out;
			}
		}
	}
out:
	cJSON_Delete(root);
	return st;
}

static enum dormant_status
add_request(cJSON *requests, size_t k, enum step step, const char *id,
            bool enable)
{
	cJSON *r = cJSON_CreateObject(), *h, *b;
	char num[24], *enc = dormant_http_urlencode(id);
	struct dormant_buf url;
	bool ok;

	dormant_buf_init(&url, 0);
	snprintf(num, sizeof(num), "%zu", k);
	ok = r && enc &&
	     dormant_buf_appendf(&url, "/users/%s%s", enc,
	                         step == STEP_REVOKE ? "/revokeSignInSessions"
	                                             : "") == DORMANT_OK &&
	     cJSON_AddStringToObject(r, "id", num) &&
	     cJSON_AddStringToObject(r, "method",
	                             step == STEP_REVOKE ? "POST" : "PATCH") &&
	     cJSON_AddStringToObject(r, "url", url.data);
	if (ok && step == STEP_PATCH) {
		/* A request with a body must say its Content-Type. */
		h = cJSON_AddObjectToObject(r, "headers");
		b = cJSON_AddObjectToObject(r, "body");
		ok = h && b &&
		     cJSON_AddStringToObject(h, "Content-Type",
		                             "application/json") &&
		     cJSON_AddBoolToObject(b, "accountEnabled", enable);
	}
	free(enc);
	dormant_buf_free(&url);
	if (!ok || !cJSON_AddItemToArray(requests, r)) {
		cJSON_Delete(r);
		return DORMANT_ERR_NOMEM;
	}
	return DORMANT_OK;
}

static void
fail(struct azure_action *a, enum dormant_status st, const char *msg)
{
	a->status = st;
	snprintf(a->error, sizeof(a->error), "%s", msg);
}

/* Sends one batch of up to AZURE_BATCH_MAX actions' `step`; throttled ones
 * are left pending (tries counted), the rest get their result. *wait_s is
 * the longest Retry-After among the throttled. */
static enum dormant_status
send_batch(struct azure_graph *g, struct azure_action **chunk, size_t n,
           enum step step, unsigned *tries, long *wait_s, bool *pending,
           struct dormant_error *err)
{
	struct azure_batch_reply replies[AZURE_BATCH_MAX];
	struct dormant_http_response resp = {0};
	struct azure_graph_call call = {0};
	struct dormant_buf url;
	cJSON *root = cJSON_CreateObject(), *requests;
	char *body = NULL;
	enum dormant_status st = DORMANT_OK;

	memset(replies, 0, sizeof(replies));
	dormant_buf_init(&url, 0);
	requests = root ? cJSON_AddArrayToObject(root, "requests") : NULL;
	if (!requests) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < n; k++)
		if (add_request(requests, k + 1, step, chunk[k]->id,
		                chunk[k]->enable) != DORMANT_OK) {
			st = dormant_error_set(err, DORMANT_ERR_NOMEM,
			                       "out of memory");
			goto out;
		}
	body = cJSON_PrintUnformatted(root);
	if (!body || dormant_buf_appendf(&url, "%s/v1.0/$batch",
	                                 g->az->graph) != DORMANT_OK) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	call.method = "POST";
	call.url = url.data;
	call.body = body;
	call.body_len = strlen(body);
	st = azure_graph_send(g, &call, &resp, err);
	if (st == DORMANT_OK)
		st = azure_batch_parse(resp.body, resp.body_len, n, replies,
		                       err);
	if (st != DORMANT_OK)
		goto out;
	for (size_t k = 0; k < n; k++) {
		struct azure_batch_reply *r = &replies[k];
		struct dormant_error e;
		char where[96];

		snprintf(where, sizeof(where), "%s user %.40s",
		         step == STEP_PATCH ? "PATCH" : "revokeSignInSessions",
		         chunk[k]->id);
		if (!r->seen) {
			fail(chunk[k], DORMANT_ERR_PARSE,
			     "$batch answer has no response for it");
			continue;
		}
		if (r->status >= 200 && r->status <= 299) {
			chunk[k]->status = DORMANT_OK;
			continue;
		}
		if ((r->status == 429 || r->status == 503) &&
		    ++tries[k] < MAX_TRIES) {
			long w = r->retry_after_s >= 0 ? r->retry_after_s
			                               : (long)tries[k];
			if (w > *wait_s)
				*wait_s = w;
			pending[k] = true;
			continue;
		}
		fail(chunk[k],
		     azure_graph_error(r->status, r->body,
		                       r->body ? strlen(r->body) : 0, where,
		                       step == STEP_PATCH
		                               ? "User.EnableDisableAccount.All"
		                               : "User.RevokeSessions.All",
		                       &e),
		     e.msg);
	}
out:
	for (size_t k = 0; k < AZURE_BATCH_MAX; k++)
		free(replies[k].body);
	dormant_http_response_clear(&resp);
	dormant_buf_free(&url);
	free(body);
	cJSON_Delete(root);
	return st;
}

/* Runs `step` for every action in list (n of them) until each has a
 * result. A whole batch that fails (network, throttled past every retry)
 * fails its actions, not the others. */
static enum dormant_status
run_step(struct azure_graph *g, struct azure_action **list, size_t n,
         enum step step, struct dormant_error *err)
{
	unsigned *tries = calloc(n ? n : 1, sizeof(*tries));
	bool *pending = calloc(n ? n : 1, sizeof(*pending));
	size_t left = n;
	enum dormant_status st = DORMANT_OK;

	if (!tries || !pending) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		pending[i] = true;
	while (left > 0) {
		long wait_s = 0;

		for (size_t i = 0; i < n;) {
			struct azure_action *chunk[AZURE_BATCH_MAX];
			unsigned ctries[AZURE_BATCH_MAX];
			bool cpend[AZURE_BATCH_MAX];
			size_t idx[AZURE_BATCH_MAX], k = 0;
			struct dormant_error e;

			for (; i < n && k < AZURE_BATCH_MAX; i++)
				if (pending[i]) {
					idx[k] = i;
					chunk[k] = list[i];
					ctries[k] = tries[i];
					cpend[k] = false;
					pending[i] = false;
					k++;
				}
			if (k == 0)
				break;
			enum dormant_status bst = send_batch(
			        g, chunk, k, step, ctries, &wait_s, cpend, &e);
			if (bst != DORMANT_OK) {
				for (size_t j = 0; j < k; j++)
					fail(chunk[j], bst, e.msg);
				if (bst == DORMANT_ERR_CANCELLED) {
					st = dormant_error_set(
					        err, DORMANT_ERR_CANCELLED,
					        "interrupted");
					goto out;
				}
			}
			for (size_t j = 0; j < k; j++) {
				tries[idx[j]] = ctries[j];
				pending[idx[j]] = cpend[j];
			}
		}
		left = 0;
		for (size_t i = 0; i < n; i++)
			left += pending[i];
		if (left && g->az->host && g->az->host->log)
			g->az->host->log(
			        g->az->host, DORMANT_LOG_INFO,
			        "$batch: %zu requests throttled; again "
			        "in %ld s",
			        left, wait_s);
		if (left && !sleep_cancellable(g->az->host, wait_s * 1000)) {
			st = dormant_error_set(err, DORMANT_ERR_CANCELLED,
			                       "interrupted");
			goto out;
		}
	}
out:
	free(tries);
	free(pending);
	return st;
}

enum dormant_status
azure_actions_run(struct azure_graph *g, struct azure_action *acts, size_t n,
                  struct dormant_error *err)
{
	struct azure_action **list = calloc(n ? n : 1, sizeof(*list));
	size_t m = 0, failed = 0;
	const struct azure_action *first = NULL;
	enum dormant_status st;

	if (!list)
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	for (size_t i = 0; i < n; i++) {
		acts[i].status = DORMANT_ERR_INTERNAL;
		acts[i].error[0] = '\0';
		list[i] = &acts[i];
	}
	st = run_step(g, list, n, STEP_PATCH, err);
	if (st != DORMANT_OK)
		goto out;
	/* Revoke the sessions of those now disabled: a disabled user keeps
	 * working in apps until their refresh tokens are revoked. */
	for (size_t i = 0; i < n; i++)
		if (!acts[i].enable && acts[i].status == DORMANT_OK)
			list[m++] = &acts[i];
	st = run_step(g, list, m, STEP_REVOKE, err);
	if (st != DORMANT_OK)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (acts[i].status != DORMANT_OK) {
			if (!first)
				first = &acts[i];
			failed++;
		}
	if (first)
		st = dormant_error_set(err, first->status, "%s%s",
		                       failed > 1 ? "several actions failed; "
		                                    "first: "
		                                  : "",
		                       first->error);
out:
	free(list);
	return st;
}
