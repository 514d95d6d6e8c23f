/* dormant aws: container credentials and EC2 instance metadata, the two
 * link-local HTTP sources (see credentials.h).
 *
 * - Container credentials ("Container credential provider", AWS SDKs and
 *   Tools Reference Guide):
 *   GET http://169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, or
 *   AWS_CONTAINER_CREDENTIALS_FULL_URI (https, or http to a loopback or
 *   the ECS/EKS link-local hosts only), with "Authorization:" the
 *   contents of AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or
 *   AWS_CONTAINER_AUTHORIZATION_TOKEN; JSON AccessKeyId,
 *   SecretAccessKey, Token, Expiration.
 * - EC2 instance metadata, IMDSv2 only (EC2 User Guide, "Use the
 *   Instance Metadata Service to access instance metadata" and "Retrieve
 *   security credentials from instance metadata"): PUT
 *   /latest/api/token with X-aws-ec2-metadata-token-ttl-seconds, then
 *   GET /latest/meta-data/iam/security-credentials/ (the role name) and
 *   .../ROLE with X-aws-ec2-metadata-token; JSON Code "Success",
 *   AccessKeyId, SecretAccessKey, Token, Expiration. The endpoint is
 *   AWS_EC2_METADATA_SERVICE_ENDPOINT, default http://169.254.169.254;
 *   AWS_EC2_METADATA_DISABLED=true turns it off.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/buf.h>
#include <dormant/crypto.h>
#include <dormant/http.h>
#include <dormant/json.h>
#include <dormant/timeutil.h>

#include "credentials.h"
#include "query.h"

/* Credential answers are under 4 KiB. */
#define ANSWER_MAX ((size_t)64 << 10)
/* Link-local metadata endpoints answer in milliseconds; off EC2 they do
 * not answer at all, and a scan must not hang on them (the SDKs wait 1
 * second). */
#define METADATA_TIMEOUT_MS 1000L
#define IMDS_TOKEN_TTL      "21600"

/* ---- HTTP sources ---- */

struct http_source {
	const struct dormant_host *host;
	char url[1024];  /* container: the credentials URL */
	char base[1024]; /* IMDS: the endpoint */
	char *auth;      /* container: Authorization value, or NULL */
	char *auth_file; /* container: file holding it, or NULL */
};

static void
http_source_free(void *p)
{
	struct http_source *s = p;

	if (!s)
		return;
	if (s->auth) {
		dormant_wipe(s->auth, strlen(s->auth));
		free(s->auth);
	}
	free(s->auth_file);
	free(s);
}

static enum dormant_status
get(struct dormant_http *http, const char *method, const char *url,
    const struct dormant_http_header *h, size_t nh,
    struct dormant_http_response *resp, const char *what,
    struct dormant_error *err)
{
	struct dormant_http_request req = {0};
	enum dormant_status st;

	req.method = method;
	req.url = url;
	req.headers = h;
	req.n_headers = nh;
	if (strcmp(method, "PUT") == 0) {
		req.body = "";
		req.body_len = 0;
	}
	st = dormant_http_send(http, &req, resp, err);
	if (st != DORMANT_OK) {
		dormant_error_prefix(err, "%s", what);
		return DORMANT_ERR_AUTH;
	}
	if (resp->status != 200)
		return dormant_error_set(err, DORMANT_ERR_AUTH,
		                         "%s: HTTP %ld from %s", what,
		                         resp->status, method);
	return DORMANT_OK;
}

static enum dormant_status
container_fetch(void *ctx, struct dormant_http *borrowed,
                struct aws_credentials *out, struct dormant_error *err)
{
	struct http_source *s = ctx;
	struct dormant_http *http = NULL;
	struct dormant_http_response resp = {0};
	struct dormant_http_header h[1];
	struct dormant_buf token;
	enum dormant_status st;
	size_t nh = 0;

	/* Metadata endpoints need their own short timeouts. */
	(void)borrowed;

