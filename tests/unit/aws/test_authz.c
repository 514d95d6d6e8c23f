/* dormant: who is an AWS admin (plugins/aws/authz.c): policy documents
 * judged one by one, then GetAccountAuthorizationDetails pages and the
 * CLI's JSON resolved into users. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "authz.h"
#include "tap.h"

static int
judge(const char *doc)
{
	struct dormant_error err = {{0}};
	bool admin = false;

	if (aws_authz_judge_text(doc, strlen(doc), &admin, &err) != DORMANT_OK)
		return -1;
	return admin;
}

#define STMT(x) "{\"Version\":\"2012-10-17\",\"Statement\":[" x "]}"

static void
test_documents(void)
{
	is_int(judge(STMT("{\"Effect\":\"Allow\",\"Action\":\"*\","
	                  "\"Resource\":\"*\"}")),
	       1, "* on *: admin");
	is_int(judge("{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*:*\","
	             "\"Resource\":[\"*\"]}}"),
	       1, "*:* on [*], Statement an object: admin");
	is_int(judge(STMT("{\"Effect\":\"Allow\",\"Action\":[\"s3:Get*\","
	                  "\"IAM:*\"],\"Resource\":\"*\"}")),
	       1, "IAM:* (actions are case-insensitive): admin");
	is_int(judge(STMT("{\"Effect\":\"Allow\",\"Action\":\"iam:Put*\","
	                  "\"Resource\":\"*\"}")),
	       1, "iam:Put* (PutUserPolicy: grants itself anything): admin");
	is_int(judge(STMT("{\"Effect\":\"Allow\",\"Action\":"
	                  "\"iam:AttachUserPolicy\",\"Resource\":"
	                  "\"arn:aws:iam::*:user/${aws:username}\"}")),
	       1, "iam:AttachUserPolicy on one's own user: admin");
	is_int(judge(STMT("{\"Effect\":\"Allow\",\"Action\":\"*\","
	                  "\"Resource\":\"*\",\"Condition\":{\"Bool\":"
	                  "{\"aws:MultiFactorAuthPresent\":\"true\"}}}")),
	       1, "a Condition does not make * on * harmless: admin");
	is_int(judge(STMT("{\"Effect\":\"Allow\",\"NotAction\":\"s3:*\","
	                  "\"Resource\":\"*\"}")),
	       1, "NotAction s3:*: everything else, iam too: admin");
	is_int(judge(STMT("{\"Effect\":\"Allow\",\"Action\":\"*\","
	                  "\"NotResource\":\"arn:aws:s3:::logs/*\"}")),
	       1, "* with NotResource: admin");
	is_int(judge(STMT("{\"Effect\":\"Allow\",\"Action\":\"*\","
	                  "\"Resource\":\"arn:aws:*:*:*:*\"}")),
	       1, "* on arn:aws:*: admin");
	is_int(judge(STMT("{\"Effect\":\"Allow\",\"NotAction\":[\"iam:*\","
	                  "\"organizations:*\",\"account:*\"],"
	                  "\"Resource\":\"*\"}")),
	       0, "PowerUserAccess (NotAction iam:*): no admin");
	is_int(judge(STMT("{\"Effect\":\"Allow\",\"Action\":\"iam:*\","
	                  "\"Resource\":\"arn:aws:s3:::bucket/*\"}")),
	       0, "iam:* on an S3 bucket only: no admin");
	is_int(judge(STMT("{\"Effect\":\"Allow\",\"Action\":\"s3:*\","
	                  "\"Resource\":\"*\"}")),
	       0, "s3:* on *: no admin");
	is_int(judge(STMT("{\"Effect\":\"Allow\",\"Action\":[\"iam:Get*\","
	                  "\"iam:List*\",\"iam:ChangePassword\"],"
	                  "\"Resource\":\"*\"}")),
	       0, "iam:Get*, iam:List*, iam:ChangePassword: no admin");
	is_int(judge(STMT("{\"Effect\":\"Deny\",\"Action\":\"*\","
	                  "\"Resource\":\"*\"}")),
	       0, "Deny * on *: no admin");
	is_int(judge(STMT("{\"Effect\":\"Allow\",\"Action\":\"*\","
	                  "\"NotResource\":\"*\"}")),
	       0, "NotResource *: allows nothing");
	is_int(judge("not json"), -1, "not JSON: an error");
	is_int(judge("{\"Version\":\"2012-10-17\"}"), -1,
	       "no Statement: error");
	is_int(judge(STMT("{\"Effect\":\"Allow\",\"Action\":5,"
	                  "\"Resource\":\"*\"}")),
	       -1, "Action a number: error");
	is_int(judge(STMT("{\"Action\":\"*\",\"Resource\":\"*\"}")), -1,
	       "no Effect: error");
}

#define NS "https://iam.amazonaws.com/doc/2010-05-08/"
#define HEAD                                                                   \
	"<GetAccountAuthorizationDetailsResponse xmlns=\"" NS "\">"            \
	"<GetAccountAuthorizationDetailsResult>"
#define TAIL                                                                   \
	"</GetAccountAuthorizationDetailsResult><ResponseMetadata><RequestId>" \
	"r</RequestId></ResponseMetadata>"                                     \
	"</GetAccountAuthorizationDetailsResponse>"
/* {"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]},
 * URL-encoded as IAM sends it. */
