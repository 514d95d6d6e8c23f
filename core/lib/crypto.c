/* dormant: cryptography over OpenSSL 3 libcrypto. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <dormant/crypto.h>
#include <dormant/timeutil.h>

struct dormant_private_key {
	EVP_PKEY *pkey;
};

static char *
b64(const void *data, size_t len, bool url)
{
	static const char std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqr"
	                          "stuvwxyz0123456789+/";
	static const char web[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqr"
	                          "stuvwxyz0123456789-_";
	const char *alpha = url ? web : std;
	const unsigned char *p = data;
	size_t out_len, o = 0, i;
	char *out;

	if (len > (SIZE_MAX - 4) / 4 * 3)
		return NULL;
	out_len = (len + 2) / 3 * 4;
	out = malloc(out_len + 1);
	if (!out)
		return NULL;
	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 |
		             p[i + 2];
		out[o++] = alpha[v >> 18 & 63];
		out[o++] = alpha[v >> 12 & 63];
		out[o++] = alpha[v >> 6 & 63];
		out[o++] = alpha[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		out[o++] = alpha[v >> 18 & 63];
		out[o++] = alpha[v >> 12 & 63];
		if (i + 1 < len)
			out[o++] = alpha[v >> 6 & 63];
		else if (!url)
			out[o++] = '=';
		if (!url)
			out[o++] = '=';
	}
	out[o] = '\0';
	return out;
}

char *
dormant_base64_encode(const void *data, size_t len)
{
	return b64(data, len, false);
}

char *
dormant_base64url_encode(const void *data, size_t len)
{
	return b64(data, len, true);
}

char *
dormant_hex_encode(const void *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = data;
	char *out;

	if (len > (SIZE_MAX - 1) / 2)
		return NULL;
	out = malloc(len * 2 + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[len * 2] = '\0';
	return out;
}

static int
b64_value(char c, bool url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (url ? '-' : '+'))
		return 62;
	if (c == (url ? '_' : '/'))
		return 63;
	return -1;
}

/* Decoding tables: the value of each character, -1 for any other. */
static signed char std_table[256], url_table[256];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void
build_tables(void)
{
	for (int c = 0; c < 256; c++) {
		std_table[c] = (signed char)b64_value((char)c, false);
		url_table[c] = (signed char)b64_value((char)c, true);
	}
}

static enum dormant_status
b64_decode(const char *in, size_t len, bool url, struct dormant_buf *out,
           struct dormant_error *err)
{
	unsigned char chunk[4096];
	const signed char *table;
	uint32_t acc = 0;
	unsigned bits = 0, pad = 0;
	size_t n = 0, k = 0;
	enum dormant_status st;

	pthread_once(&tables_once, build_tables);
	table = url ? url_table : std_table;
	dormant_buf_reset(out);
	/* The decoded size is known to within two bytes; a hint only (the
	 * cap is enforced by the appends below, whitespace shrinks it). */
	if (!out->max || len / 4 * 3 + 3 <= out->max)
		(void)dormant_buf_reserve(out, len / 4 * 3 + 3);
	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		int v;

