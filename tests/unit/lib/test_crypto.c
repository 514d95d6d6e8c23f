/* dormant: encodings, digests and RS256 against published vectors. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cjson/cJSON.h>

#include <dormant/crypto.h>

#include "tap.h"

static void
b64_case(const char *in, const char *want, const char *want_url)
{
	char *e = dormant_base64_encode(in, strlen(in));
	char *u = dormant_base64url_encode(in, strlen(in));
	struct dormant_buf b;
	struct dormant_error err;

	is_str(e, want, "base64(\"%s\")", in);
	is_str(u, want_url, "base64url(\"%s\")", in);
	dormant_buf_init(&b, 1024);
	ok(dormant_base64_decode(want, strlen(want), &b, &err) == DORMANT_OK &&
	           b.len == strlen(in) && memcmp(b.data, in, b.len) == 0,
	   "base64 decode \"%s\"", want);
	ok(dormant_base64url_decode(want_url, strlen(want_url), &b, &err) ==
	                   DORMANT_OK &&
	           b.len == strlen(in) && memcmp(b.data, in, b.len) == 0,
	   "base64url decode \"%s\"", want_url);
	dormant_buf_free(&b);
	free(e);
	free(u);
}

/* A public key rebuilt from a JWK's n and e alone, so that what
 * dormant_private_key_public_jwk wrote is checked by OpenSSL verifying a
 * signature with it. NULL when the JWK does not make a key. */
static EVP_PKEY *
key_from_jwk(const char *jwk)
{
	cJSON *j = cJSON_Parse(jwk);
	const char *ns = cJSON_GetStringValue(cJSON_GetObjectItem(j, "n"));
	const char *es = cJSON_GetStringValue(cJSON_GetObjectItem(j, "e"));
	struct dormant_buf nb, eb;
	struct dormant_error err;
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *pkey = NULL;
	BIGNUM *n = NULL, *e = NULL;

	dormant_buf_init(&nb, 4096);
	dormant_buf_init(&eb, 64);
	if (ns && es &&
	    dormant_base64url_decode(ns, strlen(ns), &nb, &err) == DORMANT_OK &&
	    dormant_base64url_decode(es, strlen(es), &eb, &err) == DORMANT_OK) {
		n = BN_bin2bn((unsigned char *)nb.data, (int)nb.len, NULL);
		e = BN_bin2bn((unsigned char *)eb.data, (int)eb.len, NULL);
		OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n);
		OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e);
		params = OSSL_PARAM_BLD_to_param(bld);
		if (params && EVP_PKEY_fromdata_init(ctx) == 1)
			EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY,
			                  params);
	}
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	BN_free(n);
	BN_free(e);
	dormant_buf_free(&nb);
	dormant_buf_free(&eb);
	cJSON_Delete(j);
	return pkey;
}

static void
test_generated_key(void)
{
	struct dormant_private_key *key = NULL;
	struct dormant_error err = {{0}};
	char *jwk = NULL, *jwt = NULL;
	EVP_PKEY *pub;

	ok(dormant_private_key_generate_rsa(1024, &key, &err) ==
	                   DORMANT_ERR_INTERNAL &&
	           key == NULL,
	   "a 1024-bit key is refused");
	err.msg[0] = '\0';
	ok(dormant_private_key_generate_rsa(2048, &key, &err) == DORMANT_OK,
	   "2048-bit key generated: %s", err.msg);
	if (!key)
		return;
	ok(dormant_private_key_public_jwk(key, &jwk, &err) == DORMANT_OK,
	   "public JWK: %s", err.msg);
	ok(jwk &&
	           strncmp(jwk, "{\"e\":\"AQAB\",\"kty\":\"RSA\",\"n\":\"",
	                   28) == 0 &&
	           strcmp(jwk + strlen(jwk) - 2, "\"}") == 0 &&
	           !strchr(jwk, '=') && !strchr(jwk, '+') && !strchr(jwk, '/'),
	   "JWK has RFC 7638's members in its order, base64url unpadded");
	ok(dormant_jwt_sign_rs256("{\"alg\":\"RS256\"}", "{}", key, &jwt,
	                          &err) == DORMANT_OK,
	   "the generated key signs");
	pub = jwk ? key_from_jwk(jwk) : NULL;
	ok(pub != NULL, "the JWK's n and e make an RSA public key");
	if (pub && jwt) {
		const char *dot2 = strrchr(jwt, '.');
		struct dormant_buf sig;
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();

		dormant_buf_init(&sig, 4096);
		dormant_base64url_decode(dot2 + 1, strlen(dot2 + 1), &sig,
		                         &err);
		EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, pub);
		ok(EVP_DigestVerify(ctx, (unsigned char *)sig.data, sig.len,
		                    (const unsigned char *)jwt,
		                    (size_t)(dot2 - jwt)) == 1,
		   "a signature of the key verifies with its JWK");
		EVP_MD_CTX_free(ctx);
		dormant_buf_free(&sig);
	}
	EVP_PKEY_free(pub);
	free(jwt);
	free(jwk);
	dormant_private_key_free(key);
}

