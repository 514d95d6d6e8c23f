/* dormant azure: disabling and re-enabling users through JSON batching.
 *
 * Graph's $batch ("Combine multiple HTTP requests using JSON batching")
 * takes at most 20 requests in one POST /v1.0/$batch:
 *
 *   {"requests":[{"id":"1","method":"PATCH","url":"/users/{id}",
 *     "headers":{"Content-Type":"application/json"},
 *     "body":{"accountEnabled":false}}, ...]}
 *
 * and answers 200 with one response per request, in any order, each with
 * its own status, headers and body: a request throttled inside a batch
 * gets its own 429 (or 503) and Retry-After, and only it is sent again
 * after that wait.
 *
 * Disabling is two steps per user (SPEC section 3): PATCH accountEnabled
 * = false, then POST /users/{id}/revokeSignInSessions, the second only
 * once the first succeeded. Both steps are batched over all users: the
 * PATCHes first, then the revocations of those now disabled, 20 to a
 * batch either way. Enabling is the PATCH alone.
 */
#ifndef DORMANT_AZURE_BATCH_H
#define DORMANT_AZURE_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include <dormant/status.h>

#include "graph.h"

/* Graph's documented cap on requests in one batch. */
#define AZURE_BATCH_MAX 20

struct azure_action {
	const char *id; /* the user's object id (the caller's) */
	bool enable;    /* false: disable and revoke sessions */
	/* Results. */
	enum dormant_status status;
	char error[DORMANT_ERROR_MAX];
};

/* Runs every action; each gets its own status and error line. Returns
 * DORMANT_OK when all succeeded, else the first failure's status with a
 * summary in err. */
enum dormant_status azure_actions_run(struct azure_graph *g,
                                      struct azure_action *acts, size_t n,
                                      struct dormant_error *err);

/* One response of a batch answer. */
struct azure_batch_reply {
	bool seen;
	long status;
	long retry_after_s; /* -1: none */
	char *body;         /* owned: the body as JSON text, or NULL */
};

/* Parses a $batch answer to n requests whose ids are "1".."n" into
 * replies[0..n-1] (zeroed by the caller; free each body). Exposed for the
 * fuzz target. */
enum dormant_status azure_batch_parse(const char *data, size_t len, size_t n,
                                      struct azure_batch_reply *replies,
                                      struct dormant_error *err);

#endif /* DORMANT_AZURE_BATCH_H */
