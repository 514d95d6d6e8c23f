/* dormant azure: calling Microsoft Graph.
 *
 * Every request carries "Authorization: Bearer <token>" from the handle's
 * token cache (renewed before each attempt, so a long Retry-After wait
 * never sends an expired token); a 401 fetches a new token once and tries
 * again. 429 and 503 are retried by the HTTP layer after Retry-After
 * ("Microsoft Graph throttling guidance"). A non-2xx answer becomes one
 * line: method, path, status, Graph's error code and message, and what
 * to do about it (a permission to grant, a licence to buy).
 */
#ifndef DORMANT_AZURE_GRAPH_H
#define DORMANT_AZURE_GRAPH_H

#include <stdbool.h>
#include <stddef.h>

#include <dormant/http.h>

struct azure;

/* One thread's way to Graph. */
struct azure_graph {
	struct azure *az;
	struct dormant_http *http; /* owned */
};

enum dormant_status azure_graph_open(struct azure *az, struct azure_graph *g,
                                     struct dormant_error *err);
void azure_graph_close(struct azure_graph *g);

struct azure_graph_call {
	const char *method;
	const char *url;  /* absolute */
	const char *body; /* JSON, or NULL */
	size_t body_len;
	const char *consistency; /* ConsistencyLevel header, or NULL */
	bool paced;              /* reads sign-in activity: take a pacer slot */
	/* The application permissions this call needs, named in the error
	 * when Graph answers 403 Authorization_RequestDenied. */
	const char *needs;
};

/* Sends the call. DORMANT_OK only for a 2xx answer, which stays in resp
 * (release it with dormant_http_response_clear); anything else is an
 * error line and resp is cleared. */
enum dormant_status azure_graph_send(struct azure_graph *g,
                                     const struct azure_graph_call *call,
                                     struct dormant_http_response *resp,
                                     struct dormant_error *err);

/* Graph's error answer {"error":{"code":...,"message":...}} of any status
 * as one line into err, with `status` mapped to a dormant status (401
 * auth, 403 permission, 404 not found, 429/503 throttled). `where` names
 * the request; `needs` as above. Exposed for batch answers and fuzzing. */
enum dormant_status azure_graph_error(long status, const char *body, size_t len,
                                      const char *where, const char *needs,
                                      struct dormant_error *err);

/* Reads every page of a collection from `first`, following
 * @odata.nextLink (only to the same Graph origin: the token must not go
 * anywhere else). on_page gets each 2xx body and returns the next link
 * it found (owned by the caller of on_page, freed here) or NULL at the
 * end. */
typedef enum dormant_status (*azure_page_fn)(void *ctx, const char *body,
                                             size_t len, char **next,
                                             struct dormant_error *err);
enum dormant_status azure_graph_pages(struct azure_graph *g,
                                      const struct azure_graph_call *first,
                                      azure_page_fn on_page, void *ctx,
                                      struct dormant_error *err);

#endif /* DORMANT_AZURE_GRAPH_H */
