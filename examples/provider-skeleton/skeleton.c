/* skeleton: a small, complete dormant provider to copy from.
 *
 * Its "cloud" is two local files, so that it runs anywhere:
 *
 *   [skeleton]
 *   users_file = users.json    the directory (see users.json beside this
 *                              file): who exists, their last sign-in
 *   state_file = disabled.txt  who is disabled, one id a line; disable
 *                              adds a line, enable removes it. Unset: the
 *                              provider only reports.
 *   max_file_kib = 16384       the largest users_file accepted
 *
 * Build it against an installed dormant with the Makefile beside it, then
 * `dormant plugins --plugin-dir .` lists it. The interface it implements
 * is <dormant/plugin.h>, explained in dormant-plugin(7).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <dormant/buf.h>
#include <dormant/json.h>
#include <dormant/plugin.h>

/* A state file is a short list of ids; a bigger one is not ours. */
#define STATE_MAX_BYTES (4u << 20)

/* What open learns, shared by every call on the handle. core may list and
 * act from several threads at once (plugin.h, "Threads"): the fields set
 * in open are only read afterwards, and the state file, which disable and
 * enable rewrite, is guarded by `lock`. */
struct skeleton {
	const struct dormant_host *host; /* core's, valid until close */
	const char *users_file; /* host->config's string: lives until close */
	const char *state_file; /* NULL: report only */
	size_t max_bytes;
	pthread_mutex_t lock;
};

/* The keys of the [skeleton] section; core refuses any other. The two
 * file names are path keys: core makes a relative name relative to the
 * config file's directory, so the config works from cron too. */
static const char *const config_keys[] = {"users_file", "state_file",
                                          "max_file_kib", NULL};
static const char *const path_keys[] = {"users_file", "state_file", NULL};

/* Reads and parses users_file. *root is the caller's to cJSON_Delete;
 * its "users" member is checked to be an array. Each call parses its own
 * tree, so concurrent callers share nothing. */
static enum dormant_status
load_users(const struct skeleton *sk, cJSON **root, const cJSON **users,
           struct dormant_error *err)
{
	struct dormant_buf b;
	enum dormant_status st;

	*root = NULL;
	dormant_buf_init(&b, sk->max_bytes);
	st = dormant_buf_read_file(&b, sk->users_file, err);
	if (st != DORMANT_OK)
		goto out;
	st = dormant_json_parse(b.data, b.len, sk->users_file, root, err);
	if (st != DORMANT_OK)
		goto out;
	*users = cJSON_GetObjectItemCaseSensitive(*root, "users");
	if (!cJSON_IsArray(*users)) {
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "%s: \"users\" is not an array",
		                       sk->users_file);
		cJSON_Delete(*root);
		*root = NULL;
	}
out:
	dormant_buf_free(&b);
	return st;
}

/* The entry of users whose "id" is id, or NULL. */
static const cJSON *
find_user(const cJSON *users, const char *id)
{
	const cJSON *u;

	cJSON_ArrayForEach(u, users)
	{
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(u, "id");
		if (cJSON_IsString(v) && strcmp(v->valuestring, id) == 0)
			return u;
	}
	return NULL;
}

/* Reads the state file into b (NUL-terminated lines). A state file that
 * does not exist yet holds nobody. Called with sk->lock held. */
static enum dormant_status
read_state(const struct skeleton *sk, struct dormant_buf *b,
           struct dormant_error *err)
{
	struct stat sb;

	dormant_buf_init(b, STATE_MAX_BYTES);
	if (!sk->state_file)
		return DORMANT_OK;
	if (stat(sk->state_file, &sb) != 0 && errno == ENOENT)
		return dormant_buf_append(b, "", 0);
	return dormant_buf_read_file(b, sk->state_file, err);
}

