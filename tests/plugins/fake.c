/* dormant: a provider for testing core, driven entirely by its config.
 *
 *   [fake]
 *   users_file = FILE    one user a line, '|'-separated:
 *                        scope|id|name|email|created|last_login|granted|
 *                        interactive|enabled|admin
 *                        (times RFC 3339 or "-" for none; flags 0/1)
 *   scopes = a,b,c       the scopes, in order (default: "default")
 *   delay_ms = a:300,b:0 how long each scope's listing takes
 *   fail_scope = b       this scope's listing fails after its users
 *   open_error = text    open fails with this message
 *   rename_scope = a:111111111111   set_scope, as AWS does
 *   state_dir = DIR      actions: disable creates DIR/disabled.ID, enable
 *                        removes it, listing shows such users disabled;
 *                        last_login reads DIR/login.ID (a time) if present
 *   disable_fail = ID    disable of this user fails
 *   disable_lost = ID    disable of this user is done, but its answer is
 *                        lost on the way back (a network error)
 *   last_login_fail = ID re-reading this user fails
 *   action_delay_ms = N  each disable takes this long
 *   action_settle_ms = N each disable is done at once, but answers this
 *                        long after (a kill then leaves it done, with no
 *                        "after" record)
 *   admins_unknown = a,b these scopes cannot tell their admins
 *   reread_delay_ms = N  each re-read takes this long, one at a time (as
 *                        a paced cloud answers); DIR/times.log then gets
 *                        "reread ID MS" and "disable ID MS" lines
 *                        (CLOCK_MONOTONIC milliseconds)
 *
 * Built a second time as "fakenoenable" (FAKE_NO_ENABLE), a provider
 * whose cloud cannot undo a disable, like AWS, and a third time as
 * "fakebulk" (FAKE_BULK), which takes disable_many/enable_many like Graph's
 * $batch and logs each call to DIR/bulk.log.
 *
 * It exercises the interface exactly as a real provider does: users are
 * streamed from a scan thread, strings live only during the call.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dormant/buf.h>
#include <dormant/plugin.h>

struct fake {
	const struct dormant_host *host;
	char *users; /* the whole file */
	char *scopes[16];
	size_t n_scopes;
};

#ifndef FAKE_NAME
#define FAKE_NAME fake
#endif
#define STR_(x)       #x
#define STR(x)        STR_(x)
#define EXPORT_(name) DORMANT_PROVIDER_EXPORT(name)
#define EXPORT(name)  EXPORT_(name)

static const char *const keys[] = {
        "users_file",   "scopes",          "delay_ms",         "fail_scope",
        "open_error",   "rename_scope",    "secret",           "state_dir",
        "disable_fail", "last_login_fail", "action_delay_ms",  "admins_unknown",
        "disable_lost", "reread_delay_ms", "action_settle_ms", NULL};
static const char *const secrets[] = {"secret", NULL};
static const char *const env[] = {"DORMANT_FAKE_ENABLE", NULL};
static const char *const paths[] = {"users_file", "state_dir", NULL};

/* DIR/KIND.ID under state_dir; false when state_dir is not set. */
static bool
state_path(const struct dormant_host *h, const char *kind, const char *id,
           char *buf, size_t len)
{
	const char *dir = h->config(h, "state_dir");

	if (!dir)
		return false;
	snprintf(buf, len, "%s/%s.%s", dir, kind, id);
	return true;
}

static bool
state_exists(const struct dormant_host *h, const char *kind, const char *id)
{
	char path[4096];
	FILE *fp;

	if (!state_path(h, kind, id, path, sizeof(path)))
		return false;
	fp = fopen(path, "r");
	if (fp)
		fclose(fp);
	return fp != NULL;
}

static void
fake_close(void *handle)
{
	struct fake *f = handle;

	if (!f)
		return;
	free(f->users);
	for (size_t i = 0; i < f->n_scopes; i++)
		free(f->scopes[i]);
	free(f);
}

