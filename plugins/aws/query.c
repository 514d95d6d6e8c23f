/* dormant aws: signed Query API calls (see query.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/buf.h>

#include "query.h"
#include "sigv4.h"

/* The body of a Query request is small; a cap still bounds a bug. */
#define BODY_MAX ((size_t)64 << 10)

struct attempt {
	const struct aws_call *call;
	const char *body;
	size_t body_len;
	struct aws_credentials creds;
	struct aws_sigv4_signed sig;
	struct dormant_http_header headers[2 + AWS_SIGV4_MAX_ADDED];
};

bool
aws_throttling_code(const char *code)
{
	/* The codes the AWS SDKs treat as throttling (standard retry mode,
	 * "Retry behavior", AWS SDKs and Tools Reference Guide). */
	static const char *const codes[] = {
	        "Throttling",
	        "ThrottlingException",
	        "ThrottledException",
	        "RequestThrottledException",
	        "TooManyRequestsException",
	        "ProvisionedThroughputExceededException",
	        "TransactionInProgressException",
	        "RequestLimitExceeded",
	        "BandwidthLimitExceeded",
	        "LimitExceededException",
	        "RequestThrottled",
	        "SlowDown",
	        "PriorRequestNotComplete",
	        "EC2ThrottledException"};

	for (size_t i = 0; i < sizeof(codes) / sizeof(*codes); i++)
		if (strcmp(code, codes[i]) == 0)
			return true;
	return false;
}

static bool
should_retry(void *ctx, const struct dormant_http_response *resp)
{
	struct aws_error_body e;

	(void)ctx;
	if (resp->status != 400 && resp->status != 403)
		return false;
	return aws_xml_error_parse(resp->body, resp->body_len, &e) &&
	       aws_throttling_code(e.code);
}

/* Before each attempt: wait for our slot, then sign with fresh
 * credentials at the current time. */
static enum dormant_status
prepare(void *ctx, struct dormant_http_request *req, struct dormant_error *err)
{
	struct attempt *a = ctx;
	const struct aws_call *c = a->call;
	struct aws_sigv4_params params = {0};
	struct aws_sigv4_request sreq = {0};
	enum dormant_status st;
	size_t n = 0;

	st = dormant_ratelimit_wait(c->pacer, c->host);
	if (st != DORMANT_OK)
		return dormant_error_set(err, st, "interrupted");
	aws_credentials_clear(&a->creds);
	aws_sigv4_signed_free(&a->sig);
	st = aws_credential_source_get(c->creds, NULL, &a->creds, err);
	if (st != DORMANT_OK)
		return st;
	a->headers[n++] = (struct dormant_http_header){"Host", c->ep->host};
	a->headers[n++] = (struct dormant_http_header){
	        "Content-Type",
	        "application/x-www-form-urlencoded; charset=utf-8"};
	sreq.method = "POST";
	sreq.path = c->ep->path;
	sreq.headers = a->headers;
	sreq.n_headers = n;
	sreq.body = a->body;
	sreq.body_len = a->body_len;
	params.region = c->ep->region;
	params.service = c->ep->service;
	params.time = c->host->now(c->host);
	st = aws_sigv4_sign(&sreq, &a->creds, &params, &a->sig, err);
	if (st != DORMANT_OK)
		return st;
	for (size_t i = 0; i < a->sig.n_headers; i++)
		a->headers[n++] = a->sig.headers[i];
	req->headers = a->headers;
	req->n_headers = n;
	return DORMANT_OK;
}

static enum dormant_status
build_body(const char *action, const char *version,
           const struct aws_query_param *params, size_t n,
           struct dormant_buf *body)
{
	enum dormant_status st;

