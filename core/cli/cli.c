/* dormant: the command line.
 *
 * Options are collected first and applied last, after the config file,
 * so that the precedence is defaults < file < environment < command line
 * whatever order they are typed in.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dormant/plugin.h>
#include <dormant/timeutil.h>

#include "cli.h"
#include "conf.h"
#include "engine.h"
#include "log.h"
#include "plugin_loader.h"
#include "report.h"
#include "rules.h"

/* Options that map onto [scan] keys, kept in the order given. */
struct override {
	const char *key;
	const char *value;
	const char *option;
};

struct cli {
	const char *config;
	const char *plugin_dir;
	const char *now;
	const char *from; /* enable --from */
	const char *run;  /* enable --run */
	struct override overrides[64];
	size_t n_overrides;
	int verbosity;
	bool quiet;
	bool use_syslog;
};

enum {
	OPT_DISABLE = 256,
	OPT_MAX_DISABLE,
	OPT_MAX_DISABLE_PERCENT,
	OPT_EXCLUDE,
	OPT_CA_FILE,
	OPT_PLUGIN_DIR,
	OPT_SYSLOG,
	OPT_NOW,
	OPT_FROM,
	OPT_RUN,
	OPT_HELP,
	OPT_VERSION
};

static const struct option long_options[] = {
        {"config", required_argument, NULL, 'c'},
        {"provider", required_argument, NULL, 'p'},
        {"days", required_argument, NULL, 'd'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"disable", no_argument, NULL, OPT_DISABLE},
        {"max-disable", required_argument, NULL, OPT_MAX_DISABLE},
        {"max-disable-percent", required_argument, NULL,
         OPT_MAX_DISABLE_PERCENT},
        {"exclude", required_argument, NULL, OPT_EXCLUDE},
        {"ca-file", required_argument, NULL, OPT_CA_FILE},
        {"plugin-dir", required_argument, NULL, OPT_PLUGIN_DIR},
        {"syslog", no_argument, NULL, OPT_SYSLOG},
        {"now", required_argument, NULL, OPT_NOW},
        {"from", required_argument, NULL, OPT_FROM},
        {"run", required_argument, NULL, OPT_RUN},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, OPT_HELP},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
};

static void
usage(FILE *f)
{
	fputs("Usage: dormant [scan] [OPTIONS]   scan every configured "
	      "provider\n"
	      "       dormant plugins            list the providers found\n"
	      "       dormant enable --from AUDIT_LOG [--run ID]\n"
	      "                                  re-enable what a run "
	      "disabled\n"
	      "       dormant audit [AUDIT_LOG]  the audit log as a table\n"
	      "       dormant rules              the rule catalog\n"
	      "       dormant explain RULE [PROVIDER]\n"
	      "                                  a rule: risk, compliance, "
	      "remediation\n"
	      "       dormant --help | --version\n"
	      "\n"
	      "  -c, --config FILE     config file (default $DORMANT_CONFIG, "
	      "else\n"
	      "                        " DORMANT_SYSCONF_DIR
	      "/dormant/dormant.conf if it exists)\n"
	      "  -p, --provider LIST   comma list of providers (aws, azure, "
	      "gcp)\n"
	      "  -d, --days N          dormancy threshold in days (default "
	      "90)\n"
	      "  -f, --format FMT      table (default), json, ndjson, csv, "
	      "ocsf, "
	      "html\n"
	      "  -o, --output FILE     write the report there, atomically\n"
	      "      --disable         disable every finding (default: report "
	      "only)\n"
	      "      --max-disable N   safety limit (default 10)\n"
	      "      --max-disable-percent P\n"
	      "                        safety limit, share of users scanned "
	      "(default 5)\n"
	      "      --exclude GLOB    never report nor touch matching ids, "
	      "names or\n"
	      "                        emails (repeatable)\n"
	      "      --ca-file FILE    trust this CA bundle too\n"
	      "      --plugin-dir DIR  where providers are (colon list)\n"
	      "      --now TIME        judge as of this UTC time "
	      "(2026-11-28T12:00:00Z)\n"
	      "      --syslog          log through syslog(3) instead of "
	      "stderr\n"
	      "  -q, --quiet           errors only, and no progress lines on a "
	      "terminal\n"
	      "  -v, --verbose         more detail (repeatable)\n"
	      "\n"
	      "Exit status: 0 no findings, 1 findings, 2 usage or "
	      "configuration\n"
	      "error, 3 a provider or action failed, 4 safety stop.\n",
	      f);
	fputs("\nFiles (as root; the defaults of audit_log, warn_state_file "
	      "and lock_file):\n  " DORMANT_DEFAULT_AUDIT_LOG
	      "\n  " DORMANT_STATE_DIR "/warned.tsv\n  " DORMANT_RUN_DIR
	      "/dormant.lock\n",
	      f);
}

