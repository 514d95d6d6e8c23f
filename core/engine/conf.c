/* dormant: configuration layers and the INI file (through Debian's inih).
 *
 * Every error names where the bad value came from: "FILE:LINE: key: why"
 * for the file, "--option: why" for the command line, so one line tells
 * the admin what to fix.
 */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <dormant/json.h>
#include <dormant/plugin.h>
#include <dormant/timeutil.h>

#include "conf.h"

#define DAYS_MAX 36500L /* a century: anything longer is a typo */

void
core_conf_init(struct core_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->days = 90;
	conf->format = DORMANT_FORMAT_TABLE;
	conf->max_disable = 10;
	conf->max_disable_percent = 5.0;
	conf->request_timeout = 60;
	conf->now = DORMANT_TIME_NONE;
}

void
core_strv_free(struct core_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

enum dormant_status
core_strv_add(struct core_strv *sv, const char *s)
{
	char **v = realloc(sv->v, (sv->n + 1) * sizeof(*v));
	char *copy;

	if (!v)
		return DORMANT_ERR_NOMEM;
	sv->v = v;
	copy = strdup(s);
	if (!copy)
		return DORMANT_ERR_NOMEM;
	sv->v[sv->n++] = copy;
	return DORMANT_OK;
}

bool
core_strv_contains(const struct core_strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

enum dormant_status
core_strv_split(struct core_strv *sv, const char *list)
{
	const char *p = list;

	while (*p) {
		const char *start, *end;
		char item[1024];
		size_t len;
		enum dormant_status st;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		start = p;
		while (*p && *p != ',')
			p++;
		end = p;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		len = (size_t)(end - start);
		if (len == 0)
			continue;
		if (len >= sizeof(item))
			return DORMANT_ERR_TOO_LARGE;
		memcpy(item, start, len);
		item[len] = '\0';
		st = core_strv_add(sv, item);
		if (st != DORMANT_OK)
			return st;
	}
	return DORMANT_OK;
}

static void
section_free(struct core_conf_section *s)
{
	for (size_t i = 0; i < s->n_values; i++) {
		free(s->values[i].key);
		free(s->values[i].value);
	}
	free(s->values);
	free(s->name);
}

void
core_conf_free(struct core_conf *conf)
{
	free(conf->path);
	core_strv_free(&conf->providers);
	free(conf->output);
	core_strv_free(&conf->exclude);
	free(conf->ca_file);
	free(conf->audit_log);
	free(conf->lock_file);
	free(conf->warn_state_file);
	free(conf->plugin_dir);
	for (size_t i = 0; i < conf->n_sections; i++)
		section_free(&conf->sections[i]);
	free(conf->sections);
	memset(conf, 0, sizeof(*conf));
}

/* "FILE:LINE: key" or "--option", the prefix of every value error. */
static void
where(char *buf, size_t len, const struct core_conf *conf, const char *origin,
      unsigned line, const char *key)
{
	if (line)
		snprintf(buf, len, "%s:%u: %s", conf->path ? conf->path : "-",
		         line, key);
	else
		snprintf(buf, len, "%s", origin ? origin : key);
}

static bool
parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static bool
parse_percent(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || (*end && strcmp(end, "%") != 0) ||
	    !isfinite(v) || v < 0 || v > 100)
		return false;
	*out = v;
	return true;
}

bool
core_conf_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

static enum dormant_status
set_string(char **slot, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return DORMANT_ERR_NOMEM;
	free(*slot);
	*slot = copy;
	return DORMANT_OK;
}

/* A file name from the config file, relative to the file's directory. */
static enum dormant_status
resolve_path(const struct core_conf *conf, const char *value, char **out)
{
	const char *slash;
	size_t dlen, len;

	*out = NULL;
	if (!conf->path || value[0] == '/' ||
	    !(slash = strrchr(conf->path, '/')))
		return set_string(out, value);
	dlen = (size_t)(slash - conf->path);
	len = dlen + 1 + strlen(value) + 1;
	*out = malloc(len);
	if (!*out)
		return DORMANT_ERR_NOMEM;
	snprintf(*out, len, "%.*s/%s", (int)dlen, conf->path, value);
	return DORMANT_OK;
}

static enum dormant_status
set_path(const struct core_conf *conf, char **slot, const char *value,
         unsigned line)
{
	char *resolved;
	enum dormant_status st;

	if (!line)
		return set_string(slot, value);
	st = resolve_path(conf, value, &resolved);
	if (st != DORMANT_OK)
		return st;
	free(*slot);
	*slot = resolved;
	return DORMANT_OK;
}

enum dormant_status
core_conf_set_scan(struct core_conf *conf, const char *key, const char *value,
                   const char *origin, unsigned line, struct dormant_error *err)
{
	char at[600];
	enum dormant_status st = DORMANT_OK;

	where(at, sizeof(at), conf, origin, line, key);
	if (strcmp(key, "days") == 0) {
		if (!parse_long(value, 1, DAYS_MAX, &conf->days))
			return dormant_error_set(err, DORMANT_ERR_CONFIG,
			                         "%s: must be a whole number "
			                         "of days from 1 to %ld, "
			                         "not \"%.64s\"",
			                         at, DAYS_MAX, value);
	} else if (strcmp(key, "warn_days") == 0) {
		if (!parse_long(value, 0, DAYS_MAX, &conf->warn_days))
			return dormant_error_set(err, DORMANT_ERR_CONFIG,
			                         "%s: must be a whole number "
			                         "of days from 0 (off) to "
			                         "%ld, not \"%.64s\"",
			                         at, DAYS_MAX, value);
	} else if (strcmp(key, "providers") == 0) {
		core_strv_free(&conf->providers);
		st = core_strv_split(&conf->providers, value);
		if (st == DORMANT_OK && conf->providers.n == 0)
			return dormant_error_set(err, DORMANT_ERR_CONFIG,
			                         "%s: names no provider", at);
	} else if (strcmp(key, "format") == 0) {
		static const struct {
			const char *name;
			enum core_format format;
		} formats[] = {
		        {"table", DORMANT_FORMAT_TABLE},
		        {"json", DORMANT_FORMAT_JSON},
		        {"ndjson", DORMANT_FORMAT_NDJSON},
		        {"csv", DORMANT_FORMAT_CSV},
		        {"ocsf", DORMANT_FORMAT_OCSF},
		        {"html", DORMANT_FORMAT_HTML},
		};
		size_t i = 0;
		while (i < sizeof(formats) / sizeof(*formats) &&
		       strcmp(value, formats[i].name) != 0)
			i++;
		if (i == sizeof(formats) / sizeof(*formats))
			return dormant_error_set(err, DORMANT_ERR_CONFIG,
			                         "%s: unknown format \"%.64s\" "
			                         "(use table, json, "
			                         "ndjson, csv, ocsf or html)",
			                         at, value);
		conf->format = formats[i].format;
	} else if (strcmp(key, "output") == 0) {
		st = set_path(conf, &conf->output, value, line);
	} else if (strcmp(key, "action") == 0) {
		if (strcmp(value, "report") == 0)
			conf->disable = false;
		else if (strcmp(value, "disable") == 0)
			conf->disable = true;
		else
			return dormant_error_set(
			        err, DORMANT_ERR_CONFIG,
			        "%s: must be report or disable, not \"%.64s\"",
			        at, value);
	} else if (strcmp(key, "max_disable") == 0) {
		if (!parse_long(value, 0, LONG_MAX, &conf->max_disable))
			return dormant_error_set(err, DORMANT_ERR_CONFIG,
			                         "%s: must be a whole number "
			                         ">= 0, not \"%.64s\"",
			                         at, value);
	} else if (strcmp(key, "max_disable_percent") == 0) {
		if (!parse_percent(value, &conf->max_disable_percent))
			return dormant_error_set(
			        err, DORMANT_ERR_CONFIG,
			        "%s: must be a percentage from 0 to 100, not "
			        "\"%.64s\"",
			        at, value);
	} else if (strcmp(key, "disable_admins") == 0) {
		if (!core_conf_parse_bool(value, &conf->disable_admins))
			return dormant_error_set(
			        err, DORMANT_ERR_CONFIG,
			        "%s: must be yes or no, not \"%.64s\"", at,
			        value);
	} else if (strcmp(key, "exclude") == 0) {
		/* Additive: the file's exclusions and the command line's all
		 * apply; an exclusion is a promise never to touch someone. */
		st = core_strv_split(&conf->exclude, value);
	} else if (strcmp(key, "ca_file") == 0) {
		st = set_path(conf, &conf->ca_file, value, line);
	} else if (strcmp(key, "audit_log") == 0) {
		st = set_path(conf, &conf->audit_log, value, line);
	} else if (strcmp(key, "lock_file") == 0) {
		st = set_path(conf, &conf->lock_file, value, line);
	} else if (strcmp(key, "warn_state_file") == 0) {
		st = set_path(conf, &conf->warn_state_file, value, line);
	} else if (strcmp(key, "request_timeout") == 0) {
		if (!parse_long(value, 1, 3600, &conf->request_timeout))
			return dormant_error_set(
			        err, DORMANT_ERR_CONFIG,
			        "%s: must be a whole number of "
			        "seconds from 1 to 3600, not "
			        "\"%.64s\"",
			        at, value);
	} else {
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "%s: unknown key in [scan]", at);
	}
	if (st != DORMANT_OK)
		return dormant_error_set(err, st, "%s: %s", at,
		                         dormant_strerror(st));
	return DORMANT_OK;
}

