/* dormant: fuzz target for the config file reader (core/engine/conf.c over
 * Debian's inih): sections, keys, [scan] values, continuation lines, line
 * numbers, then the provider-section checks core runs once the plugins
 * are known (unknown keys, secrets in a shared file, relative paths).
 *
 * The input is the whole file, written to a private scratch directory
 * (fuzz_tmp.h) since the reader takes a path. Any input must end in
 * DORMANT_OK or an error with a message, never a crash, a leak or a
 * sanitizer report; what a success leaves must be coherent (every
 * [section] once, every key once in it, every [scan] value in range).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/plugin.h>

#include "conf.h"
#include "fuzz_tmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A provider shaped like the real ones: a few keys, one secret, one
 * file name. */
static const char *const keys[] = {"tenant_id", "client_secret",
                                   "credentials_file", "assume_roles", NULL};
static const char *const secrets[] = {"client_secret", NULL};
static const char *const paths[] = {"credentials_file", NULL};
static const struct dormant_provider provider = {
        .abi_version = DORMANT_PLUGIN_ABI_VERSION,
        .struct_size = sizeof(struct dormant_provider),
        .name = "fuzz",
        .config_keys = keys,
        .secret_keys = secrets,
        .path_keys = paths,
};

static volatile size_t sink;

static void
must_say_why(const struct dormant_error *err)
{
	/* An error without a message leaves the admin guessing. */
	if (!err->msg[0] || strlen(err->msg) >= DORMANT_ERROR_MAX)
		abort();
}

static void
check_loaded(struct core_conf *conf)
{
	struct dormant_error err;

	if (conf->days < 1 || conf->days > 36500 || conf->warn_days < 0 ||
	    conf->max_disable < 0 || !(conf->max_disable_percent >= 0) ||
	    conf->max_disable_percent > 100)
		abort();
	for (size_t i = 0; i < conf->providers.n; i++)
		if (!conf->providers.v[i][0])
			abort();
	for (size_t i = 0; i < conf->exclude.n; i++)
		if (!conf->exclude.v[i][0])
			abort();
	for (size_t i = 0; i < conf->n_sections; i++) {
		struct core_conf_section *s = &conf->sections[i];

		if (!s->name[0] || strcmp(s->name, "scan") == 0 || !s->line ||
		    core_conf_section(conf, s->name) != s)
			abort();
		for (size_t j = 0; j < s->n_values; j++) {
			const struct core_conf_value *v = &s->values[j];

			if (v->line < s->line ||
			    strcmp(core_conf_section_get(s, v->key),
			           v->value) != 0)
				abort();
			sink += strlen(v->value);
		}
		/* inih hands "= value" over with an empty key: the check
		 * against the provider's keys must refuse it, as any key the
		 * provider does not know. */
		err.msg[0] = '\0';
		if (core_conf_check_section(conf, s, &provider, &err) !=
		    DORMANT_OK)
			must_say_why(&err);
		else
			for (size_t j = 0; j < s->n_values; j++)
				if (!s->values[j].key[0])
					abort();
		err.msg[0] = '\0';
		if (core_conf_resolve_paths(conf, s, &provider, &err) !=
		    DORMANT_OK)
			must_say_why(&err);
	}
	err.msg[0] = '\0';
	if (core_conf_finish(conf, &err) != DORMANT_OK)
		must_say_why(&err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_tmp_write(0, "dormant.conf", data, size);
	struct core_conf conf;
	struct dormant_error err;

	core_conf_init(&conf);
	err.msg[0] = '\0';
	if (core_conf_load_file(&conf, path, &err) == DORMANT_OK)
		check_loaded(&conf);
	else
		must_say_why(&err);
	core_conf_free(&conf);
	return 0;
}
