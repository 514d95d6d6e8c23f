/* dormant: the rule catalog: every embedded entry is complete, lookups
 * fall back to the generic entry, and commands filled with a cloud's
 * names stay one harmless shell word whatever the name (checked by
 * running them through /bin/sh). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "findings.h"
#include "rules.h"
#include "tap.h"

static struct core_finding
finding(const char *provider, const char *name, const char *id)
{
	struct core_finding f;

	memset(&f, 0, sizeof(f));
	f.provider = provider;
	f.name = (char *)name;
	f.id = (char *)id;
	f.scope = (char *)"123456789012";
	f.rule = "console-access-inactive";
	return f;
}

static char *
fill(const char *tmpl, const struct core_finding *f)
{
	char *out = NULL;

	if (core_rule_fill(tmpl, f, &out) != DORMANT_OK)
		return NULL;
	return out;
}

/* Runs cmd with /bin/sh in dir and returns its output (static). */
static const char *
run(const char *dir, const char *cmd)
{
	static char out[4096];
	char full[8192];
	size_t n;
	FILE *p;

	snprintf(full, sizeof(full), "cd '%s' && %s", dir, cmd);
	p = popen(full, "r");
	if (!p)
		return "";
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	pclose(p);
	return out;
}

static bool
has_ref(const struct core_rule *r, const char *framework_part,
        const char *control)
{
	for (size_t i = 0; r && i < r->n_compliance; i++)
		if (strstr(r->compliance[i].framework, framework_part) &&
		    strcmp(r->compliance[i].control, control) == 0)
			return true;
	return false;
}

static void
test_catalog(void)
{
	struct core_rules rules;
	struct dormant_error err = {{0}};
	const struct core_rule *aws, *azure, *gcp, *other;

	ok(core_rules_load(&rules, &err) == DORMANT_OK,
	   "the embedded catalog loads (%s)", err.msg);
	is_int((long)rules.n, 4, "four entries: aws, azure, gcp and generic");
	aws = core_rules_find(&rules, "console-access-inactive", "aws");
	azure = core_rules_find(&rules, "console-access-inactive", "azure");
	gcp = core_rules_find(&rules, "console-access-inactive", "gcp");
	other = core_rules_find(&rules, "console-access-inactive", "okta");
	ok(aws && strcmp(aws->provider, "aws") == 0, "aws has its own entry");
	ok(azure && strcmp(azure->provider, "azure") == 0,
	   "azure has its own entry");
	ok(gcp && strcmp(gcp->provider, "gcp") == 0, "gcp has its own entry");
	ok(other && strcmp(other->provider, "*") == 0,
	   "a provider built out of tree gets the generic entry");
	ok(!core_rules_find(&rules, "no-such-rule", "aws"),
	   "an unknown rule has no entry");
	ok(core_rules_has(&rules, "console-access-inactive") &&
	           !core_rules_has(&rules, "x"),
	   "core_rules_has");
	is_str(rules.v[rules.n - 1].provider, "*",
	       "the generic entry sorts last");
	ok(has_ref(aws, "CIS Amazon Web Services Foundations", "1.12"),
	   "aws cites CIS AWS Foundations 1.12");
	ok(has_ref(azure, "CIS Microsoft Azure Foundations", "2.4"),
	   "azure cites CIS Azure Foundations 2.4 (guest users)");
	for (size_t i = 0; i < rules.n; i++)
		ok(has_ref(&rules.v[i], "NIST SP 800-53", "AC-2(3)"),
		   "%s cites NIST SP 800-53 AC-2(3)", rules.v[i].provider);
	ok(gcp && gcp->compliance_unconfirmed,
	   "gcp says which CIS reference it could not confirm");
	for (size_t i = 0; i < rules.n; i++) {
		const struct core_rule *r = &rules.v[i];
		ok(r->triage.n && r->console.n && r->prevention.n &&
		           r->references.n && r->api && r->risk &&
		           strcmp(r->risk, "medium") == 0 &&
		           strcmp(r->risk_admin, "high") == 0,
		   "%s: complete, medium / high for admins", r->source);
	}
	core_rules_free(&rules);
}

