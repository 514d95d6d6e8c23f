/* dormant aws: the RFC 4180 CSV reader (plugins/aws/csv.c). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "csv.h"

#include "tap.h"

/* Reads all of s and joins the records as "a|b|c;" (fields by '|',
 * records by ';') into out. Returns the status of the last call; err
 * holds its message. */
static enum dormant_status
read_all(const char *s, size_t len, size_t max_field, size_t max_fields,
         unsigned flags, char *out, size_t outsz, struct dormant_error *err)
{
	struct aws_csv csv;
	enum dormant_status st;
	bool more;
	size_t o = 0;

	out[0] = '\0';
	err->msg[0] = '\0';
	aws_csv_init(&csv, s, len, max_field, max_fields, flags);
	while ((st = aws_csv_next(&csv, &more, err)) == DORMANT_OK && more) {
		for (size_t i = 0; i < csv.n_fields; i++) {
			int n = snprintf(out + o, outsz - o, "%s%s",
			                 i ? "|" : "", csv.fields[i]);
			if (n < 0 || (size_t)n >= outsz - o)
				abort();
			o += (size_t)n;
			if (strlen(csv.fields[i]) != csv.lens[i])
				abort();
		}
		if (o + 2 > outsz)
			abort();
		out[o++] = ';';
		out[o] = '\0';
	}
	aws_csv_free(&csv);
	return st;
}

#define CHECK(input, want, name)                                               \
	do {                                                                   \
		char got_[512];                                                \
		struct dormant_error e_;                                       \
		enum dormant_status st_ =                                      \
		        read_all(input, sizeof(input) - 1, 100, 10, 0, got_,   \
		                 sizeof(got_), &e_);                           \
		is_int(st_, DORMANT_OK, "%s: status (%s)", name, e_.msg);      \
		is_str(got_, want, "%s: records", name);                       \
	} while (0)

#define FAILS(input, flags, want_st, want_msg, name)                           \
	do {                                                                   \
		char got_[512];                                                \
		struct dormant_error e_;                                       \
		enum dormant_status st_ =                                      \
		        read_all(input, sizeof(input) - 1, 100, 10, flags,     \
		                 got_, sizeof(got_), &e_);                     \
		is_int(st_, want_st, "%s: status", name);                      \
		is_str(e_.msg, want_msg, "%s: message", name);                 \
	} while (0)

static void
test_line_numbers(void)
{
	static const char s[] = "a,b\n\"x\ny\",z\nlast,one";
	struct aws_csv csv;
	struct dormant_error err;
	bool more;

	aws_csv_init(&csv, s, sizeof(s) - 1, 100, 10, 0);
	aws_csv_next(&csv, &more, &err);
	is_int(csv.line, 1, "first record on line 1");
	aws_csv_next(&csv, &more, &err);
	is_int(csv.line, 2, "second record on line 2");
	is_str(csv.fields[0], "x\ny", "a line feed inside quotes is data");
	aws_csv_next(&csv, &more, &err);
	is_int(csv.line, 4, "third record on line 4 (after a quoted LF)");
	ok(more && csv.n_fields == 2, "last record without a line end");
	is_int(aws_csv_next(&csv, &more, &err), DORMANT_OK, "end: OK");
	ok(!more, "end: no more records");
	is_int(aws_csv_next(&csv, &more, &err), DORMANT_OK,
	       "end stays the end");
	ok(!more, "still no more records");
	aws_csv_free(&csv);
}

static void
test_sticky_error(void)
{
	static const char s[] = "a\"b\nc\n";
	struct aws_csv csv;
	struct dormant_error err;
	bool more;

	aws_csv_init(&csv, s, sizeof(s) - 1, 100, 10, 0);
	is_int(aws_csv_next(&csv, &more, &err), DORMANT_ERR_PARSE,
	       "bad record fails");
	is_int(aws_csv_next(&csv, &more, &err), DORMANT_ERR_PARSE,
	       "and the reader stays failed");
	ok(!more, "with no record");
	aws_csv_free(&csv);
}

static void
test_not_terminated(void)
{
	/* The reader must never look past len: give it a buffer with no
	 * NUL after the data. */
	char *p = malloc(5);
	char got[64];
	struct dormant_error err;

	memcpy(p, "ab,\"c", 5);
	is_int(read_all(p, 5, 100, 10, 0, got, sizeof(got), &err),
	       DORMANT_ERR_PARSE, "unterminated quote at the very end");
	memcpy(p, "ab,cd", 5);
	is_int(read_all(p, 5, 100, 10, 0, got, sizeof(got), &err), DORMANT_OK,
	       "no NUL after the data");
	is_str(got, "ab|cd;", "fields of a buffer without NUL");
	free(p);
}

