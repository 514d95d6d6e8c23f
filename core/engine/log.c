/* dormant: the run's log.
 *
 * Scan threads log at the same time; one mutex keeps each message on its
 * own line. Messages are single lines by contract (errors never carry a
 * server's whole answer), so a control character would only be an attack
 * on the reader's terminal: they are replaced.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static int log_verbosity;
static bool log_syslog;

void
core_log_setup(int verbosity, bool use_syslog)
{
	log_verbosity = verbosity;
	log_syslog = use_syslog;
	if (use_syslog)
		openlog("dormant", LOG_PID, LOG_USER);
}

void
core_log_teardown(void)
{
	if (log_syslog)
		closelog();
	log_syslog = false;
}

int
core_log_verbosity(void)
{
	return log_verbosity;
}

static bool
wanted(enum dormant_log_level level)
{
	switch (level) {
	case DORMANT_LOG_ERROR: return true;
	case DORMANT_LOG_WARNING: return log_verbosity >= 0;
	case DORMANT_LOG_INFO: return log_verbosity >= 1;
	case DORMANT_LOG_DEBUG: return log_verbosity >= 2;
	}
	return false;
}

void
core_logv(enum dormant_log_level level, const char *who, const char *fmt,
          va_list ap)
{
	static const int syslog_prio[] = {LOG_ERR, LOG_WARNING, LOG_INFO,
	                                  LOG_DEBUG};
	static const char *const label[] = {"error: ", "warning: ", "", ""};
	char msg[2048];

	if (!wanted(level))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	pthread_mutex_lock(&log_lock);
	if (log_syslog)
		syslog(syslog_prio[level], "%s%s%s%s", label[level],
		       who ? who : "", who ? ": " : "", msg);
	else
		fprintf(stderr, "dormant: %s%s%s%s\n", label[level],
		        who ? who : "", who ? ": " : "", msg);
	pthread_mutex_unlock(&log_lock);
}

void
core_log(enum dormant_log_level level, const char *who, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	core_logv(level, who, fmt, ap);
	va_end(ap);
}