static enum dormant_status
fake_open(const struct dormant_host *host, void **handle,
          struct dormant_error *err)
{
	const char *path = host->config(host, "users_file");
	const char *scopes = host->config(host, "scopes");
	const char *oe = host->config(host, "open_error");
	struct dormant_buf b;
	struct fake *f;
	enum dormant_status st;

	*handle = NULL;
	if (oe)
		return dormant_error_set(err, DORMANT_ERR_AUTH, "%s", oe);
	f = calloc(1, sizeof(*f));
	if (!f)
		return DORMANT_ERR_NOMEM;
	f->host = host;
	dormant_buf_init(&b, 1u << 26);
	if (path) {
		st = dormant_buf_read_file(&b, path, err);
		if (st != DORMANT_OK) {
			dormant_buf_free(&b);
			fake_close(f);
			return st;
		}
	}
	f->users = dormant_buf_steal(&b);
	if (!scopes)
		scopes = "default";
	for (const char *p = scopes; *p && f->n_scopes < 16;) {
		size_t n = strcspn(p, ",");
		f->scopes[f->n_scopes++] = strndup(p, n);
		p += n;
		if (*p == ',')
			p++;
	}
	*handle = f;
	return DORMANT_OK;
}

static size_t
fake_scope_count(void *handle)
{
	return ((struct fake *)handle)->n_scopes;
}

static const char *
fake_scope_label(void *handle, size_t scope)
{
	return ((struct fake *)handle)->scopes[scope];
}

/* "a:300,b:0" -> the value for `scope`, or NULL. */
static const char *
lookup(const char *list, const char *scope, char *buf, size_t len)
{
	size_t sl = strlen(scope);

	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, ",");
		if (n > sl && strncmp(p, scope, sl) == 0 && p[sl] == ':') {
			snprintf(buf, len, "%.*s", (int)(n - sl - 1),
			         p + sl + 1);
			return buf;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return NULL;
}

static int64_t
fake_time(const char *s)
{
	int64_t t;

	if (strcmp(s, "-") == 0 || !dormant_time_parse_iso8601(s, &t))
		return DORMANT_TIME_NONE;
	return t;
}

/* Is label one of the comma list's items? */
static bool
in_list(const char *list, const char *label)
{
	size_t len = strlen(label);

	while (list && *list) {
		size_t n = strcspn(list, ",");
		if (n == len && strncmp(list, label, n) == 0)
			return true;
		list += n + (list[n] == ',');
	}
	return false;
}

static enum dormant_status
fake_list(void *handle, size_t scope, struct dormant_sink *sink,
          struct dormant_error *err)
{
	struct fake *f = handle;
	const struct dormant_host *h = f->host;
	const char *label = f->scopes[scope];
	char buf[256], *copy, *line, *next;
	const char *v;
	enum dormant_status st = DORMANT_OK;

