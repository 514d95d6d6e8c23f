/* dormant aws: AWS Signature Version 4 (see sigv4.h).
 *
 * Rules, from the IAM User Guide, "Elements of an AWS API request
 * signature" and "Create a signed AWS API request"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html):
 *
 * - Canonical URI: the absolute path, each byte but the unreserved
 *   characters (A-Z a-z 0-9 - . _ ~) and '/' written %XX in upper case;
 *   for every service but S3 the path is normalized first (RFC 3986 dot
 *   segments removed, and empty segments, as aws-c-auth's suite expects).
 * - Canonical query: every name and value URI-encoded (a '/' too), sorted
 *   by name, then by value; a name without '=' gets an empty value.
 * - Canonical headers: names in lower case, sorted; values with leading
 *   and trailing blanks removed and runs of blanks squeezed to one space
 *   (line folds included); repeated headers joined with ',' in the order
 *   they came; each line ends with \n. Signed headers: the same names,
 *   joined with ';'.
 * - The payload hash is the hex SHA-256 of the body (of "" for none).
 * - Temporary credentials add X-Amz-Security-Token, signed like any other
 *   header (AWS STS "Using temporary credentials with AWS resources").
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <dormant/buf.h>
#include <dormant/crypto.h>
#include <dormant/http.h>
#include <dormant/timeutil.h>

#include "credentials.h"
#include "sigv4.h"

#define ALGORITHM "AWS4-HMAC-SHA256"

/* A request header as it is signed. */
struct canon_header {
	char *name;  /* lower case, owned */
	char *value; /* trimmed and squeezed, owned */
	size_t order;
};

/* One query parameter, canonically encoded. */
struct canon_param {
	char *key;
	char *value;
};

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes s[0..len) into a new string; a '%' not followed
 * by two hex digits stays as it is. *out_len gets the decoded length. */
