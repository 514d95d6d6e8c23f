/* dormant: atomic file replacement. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"

#define ATOMIC_IOBUF ((size_t)64 << 10)

static void
clear(struct core_atomic_file *af)
{
	free(af->path);
	free(af->tmp);
	free(af->iobuf);
	af->path = NULL;
	af->tmp = NULL;
	af->f = NULL;
	af->iobuf = NULL;
}

/* Takes fd (from open, dup or mkstemp) as the stream to write; on any
 * failure af is cleared (and the temp file, if any, removed). */
static enum dormant_status
attach(struct core_atomic_file *af, int fd, const char *path,
       struct dormant_error *err)
{
	enum dormant_status st;

	if (fd < 0) {
		st = dormant_error_set(err, DORMANT_ERR_IO,
		                       "cannot write %s: %s", path,
		                       strerror(errno));
		clear(af);
		return st;
	}
	af->f = fdopen(fd, "w");
	if (!af->f) {
		close(fd);
		if (af->tmp)
			unlink(af->tmp);
		clear(af);
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	}
	return DORMANT_OK;
}

/* The descriptor a path names when it is one the process already has
 * (/dev/stdout, /dev/fd/3, /proc/self/fd/1), else -1. */
static int
fd_alias(const char *path)
{
	static const char *const prefixes[] = {"/dev/fd/", "/proc/self/fd/"};
	char *end;
	long n;

	if (strcmp(path, "/dev/stdout") == 0)
		return STDOUT_FILENO;
	if (strcmp(path, "/dev/stderr") == 0)
		return STDERR_FILENO;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++) {
		size_t len = strlen(prefixes[i]);

		if (strncmp(path, prefixes[i], len) != 0 || !path[len])
			continue;
		n = strtol(path + len, &end, 10);
		if (*end == '\0' && n >= 0 && n <= 1024 * 1024)
			return (int)n;
	}
	return -1;
}

/* Output that is not a file: a terminal, /dev/null, a FIFO a script
 * reads, the standard output. Replacing it by rename() would turn
 * /dev/null into a regular file for everyone on the machine (as root);
 * it is written in place instead, with nothing to sync or rename. An
 * open descriptor is duplicated, not reopened, so that ">> log" still
 * appends. */
static enum dormant_status
open_stream(struct core_atomic_file *af, const char *path,
            struct dormant_error *err)
{
	int alias = fd_alias(path), fd;

	af->path = strdup(path);
	if (!af->path)
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	fd = alias >= 0 ? fcntl(alias, F_DUPFD_CLOEXEC, 3)
	                : open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	return attach(af, fd, path, err);
}

enum dormant_status
core_atomic_open(struct core_atomic_file *af, const char *path,
                 struct dormant_error *err)
{
	struct stat sb;
	bool exists, follow = false;
	enum dormant_status st;
	size_t len;

	memset(af, 0, sizeof(*af));
	exists = lstat(path, &sb) == 0;
	/* /dev/stdout, /dev/fd/3, /proc/self/fd/1: what the caller already
	 * opened, a pipe or a file, is written to, never renamed over. */
	if (fd_alias(path) >= 0)
		return open_stream(af, path, err);
	if (exists && S_ISLNK(sb.st_mode)) {
		struct stat target;
		/* A link of ours to a report keeps pointing at it: the file
		 * it names is replaced. Someone else's link in a shared
		 * directory is not followed (the kernel's protected_symlinks
		 * would not stop a rename onto its target): the link itself
		 * is replaced, or the sticky bit refuses the rename. */
		bool ours = sb.st_uid == geteuid();

		if (stat(path, &target) == 0 && !S_ISREG(target.st_mode))
			sb = target; /* a link to a FIFO or a device */
		else
			follow = ours;
	}
	if (exists && S_ISDIR(sb.st_mode))
		return dormant_error_set(err, DORMANT_ERR_IO,
		                         "cannot write %s: Is a directory",
		                         path);
	if (exists && S_ISBLK(sb.st_mode))
		return dormant_error_set(err, DORMANT_ERR_IO,
		                         "cannot write %s: a block device",
		                         path);
	if (exists && (S_ISCHR(sb.st_mode) || S_ISFIFO(sb.st_mode) ||
	               S_ISSOCK(sb.st_mode)))
		return open_stream(af, path, err);
	af->path = follow ? realpath(path, NULL) : strdup(path);
	if (!af->path) {
		st = errno == ENOMEM ? dormant_error_set(err, DORMANT_ERR_NOMEM,
		                                         "out of memory")
		                     : dormant_error_set(err, DORMANT_ERR_IO,
		                                         "cannot write %s: %s",
		                                         path, strerror(errno));
		clear(af);
		return st;
	}
	len = strlen(af->path) + sizeof(".XXXXXX");
	af->tmp = malloc(len);
	if (!af->tmp) {
		clear(af);
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	}
	snprintf(af->tmp, len, "%s.XXXXXX", af->path);
	/* mkstemp creates the file 0600: reports name people and their
	 * emails, so they stay private unless the admin loosens them. */
	st = attach(af, mkstemp(af->tmp), path, err);
	if (st != DORMANT_OK)
		return st;
	/* Reports run to tens of MB: 64 KiB writes, not 4 KiB ones. (glibc
	 * ignores the size unless it is given the buffer too.) */
	af->iobuf = malloc(ATOMIC_IOBUF);
	if (af->iobuf)
		setvbuf(af->f, af->iobuf, _IOFBF, ATOMIC_IOBUF);
	return DORMANT_OK;
}

static void
sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd;

	if (!copy)
		return;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

enum dormant_status
core_atomic_commit(struct core_atomic_file *af, struct dormant_error *err)
{
	enum dormant_status st = DORMANT_OK;
	int failed;

	if (!af->tmp) { /* not a file: written in place */
		failed = fflush(af->f) != 0 || ferror(af->f);
		if (fclose(af->f) != 0)
			failed = 1;
		af->f = NULL;
		if (failed)
			st = dormant_error_set(err, DORMANT_ERR_IO,
			                       "cannot write %s: %s", af->path,
			                       strerror(errno));
		goto out;
	}
	failed = fflush(af->f) != 0 || ferror(af->f) ||
	         fsync(fileno(af->f)) != 0;
	if (fclose(af->f) != 0)
		failed = 1;
	af->f = NULL;
	if (failed) {
		st = dormant_error_set(err, DORMANT_ERR_IO,
		                       "cannot write %s: %s", af->path,
		                       strerror(errno));
		unlink(af->tmp);
		goto out;
	}
	if (rename(af->tmp, af->path) != 0) {
		st = dormant_error_set(err, DORMANT_ERR_IO,
		                       "cannot rename into %s: %s", af->path,
		                       strerror(errno));
		unlink(af->tmp);
		goto out;
	}
	sync_dir(af->path);
out:
	clear(af);
	return st;
}

void
core_atomic_abort(struct core_atomic_file *af)
{
	if (af->f) {
		fclose(af->f);
		if (af->tmp)
			unlink(af->tmp);
	}
	clear(af);
}
