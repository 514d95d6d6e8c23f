/* dormant aws: credentials and their refreshing cache (see creds.h). */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/crypto.h>
#include <dormant/timeutil.h>

#include "creds.h"

struct aws_creds_provider {
	char *name;
	const struct dormant_host *host;
	aws_creds_fetch_fn fetch; /* NULL: static */
	void *ctx;
	void (*free_ctx)(void *ctx);
	pthread_mutex_t lock; /* guards cached and have */
	struct aws_creds cached;
	bool have;
};

static void
wipe_free(char *s)
{
	if (!s)
		return;
	dormant_wipe(s, strlen(s));
	free(s);
}

void
aws_creds_clear(struct aws_creds *c)
{
	if (!c)
		return;
	free(c->access_key_id);
	wipe_free(c->secret_access_key);
	wipe_free(c->session_token);
	free(c->arn);
	memset(c, 0, sizeof(*c));
	c->expiration = DORMANT_TIME_NONE;
}

enum dormant_status
aws_creds_set(struct aws_creds *c, const char *key_id, const char *secret,
              const char *token, int64_t expiration)
{
	memset(c, 0, sizeof(*c));
	c->expiration = expiration;
	c->access_key_id = strdup(key_id);
	c->secret_access_key = strdup(secret);
	if (token && *token)
		c->session_token = strdup(token);
	if (!c->access_key_id || !c->secret_access_key ||
	    (token && *token && !c->session_token)) {
		aws_creds_clear(c);
		return DORMANT_ERR_NOMEM;
	}
	return DORMANT_OK;
}

enum dormant_status
aws_creds_copy(struct aws_creds *dst, const struct aws_creds *src)
{
	enum dormant_status st =
	        aws_creds_set(dst, src->access_key_id, src->secret_access_key,
	                      src->session_token, src->expiration);

	if (st == DORMANT_OK && src->arn &&
	    (st = aws_creds_set_identity(dst, src->arn)) != DORMANT_OK)
		aws_creds_clear(dst);
	return st;
}

enum dormant_status
aws_creds_set_identity(struct aws_creds *c, const char *arn)
{
	static const char kind[] = ":assumed-role/";
	const char *p;

	free(c->arn);
	c->arn = NULL;
	c->account[0] = '\0';
	/* arn:PARTITION:sts::ACCOUNT:assumed-role/... (IAM identifiers,
	 * "IAM ARNs"); the partition is aws, aws-cn, aws-us-gov, ... */
	if (strncmp(arn, "arn:", 4) != 0 || !(p = strchr(arn + 4, ':')) ||
	    strncmp(p, ":sts::", 6) != 0)
		return DORMANT_OK;
	p += 6;
	for (int i = 0; i < 12; i++)
		if (p[i] < '0' || p[i] > '9')
			return DORMANT_OK;
	if (strncmp(p + 12, kind, sizeof(kind) - 1) != 0 ||
	    !p[12 + sizeof(kind) - 1])
		return DORMANT_OK;
	c->arn = strdup(arn);
	if (!c->arn)
		return DORMANT_ERR_NOMEM;
	memcpy(c->account, p, 12);
	c->account[12] = '\0';
	return DORMANT_OK;
}

struct dormant_aws_credentials
aws_creds_view(const struct aws_creds *c)
{
	struct dormant_aws_credentials v = {
	        c->access_key_id, c->secret_access_key, c->session_token};
	return v;
}

enum dormant_status
aws_creds_provider_new(const char *name, const struct dormant_host *host,
                       aws_creds_fetch_fn fetch, void *ctx,
                       void (*free_ctx)(void *ctx),
                       struct aws_creds_provider **out,
                       struct dormant_error *err)
{
	struct aws_creds_provider *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (!p || !(p->name = strdup(name))) {
		free(p);
		if (free_ctx)
			free_ctx(ctx);
		return dormant_error_set(err, DORMANT_ERR_NOMEM, "%s",
		                         dormant_strerror(DORMANT_ERR_NOMEM));
	}
	p->host = host;
	p->fetch = fetch;
	p->ctx = ctx;
	p->free_ctx = free_ctx;
	p->cached.expiration = DORMANT_TIME_NONE;
	pthread_mutex_init(&p->lock, NULL);
	*out = p;
	return DORMANT_OK;
}

enum dormant_status
aws_creds_provider_static(const char *name, const struct dormant_host *host,
                          const struct aws_creds *c,
                          struct aws_creds_provider **out,
                          struct dormant_error *err)
{
	enum dormant_status st;

	st = aws_creds_provider_new(name, host, NULL, NULL, NULL, out, err);
	if (st != DORMANT_OK)
		return st;
	if (aws_creds_copy(&(*out)->cached, c) != DORMANT_OK) {
		aws_creds_provider_free(*out);
		*out = NULL;
		return dormant_error_set(err, DORMANT_ERR_NOMEM, "%s",
		                         dormant_strerror(DORMANT_ERR_NOMEM));
	}
	(*out)->have = true;
	return DORMANT_OK;
}

void
aws_creds_provider_free(struct aws_creds_provider *p)
{
	if (!p)
		return;
	aws_creds_clear(&p->cached);
	if (p->free_ctx)
		p->free_ctx(p->ctx);
	pthread_mutex_destroy(&p->lock);
	free(p->name);
	free(p);
}

const char *
aws_creds_provider_name(const struct aws_creds_provider *p)
{
	return p->name;
}

static bool
fresh(const struct aws_creds_provider *p)
{
	int64_t now;

	if (!p->have)
		return false;
	if (!p->fetch || p->cached.expiration == DORMANT_TIME_NONE)
		return true;
	now = p->host && p->host->now ? p->host->now(p->host) : 0;
	return p->cached.expiration - now > AWS_CREDS_REFRESH_MARGIN;
}

enum dormant_status
aws_creds_provider_get(struct aws_creds_provider *p, struct dormant_http *http,
                       struct aws_creds *out, struct dormant_error *err)
{
	enum dormant_status st = DORMANT_OK;
	struct aws_creds next;

	memset(out, 0, sizeof(*out));
	out->expiration = DORMANT_TIME_NONE;
	pthread_mutex_lock(&p->lock);
	if (!fresh(p)) {
		memset(&next, 0, sizeof(next));
		next.expiration = DORMANT_TIME_NONE;
		st = p->fetch
		             ? p->fetch(p->ctx, http, &next, err)
		             : dormant_error_set(err, DORMANT_ERR_AUTH,
		                                 "%s: no credentials", p->name);
		if (st != DORMANT_OK) {
			aws_creds_clear(&next);
			goto out;
		}
		aws_creds_clear(&p->cached);
		p->cached = next;
		p->have = true;
		if (p->host && p->host->log) {
			char when[DORMANT_TIME_BUFSZ] = "never";

			if (next.expiration != DORMANT_TIME_NONE)
				dormant_time_format(next.expiration, when);
			p->host->log(p->host, DORMANT_LOG_DEBUG,
			             "credentials from %s (expire: %s)",
			             p->name, when);
		}
	}
	if (aws_creds_copy(out, &p->cached) != DORMANT_OK)
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "%s",
		                       dormant_strerror(DORMANT_ERR_NOMEM));
out:
	pthread_mutex_unlock(&p->lock);
	return st;
}

void
aws_creds_provider_invalidate(struct aws_creds_provider *p)
{
	pthread_mutex_lock(&p->lock);
	if (p->fetch) {
		aws_creds_clear(&p->cached);
		p->have = false;
	}
	pthread_mutex_unlock(&p->lock);
}
