/* dormant aws: administrator power from GetAccountAuthorizationDetails
 * (see authz.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#include <cjson/cJSON.h>

#include <dormant/buf.h>

#include "authz.h"
#include "xml.h"

/* IAM quotas: 5,000 users and 300 groups an account, 1,500 customer
 * managed policies; far more means a server that never stops. */
#define MAX_ENTITIES ((size_t)1000000)
/* A user is in at most 10 groups, has at most 20 attached policies (and
 * a few inline ones): a list this long is garbage. */
#define MAX_LIST 10000
/* A managed policy keeps at most 5 versions. */
#define MAX_VERSIONS 16
#define ROOT         "GetAccountAuthorizationDetailsResponse"
#define RESULT       ROOT "/GetAccountAuthorizationDetailsResult/"
#define WHAT         "IAM GetAccountAuthorizationDetails answer"

struct names {
	char **v;
	size_t n, cap;
};

struct user {
	char *arn;
	bool inline_admin;
	struct names groups, managed;
	bool admin;
};

struct group {
	char *name;
	bool inline_admin;
	struct names managed;
	bool admin;
};

struct policy {
	char *arn;
	bool admin;
};

struct version {
	char id[32];
	bool is_default;
	bool admin;
};

struct aws_authz {
	struct user *users;
	size_t n_users, cap_users;
	struct group *groups;
	size_t n_groups, cap_groups;
	struct policy *policies;
	size_t n_policies, cap_policies;
	bool finished;

	/* The element being read (XML) or converted (JSON). */
	struct user cur_user;
	struct group cur_group;
	char *cur_policy;
	char default_id[32];
	struct version versions[MAX_VERSIONS];
	size_t n_versions;
	struct version cur_version;
	struct aws_iam_page *page;
	bool have_truncated;
};

static enum dormant_status
nomem(struct dormant_error *err)
{
	return dormant_error_set(err, DORMANT_ERR_NOMEM, "%s",
	                         dormant_strerror(DORMANT_ERR_NOMEM));
}

static void
names_free(struct names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static enum dormant_status
names_add(struct names *l, const char *s, size_t len, struct dormant_error *err)
{
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 4;
		char **v;

		if (l->n >= MAX_LIST)
			return dormant_error_set(err, DORMANT_ERR_PARSE,
			                         "%s: a list of more than %d "
			                         "names",
			                         WHAT, MAX_LIST);
		v = realloc(l->v, ncap * sizeof(*v));
		if (!v)
			return nomem(err);
		l->v = v;
		l->cap = ncap;
	}
	l->v[l->n] = strndup(s, len);
	if (!l->v[l->n])
		return nomem(err);
	l->n++;
	return DORMANT_OK;
}

struct aws_authz *
aws_authz_new(void)
{
	return calloc(1, sizeof(struct aws_authz));
}

static void
clear_current(struct aws_authz *a)
{
	free(a->cur_user.arn);
	names_free(&a->cur_user.groups);
	names_free(&a->cur_user.managed);
	memset(&a->cur_user, 0, sizeof(a->cur_user));
	free(a->cur_group.name);
	names_free(&a->cur_group.managed);
	memset(&a->cur_group, 0, sizeof(a->cur_group));
	free(a->cur_policy);
	a->cur_policy = NULL;
	a->default_id[0] = '\0';
	a->n_versions = 0;
	memset(&a->cur_version, 0, sizeof(a->cur_version));
}

void
aws_authz_free(struct aws_authz *a)
{
	if (!a)
		return;
	clear_current(a);
	for (size_t i = 0; i < a->n_users; i++) {
		free(a->users[i].arn);
		names_free(&a->users[i].groups);
		names_free(&a->users[i].managed);
	}
	for (size_t i = 0; i < a->n_groups; i++) {
		free(a->groups[i].name);
		names_free(&a->groups[i].managed);
	}
	for (size_t i = 0; i < a->n_policies; i++)
		free(a->policies[i].arn);
	free(a->users);
	free(a->groups);
	free(a->policies);
	free(a);
}

