/* dormant: the warnings' memory. One line per warned user:
 * provider TAB scope TAB id TAB reference (seconds since the epoch, or
 * "null"). Ids and scopes never hold tabs or newlines in any cloud. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dormant/buf.h>
#include <dormant/timeutil.h>

#include "atomic_file.h"
#include "log.h"
#include "state_dir.h"
#include "warn_state.h"

#define STATE_MAX ((size_t)256 << 20)

char *
core_warn_state_default_path(void)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char buf[4096];

	if (geteuid() == 0)
		return strdup(DORMANT_STATE_DIR "/warned.tsv");
	if (xdg && xdg[0] == '/')
		snprintf(buf, sizeof(buf), "%s/dormant-warned.tsv", xdg);
	else if (home && home[0] == '/')
		snprintf(buf, sizeof(buf), "%s/.local/state/dormant-warned.tsv",
		         home);
	else
		return NULL;
	return strdup(buf);
}

/* The key of one warning, written into buf. */
static void
key_of(const struct core_finding *f, char *buf, size_t len)
{
	if (f->reference == DORMANT_TIME_NONE)
		snprintf(buf, len, "%s\t%s\t%s\tnull", f->provider,
		         f->scope ? f->scope : "", f->id ? f->id : "");
	else
		snprintf(buf, len, "%s\t%s\t%s\t%" PRId64, f->provider,
		         f->scope ? f->scope : "", f->id ? f->id : "",
		         f->reference);
}

static int
compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
core_warn_state_filter(const struct core_conf *conf,
                       struct core_findings *warnings)
{
	char *path = conf->warn_state_file ? strdup(conf->warn_state_file)
	                                   : core_warn_state_default_path();
	struct core_atomic_file af;
	struct dormant_error err = {{0}};
	struct dormant_buf b;
	char **known = NULL, key[2048];
	bool *already = NULL;
	size_t n_known = 0;

	dormant_buf_init(&b, STATE_MAX);
	if (!path) {
		core_log(DORMANT_LOG_WARNING, NULL,
		         "no place for the warnings' state (set "
		         "warn_state_file): every warning is repeated");
		goto out;
	}
	if (access(path, F_OK) == 0 &&
	    dormant_buf_read_file(&b, path, &err) != DORMANT_OK) {
		core_log(DORMANT_LOG_WARNING, NULL, "%s", err.msg);
		goto out;
	}
	for (char *p = b.data; p && *p;) {
		char *nl = strchr(p, '\n'), **v;
		if (nl)
			*nl = '\0';
		v = realloc(known, (n_known + 1) * sizeof(*known));
		if (!v)
			goto out;
		known = v;
		known[n_known++] = p;
		p = nl ? nl + 1 : NULL;
	}
	if (n_known > 1)
		qsort(known, n_known, sizeof(*known), compare);

	already = calloc(warnings->n, sizeof(*already));
	if (!already)
		goto out;
	if (core_state_dir_ensure(path, &err) != DORMANT_OK ||
	    core_atomic_open(&af, path, &err) != DORMANT_OK) {
		core_log(DORMANT_LOG_WARNING, NULL,
		         "%s: every warning is repeated", err.msg);
		goto out;
	}
	for (size_t i = 0; i < warnings->n; i++) {
		const char *k = key;

		key_of(&warnings->v[i], key, sizeof(key));
		fprintf(af.f, "%s\n", key);
		already[i] =
		        n_known && bsearch(&k, known, n_known, sizeof(*known),
		                           compare) != NULL;
	}
	if (core_atomic_commit(&af, &err) != DORMANT_OK) {
		core_log(DORMANT_LOG_WARNING, NULL,
		         "%s: every warning is repeated", err.msg);
		goto out;
	}
	/* Only now that the state is safely written: drop the repeats,
	 * keeping the others in their order. */
	core_findings_filter(warnings, already);
out:
	free(already);
	free(known);
	dormant_buf_free(&b);
	free(path);
}