static char *
uri_decode(const char *s, size_t len, size_t *out_len)
{
	char *out = malloc(len + 1);
	size_t o = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] == '%' && i + 2 < len &&
		    (hi = hexval(s[i + 1])) >= 0 &&
		    (lo = hexval(s[i + 2])) >= 0) {
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

/* Re-encodes one raw or percent-encoded query component canonically. */
static char *
canonical_component(const char *s, size_t len)
{
	size_t dlen;
	char *decoded = uri_decode(s, len, &dlen), *out;

	if (!decoded)
		return NULL;
	out = dormant_http_uri_encode(decoded, dlen, false);
	free(decoded);
	return out;
}

/* The normalized path: dot segments resolved, empty segments dropped, a
 * trailing slash kept. */
static enum dormant_status
normalize_path(const char *path, struct dormant_buf *out)
{
	const char **seg = NULL;
	size_t *seglen = NULL, n = 0, cap = 0, len = strlen(path);
	bool trailing = false;
	enum dormant_status st = DORMANT_OK;

	for (size_t i = 0; i <= len;) {
		size_t j = i;

		while (j < len && path[j] != '/')
			j++;
		if (j > i) {
			size_t l = j - i;

			trailing = false;
			if (l == 1 && path[i] == '.') {
				trailing = true;
			} else if (l == 2 && path[i] == '.' &&
			           path[i + 1] == '.') {
				trailing = true;
				if (n)
					n--;
			} else {
				if (n == cap) {
					size_t ncap = cap ? cap * 2 : 8;
					const char **s2 = realloc(
					        seg, ncap * sizeof(*seg));
					size_t *l2;

					if (!s2) {
						st = DORMANT_ERR_NOMEM;
						goto out;
					}
					seg = s2;
					l2 = realloc(seglen,
					             ncap * sizeof(*seglen));
					if (!l2) {
						st = DORMANT_ERR_NOMEM;
						goto out;
					}
					seglen = l2;
					cap = ncap;
				}
				seg[n] = path + i;
				seglen[n++] = l;
			}
		}
		if (j < len)
			trailing = true;
		i = j + 1;
	}
	st = dormant_buf_append(out, "/", 1);
	for (size_t k = 0; k < n && st == DORMANT_OK; k++) {
		st = dormant_buf_append(out, seg[k], seglen[k]);
		if (st == DORMANT_OK && (k + 1 < n || trailing))
			st = dormant_buf_append(out, "/", 1);
	}
out:
	free(seg);
	free(seglen);
	return st;
}

static enum dormant_status
append_canonical_uri(const struct aws_sigv4_request *req,
                     const struct aws_sigv4_params *params,
                     struct dormant_buf *creq)
{
	const char *path = req->path && *req->path ? req->path : "/";
	struct dormant_buf norm;
	enum dormant_status st;
	char *enc;

	dormant_buf_init(&norm, 0);
	if (params->keep_path)
		st = dormant_buf_append(&norm, path, strlen(path));
	else
		st = normalize_path(path, &norm);
	if (st != DORMANT_OK)
		goto out;
	enc = dormant_http_uri_encode(norm.data, norm.len, true);
	if (!enc) {
		st = DORMANT_ERR_NOMEM;
		goto out;
	}
	st = dormant_buf_appendf(creq, "%s\n", enc);
	free(enc);
out:
	dormant_buf_free(&norm);
	return st;
}

static int
param_cmp(const void *a, const void *b)
{
	const struct canon_param *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : strcmp(x->value, y->value);
}

static enum dormant_status
append_canonical_query(const char *query, struct dormant_buf *creq)
{
	struct canon_param *params = NULL;
	size_t n = 0, cap = 0, len = query ? strlen(query) : 0;
	enum dormant_status st = DORMANT_OK;

	for (size_t i = 0; i < len;) {
		size_t j = i, eq;

		while (j < len && query[j] != '&')
			j++;
		if (j > i) {
			if (n == cap) {
				size_t ncap = cap ? cap * 2 : 8;
				struct canon_param *p2 =
				        realloc(params, ncap * sizeof(*params));

				if (!p2) {
					st = DORMANT_ERR_NOMEM;
					goto out;
				}
				params = p2;
				cap = ncap;
			}
			for (eq = i; eq < j && query[eq] != '='; eq++)
				;
			params[n].key = canonical_component(query + i, eq - i);
			params[n].value =
			        eq < j ? canonical_component(query + eq + 1,
			                                     j - eq - 1)
			               : strdup("");
			n++;
			if (!params[n - 1].key || !params[n - 1].value) {
				st = DORMANT_ERR_NOMEM;
				goto out;
			}
		}
		i = j + 1;
	}
	if (n)
		qsort(params, n, sizeof(*params), param_cmp);
	for (size_t k = 0; k < n && st == DORMANT_OK; k++)
		st = dormant_buf_appendf(creq, "%s%s=%s", k ? "&" : "",
		                         params[k].key, params[k].value);
	if (st == DORMANT_OK)
		st = dormant_buf_append(creq, "\n", 1);
out:
	for (size_t k = 0; k < n; k++) {
		free(params[k].key);
		free(params[k].value);
	}
	free(params);
	return st;
}

/* Trims and squeezes blanks (space, tab, and the CR/LF of folded lines). */
static char *
squeeze(const char *v)
{
	size_t len = strlen(v), o = 0;
	char *out = malloc(len + 1);
	bool blank = false;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		char c = v[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			blank = o > 0;
			continue;
		}
		if (blank)
			out[o++] = ' ';
		blank = false;
		out[o++] = c;
	}
	out[o] = '\0';
	return out;
}

static char *
lower(const char *s)
{
	size_t len = strlen(s);
	char *out = malloc(len + 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i <= len; i++)
		out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a')
		                                    : s[i];
	return out;
}

static int
header_cmp(const void *a, const void *b)
{
	const struct canon_header *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static bool
token_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s <= ' ' || *s >= 127 || strchr("\"(),/:;<=>?@[\\]{}", *s))
			return false;
	return true;
}

/* Canonical headers and the signed header list. The request's own
 * headers come first, then the ones signing adds (x-amz-date, ...). */
static enum dormant_status
append_headers(const struct aws_sigv4_request *req,
               const struct dormant_http_header *added, size_t n_added,
               struct dormant_buf *creq, struct dormant_buf *signed_names,
               struct dormant_error *err)
{
	size_t total = req->n_headers + n_added, n = 0;
	struct canon_header *h = calloc(total ? total : 1, sizeof(*h));
	enum dormant_status st = DORMANT_OK;
	bool host = false;

