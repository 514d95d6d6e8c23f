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

static const char *const build_plugin_dirs[] = {"plugins/aws", "plugins/azure",
                                                "plugins/gcp"};

/* An uninstalled binary runs from <builddir>/core/.libs/; finding its own
 * plugins there lets the tests and the demo run without `make install`. */
static bool
running_uninstalled(void)
{
	char exe[PATH_MAX], root[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t rlen;

	if (n <= 0)
		return false;
	exe[n] = '\0';
	if (!realpath(DORMANT_BUILD_DIR, root))
		return false;
	rlen = strlen(root);
	return strncmp(exe, root, rlen) == 0 && exe[rlen] == '/';
}

char *
dormant_plugins_search_path(const char *explicit_dirs)
{
	const char *env = getenv("DORMANT_PLUGIN_PATH");
	char buf[8192];
	size_t len = 0;

	if (explicit_dirs && *explicit_dirs)
		return strdup(explicit_dirs);
	if (env && *env)
		return strdup(env);
	if (!running_uninstalled())
		return strdup(DORMANT_PLUGIN_DIR);
	buf[0] = '\0';
	for (size_t i = 0;
	     i < sizeof(build_plugin_dirs) / sizeof(*build_plugin_dirs); i++) {
		int n = snprintf(buf + len, sizeof(buf) - len, "%s%s/%s",
		                 len ? ":" : "", DORMANT_BUILD_DIR,
		                 build_plugin_dirs[i]);
		if (n < 0 || (size_t)n >= sizeof(buf) - len)
			return NULL;
		len += (size_t)n;
	}
	return strdup(buf);
}

bool
dormant_provider_check(const struct dormant_provider *desc, const char *modname,
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
add_refusal(struct dormant_plugins *out, const char *path, const char *reason)
{
	struct dormant_plugin_refusal *r =
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
load_one(struct dormant_plugins *out, const char *dir, const char *modname,
         struct dormant_error *err)
{
	char base[PATH_MAX], why[256];
	struct dormant_plugin *p;
	const struct dormant_provider *desc;
	lt_dlhandle dl;
	const lt_dlinfo *info;

	if (dormant_plugins_find(out, modname)) {
		dormant_log(DORMANT_LOG_DEBUG, NULL,
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
	if (!dormant_provider_check(desc, modname, why, sizeof(why))) {
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
	dormant_log(DORMANT_LOG_DEBUG, NULL, "loaded provider %s %s from %s",
	            desc->name, desc->version ? desc->version : "?", p->path);
	return DORMANT_OK;
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Modules of one directory in name order, so that what is loaded does not
 * depend on the order readdir happens to return. */
static enum dormant_status
load_dir(struct dormant_plugins *out, const char *dir,
         struct dormant_error *err)
{
	char **names = NULL;
	size_t n = 0;
	enum dormant_status st = DORMANT_OK;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d) {
		dormant_log(DORMANT_LOG_DEBUG, NULL, "plugin directory %s: %s",
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
dormant_plugins_load(const char *search_path, struct dormant_plugins *out,
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

const struct dormant_plugin *
dormant_plugins_find(const struct dormant_plugins *plugins, const char *name)
{
	for (size_t i = 0; i < plugins->n; i++)
		if (strcmp(plugins->v[i].name, name) == 0)
			return &plugins->v[i];
	return NULL;
}

const char *
dormant_plugins_refusal(const struct dormant_plugins *plugins, const char *name)
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
dormant_plugins_free(struct dormant_plugins *plugins)
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