/* Grows an array of `size`-byte items to hold one more. */
static enum dormant_status
grow(void **v, size_t *cap, size_t n, size_t size, struct dormant_error *err)
{
	void *nv;
	size_t ncap;

	if (n < *cap)
		return DORMANT_OK;
	if (n >= MAX_ENTITIES)
		return dormant_error_set(err, DORMANT_ERR_TOO_LARGE,
		                         "%s: more than %zu entities", WHAT,
		                         MAX_ENTITIES);
	ncap = *cap ? *cap * 2 : 64;
	nv = realloc(*v, ncap * size);
	if (!nv)
		return nomem(err);
	*v = nv;
	*cap = ncap;
	return DORMANT_OK;
}

/* ---- judging a policy document ---- */

/* IAM's wildcard match: '*' any run, '?' one character; action names
 * are case-insensitive (IAM User Guide, "IAM JSON policy elements:
 * Action"). */
static bool
glob_ci(const char *p, const char *s)
{
	const char *star = NULL, *retry = NULL;

	while (*s) {
		if (*p == '*') {
			star = p++;
			retry = s;
		} else if (*p == '?' ||
		           (*p && tolower((unsigned char)*p) ==
		                          tolower((unsigned char)*s))) {
			p++;
			s++;
		} else if (star) {
			p = star + 1;
			s = ++retry;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return !*p;
}

/* Actions that let their holder give itself, or a principal it controls,
 * any permission: with any one of them on IAM resources a user is as
 * good as an administrator. (The documented IAM privilege-escalation
 * paths: attach or write a policy on oneself, one's group or a role;
 * rewrite a managed policy; lift a permissions boundary.) */
static const char *const escalation[] = {
        "iam:AttachUserPolicy",
        "iam:PutUserPolicy",
        "iam:AttachGroupPolicy",
        "iam:PutGroupPolicy",
        "iam:AddUserToGroup",
        "iam:AttachRolePolicy",
        "iam:PutRolePolicy",
        "iam:CreatePolicyVersion",
        "iam:SetDefaultPolicyVersion",
        "iam:DeleteUserPermissionsBoundary",
        "iam:PutUserPermissionsBoundary",
        NULL,
};

/* Calls fn for each string of a string-or-array element; a non-string
 * is an error. */
static bool
strings_of(const cJSON *v, bool (*fn)(const char *, void *), void *ctx,
           bool *bad)
{
	const cJSON *e;

	if (cJSON_IsString(v))
		return fn(v->valuestring, ctx);
	if (!cJSON_IsArray(v)) {
		*bad = true;
		return false;
	}
	cJSON_ArrayForEach(e, v)
	{
		if (!cJSON_IsString(e)) {
			*bad = true;
			return false;
		}
		if (fn(e->valuestring, ctx))
			return true;
	}
	return false;
}

static bool
action_grants(const char *pattern, void *ctx)
{
	(void)ctx;
	for (const char *const *e = escalation; *e; e++)
		if (glob_ci(pattern, *e))
			return true;
	return false;
}

static bool
matches_one(const char *pattern, void *ctx)
{
	return glob_ci(pattern, ctx);
}

/* A resource that can be an IAM user, group, role or policy: "*", an
 * ARN whose service part matches "iam", or anything not an ARN (the
 * policy variables, garbage: when in doubt, it can). */
static bool
resource_iam(const char *r, void *ctx)
{
	char service[64];
	const char *p, *q;

	(void)ctx;
	if (strncmp(r, "arn:", 4) != 0)
		return true;
	p = strchr(r + 4, ':'); /* after the partition */
	if (!p)
		return true;
	q = strchr(p + 1, ':');
	if (!q || (size_t)(q - p - 1) >= sizeof(service))
		return true;
	memcpy(service, p + 1, (size_t)(q - p - 1));
	service[q - p - 1] = '\0';
	return glob_ci(service, "iam");
}

static bool
all_of(const char *r, void *ctx)
{
	(void)ctx;
	return strcmp(r, "*") == 0;
}

static enum dormant_status
judge_statement(const cJSON *s, bool *admin, struct dormant_error *err)
{
	const cJSON *effect = cJSON_GetObjectItemCaseSensitive(s, "Effect");
	const cJSON *action = cJSON_GetObjectItemCaseSensitive(s, "Action");
	const cJSON *not_action =
	        cJSON_GetObjectItemCaseSensitive(s, "NotAction");
	const cJSON *resource = cJSON_GetObjectItemCaseSensitive(s, "Resource");
	const cJSON *not_resource =
	        cJSON_GetObjectItemCaseSensitive(s, "NotResource");
	bool bad = false, grants = false, on_iam = true;

	if (!cJSON_IsObject(s) || !cJSON_IsString(effect))
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "policy document: a Statement without "
		                         "Effect");
	if (strcmp(effect->valuestring, "Allow") != 0)
		return DORMANT_OK; /* Deny: not weighed, see authz.h */
	if (action) {
		grants = strings_of(action, action_grants, NULL, &bad);
	} else if (not_action) {
		/* Allows all but these: counts when one escalation action
		 * is left out of every pattern. */
		for (const char *const *e = escalation; *e && !bad; e++)
			if (!strings_of(not_action, matches_one, (void *)*e,
			                &bad))
				grants = true;
	} else {
		bad = true;
	}
	if (resource)
		on_iam = strings_of(resource, resource_iam, NULL, &bad);
	else if (not_resource)
		on_iam = !strings_of(not_resource, all_of, NULL, &bad);
	if (bad)
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "policy document: Action, NotAction, "
		                         "Resource or NotResource is neither a "
		                         "string nor a list of strings");
	if (grants && on_iam)
		*admin = true;
	return DORMANT_OK;
}

