/* dormant aws: a small RFC 4180 CSV reader over a buffer in memory.
 *
 * The input is untrusted (a file a user hands us, a report a server
 * sends), so the reader caps the size of a field and the number of fields
 * in a record, and every error names the line where it happened.
 *
 * Accepted: fields separated by commas, records ended by CRLF or LF, a
 * last record without a line end, fields in double quotes that may hold
 * commas, line ends and doubled quotes (""), a UTF-8 byte order mark at
 * the very start (spreadsheets write one). Refused: a quote inside an
 * unquoted field, anything but a comma or a line end after a closing
 * quote, an unterminated quoted field, a bare CR outside quotes, NUL bytes
 * and, with AWS_CSV_UTF8, bytes that are not UTF-8.
 *
 *     struct aws_csv csv;
 *     aws_csv_init(&csv, data, len, 4096, 256, AWS_CSV_UTF8);
 *     while ((st = aws_csv_next(&csv, &more, err)) == DORMANT_OK && more)
 *             for (size_t i = 0; i < csv.n_fields; i++)
 *                     use(csv.fields[i], csv.lens[i]);
 *     aws_csv_free(&csv);
 */
#ifndef DORMANT_AWS_CSV_H
#define DORMANT_AWS_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include <dormant/buf.h>
#include <dormant/status.h>

/* Refuse fields that are not well-formed UTF-8. */
#define AWS_CSV_UTF8 0x1u

struct aws_csv {
	/* The record aws_csv_next read last: n_fields NUL-terminated
	 * strings (quotes removed, "" turned into ") and their lengths.
	 * Owned by the reader, valid until the next call. An empty line is a
	 * record with no fields. */
	const char **fields;
	size_t *lens;
	size_t n_fields;
	size_t line; /* 1-based line where that record starts */

	/* Private. */
	const char *data;
	size_t len;
	size_t pos;
	size_t next_line;
	size_t max_field;
	size_t max_fields;
	unsigned flags;
	enum dormant_status failed; /* sticky: the first error */
	struct dormant_buf text;    /* the record's fields, back to back */
	size_t *offsets;            /* where each field starts in text */
	size_t cap_fields;
};

/* Reads data[0..len) (not copied: it must outlive the reader). A field
 * longer than max_field bytes or a record of more than max_fields fields
 * is DORMANT_ERR_TOO_LARGE. */
void aws_csv_init(struct aws_csv *csv, const char *data, size_t len,
                  size_t max_field, size_t max_fields, unsigned flags);

/* Reads the next record. *more is false (and the status OK) at the end of
 * the input. Errors (DORMANT_ERR_PARSE, _TOO_LARGE, _NOMEM) start with
 * "line N: "; after one, the reader keeps returning that status. */
enum dormant_status aws_csv_next(struct aws_csv *csv, bool *more,
                                 struct dormant_error *err);

/* Releases what the reader allocated (not the input). */
void aws_csv_free(struct aws_csv *csv);

#endif /* DORMANT_AWS_CSV_H */