	dormant_buf_init(&token, ANSWER_MAX);
	if (s->auth_file) {
		struct dormant_error why;

		if (dormant_buf_read_file(&token, s->auth_file, &why) !=
		    DORMANT_OK) {
			st = dormant_error_set(err, DORMANT_ERR_AUTH,
			                       "container credentials: %s",
			                       why.msg);
			goto out;
		}
		while (token.len && (token.data[token.len - 1] == '\n' ||
		                     token.data[token.len - 1] == '\r'))
			token.data[--token.len] = '\0';
		h[nh++] = (struct dormant_http_header){"Authorization",
		                                       token.data};
	} else if (s->auth) {
		h[nh++] =
		        (struct dormant_http_header){"Authorization", s->auth};
	}
	st = aws_http_new(s->host, METADATA_TIMEOUT_MS * 2, 3, &http, err);
	if (st == DORMANT_OK)
		st = get(http, "GET", s->url, h, nh, &resp,
		         "container credentials", err);
	if (st == DORMANT_OK)
		st = aws_credentials_from_json(resp.body, resp.body_len,
		                               "container credentials", "Token",
		                               out, err);
out:
	if (resp.body)
		dormant_wipe(resp.body, resp.body_len);
	dormant_http_response_clear(&resp);
	dormant_http_free(http);
	if (token.data)
		dormant_wipe(token.data, token.len);
	dormant_buf_free(&token);
	return st;
}

/* FULL_URI over plain http only to hosts that cannot be elsewhere:
 * loopback and the ECS / EKS Pod Identity link-local addresses. */
static bool
allowed_http(const char *url)
{
	static const char *const hosts[] = {"http://127.",
	                                    "http://localhost:",
	                                    "http://localhost/",
	                                    "http://[::1]",
	                                    "http://169.254.170.2:",
	                                    "http://169.254.170.2/",
	                                    "http://169.254.170.23:",
	                                    "http://169.254.170.23/",
	                                    "http://[fd00:ec2::23]"};

	for (size_t i = 0; i < sizeof(hosts) / sizeof(*hosts); i++)
		if (strncmp(url, hosts[i], strlen(hosts[i])) == 0)
			return true;
	return false;
}

enum dormant_status
aws_credentials_container(const struct dormant_host *host,
                          struct aws_credential_source **out,
                          struct dormant_error *err)
{
	const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	const char *tok = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	const char *tok_file = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	struct http_source *s;

	*out = NULL;
	if ((!rel || !*rel) && (!full || !*full))
		return dormant_error_set(
		        err, DORMANT_ERR_NOT_FOUND,
		        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI "
		        "and _FULL_URI not set");
	s = calloc(1, sizeof(*s));
	if (!s)
		return dormant_error_set(err, DORMANT_ERR_NOMEM, "%s",
		                         dormant_strerror(DORMANT_ERR_NOMEM));
	s->host = host;
	if (rel && *rel) {
		snprintf(s->url, sizeof(s->url), "http://169.254.170.2%s", rel);
	} else {
		if (strncmp(full, "https://", 8) != 0 && !allowed_http(full)) {
			http_source_free(s);
			return dormant_error_set(
			        err, DORMANT_ERR_CONFIG,
			        "AWS_CONTAINER_CREDENTIALS_FULL_URI: plain "
			        "http "
			        "is allowed to loopback and the ECS/EKS "
			        "addresses only");
		}
		snprintf(s->url, sizeof(s->url), "%s", full);
	}
	if (tok_file && *tok_file)
		s->auth_file = strdup(tok_file);
	else if (tok && *tok)
		s->auth = strdup(tok);
	if ((tok_file && *tok_file && !s->auth_file) ||
	    (!(tok_file && *tok_file) && tok && *tok && !s->auth)) {
		http_source_free(s);
		return dormant_error_set(err, DORMANT_ERR_NOMEM, "%s",
		                         dormant_strerror(DORMANT_ERR_NOMEM));
	}
	return aws_credential_source_new("container credentials", host,
	                                 container_fetch, s, http_source_free,
	                                 out, err);
}

static enum dormant_status
imds_fetch(void *ctx, struct dormant_http *borrowed,
           struct aws_credentials *out, struct dormant_error *err)
{
	struct http_source *s = ctx;
	struct dormant_http *http = NULL;
	struct dormant_http_response resp = {0};
	struct dormant_http_header h[1];
	char url[1400], role[130], *token = NULL;
	enum dormant_status st;
	size_t l;

	/* Metadata endpoints need their own short timeouts. */
	(void)borrowed;

