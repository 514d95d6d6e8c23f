/* dormant aws: decoding IAM and STS answers (see iam_xml.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/crypto.h>
#include <dormant/timeutil.h>

#include "iam_xml.h"
#include "xml.h"

/* One element's text: everything but the credential report's Content is
 * short. */
#define SMALL_TEXT ((size_t)64 << 10)
/* The report's base64: 4/3 of the largest report we accept. */
#define REPORT_TEXT ((size_t)96 << 20)

/* What every decoder shares: the document it expects. */
struct doc {
	const char *root; /* "ListUsersResponse" */
	const char *what; /* "IAM ListUsers answer" */
};

/* The path below the document element, "" for the element itself, or
 * NULL (and an error) when the document is another one. */
static const char *
below(const struct doc *d, const char *path, struct dormant_error *err)
{
	size_t n = strlen(d->root);

	if (strncmp(path, d->root, n) == 0 && (path[n] == '/' || !path[n]))
		return path[n] ? path + n + 1 : "";
	{
		char first[64];
		size_t l = strcspn(path, "/");

		if (l >= sizeof(first))
			l = sizeof(first) - 1;
		memcpy(first, path, l);
		first[l] = '\0';
		for (size_t i = 0; i < l; i++)
			if (first[i] < 0x20 || first[i] > 0x7e)
				first[i] = '?';
		dormant_error_set(err, DORMANT_ERR_PARSE,
		                  "%s: a <%s> document, not <%s>", d->what,
		                  first, d->root);
	}
	return NULL;
}

static enum dormant_status
bad_value(const struct doc *d, const char *element, const char *why,
          struct dormant_error *err)
{
	return dormant_error_set(err, DORMANT_ERR_PARSE, "%s: <%s> %s", d->what,
	                         element, why);
}

static enum dormant_status
copy_text(const struct doc *d, const char *element, const char *text,
          size_t len, char *out, size_t size, struct dormant_error *err)
{
	if (len >= size)
		return bad_value(d, element, "too long", err);
	memcpy(out, text, len);
	out[len] = '\0';
	return DORMANT_OK;
}

static enum dormant_status
parse_time(const struct doc *d, const char *element, const char *text,
           size_t len, int64_t *out, struct dormant_error *err)
{
	if (!dormant_time_parse_iso8601_n(text, len, out))
		return bad_value(d, element, "is not a time", err);
	return DORMANT_OK;
}

/* ---- errors ---- */

struct error_doc {
	struct aws_error_body *out;
	bool is_error;
};

static enum dormant_status
error_end(void *ctx, const char *path, const char *text, size_t len,
          struct dormant_error *err)
{
	struct error_doc *e = ctx;
	char *dst = NULL;
	size_t size = 0;

	(void)err;
	/* IAM and STS: ErrorResponse/Error/...; some AWS Query services
	 * wrap it as Response/Errors/Error/... */
	if (strcmp(path, "ErrorResponse") == 0 || strcmp(path, "Response") == 0)
		e->is_error = true;
	if (!text)
		return DORMANT_OK;
	if (strcmp(path, "ErrorResponse/Error/Code") == 0 ||
	    strcmp(path, "Response/Errors/Error/Code") == 0) {
		dst = e->out->code;
		size = sizeof(e->out->code);
	} else if (strcmp(path, "ErrorResponse/Error/Message") == 0 ||
	           strcmp(path, "Response/Errors/Error/Message") == 0) {
		dst = e->out->message;
		size = sizeof(e->out->message);
	}
	if (dst) {
		/* One printable line: it ends up in an error message. */
		size_t o = 0;
		for (size_t i = 0; i < len && o + 1 < size; i++)
			dst[o++] =
			        (unsigned char)text[i] < 0x20 ? ' ' : text[i];
		dst[o] = '\0';
	}
	return DORMANT_OK;
}

