/* dormant: the HTTP client every provider shares, over libcurl.
 *
 * - TLS is always verified (peer and host name); ca_file adds a bundle on
 *   top of the system's (TLS-inspecting proxies, tests).
 * - Proxies come from the standard environment (https_proxy, HTTPS_PROXY,
 *   no_proxy, ...), as curl reads them.
 * - One client keeps its connections open across requests; a client is
 *   used by one thread at a time (core gives each scan thread its own).
 * - Retries: 429, 500, 502, 503, 504 and connection errors are retried
 *   with exponential backoff and full jitter, waiting at least what a
 *   Retry-After header asks (seconds or HTTP-date), up to max_attempts
 *   attempts in all. A provider can add its own retryable answers (AWS
 *   sends throttling as 400 with an error code in the body). A 2xx
 *   answer to an idempotent request whose body is not the JSON or XML the
 *   request expects (truncated, garbled) is retried like a 5xx; a
 *   mutation's is not (the caller re-reads before trying again).
 * - Tracing (verbosity >= 3) shows methods, URLs, status lines and
 *   headers, never Authorization, cookies, tokens, or any body. Error
 *   messages name the method and the URL without its query string.
 * - Redirects are not followed (Location is kept for the caller).
 * - Each retry is logged at DORMANT_LOG_INFO (what, why, how long).
 * - host->cancelled is checked before each attempt, during backoff waits
 *   and during a transfer (at least once a second).
 */
#ifndef DORMANT_HTTP_H
#define DORMANT_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dormant/status.h>