static void
bad_b64(const char *in)
{
	struct dormant_buf b;
	struct dormant_error err;

	dormant_buf_init(&b, 1024);
	ok(dormant_base64_decode(in, strlen(in), &b, &err) == DORMANT_ERR_PARSE,
	   "base64 refuses \"%s\"", in);
	dormant_buf_free(&b);
}

int
main(void)
{
	char hex[65], *h, *jwt = NULL, *pem_text = NULL;
	unsigned char md[DORMANT_SHA256_LEN];
	struct dormant_private_key *key = NULL;
	struct dormant_error err = {{0}};
	struct dormant_buf b;
	EVP_PKEY *pkey;
	BIO *bio;
	long pem_len;

	/* RFC 4648 section 10. */
	b64_case("", "", "");
	b64_case("f", "Zg==", "Zg");
	b64_case("fo", "Zm8=", "Zm8");
	b64_case("foo", "Zm9v", "Zm9v");
	b64_case("foob", "Zm9vYg==", "Zm9vYg");
	b64_case("fooba", "Zm9vYmE=", "Zm9vYmE");
	b64_case("foobar", "Zm9vYmFy", "Zm9vYmFy");
	b64_case("\xfb\xff", "+/8=", "-_8");
	bad_b64("Zm9");
	bad_b64("Zm9v!");
	bad_b64("Zg=a");
	bad_b64("Zh==");
	dormant_buf_init(&b, 4);
	ok(dormant_base64_decode("Zm9vYmFy", 8, &b, &err) ==
	           DORMANT_ERR_TOO_LARGE,
	   "base64 decode honours the buffer cap");
	ok(dormant_base64_decode("Zm9v\nYg==\n", 10, &b, &err) == DORMANT_OK &&
	           b.len == 4,
	   "base64 skips line breaks");
	dormant_buf_free(&b);

	h = dormant_hex_encode("\x00\xab\xff", 3);
	is_str(h, "00abff", "hex");
	free(h);

	/* FIPS 180-2 "abc". */
	dormant_sha256_hex("abc", 3, hex);
	is_str(hex,
	       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a"
	       "d",
	       "sha256(abc)");
	dormant_sha256_hex("", 0, hex);
	is_str(hex,
	       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85"
	       "5",
	       "sha256(empty)");
	/* RFC 4231 test case 2. */
	dormant_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, md);
	h = dormant_hex_encode(md, sizeof(md));
	is_str(h,
	       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec384"
	       "3",
	       "HMAC-SHA256 RFC 4231 case 2");
	free(h);

	/* RS256: sign with a fresh key, verify with its public half. */
	pkey = EVP_RSA_gen(2048);
	bio = BIO_new(BIO_s_mem());
	PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL);
	pem_len = BIO_get_mem_data(bio, &pem_text);
	ok(dormant_private_key_load_pem(pem_text, (size_t)pem_len, "test key",
	                                &key, &err) == DORMANT_OK,
	   "PKCS#8 PEM key loads");
	ok(dormant_jwt_sign_rs256("{\"alg\":\"RS256\",\"typ\":\"JWT\"}",
	                          "{\"iss\":\"a\"}", key, &jwt,
	                          &err) == DORMANT_OK,
	   "JWT signed");
	if (jwt) {
		const char *dot2 = strrchr(jwt, '.');
		struct dormant_buf sig;
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		int v;

		ok(strncmp(jwt,
		           "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9."
		           "eyJpc3MiOiJhIn0.",
		           52) == 0,
		   "JWT header and claims segments");
		dormant_buf_init(&sig, 4096);
		dormant_base64url_decode(dot2 + 1, strlen(dot2 + 1), &sig,
		                         &err);
		EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, pkey);
		v = EVP_DigestVerify(ctx, (unsigned char *)sig.data, sig.len,
		                     (const unsigned char *)jwt,
		                     (size_t)(dot2 - jwt));
		ok(v == 1, "JWT signature verifies with the public key");
		EVP_MD_CTX_free(ctx);
		dormant_buf_free(&sig);
	}
	free(jwt);
	dormant_private_key_free(key);
	key = NULL;
	ok(dormant_private_key_load_pem("not a key", 9, "junk.pem", &key,
	                                &err) == DORMANT_ERR_CONFIG &&
	           strstr(err.msg, "junk.pem: no usable private key") != NULL,
	   "junk PEM refused: %s", err.msg);
	BIO_free(bio);
	EVP_PKEY_free(pkey);
	test_generated_key();
	return tap_done();
}
