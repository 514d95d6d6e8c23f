/* dormant azure: the live scan over Microsoft Graph v1.0.
 *
 * list_users, for one tenant:
 *   1. GET /v1.0/users/$count (ConsistencyLevel: eventual): how many
 *      users, to say at -v how long the paced scan will take;
 *   2. GET /v1.0/roleManagement/directory/roleAssignments?$expand=principal,
 *      every page: who holds a directory role, users and role-assignable
 *      groups alike, in one listing (directoryRoles?$expand=members would
 *      need a request per role and cuts members at 20); the same for
 *      roleEligibilitySchedules (PIM: who may activate a role); then GET
 *      /v1.0/groups/{id}/members?$select=id for each such group (role-
 *      assignable groups cannot hold other groups);
 *   3. GET /v1.0/users?$select=<the fields below>&$top=120, following
 *      @odata.nextLink to the end. 120 is the largest page Graph serves
 *      once $select names signInActivity ("List users": "When you specify
 *      $select=signInActivity ... the maximum page size for $top is
 *      120").
 *
 * Sign-in activity reads are paced to requests_per_minute (default 10,
 * the "GET signInActivity: 10 requests per minute" per app per tenant of
 * "Microsoft Graph service-specific throttling limits", identity and
 * access reports), with a burst of ten seconds' worth.
 */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <dormant/buf.h>
#include <dormant/crypto.h>
#include <dormant/json.h>

#include "live.h"
#include "batch.h"
#include "graph.h"
#include "graph_page.h"
#include "graph_roles.h"
#include "graph_users.h"

#define USER_SELECT                                                            \
	"id,userPrincipalName,mail,displayName,accountEnabled,"                \
	"createdDateTime,userType,signInActivity"
#define PAGE_SIZE         120
#define CERT_FILE_MAX     ((size_t)1 << 20)
#define DEFAULT_AUTHORITY "https://login.microsoftonline.com"
#define DEFAULT_RATE      10
/* Far past any Graph limit: tests and mocks run unpaced with it. */
#define MAX_RATE 100000000L

#define NEEDS_USERS  "User.Read.All and AuditLog.Read.All"
#define NEEDS_ROLES  "RoleManagement.Read.Directory"
#define NEEDS_GROUPS "GroupMember.Read.All"
/* The least privileged permission of "List roleEligibilitySchedules";
 * the PIM APIs also need a Microsoft Entra ID P2 (or Governance) licence
 * in the tenant. */
#define NEEDS_ELIGIBLE "RoleEligibilitySchedule.Read.Directory"

/* Each cloud's identity platform authority and its Graph roots, the first
 * the default ("Microsoft Graph national cloud deployments": app
 * registration and token service root endpoints, Microsoft Graph service
 * root endpoints). US Government L4 and L5 (DOD) share the .us authority.
 * A token's audience is one of these roots: "Any permission scope value
 * (including the .default scope) that contains the Microsoft Graph domain
 * MUST use the domain of the Microsoft Graph service root endpoint for the
 * national cloud deployment" ("Access national cloud deployments with the
 * Microsoft Graph SDKs"). */
static const struct {
	const char *authority;
	const char *graph[2];
} clouds[] = {
        {"https://login.microsoftonline.com", {"https://graph.microsoft.com"}},
        {"https://login.microsoftonline.us",
         {"https://graph.microsoft.us", "https://dod-graph.microsoft.us"}},
        {"https://login.chinacloudapi.cn",
         {"https://microsoftgraph.chinacloudapi.cn"}},
        {"https://login.partner.microsoftonline.cn",
         {"https://microsoftgraph.chinacloudapi.cn"}},
};

/* The environment wins over the file (README: defaults < file <
 * environment < command line), as Azure's own SDKs read it. */
static const char *
setting(const struct dormant_host *host, const char *env, const char *key)
{
	const char *v = env ? getenv(env) : NULL;

	if (v && *v)
		return v;
	v = key ? host->config(host, key) : NULL;
	return v && *v ? v : NULL;
}

