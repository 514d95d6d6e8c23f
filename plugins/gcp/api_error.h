/* dormant gcp: the error body of Google APIs (Directory API included).
 *
 * Google's JSON error format ("Google API design guide", Errors; the
 * Directory API "Limits and quotas" page shows the reasons):
 *   {"error": {"code": 403, "message": "Not Authorized to access this
 *     resource/api", "errors": [{"message": "...", "domain": "global",
 *     "reason": "forbidden"}], "status": "PERMISSION_DENIED",
 *     "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
 *                  "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT", ...}]}}
 * The legacy "errors[].reason" carries what a client acts on
 * (userRateLimitExceeded, notFound, ...); newer answers add the
 * google.rpc "status" and ErrorInfo reasons.
 */
#ifndef DORMANT_GCP_API_ERROR_H
#define DORMANT_GCP_API_ERROR_H

#include <stdbool.h>
#include <stddef.h>

struct gcp_api_error {
	bool parsed;       /* the body was a Google error object */
	long code;         /* error.code, 0 when absent */
	char reason[64];   /* error.errors[0].reason */
	char status[48];   /* error.status */
	char info[64];     /* error.details[] ErrorInfo reason */
	char message[200]; /* error.message, printable ASCII, cut to fit */
};

/* Reads what it can; never fails (an unparsable body leaves every field
 * empty and parsed false). */
void gcp_api_error_parse(const char *body, size_t len,
                         struct gcp_api_error *out);

/* The quota answers of the Directory API "Limits and quotas" page, to be
 * retried with exponential backoff: 403 userRateLimitExceeded, 403
 * quotaExceeded, 403/429 rateLimitExceeded (429 is retried anyway). */
bool gcp_api_error_is_rate_limit(long http_status,
                                 const struct gcp_api_error *e);

#endif /* DORMANT_GCP_API_ERROR_H */
