/* dormant: provider modules, found and checked.
 *
 * libltdl opens both libtool archives (.la, also uninstalled ones in a
 * build tree, whose real object lives in .libs/) and bare shared objects.
 * lt_dlsym looks up "<module>_LTX_dormant_provider" before the bare name,
 * which keeps static -dlpreopen builds working.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <ltdl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "plugin_loader.h"

/* The size of the 1.0 descriptor: the least a module of major 1 has. */
#define PROVIDER_V1_0_SIZE                                                     \
	(offsetof(struct dormant_provider, close) + sizeof(void (*)(void *)))

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A binary of a build tree runs as <builddir>/core/.libs/dormant (or
 * lt-dormant: libtool's wrapper script execs it); an installed binary
 * never lives in a .libs directory. Such a binary finds the providers of
 * its own tree, <builddir>/plugins/<name>/, so that the tests and the demo
 * run without `make install`, and no build path is compiled in. NULL when
 * the binary is not one of a build tree. */
static char *
build_tree_plugins(void)
{
	static const char libs[] = "/core/.libs";
	char exe[PATH_MAX], probe[PATH_MAX + 32], *slash, *base, **dirs = NULL,
	                                                         *out = NULL;
	size_t n_dirs = 0, len = 0, rlen;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct dirent *de;
	DIR *d;

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	base = slash + 1;
	if (strcmp(base, "dormant") != 0 && strcmp(base, "lt-dormant") != 0)
		return NULL;
	*slash = '\0';
	rlen = strlen(exe);
	if (rlen <= sizeof(libs) - 1 ||
	    strcmp(exe + rlen - (sizeof(libs) - 1), libs) != 0)
		return NULL;
	rlen -= sizeof(libs) - 1;
	exe[rlen] = '\0';
	/* A configured tree has its libtool script at the top. */
	snprintf(probe, sizeof(probe), "%s/libtool", exe);
	if (access(probe, X_OK) != 0)
		return NULL;
	snprintf(probe, sizeof(probe), "%s/plugins", exe);
	d = opendir(probe);
	if (!d)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		char **v;
		if (de->d_name[0] == '.')
			continue;
		v = realloc(dirs, (n_dirs + 1) * sizeof(*v));
		if (!v)
			goto out;
		dirs = v;
		dirs[n_dirs] = malloc(strlen(probe) + strlen(de->d_name) + 2);
		if (!dirs[n_dirs])
			goto out;
		sprintf(dirs[n_dirs], "%s/%s", probe, de->d_name);
		len += strlen(dirs[n_dirs]) + 1;
		n_dirs++;
	}
	if (n_dirs == 0)
		goto out;
	/* readdir's order is the file system's: sort for a stable path. */
	qsort(dirs, n_dirs, sizeof(*dirs), compare_names);
	out = malloc(len);
	if (!out)
		goto out;
	out[0] = '\0';
	for (size_t i = 0; i < n_dirs; i++) {
		if (i)
			strcat(out, ":");
		strcat(out, dirs[i]);
	}
out:
	closedir(d);
	for (size_t i = 0; i < n_dirs; i++)
		free(dirs[i]);
	free(dirs);
	return out;
}

char *
core_plugins_search_path(const char *explicit_dirs)
{
	const char *env = getenv("DORMANT_PLUGIN_PATH");
	char *tree;

	if (explicit_dirs && *explicit_dirs)
		return strdup(explicit_dirs);
	if (env && *env)
		return strdup(env);
	tree = build_tree_plugins();
	return tree ? tree : strdup(DORMANT_PLUGIN_DIR);
}