#define ALL_ENC                                                                \
	"%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22" \
	"%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D"
#define S3_ENC                                                                 \
	"%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22"    \
	"%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22%2A%22%7D%7D"
#define USER(name, rest)                                                       \
	"<member><UserName>" name "</UserName><Arn>arn:aws:iam::1:user/" name  \
	"</Arn>" rest "</member>"
#define MANAGED(arn)                                                           \
	"<AttachedManagedPolicies><member><PolicyArn>" arn                     \
	"</PolicyArn></member></AttachedManagedPolicies>"

/* Macros glued to strings: clang-format does not settle on a layout. */
/* clang-format off */
static const char page1[] =
	HEAD "<UserDetailList>"
	USER("admin-attached",
	     MANAGED("arn:aws:iam::aws:policy/AdministratorAccess"))
	USER("amplify",
	     MANAGED("arn:aws:iam::aws:policy/AdministratorAccess-Amplify"))
	USER("iam-full", MANAGED("arn:aws:iam::aws:policy/IAMFullAccess"))
	USER("inline", "<UserPolicyList><member><PolicyName>p</PolicyName>"
	               "<PolicyDocument>" ALL_ENC "</PolicyDocument>"
	               "</member></UserPolicyList>")
	USER("reader", "<GroupList><member>staff</member></GroupList>"
	     MANAGED("arn:aws:iam::aws:policy/ReadOnlyAccess"))
	USER("lost-group", "<GroupList><member>gone</member></GroupList>")
	"</UserDetailList><IsTruncated>true</IsTruncated>"
	"<Marker>m1</Marker>" TAIL;

static const char page2[] =
	HEAD "<UserDetailList>"
	USER("in-admins", "<GroupList><member>staff</member>"
	                  "<member>admins</member></GroupList>")
	USER("customer", MANAGED("arn:aws:iam::1:policy/Old"))
	USER("unknown-policy", MANAGED("arn:aws:iam::1:policy/Nope"))
	"</UserDetailList><GroupDetailList>"
	"<member><GroupName>staff</GroupName><GroupPolicyList>"
	"<member><PolicyName>s3</PolicyName><PolicyDocument>" S3_ENC
	"</PolicyDocument></member></GroupPolicyList></member>"
	"<member><GroupName>admins</GroupName><GroupPolicyList>"
	"<member><PolicyName>all</PolicyName><PolicyDocument>" ALL_ENC
	"</PolicyDocument></member></GroupPolicyList></member>"
	"</GroupDetailList><Policies><member>"
	"<Arn>arn:aws:iam::1:policy/Old</Arn>"
	"<DefaultVersionId>v2</DefaultVersionId><PolicyVersionList>"
	"<member><Document>" ALL_ENC "</Document><VersionId>v1</VersionId>"
	"<IsDefaultVersion>false</IsDefaultVersion></member>"
	"<member><Document>" S3_ENC "</Document><VersionId>v2</VersionId>"
	"<IsDefaultVersion>true</IsDefaultVersion></member>"
	"</PolicyVersionList></member></Policies>"
	"<IsTruncated>false</IsTruncated>" TAIL;