		/* The common case, four valid characters on a quantum
		 * boundary, decoded at once (a credential report is ~0.5 MB of
		 * base64 per account). */
		if (bits == 0 && !pad && i + 4 <= len) {
			int a = table[(unsigned char)in[i]];
			int b = table[(unsigned char)in[i + 1]];
			int c2 = table[(unsigned char)in[i + 2]];
			int d = table[(unsigned char)in[i + 3]];

			if ((a | b | c2 | d) >= 0) {
				uint32_t q = (uint32_t)a << 18 |
				             (uint32_t)b << 12 |
				             (uint32_t)c2 << 6 | (uint32_t)d;
				if (k + 3 > sizeof(chunk)) {
					st = dormant_buf_append(out, chunk, k);
					if (st != DORMANT_OK)
						return dormant_error_set(
						        err, st, "base64: %s",
						        dormant_strerror(st));
					k = 0;
				}
				chunk[k++] = (unsigned char)(q >> 16);
				chunk[k++] = (unsigned char)(q >> 8);
				chunk[k++] = (unsigned char)q;
				n += 4;
				i += 3;
				continue;
			}
		}
		if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
			continue;
		if (!url && c == '=') {
			pad++;
			continue;
		}
		if (pad)
			return dormant_error_set(err, DORMANT_ERR_PARSE,
			                         "base64: data after padding");
		v = b64_value(c, url);
		if (v < 0)
			return dormant_error_set(
			        err, DORMANT_ERR_PARSE,
			        "base64: invalid character at %zu", i);
		n++;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			chunk[k++] = (unsigned char)(acc >> (bits - 8));
			bits -= 8;
			/* Appending byte by byte was a seventh of a credential
			 * report's CPU: flush whole chunks instead. */
			if (k == sizeof(chunk)) {
				st = dormant_buf_append(out, chunk, k);
				if (st != DORMANT_OK)
					return dormant_error_set(
					        err, st, "base64: %s",
					        dormant_strerror(st));
				k = 0;
			}
		}
	}
	st = dormant_buf_append(out, chunk, k);
	if (st != DORMANT_OK)
		return dormant_error_set(err, st, "base64: %s",
		                         dormant_strerror(st));
	/* Leftover bits must be zero and the length whole: "QQ" is "A" in
	 * base64url, "QQ==" in base64, "Q" is nothing at all. */
	if (n % 4 == 1 || (acc & ((1u << bits) - 1)) != 0 ||
	    (!url && (pad > 2 || (n + pad) % 4 != 0)))
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "base64: truncated or padded wrongly");
	if (!out->data)
		return dormant_buf_append(out, "", 0);
	return DORMANT_OK;
}

enum dormant_status
dormant_base64_decode(const char *in, size_t len, struct dormant_buf *out,
                      struct dormant_error *err)
{
	return b64_decode(in, len, false, out, err);
}

enum dormant_status
dormant_base64url_decode(const char *in, size_t len, struct dormant_buf *out,
                         struct dormant_error *err)
{
	return b64_decode(in, len, true, out, err);
}

void
dormant_sha256(const void *data, size_t len,
               unsigned char out[DORMANT_SHA256_LEN])
{
	unsigned int n = DORMANT_SHA256_LEN;

	EVP_Digest(data, len, out, &n, EVP_sha256(), NULL);
}

void
dormant_sha256_hex(const void *data, size_t len, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[DORMANT_SHA256_LEN];

	dormant_sha256(data, len, md);
	for (size_t i = 0; i < DORMANT_SHA256_LEN; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
}

void
dormant_hmac_sha256(const void *key, size_t key_len, const void *data,
                    size_t len, unsigned char out[DORMANT_SHA256_LEN])
{
	unsigned int n = DORMANT_SHA256_LEN;

	HMAC(EVP_sha256(), key, (int)key_len, data, len, out, &n);
}

/* OpenSSL's own error text names the failing step without key material. */
static const char *
ssl_reason(void)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;

	return r ? r : "unknown reason";
}

/* A read-only BIO over PEM text in memory, with OpenSSL's error queue
 * cleared so that a failure names this read's reason. */
static enum dormant_status
pem_bio(const char *pem, size_t len, const char *what, const char *kind,
        BIO **bio, struct dormant_error *err)
{
	*bio = NULL;
	if (len > INT32_MAX)
		return dormant_error_set(err, DORMANT_ERR_TOO_LARGE,
		                         "%s: %s too large", what, kind);
	ERR_clear_error();
	*bio = BIO_new_mem_buf(pem, (int)len);
	if (!*bio)
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	return DORMANT_OK;
}

enum dormant_status
dormant_private_key_load_pem(const char *pem, size_t len, const char *what,
                             struct dormant_private_key **out,
                             struct dormant_error *err)
{
	struct dormant_private_key *k = NULL;
	enum dormant_status st = DORMANT_OK;
	EVP_PKEY *pkey = NULL;
	BIO *bio;