static bool
all_in(const char *s, const char *set, size_t max)
{
	size_t n = strlen(s);

	return n > 0 && n <= max && strspn(s, set) == n;
}

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/* An https origin (no path, query or user info) without its trailing
 * slash, as a new string. */
static enum dormant_status
origin(const char *what, const char *v, char **out, struct dormant_error *err)
{
	size_t n = strlen(v);

	*out = NULL;
	while (n > 0 && v[n - 1] == '/')
		n--;
	if (n <= 8 || strncmp(v, "https://", 8) != 0 ||
	    memchr(v + 8, '/', n - 8) || memchr(v, '?', n) ||
	    memchr(v, '@', n) || memchr(v, '#', n) || n > 256)
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "%s must be an https:// URL without a "
		                         "path, not \"%.80s\"",
		                         what, v);
	*out = strndup(v, n);
	if (!*out)
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	return DORMANT_OK;
}

static enum dormant_status
load_certificate(struct azure *az, const char *path, struct dormant_error *err)
{
	struct dormant_buf pem;
	unsigned char thumb[DORMANT_SHA256_LEN];
	char when[DORMANT_TIME_BUFSZ];
	enum dormant_status st;

	dormant_buf_init(&pem, CERT_FILE_MAX);
	st = dormant_buf_read_file(&pem, path, err);
	if (st != DORMANT_OK) {
		dormant_error_prefix(err, "client certificate");
		goto out;
	}
	st = dormant_cert_thumbprint_sha256(pem.data, pem.len, path, thumb,
	                                    &az->creds.cert_not_after, err);
	if (st != DORMANT_OK)
		goto out;
	if (az->creds.cert_not_after <= az->host->now(az->host)) {
		st = dormant_error_set(
		        err, DORMANT_ERR_AUTH,
		        "client certificate %s expired on %s: upload a new "
		        "one to the app registration",
		        path,
		        dormant_time_format(az->creds.cert_not_after, when));
		goto out;
	}
	st = dormant_private_key_load_pem(pem.data, pem.len, path,
	                                  &az->creds.key, err);
	if (st != DORMANT_OK)
		goto out;
	az->creds.x5t_s256 = dormant_base64url_encode(thumb, sizeof(thumb));
	if (!az->creds.x5t_s256)
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
out:
	if (pem.data)
		dormant_wipe(pem.data, pem.len);
	dormant_buf_free(&pem);
	return st;
}

/* Where Graph requests go (az->graph) and the token's audience
 * (*resource, owned by the caller), from authority_host, graph_endpoint
 * and graph_resource:
 *   - graph_resource, when set, is the audience;
 *   - else, for an authority of a known cloud, graph_endpoint's own root
 *     when it is one of that cloud's Graph roots (DOD's shares the .us
 *     authority), or else the cloud's default root: a graph_endpoint
 *     that is a reverse proxy or egress gateway in front of Graph does
 *     not change whom the token is for;
 *   - else (an authority dormant does not know: Azure Stack Hub, a test
 *     double) graph_endpoint, which must then be set.
 * Graph requests go to graph_endpoint, else the cloud's default root. */
static enum dormant_status
endpoints(const char *authority, const char *graph, const char *resource_key,
          struct azure *az, char **resource, struct dormant_error *err)
{
	const char *const *roots = NULL;
	const char *aud = NULL;
	enum dormant_status st = DORMANT_OK;

	*resource = NULL;
	for (size_t i = 0; i < sizeof(clouds) / sizeof(clouds[0]); i++)
		if (strcasecmp(authority, clouds[i].authority) == 0)
			roots = clouds[i].graph;
	if (graph)
		st = origin("graph_endpoint", graph, &az->graph, err);
	else if (roots)
		az->graph = strdup(roots[0]);
	else
		return dormant_error_set(
		        err, DORMANT_ERR_CONFIG,
		        "authority_host %s: unknown cloud; set "
		        "graph_endpoint (and graph_resource "
		        "if tokens are for another audience)",
		        authority);
	if (st != DORMANT_OK)
		return st;
	if (!az->graph)
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	if (resource_key)
		return origin("graph_resource", resource_key, resource, err);
	if (roots) {
		aud = roots[0];
		for (size_t i = 0; i < 2 && roots[i]; i++)
			if (strcasecmp(az->graph, roots[i]) == 0)
				aud = roots[i];
	} else
		aud = az->graph;
	*resource = strdup(aud);
	if (!*resource)
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "out of memory");
	return DORMANT_OK;
}