static void
test_fill(void)
{
	struct core_rules rules;
	struct dormant_error err = {{0}};
	struct core_finding f =
	        finding("aws", "alice", "arn:aws:iam::1:user/alice");
	const struct core_rule *r;
	char *s;

	core_rules_load(&rules, &err);
	r = core_rules_find(&rules, "console-access-inactive", "aws");
	s = r && r->cli.n ? fill(r->cli.v[0], &f) : NULL;
	is_str(s, "aws iam delete-login-profile --user-name alice",
	       "aws: the command with the finding's own name");
	free(s);

	f = finding("azure", "bob@contoso.com",
	            "3f0ca370-90d0-47aa-908c-b74d4c20bba6");
	r = core_rules_find(&rules, "console-access-inactive", "azure");
	s = r && r->cli.n ? fill(r->cli.v[0], &f) : NULL;
	is_str(s,
	       "az rest --method PATCH --url "
	       "https://graph.microsoft.com/v1.0/users/"
	       "3f0ca370-90d0-47aa-908c-b74d4c20bba6 --headers "
	       "Content-Type=application/json --body '{\"accountEnabled\": "
	       "false}'",
	       "azure: Graph call with the object id; the JSON body's braces "
	       "are literal");
	free(s);

	f = finding("gcp", "kofi.mensah@example.com", "188275156630844144902");
	r = core_rules_find(&rules, "console-access-inactive", "gcp");
	s = r && r->cli.n ? fill(r->cli.v[0], &f) : NULL;
	is_str(s, "gam update user kofi.mensah@example.com suspended on",
	       "gcp: gam with the primary email");
	free(s);
	s = r ? fill(r->api, &f) : NULL;
	ok(s && strstr(s, "/users/188275156630844144902 "),
	   "gcp: the API call with the numeric id");
	free(s);

	f = finding("azure", "x", "../../me/a b");
	s = fill("https://h/users/{id|url}/x", &f);
	is_str(s, "https://h/users/..%2F..%2Fme%2Fa%20b/x",
	       "{id|url}: one path segment, whatever the id holds");
	free(s);
	s = fill("{email}", &f);
	is_str(s, "x", "{email} falls back to the name");
	free(s);
	s = fill("keep {unknown} {Name} {name", &f);
	is_str(s, "keep {unknown} {Name} {name",
	       "what is not a known placeholder stays as written");
	free(s);
	s = fill("a {name} b", NULL);
	is_str(s, "a {name} b", "without a finding, templates stay templates");
	free(s);
	core_rules_free(&rules);
}

/* The filled command, run by a real shell, gets the name back as one
 * argument and runs nothing else. */
static void
test_injection(void)
{
	static const char *const names[] = {"o'brien",
	                                    "x'; touch PWNED; echo '",
	                                    "$(touch PWNED)",
	                                    "`touch PWNED`",
	                                    "a b\tc",
	                                    "semi;colon|pipe&amp>redir<in",
	                                    "\"dq\" \\ back",
	                                    "new\nline",
	                                    "~root",
	                                    "#comment",
	                                    "*",
	                                    "Zoë",
	                                    "-n",
	                                    "",
	                                    NULL};
	char dir[] = "/tmp/dormant-rules.XXXXXX";
	char pwned[sizeof(dir) + 16];
	struct stat sb;

	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(pwned, sizeof(pwned), "%s/PWNED", dir);
	for (size_t i = 0; names[i]; i++) {
		struct core_finding f = finding("aws", names[i], "id");
		char *cmd = fill("printf '[%s]' {name}", &f);
		char want[256];

		snprintf(want, sizeof(want), "[%s]", names[i]);
		is_str(cmd ? run(dir, cmd) : NULL, want,
		       "name %zu comes back whole through /bin/sh", i + 1);
		free(cmd);
	}
	ok(stat(pwned, &sb) != 0, "no name ran a command");
	unlink(pwned);
	rmdir(dir);
}

