/* dormant: fuzz target for the IAM credential report parser (and the CSV
 * reader under it). Any input must end in a status, never a crash, a
 * leak or undefined behaviour. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/plugin.h>

#include "credential_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct count_sink {
	struct dormant_sink sink;
	size_t users;
	size_t bytes;
};

static void
set_scope(struct dormant_sink *sink, const char *scope)
{
	struct count_sink *c = (struct count_sink *)sink;

	c->bytes += strlen(scope);
}

/* Touches every string the parser hands out, so that the sanitizers see
 * a dangling or unterminated one. */
static enum dormant_status
user(struct dormant_sink *sink, const struct dormant_user *u)
{
	struct count_sink *c = (struct count_sink *)sink;

	c->users++;
	c->bytes += strlen(u->scope) + strlen(u->id) + strlen(u->name);
	for (size_t i = 0; i < u->n_extras; i++)
		c->bytes +=
		        strlen(u->extras[i].key) + strlen(u->extras[i].value);
	return DORMANT_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct count_sink c = {.sink = {.set_scope = set_scope, .user = user}};
	struct dormant_error err;
	char account[AWS_ACCOUNT_ID_LEN + 1];
	char *copy;

	/* An exact-size heap copy, so that reading one byte past the end
	 * is caught: the parser must not rely on a NUL after the data. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	err.msg[0] = '\0';
	if (aws_credential_report_parse(copy, size, NULL, &c.sink, account,
	                                &err) != DORMANT_OK &&
	    strlen(err.msg) == 0)
		abort(); /* every failure must say why */
	free(copy);
	return 0;
}