enum dormant_status
azure_live_open(struct azure *az, struct dormant_error *err)
{
	const struct dormant_host *h = az->host;
	const char *tenant = setting(h, "AZURE_TENANT_ID", "tenant_id");
	const char *client = setting(h, "AZURE_CLIENT_ID", "client_id");
	const char *secret = setting(h, "AZURE_CLIENT_SECRET", "client_secret");
	const char *cert = setting(h, "AZURE_CLIENT_CERTIFICATE_PATH",
	                           "client_certificate");
	const char *fed = setting(h, "AZURE_FEDERATED_TOKEN_FILE",
	                          "federated_token_file");
	const char *auth = setting(h, "AZURE_AUTHORITY_HOST", "authority_host");
	const char *graph = setting(h, NULL, "graph_endpoint");
	const char *resource_key = setting(h, NULL, "graph_resource");
	char *authority = NULL, *resource = NULL;
	struct dormant_buf b;
	long per_minute = DEFAULT_RATE;
	double rate;
	enum dormant_status st;

	dormant_buf_init(&b, 0);
	azure_tokens_init(&az->tokens);
	st = h->config_long(h, "requests_per_minute", 1, MAX_RATE, DEFAULT_RATE,
	                    &per_minute, err);
	rate = (double)per_minute;
	/* Graph's limits are per minute; the bucket lets a sixth of a
	 * minute's worth go at once. */
	az->pacer = dormant_ratelimit_new(rate / 60.0, rate / 6);
	az->live = true;
	if (st == DORMANT_OK && !az->pacer)
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
	if (st != DORMANT_OK)
		goto out;
	if (!tenant || !client) {
		st = dormant_error_set(err, DORMANT_ERR_CONFIG,
		                       "set tenant_id and client_id (or "
		                       "AZURE_TENANT_ID and AZURE_CLIENT_ID), "
		                       "or users_file for offline input");
		goto out;
	}
	/* Both go into URLs and claims: GUIDs or domain names only. */
	if (!all_in(tenant, ALNUM "-.", 128)) {
		st = dormant_error_set(err, DORMANT_ERR_CONFIG,
		                       "tenant_id: not a tenant id or domain "
		                       "name: \"%.80s\"",
		                       tenant);
		goto out;
	}
	if (!all_in(client, ALNUM "-", 64)) {
		st = dormant_error_set(err, DORMANT_ERR_CONFIG,
		                       "client_id: not an application id: "
		                       "\"%.80s\"",
		                       client);
		goto out;
	}
	if (secret)
		az->creds.kind = AZURE_CRED_SECRET;
	else if (cert)
		az->creds.kind = AZURE_CRED_CERTIFICATE;
	else if (fed)
		az->creds.kind = AZURE_CRED_FEDERATED;
	else {
		st = dormant_error_set(
		        err, DORMANT_ERR_CONFIG,
		        "no credential: set client_secret "
		        "(AZURE_CLIENT_SECRET), "
		        "client_certificate (AZURE_CLIENT_CERTIFICATE_PATH) or "
		        "AZURE_FEDERATED_TOKEN_FILE");
		goto out;
	}
	st = origin("authority_host", auth ? auth : DEFAULT_AUTHORITY,
	            &authority, err);
	if (st != DORMANT_OK)
		goto out;
	st = endpoints(authority, graph, resource_key, az, &resource, err);
	if (st != DORMANT_OK)
		goto out;
	az->creds.tenant = strdup(tenant);
	az->creds.client_id = strdup(client);
	az->scope = strdup(tenant);
	if (dormant_buf_appendf(&b, "%s/%s/oauth2/v2.0/token", authority,
	                        tenant) != DORMANT_OK)
		goto nomem;
	az->creds.token_url = dormant_buf_steal(&b);
	if (dormant_buf_appendf(&b, "%s/.default", resource) != DORMANT_OK)
		goto nomem;
	az->creds.scope = dormant_buf_steal(&b);
	if (!az->graph || !az->creds.tenant || !az->creds.client_id ||
	    !az->scope || !az->creds.token_url || !az->creds.scope)
		goto nomem;
	switch (az->creds.kind) {
	case AZURE_CRED_SECRET:
		az->creds.secret = strdup(secret);
		if (!az->creds.secret)
			goto nomem;
		break;
	case AZURE_CRED_CERTIFICATE:
		st = load_certificate(az, cert, err);
		break;
	case AZURE_CRED_FEDERATED:
		az->creds.federated_file = strdup(fed);
		if (!az->creds.federated_file)
			goto nomem;
		break;
	}
	if (st == DORMANT_OK && h->log)
		h->log(h, DORMANT_LOG_INFO,
		       "tenant %s: live scan through %s (tokens for %s) with "
		       "a client %s; sign-in activity reads paced to %.0f a "
		       "minute",
		       tenant, az->graph, resource,
		       az->creds.kind == AZURE_CRED_SECRET ? "secret"
		       : az->creds.kind == AZURE_CRED_CERTIFICATE
		               ? "certificate"
		               : "federated token",
		       rate);
	goto out;
nomem:
	st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
out:
	free(authority);
	free(resource);
	dormant_buf_free(&b);
	return st;
}

