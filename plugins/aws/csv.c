/* dormant aws: an RFC 4180 CSV reader over a buffer in memory.
 *
 * RFC 4180 section 2 is the grammar: records end with CRLF (we also take
 * a bare LF, which most Unix tools write), the last record may lack its
 * line end, a field in double quotes may contain commas, CR, LF and
 * doubled quotes, and an unquoted field may contain no quote at all.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include <dormant/json.h>

void
aws_csv_init(struct aws_csv *csv, const char *data, size_t len,
             size_t max_field, size_t max_fields, unsigned flags)
{
	memset(csv, 0, sizeof(*csv));
	csv->data = data;
	csv->len = data ? len : 0;
	csv->max_field = max_field;
	csv->max_fields = max_fields ? max_fields : 1;
	csv->flags = flags;
	csv->next_line = 1;
	csv->line = 1;
	/* Excel and other spreadsheets put a UTF-8 byte order mark in front
	 * of the first header name; it is not part of the data. */
	if (csv->len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		csv->pos = 3;
	dormant_buf_init(&csv->text, 0);
}

void
aws_csv_free(struct aws_csv *csv)
{
	dormant_buf_free(&csv->text);
	free(csv->fields);
	free(csv->lens);
	free(csv->offsets);
	csv->fields = NULL;
	csv->lens = NULL;
	csv->offsets = NULL;
	csv->n_fields = 0;
	csv->cap_fields = 0;
}

static enum dormant_status
fail(struct aws_csv *csv, struct dormant_error *err, enum dormant_status st,
     size_t line, const char *what, size_t field)
{
	csv->failed = st;
	if (field)
		return dormant_error_set(err, st, "line %zu: field %zu: %s",
		                         line, field, what);
	return dormant_error_set(err, st, "line %zu: %s", line, what);
}

/* Makes room for one more field in the three parallel arrays. */
static enum dormant_status
grow_fields(struct aws_csv *csv)
{
	size_t cap;
	const char **f;
	size_t *l, *o;

	if (csv->n_fields < csv->cap_fields)
		return DORMANT_OK;
	cap = csv->cap_fields ? csv->cap_fields * 2 : 32;
	if (cap > csv->max_fields)
		cap = csv->max_fields;
	f = realloc(csv->fields, cap * sizeof(*f));
	if (!f)
		return DORMANT_ERR_NOMEM;
	csv->fields = f;
	l = realloc(csv->lens, cap * sizeof(*l));
	if (!l)
		return DORMANT_ERR_NOMEM;
	csv->lens = l;
	o = realloc(csv->offsets, cap * sizeof(*o));
	if (!o)
		return DORMANT_ERR_NOMEM;
	csv->offsets = o;
	csv->cap_fields = cap;
	return DORMANT_OK;
}

/* Appends n bytes of the current field (which holds *flen so far),
 * enforcing the field cap before anything is copied; check_nul when the
 * caller has not looked for NUL bytes itself. */
static enum dormant_status
append(struct aws_csv *csv, const char *p, size_t n, bool check_nul,
       size_t *flen, struct dormant_error *err)
{
	enum dormant_status st;

	if (n > csv->max_field || *flen > csv->max_field - n) {
		char what[64];
		snprintf(what, sizeof(what), "longer than %zu bytes",
		         csv->max_field);
		return fail(csv, err, DORMANT_ERR_TOO_LARGE, csv->line, what,
		            csv->n_fields + 1);
	}
	/* Fields come back as C strings; a NUL inside one would silently
	 * cut it short. */
	if (check_nul && memchr(p, '\0', n))
		return fail(csv, err, DORMANT_ERR_PARSE, csv->next_line,
		            "NUL byte", csv->n_fields + 1);
	st = dormant_buf_append(&csv->text, p, n);
	if (st != DORMANT_OK)
		return fail(csv, err, st, csv->line, dormant_strerror(st), 0);
	*flen += n;
	return DORMANT_OK;
}

static size_t
count_lf(const char *p, size_t n)
{
	size_t lines = 0;
	const char *q;

	while (n && (q = memchr(p, '\n', n)) != NULL) {
		lines++;
		n -= (size_t)(q - p) + 1;
		p = q + 1;
	}
	return lines;
}

/* Reads one quoted field's content; csv->pos is just past the opening
 * quote and ends just past the closing one. */
static enum dormant_status
quoted(struct aws_csv *csv, size_t *flen, struct dormant_error *err)
{
	size_t start_line = csv->next_line;
	enum dormant_status st;

	for (;;) {
		const char *p = csv->data + csv->pos;
		size_t left = csv->len - csv->pos;
		const char *q = memchr(p, '"', left);
		size_t n = q ? (size_t)(q - p) : left;

		st = append(csv, p, n, true, flen, err);
		if (st != DORMANT_OK)
			return st;
		csv->next_line += count_lf(p, n);
		csv->pos += n;
		if (!q) {
			char what[80];
			snprintf(what, sizeof(what),
			         "quoted field opened on line %zu is never "
			         "closed",
			         start_line);
			return fail(csv, err, DORMANT_ERR_PARSE, csv->next_line,
			            what, 0);
		}
		/* "" inside quotes is one literal quote (RFC 4180 rule 7). */
		if (csv->pos + 1 < csv->len && csv->data[csv->pos + 1] == '"') {
			st = append(csv, "\"", 1, false, flen, err);
			if (st != DORMANT_OK)
				return st;
			csv->pos += 2;
			continue;
		}
		csv->pos++;
		return DORMANT_OK;
	}
}

