/* dormant: growing byte buffers with a size cap. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/buf.h>

void
dormant_buf_init(struct dormant_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

static enum dormant_status
reserve(struct dormant_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > SIZE_MAX - b->len - 1)
		return DORMANT_ERR_TOO_LARGE;
	need = b->len + extra + 1;
	if (b->max && need - 1 > b->max)
		return DORMANT_ERR_TOO_LARGE;
	if (need <= b->cap)
		return DORMANT_OK;
	cap = b->cap ? b->cap : 256;
	if (!b->cap && need > cap)
		cap = need; /* a first reservation: take it as asked */
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (!p)
		return DORMANT_ERR_NOMEM;
	b->data = p;
	b->cap = cap;
	return DORMANT_OK;
}

enum dormant_status
dormant_buf_reserve(struct dormant_buf *b, size_t n)
{
	enum dormant_status st = reserve(b, n);

	if (st == DORMANT_OK)
		b->data[b->len] = '\0';
	return st;
}

enum dormant_status
dormant_buf_append(struct dormant_buf *b, const void *p, size_t n)
{
	enum dormant_status st = reserve(b, n);

	if (st != DORMANT_OK)
		return st;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return DORMANT_OK;
}

enum dormant_status
dormant_buf_appendf(struct dormant_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	enum dormant_status st;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return DORMANT_ERR_INTERNAL;
	st = reserve(b, (size_t)n);
	if (st != DORMANT_OK)
		return st;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return DORMANT_OK;
}

char *
dormant_buf_steal(struct dormant_buf *b)
{
	char *p = b->data;

	if (!p)
		p = calloc(1, 1);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}

void
dormant_buf_reset(struct dormant_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void
dormant_buf_free(struct dormant_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

enum dormant_status
dormant_buf_read_file(struct dormant_buf *b, const char *path,
                      struct dormant_error *err)
{
	char chunk[65536];
	enum dormant_status st = DORMANT_OK;
	FILE *f;
	size_t n;

	dormant_buf_reset(b);
	f = fopen(path, "rb");
	if (!f)
		return dormant_error_set(err, DORMANT_ERR_IO, "%s: %s", path,
		                         strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		st = dormant_buf_append(b, chunk, n);
		if (st == DORMANT_ERR_TOO_LARGE) {
			dormant_error_set(err, st, "%s: larger than %zu bytes",
			                  path, b->max);
			goto out;
		}
		if (st != DORMANT_OK) {
			dormant_error_set(err, st, "%s: %s", path,
			                  dormant_strerror(st));
			goto out;
		}
	}
	if (ferror(f)) {
		st = dormant_error_set(err, DORMANT_ERR_IO, "%s: read error",
		                       path);
		goto out;
	}
	if (!b->data)
		st = dormant_buf_append(b, "", 0);
out:
	fclose(f);
	return st;
}