static enum dormant_status
judge_json(const cJSON *doc, bool *admin, struct dormant_error *err)
{
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(doc, "Statement");
	const cJSON *s;
	enum dormant_status rc = DORMANT_OK;

	*admin = false;
	if (!cJSON_IsObject(doc) || !st)
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "policy document: no Statement");
	if (cJSON_IsObject(st))
		return judge_statement(st, admin, err);
	if (!cJSON_IsArray(st))
		return dormant_error_set(
		        err, DORMANT_ERR_PARSE,
		        "policy document: Statement is neither "
		        "an object nor a list");
	cJSON_ArrayForEach(s, st)
	{
		rc = judge_statement(s, admin, err);
		if (rc != DORMANT_OK)
			break;
	}
	return rc;
}

enum dormant_status
aws_authz_judge_text(const char *json, size_t len, bool *admin,
                     struct dormant_error *err)
{
	cJSON *doc = cJSON_ParseWithLength(json, len);
	enum dormant_status st;

	*admin = false;
	if (!doc)
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "policy document: not JSON");
	st = judge_json(doc, admin, err);
	cJSON_Delete(doc);
	return st;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Documents in the Query answer are URL-encoded (RFC 3986, says the
 * API reference): %XX only; a '+' is a plus. */
static enum dormant_status
judge_encoded(const char *text, size_t len, bool *admin,
              struct dormant_error *err)
{
	char *plain;
	size_t o = 0;
	enum dormant_status st;

