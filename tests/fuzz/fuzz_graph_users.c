/* dormant: fuzz target for the Microsoft Graph page parsers (users and
 * directory roles), which read untrusted server answers and files.
 *
 * Every input goes through both parsers; any status is fine, a crash, a
 * leak or a sanitizer report is not. The sink checks what reaches core:
 * required fields set, strings bounded.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/plugin.h>

#include "graph_page.h"
#include "graph_roles.h"
#include "graph_users.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum dormant_status
check_user(struct dormant_sink *sink, const struct dormant_user *u)
{
	(void)sink;
	if (!u->id || !*u->id || !u->name || !*u->name || !u->scope ||
	    strlen(u->id) > AZURE_STRING_MAX ||
	    strlen(u->name) > AZURE_STRING_MAX || u->n_extras != 5)
		abort();
	for (size_t i = 0; i < u->n_extras; i++)
		if (!u->extras[i].key || !u->extras[i].value)
			abort();
	return DORMANT_OK;
}

static void
ignore_page(struct dormant_sink *sink)
{
	(void)sink;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dormant_sink sink = {.user = check_user, .page = ignore_page};
	struct azure_admins admins;
	struct azure_users_stream s = {.what = "fuzz", .scope = "tenant"};
	struct dormant_error err;
	char *next = NULL;

	azure_admins_init(&admins);
	azure_roles_parse_page((const char *)data, size, "fuzz", &admins, &next,
	                       &err);
	free(next);
	next = NULL;
	azure_admins_finish(&admins);
	s.admins = &admins;
	azure_users_parse_page((const char *)data, size, &s, &sink, &next,
	                       &err);
	free(next);
	azure_admins_free(&admins);
	return 0;
}
