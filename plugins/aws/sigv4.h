/* dormant aws: AWS Signature Version 4 (header signing), over OpenSSL.
 *
 * The algorithm is AWS's, as the IAM User Guide describes it in "Create a
 * signed AWS API request" (reference_sigv-create-signed-request):
 *
 *   1. canonical request = method \n canonical URI \n canonical query \n
 *      canonical headers \n signed headers \n hex(SHA-256(payload))
 *   2. string to sign = "AWS4-HMAC-SHA256" \n YYYYMMDDTHHMMSSZ \n
 *      date/region/service/aws4_request \n hex(SHA-256(canonical request))
 *   3. signing key = HMAC(HMAC(HMAC(HMAC("AWS4" secret, date), region),
 *      service), "aws4_request"); signature = hex(HMAC(key, string to sign))
 *   4. Authorization: AWS4-HMAC-SHA256 Credential=KEY/SCOPE,
 *      SignedHeaders=..., Signature=...
 *
 * Every stage is returned so that tests can compare each one with AWS's
 * published test suite byte for byte (aws-c-auth's
 * aws-signing-test-suite/v4, and the IAM ListUsers example of the
 * documentation).
 */
#ifndef DORMANT_AWS_SIGV4_H
#define DORMANT_AWS_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dormant/http.h>
#include <dormant/status.h>

/* Credentials to sign with (credentials.h): access_key_id,
 * secret_access_key and session_token (NULL or "" for long-term access
 * keys) are read; the caller keeps them alive for the call. */
struct aws_credentials;

struct aws_sigv4_params {
	const char *region;  /* "us-east-1" */
	const char *service; /* "iam", "sts" */
	int64_t time;        /* signing time, seconds since the epoch (UTC) */
	/* Zero is right for every service but S3: the path is normalized
	 * (dot segments and repeated slashes removed) before it is signed. */
	bool keep_path;
	/* Also send and sign x-amz-content-sha256 (S3 and a few others). */
	bool sign_body;
	/* Send X-Amz-Security-Token without signing it (IoT-style services);
	 * IAM and STS sign it, so leave this false for them. */
	bool omit_session_token;
};

/* The request to sign. path and query are as the URL carries them: the
 * path raw (it is percent-encoded here), the query either raw or already
 * percent-encoded (both are decoded, then encoded the canonical way).
 * headers must include Host. */
struct aws_sigv4_request {
	const char *method;
	const char *path;  /* NULL: "/" */
	const char *query; /* the part after '?', NULL for none */
	const struct dormant_http_header *headers;
	size_t n_headers;
	const void *body; /* NULL for none */
	size_t body_len;
};

#define AWS_SIGV4_MAX_ADDED 4

/* What signing produced. Everything is owned by the struct and released
 * (and wiped: the canonical request holds the session token) by
 * aws_sigv4_signed_free. Start it zeroed. */
struct aws_sigv4_signed {
	char *canonical_request;
	char *string_to_sign;
	char *authorization; /* the Authorization header's value */
	char signature[65];  /* lower-case hex */
	char amz_date[17];   /* YYYYMMDDTHHMMSSZ */
	char payload_hash[65];
	/* The headers the request must carry besides its own: X-Amz-Date,
	 * X-Amz-Security-Token (temporary credentials), x-amz-content-sha256
	 * (sign_body), Authorization. Values point into this struct and into
	 * the credentials. */
	struct dormant_http_header headers[AWS_SIGV4_MAX_ADDED];
	size_t n_headers;
};

/* Signs req. DORMANT_ERR_USAGE for a request that cannot be signed (no
 * Host header, empty key, a header name that is not a token), NOMEM. The
 * error message never holds a credential. */
enum dormant_status aws_sigv4_sign(const struct aws_sigv4_request *req,
                                   const struct aws_credentials *creds,
                                   const struct aws_sigv4_params *params,
                                   struct aws_sigv4_signed *out,
                                   struct dormant_error *err);

void aws_sigv4_signed_free(struct aws_sigv4_signed *s);

#endif /* DORMANT_AWS_SIGV4_H */
