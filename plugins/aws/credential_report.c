/* dormant aws: parsing the IAM credential report.
 *
 * The format is documented in the IAM User Guide, "Getting credential
 * reports for your AWS account" (id_credentials_getting-report), section
 * "Understanding the report format":
 *
 * - CSV with a header line naming the columns: user, arn,
 *   user_creation_time, password_enabled, password_last_used,
 *   password_last_changed, password_next_rotation, mfa_active,
 *   access_key_{1,2}_active, access_key_{1,2}_last_rotated,
 *   access_key_{1,2}_last_used_{date,region,service},
 *   cert_{1,2}_active, cert_{1,2}_last_rotated. Older reports lack the
 *   access key "last used" columns and AWS may add more, so columns are
 *   found by name and unknown ones are ignored.
 * - Times are ISO 8601 (AWS writes 2014-10-15T16:45:30+00:00).
 * - password_last_used is "no_information" when the password was never
 *   used, or not since IAM began tracking sign-ins on October 20, 2014;
 *   "N/A" when the user has no password.
 * - password_last_changed, the key and certificate times are "N/A" when
 *   there is no such credential.
 * - The account's root user is the row "<root_account>" with the ARN
 *   arn:aws:iam::ACCOUNT:root, and "not_supported" in the password
 *   columns it has no value for.
 * - Booleans are documented as TRUE/FALSE and written as true/false; both
 *   spellings are taken.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include <dormant/timeutil.h>

#include "credential_report.h"

#define ROOT_USER "<root_account>"

/* Longest field we accept: an ARN is at most about 600 bytes (a 512-byte
 * path and a 64-byte name, per the IAM quotas); anything near this cap is
 * not a credential report. */
#define MAX_FIELD   4096
#define MAX_COLUMNS 256

/* How often, in rows, a long listing checks whether the run was
 * cancelled. */
#define CANCEL_EVERY 1024

enum column {
	COL_USER,
	COL_ARN,
	COL_CREATED,
	COL_PASSWORD_ENABLED,
	COL_PASSWORD_LAST_USED,
	COL_PASSWORD_LAST_CHANGED,
	COL_PASSWORD_NEXT_ROTATION,
	COL_MFA_ACTIVE,
	COL_KEY1_ACTIVE,
	COL_KEY1_LAST_ROTATED,
	COL_KEY1_LAST_USED,
	COL_KEY2_ACTIVE,
	COL_KEY2_LAST_ROTATED,
	COL_KEY2_LAST_USED,
	COL_CERT1_ACTIVE,
	COL_CERT1_LAST_ROTATED,
	COL_CERT2_ACTIVE,
	COL_CERT2_LAST_ROTATED,
	N_COLUMNS
};

enum kind {
	KIND_TEXT, /* user, arn: checked on their own */
	KIND_TIME,
	KIND_BOOL
};

/* Words that may stand in for a time (besides "not_supported" in the root
 * row, which any value column may hold). */
#define ALLOW_NA      0x1u
#define ALLOW_NO_INFO 0x2u

static const struct {
	const char *name;
	enum kind kind;
	bool required; /* what the user record needs */
	unsigned allow;
} columns[N_COLUMNS] = {
        [COL_USER] = {"user", KIND_TEXT, true, 0},
        [COL_ARN] = {"arn", KIND_TEXT, true, 0},
        [COL_CREATED] = {"user_creation_time", KIND_TIME, true, 0},
        [COL_PASSWORD_ENABLED] = {"password_enabled", KIND_BOOL, true, 0},
        [COL_PASSWORD_LAST_USED] = {"password_last_used", KIND_TIME, true,
                                    ALLOW_NA | ALLOW_NO_INFO},
        [COL_PASSWORD_LAST_CHANGED] = {"password_last_changed", KIND_TIME, true,
                                       ALLOW_NA},
        [COL_PASSWORD_NEXT_ROTATION] = {"password_next_rotation", KIND_TIME,
                                        false, ALLOW_NA},
        [COL_MFA_ACTIVE] = {"mfa_active", KIND_BOOL, true, 0},
        [COL_KEY1_ACTIVE] = {"access_key_1_active", KIND_BOOL, true, 0},
        [COL_KEY1_LAST_ROTATED] = {"access_key_1_last_rotated", KIND_TIME,
                                   false, ALLOW_NA},
        [COL_KEY1_LAST_USED] = {"access_key_1_last_used_date", KIND_TIME, false,
                                ALLOW_NA | ALLOW_NO_INFO},
        [COL_KEY2_ACTIVE] = {"access_key_2_active", KIND_BOOL, true, 0},
        [COL_KEY2_LAST_ROTATED] = {"access_key_2_last_rotated", KIND_TIME,
                                   false, ALLOW_NA},
        [COL_KEY2_LAST_USED] = {"access_key_2_last_used_date", KIND_TIME, false,
                                ALLOW_NA | ALLOW_NO_INFO},
        [COL_CERT1_ACTIVE] = {"cert_1_active", KIND_BOOL, false, 0},
        [COL_CERT1_LAST_ROTATED] = {"cert_1_last_rotated", KIND_TIME, false,
                                    ALLOW_NA},
        [COL_CERT2_ACTIVE] = {"cert_2_active", KIND_BOOL, false, 0},
        [COL_CERT2_LAST_ROTATED] = {"cert_2_last_rotated", KIND_TIME, false,
                                    ALLOW_NA},
};