void
azure_live_close(struct azure *az)
{
	if (!az->live)
		return;
	azure_creds_free(&az->creds);
	azure_tokens_destroy(&az->tokens);
	dormant_ratelimit_free(az->pacer);
	free(az->graph);
	az->graph = NULL;
}

/* ---- listing ---- */

static enum dormant_status
count_users(struct azure *az, struct azure_graph *g)
{
	struct azure_graph_call call = {0};
	struct dormant_http_response resp = {0};
	struct dormant_error err;
	struct dormant_buf url;
	enum dormant_status st;
	char *end;
	long long n;

	dormant_buf_init(&url, 0);
	st = dormant_buf_appendf(&url, "%s/v1.0/users/$count", az->graph);
	if (st != DORMANT_OK)
		goto out;
	call.method = "GET";
	call.url = url.data;
	/* $count on directory objects is an "advanced query" ("Advanced
	 * query capabilities on Microsoft Entra ID objects"). */
	call.consistency = "eventual";
	call.needs = "User.Read.All";
	st = azure_graph_send(g, &call, &resp, &err);
	if (st != DORMANT_OK) {
		az->host->log(az->host, DORMANT_LOG_INFO,
		              "tenant %s: cannot count users first: %s",
		              az->creds.tenant, err.msg);
		goto out;
	}
	n = strtoll(resp.body, &end, 10);
	while (*end == '\r' || *end == '\n' || *end == ' ')
		end++;
	if (end == resp.body || *end || n < 0) {
		az->host->log(az->host, DORMANT_LOG_INFO,
		              "tenant %s: users/$count answered no number",
		              az->creds.tenant);
		goto out;
	}
	{
		double pages = (double)((n + PAGE_SIZE - 1) / PAGE_SIZE);
		double secs = dormant_ratelimit_eta(az->pacer, pages);

		az->host->log(az->host, DORMANT_LOG_INFO,
		              "tenant %s: %lld users in %.0f pages of %d; "
		              "expected to take %.0f s at the paced rate",
		              az->creds.tenant, n, pages, PAGE_SIZE, secs);
	}
out:
	dormant_http_response_clear(&resp);
	dormant_buf_free(&url);
	return st;
}

struct roles_ctx {
	struct azure_admins *admins;
	const char *what;
};

static enum dormant_status
roles_page(void *vctx, const char *body, size_t len, char **next,
           struct dormant_error *err)
{
	struct roles_ctx *ctx = vctx;

