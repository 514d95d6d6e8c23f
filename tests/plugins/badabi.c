/* dormant: a module built for a future ABI; core must refuse it. */
#include "config.h"

#include <dormant/plugin.h>

static enum dormant_status
never_open(const struct dormant_host *host, void **handle,
           struct dormant_error *err)
{
	(void)host;
	(void)handle;
	return dormant_error_set(err, DORMANT_ERR_INTERNAL, "must not open");
}

const struct dormant_provider DORMANT_PROVIDER_EXPORT(badabi) = {
        .abi_version = (uint32_t)(DORMANT_PLUGIN_ABI_MAJOR + 1) << 16 | 3,
        .struct_size = sizeof(struct dormant_provider),
        .name = "badabi",
        .version = "9.9",
        .open = never_open,
};