bool
core_provider_check(const struct dormant_provider *desc, const char *modname,
                    char *why, size_t whylen)
{
	uint32_t major = desc->abi_version >> 16,
	         minor = desc->abi_version & 0xffff;

	if (major != DORMANT_PLUGIN_ABI_MAJOR) {
		snprintf(
		        why, whylen,
		        "provider ABI %u.%u, but this dormant speaks ABI %u.%u",
		        major, minor, DORMANT_PLUGIN_ABI_MAJOR,
		        DORMANT_PLUGIN_ABI_MINOR);
		return false;
	}
	if (desc->struct_size < PROVIDER_V1_0_SIZE) {
		snprintf(
		        why, whylen,
		        "descriptor of %u bytes is smaller than ABI %u.0 needs "
		        "(%zu)",
		        desc->struct_size, DORMANT_PLUGIN_ABI_MAJOR,
		        (size_t)PROVIDER_V1_0_SIZE);
		return false;
	}
	if (!desc->name || strcmp(desc->name, modname) != 0) {
		snprintf(why, whylen,
		         "descriptor names \"%s\", the file \"%s\"",
		         desc->name ? desc->name : "(null)", modname);
		return false;
	}
	if (!desc->open || !desc->scope_count || !desc->list_users ||
	    !desc->close) {
		snprintf(why, whylen,
		         "descriptor lacks open, scope_count, list_users or "
		         "close");
		return false;
	}
	return true;
}

static enum dormant_status
add_refusal(struct core_plugins *out, const char *path, const char *reason)
{
	struct core_plugin_refusal *r =
	        realloc(out->refused, (out->n_refused + 1) * sizeof(*r));

	if (!r)
		return DORMANT_ERR_NOMEM;
	out->refused = r;
	r = &out->refused[out->n_refused];
	r->path = strdup(path);
	r->reason = strdup(reason);
	if (!r->path || !r->reason) {
		free(r->path);
		free(r->reason);
		return DORMANT_ERR_NOMEM;
	}
	out->n_refused++;
	return DORMANT_OK;
}

/* "dir/aws.la" -> "aws"; NULL for files that are not modules. A directory
 * holding both aws.la and aws.so yields "aws" twice; the caller keeps the
 * first. */
static bool
module_name(const char *file, char *name, size_t len)
{
	const char *dot = strrchr(file, '.');
	size_t n;

	if (!dot || (strcmp(dot, ".la") != 0 && strcmp(dot, ".so") != 0))
		return false;
	n = (size_t)(dot - file);
	if (n == 0 || n >= len)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = file[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return false;
	}
	memcpy(name, file, n);
	name[n] = '\0';
	return true;
}

static enum dormant_status
load_one(struct core_plugins *out, const char *dir, const char *modname,
         struct dormant_error *err)
{
	char base[PATH_MAX], why[256];
	struct core_plugin *p;
	const struct dormant_provider *desc;
	lt_dlhandle dl;
	const lt_dlinfo *info;

	if (core_plugins_find(out, modname)) {
		core_log(DORMANT_LOG_DEBUG, NULL,
		         "%s/%s: ignored, provider %s already loaded", dir,
		         modname, modname);
		return DORMANT_OK;
	}
	snprintf(base, sizeof(base), "%s/%s", dir, modname);
	dl = lt_dlopenext(base);
	if (!dl) {
		const char *e = lt_dlerror();
		snprintf(why, sizeof(why), "cannot load: %s",
		         e ? e : "unknown error");
		return add_refusal(out, base, why);
	}
	desc = (const struct dormant_provider *)lt_dlsym(
	        dl, DORMANT_PROVIDER_SYMBOL);
	if (!desc) {
		lt_dlclose(dl);
		return add_refusal(out, base,
		                   "no dormant_provider symbol: not a dormant "
		                   "provider");
	}
	if (!core_provider_check(desc, modname, why, sizeof(why))) {
		lt_dlclose(dl);
		return add_refusal(out, base, why);
	}
	p = realloc(out->v, (out->n + 1) * sizeof(*p));
	if (!p) {
		lt_dlclose(dl);
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	}
	out->v = p;
	p = &out->v[out->n];
	info = lt_dlgetinfo(dl);
	p->name = strdup(modname);
	p->path = strdup(info && info->filename ? info->filename : base);
	p->dl = dl;
	p->desc = desc;
	if (!p->name || !p->path) {
		free(p->name);
		free(p->path);
		lt_dlclose(dl);
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	}
	out->n++;
	core_log(DORMANT_LOG_DEBUG, NULL, "loaded provider %s %s from %s",
	         desc->name, desc->version ? desc->version : "?", p->path);
	return DORMANT_OK;
}