	if (len > AWS_POLICY_DOC_MAX)
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: a policy document over %zu bytes",
		                         WHAT, AWS_POLICY_DOC_MAX);
	plain = malloc(len + 1);
	if (!plain)
		return nomem(err);
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '%') {
			int hi = i + 1 < len ? hexval(text[i + 1]) : -1;
			int lo = i + 2 < len ? hexval(text[i + 2]) : -1;
			int h = hi < 0 || lo < 0 ? -1 : hi * 16 + lo;

			if (h < 0) {
				free(plain);
				return dormant_error_set(
				        err, DORMANT_ERR_PARSE,
				        "%s: a policy document with a bad "
				        "%%-escape",
				        WHAT);
			}
			plain[o++] = (char)h;
			i += 2;
		} else {
			plain[o++] = text[i];
		}
	}
	plain[o] = '\0';
	st = aws_authz_judge_text(plain, o, admin, err);
	free(plain);
	return st;
}

/* AWS-managed policies are not in the answer (no AWSManagedPolicy
 * filter: hundreds of them), so they are judged by name: the ARN is
 * arn:PARTITION:iam::aws:policy/[PATH/]NAME. 1 admin, 0 not, -1 not an
 * AWS-managed policy. */
static int
aws_managed(const char *arn)
{
	const char *p, *name;

	if (strncmp(arn, "arn:", 4) != 0)
		return -1;
	p = strchr(arn + 4, ':');
	if (!p || strncmp(p, ":iam::aws:policy/", 17) != 0)
		return -1;
	name = strrchr(p, '/') + 1;
	return strcmp(name, "AdministratorAccess") == 0 ||
	       strncmp(name, "AdministratorAccess-", 20) == 0 ||
	       strcmp(name, "IAMFullAccess") == 0;
}

/* ---- the model ---- */

static enum dormant_status
commit_user(struct aws_authz *a, struct dormant_error *err)
{
	enum dormant_status st;

	if (!a->cur_user.arn)
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: a user without Arn", WHAT);
	st = grow((void **)&a->users, &a->cap_users, a->n_users,
	          sizeof(*a->users), err);
	if (st != DORMANT_OK)
		return st;
	a->users[a->n_users++] = a->cur_user;
	memset(&a->cur_user, 0, sizeof(a->cur_user));
	if (a->page)
		a->page->n_users++;
	return DORMANT_OK;
}

static enum dormant_status
commit_group(struct aws_authz *a, struct dormant_error *err)
{
	enum dormant_status st;

	if (!a->cur_group.name)
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: a group without GroupName", WHAT);
	st = grow((void **)&a->groups, &a->cap_groups, a->n_groups,
	          sizeof(*a->groups), err);
	if (st != DORMANT_OK)
		return st;
	a->groups[a->n_groups++] = a->cur_group;
	memset(&a->cur_group, 0, sizeof(a->cur_group));
	return DORMANT_OK;
}

/* A managed policy: its default version decides. A policy whose
 * default version is not in the answer counts as admin. */
static enum dormant_status
commit_policy(struct aws_authz *a, struct dormant_error *err)
{
	bool admin = true, found = false;
	enum dormant_status st;

	if (!a->cur_policy)
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: a policy without Arn", WHAT);
	for (size_t i = 0; i < a->n_versions; i++) {
		const struct version *v = &a->versions[i];

		if (v->is_default ||
		    (a->default_id[0] && strcmp(v->id, a->default_id) == 0)) {
			admin = found ? admin || v->admin : v->admin;
			found = true;
		}
	}
	st = grow((void **)&a->policies, &a->cap_policies, a->n_policies,
	          sizeof(*a->policies), err);
	if (st != DORMANT_OK)
		return st;
	a->policies[a->n_policies].arn = a->cur_policy;
	a->policies[a->n_policies].admin = admin;
	a->n_policies++;
	a->cur_policy = NULL;
	a->default_id[0] = '\0';
	a->n_versions = 0;
	return DORMANT_OK;
}

static enum dormant_status
commit_version(struct aws_authz *a, struct dormant_error *err)
{
	if (a->n_versions >= MAX_VERSIONS)
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: a policy with more than %d "
		                         "versions",
		                         WHAT, MAX_VERSIONS);
	a->versions[a->n_versions++] = a->cur_version;
	memset(&a->cur_version, 0, sizeof(a->cur_version));
	return DORMANT_OK;
}

