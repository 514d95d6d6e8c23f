/* dormant aws: one call of the AWS Query API (IAM, STS), signed.
 *
 * The Query protocol (IAM API Reference, "Making Query requests"): an
 * HTTPS POST to the endpoint with an application/x-www-form-urlencoded;
 * charset=utf-8 body holding Action, Version and the action's
 * parameters, signed with SigV4; the answer is XML. Errors are an
 * <ErrorResponse> with a Code (IAM API Reference, "Common Errors").
 *
 * Each attempt is paced and signed afresh (the signature covers the time
 * and must be less than 5 minutes old), with credentials their source
 * refreshes when due (credentials.h). Throttling that AWS sends as HTTP
 * 400 (Throttling, RequestLimitExceeded, ...) is retried like 429 and
 * 503. An ExpiredToken answer makes the source fetch new credentials,
 * then the call is tried once more.
 */
#ifndef DORMANT_AWS_QUERY_H
#define DORMANT_AWS_QUERY_H

#include <stddef.h>

#include <dormant/http.h>
#include <dormant/plugin.h>
#include <dormant/ratelimit.h>
#include <dormant/status.h>

#include "credentials.h"
#include "endpoints.h"
#include "iam_xml.h"

#define AWS_IAM_VERSION "2010-05-08"
#define AWS_STS_VERSION "2011-06-15"

struct aws_query_param {
	const char *name;
	const char *value;
};

/* What a call needs; nothing here is owned. One http client per thread. */
struct aws_call {
	struct dormant_http *http;
	const struct dormant_host *host;
	const struct aws_endpoint *ep;
	struct aws_credential_source *creds;
	struct dormant_ratelimit *pacer; /* the account's pace; NULL: none */
};

/* Sends Action=action&Version=version&params... On HTTP 200, DORMANT_OK
 * with the answer in resp (release it with dormant_http_response_clear).
 * An AWS error is mapped to a status (AccessDenied: PERMISSION, the
 * signature and token errors: AUTH, NoSuchEntity: NOT_FOUND, throttling
 * after every retry: THROTTLED, others: HTTP), with its code in aerr
 * (may be NULL) and one line in err: "iam:ListUsers: CODE: message",
 * plus the permission to grant for AccessDenied. */
enum dormant_status
aws_query(const struct aws_call *call, const char *action, const char *version,
          const struct aws_query_param *params, size_t n_params,
          struct dormant_http_response *resp, struct aws_error_body *aerr,
          struct dormant_error *err);

/* True for the error codes AWS uses for throttling. */
bool aws_throttling_code(const char *code);

/* A new HTTP client for AWS calls: the extra CA is --ca-file / ca_file,
 * else AWS_CA_BUNDLE (the SDKs' variable). timeout_ms 0: the defaults;
 * attempts 0: the default retries. *out is the caller's. */
enum dormant_status aws_http_new(const struct dormant_host *host,
                                 long timeout_ms, unsigned attempts,
                                 struct dormant_http **out,
                                 struct dormant_error *err);

#endif /* DORMANT_AWS_QUERY_H */