/* The file parse: inih calls handler() per key; read_line() feeds it one
 * line at a time, which is how we know line numbers (the Debian build of
 * inih does not pass them). */
struct file_parse {
	struct core_conf *conf;
	FILE *f;
	unsigned line;
	bool stopped;
	struct core_conf_section *current; /* NULL while in [scan] */
	bool in_scan;
	bool seen_scan;
	/* inih takes an indented line after a key as more of that key's
	 * value (as Python's configparser does): whether this line is
	 * indented, and the value so far of the last key of this section
	 * (NULL right after a section header, where it cannot happen). */
	bool indented;
	char *joined;
	struct dormant_error *err;
	enum dormant_status st;
};

static struct core_conf_section *
find_section(struct core_conf *conf, const char *name)
{
	for (size_t i = 0; i < conf->n_sections; i++)
		if (strcmp(conf->sections[i].name, name) == 0)
			return &conf->sections[i];
	return NULL;
}

static enum dormant_status
open_section(struct file_parse *fp, const char *name)
{
	struct core_conf *conf = fp->conf;
	struct core_conf_section *s;

	if (strcmp(name, "scan") == 0 ? fp->seen_scan
	                              : find_section(conf, name) != NULL)
		return dormant_error_set(fp->err, DORMANT_ERR_CONFIG,
		                         "%s:%u: [%s] appears twice",
		                         conf->path, fp->line, name);
	if (strcmp(name, "scan") == 0) {
		fp->in_scan = true;
		fp->current = NULL;
		fp->seen_scan = true;
		return DORMANT_OK;
	}
	fp->in_scan = false;
	s = realloc(conf->sections, (conf->n_sections + 1) * sizeof(*s));
	if (!s)
		return dormant_error_set(fp->err, DORMANT_ERR_NOMEM,
		                         "%s: out of memory", conf->path);
	conf->sections = s;
	s = &conf->sections[conf->n_sections];
	memset(s, 0, sizeof(*s));
	s->name = strdup(name);
	if (!s->name)
		return dormant_error_set(fp->err, DORMANT_ERR_NOMEM,
		                         "%s: out of memory", conf->path);
	s->line = fp->line;
	conf->n_sections++;
	fp->current = s;
	return DORMANT_OK;
}