	*out = NULL;
	st = pem_bio(pem, len, what, "key", &bio, err);
	if (st != DORMANT_OK)
		return st;
	/* An empty passphrase callback: an encrypted key is refused rather
	 * than prompting on a terminal from a cron job. */
	pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)"");
	if (!pkey) {
		st = dormant_error_set(err, DORMANT_ERR_CONFIG,
		                       "%s: no usable private key in PEM (%s)",
		                       what, ssl_reason());
		goto out;
	}
	if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
		st = dormant_error_set(err, DORMANT_ERR_CONFIG,
		                       "%s: not an RSA key (RS256 needs one)",
		                       what);
		goto out;
	}
	if (EVP_PKEY_get_bits(pkey) < 2048) {
		st = dormant_error_set(err, DORMANT_ERR_CONFIG,
		                       "%s: RSA key of %d bits; 2048 at least",
		                       what, EVP_PKEY_get_bits(pkey));
		goto out;
	}
	k = calloc(1, sizeof(*k));
	if (!k) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	k->pkey = pkey;
	pkey = NULL;
	*out = k;
out:
	EVP_PKEY_free(pkey);
	BIO_free(bio);
	ERR_clear_error();
	return st;
}

enum dormant_status
dormant_private_key_generate_rsa(unsigned bits,
                                 struct dormant_private_key **out,
                                 struct dormant_error *err)
{
	struct dormant_private_key *k;
	EVP_PKEY *pkey;

	*out = NULL;
	if (bits < 2048 || bits > 8192)
		return dormant_error_set(err, DORMANT_ERR_INTERNAL,
		                         "RSA key of %u bits asked for; "
		                         "2048 to 8192",
		                         bits);
	pkey = EVP_RSA_gen(bits);
	if (!pkey) {
		enum dormant_status st = dormant_error_set(
		        err, DORMANT_ERR_INTERNAL,
		        "cannot generate an RSA key (%s)", ssl_reason());

		ERR_clear_error();
		return st;
	}
	k = calloc(1, sizeof(*k));
	if (!k) {
		EVP_PKEY_free(pkey);
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	}
	k->pkey = pkey;
	*out = k;
	return DORMANT_OK;
}

/* One RSA public parameter, big-endian without leading zeros, in
 * base64url (RFC 7518 section 6.3.1). NULL on failure. */
static char *
rsa_param_b64url(const EVP_PKEY *pkey, const char *name)
{
	BIGNUM *bn = NULL;
	unsigned char *bytes = NULL;
	char *s = NULL;
	int n;

	if (!EVP_PKEY_get_bn_param(pkey, name, &bn))
		return NULL;
	n = BN_num_bytes(bn);
	bytes = malloc(n > 0 ? (size_t)n : 1);
	if (bytes && BN_bn2bin(bn, bytes) == n)
		s = dormant_base64url_encode(bytes, (size_t)n);
	free(bytes);
	BN_free(bn);
	return s;
}

enum dormant_status
dormant_private_key_public_jwk(const struct dormant_private_key *key,
                               char **out, struct dormant_error *err)
{
	enum dormant_status st = DORMANT_OK;
	char *e, *n;
	size_t len;

	*out = NULL;
	e = rsa_param_b64url(key->pkey, OSSL_PKEY_PARAM_RSA_E);
	n = rsa_param_b64url(key->pkey, OSSL_PKEY_PARAM_RSA_N);
	if (!e || !n) {
		st = dormant_error_set(err, DORMANT_ERR_INTERNAL,
		                       "cannot read the RSA public key (%s)",
		                       ssl_reason());
		ERR_clear_error();
		goto out;
	}
	/* The members RFC 7638 hashes, in its order, and nothing else: the
	 * text is its own thumbprint input. */
	len = strlen(e) + strlen(n) +
	      sizeof("{\"e\":\"\",\"kty\":\"RSA\",\"n\":\"\"}");
	*out = malloc(len);
	if (!*out) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	snprintf(*out, len, "{\"e\":\"%s\",\"kty\":\"RSA\",\"n\":\"%s\"}", e,
	         n);
out:
	free(e);
	free(n);
	return st;
}

void
dormant_private_key_free(struct dormant_private_key *key)
{
	if (!key)
		return;
	EVP_PKEY_free(key->pkey); /* OpenSSL clears key material it frees */
	free(key);
}

enum dormant_status
dormant_rs256_sign(const struct dormant_private_key *key, const void *data,
                   size_t len, unsigned char **sig, size_t *sig_len,
                   struct dormant_error *err)
{
	enum dormant_status st = DORMANT_OK;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char *s = NULL;
	size_t n = 0;