static const char bad_escape[] =
	HEAD "<UserDetailList>"
	USER("x", "<UserPolicyList><member><PolicyDocument>%7B%2"
	          "</PolicyDocument></member></UserPolicyList>")
	"</UserDetailList><IsTruncated>false</IsTruncated>" TAIL;

static const char not_json[] =
	HEAD "<UserDetailList>"
	USER("x", "<UserPolicyList><member><PolicyDocument>%7Bx"
	          "</PolicyDocument></member></UserPolicyList>")
	"</UserDetailList><IsTruncated>false</IsTruncated>" TAIL;
/* clang-format on */

static int
add(struct aws_authz *a, const char *xml, struct aws_iam_page *page,
    struct dormant_error *err)
{
	return aws_authz_add_page(a, xml, strlen(xml), page, err);
}

static void
test_pages(void)
{
	struct aws_authz *a = aws_authz_new();
	struct dormant_error err = {{0}};
	struct aws_iam_page page;

	is_int(add(a, page1, &page, &err), DORMANT_OK, "page 1: %s", err.msg);
	ok(page.truncated && strcmp(page.marker, "m1") == 0,
	   "page 1: IsTruncated and Marker");
	is_int(page.n_users, 6, "page 1: six users");
	is_int(add(a, page2, &page, &err), DORMANT_OK, "page 2: %s", err.msg);
	ok(!page.truncated && !page.marker[0], "page 2: the last");
	is_int(aws_authz_finish(a, &err), DORMANT_OK, "finish");
	is_int(aws_authz_users(a), 9, "nine users over two pages");
#define ADMIN(name) aws_authz_admin(a, "arn:aws:iam::1:user/" name)
	is_int(ADMIN("admin-attached"), AWS_ADMIN_YES,
	       "attached AdministratorAccess");
	is_int(ADMIN("amplify"), AWS_ADMIN_YES,
	       "attached AdministratorAccess-Amplify");
	is_int(ADMIN("iam-full"), AWS_ADMIN_YES, "attached IAMFullAccess");
	is_int(ADMIN("inline"), AWS_ADMIN_YES, "inline * on * (URL-encoded)");
	is_int(ADMIN("in-admins"), AWS_ADMIN_YES,
	       "a group (on a later page) with inline * on *");
	is_int(ADMIN("reader"), AWS_ADMIN_NO,
	       "ReadOnlyAccess and a group reading S3: no admin");
	is_int(ADMIN("customer"), AWS_ADMIN_NO,
	       "a customer policy with * only in a non-default version");
	is_int(ADMIN("lost-group"), AWS_ADMIN_YES,
	       "a group the answer does not describe: taken for admin");
	is_int(ADMIN("unknown-policy"), AWS_ADMIN_YES,
	       "a customer policy the answer does not describe: admin");
	is_int(ADMIN("nobody"), AWS_ADMIN_UNLISTED, "not in the answer");
	aws_authz_free(a);

	a = aws_authz_new();
	ok(add(a, "<ListUsersResponse/>", &page, &err) == DORMANT_ERR_PARSE &&
	           strstr(err.msg, "GetAccountAuthorizationDetailsResponse"),
	   "another document: refused: %s", err.msg);
	ok(add(a, HEAD TAIL, &page, &err) == DORMANT_ERR_PARSE &&
	           strstr(err.msg, "IsTruncated"),
	   "no IsTruncated: refused: %s", err.msg);
	ok(add(a, HEAD "<IsTruncated>true</IsTruncated>" TAIL, &page, &err) ==
	                   DORMANT_ERR_PARSE &&
	           strstr(err.msg, "Marker"),
	   "truncated without Marker: refused: %s", err.msg);
	ok(add(a, bad_escape, &page, &err) == DORMANT_ERR_PARSE,
	   "a bad %%-escape in a document: refused: %s", err.msg);
	ok(add(a, not_json, &page, &err) == DORMANT_ERR_PARSE,
	   "a document that is not JSON: refused: %s", err.msg);
	ok(add(a,
	       HEAD "<UserDetailList><member><UserName>x</UserName></member>"
	            "</UserDetailList><IsTruncated>false</IsTruncated>" TAIL,
	       &page, &err) == DORMANT_ERR_PARSE,
	   "a user without Arn: refused: %s", err.msg);
	ok(add(a, HEAD "<IsTruncated>false</Is", &page, &err) ==
	           DORMANT_ERR_PARSE,
	   "cut short: refused: %s", err.msg);
	aws_authz_free(a);
}

