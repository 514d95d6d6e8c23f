/* dormant aws: credential_process (see credentials.h).
 *
 * "Process credential provider" (AWS SDKs and Tools Reference Guide): a
 * command whose stdout is JSON {"Version": 1, "AccessKeyId",
 * "SecretAccessKey", "SessionToken", "Expiration"}; it must exit 0.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <dormant/buf.h>
#include <dormant/crypto.h>
#include <dormant/json.h>

#include "credentials.h"

/* Credential answers are under 4 KiB. */
#define ANSWER_MAX ((size_t)64 << 10)

struct process_ctx {
	char *name;
	char *command;
};

static void
process_free(void *p)
{
	struct process_ctx *c = p;

	if (!c)
		return;
	free(c->name);
	free(c->command);
	free(c);
}

static enum dormant_status
process_fetch(void *ctx, struct dormant_http *borrowed,
              struct aws_credentials *out, struct dormant_error *err)
{
	struct process_ctx *c = ctx;
	struct dormant_buf b;
	enum dormant_status st = DORMANT_OK;
	char chunk[4096], what[300];
	size_t n;
	int status;
	FILE *f;

	/* A command needs no HTTP client. */
	(void)borrowed;

	snprintf(what, sizeof(what), "%s: credential_process", c->name);
	dormant_buf_init(&b, ANSWER_MAX);
	/* Its stderr stays ours: the SDKs show it too. */
	f = popen(c->command, "r");
	if (!f)
		return dormant_error_set(err, DORMANT_ERR_AUTH,
		                         "%s: cannot run the command", what);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (st == DORMANT_OK)
			st = dormant_buf_append(&b, chunk, n);
	status = pclose(f);
	if (st != DORMANT_OK) {
		st = dormant_error_set(err, DORMANT_ERR_AUTH,
		                       "%s: output too large", what);
		goto out;
	}
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		st = dormant_error_set(
		        err, DORMANT_ERR_AUTH, "%s: the command failed (%s %d)",
		        what,
		        status != -1 && WIFEXITED(status) ? "exit" : "status",
		        status != -1 && WIFEXITED(status) ? WEXITSTATUS(status)
		                                          : status);
		goto out;
	}
	{
		cJSON *root = NULL;
		struct dormant_error why;
		double version = 0;

		if (dormant_json_parse(b.data ? b.data : "", b.len, what, &root,
		                       &why) == DORMANT_OK) {
			cJSON *v = cJSON_GetObjectItemCaseSensitive(root,
			                                            "Version");
			version = cJSON_IsNumber(v) ? v->valuedouble : 0;
		}
		cJSON_Delete(root);
		if (version != 1) {
			st = dormant_error_set(
			        err, DORMANT_ERR_AUTH,
			        "%s: the output is not JSON with "
			        "\"Version\": 1",
			        what);
			goto out;
		}
	}
	st = aws_credentials_from_json(b.data, b.len, what, "SessionToken", out,
	                               err);
	if (st != DORMANT_OK)
		st = DORMANT_ERR_AUTH;
out:
	if (b.data)
		dormant_wipe(b.data, b.len);
	dormant_buf_free(&b);
	return st;
}

enum dormant_status
aws_credentials_process(const struct dormant_host *host, const char *name,
                        const char *command, struct aws_credential_source **out,
                        struct dormant_error *err)
{
	struct process_ctx *c = calloc(1, sizeof(*c));
	char desc[300];

	*out = NULL;
	if (!c || !(c->name = strdup(name)) ||
	    !(c->command = strdup(command))) {
		process_free(c);
		return dormant_error_set(err, DORMANT_ERR_NOMEM, "%s",
		                         dormant_strerror(DORMANT_ERR_NOMEM));
	}
	snprintf(desc, sizeof(desc), "%s (credential_process)", name);
	return aws_credential_source_new(desc, host, process_fetch, c,
	                                 process_free, out, err);
}