	if (!h)
		return dormant_error_set(err, DORMANT_ERR_NOMEM, "sigv4: %s",
		                         dormant_strerror(DORMANT_ERR_NOMEM));
	for (size_t i = 0; i < total; i++) {
		const struct dormant_http_header *src =
		        i < req->n_headers ? &req->headers[i]
		                           : &added[i - req->n_headers];

		if (!src->name || !src->value || !token_name(src->name)) {
			st = dormant_error_set(
			        err, DORMANT_ERR_USAGE,
			        "sigv4: header %zu is not a valid "
			        "header",
			        i);
			goto out;
		}
		h[n].name = lower(src->name);
		h[n].value = squeeze(src->value);
		h[n].order = i;
		n++;
		if (!h[n - 1].name || !h[n - 1].value) {
			st = dormant_error_set(
			        err, DORMANT_ERR_NOMEM, "sigv4: %s",
			        dormant_strerror(DORMANT_ERR_NOMEM));
			goto out;
		}
		if (strcmp(h[n - 1].name, "host") == 0)
			host = true;
	}
	if (!host) {
		st = dormant_error_set(err, DORMANT_ERR_USAGE,
		                       "sigv4: the request has no Host header");
		goto out;
	}
	qsort(h, n, sizeof(*h), header_cmp);
	for (size_t i = 0; i < n && st == DORMANT_OK; i++) {
		bool first = i == 0 || strcmp(h[i].name, h[i - 1].name) != 0;
		bool last = i + 1 == n || strcmp(h[i].name, h[i + 1].name) != 0;

		if (first) {
			st = dormant_buf_appendf(creq, "%s:", h[i].name);
			if (st == DORMANT_OK)
				st = dormant_buf_appendf(signed_names, "%s%s",
				                         i ? ";" : "",
				                         h[i].name);
		} else {
			st = dormant_buf_append(creq, ",", 1);
		}
		if (st == DORMANT_OK)
			st = dormant_buf_appendf(creq, "%s%s", h[i].value,
			                         last ? "\n" : "");
	}
	if (st != DORMANT_OK)
		dormant_error_set(err, st, "sigv4: %s", dormant_strerror(st));
out:
	for (size_t i = 0; i < n; i++) {
		free(h[i].name);
		if (h[i].value) {
			/* Values include the session token. */
			dormant_wipe(h[i].value, strlen(h[i].value));
			free(h[i].value);
		}
	}
	free(h);
	return st;
}

static void
format_amz_date(int64_t t, char out[17])
{
	char iso[DORMANT_TIME_BUFSZ];
	size_t o = 0;

	/* 2015-08-30T12:36:00Z -> 20150830T123600Z */
	dormant_time_format(t, iso);
	for (size_t i = 0; iso[i] && o < 16; i++)
		if (iso[i] != '-' && iso[i] != ':')
			out[o++] = iso[i];
	out[o] = '\0';
}

void
aws_sigv4_signed_free(struct aws_sigv4_signed *s)
{
	if (!s)
		return;
	if (s->canonical_request) {
		dormant_wipe(s->canonical_request,
		             strlen(s->canonical_request));
		free(s->canonical_request);
	}
	free(s->string_to_sign);
	free(s->authorization);
	memset(s, 0, sizeof(*s));
}

enum dormant_status
aws_sigv4_sign(const struct aws_sigv4_request *req,
               const struct aws_credentials *creds,
               const struct aws_sigv4_params *params,
               struct aws_sigv4_signed *out, struct dormant_error *err)
{
	struct dormant_buf creq, names, sts, key_text;
	struct dormant_http_header added[AWS_SIGV4_MAX_ADDED];
	unsigned char k[DORMANT_SHA256_LEN], sig[DORMANT_SHA256_LEN];
	char date[9], creq_hash[65];
	size_t n_added = 0, n_signed;
	bool token;
	enum dormant_status st = DORMANT_OK;

	memset(out, 0, sizeof(*out));
	dormant_buf_init(&creq, 0);
	dormant_buf_init(&names, 0);
	dormant_buf_init(&sts, 0);
	dormant_buf_init(&key_text, 0);
	if (!req || !req->method || !creds || !creds->access_key_id ||
	    !*creds->access_key_id || !creds->secret_access_key ||
	    !*creds->secret_access_key || !params || !params->region ||
	    !*params->region || !params->service || !*params->service) {
		st = dormant_error_set(err, DORMANT_ERR_USAGE,
		                       "sigv4: missing credentials, region or "
		                       "service");
		goto out;
	}
	token = creds->session_token && *creds->session_token;
	format_amz_date(params->time, out->amz_date);
	memcpy(date, out->amz_date, 8);
	date[8] = '\0';
	dormant_sha256_hex(req->body ? req->body : "",
	                   req->body ? req->body_len : 0, out->payload_hash);

