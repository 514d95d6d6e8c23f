/* dormant: atomic file replacement. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"

#define ATOMIC_IOBUF ((size_t)64 << 10)

static void
clear(struct dormant_atomic_file *af)
{
	free(af->path);
	free(af->tmp);
	free(af->iobuf);
	af->path = NULL;
	af->tmp = NULL;
	af->f = NULL;
	af->iobuf = NULL;
}

enum dormant_status
dormant_atomic_open(struct dormant_atomic_file *af, const char *path,
                    struct dormant_error *err)
{
	size_t len = strlen(path) + sizeof(".XXXXXX");
	int fd;

	memset(af, 0, sizeof(*af));
	af->path = strdup(path);
	af->tmp = malloc(len);
	if (!af->path || !af->tmp) {
		clear(af);
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	}
	snprintf(af->tmp, len, "%s.XXXXXX", path);
	/* mkstemp creates the file 0600: reports name people and their
	 * emails, so they stay private unless the admin loosens them. */
	fd = mkstemp(af->tmp);
	if (fd < 0) {
		enum dormant_status st = dormant_error_set(
		        err, DORMANT_ERR_IO, "cannot write %s: %s", path,
		        strerror(errno));
		clear(af);
		return st;
	}
	af->f = fdopen(fd, "w");
	if (!af->f) {
		close(fd);
		unlink(af->tmp);
		clear(af);
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	}
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
dormant_atomic_commit(struct dormant_atomic_file *af, struct dormant_error *err)
{
	enum dormant_status st = DORMANT_OK;
	int failed;

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
dormant_atomic_abort(struct dormant_atomic_file *af)
{
	if (af->f) {
		fclose(af->f);
		unlink(af->tmp);
	}
	clear(af);
}