	st = dormant_buf_appendf(body, "Action=%s&Version=%s", action, version);
	for (size_t i = 0; i < n && st == DORMANT_OK; i++) {
		char *k = dormant_http_urlencode(params[i].name);
		char *v = dormant_http_urlencode(params[i].value);

		st = k && v ? dormant_buf_appendf(body, "&%s=%s", k, v)
		            : DORMANT_ERR_NOMEM;
		free(k);
		free(v);
	}
	return st;
}

/* Some AWS services explain a SignatureDoesNotMatch by quoting the
 * canonical request they computed, session token included: never pass
 * that part on. */
static void
cut_quoted_request(struct aws_error_body *e)
{
	static const char *const marks[] = {"Canonical String",
	                                    "canonical request",
	                                    "String-to-Sign", "string to sign"};

	for (size_t i = 0; i < sizeof(marks) / sizeof(*marks); i++) {
		char *p = strstr(e->message, marks[i]);

		if (p)
			*p = '\0';
	}
}

/* The permission an action needs is service:Action (IAM's and STS's
 * action names are their permission names): an AccessDenied names it. */
static enum dormant_status
map_error(const struct aws_call *c, const char *action,
          const struct dormant_http_response *resp, struct aws_error_body *e,
          enum dormant_status send_st, struct dormant_error *err)
{
	const char *svc = c->ep->service;

	cut_quoted_request(e);

	if (!e->code[0]) {
		if (send_st == DORMANT_ERR_THROTTLED)
			return dormant_error_set(err, send_st,
			                         "%s:%s: still throttled (HTTP "
			                         "%ld) after every retry",
			                         svc, action, resp->status);
		return dormant_error_set(err, DORMANT_ERR_HTTP,
		                         "%s:%s: HTTP %ld with no AWS error in "
		                         "the answer",
		                         svc, action, resp->status);
	}
	if (strcmp(e->code, "AccessDenied") == 0 ||
	    strcmp(e->code, "AccessDeniedException") == 0 ||
	    strcmp(e->code, "UnauthorizedOperation") == 0)
		return dormant_error_set(err, DORMANT_ERR_PERMISSION,
		                         "%s:%s: %s: the credentials lack the "
		                         "permission %s:%s (%.300s)",
		                         svc, action, e->code, svc, action,
		                         e->message);
	if (aws_throttling_code(e->code) || send_st == DORMANT_ERR_THROTTLED ||
	    strcmp(e->code, "ServiceUnavailable") == 0)
		return dormant_error_set(err, DORMANT_ERR_THROTTLED,
		                         "%s:%s: %s: still throttled after "
		                         "every retry",
		                         svc, action, e->code);
	if (strcmp(e->code, "InvalidClientTokenId") == 0 ||
	    strcmp(e->code, "SignatureDoesNotMatch") == 0 ||
	    strcmp(e->code, "IncompleteSignature") == 0 ||
	    strcmp(e->code, "MissingAuthenticationToken") == 0 ||
	    strcmp(e->code, "ExpiredToken") == 0 ||
	    strcmp(e->code, "RequestExpired") == 0 ||
	    strcmp(e->code, "InvalidAccessKeyId") == 0 ||
	    strcmp(e->code, "AuthFailure") == 0)
		return dormant_error_set(err, DORMANT_ERR_AUTH,
		                         "%s:%s: %s: the credentials (%s) were "
		                         "refused: %.300s",
		                         svc, action, e->code,
		                         aws_credential_source_name(c->creds),
		                         e->message);
	return dormant_error_set(err,
	                         strcmp(e->code, "NoSuchEntity") == 0
	                                 ? DORMANT_ERR_NOT_FOUND
	                                 : DORMANT_ERR_HTTP,
	                         "%s:%s: %s (HTTP %ld): %.300s", svc, action,
	                         e->code, resp->status, e->message);
}

/* Actions that change nothing (or, for GenerateCredentialReport and
 * AssumeRole, nothing that a second call would change further). */
static bool
reads_only(const char *action)
{
	return strncmp(action, "Get", 3) == 0 ||
	       strncmp(action, "List", 4) == 0 ||
	       strcmp(action, "GenerateCredentialReport") == 0 ||
	       strcmp(action, "AssumeRole") == 0;
}

