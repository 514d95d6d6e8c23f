/* dormant: finding and opening provider modules with libltdl. */
#ifndef DORMANT_PLUGIN_LOADER_H
#define DORMANT_PLUGIN_LOADER_H

#include <stdbool.h>
#include <stddef.h>

#include <dormant/plugin.h>

struct core_plugin {
	char *name; /* from the file name, equal to desc->name */
	char *path; /* the file opened */
	void *dl;   /* lt_dlhandle */
	const struct dormant_provider *desc;
};

/* A module that was found but not loaded, and why. */
struct core_plugin_refusal {
	char *path;
	char *reason;
};

struct core_plugins {
	struct core_plugin *v;
	size_t n;
	struct core_plugin_refusal *refused;
	size_t n_refused;
	char *search_path; /* the directories searched, colon-separated */
};

/* The directories to search: `explicit_dirs` (--plugin-dir) if set, else
 * DORMANT_PLUGIN_PATH, else the build tree's plugin directories when this
 * is an uninstalled binary, else the installed plugin directory. Returns a
 * string the caller frees, NULL when out of memory. */
char *core_plugins_search_path(const char *explicit_dirs);

/* Loads every provider module found along the colon-separated path. The
 * first module of a name wins. Modules that cannot be used (another ABI,
 * no descriptor, broken descriptor) are listed in `refused`, not loaded. */
enum dormant_status core_plugins_load(const char *search_path,
                                      struct core_plugins *out,
                                      struct dormant_error *err);

const struct core_plugin *core_plugins_find(const struct core_plugins *plugins,
                                            const char *name);

/* The refusal of a module of this name, if one was refused, else NULL. */
const char *core_plugins_refusal(const struct core_plugins *plugins,
                                 const char *name);

void core_plugins_free(struct core_plugins *plugins);

/* Checks a descriptor as core sees it (exposed for tests). */
bool core_provider_check(const struct dormant_provider *desc,
                         const char *modname, char *why, size_t whylen);

#endif /* DORMANT_PLUGIN_LOADER_H */
