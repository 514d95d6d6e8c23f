/* dormant: fuzz target for the AWS shared config and credentials file
 * reader (plugins/aws/profile.c), the files that hold access keys.
 *
 * The input is both files: the credentials file, then, after the first
 * "\n--\n" line, the config file (none without it). They are written to
 * a private scratch directory (fuzz_tmp.h) and named through
 * AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE, as a user would. Any
 * input must end in a status with a message, never a crash, a leak or a
 * sanitizer report; and no message may quote a secret the files hold
 * (aws_secret_access_key, aws_session_token).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_tmp.h"
#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink;

static const char *const profiles[] = {"default", "profile default", "prod",
                                       "profile prod", ""};
static const char *const keys[] = {"aws_access_key_id", "aws_secret_access_key",
                                   "aws_session_token", "role_arn",
                                   "source_profile",    "region",
                                   "external_id",       "credential_process"};

/* Does msg hold the value of a secret key set anywhere in text? Read
 * loosely (any line "name = value"), so that no way of writing one is
 * missed. */
static bool
quotes_secret(const char *msg, const char *text, size_t len)
{
	static const char *const secrets[] = {"aws_secret_access_key",
	                                      "aws_session_token"};

	for (size_t i = 0; i < len;) {
		const char *line = text + i, *eq;
		size_t l = 0;

		while (i + l < len && line[l] != '\n')
			l++;
		i += l + 1;
		eq = memchr(line, '=', l);
		if (!eq)
			continue;
		for (size_t s = 0; s < 2; s++) {
			const char *v = eq + 1, *end = line + l;
			char value[256];
			size_t vl;

			if (!memmem(line, (size_t)(eq - line), secrets[s],
			            strlen(secrets[s])))
				continue;
			while (v < end && (*v == ' ' || *v == '\t'))
				v++;
			while (end > v && (end[-1] == ' ' || end[-1] == '\t' ||
			                   end[-1] == '\r'))
				end--;
			vl = (size_t)(end - v);
			/* Short values also occur by chance in any text. */
			if (vl < 8 || vl >= sizeof(value) || memchr(v, 0, vl))
				continue;
			memcpy(value, v, vl);
			value[vl] = '\0';
			if (strstr(msg, value))
				return true;
		}
	}
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *sep = memmem(text, size, "\n--\n", 4);
	size_t cred_len = sep ? (size_t)(sep - text) + 1 : size;
	const char *cred, *conf;
	struct aws_profiles *p = NULL;
	struct dormant_error err;

	cred = fuzz_tmp_write(0, "credentials", text, cred_len);
	if (sep)
		conf = fuzz_tmp_write(1, "config", sep + 4,
		                      size - (size_t)(sep + 4 - text));
	else
		conf = fuzz_tmp_path(1, "config"); /* absent */
	setenv("AWS_SHARED_CREDENTIALS_FILE", cred, 1);
	setenv("AWS_CONFIG_FILE", conf, 1);

	err.msg[0] = '\0';
	if (aws_profiles_load(&p, &err) != DORMANT_OK) {
		if (p || !err.msg[0] || quotes_secret(err.msg, text, size))
			abort();
		return 0;
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
	return 0;
}
