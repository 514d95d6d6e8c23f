/* dormant okta: the Link header. See link.h. */
#define _POSIX_C_SOURCE 200809L

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "link.h"

static const char *
skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static bool
tchar(char c)
{
	/* (strchr would find the terminator of its own string.) */
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Does the space-separated relation list v[0..len) hold rel? */
static bool
rel_has(const char *v, size_t len, const char *rel)
{
	size_t rlen = strlen(rel), i = 0;

	while (i < len) {
		size_t j;

		while (i < len && v[i] == ' ')
			i++;
		for (j = i; j < len && v[j] != ' ';)
			j++;
		if (j - i == rlen && strncasecmp(v + i, rel, rlen) == 0)
			return true;
		i = j;
	}
	return false;
}

enum dormant_status
okta_link_find(const char *header, const char *rel, char **out,
               struct dormant_error *err)
{
	const char *p = header;

	*out = NULL;
	if (!header)
		return DORMANT_OK;
	for (;;) {
		const char *url, *url_end;
		bool match = false;

		p = skip_ws(p);
		if (!*p)
			return DORMANT_OK;
		if (*p != '<')
			goto bad;
		url = p + 1;
		url_end = strchr(url, '>');
		if (!url_end)
			goto bad;
		p = skip_ws(url_end + 1);
		while (*p == ';') {
			const char *name, *val;
			size_t nlen, vlen;

			p = skip_ws(p + 1);
			for (name = p; tchar(*p);)
				p++;
			nlen = (size_t)(p - name);
			if (nlen == 0)
				goto bad;
			p = skip_ws(p);
			val = "";
			vlen = 0;
			if (*p == '=') {
				p = skip_ws(p + 1);
				if (*p == '"') {
					/* Relation types hold no quote nor
					 * backslash: a quoted-pair is not
					 * unescaped, only skipped. */
					val = ++p;
					while (*p && *p != '"') {
						if (*p == '\\' && p[1])
							p++;
						p++;
					}
					if (*p != '"')
						goto bad;
					vlen = (size_t)(p - val);
					p++;
				} else {
					for (val = p; tchar(*p);)
						p++;
					vlen = (size_t)(p - val);
				}
			}
			if (nlen == 3 && strncasecmp(name, "rel", 3) == 0 &&
			    rel_has(val, vlen, rel))
				match = true;
			p = skip_ws(p);
		}
		if (match) {
			*out = strndup(url, (size_t)(url_end - url));
			if (!*out)
				return dormant_error_set(err, DORMANT_ERR_NOMEM,
				                         "out of memory");
			return DORMANT_OK;
		}
		if (*p == ',') {
			p++;
			continue;
		}
		if (!*p)
			return DORMANT_OK;
		goto bad;
	}
bad:
	return dormant_error_set(err, DORMANT_ERR_PARSE,
	                         "Link header is not a list of <URL>; "
	                         "rel=... links (at \"%.40s\")",
	                         p);
}
