/* dormant: fuzz target for the AWS shared config and credentials file
 * reader (plugins/aws/shared_config.c), the files that hold access keys.
 *
 * The input is both files: the credentials file, then, after the first
 * "\n--\n" line, the config file (none without it). They are written to
 * a private scratch directory (fuzz_tmp.h) and named through
 * AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE, as a user would. Any
 * input must end in a status with a message, never a crash, a leak or a
 * sanitizer report; and no message may quote a secret the files hold
 * (aws_secret_access_key, aws_session_token): the same files with those
 * values masked must give the same status and message.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_tmp.h"
#include "shared_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink;

static const char *const profiles[] = {"default", "profile default", "prod",
                                       "profile prod", ""};
static const char *const keys[] = {"aws_access_key_id", "aws_secret_access_key",
                                   "aws_session_token", "role_arn",
                                   "source_profile",    "region",
                                   "external_id",       "credential_process"};

/* A copy of text with the value of every secret key masked: each byte
 * that is not blank becomes 'Q'. Lines are read as the parser reads
 * them: a line holding a NUL is left alone (the parser splits there),
 * as are sections, comments and indented lines. The copy parses the
 * same way, so a message that differs between the two depends on a
 * secret's value: it quotes it. */
static char *
masked(const char *text, size_t len)
{
	static const char *const secrets[] = {"aws_secret_access_key",
	                                      "aws_session_token"};
	char *out = malloc(len + 1);

	if (!out)
		abort();
	memcpy(out, text, len);
	for (size_t i = 0; i < len;) {
		char *line = out + i, *eq;
		size_t l = 0;

		while (i + l < len && line[l] != '\n')
			l++;
		i += l + 1;
		if (!l || memchr(line, 0, l) || strchr("[#; \t", line[0]) ||
		    !(eq = memchr(line, '=', l)))
			continue;
		for (size_t k = 0; k < 2; k++) {
			if (!memmem(line, (size_t)(eq - line), secrets[k],
			            strlen(secrets[k])))
				continue;
			for (char *c = eq + 1; c < line + l; c++)
				if (!strchr(" \t\r", *c))
					*c = 'Q';
		}
	}
	return out;
}

static void
load(const char *text, size_t size, enum dormant_status *st,
     struct dormant_error *err)
{
	const char *sep = memmem(text, size, "\n--\n", 4);
	size_t cred_len = sep ? (size_t)(sep - text) + 1 : size;
	const char *cred, *conf;
	struct aws_profiles *p = NULL;

	cred = fuzz_tmp_write(0, "credentials", text, cred_len);
	if (sep)
		conf = fuzz_tmp_write(1, "config", sep + 4,
		                      size - (size_t)(sep + 4 - text));
	else
		conf = fuzz_tmp_path(1, "config"); /* absent */
	setenv("AWS_SHARED_CREDENTIALS_FILE", cred, 1);
	setenv("AWS_CONFIG_FILE", conf, 1);

	err->msg[0] = '\0';
	*st = aws_profiles_load(&p, err);
	if (*st != DORMANT_OK) {
		if (p || !err->msg[0])
			abort();
		return;
	}
	if (!p)
		abort();
	for (size_t i = 0; i < sizeof(profiles) / sizeof(*profiles); i++) {
		sink += aws_profile_exists(p, profiles[i]);
		for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++) {
			const char *v =
			        aws_profile_get(p, profiles[i], keys[k]);

			sink += v ? strlen(v) : 0;
		}
	}
	sink += strlen(aws_profiles_where(p));
	aws_profiles_free(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	char *mask = masked(text, size);
	struct dormant_error err, err_masked;
	enum dormant_status st, st_masked;

	load(text, size, &st, &err);
	load(mask, size, &st_masked, &err_masked);
	if (st != st_masked ||
	    (st != DORMANT_OK && strcmp(err.msg, err_masked.msg) != 0))
		abort();
	free(mask);
	return 0;
}