/* Sections are noted here rather than in handler(): inih only reports a
 * section through its keys, and an empty [aws] still enables AWS. The
 * name is taken as inih takes it: everything between '[' and ']'. */
static char *
read_line(char *str, int num, void *stream)
{
	struct file_parse *fp = stream;
	const char *p, *close;
	char name[256];
	size_t len;

	if (fp->stopped || num < 2)
		return NULL;
	/* By hand rather than fgets(): a NUL byte would silently end the
	 * line there ("days = 3\0" + "00" read as 3 days). */
	len = 0;
	for (int c; len < (size_t)num - 1 && (c = getc(fp->f)) != EOF;) {
		str[len++] = (char)c;
		if (c == '\n')
			break;
	}
	str[len] = '\0';
	if (len == 0)
		return NULL;
	fp->line++;
	fp->indented = str[0] == ' ' || str[0] == '\t';
	if (len == (size_t)num - 1 && str[len - 1] != '\n' && !feof(fp->f)) {
		fp->st = dormant_error_set(
		        fp->err, DORMANT_ERR_CONFIG,
		        "%s:%u: line longer than %d characters", fp->conf->path,
		        fp->line, num - 2);
		fp->stopped = true;
		return NULL;
	}
	if (memchr(str, '\0', len) || !dormant_utf8_valid(str, len)) {
		fp->st = dormant_error_set(
		        fp->err, DORMANT_ERR_CONFIG,
		        "%s:%u: %s: a config file is UTF-8 text",
		        fp->conf->path, fp->line,
		        memchr(str, '\0', len) ? "NUL byte" : "invalid UTF-8");
		fp->stopped = true;
		return NULL;
	}
	for (p = str; *p == ' ' || *p == '\t'; p++)
		;
	if (*p != '[' || !(close = strchr(p, ']')))
		return str;
	len = (size_t)(close - p - 1);
	if (len == 0 || len >= sizeof(name)) {
		fp->st = dormant_error_set(fp->err, DORMANT_ERR_CONFIG,
		                           "%s:%u: bad section name",
		                           fp->conf->path, fp->line);
		fp->stopped = true;
		return NULL;
	}
	memcpy(name, p + 1, len);
	name[len] = '\0';
	free(fp->joined);
	fp->joined = NULL;
	fp->st = open_section(fp, name);
	if (fp->st != DORMANT_OK) {
		fp->stopped = true;
		return NULL;
	}
	return str;
}

