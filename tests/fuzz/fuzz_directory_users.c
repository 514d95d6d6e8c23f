/* Fuzz target: the Directory API users.list page parser (plugins/gcp).
 *
 * Any input must end in DORMANT_OK or an error with a message, never a
 * crash, a leak or a sanitizer report. A JSON array is taken as the pages
 * of an offline users_file, as the provider reads it. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/json.h>

#include "directory_users.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Touch every byte the parser hands out, so that a dangling or
 * unterminated string shows up under the sanitizers. */
static size_t
touch(const char *s)
{
	return s ? strlen(s) : 0;
}

static enum dormant_status
user(struct dormant_sink *sink, const struct dormant_user *u)
{
	size_t *n = sink->core;

	*n += touch(u->scope) + touch(u->id) + touch(u->name) +
	      touch(u->email) + touch(u->display_name);
	for (size_t i = 0; i < u->n_extras; i++)
		*n += touch(u->extras[i].key) + touch(u->extras[i].value);
	return DORMANT_OK;
}

static void
set_scope(struct dormant_sink *sink, const char *scope)
{
	*(size_t *)sink->core += touch(scope);
}

static void
why(struct dormant_sink *sink, const char *s)
{
	*(size_t *)sink->core += touch(s);
}

static void
one_pass(const cJSON *root, const char *scope, struct dormant_sink *sink)
{
	struct gcp_users_listing ls = {.what = "fuzz", .scope = scope};
	struct dormant_error err;
	const cJSON *page = cJSON_IsArray(root) ? root->child : root;

	for (; page; page = cJSON_IsArray(root) ? page->next : NULL) {
		char *token = NULL;
		enum dormant_status st = gcp_directory_users_page_json(
		        &ls, page, sink, &token, &err);
		free(token);
		if (st != DORMANT_OK) {
			/* An error always says something. */
			if (!err.msg[0])
				abort();
			break;
		}
	}
	gcp_users_listing_free(&ls);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = 0;
	struct dormant_sink sink = {
	        .set_scope = set_scope,
	        .user = user,
	        .admins_unknown = why,
	        .core = &n,
	};
	struct gcp_users_listing ls = {.what = "fuzz"};
	struct dormant_error err;
	char *token = NULL;
	cJSON *root = NULL;

	/* The bytes path, as the live API uses it. */
	if (gcp_directory_users_page(&ls, (const char *)data, size, &sink,
	                             &token, &err) != DORMANT_OK &&
	    !err.msg[0])
		abort();
	free(token);
	gcp_users_listing_free(&ls);

	/* The parsed path, as an offline file of pages uses it: checks
	 * only, then delivery under a configured domain. */
	if (dormant_json_parse((const char *)data, size, "fuzz", &root, &err) ==
	    DORMANT_OK) {
		one_pass(root, NULL, NULL);
		one_pass(root, "example.com", &sink);
	}
	cJSON_Delete(root);
	return 0;
}
