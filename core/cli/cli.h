/* dormant: the command line (SPEC section 4) and its commands. */
#ifndef DORMANT_CLI_H
#define DORMANT_CLI_H

#include "conf.h"
#include "plugin_loader.h"

/* The exit status of SPEC section 8. */
enum {
	DORMANT_EXIT_CLEAN = 0,
	DORMANT_EXIT_FINDINGS = 1,
	DORMANT_EXIT_USAGE = 2,
	DORMANT_EXIT_FAILED = 3,
	DORMANT_EXIT_SAFETY = 4
};

/* Under configure's localstatedir (core/local.mk). */
#define DORMANT_DEFAULT_AUDIT_LOG DORMANT_STATE_DIR "/audit.jsonl"

/* Runs dormant with argv and returns the exit status. */
int core_cli_main(int argc, char **argv);

/* Checks the provider sections against the plugins found and picks the
 * providers to run. Returns -1 when all is well, else the exit status
 * (the error already logged). */
int core_cli_prepare(struct core_conf *conf, const struct core_plugins *plugins,
                     struct core_strv *selected);

/* Only the first half of core_cli_prepare: every provider section is
 * known and valid. */
int core_cli_check_sections(struct core_conf *conf,
                            const struct core_plugins *plugins);

/* SIGINT/SIGTERM cancel the run; the signal caught, or 0. */
void core_cli_catch_signals(void);
int core_cli_caught_signal(void);

/* The commands; each returns the exit status. */
int core_cmd_scan(struct core_conf *conf, const struct core_plugins *plugins);
int core_cmd_enable(struct core_conf *conf, const struct core_plugins *plugins,
                    const char *from, const char *run);
int core_cmd_audit(const struct core_conf *conf, const char *path);

#endif /* DORMANT_CLI_H */
