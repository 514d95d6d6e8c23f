/* dormant aws: credentials, and the cache every source is (see
 * credentials.h). */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/crypto.h>
#include <dormant/json.h>
#include <dormant/timeutil.h>

#include "credentials.h"

struct aws_credential_source {
	char *name;
	const struct dormant_host *host;
	aws_credentials_fetch_fn fetch; /* NULL: static */
	void *ctx;
	void (*free_ctx)(void *ctx);
	pthread_mutex_t lock; /* guards cached and have */
	struct aws_credentials cached;
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
aws_credentials_clear(struct aws_credentials *c)
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
aws_credentials_set(struct aws_credentials *c, const char *key_id,
                    const char *secret, const char *token, int64_t expiration)
{
	memset(c, 0, sizeof(*c));
	c->expiration = expiration;
	c->access_key_id = strdup(key_id);
	c->secret_access_key = strdup(secret);
	if (token && *token)
		c->session_token = strdup(token);
	if (!c->access_key_id || !c->secret_access_key ||
	    (token && *token && !c->session_token)) {
		aws_credentials_clear(c);
		return DORMANT_ERR_NOMEM;
	}
	return DORMANT_OK;
}

enum dormant_status
aws_credentials_copy(struct aws_credentials *dst,
                     const struct aws_credentials *src)
{
	enum dormant_status st = aws_credentials_set(
	        dst, src->access_key_id, src->secret_access_key,
	        src->session_token, src->expiration);

	if (st == DORMANT_OK && src->arn &&
	    (st = aws_credentials_set_identity(dst, src->arn)) != DORMANT_OK)
		aws_credentials_clear(dst);
	return st;
}

enum dormant_status
aws_credentials_set_identity(struct aws_credentials *c, const char *arn)
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

enum dormant_status
aws_credentials_from_json(const char *text, size_t len, const char *what,
                          const char *token_key, struct aws_credentials *out,
                          struct dormant_error *err)
{
	cJSON *root = NULL;
	const char *id = NULL, *secret = NULL, *token = NULL;
	int64_t exp = DORMANT_TIME_NONE;
	enum dormant_status st;
	struct dormant_error why;

	st = dormant_json_parse(text, len, what, &root, &why);
	if (st != DORMANT_OK) {
		/* why may quote the answer: keep only our words. */
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "%s: the answer is not JSON", what);
		goto out;
	}
	if (dormant_json_string(root, "AccessKeyId", &id, &why) ||
	    dormant_json_string(root, "SecretAccessKey", &secret, &why) ||
	    dormant_json_string(root, token_key, &token, &why) ||
	    dormant_json_time(root, "Expiration", &exp, &why)) {
		st = dormant_error_set(err, DORMANT_ERR_PARSE, "%s: %s", what,
		                       why.msg);
		goto out;
	}
	if (!id || !*id || !secret || !*secret) {
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "%s: no AccessKeyId or SecretAccessKey "
		                       "in the answer",
		                       what);
		goto out;
	}
	if (aws_credentials_set(out, id, secret, token, exp) != DORMANT_OK)
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "%s",
		                       dormant_strerror(DORMANT_ERR_NOMEM));
out:
	if (root) {
		cJSON *s = cJSON_GetObjectItemCaseSensitive(root,
		                                            "SecretAccessKey");
		if (cJSON_IsString(s))
			dormant_wipe(s->valuestring, strlen(s->valuestring));
		s = cJSON_GetObjectItemCaseSensitive(root, token_key);
		if (cJSON_IsString(s))
			dormant_wipe(s->valuestring, strlen(s->valuestring));
	}
	cJSON_Delete(root);
	return st;
}

enum dormant_status
aws_credential_source_new(const char *name, const struct dormant_host *host,
                          aws_credentials_fetch_fn fetch, void *ctx,
                          void (*free_ctx)(void *ctx),
                          struct aws_credential_source **out,
                          struct dormant_error *err)
{
	struct aws_credential_source *p = calloc(1, sizeof(*p));

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
aws_credential_source_static(const char *name, const struct dormant_host *host,
                             const struct aws_credentials *c,
                             struct aws_credential_source **out,
                             struct dormant_error *err)
{
	enum dormant_status st;

	st = aws_credential_source_new(name, host, NULL, NULL, NULL, out, err);
	if (st != DORMANT_OK)
		return st;
	if (aws_credentials_copy(&(*out)->cached, c) != DORMANT_OK) {
		aws_credential_source_free(*out);
		*out = NULL;
		return dormant_error_set(err, DORMANT_ERR_NOMEM, "%s",
		                         dormant_strerror(DORMANT_ERR_NOMEM));
	}
	(*out)->have = true;
	return DORMANT_OK;
}

void
aws_credential_source_free(struct aws_credential_source *p)
{
	if (!p)
		return;
	aws_credentials_clear(&p->cached);
	if (p->free_ctx)
		p->free_ctx(p->ctx);
	pthread_mutex_destroy(&p->lock);
	free(p->name);
	free(p);
}

const char *
aws_credential_source_name(const struct aws_credential_source *p)
{
	return p->name;
}

static bool
fresh(const struct aws_credential_source *p)
{
	int64_t now;

	if (!p->have)
		return false;
	if (!p->fetch || p->cached.expiration == DORMANT_TIME_NONE)
		return true;
	now = p->host && p->host->now ? p->host->now(p->host) : 0;
	return p->cached.expiration - now > AWS_CREDENTIALS_REFRESH_MARGIN;
}

enum dormant_status
aws_credential_source_get(struct aws_credential_source *p,
                          struct dormant_http *http,
                          struct aws_credentials *out,
                          struct dormant_error *err)
{
	enum dormant_status st = DORMANT_OK;
	struct aws_credentials next;

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
			aws_credentials_clear(&next);
			goto out;
		}
		aws_credentials_clear(&p->cached);
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
	if (aws_credentials_copy(out, &p->cached) != DORMANT_OK)
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "%s",
		                       dormant_strerror(DORMANT_ERR_NOMEM));
out:
	pthread_mutex_unlock(&p->lock);
	return st;
}

void
aws_credential_source_invalidate(struct aws_credential_source *p)
{
	pthread_mutex_lock(&p->lock);
	if (p->fetch) {
		aws_credentials_clear(&p->cached);
		p->have = false;
	}
	pthread_mutex_unlock(&p->lock);
}