#ifdef __cplusplus
extern "C" {
#endif

struct dormant_host;
struct dormant_http; /* opaque */

struct dormant_http_options {
	const char *ca_file;     /* extra CA bundle; NULL: host->ca_file */
	long connect_timeout_ms; /* 0: 10 s */
	long total_timeout_ms;   /* per attempt; 0: 60 s */
	unsigned max_attempts;   /* 0: 5 */
	long backoff_base_ms;    /* first retry waits up to this; 0: 500 */
	long backoff_max_ms;     /* cap for one wait; 0: 30 s */
	long retry_after_max_ms; /* longest Retry-After obeyed (a longer
	                            one waits this long); 0: 120 s */
	size_t max_body_bytes;   /* answer size cap; 0: 64 MiB */
	const char *user_agent;  /* NULL: "dormant/VERSION" */
	/* Logging and cancellation go through the host when it is set. */
	const struct dormant_host *host;
};

struct dormant_http_header {
	const char *name;
	const char *value;
};

struct dormant_http_response;

/* What a 2xx answer's body must be (dormant_http_request.expect). */
enum dormant_http_body {
	DORMANT_HTTP_BODY_ANY = 0, /* not checked */
	DORMANT_HTTP_BODY_JSON,    /* one well-formed JSON value */
	DORMANT_HTTP_BODY_XML      /* one well-formed XML document */
};

/* A provider's extra say on retries, called after each attempt that got an
 * answer. Returns true when this answer should be retried as throttling. */
typedef bool (*dormant_http_retry_fn)(void *ctx,
                                      const struct dormant_http_response *resp);

struct dormant_http_request {
	const char *method; /* "GET", "POST", "PATCH", "PUT", "DELETE" */
	const char *url;
	const struct dormant_http_header *headers;
	size_t n_headers;
	const void *body; /* NULL for none */
	size_t body_len;
	/* Called before each attempt so a signature can be renewed (SigV4
	 * signs the time) or a token refreshed; may be NULL. It may replace
	 * headers through the request it is handed. */
	enum dormant_status (*prepare)(void *ctx,
	                               struct dormant_http_request *req,
	                               struct dormant_error *err);
	dormant_http_retry_fn should_retry;
	void *ctx;
	/* Since 1.x (appended): what a 2xx answer's body must be, and
	 * whether the request may be sent again when it is not. GET and HEAD
	 * are idempotent whatever this says; a POST that only reads (AWS's
	 * Query API, Graph's $batch of GETs) sets idempotent. */
	enum dormant_http_body expect;
	bool idempotent;
	/* With DORMANT_HTTP_BODY_XML: the root element's name (any namespace
	 * prefix aside), or NULL for any. A proxy's or captive portal's page
	 * can be well-formed XHTML: a 200 whose root is not the answer's is
	 * garbled too (AWS: "<Action>Response"). */
	const char *expect_xml_root;
};

/* The size of the response's internal header slots (part of the ABI;
 * see dormant_http_response_header). */
#define DORMANT_HTTP_KEPT_HEADERS 6

/* Start it zeroed ({0}); dormant_http_send clears it before each use. */
struct dormant_http_response {
	long status; /* HTTP status code */
	char *body;  /* NUL-terminated; owned by the response */
	size_t body_len;
	char *content_type; /* NULL when absent; points into kept[] */
	char *retry_after; /* the raw Retry-After value, or NULL; into kept[] */
	unsigned attempts; /* how many attempts it took */
	/* Internal: the answer's headers, owned by the response. Read them
	 * with dormant_http_response_header. */
	char *kept[DORMANT_HTTP_KEPT_HEADERS];
};

/* Creates a client. *out is owned by the caller: dormant_http_free. */
enum dormant_status dormant_http_new(const struct dormant_http_options *opts,
                                     struct dormant_http **out,
                                     struct dormant_error *err);
void dormant_http_free(struct dormant_http *http);

/* Sends the request, retrying as described above. resp must be zeroed or
 * hold an earlier answer: it is cleared first. On DORMANT_OK, resp
 * holds the final answer whatever its status (the caller judges 4xx); on
 * a failure (network after every retry, size cap, cancelled) resp is
 * empty and err says why. Release resp with dormant_http_response_clear.
 * Throttling (429, 503, or an answer should_retry flags) that outlasts
 * every retry returns DORMANT_ERR_THROTTLED with the last answer in resp;
 * a 500, 502 or 504 that outlasts them returns DORMANT_ERR_HTTP, also with
 * the last answer in resp. */
enum dormant_status dormant_http_send(struct dormant_http *http,
                                      const struct dormant_http_request *req,
                                      struct dormant_http_response *resp,
                                      struct dormant_error *err);

void dormant_http_response_clear(struct dormant_http_response *resp);

/* A response header's value by name (case-insensitive), or NULL when the
 * answer has none. Every header of the final answer is kept (since
 * dormant 1.1; before, only Content-Type, Retry-After, Location,
 * x-amzn-RequestId, request-id and client-request-id). A header sent on
 * several lines comes back as one value, the lines joined with ", " (RFC
 * 9110 section 5.3): Link: <a>; rel="self" and Link: <b>; rel="next"
 * read as `<a>; rel="self", <b>; rel="next"`. Values longer than 8 KiB,
 * and headers past 64 KiB in all, are dropped. */
const char *dormant_http_response_header(const struct dormant_http_response *r,
                                         const char *name);

/* Percent-encodes s per RFC 3986 (unreserved characters kept) into a new
 * string the caller frees. NULL when out of memory. */
char *dormant_http_urlencode(const char *s);

/* The same for len bytes, keeping '/' when keep_slash (a URI path, as
 * SigV4's canonical URI wants it). */
char *dormant_http_uri_encode(const char *s, size_t len, bool keep_slash);

/* The wait before retry number `retry` (1 for the first retry): the
 * Retry-After value when one is given and sane, else full jitter over
 * base * 2^(retry-1), capped. Exposed for tests. `now` is the clock for
 * HTTP-date values; `rand01` a number in [0, 1). */
long dormant_http_backoff_ms(const struct dormant_http_options *opts,
                             unsigned retry, const char *retry_after,
                             int64_t now, double rand01);

#ifdef __cplusplus
}
#endif

#endif /* DORMANT_HTTP_H */
