/* dormant okta: the live scan of an Okta org through its Management API:
 * the handle, the listing of users and admins, and the actions.
 *
 *   GET  /api/v1/iam/assignees/users?limit=100   who holds an admin role
 *   GET  /api/v1/users?limit=200                 every user, paged by Link
 *   GET  /api/v1/users/{id}                      re-read before acting
 *   POST /api/v1/users/{id}/lifecycle/suspend    disable
 *   POST /api/v1/users/{id}/lifecycle/unsuspend  enable
 */
#ifndef OKTA_LIVE_H
#define OKTA_LIVE_H

#include <stdbool.h>
#include <stdint.h>

#include <dormant/crypto.h>
#include <dormant/plugin.h>

/* Okta's documented page sizes: 200 users a page is the most the users
 * listing gives; the role assignees listing defaults to 100. */
#define OKTA_USERS_PAGE           200
#define OKTA_ADMINS_PAGE          100
#define OKTA_DEFAULT_RATE_PERCENT 50

struct okta_live_config {
	const char *org_url;             /* https://acme.okta.com, checked */
	const char *api_token;           /* SSWS; or NULL */
	const char *client_id;           /* service app; or NULL */
	struct dormant_private_key *key; /* its key; ownership passes */
	const char *key_id;              /* kid; may be NULL */
	long rate_limit_percent;
};

struct okta_live;

enum dormant_status okta_live_open(const struct dormant_host *host,
                                   struct okta_live_config *c,
                                   struct okta_live **out,
                                   struct dormant_error *err);
void okta_live_close(struct okta_live *l);

/* The org's host[:port], the scope of its users. */
const char *okta_live_scope(const struct okta_live *l);

enum dormant_status okta_live_list_users(struct okta_live *l,
                                         struct dormant_sink *sink,
                                         struct dormant_error *err);
enum dormant_status okta_live_last_login(struct okta_live *l, const char *id,
                                         int64_t *last_login,
                                         struct dormant_error *err);
/* suspend (true) or unsuspend (false); idempotent. */
enum dormant_status okta_live_set_suspended(struct okta_live *l, const char *id,
                                            bool suspend,
                                            struct dormant_error *err);
enum dormant_status okta_live_prepare_actions(struct okta_live *l,
                                              struct dormant_error *err);

/* Checks an org URL: https://, a host, an optional port, nothing after
 * but one "/". *scope_out gets host[:port] (freed by the caller), *base
 * the URL without the slash. */
enum dormant_status okta_org_url(const char *url, char **base, char **scope_out,
                                 struct dormant_error *err);

#endif /* OKTA_LIVE_H */
