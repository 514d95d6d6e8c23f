/* dormant: the cryptography providers need, over OpenSSL libcrypto.
 *
 * Encodings (base64, base64url, hex), SHA-256 and HMAC-SHA256 (SigV4),
 * RS256 signatures for JWTs (Google service-account assertions, Entra
 * client assertions), and certificate thumbprints (Entra x5t#S256).
 * Private keys are opaque and wiped when freed.
 */
#ifndef DORMANT_CRYPTO_H
#define DORMANT_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dormant/buf.h>
#include <dormant/status.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DORMANT_SHA256_LEN 32

/* Encoders return a new NUL-terminated string the caller frees, or NULL
 * when out of memory. base64url has no padding (RFC 7515 section 2). */
char *dormant_base64_encode(const void *data, size_t len);
char *dormant_base64url_encode(const void *data, size_t len);
char *dormant_hex_encode(const void *data, size_t len); /* lower case */

/* Decodes standard base64 (padding required, white space such as the line
 * breaks of PEM or XML ignored) into out, which is reset first and keeps
 * its size cap. */
enum dormant_status dormant_base64_decode(const char *in, size_t len,
                                          struct dormant_buf *out,
                                          struct dormant_error *err);

/* base64url without padding (JWT segments). */
enum dormant_status dormant_base64url_decode(const char *in, size_t len,
                                             struct dormant_buf *out,
                                             struct dormant_error *err);

void dormant_sha256(const void *data, size_t len,
                    unsigned char out[DORMANT_SHA256_LEN]);

/* Lower-case hex SHA-256 into hex[65]. */
void dormant_sha256_hex(const void *data, size_t len, char hex[65]);

void dormant_hmac_sha256(const void *key, size_t key_len, const void *data,
                         size_t len, unsigned char out[DORMANT_SHA256_LEN]);

struct dormant_private_key; /* opaque */

/* Loads an RSA private key from PEM text (PKCS#8 "BEGIN PRIVATE KEY" or
 * PKCS#1 "BEGIN RSA PRIVATE KEY"; a PEM file that also holds certificates
 * is fine). `what` names the source in errors; the key text never appears
 * in them. */
enum dormant_status
dormant_private_key_load_pem(const char *pem, size_t len, const char *what,
                             struct dormant_private_key **out,
                             struct dormant_error *err);
void dormant_private_key_free(struct dormant_private_key *key);

/* Since dormant 1.1: a new RSA key of `bits` bits (2048 to 8192),
 * for a key that lives only as long as the run (a DPoP proof key, RFC
 * 9449). Takes some tens of milliseconds. */
enum dormant_status
dormant_private_key_generate_rsa(unsigned bits,
                                 struct dormant_private_key **out,
                                 struct dormant_error *err);

/* Since dormant 1.1: the key's public half as a JWK (RFC 7517), the
 * JSON text {"e":...,"kty":"RSA","n":...} with exactly the members and
 * member order of RFC 7638, so that its SHA-256 is the key's JWK
 * thumbprint. *out is freed by the caller. */
enum dormant_status
dormant_private_key_public_jwk(const struct dormant_private_key *key,
                               char **out, struct dormant_error *err);

/* Signs data with RSASSA-PKCS1-v1_5 over SHA-256 (JWS "RS256"); *sig is a
 * new buffer of *sig_len bytes the caller frees. */
enum dormant_status dormant_rs256_sign(const struct dormant_private_key *key,
                                       const void *data, size_t len,
                                       unsigned char **sig, size_t *sig_len,
                                       struct dormant_error *err);

/* Builds a compact JWS: base64url(header) "." base64url(claims) "."
 * base64url(RS256 signature). header_json and claims_json are JSON texts
 * (the caller builds them, e.g. with cJSON). *out is freed by the caller. */
enum dormant_status
dormant_jwt_sign_rs256(const char *header_json, const char *claims_json,
                       const struct dormant_private_key *key, char **out,
                       struct dormant_error *err);

/* The SHA-256 thumbprint of the first certificate in PEM text, over its
 * DER encoding (what Entra's x5t#S256 header carries, base64url-encoded).
 * Also returns the certificate's notAfter, so an expired certificate can
 * be named before a token request fails. */
enum dormant_status
dormant_cert_thumbprint_sha256(const char *pem, size_t len, const char *what,
                               unsigned char out[DORMANT_SHA256_LEN],
                               int64_t *not_after, struct dormant_error *err);

/* Fills buf with cryptographically random bytes (JWT ids, nonces). */
enum dormant_status dormant_random_bytes(void *buf, size_t len,
                                         struct dormant_error *err);

/* Overwrites len bytes in a way the compiler cannot drop (secrets). */
void dormant_wipe(void *p, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* DORMANT_CRYPTO_H */
