/* dormant gcp: what Google's OAuth 2.0 token endpoint answers.
 *
 * Success (RFC 6749 section 5.1, as Google's "Using OAuth 2.0 for Server
 * to Server Applications", "Handling the response", shows it):
 *   {"access_token": "1/8xbJqaOZXSUZbHLl5EOtu1pxz3fmmetKx9W8CV4t79M",
 *    "scope": "https://www.googleapis.com/auth/...",
 *    "token_type": "Bearer", "expires_in": 3600}
 * Failure (RFC 6749 section 5.2): {"error": "invalid_grant",
 *   "error_description": "Invalid JWT: ..."}, HTTP 400 or 401.
 */
#ifndef DORMANT_GCP_OAUTH_ANSWER_H
#define DORMANT_GCP_OAUTH_ANSWER_H

#include <stddef.h>
#include <stdint.h>

#include <dormant/status.h>

/* Longest access token accepted; Google documents up to 2048 bytes. */
#define GCP_ACCESS_TOKEN_MAX 4096

/* Room for an error code and description copied from an answer. */
#define GCP_OAUTH_CODE_MAX 64
#define GCP_OAUTH_DESC_MAX 240

/* Parses a success answer. *token is a new string the caller wipes and
 * frees; *expires_in is in seconds (600 when the answer leaves it out).
 * Errors never quote the token. */
enum dormant_status gcp_oauth_parse_token(const char *body, size_t len,
                                          char **token, int64_t *expires_in,
                                          struct dormant_error *err);

/* Reads an error answer into code and desc (printable ASCII only, cut to
 * fit). Returns false when the body is not an OAuth error object; code
 * and desc are then empty strings. */
bool gcp_oauth_parse_error(const char *body, size_t len,
                           char code[GCP_OAUTH_CODE_MAX],
                           char desc[GCP_OAUTH_DESC_MAX]);

/* Copies s into out (size outsz > 0) keeping printable ASCII and turning
 * anything else into '?', so that a server's text cannot break a log
 * line; cuts with "..." when it does not fit. */
void gcp_printable_copy(char *out, size_t outsz, const char *s);

#endif /* DORMANT_GCP_OAUTH_ANSWER_H */