/* Is id a whole line of the state text? */
static bool
state_has(const char *text, const char *id)
{
	size_t n = strlen(id);

	for (const char *p = text; p && *p;) {
		size_t len = strcspn(p, "\n");
		if (len == n && strncmp(p, id, n) == 0)
			return true;
		p += len;
		if (*p == '\n')
			p++;
	}
	return false;
}

static enum dormant_status
skeleton_open(const struct dormant_host *host, void **handle,
              struct dormant_error *err)
{
	struct skeleton *sk;
	long kib = 16384;
	enum dormant_status st;

	*handle = NULL;
	/* config_long arrived in ABI 1.1: a 1.0 core's table ends before it,
	 * and reading past struct_size would read garbage. On such a core
	 * the default stands, and a value set anyway is refused rather than
	 * ignored. */
	if (DORMANT_HOST_HAS(host, config_long)) {
		st = host->config_long(host, "max_file_kib", 1, 1048576, kib,
		                       &kib, err);
		if (st != DORMANT_OK)
			return st;
	} else if (host->config(host, "max_file_kib")) {
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "max_file_kib needs dormant with "
		                         "plugin ABI 1.1");
	}

	sk = calloc(1, sizeof(*sk));
	if (!sk)
		return DORMANT_ERR_NOMEM;
	sk->host = host;
	sk->users_file = host->config(host, "users_file");
	sk->state_file = host->config(host, "state_file");
	sk->max_bytes = (size_t)kib * 1024;
	if (!sk->users_file) {
		/* A configuration error: core exits 2 and names the provider
		 * itself, so the message does not. */
		free(sk);
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "users_file is not set");
	}
	if (pthread_mutex_init(&sk->lock, NULL) != 0) {
		free(sk);
		return DORMANT_ERR_NOMEM;
	}
	*handle = sk; /* ours; core hands it back to close */
	return DORMANT_OK;
}

static void
skeleton_close(void *handle)
{
	struct skeleton *sk = handle;

	if (!sk)
		return;
	pthread_mutex_destroy(&sk->lock);
	free(sk); /* the config strings are core's: not freed here */
}

/* One file is one directory: one scope. A provider that scans several
 * accounts returns their number, and core runs one thread for each. */
static size_t
skeleton_scope_count(void *handle)
{
	(void)handle;
	return 1;
}

/* One user entry of users_file to the sink. Every string points into the
 * cJSON tree, which outlives the call: core copies what it keeps. */
static enum dormant_status
emit_user(const struct skeleton *sk, const char *scope, const cJSON *u,
          const char *state, struct dormant_sink *sink,
          struct dormant_error *err)
{
	struct dormant_user user = {.scope = scope};
	struct dormant_extra extra[1];
	bool mfa = false;
	enum dormant_status st;

	if ((st = dormant_json_string(u, "id", &user.id, err)) ||
	    (st = dormant_json_string(u, "name", &user.name, err)) ||
	    (st = dormant_json_string(u, "email", &user.email, err)) ||
	    (st = dormant_json_string(u, "display_name", &user.display_name,
	                              err)) ||
	    (st = dormant_json_time(u, "created", &user.created, err)) ||
	    (st = dormant_json_time(u, "last_login", &user.last_login, err)) ||
	    (st = dormant_json_bool(u, "can_sign_in", true,
	                            &user.interactive_access, err)) ||
	    (st = dormant_json_bool(u, "admin", false, &user.admin, err)) ||
	    (st = dormant_json_bool(u, "mfa", false, &mfa, err))) {
		/* The getter named the key; say which file. */
		dormant_error_prefix(err, "%s", sk->users_file);
		return st;
	}
	if (!user.id || !user.name)
		return dormant_error_set(
		        err, DORMANT_ERR_PARSE,
		        "%s: a user without \"id\" or \"name\"",
		        sk->users_file);
	/* This directory does not record when sign-in was granted. */
	user.access_granted = DORMANT_TIME_NONE;
	user.account_enabled = !state_has(state, user.id);
	/* Facts for the report's details; "true"/"false" stay JSON
	 * literals there. */
	extra[0].key = "mfa";
	extra[0].value = mfa ? "true" : "false";
	user.extras = extra;
	user.n_extras = 1;
	/* Non-OK (out of memory, run cancelled): stop and return it. */
	return sink->user(sink, &user);
}