	return azure_roles_parse_page(body, len, ctx->what, ctx->admins, next,
	                              err);
}

/* One page of /groups/{id}/members?$select=id: every member's id. */
static enum dormant_status
members_page(void *vctx, const char *body, size_t len, char **next,
             struct dormant_error *err)
{
	struct roles_ctx *ctx = vctx;
	cJSON *root = NULL;
	const cJSON *value, *m;
	enum dormant_status st;

	st = dormant_json_parse(body, len, ctx->what, &root, err);
	if (st == DORMANT_OK)
		st = azure_graph_page_open(root, ctx->what, &value, next, err);
	if (st != DORMANT_OK)
		goto out;
	cJSON_ArrayForEach(m, value)
	{
		const char *id = NULL;

		const cJSON *type =
		        cJSON_GetObjectItemCaseSensitive(m, "@odata.type");

		st = azure_graph_string(m, "id", true, &id, err);
		/* A role-assignable group cannot hold groups ("Use Microsoft
		 * Entra groups to manage role assignments"): a group here is
		 * an answer this scan does not understand, and its members
		 * would be admins nobody listed. */
		if (st == DORMANT_OK && cJSON_IsString(type) &&
		    strcmp(type->valuestring, "#microsoft.graph.group") == 0)
			st = azure_admins_incomplete(
			        ctx->admins, err,
			        "%s: a role-assignable group lists group "
			        "%.40s among its members",
			        ctx->what, id);
		if (st == DORMANT_OK)
			st = azure_admins_add(ctx->admins, id, err);
		if (st != DORMANT_OK) {
			dormant_error_prefix(err, "%s", ctx->what);
			goto out;
		}
	}
out:
	if (st != DORMANT_OK) {
		free(*next);
		*next = NULL;
	}
	cJSON_Delete(root);
	return st;
}

/* Who holds a directory role, active or PIM-eligible. A failure does not
 * stop the scan: the users are still reported, and core is told that
 * admins are unknown so that nobody is disabled (SPEC sections 3 and 7).
 * Any failure counts: a refused or garbled page of any listing, or an
 * answer that leaves a group's members or a principal's type unknown. */
static enum dormant_status
load_admins(struct azure *az, struct azure_graph *g,
            struct azure_admins *admins, struct dormant_sink *sink)
{
	/* Both listings of unifiedRoleScheduleBase-like items: principalId
	 * and, expanded, the principal with its @odata.type. Eligibility
	 * schedules rather than their instances: a schedule that starts
	 * later is an admin to be, and it is one call either way. */
	static const struct {
		const char *path, *what, *needs;
	} lists[] = {
	        {"roleAssignments",
	         "GET /v1.0/roleManagement/directory/roleAssignments",
	         NEEDS_ROLES},
	        {"roleEligibilitySchedules",
	         "GET /v1.0/roleManagement/directory/roleEligibilitySchedules",
	         NEEDS_ELIGIBLE},
	};
	struct azure_graph_call call = {0};
	struct roles_ctx ctx = {admins, NULL};
	struct dormant_error err = {{0}};
	struct dormant_buf url;
	enum dormant_status st = DORMANT_OK;
	char why[DORMANT_ERROR_MAX + 64];

