/* dormant: typed config readers for providers. See host_config.h.
 *
 * Every value is read through host->config, so that the command line and
 * the environment overrides core knows of apply as they do to strings.
 * The error names the section and the key as the config file spells
 * them; core adds the provider's name in front, as for every provider
 * error.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "conf.h"
#include "host_config.h"

/* The value of key, NULL when unset or empty. */
static const char *
value_of(const struct dormant_host *host, const char *key)
{
	const char *v = host->config(host, key);

	return v && *v ? v : NULL;
}

enum dormant_status
core_host_config_long(const struct dormant_host *host, const char *key,
                      long min, long max, long dflt, long *out,
                      struct dormant_error *err)
{
	const char *v = value_of(host, key);
	char *end;
	long n;

	if (!v) {
		*out = dflt;
		return DORMANT_OK;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	/* strtol takes leading blanks and a sign; a config value is the
	 * number alone. */
	if (errno || end == v || *end ||
	    !(*v == '-' || (*v >= '0' && *v <= '9')) || n < min || n > max)
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "[%s] %s = \"%.40s\": not a whole "
		                         "number from %ld to %ld",
		                         host->provider, key, v, min, max);
	*out = n;
	return DORMANT_OK;
}

enum dormant_status
core_host_config_double(const struct dormant_host *host, const char *key,
                        double min, double max, double dflt, double *out,
                        struct dormant_error *err)
{
	const char *v = value_of(host, key);
	char *end;
	double d;

	if (!v) {
		*out = dflt;
		return DORMANT_OK;
	}
	errno = 0;
	d = strtod(v, &end);
	if (errno || end == v || *end ||
	    !(*v == '-' || *v == '.' || (*v >= '0' && *v <= '9')) ||
	    !isfinite(d) || !(d >= min && d <= max))
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "[%s] %s = \"%.40s\": not a number "
		                         "from %g to %g",
		                         host->provider, key, v, min, max);
	*out = d;
	return DORMANT_OK;
}

enum dormant_status
core_host_config_bool(const struct dormant_host *host, const char *key,
                      bool dflt, bool *out, struct dormant_error *err)
{
	const char *v = value_of(host, key);
	bool b;

	if (!v) {
		*out = dflt;
		return DORMANT_OK;
	}
	if (!core_conf_parse_bool(v, &b))
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "[%s] %s = \"%.40s\": not yes or no "
		                         "(also true/false, on/off, 1/0)",
		                         host->provider, key, v);
	*out = b;
	return DORMANT_OK;
}
