/* dormant gcp: opening and closing a live handle, and its HTTP clients.
 * See live.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "live.h"

/* Longest Directory answer accepted: a users.list page of 500 users with
 * the fields dormant asks for is about 300 KB. */
#define MAX_BODY ((size_t)32 << 20)

/* Google's advice for its APIs' quota errors ("Directory API: Limits and
 * quotas", "Implementing exponential backoff"): wait 1 s, 2 s, 4 s, ...
 * plus random milliseconds, up to 32 s. core's client waits full jitter
 * over the same doubling spans. */
#define BACKOFF_BASE_MS 1000L
#define BACKOFF_MAX_MS  32000L

/* An https:// URL with a host and nothing after the path: the bearer
 * token only ever goes over TLS. */
static bool
https_base(const char *s)
{
	if (strncmp(s, "https://", 8) != 0 || !s[8] || s[8] == '/')
		return false;
	for (const char *p = s; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '?' || *p == '#')
			return false;
	return true;
}

/* A domain name as users.list takes it. */
static bool
domain_valid(const char *s)
{
	if (!*s || strlen(s) > 253)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '.'))
			return false;
	return true;
}

/* my_customer or a customer id such as C03az79cb. */
static bool
customer_valid(const char *s)
{
	if (!*s || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static bool
subject_valid(const char *s)
{
	const char *at = strchr(s, '@');

	if (!at || at == s || !at[1] || strchr(at + 1, '@') || strlen(s) > 320)
		return false;
	for (; *s; s++)
		if (*s <= 0x20 || *s >= 0x7f || *s == '"' || *s == '\\')
			return false;
	return true;
}

enum dormant_status
gcp_live_open(const struct dormant_host *host, const struct gcp_live_config *c,
              struct gcp_live **out, struct dormant_error *err)
{
	struct gcp_live *g = NULL;
	const char *endpoint = c->endpoint ? c->endpoint : GCP_DEFAULT_ENDPOINT;
	struct stat sb;
	size_t n;
	enum dormant_status st = DORMANT_OK;

	*out = NULL;
	if (!c->subject || !*c->subject) {
		st = dormant_error_set(
		        err, DORMANT_ERR_CONFIG,
		        "subject: set it to the primary email "
		        "of the Workspace admin the service "
		        "account acts as (domain-wide delegation)");
		goto out;
	}
	if (!subject_valid(c->subject)) {
		st = dormant_error_set(err, DORMANT_ERR_CONFIG,
		                       "subject: not an email address");
		goto out;
	}
	if (c->domain && !domain_valid(c->domain)) {
		st = dormant_error_set(err, DORMANT_ERR_CONFIG,
		                       "domain: not a domain name");
		goto out;
	}
	if (c->customer && !customer_valid(c->customer)) {
		st = dormant_error_set(err, DORMANT_ERR_CONFIG,
		                       "customer: not a customer id (such as "
		                       "C03az79cb) nor my_customer");
		goto out;
	}
	/* users.list takes one or the other ("You must provide either the
	 * customer or the domain parameter"); both would leave it to guess
	 * which one is meant. */
	if (c->customer && c->domain) {
		st = dormant_error_set(err, DORMANT_ERR_CONFIG,
		                       "set customer or domain, not both");
		goto out;
	}
	if (!https_base(endpoint)) {
		st = dormant_error_set(err, DORMANT_ERR_CONFIG,
		                       "directory_endpoint: not an https:// "
		                       "URL");
		goto out;
	}
	g = calloc(1, sizeof(*g));
	if (!g) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	g->host = host;
	g->subject = c->subject;
	g->domain = c->domain;
	g->customer =
	        c->domain ? NULL : (c->customer ? c->customer : "my_customer");
	g->rpm = c->rpm > 0 ? c->rpm : GCP_DEFAULT_RPM;
	g->retries =
	        c->retries >= 0 ? (unsigned)c->retries : GCP_DEFAULT_RETRIES;
	g->endpoint = strdup(endpoint);
	g->credentials = strdup(c->credentials_file);
	pthread_mutex_init(&g->pool_lock, NULL);
	g->pacer = dormant_ratelimit_new((double)g->rpm / 60.0, 1);
	gcp_tokens_init(&g->tokens, &g->key, g->subject, host);
	if (!g->endpoint || !g->credentials || !g->pacer) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	n = strlen(g->endpoint);
	while (n > 8 && g->endpoint[n - 1] == '/')
		g->endpoint[--n] = '\0';

	st = gcp_sa_key_load(c->credentials_file, &g->key, err);
	if (st != DORMANT_OK) {
		dormant_error_prefix(err, "credentials");
		goto out;
	}
	/* The key file holds a private key: say so when others can read it,
	 * as ssh does (refusing would break keys that a secrets manager
	 * mounts read-only with its own permissions). Writable counts too:
	 * whoever may rewrite it may point token_uri at themselves and
	 * collect signed assertions. */
	if (stat(c->credentials_file, &sb) == 0 && (sb.st_mode & 066) &&
	    host->log)
		host->log(host, DORMANT_LOG_WARNING,
		          "%s holds a private key and is %s by group or "
		          "others (mode %04o); chmod 600 it",
		          c->credentials_file,
		          sb.st_mode & 044 ? "readable" : "writable",
		          (unsigned)(sb.st_mode & 07777));
	*out = g;
	g = NULL;
out:
	gcp_live_close(g);
	return st;
}

void
gcp_live_close(struct gcp_live *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n_idle; i++)
		dormant_http_free(g->idle[i]);
	gcp_tokens_destroy(&g->tokens);
	dormant_ratelimit_free(g->pacer);
	pthread_mutex_destroy(&g->pool_lock);
	gcp_sa_key_free(&g->key);
	free(g->endpoint);
	free(g->credentials);
	free(g);
}

static enum dormant_status
http_new(struct gcp_live *g, unsigned attempts, struct dormant_http **out,
         struct dormant_error *err)
{
	struct dormant_http_options o = {
	        .max_attempts = attempts,
	        .backoff_base_ms = BACKOFF_BASE_MS,
	        .backoff_max_ms = BACKOFF_MAX_MS,
	        .max_body_bytes = MAX_BODY,
	        .host = g->host,
	};

	return dormant_http_new(&o, out, err);
}

enum dormant_status
gcp_live_http_new(struct gcp_live *g, struct dormant_http **out,
                  struct dormant_error *err)
{
	return http_new(g, g->retries + 1, out, err);
}

enum dormant_status
gcp_live_http_new_once(struct gcp_live *g, struct dormant_http **out,
                       struct dormant_error *err)
{
	return http_new(g, 1, out, err);
}

enum dormant_status
gcp_live_http_take(struct gcp_live *g, struct dormant_http **out,
                   struct dormant_error *err)
{
	*out = NULL;
	pthread_mutex_lock(&g->pool_lock);
	if (g->n_idle > 0)
		*out = g->idle[--g->n_idle];
	pthread_mutex_unlock(&g->pool_lock);
	if (*out)
		return DORMANT_OK;
	return gcp_live_http_new(g, out, err);
}

void
gcp_live_http_give(struct gcp_live *g, struct dormant_http *http)
{
	if (!http)
		return;
	pthread_mutex_lock(&g->pool_lock);
	if (g->n_idle < GCP_POOL_MAX) {
		g->idle[g->n_idle++] = http;
		http = NULL;
	}
	pthread_mutex_unlock(&g->pool_lock);
	dormant_http_free(http);
}