#define NO_COLUMN SIZE_MAX

/* What one cell said. */
enum value {
	VAL_TIME,
	VAL_TRUE,
	VAL_FALSE,
	VAL_NA,
	VAL_NO_INFO,
	VAL_NOT_SUPPORTED,
	VAL_ABSENT /* optional column not in this report */
};

struct cell {
	enum value v;
	int64_t t; /* VAL_TIME */
};

/* A checked user row, kept until every row has been checked. Strings
 * are offsets into the parser's text arena (which moves as it grows);
 * extras point to string literals. */
struct kept_row {
	size_t id, name;
	int64_t created, last_login, access_granted;
	bool interactive;
	struct dormant_extra extras[4];
	size_t n_extras;
};

struct parser {
	const char *data;
	size_t len;
	const struct dormant_host *host;
	bool keep; /* keep user rows for delivery (a sink was given) */
	struct kept_row *rows;
	size_t n_rows, cap_rows;
	struct dormant_buf text; /* ids and names, NUL-separated */
	size_t index[N_COLUMNS]; /* header position of each column */
	size_t n_header;
	/* "arn:PARTITION:iam::ACCOUNT:" of the first row: every other row
	 * must belong to the same account. */
	char prefix[64];
	char account[AWS_ACCOUNT_ID_LEN + 1];
	bool seen_root;
};

/* Quotes an untrusted value for an error message: printable ASCII only,
 * cut at 40 bytes, so that the message stays one readable line. */
static const char *
shown(const char *s, char *buf, size_t size)
{
	size_t i, o = 0;

	for (i = 0; s[i] && o + 4 < size && i < 40; i++)
		buf[o++] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (s[i] && o + 4 < size) {
		buf[o++] = '.';
		buf[o++] = '.';
		buf[o++] = '.';
	}
	buf[o] = '\0';
	return buf;
}

static enum dormant_status
row_error(struct dormant_error *err, size_t line, enum column col,
          const char *what, const char *value)
{
	char v[64];

	return dormant_error_set(err, DORMANT_ERR_PARSE,
	                         "credential report line %zu: %s: %s: \"%s\"",
	                         line, columns[col].name, what,
	                         shown(value, v, sizeof(v)));
}

static bool
is_word(const char *s, const char *word)
{
	return strcmp(s, word) == 0;
}

static bool
is_word_nocase(const char *s, const char *word)
{
	for (; *s && *word; s++, word++) {
		char c = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
		if (c != *word)
			return false;
	}
	return *s == *word;
}

/* Reads one cell of a time or boolean column. */
static enum dormant_status
read_cell(const struct aws_csv *csv, const struct parser *p, enum column col,
          bool root, struct cell *out, struct dormant_error *err)
{
	const char *s;

	out->v = VAL_ABSENT;
	out->t = DORMANT_TIME_NONE;
	if (p->index[col] == NO_COLUMN)
		return DORMANT_OK;
	s = csv->fields[p->index[col]];
	if (root && col != COL_CREATED && is_word(s, "not_supported")) {
		out->v = VAL_NOT_SUPPORTED;
		return DORMANT_OK;
	}
	if (columns[col].kind == KIND_BOOL) {
		if (is_word_nocase(s, "true"))
			out->v = VAL_TRUE;
		else if (is_word_nocase(s, "false"))
			out->v = VAL_FALSE;
		else
			return row_error(err, csv->line, col,
			                 "not true or false", s);
		return DORMANT_OK;
	}
	if ((columns[col].allow & ALLOW_NA) && is_word(s, "N/A")) {
		out->v = VAL_NA;
		return DORMANT_OK;
	}
	if ((columns[col].allow & ALLOW_NO_INFO) &&
	    is_word(s, "no_information")) {
		out->v = VAL_NO_INFO;
		return DORMANT_OK;
	}
	if (!dormant_time_parse_iso8601_n(s, csv->lens[p->index[col]], &out->t))
		return row_error(err, csv->line, col, "not a time", s);
	out->v = VAL_TIME;
	return DORMANT_OK;
}