static bool
add_override(struct cli *cli, const char *key, const char *value,
             const char *option)
{
	if (cli->n_overrides ==
	    sizeof(cli->overrides) / sizeof(*cli->overrides))
		return false;
	cli->overrides[cli->n_overrides++] =
	        (struct override){.key = key, .value = value, .option = option};
	return true;
}

/* Returns -1 when parsing went fine, else the exit status. */
static int
parse_options(int argc, char **argv, struct cli *cli, int *first_arg)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:p:d:f:o:qv", long_options,
	                        NULL)) != -1) {
		bool ok = true;
		switch (c) {
		case 'c': cli->config = optarg; break;
		case 'p':
			ok = add_override(cli, "providers", optarg,
			                  "--provider");
			break;
		case 'd':
			ok = add_override(cli, "days", optarg, "--days");
			break;
		case 'f':
			ok = add_override(cli, "format", optarg, "--format");
			break;
		case 'o':
			ok = add_override(cli, "output", optarg, "--output");
			break;
		case OPT_DISABLE:
			ok = add_override(cli, "action", "disable",
			                  "--disable");
			break;
		case OPT_MAX_DISABLE:
			ok = add_override(cli, "max_disable", optarg,
			                  "--max-disable");
			break;
		case OPT_MAX_DISABLE_PERCENT:
			ok = add_override(cli, "max_disable_percent", optarg,
			                  "--max-disable-percent");
			break;
		case OPT_EXCLUDE:
			ok = add_override(cli, "exclude", optarg, "--exclude");
			break;
		case OPT_CA_FILE:
			ok = add_override(cli, "ca_file", optarg, "--ca-file");
			break;
		case OPT_PLUGIN_DIR: cli->plugin_dir = optarg; break;
		case OPT_SYSLOG: cli->use_syslog = true; break;
		case OPT_NOW: cli->now = optarg; break;
		case OPT_FROM: cli->from = optarg; break;
		case OPT_RUN: cli->run = optarg; break;
		case 'q': cli->quiet = true; break;
		case 'v': cli->verbosity++; break;
		case OPT_HELP: usage(stdout); return DORMANT_EXIT_CLEAN;
		case OPT_VERSION:
			printf("dormant %s (provider ABI %d.%d)\n",
			       PACKAGE_VERSION, DORMANT_PLUGIN_ABI_MAJOR,
			       DORMANT_PLUGIN_ABI_MINOR);
			return DORMANT_EXIT_CLEAN;
		case ':':
			fprintf(stderr, "dormant: %s needs a value\n",
			        argv[optind - 1]);
			return DORMANT_EXIT_USAGE;
		default:
			fprintf(stderr,
			        "dormant: unknown option %s (see dormant "
			        "--help)\n",
			        argv[optind - 1]);
			return DORMANT_EXIT_USAGE;
		}
		if (!ok) {
			fprintf(stderr, "dormant: too many options\n");
			return DORMANT_EXIT_USAGE;
		}
	}
	*first_arg = optind;
	return -1;
}

static volatile sig_atomic_t caught_signal;

static void
on_signal(int sig)
{
	caught_signal = sig;
	core_engine_cancel();
}

int
core_cli_caught_signal(void)
{
	return caught_signal;
}

void
core_cli_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* The config file: -c, else $DORMANT_CONFIG, else the system one when it
 * exists. No file at all is fine when the environment says enough. */
static int
load_config(struct cli *cli, struct core_conf *conf)
{
	const char *env = getenv("DORMANT_CONFIG");
	const char *path =
	        cli->config ? cli->config : (env && *env ? env : NULL);
	struct dormant_error err = {{0}};
	const char *system_path = DORMANT_SYSCONF_DIR "/dormant/dormant.conf";

	if (!path && access(system_path, F_OK) == 0)
		path = system_path;
	if (!path)
		return -1;
	if (core_conf_load_file(conf, path, &err) != DORMANT_OK) {
		core_log(DORMANT_LOG_ERROR, NULL, "%s", err.msg);
		return DORMANT_EXIT_USAGE;
	}
	return -1;
}

