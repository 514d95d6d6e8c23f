/* dormant: fuzz target for the parsers of the azure live scan's server
 * answers: the identity platform's token answer (success and AADSTS
 * errors), Graph's error answer, a $batch answer, and one user object.
 *
 * Any status is fine; a crash, a leak, a sanitizer report, or a token
 * handed back from an answer that is not a success is not.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/plugin.h>

#include "batch.h"
#include "graph.h"
#include "graph_users.h"
#include "token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum dormant_status
check_user(struct dormant_sink *sink, const struct dormant_user *u)
{
	(void)sink;
	if (!u->id || !*u->id || !u->name || !*u->name)
		abort();
	return DORMANT_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct azure_batch_reply replies[AZURE_BATCH_MAX];
	struct azure_users_stream us = {.what = "fuzz", .scope = "tenant"};
	struct dormant_sink sink = {.user = check_user};
	struct dormant_error err;
	char *token = NULL;
	int64_t life = 0;

	for (int i = 0; i < 2; i++) {
		long status = i ? 400 : 200;

		if (azure_token_parse(status, s, size, &token, &life, &err) ==
		    DORMANT_OK) {
			if (status != 200 || !token || !*token || life < 1 ||
			    strlen(err.msg) >= DORMANT_ERROR_MAX)
				abort();
		} else if (token) {
			abort();
		}
		free(token);
		token = NULL;
	}
	azure_graph_error(403, s, size, "GET /v1.0/users", "AuditLog.Read.All",
	                  &err);
	memset(replies, 0, sizeof(replies));
	azure_batch_parse(s, size, AZURE_BATCH_MAX, replies, &err);
	for (size_t i = 0; i < AZURE_BATCH_MAX; i++)
		free(replies[i].body);
	azure_users_parse_object(s, size, &us, &sink, &err);
	return 0;
}