/* Modules of one directory in name order, so that what is loaded does not
 * depend on the order readdir happens to return. */
static enum dormant_status
load_dir(struct core_plugins *out, const char *dir, struct dormant_error *err)
{
	char **names = NULL;
	size_t n = 0;
	enum dormant_status st = DORMANT_OK;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d) {
		core_log(DORMANT_LOG_DEBUG, NULL, "plugin directory %s: %s",
		         dir, strerror(errno));
		return DORMANT_OK;
	}
	while ((de = readdir(d)) != NULL) {
		char name[64], **v;
		if (!module_name(de->d_name, name, sizeof(name)))
			continue;
		v = realloc(names, (n + 1) * sizeof(*v));
		if (!v) {
			st = DORMANT_ERR_NOMEM;
			goto out;
		}
		names = v;
		names[n] = strdup(name);
		if (!names[n]) {
			st = DORMANT_ERR_NOMEM;
			goto out;
		}
		n++;
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), compare_names);
	for (size_t i = 0; i < n && st == DORMANT_OK; i++)
		st = load_one(out, dir, names[i], err);
out:
	if (st == DORMANT_ERR_NOMEM)
		dormant_error_set(err, st, "out of memory");
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return st;
}

static pthread_once_t ltdl_once = PTHREAD_ONCE_INIT;
static int ltdl_init_rc;

static void
ltdl_init(void)
{
	ltdl_init_rc = lt_dlinit();
}

enum dormant_status
core_plugins_load(const char *search_path, struct core_plugins *out,
                  struct dormant_error *err)
{
	enum dormant_status st = DORMANT_OK;
	char *copy, *dir, *rest;

	memset(out, 0, sizeof(*out));
	pthread_once(&ltdl_once, ltdl_init);
	if (ltdl_init_rc != 0)
		return dormant_error_set(err, DORMANT_ERR_PLUGIN,
		                         "cannot initialise libltdl: %s",
		                         lt_dlerror());
	out->search_path = strdup(search_path);
	copy = strdup(search_path);
	if (!out->search_path || !copy) {
		free(copy);
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	}
	for (dir = copy; dir && st == DORMANT_OK; dir = rest) {
		rest = strchr(dir, ':');
		if (rest)
			*rest++ = '\0';
		if (*dir)
			st = load_dir(out, dir, err);
	}
	free(copy);
	if (st == DORMANT_ERR_NOMEM)
		dormant_error_set(err, st, "out of memory");
	return st;
}

const struct core_plugin *
core_plugins_find(const struct core_plugins *plugins, const char *name)
{
	for (size_t i = 0; i < plugins->n; i++)
		if (strcmp(plugins->v[i].name, name) == 0)
			return &plugins->v[i];
	return NULL;
}

const char *
core_plugins_refusal(const struct core_plugins *plugins, const char *name)
{
	for (size_t i = 0; i < plugins->n_refused; i++) {
		const char *slash = strrchr(plugins->refused[i].path, '/');
		const char *base = slash ? slash + 1 : plugins->refused[i].path;
		if (strcmp(base, name) == 0)
			return plugins->refused[i].reason;
	}
	return NULL;
}

void
core_plugins_free(struct core_plugins *plugins)
{
	for (size_t i = 0; i < plugins->n; i++) {
		lt_dlclose(plugins->v[i].dl);
		free(plugins->v[i].name);
		free(plugins->v[i].path);
	}
	for (size_t i = 0; i < plugins->n_refused; i++) {
		free(plugins->refused[i].path);
		free(plugins->refused[i].reason);
	}
	free(plugins->v);
	free(plugins->refused);
	free(plugins->search_path);
	memset(plugins, 0, sizeof(*plugins));
}
