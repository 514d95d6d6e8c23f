/* dormant aws: the shared config and credentials files (see
 * shared_config.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/buf.h>
#include <dormant/crypto.h>

#include "shared_config.h"

/* Shared files are a few KiB; this is generous. */
#define FILE_MAX ((size_t)1 << 20)

struct entry {
	char *section;
	char *key;
	char *value;
};

struct ini {
	struct entry *v;
	size_t n, cap;
};

struct aws_profiles {
	struct ini creds, conf;
	char where[1100];
};

static void
ini_free(struct ini *ini)
{
	for (size_t i = 0; i < ini->n; i++) {
		free(ini->v[i].section);
		free(ini->v[i].key);
		if (ini->v[i].value) {
			dormant_wipe(ini->v[i].value, strlen(ini->v[i].value));
			free(ini->v[i].value);
		}
	}
	free(ini->v);
	memset(ini, 0, sizeof(*ini));
}

static char *
trimmed(const char *s, size_t len)
{
	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len &&
	       (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	return strndup(s, len);
}

static enum dormant_status
ini_add(struct ini *ini, const char *section, char *key, char *value)
{
	if (ini->n == ini->cap) {
		size_t ncap = ini->cap ? ini->cap * 2 : 16;
		struct entry *v = realloc(ini->v, ncap * sizeof(*v));

		if (!v)
			return DORMANT_ERR_NOMEM;
		ini->v = v;
		ini->cap = ncap;
	}
	ini->v[ini->n].section = strdup(section);
	ini->v[ini->n].key = key;
	ini->v[ini->n].value = value;
	if (!ini->v[ini->n].section)
		return DORMANT_ERR_NOMEM;
	ini->n++;
	return DORMANT_OK;
}

static enum dormant_status
ini_parse(const char *path, const char *data, size_t len, struct ini *ini,
          struct dormant_error *err)
{
	char section[256] = "";
	bool have_section = false;
	size_t lineno = 0;

	for (size_t i = 0; i < len;) {
		const char *line = data + i, *eq;
		size_t l = strcspn(line, "\n");
		char *key, *value;

		if (i + l > len)
			l = len - i;
		i += l + 1;
		lineno++;
		while (l && (line[l - 1] == '\r'))
			l--;
		if (l == 0)
			continue;
		if (line[0] == ' ' || line[0] == '\t')
			continue; /* a nested setting: not ours */
		if (line[0] == '#' || line[0] == ';')
			continue;
		if (line[0] == '[') {
			const char *close = memchr(line, ']', l);
			char *name;

			if (!close)
				return dormant_error_set(
				        err, DORMANT_ERR_CONFIG,
				        "%s:%zu: section without ']'", path,
				        lineno);
			name = trimmed(line + 1, (size_t)(close - line - 1));
			if (!name)
				return DORMANT_ERR_NOMEM;
			snprintf(section, sizeof(section), "%s", name);
			free(name);
			have_section = true;
			continue;
		}
		eq = memchr(line, '=', l);
		if (!eq || !have_section)
			return dormant_error_set(err, DORMANT_ERR_CONFIG,
			                         "%s:%zu: not a key = value "
			                         "line in a section",
			                         path, lineno);
		key = trimmed(line, (size_t)(eq - line));
		value = trimmed(eq + 1, l - (size_t)(eq - line) - 1);
		if (!key || !value || ini_add(ini, section, key, value)) {
			free(key);
			free(value);
			return dormant_error_set(
			        err, DORMANT_ERR_NOMEM, "%s",
			        dormant_strerror(DORMANT_ERR_NOMEM));
		}
	}
	return DORMANT_OK;
}

static const char *
ini_get(const struct ini *ini, const char *section, const char *key)
{
	const char *found = NULL;

	/* The last one wins, as in the SDKs' parsers. */
	for (size_t i = 0; i < ini->n; i++)
		if (strcmp(ini->v[i].section, section) == 0 &&
		    strcmp(ini->v[i].key, key) == 0)
			found = ini->v[i].value;
	return found;
}

static bool
ini_has(const struct ini *ini, const char *section)
{
	for (size_t i = 0; i < ini->n; i++)
		if (strcmp(ini->v[i].section, section) == 0)
			return true;
	return false;
}

static void
file_path(const char *env_name, const char *dflt, char *out, size_t size)
{
	const char *v = getenv(env_name), *home = getenv("HOME");

	if (!v || !*v)
		v = dflt;
	if (strncmp(v, "~/", 2) == 0 && home)
		snprintf(out, size, "%s/%s", home, v + 2);
	else
		snprintf(out, size, "%s", v);
}

static enum dormant_status
load_one(const char *path, struct ini *ini, struct dormant_error *err)
{
	struct dormant_buf b;
	struct dormant_error why;
	enum dormant_status st;
	FILE *f = fopen(path, "r");

	if (!f)
		return DORMANT_OK; /* absent: no profiles there */
	fclose(f);
	dormant_buf_init(&b, FILE_MAX);
	st = dormant_buf_read_file(&b, path, &why);
	if (st != DORMANT_OK) {
		dormant_error_set(err, DORMANT_ERR_CONFIG, "%s", why.msg);
		st = DORMANT_ERR_CONFIG;
	} else {
		st = ini_parse(path, b.data, b.len, ini, err);
	}
	if (b.data)
		dormant_wipe(b.data, b.len);
	dormant_buf_free(&b);
	return st;
}

enum dormant_status
aws_profiles_load(struct aws_profiles **out, struct dormant_error *err)
{
	struct aws_profiles *p = calloc(1, sizeof(*p));
	char cred_path[512], conf_path[512];
	enum dormant_status st;

	*out = NULL;
	if (!p)
		return dormant_error_set(err, DORMANT_ERR_NOMEM, "%s",
		                         dormant_strerror(DORMANT_ERR_NOMEM));
	file_path("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials",
	          cred_path, sizeof(cred_path));
	file_path("AWS_CONFIG_FILE", "~/.aws/config", conf_path,
	          sizeof(conf_path));
	snprintf(p->where, sizeof(p->where), "%s and %s", cred_path, conf_path);
	st = load_one(cred_path, &p->creds, err);
	if (st == DORMANT_OK)
		st = load_one(conf_path, &p->conf, err);
	if (st != DORMANT_OK) {
		aws_profiles_free(p);
		return st;
	}
	*out = p;
	return DORMANT_OK;
}

void
aws_profiles_free(struct aws_profiles *p)
{
	if (!p)
		return;
	ini_free(&p->creds);
	ini_free(&p->conf);
	free(p);
}

static void
conf_section(const char *profile, char *out, size_t size)
{
	if (strcmp(profile, "default") == 0)
		snprintf(out, size, "default");
	else
		snprintf(out, size, "profile %s", profile);
}

bool
aws_profile_exists(const struct aws_profiles *p, const char *profile)
{
	char section[300];

	conf_section(profile, section, sizeof(section));
	return ini_has(&p->creds, profile) || ini_has(&p->conf, section);
}

const char *
aws_profile_get(const struct aws_profiles *p, const char *profile,
                const char *key)
{
	char section[300];
	const char *v = ini_get(&p->creds, profile, key);

	if (v)
		return v;
	conf_section(profile, section, sizeof(section));
	return ini_get(&p->conf, section, key);
}

const char *
aws_profiles_where(const struct aws_profiles *p)
{
	return p->where;
}