bool
aws_valid_user_name(const char *s, size_t len)
{
	if (len < 1 || len > AWS_USER_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || strchr("+=,.@_-", c)))
			return false;
	}
	return true;
}

/* Checks the user and arn cells of a row and learns its account:
 *
 *     arn:PARTITION:iam::ACCOUNT:root                 (<root_account>)
 *     arn:PARTITION:iam::ACCOUNT:user/PATH/NAME       (NAME = user)
 *
 * PARTITION is aws, aws-cn or aws-us-gov; PATH is "/" or
 * "/segment/.../" of printable ASCII (IAM identifiers, "IAM ARNs"). */
static enum dormant_status
check_identity(const struct aws_csv *csv, struct parser *p, bool *root,
               struct dormant_error *err)
{
	static const char *const partitions[] = {"aws", "aws-cn", "aws-us-gov"};
	const char *user = csv->fields[p->index[COL_USER]];
	size_t user_len = csv->lens[p->index[COL_USER]];
	const char *arn = csv->fields[p->index[COL_ARN]];
	const char *s, *acct, *res, *name;
	size_t plen = 0, prefix_len;

	if (strncmp(arn, "arn:", 4) != 0)
		return row_error(err, csv->line, COL_ARN, "not an ARN", arn);
	s = arn + 4;
	for (size_t i = 0; i < sizeof(partitions) / sizeof(*partitions); i++) {
		size_t n = strlen(partitions[i]);
		if (strncmp(s, partitions[i], n) == 0 && s[n] == ':')
			plen = n;
	}
	if (!plen)
		return row_error(err, csv->line, COL_ARN,
		                 "not an AWS partition", arn);
	s += plen + 1;
	if (strncmp(s, "iam::", 5) != 0)
		return row_error(err, csv->line, COL_ARN, "not an IAM ARN",
		                 arn);
	acct = s + 5;
	for (size_t i = 0; i < AWS_ACCOUNT_ID_LEN; i++)
		if (acct[i] < '0' || acct[i] > '9')
			return row_error(err, csv->line, COL_ARN,
			                 "no 12-digit account id", arn);
	if (acct[AWS_ACCOUNT_ID_LEN] != ':')
		return row_error(err, csv->line, COL_ARN,
		                 "no 12-digit account id", arn);
	res = acct + AWS_ACCOUNT_ID_LEN + 1;
	prefix_len = (size_t)(res - arn);

	if (!p->prefix[0]) {
		memcpy(p->prefix, arn, prefix_len);
		p->prefix[prefix_len] = '\0';
		memcpy(p->account, acct, AWS_ACCOUNT_ID_LEN);
		p->account[AWS_ACCOUNT_ID_LEN] = '\0';
	} else if (strlen(p->prefix) != prefix_len ||
	           memcmp(p->prefix, arn, prefix_len) != 0) {
		char what[96];
		snprintf(what, sizeof(what),
		         "not in the report's account (%.*s)",
		         (int)strlen(p->prefix) - 1, p->prefix);
		return row_error(err, csv->line, COL_ARN, what, arn);
	}

	*root = is_word(user, ROOT_USER);
	if (*root) {
		if (!is_word(res, "root"))
			return row_error(err, csv->line, COL_ARN,
			                 "not the root user's ARN", arn);
		if (p->seen_root)
			return row_error(err, csv->line, COL_USER,
			                 "a second root row", user);
		p->seen_root = true;
		return DORMANT_OK;
	}
	if (!aws_valid_user_name(user, user_len))
		return row_error(err, csv->line, COL_USER,
		                 "not an IAM user name", user);
	if (strncmp(res, "user/", 5) != 0)
		return row_error(err, csv->line, COL_ARN, "not an IAM user ARN",
		                 arn);
	/* The path is the part between "user" and the last slash. */
	name = strrchr(res, '/') + 1;
	for (s = res + 4; s < name; s++)
		if (*s < 0x21 || *s > 0x7e)
			return row_error(err, csv->line, COL_ARN,
			                 "bad character in the user's path",
			                 arn);
	if (strcmp(name, user) != 0)
		return row_error(err, csv->line, COL_ARN,
		                 "does not name the row's user", arn);
	return DORMANT_OK;
}

