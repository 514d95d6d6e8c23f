/* dormant: creating dormant's own state directory. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state_dir.h"

enum dormant_status
core_state_dir_ensure(const char *file_path, struct dormant_error *err)
{
	struct stat sb;
	enum dormant_status st = DORMANT_OK;
	char *dir = strdup(file_path);
	char *slash;

	if (!dir)
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	slash = strrchr(dir, '/');
	if (!slash || slash == dir) /* relative to the cwd, or in "/" */
		goto out;
	*slash = '\0';
	if (mkdir(dir, 0700) == 0)
		goto out;
	if (errno != EEXIST) {
		st = dormant_error_set(err, DORMANT_ERR_CONFIG,
		                       "cannot create the state directory %s: "
		                       "%s",
		                       dir, strerror(errno));
		goto out;
	}
	if (lstat(dir, &sb) != 0) {
		st = dormant_error_set(err, DORMANT_ERR_CONFIG, "%s: %s", dir,
		                       strerror(errno));
		goto out;
	}
	if (S_ISLNK(sb.st_mode) && sb.st_uid != geteuid() && sb.st_uid != 0)
		st = dormant_error_set(
		        err, DORMANT_ERR_CONFIG,
		        "%s is a symbolic link owned by uid %lu, not by this "
		        "user: not followed",
		        dir, (unsigned long)sb.st_uid);
out:
	free(dir);
	return st;
}
