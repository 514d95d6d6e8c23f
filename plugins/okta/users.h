/* dormant okta: one Okta User object, as GET /api/v1/users lists it and
 * GET /api/v1/users/{id} answers it, read into what core judges. The
 * live scan and the offline users_file share this parser.
 */
#ifndef OKTA_USERS_H
#define OKTA_USERS_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include <dormant/plugin.h>
#include <dormant/status.h>

/* The lifecycle states Okta documents (the UserStatus enum). */
enum okta_status {
	OKTA_STAGED,
	OKTA_PROVISIONED,
	OKTA_ACTIVE,
	OKTA_RECOVERY,
	OKTA_PASSWORD_EXPIRED,
	OKTA_LOCKED_OUT,
	OKTA_SUSPENDED,
	OKTA_DEPROVISIONED
};

/* What one User object says. The strings point into the cJSON tree it
 * was read from and live as long as it. */
struct okta_user {
	const char *id;
	const char *login;        /* profile.login */
	const char *email;        /* profile.email; NULL when absent */
	const char *display_name; /* profile.displayName; NULL when absent */
	const char *first_name;   /* profile.firstName */
	const char *last_name;    /* profile.lastName */
	const char *status_text;  /* status as Okta spells it */
	const char *provider;     /* credentials.provider.type, or NULL */
	enum okta_status status;
	int64_t created;
	int64_t activated;        /* DORMANT_TIME_NONE when never activated */
	int64_t last_login;       /* DORMANT_TIME_NONE when never */
	int64_t password_changed; /* DORMANT_TIME_NONE when unknown */
	const char *self_href;    /* _links.self.href, or NULL */
};

/* Reads one User object. `what` names it in errors ("users page 3[17]",
 * "users.json[5]"). A member of the wrong type, a status Okta does not
 * document, or a missing id, login, status or created is an error: a
 * user dormant cannot judge is never guessed at. */
enum dormant_status okta_user_read(const cJSON *obj, const char *what,
                                   struct okta_user *u,
                                   struct dormant_error *err);

/* Can sign in: ACTIVE, PASSWORD_EXPIRED, LOCKED_OUT and RECOVERY users
 * still have credentials that work (the last three once reset or
 * unlocked, which needs no administrator). */
bool okta_status_can_sign_in(enum okta_status s);

/* Hands one user to core's sink, in scope, with `admin` as the admin
 * listing says. */
enum dormant_status okta_user_deliver(const struct okta_user *u,
                                      const char *scope, bool admin,
                                      struct dormant_sink *sink);

#endif /* OKTA_USERS_H */