bool
aws_xml_error_parse(const char *body, size_t len, struct aws_error_body *out)
{
	struct error_doc e = {out, false};

	memset(out, 0, sizeof(*out));
	if (!body || !len)
		return false;
	if (aws_xml_parse(body, len, "AWS error answer", SMALL_TEXT, error_end,
	                  &e, NULL) != DORMANT_OK ||
	    !e.is_error || !out->code[0]) {
		memset(out, 0, sizeof(*out));
		return false;
	}
	/* The code is a word; anything else is not an AWS error code. */
	for (const char *p = out->code; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		      *p == ':' || *p == '-')) {
			memset(out, 0, sizeof(*out));
			return false;
		}
	return true;
}

/* ---- GenerateCredentialReport ---- */

struct gen_doc {
	struct doc d;
	bool have_state;
	enum aws_report_state state;
};

static enum dormant_status
gen_end(void *ctx, const char *path, const char *text, size_t len,
        struct dormant_error *err)
{
	struct gen_doc *g = ctx;
	const char *rel = below(&g->d, path, err);

	if (!rel)
		return DORMANT_ERR_PARSE;
	if (!text || strcmp(rel, "GenerateCredentialReportResult/State") != 0)
		return DORMANT_OK;
	if (len == 7 && memcmp(text, "STARTED", 7) == 0)
		g->state = AWS_REPORT_STARTED;
	else if (len == 10 && memcmp(text, "INPROGRESS", 10) == 0)
		g->state = AWS_REPORT_INPROGRESS;
	else if (len == 8 && memcmp(text, "COMPLETE", 8) == 0)
		g->state = AWS_REPORT_COMPLETE;
	else
		return bad_value(&g->d, "State",
		                 "is not STARTED, INPROGRESS or COMPLETE", err);
	g->have_state = true;
	return DORMANT_OK;
}

enum dormant_status
aws_iam_parse_generate_report(const char *body, size_t len,
                              enum aws_report_state *state,
                              struct dormant_error *err)
{
	struct gen_doc g = {{"GenerateCredentialReportResponse",
	                     "IAM GenerateCredentialReport answer"},
	                    false,
	                    AWS_REPORT_STARTED};
	enum dormant_status st;

	st = aws_xml_parse(body, len, g.d.what, SMALL_TEXT, gen_end, &g, err);
	if (st == DORMANT_OK && !g.have_state)
		st = bad_value(&g.d, "State", "is missing", err);
	if (st == DORMANT_OK)
		*state = g.state;
	return st;
}

/* ---- GetCredentialReport ---- */

struct get_doc {
	struct doc d;
	struct dormant_buf *csv;
	bool have_content, have_format;
	int64_t generated;
};

static enum dormant_status
get_end(void *ctx, const char *path, const char *text, size_t len,
        struct dormant_error *err)
{
	struct get_doc *g = ctx;
	const char *rel = below(&g->d, path, err);
	struct dormant_error why;
	enum dormant_status st;

	if (!rel)
		return DORMANT_ERR_PARSE;
	if (!text)
		return DORMANT_OK;
	if (strcmp(rel, "GetCredentialReportResult/Content") == 0) {
		st = dormant_base64_decode(text, len, g->csv, &why);
		if (st == DORMANT_ERR_TOO_LARGE)
			return dormant_error_set(err, st,
			                         "%s: credential report larger "
			                         "than %zu bytes",
			                         g->d.what, g->csv->max);
		if (st != DORMANT_OK)
			return bad_value(&g->d, "Content", "is not base64",
			                 err);
		g->have_content = true;
	} else if (strcmp(rel, "GetCredentialReportResult/ReportFormat") == 0) {
		/* The only format IAM has (API_GetCredentialReport). */
		if (len != 8 || memcmp(text, "text/csv", 8) != 0)
			return bad_value(&g->d, "ReportFormat",
			                 "is not text/csv", err);
		g->have_format = true;
	} else if (strcmp(rel, "GetCredentialReportResult/GeneratedTime") ==
	           0) {
		return parse_time(&g->d, "GeneratedTime", text, len,
		                  &g->generated, err);
	}
	return DORMANT_OK;
}