	*sig = NULL;
	*sig_len = 0;
	if (!ctx)
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	if (EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key->pkey) != 1 ||
	    EVP_DigestSign(ctx, NULL, &n, data, len) != 1) {
		st = dormant_error_set(err, DORMANT_ERR_INTERNAL,
		                       "RS256 signing failed: %s",
		                       ssl_reason());
		goto out;
	}
	s = malloc(n);
	if (!s) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (EVP_DigestSign(ctx, s, &n, data, len) != 1) {
		st = dormant_error_set(err, DORMANT_ERR_INTERNAL,
		                       "RS256 signing failed: %s",
		                       ssl_reason());
		goto out;
	}
	*sig = s;
	*sig_len = n;
	s = NULL;
out:
	free(s);
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return st;
}

enum dormant_status
dormant_jwt_sign_rs256(const char *header_json, const char *claims_json,
                       const struct dormant_private_key *key, char **out,
                       struct dormant_error *err)
{
	char *h = dormant_base64url_encode(header_json, strlen(header_json));
	char *c = dormant_base64url_encode(claims_json, strlen(claims_json));
	char *input = NULL, *s64 = NULL;
	unsigned char *sig = NULL;
	size_t sig_len = 0, len;
	enum dormant_status st = DORMANT_OK;

	*out = NULL;
	if (!h || !c) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	len = strlen(h) + 1 + strlen(c);
	input = malloc(len + 1);
	if (!input) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	snprintf(input, len + 1, "%s.%s", h, c);
	st = dormant_rs256_sign(key, input, len, &sig, &sig_len, err);
	if (st != DORMANT_OK)
		goto out;
	s64 = dormant_base64url_encode(sig, sig_len);
	*out = malloc(len + 1 + (s64 ? strlen(s64) : 0) + 1);
	if (!s64 || !*out) {
		free(*out);
		*out = NULL;
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	snprintf(*out, len + 1 + strlen(s64) + 1, "%s.%s", input, s64);
out:
	free(h);
	free(c);
	free(input);
	free(sig);
	free(s64);
	return st;
}

enum dormant_status
dormant_cert_thumbprint_sha256(const char *pem, size_t len, const char *what,
                               unsigned char out[DORMANT_SHA256_LEN],
                               int64_t *not_after, struct dormant_error *err)
{
	enum dormant_status st = DORMANT_OK;
	X509 *cert = NULL;
	unsigned int n = DORMANT_SHA256_LEN;
	BIO *bio;

	st = pem_bio(pem, len, what, "certificate", &bio, err);
	if (st != DORMANT_OK)
		return st;
	cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	if (!cert) {
		st = dormant_error_set(err, DORMANT_ERR_CONFIG,
		                       "%s: no certificate in PEM (%s)", what,
		                       ssl_reason());
		goto out;
	}
	if (X509_digest(cert, EVP_sha256(), out, &n) != 1) {
		st = dormant_error_set(err, DORMANT_ERR_INTERNAL,
		                       "%s: cannot hash the certificate", what);
		goto out;
	}
	if (not_after) {
		struct tm tm;
		const ASN1_TIME *t = X509_get0_notAfter(cert);
		*not_after = DORMANT_TIME_NONE;
		if (t && ASN1_TIME_to_tm(t, &tm) == 1)
			*not_after =
			        dormant_days_from_civil(tm.tm_year + 1900,
			                                (unsigned)tm.tm_mon + 1,
			                                (unsigned)tm.tm_mday) *
			                86400 +
			        tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
	}
out:
	X509_free(cert);
	BIO_free(bio);
	ERR_clear_error();
	return st;
}

enum dormant_status
dormant_random_bytes(void *buf, size_t len, struct dormant_error *err)
{
	if (len > INT32_MAX || RAND_bytes(buf, (int)len) != 1)
		return dormant_error_set(err, DORMANT_ERR_INTERNAL,
		                         "no random bytes: %s", ssl_reason());
	return DORMANT_OK;
}

void
dormant_wipe(void *p, size_t len)
{
	OPENSSL_cleanse(p, len);
}