/* An indented line after a key continues that key's value: a list may
 * run over several lines (a config line holds at most ~200 characters,
 * Debian's inih), the lines joined by commas. Anything that looks like a
 * key of its own is refused rather than silently swallowed. */
static enum dormant_status
continuation(struct file_parse *fp, const char *key, const char *text)
{
	struct core_conf *conf = fp->conf;
	size_t old = strlen(fp->joined), add;
	char *joined;
	enum dormant_status st;

	if (strchr(text, '='))
		return dormant_error_set(
		        fp->err, DORMANT_ERR_CONFIG,
		        "%s:%u: an indented line continues the value of %s "
		        "above it, and \"%.64s\" looks like a key of its own: "
		        "do not indent it",
		        conf->path, fp->line, key, text);
	if (fp->in_scan && strcmp(key, "providers") != 0 &&
	    strcmp(key, "exclude") != 0)
		return dormant_error_set(
		        fp->err, DORMANT_ERR_CONFIG,
		        "%s:%u: %s takes one value; only lists (providers, "
		        "exclude) continue on indented lines",
		        conf->path, fp->line, key);
	/* One comma between the parts, whether or not the lines end or
	 * start with one ("a,\n  b" and "a\n  , b" alike), none when the
	 * key's own line was empty ("assume_roles =\n  arn..."). */
	while (old && strchr(", \t", fp->joined[old - 1]))
		old--;
	text += strspn(text, ", \t");
	add = strlen(text);
	joined = malloc(old + 1 + add + 1);
	if (!joined)
		return dormant_error_set(fp->err, DORMANT_ERR_NOMEM,
		                         "%s: out of memory", conf->path);
	memcpy(joined, fp->joined, old);
	if (old)
		joined[old++] = ',';
	memcpy(joined + old, text, add + 1);
	free(fp->joined);
	fp->joined = joined;
	if (fp->in_scan)
		/* exclude is additive: the new items only. */
		return core_conf_set_scan(
		        conf, key, strcmp(key, "exclude") == 0 ? text : joined,
		        NULL, fp->line, fp->err);
	for (size_t i = 0; i < fp->current->n_values; i++) {
		struct core_conf_value *v = &fp->current->values[i];

		if (strcmp(v->key, key) != 0)
			continue;
		st = set_string(&v->value, joined);
		if (st != DORMANT_OK)
			return dormant_error_set(
			        fp->err, st, "%s: out of memory", conf->path);
		return DORMANT_OK;
	}
	return dormant_error_set(fp->err, DORMANT_ERR_INTERNAL,
	                         "%s:%u: %s: continued but never set",
	                         conf->path, fp->line, key);
}

static int
handler(void *user, const char *section, const char *key, const char *value)
{
	struct file_parse *fp = user;
	struct core_conf *conf = fp->conf;
	struct core_conf_section *s = fp->current;
	struct core_conf_value *v;

	if (fp->stopped)
		return 0;
	if (!*section || (!fp->in_scan && !s)) {
		fp->st = dormant_error_set(
		        fp->err, DORMANT_ERR_CONFIG,
		        "%s:%u: %s: key outside any [section]", conf->path,
		        fp->line, key);
		goto fail;
	}
	if (fp->indented && fp->joined) {
		fp->st = continuation(fp, key, value);
		if (fp->st != DORMANT_OK)
			goto fail;
		return 1;
	}
	free(fp->joined);
	fp->joined = strdup(value);
	if (!fp->joined)
		goto nomem;
	if (fp->in_scan) {
		fp->st = core_conf_set_scan(conf, key, value, NULL, fp->line,
		                            fp->err);
		if (fp->st != DORMANT_OK)
			goto fail;
		return 1;
	}
	if (core_conf_section_get(s, key)) {
		fp->st = dormant_error_set(fp->err, DORMANT_ERR_CONFIG,
		                           "%s:%u: %s: set twice in [%s]",
		                           conf->path, fp->line, key, s->name);
		goto fail;
	}
	v = realloc(s->values, (s->n_values + 1) * sizeof(*v));
	if (!v)
		goto nomem;
	s->values = v;
	v = &s->values[s->n_values];
	v->key = strdup(key);
	v->value = strdup(value);
	v->line = fp->line;
	if (!v->key || !v->value) {
		free(v->key);
		free(v->value);
		goto nomem;
	}
	s->n_values++;
	return 1;
nomem:
	fp->st = dormant_error_set(fp->err, DORMANT_ERR_NOMEM,
	                           "%s: out of memory", conf->path);
fail:
	fp->stopped = true;
	return 0;
}