int
main(void)
{
	char got[512];
	struct dormant_error err;

	CHECK("a,b,c\n1,2,3\n", "a|b|c;1|2|3;", "LF");
	CHECK("a,b,c\r\n1,2,3\r\n", "a|b|c;1|2|3;", "CRLF");
	CHECK("a,b\n1,2", "a|b;1|2;", "no line end at the end");
	CHECK("a,,c,\n", "a||c|;", "empty fields");
	CHECK("\"a,b\",\"say \"\"hi\"\"\",\"\"\n", "a,b|say \"hi\"|;",
	      "quoted: comma, doubled quotes, empty");
	CHECK("\"multi\r\nline\",x\n", "multi\r\nline|x;",
	      "quoted CRLF kept as data");
	CHECK("a\n\nb\n", "a;;b;", "an empty line is a record with no field");
	CHECK("\xef\xbb\xbf"
	      "user,arn\n",
	      "user|arn;", "UTF-8 BOM skipped");
	CHECK("", "", "empty input: no record");
	CHECK("x,\"\"\"\"\n", "x|\";", "a field that is one quote");

	FAILS("a,b\"c\n", 0, DORMANT_ERR_PARSE,
	      "line 1: field 2: quote inside an unquoted field",
	      "quote in an unquoted field");
	FAILS("ok\n\"ab\"c,d\n", 0, DORMANT_ERR_PARSE,
	      "line 2: field 1: unexpected character after a closing quote",
	      "text after a closing quote");
	FAILS("a,b\n\"open,\nstill\nopen", 0, DORMANT_ERR_PARSE,
	      "line 4: quoted field opened on line 2 is never closed",
	      "unterminated quoted field");
	FAILS("a\rb\n", 0, DORMANT_ERR_PARSE,
	      "line 1: carriage return not followed by a line feed", "bare CR");
	FAILS("a,b\nc,d\0e\n", 0, DORMANT_ERR_PARSE,
	      "line 2: field 2: NUL byte", "NUL byte");
	FAILS("a\n\xff\xfe\n", AWS_CSV_UTF8, DORMANT_ERR_PARSE,
	      "line 2: field 1: not valid UTF-8", "invalid UTF-8");
	CHECK("a\n\xff\xfe\n", "a;\xff\xfe;",
	      "bytes are bytes without the flag");
	/* Past the eight-bytes-at-a-time ASCII scan of the UTF-8 check. */
	FAILS("abcdefghijklmnop\xc3\n", AWS_CSV_UTF8, DORMANT_ERR_PARSE,
	      "line 1: field 1: not valid UTF-8",
	      "truncated UTF-8 after 16 ASCII bytes");
	FAILS("abcdefgh\xed\xa0\x80ijklmnop\n", AWS_CSV_UTF8, DORMANT_ERR_PARSE,
	      "line 1: field 1: not valid UTF-8",
	      "a surrogate after 8 ASCII bytes");
	FAILS("x,\"abc\0def\"\n", 0, DORMANT_ERR_PARSE,
	      "line 1: field 2: NUL byte", "NUL byte in a quoted field");
	FAILS("1,2,3,4,5,6,7,8,9,10,11\n", 0, DORMANT_ERR_TOO_LARGE,
	      "line 1: more than 10 fields", "too many fields");

	{
		char big[300];
		memset(big, 'x', sizeof(big));
		is_int(read_all(big, 101, 100, 10, 0, got, sizeof(got), &err),
		       DORMANT_ERR_TOO_LARGE, "field over the cap");
		is_str(err.msg, "line 1: field 1: longer than 100 bytes",
		       "field over the cap: message");
		big[0] = '"';
		big[200] = '"';
		is_int(read_all(big, 201, 100, 10, 0, got, sizeof(got), &err),
		       DORMANT_ERR_TOO_LARGE, "quoted field over the cap");
		is_int(read_all(big + 1, 100, 100, 10, 0, got, sizeof(got),
		                &err),
		       DORMANT_OK, "field at the cap");
	}

	test_line_numbers();
	test_sticky_error();
	test_not_terminated();
	return tap_done();
}