static const char *
bool_text(const struct cell *c)
{
	return c->v == VAL_TRUE ? "true" : "false";
}

static enum dormant_status
keep_row(struct parser *p, const struct kept_row *r, const char *id,
         size_t id_len, const char *name, size_t name_len,
         struct dormant_error *err)
{
	struct kept_row *row;
	enum dormant_status st;

	if (p->n_rows == p->cap_rows) {
		size_t ncap = p->cap_rows ? p->cap_rows * 2 : 256;
		struct kept_row *v = realloc(p->rows, ncap * sizeof(*v));

		if (!v)
			return dormant_error_set(err, DORMANT_ERR_NOMEM,
			                         "credential report: out of "
			                         "memory");
		p->rows = v;
		p->cap_rows = ncap;
	}
	row = &p->rows[p->n_rows];
	*row = *r;
	row->id = p->text.len;
	st = dormant_buf_append(&p->text, id, id_len + 1);
	row->name = p->text.len;
	if (st == DORMANT_OK)
		st = dormant_buf_append(&p->text, name, name_len + 1);
	if (st != DORMANT_OK)
		return dormant_error_set(err, st, "credential report: %s",
		                         dormant_strerror(st));
	p->n_rows++;
	return DORMANT_OK;
}

/* Checks one data row and, when rows are kept, keeps it. */
static enum dormant_status
do_row(const struct aws_csv *csv, struct parser *p, struct dormant_error *err)
{
	struct cell cells[N_COLUMNS];
	struct kept_row r;
	bool root = false;
	enum dormant_status st;

	if (csv->n_fields != p->n_header)
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "credential report line %zu: %zu "
		                         "fields where the header has %zu",
		                         csv->line, csv->n_fields, p->n_header);
	st = check_identity(csv, p, &root, err);
	if (st != DORMANT_OK)
		return st;
	for (int c = 0; c < N_COLUMNS; c++) {
		if (columns[c].kind == KIND_TEXT)
			continue;
		st = read_cell(csv, p, (enum column)c, root, &cells[c], err);
		if (st != DORMANT_OK)
			return st;
	}
	if (root) {
		if (p->keep && p->host)
			p->host->log(p->host, DORMANT_LOG_INFO,
			             "credential report line %zu: skipped "
			             "%s: the account's root user is not an "
			             "IAM user",
			             csv->line, ROOT_USER);
		return DORMANT_OK;
	}
	/* not_supported belongs to the root row only (read_cell took it
	 * there alone), so every cell of a user row is a value here. */
	if (!p->keep)
		return DORMANT_OK;

	memset(&r, 0, sizeof(r));
	r.extras[r.n_extras++] = (struct dormant_extra){
	        "mfa_active", bool_text(&cells[COL_MFA_ACTIVE])};
	if (cells[COL_PASSWORD_LAST_USED].v == VAL_NO_INFO)
		r.extras[r.n_extras++] = (struct dormant_extra){
		        "password_last_used_raw", "no_information"};
	r.extras[r.n_extras++] = (struct dormant_extra){
	        "access_key_1_active", bool_text(&cells[COL_KEY1_ACTIVE])};
	r.extras[r.n_extras++] = (struct dormant_extra){
	        "access_key_2_active", bool_text(&cells[COL_KEY2_ACTIVE])};
	r.created = cells[COL_CREATED].t;
	r.last_login = cells[COL_PASSWORD_LAST_USED].t;
	r.access_granted = cells[COL_PASSWORD_LAST_CHANGED].t;
	r.interactive = cells[COL_PASSWORD_ENABLED].v == VAL_TRUE;
	return keep_row(p, &r, csv->fields[p->index[COL_ARN]],
	                csv->lens[p->index[COL_ARN]],
	                csv->fields[p->index[COL_USER]],
	                csv->lens[p->index[COL_USER]], err);
}

/* Hands the kept rows to the sink, once every row has been checked. */
static enum dormant_status
deliver(struct parser *p, struct dormant_sink *sink, struct dormant_error *err)
{
	enum dormant_status st = DORMANT_OK;

	if (p->account[0] && sink->set_scope)
		sink->set_scope(sink, p->account);
	for (size_t i = 0; i < p->n_rows; i++) {
		const struct kept_row *r = &p->rows[i];
		struct dormant_user u = {
		        .scope = p->account,
		        .id = p->text.data + r->id,
		        .name = p->text.data + r->name,
		        .email = NULL,
		        .display_name = NULL,
		        .created = r->created,
		        .last_login = r->last_login,
		        .access_granted = r->access_granted,
		        .interactive_access = r->interactive,
		        /* IAM users have no disabled state, and the report
		         * cannot tell who is an administrator. */
		        .account_enabled = true,
		        .admin = false,
		        .extras = r->extras,
		        .n_extras = r->n_extras,
		};

		if (p->host && p->host->cancelled &&
		    (i + 1) % CANCEL_EVERY == 0 && p->host->cancelled(p->host))
			return dormant_error_set(
			        err, DORMANT_ERR_CANCELLED,
			        "credential report: interrupted");
		st = sink->user(sink, &u);
		if (st != DORMANT_OK)
			break;
	}
	return st;
}