enum dormant_status
aws_iam_parse_get_report(const char *body, size_t len, struct dormant_buf *csv,
                         int64_t *generated, struct dormant_error *err)
{
	struct get_doc g = {{"GetCredentialReportResponse",
	                     "IAM GetCredentialReport answer"},
	                    csv,
	                    false,
	                    false,
	                    DORMANT_TIME_NONE};
	enum dormant_status st;

	dormant_buf_reset(csv);
	st = aws_xml_parse(body, len, g.d.what, REPORT_TEXT, get_end, &g, err);
	if (st == DORMANT_OK && !g.have_content)
		st = bad_value(&g.d, "Content", "is missing", err);
	if (st == DORMANT_OK && !g.have_format)
		st = bad_value(&g.d, "ReportFormat", "is missing", err);
	if (st == DORMANT_OK && generated)
		*generated = g.generated;
	return st;
}

/* ---- users: ListUsers, GetUser ---- */

enum user_field { F_NAME = 1, F_ARN = 2, F_CREATED = 4, F_ID = 8, F_PATH = 16 };
#define F_REQUIRED (F_NAME | F_ARN | F_CREATED | F_ID | F_PATH)

struct users_doc {
	struct doc d;
	const char *member; /* "ListUsersResult/Users/member" */
	size_t member_len;
	struct aws_iam_user cur;
	unsigned seen;
	aws_iam_user_fn fn;
	void *ctx;
	struct aws_iam_page *page;
	bool have_truncated;
	size_t n;
};

/* The ARN must name this very user: arn:PARTITION:iam::ACCOUNT:user/
 * PATH/NAME (IAM identifiers, "IAM ARNs"). */
static bool
arn_names_user(const char *arn, const char *name)
{
	size_t al = strlen(arn), nl = strlen(name);
	const char *res;

	if (strncmp(arn, "arn:", 4) != 0 || al <= nl + 1 ||
	    strcmp(arn + al - nl, name) != 0 || arn[al - nl - 1] != '/')
		return false;
	res = strstr(arn, ":iam::");
	if (!res)
		return false;
	res += 6;
	for (int i = 0; i < 12; i++)
		if (res[i] < '0' || res[i] > '9')
			return false;
	return strncmp(res + 12, ":user/", 6) == 0;
}

static enum dormant_status
finish_user(struct users_doc *u, struct dormant_error *err)
{
	static const char *const names[] = {"UserName", "Arn", "CreateDate",
	                                    "UserId", "Path"};

	for (unsigned i = 0; i < 5; i++)
		if (!(u->seen & (1u << i)))
			return bad_value(&u->d, names[i], "is missing", err);
	if (!arn_names_user(u->cur.arn, u->cur.name))
		return bad_value(&u->d, "Arn", "does not name the user", err);
	return DORMANT_OK;
}

static enum dormant_status
users_end(void *ctx, const char *path, const char *text, size_t len,
          struct dormant_error *err)
{
	struct users_doc *u = ctx;
	const char *rel = below(&u->d, path, err), *field;
	enum dormant_status st;

