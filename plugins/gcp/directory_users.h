/* dormant gcp: the Admin SDK Directory API users.list answer, one page at
 * a time.
 *
 * The same parser serves the offline users_file and the live API: the live
 * path fetches a page, hands its bytes here, and asks for the next page
 * with the token this returns. One struct gcp_users_listing carries what a
 * listing learns across its pages (how many users so far, which customer),
 * so that errors name the user's index in the whole listing and a page
 * from another customer is refused.
 *
 * Format (Directory API reference, "users.list" and "Resource: User"):
 *   {"kind": "admin#directory#users", "etag": "...",
 *    "users": [{"kind": "admin#directory#user", "id": "1034...",
 *               "primaryEmail": "...", "name": {"fullName": "..."},
 *               "isAdmin": false, "isDelegatedAdmin": false,
 *               "lastLoginTime": "2026-01-02T03:04:05.000Z",
 *               "creationTime": "...", "suspended": false,
 *               "archived": false, "customerId": "C03az79cb", ...}],
 *    "nextPageToken": "..."}
 * "users" is absent from a page with no users; "nextPageToken" is absent
 * on the last page; lastLoginTime "1970-01-01T00:00:00.000Z" means the
 * user never signed in.
 */
#ifndef DORMANT_GCP_DIRECTORY_USERS_H
#define DORMANT_GCP_DIRECTORY_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include <dormant/plugin.h>
#include <dormant/status.h>

/* Longest strings accepted from an answer. The Directory API's own limits
 * are lower (email local parts 64 characters, name parts 60); these only
 * keep a hostile answer from making a report of megabyte-long cells. */
#define GCP_ID_MAX          64  /* numeric user id: about 21 digits */
#define GCP_EMAIL_MAX       320 /* 64 local + @ + 255 domain */
#define GCP_NAME_MAX        1024
#define GCP_ORG_UNIT_MAX    4096
#define GCP_CUSTOMER_ID_MAX 64
#define GCP_PAGE_TOKEN_MAX  4096

/* State of one listing (one scope) across its pages. Set `what` and
 * `scope` and zero the rest (designated initializer); release with
 * gcp_users_listing_free. Not shared between threads. */
struct gcp_users_listing {
	/* Names the current page in errors ("users.json", "users.json[2]",
	 * "users.list page 3"). The caller may change it between pages. */
	const char *what;
	/* The scope every user is reported under: [gcp] domain when set.
	 * NULL: each user's customerId (what the API answers for
	 * customer=my_customer). */
	const char *scope;

	/* Running state. */
	size_t users;         /* users delivered or validated so far */
	size_t pages;         /* pages parsed so far */
	char *customer_id;    /* the first customerId seen; owned */
	bool scope_announced; /* sink->set_scope was called */
	bool admins_unknown;  /* sink->admins_unknown was called */
};

void gcp_users_listing_free(struct gcp_users_listing *ls);

/* Parses one users.list page of len bytes (no NUL needed). Every user is
 * checked before any is delivered, so a page either reaches the sink
 * whole or not at all. Then, when sink is not NULL: sink->set_scope once
 * per listing, sink->user for each user in order, sink->page once. With
 * sink NULL the page is only checked (and ls still advances).
 *
 * *next_page_token (when next_page_token is not NULL) receives a malloc'd
 * copy of the page's nextPageToken, or NULL on the last page; the caller
 * frees it. A non-OK return from sink->user stops the page and is
 * returned as is. */
enum dormant_status gcp_directory_users_page(struct gcp_users_listing *ls,
                                             const char *data, size_t len,
                                             struct dormant_sink *sink,
                                             char **next_page_token,
                                             struct dormant_error *err);

/* The same for a page already parsed (an element of a JSON array of pages
 * in an offline file). */
enum dormant_status gcp_directory_users_page_json(struct gcp_users_listing *ls,
                                                  const cJSON *page,
                                                  struct dormant_sink *sink,
                                                  char **next_page_token,
                                                  struct dormant_error *err);

/* What users.get and users.patch answer: one User resource, checked as
 * strictly as a users.list entry (Directory API reference, "Resource:
 * User"). */
struct gcp_user_facts {
	char id[GCP_ID_MAX + 1];
	int64_t created;
	int64_t last_login; /* DORMANT_TIME_NONE: never signed in */
	bool suspended, archived;
};

/* Parses one User resource of len bytes. `what` names it in errors. */
enum dormant_status gcp_directory_user_parse(const char *data, size_t len,
                                             const char *what,
                                             struct gcp_user_facts *out,
                                             struct dormant_error *err);

#endif /* DORMANT_GCP_DIRECTORY_USERS_H */
