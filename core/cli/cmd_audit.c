/* dormant: `dormant audit [FILE]`, the audit log as a table.
 *
 * Each action shows once, with its outcome. An action whose "before" line
 * has no "after" line was cut short (the machine stopped mid-call): it is
 * shown last as "unknown", since the cloud may or may not have done it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/timeutil.h>

#include "audit.h"
#include "cli.h"
#include "log.h"

struct pending {
	char *key;  /* run, provider, scope, id, action */
	char *line; /* the row to print if no outcome comes */
};

struct audit_view {
	struct pending *pending;
	size_t n_pending;
	size_t rows;
	bool failed; /* out of memory */
};

static void
row(char *buf, size_t len, const struct core_audit_record *r,
    const char *result)
{
	char when[DORMANT_TIME_BUFSZ];

	snprintf(buf, len, "%-20s  %-25s  %-8s  %-14s  %-30s  %-8s  %-9s  %s",
	         dormant_time_format(r->time, when), r->run, r->provider,
	         r->scope, r->name ? r->name : r->id, r->action, result,
	         r->error ? r->error : "");
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

static void
key(char *buf, size_t len, const struct core_audit_record *r)
{
	snprintf(buf, len, "%s\n%s\n%s\n%s\n%s", r->run, r->provider, r->scope,
	         r->id, r->action);
}

static enum dormant_status
on_record(void *ctx, const struct core_audit_record *r, unsigned line)
{
	struct audit_view *v = ctx;
	char k[2048], text[2048];

	(void)line;
	key(k, sizeof(k), r);
	if (strcmp(r->phase, "before") == 0) {
		struct pending *p =
		        realloc(v->pending, (v->n_pending + 1) * sizeof(*p));
		if (!p)
			return DORMANT_ERR_NOMEM;
		v->pending = p;
		row(text, sizeof(text), r, "unknown");
		p[v->n_pending].key = strdup(k);
		p[v->n_pending].line = strdup(text);
		if (!p[v->n_pending].key || !p[v->n_pending].line) {
			free(p[v->n_pending].key);
			free(p[v->n_pending].line);
			return DORMANT_ERR_NOMEM;
		}
		v->n_pending++;
		return DORMANT_OK;
	}
	/* The newest matching "before" is the one this line completes. */
	for (size_t i = v->n_pending; i-- > 0;) {
		if (strcmp(v->pending[i].key, k) == 0) {
			free(v->pending[i].key);
			free(v->pending[i].line);
			v->pending[i] = v->pending[--v->n_pending];
			break;
		}
	}
	row(text, sizeof(text), r, r->result ? r->result : "?");
	puts(text);
	v->rows++;
	return DORMANT_OK;
}

int
core_cmd_audit(const struct core_conf *conf, const char *path)
{
	struct audit_view v = {0};
	struct dormant_error err = {{0}};
	unsigned bad = 0;
	int rc = DORMANT_EXIT_CLEAN;

	if (!path)
		path = conf->audit_log ? conf->audit_log
		                       : DORMANT_DEFAULT_AUDIT_LOG;
	printf("%-20s  %-25s  %-8s  %-14s  %-30s  %-8s  %-9s  %s\n", "TIME",
	       "RUN", "PROVIDER", "SCOPE", "USER", "ACTION", "RESULT", "ERROR");
	if (core_audit_read(path, on_record, &v, &bad, &err) != DORMANT_OK) {
		core_log(DORMANT_LOG_ERROR, NULL, "%s", err.msg);
		rc = DORMANT_EXIT_USAGE;
	}
	for (size_t i = 0; i < v.n_pending; i++) {
		puts(v.pending[i].line);
		free(v.pending[i].key);
		free(v.pending[i].line);
	}
	if (v.n_pending)
		core_log(DORMANT_LOG_WARNING, NULL,
		         "%zu actions have no recorded outcome (the run was "
		         "cut short); check them in the cloud",
		         v.n_pending);
	if (bad)
		core_log(DORMANT_LOG_WARNING, NULL,
		         "%u lines of %s are not audit records", bad, path);
	free(v.pending);
	return rc;
}
