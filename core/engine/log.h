/* dormant: the run's log, to stderr or syslog(3). Thread-safe. */
#ifndef DORMANT_LOG_H
#define DORMANT_LOG_H

#include <stdarg.h>
#include <stdbool.h>

#include <dormant/plugin.h>

/* verbosity: -1 with -q (errors only), 0 by default (errors and
 * warnings), 1.. with each -v. */
void core_log_setup(int verbosity, bool use_syslog);
void core_log_teardown(void);
int core_log_verbosity(void);

/* `who` prefixes the message ("aws"); NULL for core. */
void core_log(enum dormant_log_level level, const char *who, const char *fmt,
              ...) __attribute__((format(printf, 3, 4)));
void core_logv(enum dormant_log_level level, const char *who, const char *fmt,
               va_list ap) __attribute__((format(printf, 3, 0)));

#endif /* DORMANT_LOG_H */
