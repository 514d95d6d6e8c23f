/* dormant azure: Microsoft Graph requests, errors and paging. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include <dormant/json.h>

#include "live.h"
#include "graph.h"

#define MAX_PAGES  10000000
#define SHOWN_PATH 120

enum dormant_status
azure_graph_open(struct azure *az, struct azure_graph *g,
                 struct dormant_error *err)
{
	struct dormant_http_options o = {0};

	g->az = az;
	g->http = NULL;
	o.host = az->host;
	return dormant_http_new(&o, &g->http, err);
}

void
azure_graph_close(struct azure_graph *g)
{
	dormant_http_free(g->http);
	g->http = NULL;
}

/* "GET /v1.0/users": method and path, never the query (skip tokens) nor
 * the host (the same for every call). */
static void
describe(char *out, size_t outsz, const char *method, const char *url)
{
	const char *p = strstr(url, "://");
	size_t n;

	p = p ? p + 3 : url;
	p += strcspn(p, "/");
	n = strcspn(p, "?#");
	if (n > SHOWN_PATH)
		n = SHOWN_PATH;
	snprintf(out, outsz, "%s %.*s", method, (int)n, p);
}

static enum dormant_status
status_of(long http_status)
{
	switch (http_status) {
	case 401: return DORMANT_ERR_AUTH;
	case 403: return DORMANT_ERR_PERMISSION;
	case 404: return DORMANT_ERR_NOT_FOUND;
	case 429:
	case 503: return DORMANT_ERR_THROTTLED;
	default: return DORMANT_ERR_HTTP;
	}
}

enum dormant_status
azure_graph_error(long status, const char *body, size_t len, const char *where,
                  const char *needs, struct dormant_error *err)
{
	cJSON *root = NULL;
	const cJSON *e, *code, *msg;
	const char *c = NULL, *m = NULL, *hint = NULL;
	char hintbuf[256];
	enum dormant_status st = status_of(status);

	if (body && len &&
	    dormant_json_parse(body, len, "Graph error", &root, NULL) ==
	            DORMANT_OK) {
		e = cJSON_GetObjectItemCaseSensitive(root, "error");
		code = cJSON_GetObjectItemCaseSensitive(e, "code");
		msg = cJSON_GetObjectItemCaseSensitive(e, "message");
		c = cJSON_IsString(code) ? code->valuestring : NULL;
		m = cJSON_IsString(msg) ? msg->valuestring : NULL;
	}
	/* Graph answers 403 with this code when the tenant has no Entra ID
	 * P1/P2 licence, which signInActivity needs ("List users", note on
	 * signInActivity). */
	if (c &&
	    strcmp(c,
	           "Authentication_RequestFromNonPremiumTenantOrB2CTenant") ==
	            0)
		hint = "reading sign-in activity needs a Microsoft Entra ID P1 "
		       "or P2 licence in the tenant";
	else if (status == 403 && needs) {
		snprintf(hintbuf, sizeof(hintbuf),
		         "grant the application permission %s (with admin "
		         "consent)",
		         needs);
		hint = hintbuf;
	} else if (status == 401)
		hint = "the access token was refused";
	else if (status == 429 || status == 503)
		hint = "still throttled after every retry";
	dormant_error_set(err, st, "%s: HTTP %ld%s%.80s%s%.200s%s%s", where,
	                  status, c ? " " : "", c ? c : "", m ? ": " : "",
	                  m ? m : "", hint ? "; " : "", hint ? hint : "");
	cJSON_Delete(root);
	return st;
}

struct send_ctx {
	struct azure_graph *g;
	const struct azure_graph_call *call;
	struct dormant_http_header headers[5];
	char *token;  /* owned: the token of the last attempt */
	char *auth;   /* owned: "Bearer <token>" */
	bool refresh; /* the last token was refused: get another */
};

static void
drop_secret(char **s)
{
	if (*s) {
		dormant_wipe(*s, strlen(*s));
		free(*s);
	}
	*s = NULL;
}

