/* dormant: the typed config readers of the host table (plugin.h), one
 * wording for every bad value a provider's section can hold. */
#ifndef DORMANT_HOST_CONFIG_H
#define DORMANT_HOST_CONFIG_H

#include <stdbool.h>

#include <dormant/plugin.h>

enum dormant_status core_host_config_long(const struct dormant_host *host,
                                          const char *key, long min, long max,
                                          long dflt, long *out,
                                          struct dormant_error *err);
enum dormant_status core_host_config_double(const struct dormant_host *host,
                                            const char *key, double min,
                                            double max, double dflt,
                                            double *out,
                                            struct dormant_error *err);
enum dormant_status core_host_config_bool(const struct dormant_host *host,
                                          const char *key, bool dflt, bool *out,
                                          struct dormant_error *err);

#endif /* DORMANT_HOST_CONFIG_H */
