/* dormant: fuzz target for the warnings' state file (core/engine/warn_state.c):
 * one line per user already warned, read on every run with warn_days.
 *
 * The input is the file, in a private scratch directory (fuzz_tmp.h).
 * A fixed set of warnings is filtered through it, and the outcome must
 * be what the file says: a warning is dropped exactly when its line is
 * in the file (up to a NUL byte, where the reader stops). Then the same
 * warnings are filtered again: the file now remembers every one of them,
 * so none is left (each user is warned once per dormancy). Never a
 * crash, a leak or a sanitizer report.
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/timeutil.h>

#include "conf.h"
#include "findings.h"
#include "fuzz_tmp.h"
#include "warn_state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
	const char *provider, *scope, *id;
	int64_t reference;
} users[] = {
        {"aws", "123456789012", "arn:aws:iam::123456789012:user/alice",
         1764547200},
        {"aws", "123456789012", "arn:aws:iam::123456789012:user/bob", -5},
        {"azure", "8f3c2a71-5d4e-4b9a-9c1f-2e6d7a0b4c35",
         "6e7b768e-07e2-4810-8459-485f84f8f204", DORMANT_TIME_NONE},
        {"gcp", "my_customer", "107562233298116211234", 0},
};
#define N_USERS (sizeof(users) / sizeof(*users))

static void
warnings_make(struct core_findings *w)
{
	memset(w, 0, sizeof(*w));
	w->v = calloc(N_USERS, sizeof(*w->v));
	if (!w->v)
		abort();
	w->cap = w->n = N_USERS;
	for (size_t i = 0; i < N_USERS; i++) {
		w->v[i].provider = users[i].provider;
		w->v[i].scope = strdup(users[i].scope);
		w->v[i].id = strdup(users[i].id);
		w->v[i].reference = users[i].reference;
		w->v[i].action = DORMANT_ACTION_WARN;
		if (!w->v[i].scope || !w->v[i].id)
			abort();
	}
}

/* Is user i's line in the file's text (up to its first NUL)? */
static bool
in_file(size_t i, const char *text, size_t len)
{
	char line[512];
	size_t n, end = strnlen(text, len);

	if (users[i].reference == DORMANT_TIME_NONE)
		n = (size_t)snprintf(line, sizeof(line), "%s\t%s\t%s\tnull",
		                     users[i].provider, users[i].scope,
		                     users[i].id);
	else
		n = (size_t)snprintf(line, sizeof(line), "%s\t%s\t%s\t%" PRId64,
		                     users[i].provider, users[i].scope,
		                     users[i].id, users[i].reference);
	for (size_t at = 0; at < end;) {
		const char *nl = memchr(text + at, '\n', end - at);
		size_t l = nl ? (size_t)(nl - (text + at)) : end - at;

		if (l == n && memcmp(text + at, line, n) == 0)
			return true;
		at += l + 1;
	}
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct core_conf conf;
	struct core_findings w;
	size_t kept = 0;

	core_conf_init(&conf);
	conf.warn_state_file =
	        strdup(fuzz_tmp_write(0, "warned.tsv", data, size));
	if (!conf.warn_state_file)
		abort();

	warnings_make(&w);
	core_warn_state_filter(&conf, &w);
	for (size_t i = 0; i < N_USERS; i++) {
		bool left =
		        kept < w.n && strcmp(w.v[kept].id, users[i].id) == 0;

		if (left == in_file(i, text, size))
			abort();
		kept += left;
	}
	if (kept != w.n)
		abort();
	core_findings_free(&w);

	warnings_make(&w);
	core_warn_state_filter(&conf, &w);
	if (w.n != 0)
		abort();
	core_findings_free(&w);
	core_conf_free(&conf);
	return 0;
}