	if (!rel)
		return DORMANT_ERR_PARSE;
	if (strncmp(rel, u->member, u->member_len) != 0) {
		if (!u->page || !text)
			return DORMANT_OK;
		if (strcmp(rel, "ListUsersResult/IsTruncated") == 0) {
			if (len == 4 && memcmp(text, "true", 4) == 0)
				u->page->truncated = true;
			else if (len == 5 && memcmp(text, "false", 5) == 0)
				u->page->truncated = false;
			else
				return bad_value(&u->d, "IsTruncated",
				                 "is not true or false", err);
			u->have_truncated = true;
		} else if (strcmp(rel, "ListUsersResult/Marker") == 0) {
			if (len == 0)
				return bad_value(&u->d, "Marker", "is empty",
				                 err);
			return copy_text(&u->d, "Marker", text, len,
			                 u->page->marker,
			                 sizeof(u->page->marker), err);
		}
		return DORMANT_OK;
	}
	field = rel + u->member_len;
	if (!*field) {
		/* The end of one member. */
		st = finish_user(u, err);
		if (st != DORMANT_OK)
			return st;
		u->n++;
		if (u->fn) {
			st = u->fn(u->ctx, &u->cur, err);
			if (st != DORMANT_OK)
				return st;
		}
		memset(&u->cur, 0, sizeof(u->cur));
		u->cur.password_last_used = DORMANT_TIME_NONE;
		u->seen = 0;
		return DORMANT_OK;
	}
	if (!text || *field != '/')
		return DORMANT_OK;
	field++;
	if (strcmp(field, "UserName") == 0) {
		if (!aws_valid_user_name(text, len))
			return bad_value(&u->d, "UserName",
			                 "is not an IAM user name", err);
		u->seen |= F_NAME;
		return copy_text(&u->d, "UserName", text, len, u->cur.name,
		                 sizeof(u->cur.name), err);
	}
	if (strcmp(field, "Arn") == 0) {
		u->seen |= F_ARN;
		for (size_t i = 0; i < len; i++)
			if (text[i] < 0x21 || text[i] > 0x7e)
				return bad_value(&u->d, "Arn",
				                 "has a bad character", err);
		return copy_text(&u->d, "Arn", text, len, u->cur.arn,
		                 sizeof(u->cur.arn), err);
	}
	if (strcmp(field, "CreateDate") == 0) {
		u->seen |= F_CREATED;
		return parse_time(&u->d, "CreateDate", text, len,
		                  &u->cur.created, err);
	}
	if (strcmp(field, "PasswordLastUsed") == 0)
		return parse_time(&u->d, "PasswordLastUsed", text, len,
		                  &u->cur.password_last_used, err);
	if (strcmp(field, "UserId") == 0) {
		if (len == 0)
			return bad_value(&u->d, "UserId", "is empty", err);
		u->seen |= F_ID;
	} else if (strcmp(field, "Path") == 0) {
		if (len == 0 || text[0] != '/' || text[len - 1] != '/')
			return bad_value(&u->d, "Path", "is not an IAM path",
			                 err);
		u->seen |= F_PATH;
	}
	return DORMANT_OK;
}

enum dormant_status
aws_iam_parse_list_users(const char *body, size_t len, aws_iam_user_fn fn,
                         void *ctx, struct aws_iam_page *page,
                         struct dormant_error *err)
{
	struct users_doc u;
	enum dormant_status st;

	memset(&u, 0, sizeof(u));
	memset(page, 0, sizeof(*page));
	u.d = (struct doc){"ListUsersResponse", "IAM ListUsers answer"};
	u.member = "ListUsersResult/Users/member";
	u.member_len = strlen(u.member);
	u.cur.password_last_used = DORMANT_TIME_NONE;
	u.fn = fn;
	u.ctx = ctx;
	u.page = page;
	st = aws_xml_parse(body, len, u.d.what, SMALL_TEXT, users_end, &u, err);
	if (st != DORMANT_OK)
		return st;
	if (!u.have_truncated)
		return bad_value(&u.d, "IsTruncated", "is missing", err);
	if (page->truncated && !page->marker[0])
		return bad_value(&u.d, "Marker",
		                 "is missing from a truncated page", err);
	if (!page->truncated)
		page->marker[0] = '\0';
	page->n_users = u.n;
	return DORMANT_OK;
}

static enum dormant_status
one_user(void *ctx, const struct aws_iam_user *u, struct dormant_error *err)
{
	(void)err;
	*(struct aws_iam_user *)ctx = *u;
	return DORMANT_OK;
}

enum dormant_status
aws_iam_parse_get_user(const char *body, size_t len, struct aws_iam_user *user,
                       struct dormant_error *err)
{
	struct users_doc u;
	enum dormant_status st;

	memset(&u, 0, sizeof(u));
	u.d = (struct doc){"GetUserResponse", "IAM GetUser answer"};
	u.member = "GetUserResult/User";
	u.member_len = strlen(u.member);
	u.cur.password_last_used = DORMANT_TIME_NONE;
	u.fn = one_user;
	u.ctx = user;
	st = aws_xml_parse(body, len, u.d.what, SMALL_TEXT, users_end, &u, err);
	if (st == DORMANT_OK && u.n != 1)
		st = bad_value(&u.d, "User", "is missing", err);
	return st;
}

