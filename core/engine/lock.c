/* dormant: the run lock. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "lock.h"

static const char *
default_path(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (geteuid() == 0)
		snprintf(buf, len, "%s/dormant.lock", DORMANT_RUN_DIR);
	else if (xdg && xdg[0] == '/')
		snprintf(buf, len, "%s/dormant.lock", xdg);
	else
		snprintf(buf, len, "/tmp/dormant-%lu.lock",
		         (unsigned long)geteuid());
	return buf;
}

enum dormant_status
core_lock_acquire(const char *path, int *fd, struct dormant_error *err)
{
	char pid[32] = "", fallback[4096];
	int f, n;

	*fd = -1;
	if (!path)
		path = default_path(fallback, sizeof(fallback));
	/* O_NOFOLLOW: in /tmp, another user could plant a symlink. */
	f = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (f < 0)
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "cannot open the lock file %s: %s",
		                         path, strerror(errno));
	if (flock(f, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		ssize_t r = pread(f, pid, sizeof(pid) - 1, 0);
		close(f);
		if (e != EWOULDBLOCK)
			return dormant_error_set(err, DORMANT_ERR_CONFIG,
			                         "cannot lock %s: %s", path,
			                         strerror(e));
		pid[r > 0 ? r : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		return dormant_error_set(
		        err, DORMANT_ERR_USAGE,
		        "another dormant run (pid %s) holds %s; "
		        "not starting a second one",
		        pid[0] ? pid : "unknown", path);
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(f, 0) != 0 || pwrite(f, pid, (size_t)n, 0) != n) {
		/* The lock holds anyway; only the pid in messages is lost. */
	}
	*fd = f;
	return DORMANT_OK;
}

void
core_lock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}