	v = lookup(h->config(h, "delay_ms"), label, buf, sizeof(buf));
	if (v) {
		long ms = strtol(v, NULL, 10);
		struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
		nanosleep(&ts, NULL);
	}
	v = lookup(h->config(h, "rename_scope"), label, buf, sizeof(buf));
	if (v)
		sink->set_scope(sink, v);
	if (in_list(h->config(h, "admins_unknown"), label))
		sink->admins_unknown(sink, "no permission to read roles");
	copy = strdup(f->users);
	if (!copy)
		return DORMANT_ERR_NOMEM;
	for (line = copy; line && *line; line = next) {
		char *field[10];
		size_t n = 0;
		struct dormant_extra extra = {"fake_line", "true"};
		struct dormant_user u;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (*line == '#' || !*line)
			continue;
		for (char *p = line; p && n < 10; n++) {
			field[n] = p;
			p = strchr(p, '|');
			if (p)
				*p++ = '\0';
		}
		if (n != 10) {
			st = dormant_error_set(err, DORMANT_ERR_PARSE,
			                       "users_file: bad line");
			goto out;
		}
		if (strcmp(field[0], label) != 0)
			continue;
		u = (struct dormant_user){
		        .scope = NULL,
		        .id = field[1],
		        .name = field[2],
		        .email = strcmp(field[3], "-") ? field[3] : NULL,
		        .display_name = NULL,
		        .created = fake_time(field[4]),
		        .last_login = fake_time(field[5]),
		        .access_granted = fake_time(field[6]),
		        .interactive_access = field[7][0] == '1',
		        .account_enabled =
		                field[8][0] == '1' &&
		                !state_exists(h, "disabled", field[1]),
		        .admin = field[9][0] == '1',
		        .extras = &extra,
		        .n_extras = 1,
		};
		st = sink->user(sink, &u);
		if (st != DORMANT_OK)
			goto out;
	}
	sink->page(sink);
	v = h->config(h, "fail_scope");
	if (v && strcmp(v, label) == 0)
		st = dormant_error_set(
		        err, DORMANT_ERR_HTTP,
		        "page 2 of %s: HTTP 500 after 5 attempts", label);
out:
	free(copy);
	return st;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* Appends "WHAT ID MS" to DIR/times.log when reread_delay_ms is set. */
static void
log_time(const struct dormant_host *h, const char *what, const char *id)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct timespec ts;
	char path[4096];
	FILE *fp;

	if (!h->config(h, "reread_delay_ms") ||
	    !state_path(h, "times", "log", path, sizeof(path)))
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	pthread_mutex_lock(&lock);
	fp = fopen(path, "a");
	if (fp) {
		fprintf(fp, "%s %s %lld\n", what, id,
		        (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
		fclose(fp);
	}
	pthread_mutex_unlock(&lock);
}

static enum dormant_status
fake_last_login(void *handle, const char *scope, const char *id,
                const char *name, int64_t *last_login,
                struct dormant_error *err)
{
	struct fake *f = handle;
	const struct dormant_host *h = f->host;
	const char *fail = h->config(h, "last_login_fail");
	char path[4096], text[64] = "", *copy, *line, *next;
	FILE *fp;

	(void)scope;
	(void)name;
	*last_login = DORMANT_TIME_NONE;
	if (h->config(h, "reread_delay_ms")) {
		static pthread_mutex_t one_at_a_time =
		        PTHREAD_MUTEX_INITIALIZER;

		pthread_mutex_lock(&one_at_a_time);
		sleep_ms(strtol(h->config(h, "reread_delay_ms"), NULL, 10));
		log_time(h, "reread", id);
		pthread_mutex_unlock(&one_at_a_time);
	}
	if (fail && strcmp(fail, id) == 0)
		return dormant_error_set(
		        err, DORMANT_ERR_HTTP,
		        "GET user %s: HTTP 503 after 5 attempts", id);
	if (state_path(h, "login", id, path, sizeof(path)) &&
	    (fp = fopen(path, "r")) != NULL) {
		if (fgets(text, sizeof(text), fp))
			text[strcspn(text, "\n")] = '\0';
		fclose(fp);
		*last_login = fake_time(text);
		return DORMANT_OK;
	}
	/* Unchanged since the scan: the users file's value. */
	copy = strdup(f->users);
	if (!copy)
		return DORMANT_ERR_NOMEM;
	for (line = copy; line && *line; line = next) {
		char *field[10];
		size_t n = 0;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		for (char *p = line; p && n < 10; n++) {
			field[n] = p;
			p = strchr(p, '|');
			if (p)
				*p++ = '\0';
		}
		if (n == 10 && strcmp(field[1], id) == 0)
			*last_login = fake_time(field[5]);
	}
	free(copy);
	return DORMANT_OK;
}

static enum dormant_status
fake_disable(void *handle, const char *scope, const char *id, const char *name,
             struct dormant_error *err)
{
	struct fake *f = handle;
	const struct dormant_host *h = f->host;
	const char *fail = h->config(h, "disable_fail");
	const char *delay = h->config(h, "action_delay_ms");
	char path[4096];
	FILE *fp;

	(void)scope;
	(void)name;
	if (delay)
		sleep_ms(strtol(delay, NULL, 10));
	log_time(h, "disable", id);
	if (fail && strcmp(fail, id) == 0)
		return dormant_error_set(err, DORMANT_ERR_PERMISSION,
		                         "PATCH user %s: HTTP 403 Forbidden",
		                         id);
	if (!state_path(h, "disabled", id, path, sizeof(path)))
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "state_dir not set");
	fp = fopen(path, "w");
	if (!fp)
		return dormant_error_set(err, DORMANT_ERR_IO, "%s", path);
	fclose(fp);
	if (h->config(h, "action_settle_ms"))
		sleep_ms(strtol(h->config(h, "action_settle_ms"), NULL, 10));
	if (h->config(h, "disable_lost") &&
	    strcmp(h->config(h, "disable_lost"), id) == 0)
		return dormant_error_set(
		        err, DORMANT_ERR_NETWORK,
		        "PATCH user %s: connection reset after "
		        "5 attempts",
		        id);
	return DORMANT_OK;
}

#ifndef FAKE_NO_ENABLE
static enum dormant_status
fake_enable(void *handle, const char *scope, const char *id, const char *name,
            struct dormant_error *err)
{
	struct fake *f = handle;
	char path[4096];

