/* dormant: the audit log. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <dormant/buf.h>
#include <dormant/crypto.h>
#include <dormant/json.h>
#include <dormant/timeutil.h>

#include "audit.h"

/* A record is a few hundred bytes; a line longer than this is not ours. */
#define LINE_MAX_BYTES 65536

struct core_audit {
	int fd;
	char *path;
	pthread_mutex_t lock;
};

enum dormant_status
core_audit_open(const char *path, struct core_audit **out,
                struct dormant_error *err)
{
	struct core_audit *a;
	int fd;

	*out = NULL;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return dormant_error_set(
		        err, DORMANT_ERR_IO,
		        "cannot open the audit log %s: %s (set audit_log in "
		        "[scan] to a writable file)",
		        path, strerror(errno));
	a = calloc(1, sizeof(*a));
	if (!a || !(a->path = strdup(path))) {
		free(a);
		close(fd);
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	}
	a->fd = fd;
	pthread_mutex_init(&a->lock, NULL);
	*out = a;
	return DORMANT_OK;
}

void
core_audit_close(struct core_audit *a)
{
	if (!a)
		return;
	close(a->fd);
	pthread_mutex_destroy(&a->lock);
	free(a->path);
	free(a);
}

static void
add_string(cJSON *obj, const char *key, const char *value)
{
	if (value)
		cJSON_AddStringToObject(obj, key, value);
	else
		cJSON_AddNullToObject(obj, key);
}

enum dormant_status
core_audit_write(struct core_audit *a, const struct core_audit_record *r,
                 struct dormant_error *err)
{
	char when[DORMANT_TIME_BUFSZ];
	enum dormant_status st = DORMANT_OK;
	cJSON *obj = cJSON_CreateObject();
	char *text = NULL;
	size_t len, done = 0;

	if (!obj)
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	add_string(obj, "time", dormant_time_format(r->time, when));
	add_string(obj, "run", r->run);
	add_string(obj, "provider", r->provider);
	add_string(obj, "scope", r->scope);
	add_string(obj, "id", r->id);
	add_string(obj, "name", r->name);
	add_string(obj, "action", r->action);
	add_string(obj, "phase", r->phase);
	add_string(obj, "result", r->result);
	add_string(obj, "error", r->error);
	if (r->called && !cJSON_AddTrueToObject(obj, "called")) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	text = cJSON_PrintUnformatted(obj);
	if (!text) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	len = strlen(text);
	text[len++] = '\n'; /* replaces the NUL: written by length */

	pthread_mutex_lock(&a->lock);
	if (flock(a->fd, LOCK_EX) != 0) {
		st = dormant_error_set(err, DORMANT_ERR_IO, "%s: flock: %s",
		                       a->path, strerror(errno));
		goto unlock;
	}
	while (done < len) {
		ssize_t n = write(a->fd, text + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			st = dormant_error_set(
			        err, DORMANT_ERR_IO,
			        "cannot write the audit log %s: %s", a->path,
			        strerror(errno));
			break;
		}
		done += (size_t)n;
	}
	if (st == DORMANT_OK && fsync(a->fd) != 0)
		st = dormant_error_set(err, DORMANT_ERR_IO,
		                       "cannot sync the audit log %s: %s",
		                       a->path, strerror(errno));
	flock(a->fd, LOCK_UN);
unlock:
	pthread_mutex_unlock(&a->lock);
out:
	free(text);
	cJSON_Delete(obj);
	return st;
}

static const char *
member(const cJSON *obj, const char *key)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(m) ? m->valuestring : NULL;
}

static enum dormant_status
parse_line(const char *line, size_t len, core_audit_fn fn, void *ctx,
           unsigned lineno, unsigned *bad)
{
	struct core_audit_record r;
	struct dormant_error ignored;
	enum dormant_status st;
	cJSON *obj = NULL;
	const char *when;

	if (dormant_json_parse(line, len, "audit", &obj, &ignored) !=
	            DORMANT_OK ||
	    !cJSON_IsObject(obj))
		goto bad_line;
	memset(&r, 0, sizeof(r));
	when = member(obj, "time");
	r.run = member(obj, "run");
	r.provider = member(obj, "provider");
	r.scope = member(obj, "scope");
	r.id = member(obj, "id");
	r.name = member(obj, "name");
	r.action = member(obj, "action");
	r.phase = member(obj, "phase");
	r.result = member(obj, "result");
	r.error = member(obj, "error");
	r.called =
	        cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, "called"));
	if (!when || !dormant_time_parse_iso8601(when, &r.time) || !r.run ||
	    !r.provider || !r.scope || !r.id || !r.action || !r.phase)
		goto bad_line;
	st = fn(ctx, &r, lineno);
	cJSON_Delete(obj);
	return st;
bad_line:
	cJSON_Delete(obj);
	(*bad)++;
	return DORMANT_OK;
}

enum dormant_status
core_audit_read(const char *path, core_audit_fn fn, void *ctx, unsigned *bad,
                struct dormant_error *err)
{
	struct dormant_buf b;
	enum dormant_status st;
	unsigned lineno = 0;
	const char *p, *end;

	*bad = 0;
	/* Audit logs grow for years; 1 GiB is far beyond any real one. */
	dormant_buf_init(&b, (size_t)1 << 30);
	st = dormant_buf_read_file(&b, path, err);
	if (st != DORMANT_OK)
		goto out;
	p = b.data;
	end = b.data + b.len;
	while (p < end && st == DORMANT_OK) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;

		lineno++;
		if (stop > p && (size_t)(stop - p) <= LINE_MAX_BYTES)
			st = parse_line(p, (size_t)(stop - p), fn, ctx, lineno,
			                bad);
		else if (stop > p)
			(*bad)++;
		p = nl ? nl + 1 : end;
	}
	if (st != DORMANT_OK && !err->msg[0])
		dormant_error_set(err, st, "%s: %s", path,
		                  dormant_strerror(st));
out:
	dormant_buf_free(&b);
	return st;
}

void
core_audit_run_id(int64_t now, char buf[32])
{
	char when[DORMANT_TIME_BUFSZ];
	unsigned char rnd[4] = {0};
	char compact[17];
	size_t o = 0;

	dormant_random_bytes(rnd, sizeof(rnd), NULL);
	dormant_time_format(now, when);
	/* "2026-11-28T12:00:00Z" -> "20261128T120000Z" */
	for (const char *p = when; *p && o < sizeof(compact) - 1; p++)
		if (*p != '-' && *p != ':')
			compact[o++] = *p;
	compact[o] = '\0';
	snprintf(buf, 32, "%s-%02x%02x%02x%02x", compact, rnd[0], rnd[1],
	         rnd[2], rnd[3]);
}