/* Maps the header's names to columns. */
static enum dormant_status
do_header(const struct aws_csv *csv, struct parser *p,
          struct dormant_error *err)
{
	for (int c = 0; c < N_COLUMNS; c++)
		p->index[c] = NO_COLUMN;
	p->n_header = csv->n_fields;
	for (size_t i = 0; i < csv->n_fields; i++) {
		for (int c = 0; c < N_COLUMNS; c++) {
			if (strcmp(csv->fields[i], columns[c].name) != 0)
				continue;
			if (p->index[c] != NO_COLUMN)
				return dormant_error_set(
				        err, DORMANT_ERR_PARSE,
				        "credential report line %zu: column "
				        "\"%s\" appears twice",
				        csv->line, columns[c].name);
			p->index[c] = i;
		}
	}
	for (int c = 0; c < N_COLUMNS; c++)
		if (columns[c].required && p->index[c] == NO_COLUMN)
			return dormant_error_set(
			        err, DORMANT_ERR_PARSE,
			        "credential report line %zu: no column \"%s\" "
			        "in the header: not an IAM credential report",
			        csv->line, columns[c].name);
	return DORMANT_OK;
}

/* The one pass over the report: every row checked (and kept when
 * p->keep). */
static enum dormant_status
pass(struct parser *p, struct dormant_error *err)
{
	struct aws_csv csv;
	enum dormant_status st;
	bool more, header = true;
	size_t rows = 0;

	aws_csv_init(&csv, p->data, p->len, MAX_FIELD, MAX_COLUMNS,
	             AWS_CSV_UTF8);
	for (;;) {
		st = aws_csv_next(&csv, &more, err);
		if (st != DORMANT_OK) {
			/* The reader says "line N: ..."; keep our one prefix
			 * style, "credential report line N: ...". */
			if (err) {
				char msg[DORMANT_ERROR_MAX];
				memcpy(msg, err->msg, sizeof(msg));
				dormant_error_set(err, st,
				                  "credential report %s", msg);
			}
			goto out;
		}
		if (!more)
			break;
		/* Blank lines hold no user; AWS writes none, editors and
		 * copy-paste may add one at the end. */
		if (csv.n_fields == 0)
			continue;
		if (header) {
			st = do_header(&csv, p, err);
			if (st != DORMANT_OK)
				goto out;
			header = false;
			continue;
		}
		if (p->host && p->host->cancelled &&
		    ++rows % CANCEL_EVERY == 0 && p->host->cancelled(p->host)) {
			st = dormant_error_set(
			        err, DORMANT_ERR_CANCELLED,
			        "credential report: interrupted");
			goto out;
		}
		st = do_row(&csv, p, err);
		if (st != DORMANT_OK)
			goto out;
	}
	if (header)
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "credential report: empty, not even a "
		                       "header line");
out:
	aws_csv_free(&csv);
	return st;
}

enum dormant_status
aws_credential_report_parse(const char *data, size_t len,
                            const struct dormant_host *host,
                            struct dormant_sink *sink, char *account,
                            struct dormant_error *err)
{
	struct parser p;
	enum dormant_status st;

	memset(&p, 0, sizeof(p));
	p.data = data;
	p.len = len;
	p.host = host;
	p.keep = sink != NULL;
	/* Ids and names of at most AWS_CREDENTIAL_REPORT_MAX bytes. */
	dormant_buf_init(&p.text, AWS_CREDENTIAL_REPORT_MAX);
	if (account)
		account[0] = '\0';

	/* Every row is checked, and kept, before anything is sent anywhere:
	 * a report broken at line 900 must not have delivered 898 users.
	 * (Keeping the rows costs less than reading the CSV twice.) */
	st = pass(&p, err);
	if (st != DORMANT_OK)
		goto out;
	if (account)
		memcpy(account, p.account, sizeof(p.account));
	if (sink)
		st = deliver(&p, sink, err);
out:
	free(p.rows);
	dormant_buf_free(&p.text);
	return st;
}