static enum dormant_status
set_string(char **dst, const char *text, size_t len, const char *element,
           struct dormant_error *err)
{
	if (*dst)
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: <%s> twice", WHAT, element);
	*dst = strndup(text, len);
	return *dst ? DORMANT_OK : nomem(err);
}

static enum dormant_status
set_id(char *dst, size_t size, const char *text, size_t len,
       const char *element, struct dormant_error *err)
{
	if (len >= size)
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: <%s> too long", WHAT, element);
	memcpy(dst, text, len);
	dst[len] = '\0';
	return DORMANT_OK;
}

static enum dormant_status
set_bool(bool *dst, const char *text, size_t len, const char *element,
         struct dormant_error *err)
{
	if (len == 4 && memcmp(text, "true", 4) == 0)
		*dst = true;
	else if (len == 5 && memcmp(text, "false", 5) == 0)
		*dst = false;
	else
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: <%s> is not true or false", WHAT,
		                         element);
	return DORMANT_OK;
}

/* ---- the Query answer ---- */

static enum dormant_status
page_end(void *ctx, const char *path, const char *text, size_t len,
         struct dormant_error *err)
{
	struct aws_authz *a = ctx;
	const char *rel;
	bool admin = false;
	enum dormant_status st = DORMANT_OK;

	if (strncmp(path, ROOT, sizeof(ROOT) - 1) != 0 ||
	    (path[sizeof(ROOT) - 1] && path[sizeof(ROOT) - 1] != '/'))
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "%s: not a <%s> document", WHAT, ROOT);
	if (strncmp(path, RESULT, sizeof(RESULT) - 1) != 0)
		return DORMANT_OK; /* the root, ResponseMetadata, the wrapper */
	rel = path + sizeof(RESULT) - 1;

	if (strcmp(rel, "UserDetailList/member") == 0)
		return commit_user(a, err);
	if (strcmp(rel, "GroupDetailList/member") == 0)
		return commit_group(a, err);
	if (strcmp(rel, "Policies/member") == 0)
		return commit_policy(a, err);
	if (strcmp(rel, "Policies/member/PolicyVersionList/member") == 0)
		return commit_version(a, err);
	if (!text)
		return DORMANT_OK;

	if (strcmp(rel, "UserDetailList/member/Arn") == 0)
		st = set_string(&a->cur_user.arn, text, len, "Arn", err);
	else if (strcmp(rel, "UserDetailList/member/UserPolicyList/member/"
	                     "PolicyDocument") == 0) {
		st = judge_encoded(text, len, &admin, err);
		a->cur_user.inline_admin |= admin;
	} else if (strcmp(rel, "UserDetailList/member/GroupList/member") == 0)
		st = names_add(&a->cur_user.groups, text, len, err);
	else if (strcmp(rel, "UserDetailList/member/AttachedManagedPolicies/"
	                     "member/PolicyArn") == 0)
		st = names_add(&a->cur_user.managed, text, len, err);
	else if (strcmp(rel, "GroupDetailList/member/GroupName") == 0)
		st = set_string(&a->cur_group.name, text, len, "GroupName",
		                err);
	else if (strcmp(rel, "GroupDetailList/member/GroupPolicyList/member/"
	                     "PolicyDocument") == 0) {
		st = judge_encoded(text, len, &admin, err);
		a->cur_group.inline_admin |= admin;
	} else if (strcmp(rel, "GroupDetailList/member/"
	                       "AttachedManagedPolicies/member/PolicyArn") == 0)
		st = names_add(&a->cur_group.managed, text, len, err);
	else if (strcmp(rel, "Policies/member/Arn") == 0)
		st = set_string(&a->cur_policy, text, len, "Arn", err);
	else if (strcmp(rel, "Policies/member/DefaultVersionId") == 0)
		st = set_id(a->default_id, sizeof(a->default_id), text, len,
		            "DefaultVersionId", err);
	else if (strcmp(rel, "Policies/member/PolicyVersionList/member/"
	                     "Document") == 0) {
		st = judge_encoded(text, len, &admin, err);
		a->cur_version.admin |= admin;
	} else if (strcmp(rel, "Policies/member/PolicyVersionList/member/"
	                       "VersionId") == 0)
		st = set_id(a->cur_version.id, sizeof(a->cur_version.id), text,
		            len, "VersionId", err);
	else if (strcmp(rel, "Policies/member/PolicyVersionList/member/"
	                     "IsDefaultVersion") == 0)
		st = set_bool(&a->cur_version.is_default, text, len,
		              "IsDefaultVersion", err);
	else if (strcmp(rel, "IsTruncated") == 0) {
		st = set_bool(&a->page->truncated, text, len, "IsTruncated",
		              err);
		a->have_truncated = true;
	} else if (strcmp(rel, "Marker") == 0)
		st = set_id(a->page->marker, sizeof(a->page->marker), text, len,
		            "Marker", err);
	return st;
}