static enum dormant_status
prepare(void *vctx, struct dormant_http_request *req, struct dormant_error *err)
{
	struct send_ctx *ctx = vctx;
	struct azure *az = ctx->g->az;
	char *token = NULL;
	size_t n = 0, len;
	enum dormant_status st;

	if (ctx->call->paced &&
	    dormant_ratelimit_wait(az->pacer, az->host) != DORMANT_OK)
		return dormant_error_set(err, DORMANT_ERR_CANCELLED,
		                         "interrupted");
	st = azure_token_get(&az->tokens, &az->creds, az->host, ctx->g->http,
	                     ctx->refresh ? ctx->token : NULL, &token, err);
	if (st != DORMANT_OK)
		return st;
	ctx->refresh = false;
	drop_secret(&ctx->token);
	drop_secret(&ctx->auth);
	ctx->token = token;
	len = strlen(token) + sizeof("Bearer ");
	ctx->auth = malloc(len);
	if (!ctx->auth)
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	snprintf(ctx->auth, len, "Bearer %s", token);
	ctx->headers[n++] =
	        (struct dormant_http_header){"Authorization", ctx->auth};
	ctx->headers[n++] =
	        (struct dormant_http_header){"Accept", "application/json"};
	if (ctx->call->body)
		ctx->headers[n++] = (struct dormant_http_header){
		        "Content-Type", "application/json"};
	if (ctx->call->consistency)
		ctx->headers[n++] = (struct dormant_http_header){
		        "ConsistencyLevel", ctx->call->consistency};
	req->headers = ctx->headers;
	req->n_headers = n;
	return DORMANT_OK;
}

enum dormant_status
azure_graph_send(struct azure_graph *g, const struct azure_graph_call *call,
                 struct dormant_http_response *resp, struct dormant_error *err)
{
	struct send_ctx ctx = {.g = g, .call = call};
	struct dormant_http_request req = {0};
	char where[SHOWN_PATH + 16];
	enum dormant_status st;

	describe(where, sizeof(where), call->method, call->url);
	req.method = call->method;
	req.url = call->url;
	req.body = call->body;
	req.body_len = call->body ? call->body_len : 0;
	req.prepare = prepare;
	req.ctx = &ctx;
	/* A truncated or garbled page is read again, not a failed scope;
	 * only reads are sent again (GET), never a PATCH or a $batch. */
	req.expect = DORMANT_HTTP_BODY_JSON;
	/* Twice at most: a 401 means the cached token was revoked or has
	 * expired early; one new token settles it, a second 401 does not. */
	for (int round = 0; round < 2; round++) {
		st = dormant_http_send(g->http, &req, resp, err);
		if (st == DORMANT_ERR_THROTTLED || st == DORMANT_ERR_HTTP) {
			/* Retries ran out; resp holds the last answer. */
			st = azure_graph_error(resp->status, resp->body,
			                       resp->body_len, where,
			                       call->needs, err);
			dormant_http_response_clear(resp);
			goto out;
		}
		if (st != DORMANT_OK)
			goto out;
		if (resp->status == 401 && round == 0) {
			ctx.refresh = true;
			continue;
		}
		break;
	}
	if (resp->status < 200 || resp->status > 299) {
		st = azure_graph_error(resp->status, resp->body, resp->body_len,
		                       where, call->needs, err);
		dormant_http_response_clear(resp);
	}
out:
	drop_secret(&ctx.token);
	drop_secret(&ctx.auth);
	return st;
}

/* Only links back to the same Graph origin are followed. */
static bool
same_origin(const char *graph, const char *link)
{
	size_t n = strlen(graph);

	return strncmp(link, graph, n) == 0 && link[n] == '/';
}

enum dormant_status
azure_graph_pages(struct azure_graph *g, const struct azure_graph_call *first,
                  azure_page_fn on_page, void *ctx, struct dormant_error *err)
{
	struct azure_graph_call call = *first;
	struct dormant_http_response resp = {0};
	char *url = NULL, *next = NULL;
	enum dormant_status st = DORMANT_OK;

	for (size_t page = 0; page < MAX_PAGES; page++) {
		st = azure_graph_send(g, &call, &resp, err);
		if (st != DORMANT_OK)
			goto out;
		st = on_page(ctx, resp.body, resp.body_len, &next, err);
		dormant_http_response_clear(&resp);
		if (st != DORMANT_OK || !next)
			goto out;
		if (!same_origin(g->az->graph, next)) {
			char where[SHOWN_PATH + 16];

			describe(where, sizeof(where), first->method,
			         first->url);
			st = dormant_error_set(err, DORMANT_ERR_PARSE,
			                       "%s: @odata.nextLink points "
			                       "outside %s: refused",
			                       where, g->az->graph);
			goto out;
		}
		free(url);
		url = next;
		next = NULL;
		call.url = url;
	}
	st = dormant_error_set(err, DORMANT_ERR_PARSE,
	                       "more than %d pages: refusing to go on",
	                       MAX_PAGES);
out:
	dormant_http_response_clear(&resp);
	free(url);
	free(next);
	return st;
}
