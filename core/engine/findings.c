/* dormant: findings. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "findings.h"

static void
finding_free(struct core_finding *f)
{
	free(f->scope);
	free(f->id);
	free(f->name);
	free(f->email);
	free(f->display_name);
	free(f->action_error);
	for (size_t i = 0; i < f->n_extras; i++) {
		free(f->extras[i].key);
		free(f->extras[i].value);
	}
	free(f->extras);
}

/* strdup that keeps NULL as NULL; *ok turns false when out of memory. */
static char *
dup_or_null(const char *s, bool *ok)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*ok = false;
	return d;
}

enum dormant_status
core_findings_add(struct core_findings *list, const char *provider,
                  const char *scope, const struct dormant_user *user,
                  const struct core_verdict *v)
{
	struct core_finding *f;
	bool ok = true;

	if (list->n == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 64;
		f = realloc(list->v, cap * sizeof(*f));
		if (!f)
			return DORMANT_ERR_NOMEM;
		list->v = f;
		list->cap = cap;
	}
	f = &list->v[list->n];
	memset(f, 0, sizeof(*f));
	f->provider = provider;
	f->scope = dup_or_null(scope, &ok);
	f->id = dup_or_null(user->id, &ok);
	f->name = dup_or_null(user->name, &ok);
	f->email = dup_or_null(user->email, &ok);
	f->display_name = dup_or_null(user->display_name, &ok);
	f->created = user->created;
	f->last_login = user->last_login;
	f->reference = v->reference;
	f->days_inactive = v->days_inactive;
	f->never_logged_in = v->never_logged_in;
	f->admin = user->admin;
	f->rule = DORMANT_RULE_INACTIVE;
	f->action = v->judgement == DORMANT_WARN ? DORMANT_ACTION_WARN
	                                         : DORMANT_ACTION_NONE;
	if (user->n_extras) {
		f->extras = calloc(user->n_extras, sizeof(*f->extras));
		if (!f->extras)
			ok = false;
		for (size_t i = 0; ok && i < user->n_extras; i++) {
			f->extras[i].key =
			        dup_or_null(user->extras[i].key, &ok);
			f->extras[i].value =
			        dup_or_null(user->extras[i].value, &ok);
			f->n_extras = i + 1;
		}
	}
	if (!ok) {
		finding_free(f);
		return DORMANT_ERR_NOMEM;
	}
	list->n++;
	return DORMANT_OK;
}

enum dormant_status
core_findings_move(struct core_findings *dst, struct core_findings *src)
{
	if (!src->n)
		return DORMANT_OK;
	if (dst->n + src->n > dst->cap) {
		size_t cap = dst->n + src->n;
		struct core_finding *v = realloc(dst->v, cap * sizeof(*v));
		if (!v)
			return DORMANT_ERR_NOMEM;
		dst->v = v;
		dst->cap = cap;
	}
	memcpy(dst->v + dst->n, src->v, src->n * sizeof(*src->v));
	dst->n += src->n;
	free(src->v);
	memset(src, 0, sizeof(*src));
	return DORMANT_OK;
}

void
core_findings_filter(struct core_findings *list, const bool *drop)
{
	size_t kept = 0;

	for (size_t i = 0; i < list->n; i++) {
		if (drop[i])
			finding_free(&list->v[i]);
		else
			list->v[kept++] = list->v[i];
	}
	list->n = kept;
}

static int
cmp_str(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int
compare(const void *pa, const void *pb)
{
	const struct core_finding *a = pa, *b = pb;
	int c;

	if ((c = cmp_str(a->provider, b->provider)) != 0)
		return c;
	if ((c = cmp_str(a->scope, b->scope)) != 0)
		return c;
	if ((c = cmp_str(a->name, b->name)) != 0)
		return c;
	return cmp_str(a->id, b->id);
}

void
core_findings_sort(struct core_findings *list)
{
	if (list->n > 1)
		qsort(list->v, list->n, sizeof(*list->v), compare);
}

void
core_findings_free(struct core_findings *list)
{
	for (size_t i = 0; i < list->n; i++)
		finding_free(&list->v[i]);
	free(list->v);
	memset(list, 0, sizeof(*list));
}

const char *
core_action_name(enum core_action action)
{
	switch (action) {
	case DORMANT_ACTION_NONE: return "none";
	case DORMANT_ACTION_DISABLED: return "disabled";
	case DORMANT_ACTION_FAILED: return "failed";
	case DORMANT_ACTION_SKIPPED: return "skipped";
	case DORMANT_ACTION_WARN: return "warn";
	}
	return "none";
}

const char *
core_finding_risk(const struct core_finding *f)
{
	return f->admin ? "high" : "medium";
}