/* Every [scan] key, for the environment layer. */
static const char *const scan_keys[] = {"days",
                                        "warn_days",
                                        "providers",
                                        "format",
                                        "output",
                                        "action",
                                        "max_disable",
                                        "max_disable_percent",
                                        "disable_admins",
                                        "exclude",
                                        "ca_file",
                                        "audit_log",
                                        "lock_file",
                                        "warn_state_file",
                                        "request_timeout",
                                        NULL};

static int
apply_overrides(struct cli *cli, struct core_conf *conf)
{
	struct dormant_error err = {{0}};
	const char *now = cli->now ? cli->now : getenv("DORMANT_NOW");

	/* The environment layer: DORMANT_<KEY> for each [scan] key. */
	for (size_t i = 0; scan_keys[i]; i++) {
		char name[64];
		const char *v;
		size_t j;

		snprintf(name, sizeof(name), "DORMANT_%s", scan_keys[i]);
		for (j = 8; name[j]; j++)
			name[j] = (char)(name[j] >= 'a' && name[j] <= 'z'
			                         ? name[j] - 'a' + 'A'
			                         : name[j]);
		v = getenv(name);
		if (v && *v &&
		    core_conf_set_scan(conf, scan_keys[i], v, name, 0, &err) !=
		            DORMANT_OK) {
			core_log(DORMANT_LOG_ERROR, NULL, "%s", err.msg);
			return DORMANT_EXIT_USAGE;
		}
	}
	for (size_t i = 0; i < cli->n_overrides; i++) {
		const struct override *o = &cli->overrides[i];
		/* -p replaces the file's list rather than adding to it. */
		if (core_conf_set_scan(conf, o->key, o->value, o->option, 0,
		                       &err) != DORMANT_OK) {
			core_log(DORMANT_LOG_ERROR, NULL, "%s", err.msg);
			return DORMANT_EXIT_USAGE;
		}
	}
	if (now && *now && !dormant_time_parse_iso8601(now, &conf->now)) {
		core_log(DORMANT_LOG_ERROR, NULL,
		         "%s: not a UTC time like 2026-11-28T12:00:00Z: "
		         "\"%.64s\"",
		         cli->now ? "--now" : "DORMANT_NOW", now);
		return DORMANT_EXIT_USAGE;
	}
	if (cli->plugin_dir) {
		free(conf->plugin_dir);
		conf->plugin_dir = strdup(cli->plugin_dir);
		if (!conf->plugin_dir)
			return DORMANT_EXIT_USAGE;
	}
	conf->verbosity = cli->quiet ? -1 : cli->verbosity;
	conf->use_syslog = cli->use_syslog;
	if (core_conf_finish(conf, &err) != DORMANT_OK) {
		core_log(DORMANT_LOG_ERROR, NULL, "%s", err.msg);
		return DORMANT_EXIT_USAGE;
	}
	return -1;
}

static void
known_names(const struct core_plugins *plugins, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < plugins->n && o < len; i++) {
		int n = snprintf(buf + o, len - o, "%s%s", i ? ", " : "",
		                 plugins->v[i].name);
		if (n < 0)
			break;
		o += (size_t)n;
	}
	if (!plugins->n)
		snprintf(buf, len, "none found in %s", plugins->search_path);
}

/* Every section names a provider we have, with keys it knows. */
int
core_cli_check_sections(struct core_conf *conf,
                        const struct core_plugins *plugins)
{
	char known[512];

	known_names(plugins, known, sizeof(known));
	for (size_t i = 0; i < conf->n_sections; i++) {
		struct core_conf_section *s = &conf->sections[i];
		const struct core_plugin *p =
		        core_plugins_find(plugins, s->name);
		struct dormant_error err = {{0}};
		const char *refusal;

		if (!p) {
			refusal = core_plugins_refusal(plugins, s->name);
			if (refusal)
				core_log(DORMANT_LOG_ERROR, NULL,
				         "%s:%u: [%s]: provider refused: %s",
				         conf->path, s->line, s->name, refusal);
			else
				core_log(DORMANT_LOG_ERROR, NULL,
				         "%s:%u: [%s]: unknown provider "
				         "(known: %s)",
				         conf->path, s->line, s->name, known);
			return DORMANT_EXIT_USAGE;
		}
		if (core_conf_check_section(conf, s, p->desc, &err) !=
		            DORMANT_OK ||
		    core_conf_resolve_paths(conf, s, p->desc, &err) !=
		            DORMANT_OK) {
			core_log(DORMANT_LOG_ERROR, NULL, "%s", err.msg);
			return DORMANT_EXIT_USAGE;
		}
	}
	return -1;
}