/* Streams every user. Any error means the listing is incomplete, and
 * core then disables nobody of this provider: never skip a bad entry and
 * carry on. */
static enum dormant_status
skeleton_list_users(void *handle, size_t scope, struct dormant_sink *sink,
                    struct dormant_error *err)
{
	struct skeleton *sk = handle;
	struct dormant_buf state;
	cJSON *root = NULL;
	const cJSON *users, *u, *dir;
	const char *name = "local";
	size_t n = 0;
	enum dormant_status st;

	(void)scope;
	pthread_mutex_lock(&sk->lock);
	st = read_state(sk, &state, err);
	pthread_mutex_unlock(&sk->lock);
	if (st != DORMANT_OK)
		goto out;
	st = load_users(sk, &root, &users, err);
	if (st != DORMANT_OK)
		goto out;
	/* The scope's real name, as soon as it is known. */
	dir = cJSON_GetObjectItemCaseSensitive(root, "directory");
	if (cJSON_IsString(dir) && *dir->valuestring)
		name = dir->valuestring;
	sink->set_scope(sink, name);
	cJSON_ArrayForEach(u, users)
	{
		if (sk->host->cancelled(sk->host)) {
			st = DORMANT_ERR_CANCELLED;
			goto out;
		}
		st = emit_user(sk, name, u, state.data ? state.data : "", sink,
		               err);
		if (st != DORMANT_OK)
			goto out;
		n++;
	}
	sink->page(sink); /* the whole file is one page */
	sk->host->log(sk->host, DORMANT_LOG_INFO, "%zu users in %s", n,
	              sk->users_file);
out:
	cJSON_Delete(root);
	dormant_buf_free(&state);
	return st;
}

/* Core re-reads a user right before disabling it: a sign-in since the
 * scan saves the account. Read the source again, never a cache. */
static enum dormant_status
skeleton_last_login(void *handle, const char *scope, const char *id,
                    const char *name, int64_t *last_login,
                    struct dormant_error *err)
{
	struct skeleton *sk = handle;
	cJSON *root;
	const cJSON *users, *u;
	enum dormant_status st;

	(void)scope;
	st = load_users(sk, &root, &users, err);
	if (st != DORMANT_OK)
		return st;
	u = find_user(users, id);
	if (!u)
		st = dormant_error_set(err, DORMANT_ERR_NOT_FOUND,
		                       "%s: no longer in %s", name,
		                       sk->users_file);
	else
		st = dormant_json_time(u, "last_login", last_login, err);
	cJSON_Delete(root);
	return st;
}

/* Rewrites the state file with id added (disable) or removed (enable),
 * through a temporary file and rename, so that a crash leaves the old
 * list or the new one, never half of one. Both are idempotent, as
 * plugin.h asks: adding a present id or removing an absent one changes
 * nothing and succeeds. */
static enum dormant_status
update_state(struct skeleton *sk, const char *id, bool disabled,
             struct dormant_error *err)
{
	struct dormant_buf state, out;
	char tmp[4096];
	FILE *fp = NULL;
	enum dormant_status st;
	int n;