static void
test_json(void)
{
	static const char cli[] =
	        "{\"UserDetailList\":[{\"UserName\":\"a\",\"Arn\":"
	        "\"arn:aws:iam::1:user/a\",\"GroupList\":[\"g\"],"
	        "\"AttachedManagedPolicies\":[]},{\"UserName\":\"b\",\"Arn\":"
	        "\"arn:aws:iam::1:user/b\",\"UserPolicyList\":[{\"PolicyName\":"
	        "\"p\",\"PolicyDocument\":{\"Statement\":[{\"Effect\":"
	        "\"Allow\","
	        "\"Action\":\"iam:PassRole\",\"Resource\":\"*\"}]}}]}],"
	        "\"GroupDetailList\":[{\"GroupName\":\"g\",\"GroupPolicyList\":"
	        "[],"
	        "\"AttachedManagedPolicies\":[{\"PolicyArn\":"
	        "\"arn:aws:iam::1:policy/P\"}]}],\"Policies\":[{\"Arn\":"
	        "\"arn:aws:iam::1:policy/P\",\"DefaultVersionId\":\"v3\","
	        "\"PolicyVersionList\":[{\"VersionId\":\"v3\","
	        "\"IsDefaultVersion\":true,\"Document\":{\"Statement\":{"
	        "\"Effect\":"
	        "\"Allow\",\"Action\":\"iam:*\",\"Resource\":\"*\"}}}]}]}";
	struct aws_authz *a = aws_authz_new();
	struct dormant_error err = {{0}};

	is_int(aws_authz_add_json(a, cli, strlen(cli), &err), DORMANT_OK,
	       "the CLI's JSON: %s", err.msg);
	aws_authz_finish(a, &err);
	is_int(aws_authz_admin(a, "arn:aws:iam::1:user/a"), AWS_ADMIN_YES,
	       "JSON: a group's customer policy iam:* on *");
	is_int(aws_authz_admin(a, "arn:aws:iam::1:user/b"), AWS_ADMIN_NO,
	       "JSON: iam:PassRole alone: no admin");
	aws_authz_free(a);
	a = aws_authz_new();
	ok(aws_authz_add_json(a, "[1]", 3, &err) == DORMANT_ERR_PARSE,
	   "JSON not an object: refused: %s", err.msg);
	ok(aws_authz_add_json(a, "{\"UserDetailList\":[{\"UserName\":\"x\"}]}",
	                      36, &err) == DORMANT_ERR_PARSE,
	   "JSON user without Arn: refused: %s", err.msg);
	aws_authz_free(a);
}

int
main(void)
{
	test_documents();
	test_pages();
	test_json();
	return tap_done();
}