static bool
env_enables(const struct dormant_provider *desc)
{
	for (const char *const *e = desc->enabling_env; e && *e; e++) {
		const char *v = getenv(*e);
		if (v && *v)
			return true;
	}
	return false;
}

/* -p or [scan] providers; else every provider with a section; else every
 * provider whose environment is set. */
static int
select_providers(const struct core_conf *conf,
                 const struct core_plugins *plugins, struct core_strv *out)
{
	char known[512];

	known_names(plugins, known, sizeof(known));
	if (conf->providers.n) {
		for (size_t i = 0; i < conf->providers.n; i++) {
			const char *name = conf->providers.v[i];
			const char *refusal =
			        core_plugins_refusal(plugins, name);

			if (!core_plugins_find(plugins, name)) {
				if (refusal)
					core_log(DORMANT_LOG_ERROR, NULL,
					         "provider %s refused: %s",
					         name, refusal);
				else
					core_log(DORMANT_LOG_ERROR, NULL,
					         "unknown provider \"%.64s\" "
					         "(known: %s)",
					         name, known);
				return DORMANT_EXIT_USAGE;
			}
			if (!core_strv_contains(out, name) &&
			    core_strv_add(out, name) != DORMANT_OK)
				return DORMANT_EXIT_USAGE;
		}
		return -1;
	}
	for (size_t i = 0; i < plugins->n; i++) {
		const struct core_plugin *p = &plugins->v[i];
		if ((core_conf_section(conf, p->name) ||
		     env_enables(p->desc)) &&
		    core_strv_add(out, p->name) != DORMANT_OK)
			return DORMANT_EXIT_USAGE;
	}
	if (!out->n) {
		core_log(DORMANT_LOG_ERROR, NULL,
		         "nothing to scan: no provider section in %s and no "
		         "provider's environment set (providers found: %s)",
		         conf->path ? conf->path : "any config file", known);
		return DORMANT_EXIT_USAGE;
	}
	return -1;
}

int
core_cli_prepare(struct core_conf *conf, const struct core_plugins *plugins,
                 struct core_strv *selected)
{
	int rc = core_cli_check_sections(conf, plugins);

	if (rc >= 0)
		return rc;
	return select_providers(conf, plugins, selected);
}

static int
list_plugins(const struct core_plugins *plugins)
{
	if (!plugins->n && !plugins->n_refused) {
		printf("No providers found in %s\n", plugins->search_path);
		return DORMANT_EXIT_CLEAN;
	}
	printf("%-10s %-10s %-5s %s\n", "NAME", "VERSION", "ABI", "PATH");
	for (size_t i = 0; i < plugins->n; i++) {
		const struct core_plugin *p = &plugins->v[i];
		printf("%-10s %-10s %u.%-3u %s\n", p->name,
		       p->desc->version ? p->desc->version : "?",
		       p->desc->abi_version >> 16,
		       p->desc->abi_version & 0xffff, p->path);
		if (p->desc->description)
			printf("%-10s %s\n", "", p->desc->description);
	}
	for (size_t i = 0; i < plugins->n_refused; i++)
		printf("refused    %s: %s\n", plugins->refused[i].path,
		       plugins->refused[i].reason);
	return DORMANT_EXIT_CLEAN;
}

/* `dormant rules` and `dormant explain RULE [PROVIDER]`: the catalog
 * needs no config and no provider. */
static int
rules_command(const char *command, const char *rule, const char *provider)
{
	struct core_rules rules;
	struct dormant_error err = {{0}};
	int rc = DORMANT_EXIT_CLEAN;

	if (strcmp(command, "explain") == 0 && !rule) {
		core_log(DORMANT_LOG_ERROR, NULL,
		         "dormant explain needs a RULE (see dormant rules)");
		return DORMANT_EXIT_USAGE;
	}
	if (core_rules_load(&rules, &err) != DORMANT_OK) {
		core_log(DORMANT_LOG_ERROR, NULL, "rule catalog: %s", err.msg);
		return DORMANT_EXIT_FAILED;
	}
	if (strcmp(command, "rules") == 0) {
		core_rules_print_list(stdout, &rules);
	} else if (!core_rules_has(&rules, rule)) {
		core_log(DORMANT_LOG_ERROR, NULL,
		         "unknown rule \"%.64s\" (see dormant rules)", rule);
		rc = DORMANT_EXIT_USAGE;
	} else if (core_rules_explain(stdout, &rules, rule, provider) == 0) {
		core_log(DORMANT_LOG_ERROR, NULL,
		         "rule %s has no entry for provider \"%.64s\" (see "
		         "dormant rules)",
		         rule, provider);
		rc = DORMANT_EXIT_USAGE;
	}
	if (rc == DORMANT_EXIT_CLEAN && (fflush(stdout) != 0 || ferror(stdout)))
		rc = DORMANT_EXIT_FAILED;
	core_rules_free(&rules);
	return rc;
}