	st = aws_http_new(s->host, METADATA_TIMEOUT_MS, 2, &http, err);
	if (st != DORMANT_OK)
		goto out;
	snprintf(url, sizeof(url), "%s/latest/api/token", s->base);
	h[0] = (struct dormant_http_header){
	        "X-aws-ec2-metadata-token-ttl-seconds", IMDS_TOKEN_TTL};
	st = get(http, "PUT", url, h, 1, &resp, "EC2 instance metadata", err);
	if (st != DORMANT_OK)
		goto out;
	token = strndup(resp.body, resp.body_len);
	if (!token || !*token || strpbrk(token, "\r\n")) {
		st = dormant_error_set(err, DORMANT_ERR_AUTH,
		                       "EC2 instance metadata: no usable "
		                       "session token");
		goto out;
	}
	h[0] = (struct dormant_http_header){"X-aws-ec2-metadata-token", token};
	snprintf(url, sizeof(url),
	         "%s/latest/meta-data/iam/security-credentials/", s->base);
	st = get(http, "GET", url, h, 1, &resp, "EC2 instance metadata", err);
	if (st != DORMANT_OK) {
		if (resp.status == 404)
			st = dormant_error_set(err, DORMANT_ERR_AUTH,
			                       "EC2 instance metadata: the "
			                       "instance has no IAM role");
		goto out;
	}
	/* The first line is the role name. */
	l = strcspn(resp.body, "\r\n");
	if (l == 0 || l >= sizeof(role)) {
		st = dormant_error_set(err, DORMANT_ERR_AUTH,
		                       "EC2 instance metadata: no role name");
		goto out;
	}
	memcpy(role, resp.body, l);
	role[l] = '\0';
	for (size_t i = 0; i < l; i++)
		if (!(role[i] > ' ' && role[i] < 127) || role[i] == '/' ||
		    role[i] == '?' || role[i] == '#' || role[i] == '%') {
			st = dormant_error_set(
			        err, DORMANT_ERR_AUTH,
			        "EC2 instance metadata: bad role "
			        "name");
			goto out;
		}
	snprintf(url, sizeof(url),
	         "%s/latest/meta-data/iam/security-credentials/%s", s->base,
	         role);
	st = get(http, "GET", url, h, 1, &resp, "EC2 instance metadata", err);
	if (st != DORMANT_OK)
		goto out;
	{
		cJSON *root = NULL;
		const char *code = NULL;

		if (dormant_json_parse(resp.body, resp.body_len, "IMDS", &root,
		                       NULL) == DORMANT_OK)
			dormant_json_string(root, "Code", &code, NULL);
		if (!code || strcmp(code, "Success") != 0) {
			cJSON_Delete(root);
			st = dormant_error_set(
			        err, DORMANT_ERR_AUTH,
			        "EC2 instance metadata: role %s: "
			        "Code is not Success",
			        role);
			goto out;
		}
		cJSON_Delete(root);
	}
	st = aws_credentials_from_json(resp.body, resp.body_len,
	                               "EC2 instance metadata", "Token", out,
	                               err);
out:
	if (resp.body)
		dormant_wipe(resp.body, resp.body_len);
	dormant_http_response_clear(&resp);
	if (token) {
		dormant_wipe(token, strlen(token));
		free(token);
	}
	dormant_http_free(http);
	return st;
}

enum dormant_status
aws_credentials_imds(const struct dormant_host *host,
                     struct aws_credential_source **out,
                     struct dormant_error *err)
{
	const char *off = getenv("AWS_EC2_METADATA_DISABLED");
	const char *ep = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	struct http_source *s;
	size_t l;

	*out = NULL;
	if (off && (strcmp(off, "true") == 0 || strcmp(off, "TRUE") == 0 ||
	            strcmp(off, "1") == 0))
		return dormant_error_set(err, DORMANT_ERR_NOT_FOUND,
		                         "disabled by "
		                         "AWS_EC2_METADATA_DISABLED");
	s = calloc(1, sizeof(*s));
	if (!s)
		return dormant_error_set(err, DORMANT_ERR_NOMEM, "%s",
		                         dormant_strerror(DORMANT_ERR_NOMEM));
	s->host = host;
	snprintf(s->base, sizeof(s->base), "%s",
	         ep && *ep ? ep : "http://169.254.169.254");
	l = strlen(s->base);
	while (l && s->base[l - 1] == '/')
		s->base[--l] = '\0';
	return aws_credential_source_new("EC2 instance metadata", host,
	                                 imds_fetch, s, http_source_free, out,
	                                 err);
}