enum dormant_status
aws_authz_add_page(struct aws_authz *a, const char *body, size_t len,
                   struct aws_iam_page *page, struct dormant_error *err)
{
	enum dormant_status st;

	memset(page, 0, sizeof(*page));
	a->page = page;
	a->have_truncated = false;
	clear_current(a);
	st = aws_xml_parse(body, len, WHAT, AWS_POLICY_DOC_MAX, page_end, a,
	                   err);
	a->page = NULL;
	clear_current(a);
	if (st == DORMANT_OK && !a->have_truncated)
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "%s: <IsTruncated> is missing", WHAT);
	if (st == DORMANT_OK && page->truncated && !page->marker[0])
		st = dormant_error_set(err, DORMANT_ERR_PARSE,
		                       "%s: truncated, but no <Marker>", WHAT);
	if (st == DORMANT_OK && !page->truncated)
		page->marker[0] = '\0';
	return st;
}

/* ---- the CLI's JSON ---- */

static const char *
json_string(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A document: the CLI prints it decoded (an object); a string is taken
 * as the Query API's URL-encoded text. */
static enum dormant_status
judge_any(const cJSON *doc, bool *admin, struct dormant_error *err)
{
	if (cJSON_IsString(doc))
		return judge_encoded(doc->valuestring, strlen(doc->valuestring),
		                     admin, err);
	return judge_json(doc, admin, err);
}

/* Each PolicyDocument of a list of {PolicyName, PolicyDocument}. */
static enum dormant_status
json_inline(const cJSON *list, bool *admin, struct dormant_error *err)
{
	const cJSON *p;
	enum dormant_status st;

	if (!list)
		return DORMANT_OK;
	if (!cJSON_IsArray(list))
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "a policy list is not a list");
	cJSON_ArrayForEach(p, list)
	{
		bool one = false;

		st = judge_any(
		        cJSON_GetObjectItemCaseSensitive(p, "PolicyDocument"),
		        &one, err);
		if (st != DORMANT_OK)
			return st;
		*admin |= one;
	}
	return DORMANT_OK;
}

static enum dormant_status
json_names(const cJSON *list, const char *key, struct names *out,
           struct dormant_error *err)
{
	const cJSON *e;
	enum dormant_status st;

	if (!list)
		return DORMANT_OK;
	if (!cJSON_IsArray(list))
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "a list is not a list");
	cJSON_ArrayForEach(e, list)
	{
		const char *s =
		        key ? json_string(e, key)
		            : (cJSON_IsString(e) ? e->valuestring : NULL);

		if (!s)
			return dormant_error_set(err, DORMANT_ERR_PARSE,
			                         "a list holds a non-name");
		st = names_add(out, s, strlen(s), err);
		if (st != DORMANT_OK)
			return st;
	}
	return DORMANT_OK;
}

