/* dormant: the run's configuration, merged from its layers.
 *
 * Defaults < config file < environment < command line. The file is read
 * into generic sections first (each value remembers its line); [scan] is
 * checked at once, provider sections once the plugins are known, since
 * only a provider knows its own keys.
 */
#ifndef DORMANT_CONF_H
#define DORMANT_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dormant/status.h>

struct dormant_provider;

enum core_format {
	DORMANT_FORMAT_TABLE,
	DORMANT_FORMAT_JSON,
	DORMANT_FORMAT_NDJSON,
	DORMANT_FORMAT_CSV,
	DORMANT_FORMAT_OCSF,
	DORMANT_FORMAT_HTML
};

struct core_conf_value {
	char *key;
	char *value;
	unsigned line; /* 0: not from the file */
};

struct core_conf_section {
	char *name;
	unsigned line;
	struct core_conf_value *values;
	size_t n_values;
};

/* A list of strings, owned. */
struct core_strv {
	char **v;
	size_t n;
};

struct core_conf {
	char *path;          /* the config file read, or NULL */
	bool path_explicit;  /* named by -c or DORMANT_CONFIG */
	bool file_is_shared; /* readable by group or others */

	long days;
	long warn_days;             /* 0: off */
	struct core_strv providers; /* empty: every configured one */
	enum core_format format;
	char *output; /* NULL: stdout */
	bool disable;
	long max_disable;
	double max_disable_percent;
	bool disable_admins;
	struct core_strv exclude;
	char *ca_file;
	char *audit_log;
	char *lock_file;
	char *warn_state_file; /* NULL: core_warn_state_default_path() */
	long request_timeout;  /* seconds one HTTP request may take */
	char *plugin_dir; /* colon list; NULL: DORMANT_PLUGIN_PATH or default */
	int64_t now;      /* DORMANT_TIME_NONE: the real clock */
	int verbosity;    /* -1 quiet, 0 default, 1.. -v */
	bool use_syslog;

	struct core_conf_section *sections; /* every section but [scan] */
	size_t n_sections;
};

void core_conf_init(struct core_conf *conf);
void core_conf_free(struct core_conf *conf);

/* Reads the file at path into conf ([scan] checked, provider sections
 * kept for later). */
enum dormant_status core_conf_load_file(struct core_conf *conf,
                                        const char *path,
                                        struct dormant_error *err);

/* Sets one [scan] key, as from the file (line > 0) or from the command
 * line (line 0, `origin` names the option). */
enum dormant_status core_conf_set_scan(struct core_conf *conf, const char *key,
                                       const char *value, const char *origin,
                                       unsigned line,
                                       struct dormant_error *err);

/* Checks a provider section against what its provider accepts: unknown
 * keys, and secrets in a file others can read. */
enum dormant_status core_conf_check_section(
        const struct core_conf *conf, const struct core_conf_section *section,
        const struct dormant_provider *provider, struct dormant_error *err);

/* Makes the section's relative file names (the provider's path_keys)
 * relative to the config file's directory. */
enum dormant_status core_conf_resolve_paths(
        struct core_conf *conf, struct core_conf_section *section,
        const struct dormant_provider *provider, struct dormant_error *err);

/* Cross-checks once every layer is in (warn_days < days, ...). */
enum dormant_status core_conf_finish(struct core_conf *conf,
                                     struct dormant_error *err);

const struct core_conf_section *core_conf_section(const struct core_conf *conf,
                                                  const char *name);

/* yes/no, true/false, on/off, 1/0, in any case. */
bool core_conf_parse_bool(const char *s, bool *out);

const char *core_conf_section_get(const struct core_conf_section *s,
                                  const char *key);

enum dormant_status core_strv_add(struct core_strv *sv, const char *s);
bool core_strv_contains(const struct core_strv *sv, const char *s);
void core_strv_free(struct core_strv *sv);

/* Splits a comma list into sv (trimmed, empty items dropped). */
enum dormant_status core_strv_split(struct core_strv *sv, const char *list);

#endif /* DORMANT_CONF_H */