static void
test_bad_catalog(void)
{
	static const char good_tail[] =
	        "\"risk\":{\"level\":\"medium\",\"admin_level\":\"high\","
	        "\"rationale\":\"r\"},"
	        "\"compliance\":[{\"framework\":\"F\",\"control\":\"C\","
	        "\"title\":\"T\",\"url\":\"u\"}],"
	        "\"triage\":[\"t\"],\"prevention\":[\"p\"],\"references\":["
	        "\"u\"],";
	struct {
		const char *what, *json, *msg;
	} cases[] = {
	        {"unknown placeholder",
	         "\"remediation\":{\"console\":[\"c\"],\"cli\":[\"x {nmae}\"],"
	         "\"api\":\"a\"}}",
	         "unknown placeholder {nmae}"},
	        {"missing api",
	         "\"remediation\":{\"console\":[\"c\"],\"cli\":[]}}",
	         "\"api\" is missing"},
	        {"empty console steps",
	         "\"remediation\":{\"console\":[],\"cli\":[],\"api\":\"a\"}}",
	         "\"console\" needs at least 1 item"},
	        {"a typo in a key",
	         "\"remediation\":{\"console\":[\"c\"],\"cli\":[],\"api\":"
	         "\"a\"},"
	         "\"prevetion\":[]}",
	         "unknown key \"prevetion\""},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct core_rules rules = {0};
		struct dormant_error err = {{0}};
		char json[2048];

		snprintf(json, sizeof(json),
		         "{\"rule\":\"r\",\"provider\":\"p\",\"title\":\"t\","
		         "\"description\":\"d\",%s%s",
		         good_tail, cases[i].json);
		ok(core_rules_add(&rules, "x.json", json, &err) ==
		                   DORMANT_ERR_PARSE &&
		           strstr(err.msg, cases[i].msg),
		   "refused: %s (%s)", cases[i].what, err.msg);
		core_rules_free(&rules);
	}
	{
		struct core_rules rules = {0};
		struct dormant_error err = {{0}};
		char json[2048];

		snprintf(json, sizeof(json),
		         "{\"rule\":\"r\",\"provider\":\"p\",\"title\":\"t\","
		         "\"description\":\"d\",%s\"remediation\":{\"console\":"
		         "[\"c\"],\"cli\":[],\"api\":\"a\"}}",
		         good_tail);
		ok(core_rules_add(&rules, "x.json", json, &err) == DORMANT_OK,
		   "a minimal complete entry is accepted (%s)", err.msg);
		ok(core_rules_add(&rules, "y.json", json, &err) ==
		                   DORMANT_ERR_PARSE &&
		           strstr(err.msg, "a second entry"),
		   "a second entry for the same rule and provider is refused");
		core_rules_free(&rules);
	}
}

/* The cloud's own names (OCSF), stated once per provider in the catalog
 * and kept out of the rule text the JSON report carries. */
static void
test_cloud_names(void)
{
	struct core_rules rules;
	struct dormant_error err;
	const char *cloud, *type;

	core_rules_load(&rules, &err);
	core_rules_cloud(&rules, "aws", &cloud, &type);
	is_str(cloud, "AWS", "aws: the cloud's name");
	is_str(type, "AWS IAM User", "aws: its name for an account");
	core_rules_cloud(&rules, "azure", &cloud, &type);
	is_str(type, "Microsoft Entra ID User",
	       "azure: its name for an account");
	core_rules_cloud(&rules, "gcp", &cloud, &type);
	is_str(cloud, "Google Workspace", "gcp: the cloud's name");
	core_rules_cloud(&rules, "outoftree", &cloud, &type);
	ok(strcmp(cloud, "outoftree") == 0 && strcmp(type, "User") == 0,
	   "a provider the catalog does not know: its own name and User");
	ok(!cJSON_GetObjectItemCaseSensitive(
	           core_rules_find(&rules, "console-access-inactive", "aws")
	                   ->root,
	           "cloud"),
	   "the names are not part of the rule's text");
	core_rules_free(&rules);
}

int
main(void)
{
	test_catalog();
	test_cloud_names();
	test_fill();
	test_injection();
	test_bad_catalog();
	return tap_done();
}
