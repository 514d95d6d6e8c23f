/* dormant azure: users from a Microsoft Graph /users answer.
 *
 * Parses one page of
 *
 *   GET /v1.0/users?$select=id,userPrincipalName,mail,displayName,
 *       accountEnabled,createdDateTime,userType,signInActivity
 *
 * and streams each user to a dormant_sink. The same function serves the
 * offline file (users_file) and, page by page, the live scan. It reports
 * facts only; core decides who is dormant.
 *
 * What each field becomes (Graph "user resource type" and "signInActivity
 * resource type"):
 *
 *   id                  -> id (required)
 *   userPrincipalName   -> name (required)
 *   mail                -> email;  displayName -> display_name
 *   createdDateTime     -> created; null for accounts created before 2018
 *   accountEnabled      -> account_enabled (required: the $select must
 *                          carry it, a missing value is not "enabled")
 *   signInActivity      -> last_login = lastSuccessfulSignInDateTime when
 *                          present, else the later of lastSignInDateTime
 *                          and lastNonInteractiveSignInDateTime (SPEC 3:
 *                          a failed password spray updates
 *                          lastSignInDateTime, not the successful one; a
 *                          user whose apps still refresh tokens only shows
 *                          non-interactive sign-ins). null, absent, and
 *                          Graph's "0001-01-01T00:00:00Z" mean never.
 *   userType            -> extras "userType" and "guest"
 *
 * access_granted is left unknown (core falls back to created), and
 * interactive_access is true: every enabled Entra user can sign in.
 */
#ifndef DORMANT_AZURE_GRAPH_USERS_H
#define DORMANT_AZURE_GRAPH_USERS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include <dormant/plugin.h>
#include <dormant/status.h>

#include "graph_roles.h"

/* The state of one listing, across its pages. The caller sets the first
 * three members and zeroes the counters. */
struct azure_users_stream {
	const char *what;  /* names the input in errors: file name or URL */
	const char *scope; /* the tenant id every user is reported under */
	const struct azure_admins *admins; /* finished set, or NULL */
	size_t pages;                      /* pages parsed so far */
	size_t users;                      /* users streamed so far */
};

/* Parses one page (len bytes of JSON, no NUL needed), streams its users
 * to sink->user, then calls sink->page. *next_link receives a copy of the
 * page's @odata.nextLink (the caller frees it) or NULL when it is the
 * last page. Any malformed user fails the whole page with an error that
 * names the input, the page, the user's index and the field. A non-OK
 * status from the sink is returned as is. */
enum dormant_status azure_users_parse_page(const char *data, size_t len,
                                           struct azure_users_stream *s,
                                           struct dormant_sink *sink,
                                           char **next_link,
                                           struct dormant_error *err);

/* Same, for a page already parsed (an element of a file of pages). */
enum dormant_status azure_users_page_json(const cJSON *page,
                                          struct azure_users_stream *s,
                                          struct dormant_sink *sink,
                                          char **next_link,
                                          struct dormant_error *err);

/* One user object (len bytes of JSON: GET /v1.0/users/{id}?$select=...),
 * checked as a page's users are and handed to sink->user. */
enum dormant_status azure_users_parse_object(const char *data, size_t len,
                                             struct azure_users_stream *s,
                                             struct dormant_sink *sink,
                                             struct dormant_error *err);

#endif /* DORMANT_AZURE_GRAPH_USERS_H */