/* ---- GetLoginProfile, DeleteLoginProfile ---- */

struct profile_doc {
	struct doc d;
	char user[AWS_USER_NAME_MAX + 1];
	bool have_created;
	int64_t created;
};

static enum dormant_status
profile_end(void *ctx, const char *path, const char *text, size_t len,
            struct dormant_error *err)
{
	struct profile_doc *p = ctx;
	const char *rel = below(&p->d, path, err);

	if (!rel)
		return DORMANT_ERR_PARSE;
	if (!text)
		return DORMANT_OK;
	if (strcmp(rel, "GetLoginProfileResult/LoginProfile/UserName") == 0)
		return copy_text(&p->d, "UserName", text, len, p->user,
		                 sizeof(p->user), err);
	if (strcmp(rel, "GetLoginProfileResult/LoginProfile/CreateDate") == 0) {
		p->have_created = true;
		return parse_time(&p->d, "CreateDate", text, len, &p->created,
		                  err);
	}
	return DORMANT_OK;
}

enum dormant_status
aws_iam_parse_login_profile(const char *body, size_t len, const char *user,
                            int64_t *created, struct dormant_error *err)
{
	struct profile_doc p;
	enum dormant_status st;

	memset(&p, 0, sizeof(p));
	p.d = (struct doc){"GetLoginProfileResponse",
	                   "IAM GetLoginProfile answer"};
	st = aws_xml_parse(body, len, p.d.what, SMALL_TEXT, profile_end, &p,
	                   err);
	if (st != DORMANT_OK)
		return st;
	if (!p.have_created)
		return bad_value(&p.d, "CreateDate", "is missing", err);
	if (strcmp(p.user, user) != 0)
		return bad_value(&p.d, "UserName",
		                 "names another user than the one asked for",
		                 err);
	*created = p.created;
	return DORMANT_OK;
}

static enum dormant_status
root_only_end(void *ctx, const char *path, const char *text, size_t len,
              struct dormant_error *err)
{
	(void)text;
	(void)len;
	return below(ctx, path, err) ? DORMANT_OK : DORMANT_ERR_PARSE;
}

enum dormant_status
aws_iam_parse_delete_login_profile(const char *body, size_t len,
                                   struct dormant_error *err)
{
	struct doc d = {"DeleteLoginProfileResponse",
	                "IAM DeleteLoginProfile answer"};

	return aws_xml_parse(body, len, d.what, SMALL_TEXT, root_only_end, &d,
	                     err);
}

/* ---- STS ---- */

struct assume_doc {
	struct doc d;
	struct aws_credentials *c;
	bool have_expiration;
	char arn[AWS_ARN_MAX + 1]; /* AssumedRoleUser/Arn, "" if none */
};

static enum dormant_status
dup_text(const struct doc *d, const char *element, const char *text, size_t len,
         char **out, struct dormant_error *err)
{
	if (len == 0)
		return bad_value(d, element, "is empty", err);
	for (size_t i = 0; i < len; i++)
		if (text[i] < 0x21 || text[i] > 0x7e)
			return bad_value(d, element, "has a bad character",
			                 err);
	if (*out)
		return bad_value(d, element, "appears twice", err);
	*out = strndup(text, len);
	if (!*out)
		return dormant_error_set(err, DORMANT_ERR_NOMEM, "%s: %s",
		                         d->what,
		                         dormant_strerror(DORMANT_ERR_NOMEM));
	return DORMANT_OK;
}

static enum dormant_status
assume_end(void *ctx, const char *path, const char *text, size_t len,
           struct dormant_error *err)
{
	struct assume_doc *a = ctx;
	const char *rel = below(&a->d, path, err);

