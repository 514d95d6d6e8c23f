/* dormant okta: a service app's access tokens, and DPoP. See oauth.h. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dormant/buf.h>
#include <dormant/json.h>
#include <dormant/timeutil.h>

#include "api.h"
#include "oauth.h"

/* A client assertion lives five minutes: long enough for a slow token
 * endpoint, short enough that a leaked one is soon useless (Okta takes
 * at most an hour). */
#define ASSERTION_TTL 300
/* A token that expires within this is not handed out. */
#define TOKEN_MARGIN 60
/* Token endpoint answers are a few hundred bytes. */
#define ANSWER_MAX ((size_t)64 << 10)
/* Rounds of one token request: DPoP found required, its nonce asked for,
 * and a nonce that rotated meanwhile. */
#define TOKEN_ROUNDS 4

static const char *const scope_names[OKTA_SCOPE_COUNT] = {
        "okta.users.read",
        "okta.roles.read",
        "okta.users.manage",
};

const char *
okta_scope_name(enum okta_scope s)
{
	return s < OKTA_SCOPE_COUNT ? scope_names[s] : "?";
}

static int64_t
wall(const struct okta_oauth *o)
{
	return o->host && o->host->now ? o->host->now(o->host)
	                               : (int64_t)time(NULL);
}

static void
drop_secret(char **s)
{
	if (*s) {
		dormant_wipe(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

enum dormant_status
okta_oauth_init(struct okta_oauth *o, const struct dormant_host *host,
                struct okta_pace *pace, const char *org_url,
                const char *client_id, const char *key_id,
                struct dormant_private_key *key, struct dormant_error *err)
{
	size_t len = strlen(org_url) + sizeof("/oauth2/v1/token");

	memset(o, 0, sizeof(*o));
	pthread_mutex_init(&o->lock, NULL);
	o->host = host;
	o->pace = pace;
	o->key = key;
	o->token_url = malloc(len);
	o->client_id = strdup(client_id);
	o->key_id = key_id ? strdup(key_id) : NULL;
	if (!o->token_url || !o->client_id || (key_id && !o->key_id))
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	snprintf(o->token_url, len, "%s/oauth2/v1/token", org_url);
	return DORMANT_OK;
}

void
okta_oauth_destroy(struct okta_oauth *o)
{
	for (int i = 0; i < OKTA_SCOPE_COUNT; i++)
		drop_secret(&o->t[i].token);
	dormant_private_key_free(o->key);
	dormant_private_key_free(o->dpop_key);
	free(o->dpop_jwk);
	free(o->token_nonce);
	free(o->api_nonce);
	free(o->token_url);
	free(o->client_id);
	free(o->key_id);
	pthread_mutex_destroy(&o->lock);
	memset(o, 0, sizeof(*o));
}

static enum dormant_status
random_id(char out[33], struct dormant_error *err)
{
	unsigned char b[16];
	char *hex;
	enum dormant_status st = dormant_random_bytes(b, sizeof(b), err);

	if (st != DORMANT_OK)
		return st;
	hex = dormant_hex_encode(b, sizeof(b));
	if (!hex)
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	memcpy(out, hex, 33);
	free(hex);
	return DORMANT_OK;
}

/* Signs header and claims (cJSON objects, consumed) with key. */
static enum dormant_status
sign(cJSON *header, cJSON *claims, const struct dormant_private_key *key,
     char **out, struct dormant_error *err)
{
	char *h = header ? cJSON_PrintUnformatted(header) : NULL;
	char *c = claims ? cJSON_PrintUnformatted(claims) : NULL;
	enum dormant_status st;

	if (!h || !c)
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
	else
		st = dormant_jwt_sign_rs256(h, c, key, out, err);
	cJSON_Delete(header);
	cJSON_Delete(claims);
	free(h);
	free(c);
	return st;
}

enum dormant_status
okta_oauth_dpop_proof(struct okta_oauth *o, const char *method, const char *url,
                      const char *token, const char *nonce, char **out,
                      struct dormant_error *err)
{
	cJSON *header = cJSON_CreateObject(), *claims = cJSON_CreateObject();
	cJSON *jwk = o->dpop_jwk ? cJSON_Parse(o->dpop_jwk) : NULL;
	size_t htu_len = strcspn(url, "?#");
	char jti[33], *htu = strndup(url, htu_len);
	unsigned char ath[DORMANT_SHA256_LEN];
	char *ath64 = NULL;
	enum dormant_status st;

	*out = NULL;
	st = random_id(jti, err);
	if (st != DORMANT_OK)
		goto fail;
	if (!header || !claims || !jwk || !htu)
		goto nomem;
	cJSON_AddStringToObject(header, "typ", "dpop+jwt");
	cJSON_AddStringToObject(header, "alg", "RS256");
	cJSON_AddItemToObject(header, "jwk", jwk);
	jwk = NULL;
	cJSON_AddStringToObject(claims, "htm", method);
	cJSON_AddStringToObject(claims, "htu", htu);
	cJSON_AddNumberToObject(claims, "iat", (double)wall(o));
	cJSON_AddStringToObject(claims, "jti", jti);
	if (nonce)
		cJSON_AddStringToObject(claims, "nonce", nonce);
	if (token) {
		/* ath: the access token's hash binds the proof to it (RFC
		 * 9449 section 4.2). */
		dormant_sha256(token, strlen(token), ath);
		ath64 = dormant_base64url_encode(ath, sizeof(ath));
		if (!ath64)
			goto nomem;
		cJSON_AddStringToObject(claims, "ath", ath64);
	}
	free(htu);
	free(ath64);
	return sign(header, claims, o->dpop_key, out, err);
nomem:
	st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
fail:
	cJSON_Delete(header);
	cJSON_Delete(claims);
	cJSON_Delete(jwk);
	free(htu);
	free(ath64);
	return st;
}

/* The run's DPoP key, made once the org asks for DPoP. */
static enum dormant_status
start_dpop(struct okta_oauth *o, struct dormant_error *err)
{
	enum dormant_status st;

	if (o->dpop)
		return DORMANT_OK;
	st = dormant_private_key_generate_rsa(2048, &o->dpop_key, err);
	if (st == DORMANT_OK)
		st = dormant_private_key_public_jwk(o->dpop_key, &o->dpop_jwk,
		                                    err);
	if (st != DORMANT_OK)
		return st;
	o->dpop = true;
	if (o->host && o->host->log)
		o->host->log(o->host, DORMANT_LOG_INFO,
		             "the service app requires DPoP: proving "
		             "possession of a key made for this run");
	return DORMANT_OK;
}

struct token_ctx {
	struct okta_oauth *o;
	enum okta_scope scope;
	char *body;
	char *proof;
	struct dormant_http_header headers[4];
};

/* Before each attempt: a new client assertion (its jti may be used
 * once) and, with DPoP, a new proof. */
static enum dormant_status
token_prepare(void *ctx_, struct dormant_http_request *req,
              struct dormant_error *err)
{
	struct token_ctx *c = ctx_;
	struct okta_oauth *o = c->o;
	cJSON *header = cJSON_CreateObject(), *claims = cJSON_CreateObject();
	char jti[33], *assertion = NULL, *enc_assertion = NULL, *enc_id = NULL;
	struct dormant_buf b;
	int64_t now = wall(o);
	enum dormant_status st;
	size_t n = 0;

	drop_secret(&c->body);
	free(c->proof);
	c->proof = NULL;
	st = random_id(jti, err);
	if (st != DORMANT_OK) {
		cJSON_Delete(header);
		cJSON_Delete(claims);
		return st;
	}
	if (!header || !claims) {
		cJSON_Delete(header);
		cJSON_Delete(claims);
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	}
	cJSON_AddStringToObject(header, "alg", "RS256");
	if (o->key_id)
		cJSON_AddStringToObject(header, "kid", o->key_id);
	cJSON_AddStringToObject(claims, "aud", o->token_url);
	cJSON_AddStringToObject(claims, "iss", o->client_id);
	cJSON_AddStringToObject(claims, "sub", o->client_id);
	cJSON_AddNumberToObject(claims, "iat", (double)now);
	cJSON_AddNumberToObject(claims, "exp", (double)(now + ASSERTION_TTL));
	cJSON_AddStringToObject(claims, "jti", jti);
	st = sign(header, claims, o->key, &assertion, err);
	if (st != DORMANT_OK)
		return st;
	enc_assertion = dormant_http_urlencode(assertion);
	enc_id = dormant_http_urlencode(o->client_id);
	dormant_buf_init(&b, 0);
	if (!enc_assertion || !enc_id ||
	    dormant_buf_appendf(
	            &b,
	            "grant_type=client_credentials&scope=%s"
	            "&client_assertion_type=urn%%3Aietf%%3Aparams%%3Aoauth"
	            "%%3Aclient-assertion-type%%3Ajwt-bearer"
	            "&client_assertion=%s",
	            scope_names[c->scope], enc_assertion) != DORMANT_OK) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	c->body = dormant_buf_steal(&b);
	if (!c->body) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (o->dpop) {
		st = okta_oauth_dpop_proof(o, "POST", o->token_url, NULL,
		                           o->token_nonce, &c->proof, err);
		if (st != DORMANT_OK)
			goto out;
	}
	c->headers[n++] =
	        (struct dormant_http_header){"Accept", "application/json"};
	c->headers[n++] = (struct dormant_http_header){
	        "Content-Type", "application/x-www-form-urlencoded"};
	if (c->proof)
		c->headers[n++] =
		        (struct dormant_http_header){"DPoP", c->proof};
	req->headers = c->headers;
	req->n_headers = n;
	req->body = c->body;
	req->body_len = strlen(c->body);
out:
	dormant_buf_free(&b);
	drop_secret(&assertion);
	drop_secret(&enc_assertion);
	free(enc_id);
	return st;
}

/* What the token endpoint said. */
struct token_answer {
	const char *error; /* OAuth error code, or NULL */
	const char *description;
	const char *access_token;
	const char *token_type;
	double expires_in;
};

static enum dormant_status
read_answer(const struct dormant_http_response *resp, cJSON **root,
            struct token_answer *a, struct dormant_error *err)
{
	const cJSON *exp;
	enum dormant_status st;

	memset(a, 0, sizeof(*a));
	*root = NULL;
	st = dormant_json_parse(resp->body ? resp->body : "", resp->body_len,
	                        "token endpoint answer", root, err);
	if (st != DORMANT_OK)
		return st;
	if (!cJSON_IsObject(*root))
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "token endpoint answer is not an "
		                         "object");
	if ((st = dormant_json_string(*root, "error", &a->error, err)) ||
	    (st = dormant_json_string(*root, "error_description",
	                              &a->description, err)) ||
	    (st = dormant_json_string(*root, "access_token", &a->access_token,
	                              err)) ||
	    (st = dormant_json_string(*root, "token_type", &a->token_type,
	                              err)))
		return st;
	exp = cJSON_GetObjectItemCaseSensitive(*root, "expires_in");
	if (exp && cJSON_IsNumber(exp))
		a->expires_in = exp->valuedouble;
	return DORMANT_OK;
}

/* Printable ASCII of an OAuth error text, cut short. */
static void
clean(char *dst, size_t size, const char *src)
{
	size_t n = 0;

	for (; src && *src && n + 1 < size; src++)
		dst[n++] = (*src >= 0x20 && *src < 0x7f) ? *src : '?';
	dst[n] = '\0';
}

static enum dormant_status
refused(const struct okta_oauth *o, enum okta_scope s, long status,
        const struct token_answer *a, struct dormant_error *err)
{
	char code[48], text[200];

	clean(code, sizeof(code), a->error ? a->error : "no error code");
	clean(text, sizeof(text), a->description ? a->description : "");
	if (a->error && strcmp(a->error, "invalid_scope") == 0)
		return dormant_error_set(
		        err, DORMANT_ERR_PERMISSION,
		        "token for %s refused: HTTP %ld invalid_scope %s: "
		        "grant the service app %s (Okta API Scopes tab)",
		        scope_names[s], status, text, scope_names[s]);
	if (a->error && strcmp(a->error, "invalid_client") == 0)
		return dormant_error_set(
		        err, DORMANT_ERR_AUTH,
		        "token for %s refused: HTTP %ld invalid_client %s: "
		        "check client_id %s and that the app holds the "
		        "public half of private_key (key_id %s)",
		        scope_names[s], status, text, o->client_id,
		        o->key_id ? o->key_id : "unset");
	return dormant_error_set(err, DORMANT_ERR_AUTH,
	                         "token for %s refused: HTTP %ld %s %s",
	                         scope_names[s], status, code, text);
}

/* Asks the token endpoint; o->lock is held. */
static enum dormant_status
request_token(struct okta_oauth *o, struct dormant_http *http,
              enum okta_scope s, struct dormant_error *err)
{
	struct token_ctx ctx = {.o = o, .scope = s};
	struct okta_exchange x = {
	        .pace = o->pace,
	        .host = o->host,
	        .bucket = OKTA_BUCKET_TOKEN,
	        /* Every attempt is a new assertion: sending again is
	         * safe. */
	        .idempotent = true,
	};
	struct dormant_http_response resp = {0};
	struct token_answer a;
	cJSON *root = NULL;
	enum dormant_status st = DORMANT_OK;

	x.req.method = "POST";
	x.req.url = o->token_url;
	x.req.prepare = token_prepare;
	x.req.ctx = &ctx;
	x.req.expect = DORMANT_HTTP_BODY_JSON;
	x.req.idempotent = true;
	for (int round = 0; round < TOKEN_ROUNDS; round++) {
		const char *nonce;

		cJSON_Delete(root);
		root = NULL;
		st = okta_api_exchange(http, &x, &resp, err);
		o->requests++;
		if (st != DORMANT_OK)
			goto out;
		st = read_answer(&resp, &root, &a, err);
		if (st != DORMANT_OK) {
			dormant_error_prefix(err, "token for %s: HTTP %ld",
			                     scope_names[s], resp.status);
			goto out;
		}
		if (resp.status == 200 && a.access_token && *a.access_token) {
			bool dpop = a.token_type &&
			            strcmp(a.token_type, "DPoP") == 0;

			if (!dpop && !(a.token_type &&
			               strcmp(a.token_type, "Bearer") == 0)) {
				st = dormant_error_set(
				        err, DORMANT_ERR_PARSE,
				        "token for %s: token_type is neither "
				        "Bearer nor DPoP",
				        scope_names[s]);
				goto out;
			}
			drop_secret(&o->t[s].token);
			o->t[s].token = strdup(a.access_token);
			if (!o->t[s].token) {
				st = dormant_error_set(err, DORMANT_ERR_NOMEM,
				                       "out of memory");
				goto out;
			}
			o->t[s].dpop = dpop;
			o->t[s].expires =
			        wall(o) +
			        (a.expires_in > 0 && a.expires_in < 86400 * 30
			                 ? (int64_t)a.expires_in
			                 : 300);
			goto out;
		}
		nonce = dormant_http_response_header(&resp, "DPoP-Nonce");
		if (resp.status == 400 && a.error &&
		    strcmp(a.error, "use_dpop_nonce") == 0 && nonce) {
			char *copy = strdup(nonce);

			if (!copy) {
				st = dormant_error_set(err, DORMANT_ERR_NOMEM,
				                       "out of memory");
				goto out;
			}
			free(o->token_nonce);
			o->token_nonce = copy;
			st = start_dpop(o, err);
			if (st != DORMANT_OK)
				goto out;
			dormant_http_response_clear(&resp);
			continue;
		}
		if (resp.status == 400 && !o->dpop && a.error &&
		    strcmp(a.error, "invalid_dpop_proof") == 0) {
			st = start_dpop(o, err);
			if (st != DORMANT_OK)
				goto out;
			dormant_http_response_clear(&resp);
			continue;
		}
		st = refused(o, s, resp.status, &a, err);
		goto out;
	}
	st = dormant_error_set(err, DORMANT_ERR_AUTH,
	                       "token for %s: the token endpoint kept asking "
	                       "for a new DPoP nonce",
	                       scope_names[s]);
out:
	cJSON_Delete(root);
	if (resp.body)
		dormant_wipe(resp.body, resp.body_len);
	dormant_http_response_clear(&resp);
	drop_secret(&ctx.body);
	free(ctx.proof);
	return st;
}

enum dormant_status
okta_oauth_token(struct okta_oauth *o, struct dormant_http *http,
                 enum okta_scope s, char **token, bool *dpop,
                 struct dormant_error *err)
{
	enum dormant_status st = DORMANT_OK;

	*token = NULL;
	*dpop = false;
	/* Held across the request: threads that need a token at once
	 * wait for the one request instead of each sending theirs. */
	pthread_mutex_lock(&o->lock);
	if (!o->t[s].token || o->t[s].expires - TOKEN_MARGIN <= wall(o))
		st = request_token(o, http, s, err);
	if (st == DORMANT_OK) {
		*token = strdup(o->t[s].token);
		*dpop = o->t[s].dpop;
		if (!*token)
			st = dormant_error_set(err, DORMANT_ERR_NOMEM,
			                       "out of memory");
	}
	pthread_mutex_unlock(&o->lock);
	return st;
}

void
okta_oauth_drop(struct okta_oauth *o, enum okta_scope s, const char *token)
{
	pthread_mutex_lock(&o->lock);
	if (o->t[s].token && token && strcmp(o->t[s].token, token) == 0)
		drop_secret(&o->t[s].token);
	pthread_mutex_unlock(&o->lock);
}

char *
okta_oauth_api_nonce(struct okta_oauth *o)
{
	char *n = NULL;

	pthread_mutex_lock(&o->lock);
	if (o->api_nonce)
		n = strdup(o->api_nonce);
	pthread_mutex_unlock(&o->lock);
	return n;
}

void
okta_oauth_set_api_nonce(struct okta_oauth *o, const char *nonce)
{
	char *copy = strdup(nonce);

	if (!copy)
		return;
	pthread_mutex_lock(&o->lock);
	free(o->api_nonce);
	o->api_nonce = copy;
	pthread_mutex_unlock(&o->lock);
}
