/* dormant: reading cloud JSON answers with cJSON, safely.
 *
 * The getters treat a missing member and a JSON null alike (NULL / false
 * return) and refuse a member of the wrong type with a clear error rather
 * than reading garbage: a server answer is untrusted input.
 */
#ifndef DORMANT_JSON_H
#define DORMANT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include <dormant/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Deepest nesting accepted; cloud answers need under 10. */
#define DORMANT_JSON_MAX_DEPTH 64

/* Parses len bytes (no NUL needed) into *root, which the caller frees with
 * cJSON_Delete. `what` names the input in errors ("users.json"). Rejects
 * invalid UTF-8, trailing garbage and nesting deeper than the limit. */
enum dormant_status dormant_json_parse(const char *data, size_t len,
                                       const char *what, cJSON **root,
                                       struct dormant_error *err);

/* A member that must be a string when present. *out is NULL when the
 * member is absent or null; the string belongs to the cJSON tree. */
enum dormant_status dormant_json_string(const cJSON *obj, const char *key,
                                        const char **out,
                                        struct dormant_error *err);

/* A member that must be a boolean when present; *out = dflt when absent
 * or null. */
enum dormant_status dormant_json_bool(const cJSON *obj, const char *key,
                                      bool dflt, bool *out,
                                      struct dormant_error *err);

/* A member holding an RFC 3339 time string; *out = DORMANT_TIME_NONE
 * when absent or null. A string that is not a time is an error. */
enum dormant_status dormant_json_time(const cJSON *obj, const char *key,
                                      int64_t *out, struct dormant_error *err);

/* True when s is well-formed UTF-8 (no overlongs, no surrogates). */
bool dormant_utf8_valid(const char *s, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* DORMANT_JSON_H */
