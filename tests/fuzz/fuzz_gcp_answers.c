/* Fuzz target: the parsers of the live Google Workspace path
 * (plugins/gcp): token endpoint answers (success and error), Google API
 * error bodies, service-account key files and one User resource
 * (users.get / users.patch answers).
 *
 * Any input must end in DORMANT_OK or an error with a message, never a
 * crash, a leak or a sanitizer report; every string handed out is read
 * whole so that an unterminated one shows up. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/crypto.h>

#include "api_error.h"
#include "directory_users.h"
#include "oauth_answer.h"
#include "sa_key.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink_len;

static void
touch(const char *s)
{
	sink_len += s ? strlen(s) : 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data;
	struct dormant_error err;
	char code[GCP_OAUTH_CODE_MAX], desc[GCP_OAUTH_DESC_MAX];
	struct gcp_api_error e;
	struct gcp_sa_key key;
	struct gcp_user_facts f;
	char *token = NULL;
	int64_t expires_in;

	err.msg[0] = '\0';
	if (gcp_oauth_parse_token(d, size, &token, &expires_in, &err) ==
	    DORMANT_OK) {
		touch(token);
		if (expires_in < 1)
			abort();
	} else if (!err.msg[0]) {
		abort();
	}
	free(token);

	if (gcp_oauth_parse_error(d, size, code, desc)) {
		touch(code);
		touch(desc);
	}

	gcp_api_error_parse(d, size, &e);
	touch(e.reason);
	touch(e.status);
	touch(e.info);
	touch(e.message);
	(void)gcp_api_error_is_rate_limit(403, &e);

	err.msg[0] = '\0';
	if (gcp_sa_key_parse(d, size, "fuzz", &key, &err) == DORMANT_OK) {
		touch(key.client_email);
		touch(key.client_id);
		touch(key.private_key_id);
		touch(key.token_uri);
		gcp_sa_key_free(&key);
	} else if (!err.msg[0]) {
		abort();
	}

	err.msg[0] = '\0';
	if (gcp_directory_user_parse(d, size, "fuzz", &f, &err) == DORMANT_OK)
		touch(f.id);
	else if (!err.msg[0])
		abort();
	return 0;
}