enum dormant_status
aws_query(const struct aws_call *call, const char *action, const char *version,
          const struct aws_query_param *params, size_t n_params,
          struct dormant_http_response *resp, struct aws_error_body *aerr,
          struct dormant_error *err)
{
	struct dormant_buf body;
	struct aws_error_body local;
	struct attempt a;
	struct dormant_http_request req = {0};
	enum dormant_status st;
	char root[96];
	bool refreshed = false;

	if (snprintf(root, sizeof(root), "%sResponse", action) >=
	    (int)sizeof(root))
		return dormant_error_set(err, DORMANT_ERR_USAGE,
		                         "%s: action name too long", action);
	if (!aerr)
		aerr = &local;
	memset(aerr, 0, sizeof(*aerr));
	memset(&a, 0, sizeof(a));
	dormant_buf_init(&body, BODY_MAX);
	st = build_body(action, version, params, n_params, &body);
	if (st != DORMANT_OK) {
		dormant_error_set(err, st, "%s:%s: %s", call->ep->service,
		                  action, dormant_strerror(st));
		goto out;
	}
	a.call = call;
	a.body = body.data;
	a.body_len = body.len;
	req.method = "POST";
	req.url = call->ep->url;
	req.body = body.data;
	req.body_len = body.len;
	req.prepare = prepare;
	req.should_retry = should_retry;
	req.ctx = &a;
	/* A truncated or garbled answer to a read is read again (the Query
	 * API's reads are POSTs too); a DeleteLoginProfile is not sent again
	 * blindly. */
	req.expect = DORMANT_HTTP_BODY_XML;
	req.expect_xml_root = root;
	req.idempotent = reads_only(action);
again:
	st = dormant_http_send(call->http, &req, resp, err);
	/* A 2xx that is still not XML after every retry: the HTTP layer's
	 * message says so; there is no AWS error in it to map. */
	if (st == DORMANT_ERR_HTTP && resp->status / 100 == 2) {
		dormant_http_response_clear(resp);
		dormant_error_prefix(err, "%s:%s", call->ep->service, action);
		goto out;
	}
	if (st != DORMANT_OK && st != DORMANT_ERR_THROTTLED &&
	    !(st == DORMANT_ERR_HTTP && resp->status)) {
		dormant_error_prefix(err, "%s:%s", call->ep->service, action);
		goto out;
	}
	if (st == DORMANT_OK && resp->status == 200)
		goto out;
	aws_xml_error_parse(resp->body, resp->body_len, aerr);
	if (!refreshed && strcmp(aerr->code, "ExpiredToken") == 0) {
		/* Our clock said they were fresh; the server knows better. */
		refreshed = true;
		aws_credential_source_invalidate(call->creds);
		goto again;
	}
	st = map_error(call, action, resp, aerr, st, err);
	dormant_http_response_clear(resp);
out:
	aws_credentials_clear(&a.creds);
	aws_sigv4_signed_free(&a.sig);
	dormant_buf_free(&body);
	return st;
}

enum dormant_status
aws_http_new(const struct dormant_host *host, long timeout_ms,
             unsigned attempts, struct dormant_http **out,
             struct dormant_error *err)
{
	struct dormant_http_options o = {0};
	const char *bundle = getenv("AWS_CA_BUNDLE");

	o.host = host;
	/* One extra bundle only: --ca-file wins over AWS_CA_BUNDLE. */
	o.ca_file = host->ca_file && *host->ca_file ? host->ca_file
	            : bundle && *bundle             ? bundle
	                                            : NULL;
	o.connect_timeout_ms = timeout_ms;
	o.total_timeout_ms = timeout_ms ? timeout_ms * 2 : 0;
	o.max_attempts = attempts;
	return dormant_http_new(&o, out, err);
}