static enum dormant_status
json_all(struct aws_authz *a, const cJSON *root, struct dormant_error *err)
{
	const cJSON *e, *v;
	enum dormant_status st = DORMANT_OK;

	if (!cJSON_IsObject(root))
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "not a JSON object");
	cJSON_ArrayForEach(
	        e, cJSON_GetObjectItemCaseSensitive(root, "UserDetailList"))
	{
		const char *arn = json_string(e, "Arn");

		if (!arn)
			return dormant_error_set(err, DORMANT_ERR_PARSE,
			                         "UserDetailList: a user "
			                         "without Arn");
		st = set_string(&a->cur_user.arn, arn, strlen(arn), "Arn", err);
		if (st == DORMANT_OK)
			st = json_inline(cJSON_GetObjectItemCaseSensitive(
			                         e, "UserPolicyList"),
			                 &a->cur_user.inline_admin, err);
		if (st == DORMANT_OK)
			st = json_names(cJSON_GetObjectItemCaseSensitive(
			                        e, "GroupList"),
			                NULL, &a->cur_user.groups, err);
		if (st == DORMANT_OK)
			st = json_names(cJSON_GetObjectItemCaseSensitive(
			                        e, "AttachedManagedPolicies"),
			                "PolicyArn", &a->cur_user.managed, err);
		if (st == DORMANT_OK)
			st = commit_user(a, err);
		if (st != DORMANT_OK)
			return st;
	}
	cJSON_ArrayForEach(
	        e, cJSON_GetObjectItemCaseSensitive(root, "GroupDetailList"))
	{
		const char *name = json_string(e, "GroupName");

		if (!name)
			return dormant_error_set(err, DORMANT_ERR_PARSE,
			                         "GroupDetailList: a group "
			                         "without GroupName");
		st = set_string(&a->cur_group.name, name, strlen(name),
		                "GroupName", err);
		if (st == DORMANT_OK)
			st = json_inline(cJSON_GetObjectItemCaseSensitive(
			                         e, "GroupPolicyList"),
			                 &a->cur_group.inline_admin, err);
		if (st == DORMANT_OK)
			st = json_names(cJSON_GetObjectItemCaseSensitive(
			                        e, "AttachedManagedPolicies"),
			                "PolicyArn", &a->cur_group.managed,
			                err);
		if (st == DORMANT_OK)
			st = commit_group(a, err);
		if (st != DORMANT_OK)
			return st;
	}
	cJSON_ArrayForEach(e,
	                   cJSON_GetObjectItemCaseSensitive(root, "Policies"))
	{
		const char *arn = json_string(e, "Arn");
		const char *dflt = json_string(e, "DefaultVersionId");

		if (!arn)
			return dormant_error_set(err, DORMANT_ERR_PARSE,
			                         "Policies: a policy without "
			                         "Arn");
		st = set_string(&a->cur_policy, arn, strlen(arn), "Arn", err);
		if (st == DORMANT_OK && dflt)
			st = set_id(a->default_id, sizeof(a->default_id), dflt,
			            strlen(dflt), "DefaultVersionId", err);
		cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(
		                              e, "PolicyVersionList"))
		{
			const char *id = json_string(v, "VersionId");
			const cJSON *d = cJSON_GetObjectItemCaseSensitive(
			        v, "IsDefaultVersion");

			if (st != DORMANT_OK)
				break;
			if (id)
				st = set_id(a->cur_version.id,
				            sizeof(a->cur_version.id), id,
				            strlen(id), "VersionId", err);
			a->cur_version.is_default = cJSON_IsTrue(d);
			if (st == DORMANT_OK)
				st = judge_any(cJSON_GetObjectItemCaseSensitive(
				                       v, "Document"),
				               &a->cur_version.admin, err);
			if (st == DORMANT_OK)
				st = commit_version(a, err);
		}
		if (st == DORMANT_OK)
			st = commit_policy(a, err);
		if (st != DORMANT_OK)
			return st;
	}
	return st;
}