	if (!sk->state_file)
		return dormant_error_set(err, DORMANT_ERR_UNSUPPORTED,
		                         "state_file is not set");
	n = snprintf(tmp, sizeof(tmp), "%s.tmp", sk->state_file);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "state_file: name too long");
	dormant_buf_init(&out, STATE_MAX_BYTES);
	pthread_mutex_lock(&sk->lock);
	st = read_state(sk, &state, err);
	if (st != DORMANT_OK || state_has(state.data, id) == disabled)
		goto out;
	for (const char *p = state.data ? state.data : ""; *p;) {
		size_t len = strcspn(p, "\n");
		if (len && !(len == strlen(id) && strncmp(p, id, len) == 0) &&
		    ((st = dormant_buf_append(&out, p, len)) ||
		     (st = dormant_buf_append(&out, "\n", 1))))
			goto out;
		p += len;
		if (*p == '\n')
			p++;
	}
	if (disabled && (st = dormant_buf_appendf(&out, "%s\n", id)))
		goto out;
	fp = fopen(tmp, "w");
	if (!fp || (out.len && fwrite(out.data, 1, out.len, fp) != out.len) ||
	    fclose(fp) != 0) {
		st = dormant_error_set(err, DORMANT_ERR_IO, "%s: %s", tmp,
		                       strerror(errno));
		if (fp)
			remove(tmp);
		goto out;
	}
	if (rename(tmp, sk->state_file) != 0) {
		st = dormant_error_set(err, DORMANT_ERR_IO, "%s: %s",
		                       sk->state_file, strerror(errno));
		remove(tmp);
	}
out:
	pthread_mutex_unlock(&sk->lock);
	dormant_buf_free(&state);
	dormant_buf_free(&out);
	return st;
}

/* Acting on a user the directory does not hold is an error, as a cloud
 * answers 404. */
static enum dormant_status
act(void *handle, const char *id, const char *name, bool disabled,
    struct dormant_error *err)
{
	struct skeleton *sk = handle;
	cJSON *root;
	const cJSON *users;
	enum dormant_status st;

	st = load_users(sk, &root, &users, err);
	if (st != DORMANT_OK)
		return st;
	if (!find_user(users, id))
		st = dormant_error_set(err, DORMANT_ERR_NOT_FOUND,
		                       "%s: not in %s", name, sk->users_file);
	cJSON_Delete(root);
	if (st == DORMANT_OK)
		st = update_state(sk, id, disabled, err);
	if (st == DORMANT_OK)
		sk->host->log(sk->host, DORMANT_LOG_INFO, "%s %s", name,
		              disabled ? "disabled" : "enabled");
	return st;
}

static enum dormant_status
skeleton_disable(void *handle, const char *scope, const char *id,
                 const char *name, struct dormant_error *err)
{
	(void)scope;
	return act(handle, id, name, true, err);
}

static enum dormant_status
skeleton_enable(void *handle, const char *scope, const char *id,
                const char *name, struct dormant_error *err)
{
	(void)scope;
	return act(handle, id, name, false, err);
}

/* Before core's first action: what acting needs and the scan did not
 * (here, a state file) is checked now, so that a run that cannot act
 * changes nothing at all instead of failing halfway. */
static enum dormant_status
skeleton_prepare_actions(void *handle, struct dormant_error *err)
{
	struct skeleton *sk = handle;

	if (!sk->state_file)
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "state_file is not set: this provider "
		                         "can only report");
	return DORMANT_OK;
}

/* The one exported symbol, skeleton_LTX_dormant_provider: core finds it
 * by the module's file name (skeleton.so), which must equal .name. The
 * descriptor is const and static: core reads it, never writes it.
 * Designated initializers leave every member not named NULL or 0, and
 * struct_size tells core which members this module knows. */
const struct dormant_provider DORMANT_PROVIDER_EXPORT(skeleton) = {
        .abi_version = DORMANT_PLUGIN_ABI_VERSION,
        .struct_size = sizeof(struct dormant_provider),
        .name = "skeleton",
        .version = "1.0",
        .description = "users and sign-ins from a JSON file (example)",
        .config_keys = config_keys,
        .path_keys = path_keys,
        .open = skeleton_open,
        .scope_count = skeleton_scope_count,
        .list_users = skeleton_list_users,
        .last_login = skeleton_last_login,
        .disable = skeleton_disable,
        .enable = skeleton_enable,
        .close = skeleton_close,
        /* Since ABI 1.1. */
        .action_concurrency = 2,
        .prepare_actions = skeleton_prepare_actions,
};