	/* The headers signing adds; the token is signed unless told not to
	 * be, and then it is added after the signature. */
	if (params->sign_body)
		added[n_added++] = (struct dormant_http_header){
		        "x-amz-content-sha256", out->payload_hash};
	added[n_added++] =
	        (struct dormant_http_header){"X-Amz-Date", out->amz_date};
	if (token && !params->omit_session_token)
		added[n_added++] = (struct dormant_http_header){
		        "X-Amz-Security-Token", creds->session_token};
	n_signed = n_added;

	st = dormant_buf_appendf(&creq, "%s\n", req->method);
	if (st == DORMANT_OK)
		st = append_canonical_uri(req, params, &creq);
	if (st == DORMANT_OK)
		st = append_canonical_query(req->query, &creq);
	if (st != DORMANT_OK) {
		dormant_error_set(err, st, "sigv4: %s", dormant_strerror(st));
		goto out;
	}
	st = append_headers(req, added, n_signed, &creq, &names, err);
	if (st != DORMANT_OK)
		goto out;
	st = dormant_buf_appendf(&creq, "\n%s\n%s", names.data,
	                         out->payload_hash);
	if (st == DORMANT_OK) {
		dormant_sha256_hex(creq.data, creq.len, creq_hash);
		st = dormant_buf_appendf(&sts,
		                         ALGORITHM
		                         "\n%s\n%s/%s/%s/aws4_request\n"
		                         "%s",
		                         out->amz_date, date, params->region,
		                         params->service, creq_hash);
	}
	if (st == DORMANT_OK)
		st = dormant_buf_appendf(&key_text, "AWS4%s",
		                         creds->secret_access_key);
	if (st != DORMANT_OK) {
		dormant_error_set(err, st, "sigv4: %s", dormant_strerror(st));
		goto out;
	}
	dormant_hmac_sha256(key_text.data, key_text.len, date, strlen(date), k);
	dormant_hmac_sha256(k, sizeof(k), params->region,
	                    strlen(params->region), k);
	dormant_hmac_sha256(k, sizeof(k), params->service,
	                    strlen(params->service), k);
	dormant_hmac_sha256(k, sizeof(k), "aws4_request", 12, k);
	dormant_hmac_sha256(k, sizeof(k), sts.data, sts.len, sig);
	for (size_t i = 0; i < sizeof(sig); i++) {
		static const char hex[] = "0123456789abcdef";

		out->signature[2 * i] = hex[sig[i] >> 4];
		out->signature[2 * i + 1] = hex[sig[i] & 15];
	}
	out->signature[64] = '\0';

	dormant_buf_reset(&key_text);
	st = dormant_buf_appendf(&key_text,
	                         ALGORITHM
	                         " Credential=%s/%s/%s/%s/aws4_request, "
	                         "SignedHeaders=%s, Signature=%s",
	                         creds->access_key_id, date, params->region,
	                         params->service, names.data, out->signature);
	if (st != DORMANT_OK) {
		dormant_error_set(err, st, "sigv4: %s", dormant_strerror(st));
		goto out;
	}
	out->authorization = dormant_buf_steal(&key_text);
	out->canonical_request = dormant_buf_steal(&creq);
	out->string_to_sign = dormant_buf_steal(&sts);
	if (!out->authorization || !out->canonical_request ||
	    !out->string_to_sign) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "sigv4: %s",
		                       dormant_strerror(DORMANT_ERR_NOMEM));
		goto out;
	}
	if (token && params->omit_session_token)
		added[n_added++] = (struct dormant_http_header){
		        "X-Amz-Security-Token", creds->session_token};
	added[n_added++] = (struct dormant_http_header){"Authorization",
	                                                out->authorization};
	memcpy(out->headers, added, n_added * sizeof(*added));
	out->n_headers = n_added;
out:
	dormant_wipe(k, sizeof(k));
	if (key_text.data)
		dormant_wipe(key_text.data, key_text.len);
	if (creq.data)
		dormant_wipe(creq.data, creq.len);
	dormant_buf_free(&creq);
	dormant_buf_free(&names);
	dormant_buf_free(&sts);
	dormant_buf_free(&key_text);
	if (st != DORMANT_OK)
		aws_sigv4_signed_free(out);
	return st;
}
