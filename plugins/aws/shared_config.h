/* dormant aws: the shared config and credentials files.
 *
 * Format (AWS SDKs and Tools Reference Guide, "The shared config and
 * credentials files", file-format): INI; in the credentials file a
 * section is a profile name ("[prod]"), in the config file it is
 * "[profile prod]" except "[default]"; "#" and ";" start comments; an
 * indented line continues a sub-section of the key above it (ignored
 * here: dormant needs no nested setting). When both files set a key of
 * one profile, the credentials file wins.
 *
 * Files: AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/credentials) and
 * AWS_CONFIG_FILE (default ~/.aws/config); a leading "~/" is the home
 * directory.
 */
#ifndef DORMANT_AWS_PROFILE_H
#define DORMANT_AWS_PROFILE_H

#include <stdbool.h>

#include <dormant/status.h>

struct aws_profiles; /* opaque */

/* Reads both files; a file that does not exist is no error (a profile
 * in it just does not exist), a file that cannot be read or parsed is. */
enum dormant_status aws_profiles_load(struct aws_profiles **out,
                                      struct dormant_error *err);
void aws_profiles_free(struct aws_profiles *p);

bool aws_profile_exists(const struct aws_profiles *p, const char *profile);

/* A key of a profile, or NULL. */
const char *aws_profile_get(const struct aws_profiles *p, const char *profile,
                            const char *key);

/* "~/.aws/credentials and ~/.aws/config" as found, for messages. */
const char *aws_profiles_where(const struct aws_profiles *p);

#endif /* DORMANT_AWS_PROFILE_H */
