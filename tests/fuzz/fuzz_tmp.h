/* dormant: a private scratch directory for fuzz targets whose code under
 * test reads a file by name (the config file, the audit log).
 *
 * One directory per process, made with mkdtemp(3) under $TMPDIR (else
 * the usual temporary directory) on first use and removed with its
 * files at exit: a target never writes anywhere else, and libFuzzer's
 * -jobs/-fork workers each get their own. Files are mode 0600, as
 * dormant expects of its config.
 */
#ifndef DORMANT_FUZZ_TMP_H
#define DORMANT_FUZZ_TMP_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FUZZ_TMP_FILES 4

static char fuzz_tmp_dir[4096];
static char fuzz_tmp_paths[FUZZ_TMP_FILES][4200];

/* Everything in the directory goes, including what the code under test
 * made beside its file (an atomic write's temporary file). */
static void
fuzz_tmp_cleanup(void)
{
	DIR *d;
	struct dirent *de;

	if (!fuzz_tmp_dir[0] || !(d = opendir(fuzz_tmp_dir)))
		return;
	while ((de = readdir(d)) != NULL) {
		char path[4400];

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", fuzz_tmp_dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(fuzz_tmp_dir);
}

/* The path of scratch file `slot` (0..FUZZ_TMP_FILES-1), removed first so
 * that each input starts from nothing. Aborts when no directory can be
 * made: a fuzz run without it would test nothing. */
static const char *
fuzz_tmp_path(size_t slot, const char *name)
{
	if (!fuzz_tmp_dir[0]) {
		const char *base = getenv("TMPDIR");

		if (!base || !*base)
			base = "/tmp";
		if (snprintf(fuzz_tmp_dir, sizeof(fuzz_tmp_dir),
		             "%s/dormant-fuzz.XXXXXX",
		             base) >= (int)sizeof(fuzz_tmp_dir) ||
		    !mkdtemp(fuzz_tmp_dir)) {
			fprintf(stderr,
			        "fuzz: cannot make a scratch directory "
			        "under %s: %s\n",
			        base, strerror(errno));
			abort();
		}
		atexit(fuzz_tmp_cleanup);
	}
	if (slot >= FUZZ_TMP_FILES)
		abort();
	snprintf(fuzz_tmp_paths[slot], sizeof(fuzz_tmp_paths[slot]), "%s/%s",
	         fuzz_tmp_dir, name);
	unlink(fuzz_tmp_paths[slot]);
	return fuzz_tmp_paths[slot];
}

/* Writes data to scratch file `slot` and returns its path. */
static const char *
fuzz_tmp_write(size_t slot, const char *name, const void *data, size_t size)
{
	const char *path = fuzz_tmp_path(slot, name);
	const char *p = data;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0) {
		fprintf(stderr, "fuzz: cannot write %s: %s\n", path,
		        strerror(errno));
		abort();
	}
	while (size > 0) {
		ssize_t n = write(fd, p, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "fuzz: cannot write %s: %s\n", path,
			        strerror(errno));
			abort();
		}
		p += n;
		size -= (size_t)n;
	}
	close(fd);
	return path;
}

#endif /* DORMANT_FUZZ_TMP_H */
