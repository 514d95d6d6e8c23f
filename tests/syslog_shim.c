/* dormant tests: catches what dormant --syslog sends to syslog(3).
 *
 * Loaded with LD_PRELOAD, it takes the place of libc's openlog, syslog,
 * vsyslog and their _FORTIFY_SOURCE forms, and appends each message, one
 * line each, to the file named by DORMANT_TEST_SYSLOG: a test can then
 * read what would have reached the system log, on a machine with no
 * syslog daemon and without touching /dev/log.
 */
#include "config.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void openlog(const char *ident, int option, int facility);
void closelog(void);
void syslog(int priority, const char *format, ...);
void vsyslog(int priority, const char *format, va_list ap);
void __syslog_chk(int priority, int flag, const char *format, ...);
void __vsyslog_chk(int priority, int flag, const char *format, va_list ap);

static const char *ident_seen = "-";

void
openlog(const char *ident, int option, int facility)
{
	(void)option;
	(void)facility;
	if (ident)
		ident_seen = ident;
}

void
closelog(void)
{
}

void
vsyslog(int priority, const char *format, va_list ap)
{
	const char *path = getenv("DORMANT_TEST_SYSLOG");
	char line[8192];
	int n, m, fd;

	if (!path)
		return;
	n = snprintf(line, sizeof(line), "<%d> %s: ", priority, ident_seen);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, format, ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	/* One write a message: lines of threads do not interleave. */
	if (write(fd, line, (size_t)n) < 0)
		(void)0;
	close(fd);
}

void
syslog(int priority, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	vsyslog(priority, format, ap);
	va_end(ap);
}

void
__vsyslog_chk(int priority, int flag, const char *format, va_list ap)
{
	(void)flag;
	vsyslog(priority, format, ap);
}

void
__syslog_chk(int priority, int flag, const char *format, ...)
{
	va_list ap;

	(void)flag;
	va_start(ap, format);
	vsyslog(priority, format, ap);
	va_end(ap);
}