	if (!rel)
		return DORMANT_ERR_PARSE;
	if (!text)
		return DORMANT_OK;
	if (strcmp(rel, "AssumeRoleResult/Credentials/AccessKeyId") == 0)
		return dup_text(&a->d, "AccessKeyId", text, len,
		                &a->c->access_key_id, err);
	if (strcmp(rel, "AssumeRoleResult/Credentials/SecretAccessKey") == 0)
		return dup_text(&a->d, "SecretAccessKey", text, len,
		                &a->c->secret_access_key, err);
	if (strcmp(rel, "AssumeRoleResult/Credentials/SessionToken") == 0)
		return dup_text(&a->d, "SessionToken", text, len,
		                &a->c->session_token, err);
	if (strcmp(rel, "AssumeRoleResult/Credentials/Expiration") == 0) {
		a->have_expiration = true;
		return parse_time(&a->d, "Expiration", text, len,
		                  &a->c->expiration, err);
	}
	if (strcmp(rel, "AssumeRoleResult/AssumedRoleUser/Arn") == 0)
		return copy_text(&a->d, "Arn", text, len, a->arn,
		                 sizeof(a->arn), err);
	return DORMANT_OK;
}

enum dormant_status
aws_sts_parse_assume_role(const char *body, size_t len,
                          struct aws_credentials *out,
                          struct dormant_error *err)
{
	struct assume_doc a = {{"AssumeRoleResponse", "STS AssumeRole answer"},
	                       out,
	                       false,
	                       ""};
	enum dormant_status st;

	memset(out, 0, sizeof(*out));
	st = aws_xml_parse(body, len, a.d.what, SMALL_TEXT, assume_end, &a,
	                   err);
	if (st == DORMANT_OK && !out->access_key_id)
		st = bad_value(&a.d, "AccessKeyId", "is missing", err);
	if (st == DORMANT_OK && !out->secret_access_key)
		st = bad_value(&a.d, "SecretAccessKey", "is missing", err);
	if (st == DORMANT_OK && !out->session_token)
		st = bad_value(&a.d, "SessionToken", "is missing", err);
	if (st == DORMANT_OK && !a.have_expiration)
		st = bad_value(&a.d, "Expiration", "is missing", err);
	if (st == DORMANT_OK &&
	    aws_credentials_set_identity(out, a.arn) != DORMANT_OK)
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "%s: %s",
		                       a.d.what,
		                       dormant_strerror(DORMANT_ERR_NOMEM));
	if (st != DORMANT_OK)
		aws_credentials_clear(out);
	return st;
}

struct identity_doc {
	struct doc d;
	char *account;
	char *arn;
};

static enum dormant_status
identity_end(void *ctx, const char *path, const char *text, size_t len,
             struct dormant_error *err)
{
	struct identity_doc *i = ctx;
	const char *rel = below(&i->d, path, err);

	if (!rel)
		return DORMANT_ERR_PARSE;
	if (!text)
		return DORMANT_OK;
	if (strcmp(rel, "GetCallerIdentityResult/Account") == 0) {
		if (len != 12)
			return bad_value(&i->d, "Account",
			                 "is not a 12-digit account id", err);
		for (size_t k = 0; k < len; k++)
			if (text[k] < '0' || text[k] > '9')
				return bad_value(&i->d, "Account",
				                 "is not a 12-digit account id",
				                 err);
		memcpy(i->account, text, 12);
		i->account[12] = '\0';
	} else if (strcmp(rel, "GetCallerIdentityResult/Arn") == 0) {
		return copy_text(&i->d, "Arn", text, len, i->arn,
		                 AWS_ARN_MAX + 1, err);
	}
	return DORMANT_OK;
}

enum dormant_status
aws_sts_parse_caller_identity(const char *body, size_t len, char account[13],
                              char arn[AWS_ARN_MAX + 1],
                              struct dormant_error *err)
{
	struct identity_doc i = {
	        {"GetCallerIdentityResponse", "STS GetCallerIdentity answer"},
	        account,
	        arn};
	enum dormant_status st;

	account[0] = '\0';
	arn[0] = '\0';
	st = aws_xml_parse(body, len, i.d.what, SMALL_TEXT, identity_end, &i,
	                   err);
	if (st == DORMANT_OK && !account[0])
		st = bad_value(&i.d, "Account", "is missing", err);
	return st;
}