	dormant_buf_init(&url, 0);
	admins->collect_groups = true;
	call.method = "GET";
	for (size_t i = 0;
	     st == DORMANT_OK && i < sizeof(lists) / sizeof(lists[0]); i++) {
		dormant_buf_reset(&url);
		st = dormant_buf_appendf(&url,
		                         "%s/v1.0/roleManagement/directory/%s"
		                         "?$expand=principal",
		                         az->graph, lists[i].path);
		if (st != DORMANT_OK) {
			dormant_error_set(&err, st, "out of memory");
			break;
		}
		call.url = url.data;
		call.needs = lists[i].needs;
		ctx.what = lists[i].what;
		st = azure_graph_pages(g, &call, roles_page, &ctx, &err);
	}
	for (size_t i = 0; st == DORMANT_OK && i < admins->n_groups; i++) {
		char *enc = dormant_http_urlencode(admins->groups[i]);

		dormant_buf_reset(&url);
		if (!enc || dormant_buf_appendf(&url,
		                                "%s/v1.0/groups/%s/members?"
		                                "$select=id",
		                                az->graph, enc) != DORMANT_OK) {
			free(enc);
			st = dormant_error_set(&err, DORMANT_ERR_NOMEM,
			                       "out of memory");
			break;
		}
		free(enc);
		call.url = url.data;
		call.needs = NEEDS_GROUPS;
		ctx.what = "GET /v1.0/groups/{id}/members";
		st = azure_graph_pages(g, &call, members_page, &ctx, &err);
	}
	azure_admins_finish(admins);
	dormant_buf_free(&url);
	if (st == DORMANT_ERR_NOMEM || st == DORMANT_ERR_CANCELLED)
		return st;
	if (st != DORMANT_OK || admins->incomplete) {
		snprintf(why, sizeof(why),
		         "cannot tell who holds a directory role: %s",
		         st != DORMANT_OK ? err.msg : admins->incomplete);
		if (sink->admins_unknown)
			sink->admins_unknown(sink, why);
	}
	return DORMANT_OK;
}

struct users_ctx {
	struct azure_users_stream s;
	struct dormant_sink *sink;
};

static enum dormant_status
users_page(void *vctx, const char *body, size_t len, char **next,
           struct dormant_error *err)
{
	struct users_ctx *ctx = vctx;

	return azure_users_parse_page(body, len, &ctx->s, ctx->sink, next, err);
}

enum dormant_status
azure_live_list_users(struct azure *az, struct dormant_sink *sink,
                      struct dormant_error *err)
{
	struct azure_graph g = {0};
	struct azure_admins admins;
	struct azure_graph_call call = {0};
	struct users_ctx ctx;
	struct dormant_buf url;
	enum dormant_status st;

	azure_admins_init(&admins);
	dormant_buf_init(&url, 0);
	if (sink->set_scope)
		sink->set_scope(sink, az->creds.tenant);
	st = azure_graph_open(az, &g, err);
	if (st != DORMANT_OK)
		goto out;
	count_users(az, &g);
	st = load_admins(az, &g, &admins, sink);
	if (st != DORMANT_OK) {
		dormant_error_set(err, st, "%s", dormant_strerror(st));
		goto out;
	}
	st = dormant_buf_appendf(
	        &url, "%s/v1.0/users?$select=" USER_SELECT "&$top=%d",
	        az->graph, PAGE_SIZE);
	if (st != DORMANT_OK) {
		dormant_error_set(err, st, "out of memory");
		goto out;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.s.what = "GET /v1.0/users";
	ctx.s.scope = az->creds.tenant;
	ctx.s.admins = &admins;
	ctx.sink = sink;
	call.method = "GET";
	call.url = url.data;
	call.paced = true;
	call.needs = NEEDS_USERS;
	st = azure_graph_pages(&g, &call, users_page, &ctx, err);
	if (st == DORMANT_OK)
		az->host->log(
		        az->host, DORMANT_LOG_INFO,
		        "tenant %s: %zu users in %zu pages, %zu directory "
		        "role holders",
		        az->creds.tenant, ctx.s.users, ctx.s.pages, admins.n);
out:
	azure_graph_close(&g);
	azure_admins_free(&admins);
	dormant_buf_free(&url);
	return st;
}

/* ---- one user ---- */

struct one_ctx {
	struct dormant_sink sink; /* first: the callback gets it back */
	const char *want;
	int64_t last_login;
	size_t seen;
	bool match;
};

static enum dormant_status
one_user(struct dormant_sink *sink, const struct dormant_user *u)
{
	struct one_ctx *c = (struct one_ctx *)sink;

	c->seen++;
	c->match = strcasecmp(u->id, c->want) == 0;
	c->last_login = u->last_login;
	return DORMANT_OK;
}

/* One user's sign-in activity, the way Microsoft's "How to manage
 * inactive user accounts" page looks up users: the collection filtered
 * down to that user, with signInActivity in $select. */
enum dormant_status
azure_live_last_login(struct azure *az, const char *id, int64_t *last_login,
                      struct dormant_error *err)
{
	struct azure_graph g = {0};
	struct azure_graph_call call = {0};
	struct dormant_http_response resp = {0};
	struct azure_users_stream s;
	struct one_ctx c;
	struct dormant_buf url, filter;
	char *enc = NULL, *next = NULL;
	enum dormant_status st;