enum dormant_status
core_conf_load_file(struct core_conf *conf, const char *path,
                    struct dormant_error *err)
{
	struct file_parse fp = {.conf = conf, .err = err, .st = DORMANT_OK};
	struct stat sb;
	enum dormant_status st = DORMANT_OK;
	int rc;

	st = set_string(&conf->path, path);
	if (st != DORMANT_OK)
		return dormant_error_set(err, st, "%s: out of memory", path);
	fp.f = fopen(path, "r");
	if (!fp.f)
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "cannot read config file %s: %s", path,
		                         strerror(errno));
	if (fstat(fileno(fp.f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		st = dormant_error_set(err, DORMANT_ERR_CONFIG,
		                       "config file %s is not a regular file",
		                       path);
		goto out;
	}
	conf->file_is_shared = (sb.st_mode & (S_IRWXG | S_IRWXO)) != 0;
	rc = ini_parse_stream(read_line, &fp, handler, &fp);
	free(fp.joined);
	if (fp.st != DORMANT_OK) {
		st = fp.st;
		goto out;
	}
	if (rc != 0) {
		/* inih reports the first line it could not parse. */
		st = dormant_error_set(err, DORMANT_ERR_CONFIG,
		                       "%s:%d: not a [section], key = value or "
		                       "comment",
		                       path, rc > 0 ? rc : (int)fp.line);
		goto out;
	}
out:
	fclose(fp.f);
	return st;
}

const struct core_conf_section *
core_conf_section(const struct core_conf *conf, const char *name)
{
	for (size_t i = 0; i < conf->n_sections; i++)
		if (strcmp(conf->sections[i].name, name) == 0)
			return &conf->sections[i];
	return NULL;
}

const char *
core_conf_section_get(const struct core_conf_section *s, const char *key)
{
	if (!s)
		return NULL;
	for (size_t i = 0; i < s->n_values; i++)
		if (strcmp(s->values[i].key, key) == 0)
			return s->values[i].value;
	return NULL;
}

static bool
in_list(const char *const *list, const char *key)
{
	for (; list && *list; list++)
		if (strcmp(*list, key) == 0)
			return true;
	return false;
}

enum dormant_status
core_conf_check_section(const struct core_conf *conf,
                        const struct core_conf_section *section,
                        const struct dormant_provider *provider,
                        struct dormant_error *err)
{
	for (size_t i = 0; i < section->n_values; i++) {
		const struct core_conf_value *v = &section->values[i];

		if (!in_list(provider->config_keys, v->key))
			return dormant_error_set(
			        err, DORMANT_ERR_CONFIG,
			        "%s:%u: %s: unknown key in [%s]", conf->path,
			        v->line, v->key, section->name);
		if (conf->file_is_shared &&
		    in_list(provider->secret_keys, v->key))
			return dormant_error_set(
			        err, DORMANT_ERR_CONFIG,
			        "%s:%u: %s: a secret in a file that group or "
			        "others can read; chmod 600 %s or take the "
			        "secret "
			        "from the environment",
			        conf->path, v->line, v->key, conf->path);
	}
	return DORMANT_OK;
}

enum dormant_status
core_conf_resolve_paths(struct core_conf *conf,
                        struct core_conf_section *section,
                        const struct dormant_provider *provider,
                        struct dormant_error *err)
{
	for (size_t i = 0; i < section->n_values; i++) {
		struct core_conf_value *v = &section->values[i];
		char *resolved;

		if (!v->line || !in_list(provider->path_keys, v->key))
			continue;
		if (resolve_path(conf, v->value, &resolved) != DORMANT_OK)
			return dormant_error_set(err, DORMANT_ERR_NOMEM,
			                         "out of memory");
		free(v->value);
		v->value = resolved;
	}
	return DORMANT_OK;
}

enum dormant_status
core_conf_finish(struct core_conf *conf, struct dormant_error *err)
{
	if (conf->warn_days && conf->warn_days >= conf->days)
		return dormant_error_set(
		        err, DORMANT_ERR_CONFIG,
		        "warn_days (%ld) must be less than days (%ld)",
		        conf->warn_days, conf->days);
	return DORMANT_OK;
}