/* The bytes an unquoted field stops at: its delimiters, and the two it
 * may not contain (checked after the scan, which is the hot loop of a
 * 100,000-row report). */
static const unsigned char stops[256] = {
        ['\0'] = 1, ['\n'] = 1, ['\r'] = 1, [','] = 1, ['"'] = 1,
};

/* Reads an unquoted field up to (not including) its delimiter. */
static enum dormant_status
unquoted(struct aws_csv *csv, size_t *flen, struct dormant_error *err)
{
	const unsigned char *p = (const unsigned char *)csv->data;
	size_t start = csv->pos, pos = csv->pos;

	while (pos < csv->len && !stops[p[pos]])
		pos++;
	csv->pos = pos;
	if (pos < csv->len && p[pos] == '\0')
		return fail(csv, err, DORMANT_ERR_PARSE, csv->next_line,
		            "NUL byte", csv->n_fields + 1);
	if (pos < csv->len && p[pos] == '"')
		return fail(csv, err, DORMANT_ERR_PARSE, csv->next_line,
		            "quote inside an unquoted field",
		            csv->n_fields + 1);
	return append(csv, csv->data + start, pos - start, false, flen, err);
}

/* After a field: a comma (another field follows: returns true in *again),
 * a line end or the end of the input (the record is over). */
static enum dormant_status
delimiter(struct aws_csv *csv, bool *again, struct dormant_error *err)
{
	char c;

	*again = false;
	if (csv->pos >= csv->len)
		return DORMANT_OK;
	c = csv->data[csv->pos];
	if (c == ',') {
		csv->pos++;
		*again = true;
		return DORMANT_OK;
	}
	if (c == '\n') {
		csv->pos++;
		csv->next_line++;
		return DORMANT_OK;
	}
	if (c == '\r' && csv->pos + 1 < csv->len &&
	    csv->data[csv->pos + 1] == '\n') {
		csv->pos += 2;
		csv->next_line++;
		return DORMANT_OK;
	}
	if (c == '\r')
		return fail(csv, err, DORMANT_ERR_PARSE, csv->next_line,
		            "carriage return not followed by a line feed", 0);
	/* Only a quoted field can stop elsewhere; it is already counted. */
	return fail(csv, err, DORMANT_ERR_PARSE, csv->next_line,
	            "unexpected character after a closing quote",
	            csv->n_fields);
}

enum dormant_status
aws_csv_next(struct aws_csv *csv, bool *more, struct dormant_error *err)
{
	enum dormant_status st = DORMANT_OK;
	bool again = true;

	*more = false;
	if (csv->failed != DORMANT_OK)
		return dormant_error_set(err, csv->failed,
		                         "line %zu: reading after an error",
		                         csv->line);
	csv->n_fields = 0;
	dormant_buf_reset(&csv->text);
	if (csv->pos >= csv->len)
		return DORMANT_OK;
	csv->line = csv->next_line;
	*more = true;

	/* An empty line is a record with no fields; the caller decides
	 * whether that is fine. */
	if (csv->data[csv->pos] == '\n' ||
	    (csv->data[csv->pos] == '\r' && csv->pos + 1 < csv->len &&
	     csv->data[csv->pos + 1] == '\n'))
		return delimiter(csv, &again, err);

	while (again) {
		size_t flen = 0;

		if (csv->n_fields >= csv->max_fields) {
			char what[64];
			snprintf(what, sizeof(what), "more than %zu fields",
			         csv->max_fields);
			st = fail(csv, err, DORMANT_ERR_TOO_LARGE, csv->line,
			          what, 0);
			goto out;
		}
		st = grow_fields(csv);
		if (st != DORMANT_OK) {
			st = fail(csv, err, st, csv->line, dormant_strerror(st),
			          0);
			goto out;
		}
		csv->offsets[csv->n_fields] = csv->text.len;
		if (csv->pos < csv->len && csv->data[csv->pos] == '"') {
			csv->pos++;
			st = quoted(csv, &flen, err);
		} else {
			st = unquoted(csv, &flen, err);
		}
		if (st != DORMANT_OK)
			goto out;
		/* The terminating NUL of this field. */
		st = dormant_buf_append(&csv->text, "", 1);
		if (st != DORMANT_OK) {
			st = fail(csv, err, st, csv->line, dormant_strerror(st),
			          0);
			goto out;
		}
		if ((csv->flags & AWS_CSV_UTF8) &&
		    !dormant_utf8_valid(csv->text.data +
		                                csv->offsets[csv->n_fields],
		                        flen)) {
			st = fail(csv, err, DORMANT_ERR_PARSE, csv->line,
			          "not valid UTF-8", csv->n_fields + 1);
			goto out;
		}
		csv->lens[csv->n_fields] = flen;
		csv->n_fields++;
		st = delimiter(csv, &again, err);
		if (st != DORMANT_OK)
			goto out;
	}
	/* The text buffer may have moved while it grew: point the fields at
	 * it only now. */
	for (size_t i = 0; i < csv->n_fields; i++)
		csv->fields[i] = csv->text.data + csv->offsets[i];
out:
	if (st != DORMANT_OK) {
		csv->n_fields = 0;
		*more = false;
	}
	return st;
}