	*last_login = DORMANT_TIME_NONE;
	dormant_buf_init(&url, 0);
	dormant_buf_init(&filter, 0);
	memset(&c, 0, sizeof(c));
	memset(&s, 0, sizeof(s));
	/* An object id is a GUID: nothing else may reach the OData filter. */
	if (!all_in(id, "0123456789abcdefABCDEF-", 36)) {
		st = dormant_error_set(err, DORMANT_ERR_NOT_FOUND,
		                       "\"%.60s\" is not an Entra object id",
		                       id);
		goto out;
	}
	if (dormant_buf_appendf(&filter, "id eq '%s'", id) != DORMANT_OK ||
	    !(enc = dormant_http_urlencode(filter.data)) ||
	    dormant_buf_appendf(&url,
	                        "%s/v1.0/users?$filter=%s&$select=" USER_SELECT,
	                        az->graph, enc) != DORMANT_OK) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	st = azure_graph_open(az, &g, err);
	if (st != DORMANT_OK)
		goto out;
	call.method = "GET";
	call.url = url.data;
	call.paced = true;
	call.needs = NEEDS_USERS;
	st = azure_graph_send(&g, &call, &resp, err);
	if (st != DORMANT_OK)
		goto out;
	c.sink.user = one_user;
	c.want = id;
	s.what = "GET /v1.0/users?$filter=id";
	s.scope = az->creds.tenant;
	st = azure_users_parse_page(resp.body, resp.body_len, &s, &c.sink,
	                            &next, err);
	if (st != DORMANT_OK)
		goto out;
	if (c.seen == 0) {
		st = dormant_error_set(err, DORMANT_ERR_NOT_FOUND,
		                       "no user with id %s in tenant %s", id,
		                       az->creds.tenant);
		goto out;
	}
	if (c.seen != 1 || !c.match || next) {
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "%s: the answer is not about that one "
		                       "user",
		                       s.what);
		goto out;
	}
	*last_login = c.last_login;
out:
	dormant_http_response_clear(&resp);
	azure_graph_close(&g);
	dormant_buf_free(&url);
	dormant_buf_free(&filter);
	free(enc);
	free(next);
	return st;
}

enum dormant_status
azure_live_set_enabled_many(struct azure *az, struct dormant_action_item *items,
                            size_t n, bool enabled)
{
	struct azure_graph g = {0};
	struct azure_action *acts = calloc(n ? n : 1, sizeof(*acts));
	struct dormant_error err = {{0}};
	enum dormant_status st;

	if (!acts)
		return DORMANT_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		acts[i].id = items[i].id;
		acts[i].enable = enabled;
	}
	st = azure_graph_open(az, &g, &err);
	if (st == DORMANT_OK)
		azure_actions_run(&g, acts, n, &err);
	for (size_t i = 0; i < n; i++) {
		/* A client that could not even open fails every item alike. */
		items[i].status = st != DORMANT_OK ? st : acts[i].status;
		snprintf(items[i].error.msg, sizeof(items[i].error.msg), "%s",
		         st != DORMANT_OK ? err.msg : acts[i].error);
	}
	azure_graph_close(&g);
	free(acts);
	return st;
}

enum dormant_status
azure_live_set_enabled(struct azure *az, const char *id, bool enabled,
                       struct dormant_error *err)
{
	struct azure_graph g = {0};
	struct azure_action act = {.id = id, .enable = enabled};
	enum dormant_status st;

	st = azure_graph_open(az, &g, err);
	if (st == DORMANT_OK)
		st = azure_actions_run(&g, &act, 1, err);
	azure_graph_close(&g);
	return st;
}
