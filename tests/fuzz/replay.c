/* dormant: replays a fuzz target's corpus without libFuzzer.
 *
 * Linked with one fuzz_*.c target, it feeds every file of the directories
 * (or files) named on the command line to LLVMFuzzerTestOneInput, one TAP
 * point each, so `make check` (and the sanitizer build in CI) runs every
 * committed seed and every crash ever found. Built with clang's
 * -fsanitize=fuzzer instead, the same target fuzzes for real: that build
 * (tests/fuzz/ci-fuzz.sh) defines DORMANT_LIBFUZZER, and libFuzzer's
 * main takes the place of this one.
 */
#include "config.h"

#ifndef DORMANT_LIBFUZZER

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <dormant/buf.h>

#include "tap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
replay_file(const char *path)
{
	struct dormant_buf b;
	struct dormant_error err;

	dormant_buf_init(&b, 16u << 20);
	if (dormant_buf_read_file(&b, path, &err) != DORMANT_OK) {
		ok(0, "%s", err.msg);
		dormant_buf_free(&b);
		return 1;
	}
	/* The target returns 0 for any input; a crash or a sanitizer report
	 * is the failure. */
	ok(LLVMFuzzerTestOneInput((const uint8_t *)b.data, b.len) == 0, "%s",
	   path);
	dormant_buf_free(&b);
	return 0;
}

static int
compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
replay_dir(const char *dir)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d) {
		ok(0, "cannot open corpus %s", dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **p;
			cap = cap ? cap * 2 : 64;
			p = realloc(names, cap * sizeof(*names));
			if (!p)
				abort();
			names = p;
		}
		names[n] = strdup(de->d_name);
		if (!names[n])
			abort();
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), compare);
	ok(n > 0, "corpus %s has %zu inputs", dir, n);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		replay_file(path);
		free(names[i]);
	}
	free(names);
}

int
main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			replay_dir(argv[i]);
		else
			replay_file(argv[i]);
	}
	return tap_done();
}

#endif /* DORMANT_LIBFUZZER */