enum dormant_status
aws_authz_add_json(struct aws_authz *a, const char *data, size_t len,
                   struct dormant_error *err)
{
	cJSON *root = cJSON_ParseWithLength(data, len);
	enum dormant_status st;

	if (!root)
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "not JSON (the output of aws iam "
		                         "get-account-authorization-details)");
	clear_current(a);
	st = json_all(a, root, err);
	clear_current(a);
	cJSON_Delete(root);
	return st;
}

/* ---- deciding ---- */

static int
by_user(const void *x, const void *y)
{
	return strcmp(((const struct user *)x)->arn,
	              ((const struct user *)y)->arn);
}

static int
by_group(const void *x, const void *y)
{
	return strcmp(((const struct group *)x)->name,
	              ((const struct group *)y)->name);
}

static int
by_policy(const void *x, const void *y)
{
	return strcmp(((const struct policy *)x)->arn,
	              ((const struct policy *)y)->arn);
}

/* A managed policy: AWS-managed by name, the account's own by its
 * default version; one the answer does not describe counts. */
static bool
managed_admin(const struct aws_authz *a, const char *arn)
{
	struct policy key = {(char *)arn, false};
	const struct policy *p;
	int m = aws_managed(arn);

	if (m >= 0)
		return m == 1;
	p = a->n_policies ? bsearch(&key, a->policies, a->n_policies,
	                            sizeof(*a->policies), by_policy)
	                  : NULL;
	return !p || p->admin;
}

static bool
any_managed(const struct aws_authz *a, const struct names *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (managed_admin(a, l->v[i]))
			return true;
	return false;
}

enum dormant_status
aws_authz_finish(struct aws_authz *a, struct dormant_error *err)
{
	(void)err;
	/* An answer may describe no policy, group or user at all: the arrays
	 * are then NULL, which qsort and bsearch must not be given. */
	if (a->n_policies > 1)
		qsort(a->policies, a->n_policies, sizeof(*a->policies),
		      by_policy);
	if (a->n_groups > 1)
		qsort(a->groups, a->n_groups, sizeof(*a->groups), by_group);
	if (a->n_users > 1)
		qsort(a->users, a->n_users, sizeof(*a->users), by_user);
	for (size_t i = 0; i < a->n_groups; i++) {
		struct group *g = &a->groups[i];

		g->admin = g->inline_admin || any_managed(a, &g->managed);
	}
	for (size_t i = 0; i < a->n_users; i++) {
		struct user *u = &a->users[i];

		u->admin = u->inline_admin || any_managed(a, &u->managed);
		for (size_t j = 0; j < u->groups.n && !u->admin; j++) {
			struct group key = {u->groups.v[j], false, {0}, false};
			const struct group *g =
			        a->n_groups
			                ? bsearch(&key, a->groups, a->n_groups,
			                          sizeof(*a->groups), by_group)
			                : NULL;

			/* A group the answer does not describe counts. */
			u->admin = !g || g->admin;
		}
	}
	a->finished = true;
	return DORMANT_OK;
}

enum aws_admin
aws_authz_admin(const struct aws_authz *a, const char *arn)
{
	struct user key;
	const struct user *u;

	memset(&key, 0, sizeof(key));
	key.arn = (char *)arn;
	u = a->n_users ? bsearch(&key, a->users, a->n_users, sizeof(*a->users),
	                         by_user)
	               : NULL;
	if (!u)
		return AWS_ADMIN_UNLISTED;
	return u->admin ? AWS_ADMIN_YES : AWS_ADMIN_NO;
}

size_t
aws_authz_users(const struct aws_authz *a)
{
	return a->n_users;
}