int
core_cli_main(int argc, char **argv)
{
	struct cli cli = {0};
	struct core_conf conf;
	struct core_plugins plugins = {0};
	struct dormant_error err = {{0}};
	const char *command = "scan", *audit_file = NULL, *rule = NULL,
	           *rule_provider = NULL;
	char *search_path = NULL;
	int first = 1, rc;

	core_conf_init(&conf);
	rc = parse_options(argc, argv, &cli, &first);
	if (rc >= 0)
		goto out;
	core_log_setup(cli.quiet ? -1 : cli.verbosity, cli.use_syslog);
	if (first < argc)
		command = argv[first++];
	if (strcmp(command, "audit") == 0 && first < argc)
		audit_file = argv[first++];
	if (strcmp(command, "explain") == 0 && first < argc)
		rule = argv[first++];
	if (strcmp(command, "explain") == 0 && first < argc)
		rule_provider = argv[first++];
	if (first < argc) {
		core_log(DORMANT_LOG_ERROR, NULL,
		         "unexpected argument \"%.64s\" (see dormant --help)",
		         argv[first]);
		rc = DORMANT_EXIT_USAGE;
		goto out;
	}
	if (strcmp(command, "rules") == 0 || strcmp(command, "explain") == 0) {
		rc = rules_command(command, rule, rule_provider);
		goto out;
	}
	if (strcmp(command, "scan") != 0 && strcmp(command, "plugins") != 0 &&
	    strcmp(command, "enable") != 0 && strcmp(command, "audit") != 0) {
		core_log(DORMANT_LOG_ERROR, NULL,
		         "unknown command \"%.64s\" (see dormant --help)",
		         command);
		rc = DORMANT_EXIT_USAGE;
		goto out;
	}
	if ((cli.from || cli.run) && strcmp(command, "enable") != 0) {
		core_log(DORMANT_LOG_ERROR, NULL,
		         "--from and --run belong to dormant enable");
		rc = DORMANT_EXIT_USAGE;
		goto out;
	}
	if (strcmp(command, "enable") == 0 && !cli.from) {
		core_log(DORMANT_LOG_ERROR, NULL,
		         "dormant enable needs --from AUDIT_LOG");
		rc = DORMANT_EXIT_USAGE;
		goto out;
	}
	if (strcmp(command, "plugins") != 0) {
		rc = load_config(&cli, &conf);
		if (rc >= 0)
			goto out;
		rc = apply_overrides(&cli, &conf);
		if (rc >= 0)
			goto out;
	}
	if (strcmp(command, "audit") == 0) {
		rc = core_cmd_audit(&conf, audit_file);
		goto out;
	}
	search_path = core_plugins_search_path(cli.plugin_dir);
	if (!search_path ||
	    core_plugins_load(search_path, &plugins, &err) != DORMANT_OK) {
		core_log(DORMANT_LOG_ERROR, NULL, "%s",
		         search_path ? err.msg : "out of memory");
		rc = DORMANT_EXIT_USAGE;
		goto out;
	}
	for (size_t i = 0; i < plugins.n_refused; i++)
		core_log(DORMANT_LOG_INFO, NULL, "module %s refused: %s",
		         plugins.refused[i].path, plugins.refused[i].reason);
	if (strcmp(command, "plugins") == 0)
		rc = list_plugins(&plugins);
	else if (strcmp(command, "enable") == 0)
		rc = core_cmd_enable(&conf, &plugins, cli.from, cli.run);
	else
		rc = core_cmd_scan(&conf, &plugins);
out:
	core_plugins_free(&plugins);
	free(search_path);
	core_conf_free(&conf);
	core_log_teardown();
	return rc;
}
