/* dormant: safe cJSON getters for cloud answers. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <dormant/json.h>
#include <dormant/timeutil.h>

bool
dormant_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	while (p < end) {
		unsigned c, n;
		uint32_t cp;

		/* Most text is ASCII: eight bytes at a time while it is. */
		while (end - p >= 8) {
			uint64_t w;

			memcpy(&w, p, sizeof(w));
			if (w & UINT64_C(0x8080808080808080))
				break;
			p += 8;
		}
		if (p == end)
			break;
		c = *p;
		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if ((size_t)(end - p) <= n)
			return false;
		for (unsigned i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		p += n + 1;
	}
	return true;
}

/* cJSON recurses once per nesting level; bound it before parsing so that
 * "[[[[..." cannot exhaust the stack. Strings are skipped so that brackets
 * inside them do not count. A \u0000 escape is refused too: cJSON would
 * cut the string there, so "123\u0000456" would read as the id "123". */
static const char *
prescan(const char *data, size_t len)
{
	int depth = 0;
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		char c = data[i];
		if (in_string) {
			if (c == '\\') {
				if (i + 5 < len &&
				    memcmp(data + i + 1, "u0000", 5) == 0)
					return "\\u0000 in a JSON string";
				i++;
			} else if (c == '"') {
				in_string = false;
			}
		} else if (c == '"') {
			in_string = true;
		} else if (c == '[' || c == '{') {
			if (++depth > DORMANT_JSON_MAX_DEPTH)
				return "JSON nested too deeply";
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return NULL;
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp((*(const cJSON *const *)a)->string,
	              (*(const cJSON *const *)b)->string);
}

/* cJSON keeps the first of two members with one name, other readers the
 * last: an answer with both could mean different users to different
 * tools, so it is refused. Returns the duplicated name or NULL. */
static const char *
duplicate_member(const cJSON *node)
{
	for (const cJSON *c = node->child; c; c = c->next) {
		const char *d = duplicate_member(c);
		if (d)
			return d;
	}
	if (cJSON_IsObject(node)) {
		size_t n = 0, i = 0;
		const cJSON **v;
		const char *dup = NULL;

		for (const cJSON *c = node->child; c; c = c->next)
			n++;
		if (n < 2)
			return NULL;
		v = malloc(n * sizeof(*v));
		if (!v)
			return "(out of memory)";
		for (const cJSON *c = node->child; c; c = c->next)
			v[i++] = c;
		qsort(v, n, sizeof(*v), compare_names);
		for (i = 1; i < n && !dup; i++)
			if (strcmp(v[i - 1]->string, v[i]->string) == 0)
				dup = v[i]->string;
		free(v);
		return dup;
	}
	return NULL;
}

enum dormant_status
dormant_json_parse(const char *data, size_t len, const char *what, cJSON **root,
                   struct dormant_error *err)
{
	const char *end = NULL, *bad;
	cJSON *j;

	*root = NULL;
	if (!dormant_utf8_valid(data, len))
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: not valid UTF-8", what);
	if (memchr(data, '\0', len))
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: NUL byte in JSON", what);
	if ((bad = prescan(data, len)) != NULL)
		return dormant_error_set(err, DORMANT_ERR_PARSE, "%s: %s", what,
		                         bad);
	j = cJSON_ParseWithLengthOpts(data, len, &end, 0);
	if (!j) {
		size_t off = end && end >= data ? (size_t)(end - data) : 0;
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: invalid JSON near byte %zu", what,
		                         off);
	}
	/* cJSON stops at the first complete value; anything but white space
	 * after it means the input is not what we think it is. */
	for (; end && (size_t)(end - data) < len; end++) {
		if (*end != ' ' && *end != '\n' && *end != '\r' &&
		    *end != '\t') {
			cJSON_Delete(j);
			return dormant_error_set(
			        err, DORMANT_ERR_PARSE,
			        "%s: unexpected data after JSON at byte %zu",
			        what, (size_t)(end - data));
		}
	}
	if ((bad = duplicate_member(j)) != NULL) {
		enum dormant_status st = dormant_error_set(
		        err, DORMANT_ERR_PARSE,
		        "%s: member \"%.64s\" appears twice in one object",
		        what, bad);
		cJSON_Delete(j);
		return st;
	}
	*root = j;
	return DORMANT_OK;
}

enum dormant_status
dormant_json_string(const cJSON *obj, const char *key, const char **out,
                    struct dormant_error *err)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = NULL;
	if (!m || cJSON_IsNull(m))
		return DORMANT_OK;
	if (!cJSON_IsString(m) || !m->valuestring)
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "\"%s\" is not a string", key);
	*out = m->valuestring;
	return DORMANT_OK;
}

enum dormant_status
dormant_json_bool(const cJSON *obj, const char *key, bool dflt, bool *out,
                  struct dormant_error *err)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = dflt;
	if (!m || cJSON_IsNull(m))
		return DORMANT_OK;
	if (!cJSON_IsBool(m))
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "\"%s\" is not a boolean", key);
	*out = cJSON_IsTrue(m);
	return DORMANT_OK;
}

enum dormant_status
dormant_json_time(const cJSON *obj, const char *key, int64_t *out,
                  struct dormant_error *err)
{
	const char *s;
	enum dormant_status st = dormant_json_string(obj, key, &s, err);

	*out = DORMANT_TIME_NONE;
	if (st != DORMANT_OK || !s)
		return st;
	if (!dormant_time_parse_iso8601(s, out))
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "\"%s\" is not a time: \"%.40s\"", key,
		                         s);
	return DORMANT_OK;
}
