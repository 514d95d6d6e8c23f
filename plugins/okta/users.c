/* dormant okta: one Okta User object. See users.h. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>

#include <dormant/json.h>
#include <dormant/timeutil.h>

#include "users.h"

static const struct {
	const char *name;
	enum okta_status status;
} statuses[] = {
        {"STAGED", OKTA_STAGED},
        {"PROVISIONED", OKTA_PROVISIONED},
        {"ACTIVE", OKTA_ACTIVE},
        {"RECOVERY", OKTA_RECOVERY},
        {"PASSWORD_EXPIRED", OKTA_PASSWORD_EXPIRED},
        {"LOCKED_OUT", OKTA_LOCKED_OUT},
        {"SUSPENDED", OKTA_SUSPENDED},
        {"DEPROVISIONED", OKTA_DEPROVISIONED},
};

bool
okta_status_can_sign_in(enum okta_status s)
{
	return s == OKTA_ACTIVE || s == OKTA_PASSWORD_EXPIRED ||
	       s == OKTA_LOCKED_OUT || s == OKTA_RECOVERY;
}

/* An object member that must be an object when present; NULL when absent
 * or null. */
static enum dormant_status
object_member(const cJSON *obj, const char *key, const char *what,
              const cJSON **out, struct dormant_error *err)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = NULL;
	if (!m || cJSON_IsNull(m))
		return DORMANT_OK;
	if (!cJSON_IsObject(m))
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: \"%s\" is not an object", what,
		                         key);
	*out = m;
	return DORMANT_OK;
}

/* dormant_json_* with the user's name in front of the message. */
#define READ(call)                                                             \
	do {                                                                   \
		st = (call);                                                   \
		if (st != DORMANT_OK) {                                        \
			dormant_error_prefix(err, "%s", what);                 \
			return st;                                             \
		}                                                              \
	} while (0)

enum dormant_status
okta_user_read(const cJSON *obj, const char *what, struct okta_user *u,
               struct dormant_error *err)
{
	const cJSON *profile, *credentials, *provider, *links, *self;
	enum dormant_status st;
	size_t i;

	memset(u, 0, sizeof(*u));
	if (!cJSON_IsObject(obj))
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: not a User object", what);
	READ(dormant_json_string(obj, "id", &u->id, err));
	if (!u->id || !*u->id)
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: User without an id", what);
	READ(dormant_json_string(obj, "status", &u->status_text, err));
	if (!u->status_text)
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: user %s without a status", what,
		                         u->id);
	for (i = 0; i < sizeof(statuses) / sizeof(*statuses); i++)
		if (strcmp(u->status_text, statuses[i].name) == 0)
			break;
	/* A state added after this was written may or may not let its
	 * users sign in: not judged rather than guessed. */
	if (i == sizeof(statuses) / sizeof(*statuses))
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: user %s has status \"%.40s\", "
		                         "which is not one Okta documents",
		                         what, u->id, u->status_text);
	u->status = statuses[i].status;
	READ(dormant_json_time(obj, "created", &u->created, err));
	if (u->created == DORMANT_TIME_NONE)
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: user %s without created", what,
		                         u->id);
	READ(dormant_json_time(obj, "activated", &u->activated, err));
	READ(dormant_json_time(obj, "lastLogin", &u->last_login, err));
	READ(dormant_json_time(obj, "passwordChanged", &u->password_changed,
	                       err));

	READ(object_member(obj, "profile", what, &profile, err));
	if (!profile)
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: user %s without a profile", what,
		                         u->id);
	READ(dormant_json_string(profile, "login", &u->login, err));
	if (!u->login || !*u->login)
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: user %s without profile.login",
		                         what, u->id);
	READ(dormant_json_string(profile, "email", &u->email, err));
	READ(dormant_json_string(profile, "displayName", &u->display_name,
	                         err));
	READ(dormant_json_string(profile, "firstName", &u->first_name, err));
	READ(dormant_json_string(profile, "lastName", &u->last_name, err));

	READ(object_member(obj, "credentials", what, &credentials, err));
	if (credentials) {
		READ(object_member(credentials, "provider", what, &provider,
		                   err));
		if (provider)
			READ(dormant_json_string(provider, "type", &u->provider,
			                         err));
	}
	READ(object_member(obj, "_links", what, &links, err));
	if (links) {
		READ(object_member(links, "self", what, &self, err));
		if (self)
			READ(dormant_json_string(self, "href", &u->self_href,
			                         err));
	}
	return DORMANT_OK;
}

enum dormant_status
okta_user_deliver(const struct okta_user *u, const char *scope, bool admin,
                  struct dormant_sink *sink)
{
	char name[512], changed[DORMANT_TIME_BUFSZ] = "null";
	const char *display = u->display_name;
	struct dormant_extra extras[3];
	struct dormant_user du;
	size_t n = 0;

	/* The Admin Console shows "firstName lastName" when the profile has
	 * no displayName. */
	if ((!display || !*display) && (u->first_name || u->last_name)) {
		snprintf(name, sizeof(name), "%s%s%s",
		         u->first_name ? u->first_name : "",
		         u->first_name && u->last_name ? " " : "",
		         u->last_name ? u->last_name : "");
		display = name;
	}
	if (u->password_changed != DORMANT_TIME_NONE)
		dormant_time_format(u->password_changed, changed);
	extras[n++] = (struct dormant_extra){"status", u->status_text};
	extras[n++] = (struct dormant_extra){
	        "credential_provider", u->provider ? u->provider : "null"};
	extras[n++] = (struct dormant_extra){"password_changed", changed};
	du = (struct dormant_user){
	        .scope = scope,
	        .id = u->id,
	        .name = u->login,
	        .email = u->email,
	        .display_name = display && *display ? display : NULL,
	        .created = u->created,
	        .last_login = u->last_login,
	        /* Access starts when the account is activated (a STAGED one
	         * has no password yet). */
	        .access_granted = u->activated,
	        .interactive_access = okta_status_can_sign_in(u->status),
	        .account_enabled = u->status != OKTA_SUSPENDED &&
	                           u->status != OKTA_DEPROVISIONED,
	        .admin = admin,
	        .extras = extras,
	        .n_extras = n,
	};
	return sink->user(sink, &du);
}
