/* dormant azure: the provider handle and the live scan's entry points.
 *
 * One handle (struct azure) serves both paths: offline input (users_file,
 * read by azure.c) and the live Microsoft Graph scan (live.c, through
 * graph.c and batch.c). What threads share is the token cache and the
 * pacer, each behind its own mutex; everything else is set at open and
 * read-only afterwards.
 */
#ifndef DORMANT_AZURE_LIVE_H
#define DORMANT_AZURE_LIVE_H

#include <stdbool.h>

#include <dormant/plugin.h>

#include <dormant/ratelimit.h>
#include "token.h"

struct azure {
	const struct dormant_host *host;
	char *scope; /* owned: tenant id, or the users file's name */

	/* Offline input; both owned by the host. */
	const char *users_file;
	const char *roles_file;

	/* Live scan: set when users_file is not. */
	bool live;
	char *graph;              /* owned: "https://graph.microsoft.com" */
	struct azure_creds creds; /* owned */
	struct azure_tokens tokens;
	struct dormant_ratelimit *pacer; /* sign-in activity reads */
};

/* The live scan (live.c), called by the descriptor in azure.c when
 * users_file is not set. */
enum dormant_status azure_live_open(struct azure *az,
                                    struct dormant_error *err);
void azure_live_close(struct azure *az);
enum dormant_status azure_live_list_users(struct azure *az,
                                          struct dormant_sink *sink,
                                          struct dormant_error *err);
enum dormant_status azure_live_last_login(struct azure *az, const char *id,
                                          int64_t *last_login,
                                          struct dormant_error *err);
/* Every item in as few $batch requests as Graph allows. */
enum dormant_status
azure_live_set_enabled_many(struct azure *az, struct dormant_action_item *items,
                            size_t n, bool enabled);
enum dormant_status azure_live_set_enabled(struct azure *az, const char *id,
                                           bool enabled,
                                           struct dormant_error *err);

#endif /* DORMANT_AZURE_LIVE_H */
