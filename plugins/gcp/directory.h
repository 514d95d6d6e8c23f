/* dormant gcp: the Admin SDK Directory API requests of the live scan:
 * one users.list page, users.get and users.patch of one user.
 *
 * Each request carries a Bearer token of the right scope (token.c), takes
 * one pacing slot of the handle, is retried on quota answers with backoff,
 * and is tried once more with a new token when the API answers 401. A
 * failure becomes one line that says what to fix. See directory.c for the
 * exact requests; live.c strings them together.
 */
#ifndef DORMANT_GCP_DIRECTORY_H
#define DORMANT_GCP_DIRECTORY_H

#include <stdbool.h>
#include <stddef.h>

#include <dormant/http.h>
#include <dormant/plugin.h>

#include "directory_users.h"
#include "live.h"
#include "token.h"

/* users.list: "maxResults ... Value must be between 1 and 500". */
#define GCP_DIRECTORY_PAGE_SIZE 500

/* One users.list page: the page after page_token (NULL: the first), fed
 * to the page parser with ls and sink (directory_users.h). *next is the
 * page's nextPageToken (the caller frees it), NULL on the last page.
 * ls->what names the request in errors. http is the calling thread's. */
enum dormant_status
gcp_directory_list_page(struct gcp_live *g, struct dormant_http *http,
                        struct gcp_users_listing *ls, const char *page_token,
                        struct dormant_sink *sink, char **next,
                        struct dormant_error *err);

/* users.get (patch NULL) or users.patch with the JSON body patch of the
 * user with numeric id `id`, with a token of `scope`; `verb` names the
 * call in errors. The answer must be about that user: *facts is what it
 * says. */
enum dormant_status gcp_directory_user(struct gcp_live *g, const char *id,
                                       const char *patch, enum gcp_scope scope,
                                       const char *verb,
                                       struct gcp_user_facts *facts,
                                       struct dormant_error *err);

/* The customer id behind my_customer, from users.get of the subject: an
 * admin of that very customer, whose User resource carries customerId
 * (Directory API reference, "Resource: User"). One attempt: it only names
 * the scope of a listing that already failed. False when it cannot tell. */
bool gcp_directory_subject_customer_id(struct gcp_live *g, char *out,
                                       size_t size);

#endif /* DORMANT_GCP_DIRECTORY_H */