	(void)scope;
	(void)name;
	if (!state_path(f->host, "disabled", id, path, sizeof(path)))
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "state_dir not set");
	remove(path);
	return DORMANT_OK;
}
#endif

#ifdef FAKE_BULK
typedef enum dormant_status (*one_fn)(void *, const char *, const char *,
                                      const char *, struct dormant_error *);

static enum dormant_status
bulk(void *handle, const char *what, one_fn one, const char *scope,
     struct dormant_action_item *items, size_t n)
{
	struct fake *f = handle;
	char path[4096];
	FILE *fp;

	if (state_path(f->host, "bulk", "log", path, sizeof(path)) &&
	    (fp = fopen(path, "a")) != NULL) {
		fprintf(fp, "%s %s %zu\n", what, scope, n);
		fclose(fp);
	}
	for (size_t i = 0; i < n; i++)
		items[i].status = one(handle, scope, items[i].id, items[i].name,
		                      &items[i].error);
	return DORMANT_OK;
}

static enum dormant_status
fake_disable_many(void *handle, const char *scope,
                  struct dormant_action_item *items, size_t n)
{
	return bulk(handle, "disable_many", fake_disable, scope, items, n);
}

static enum dormant_status
fake_enable_many(void *handle, const char *scope,
                 struct dormant_action_item *items, size_t n)
{
	return bulk(handle, "enable_many", fake_enable, scope, items, n);
}
#endif

const struct dormant_provider EXPORT(FAKE_NAME) = {
        .abi_version = DORMANT_PLUGIN_ABI_VERSION,
        .struct_size = sizeof(struct dormant_provider),
        .name = STR(FAKE_NAME),
        .version = "0.1",
        .description = "test provider driven by its config",
        .config_keys = keys,
        .secret_keys = secrets,
        .enabling_env = env,
        .path_keys = paths,
        .open = fake_open,
        .scope_count = fake_scope_count,
        .scope_label = fake_scope_label,
        .list_users = fake_list,
        .last_login = fake_last_login,
        .disable = fake_disable,
#ifndef FAKE_NO_ENABLE
        .enable = fake_enable,
#endif
        .action_concurrency = 3,
#ifdef FAKE_BULK
        .disable_many = fake_disable_many,
        .enable_many = fake_enable_many,
#endif
        .close = fake_close,
};
