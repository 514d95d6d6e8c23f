/* dormant okta: the Link header that Okta pages with (RFC 8288), e.g.
 *
 *     Link: <https://acme.okta.com/api/v1/users?limit=200>; rel="self"
 *     Link: <https://acme.okta.com/api/v1/users?after=00u1&limit=200>;
 * rel="next"
 *
 * which the HTTP layer hands over as one value, the lines joined with
 * ", ". A comma inside <...> belongs to the URL.
 */
#ifndef OKTA_LINK_H
#define OKTA_LINK_H

#include <dormant/status.h>

/* The target of the link whose rel list holds `rel` (case-insensitive,
 * quoted or not), as a new string in *out, or NULL when there is none.
 * A header that is not a Link list is DORMANT_ERR_PARSE. */
enum dormant_status okta_link_find(const char *header, const char *rel,
                                   char **out, struct dormant_error *err);

#endif /* OKTA_LINK_H */
