/* dormant: fuzz target for the AWS XML reader (plugins/aws/xml.c) and
 * every IAM / STS answer decoder on it (plugins/aws/iam_xml.c), and the
 * GetAccountAuthorizationDetails reader with its policy judgement
 * (plugins/aws/authz.c: the page, and the input as the CLI's JSON and as
 * a policy document). Each
 * input goes through all of them; any input must end in a status with a
 * message, never a crash, a leak or undefined behaviour. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/buf.h>

#include "authz.h"
#include "iam_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t touched;

static enum dormant_status
on_user(void *ctx, const struct aws_iam_user *u, struct dormant_error *err)
{
	(void)ctx;
	(void)err;
	touched += strlen(u->name) + strlen(u->arn);
	return DORMANT_OK;
}

static void
must_say_why(enum dormant_status st, const struct dormant_error *err)
{
	if (st != DORMANT_OK && strlen(err->msg) == 0)
		abort(); /* every failure must say why */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dormant_error err;
	struct dormant_buf csv;
	struct aws_error_body eb;
	struct aws_iam_page page;
	struct aws_iam_user u;
	struct aws_credentials c;
	enum aws_report_state state;
	char account[13], arn[AWS_ARN_MAX + 1];
	int64_t t;
	char *copy;

	/* An exact-size heap copy: reading past the end is caught. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	dormant_buf_init(&csv, 1u << 20);

	if (aws_xml_error_parse(copy, size, &eb))
		touched += strlen(eb.code) + strlen(eb.message);
	err.msg[0] = '\0';
	must_say_why(aws_iam_parse_generate_report(copy, size, &state, &err),
	             &err);
	err.msg[0] = '\0';
	must_say_why(aws_iam_parse_get_report(copy, size, &csv, &t, &err),
	             &err);
	err.msg[0] = '\0';
	must_say_why(aws_iam_parse_list_users(copy, size, on_user, NULL, &page,
	                                      &err),
	             &err);
	err.msg[0] = '\0';
	must_say_why(aws_iam_parse_get_user(copy, size, &u, &err), &err);
	err.msg[0] = '\0';
	must_say_why(aws_iam_parse_login_profile(copy, size, "alice", &t, &err),
	             &err);
	err.msg[0] = '\0';
	must_say_why(aws_iam_parse_delete_login_profile(copy, size, &err),
	             &err);
	err.msg[0] = '\0';
	must_say_why(aws_sts_parse_assume_role(copy, size, &c, &err), &err);
	aws_credentials_clear(&c);
	err.msg[0] = '\0';
	must_say_why(
	        aws_sts_parse_caller_identity(copy, size, account, arn, &err),
	        &err);
	{
		struct aws_authz *a = aws_authz_new();
		bool admin;

		if (a) {
			err.msg[0] = '\0';
			must_say_why(
			        aws_authz_add_page(a, copy, size, &page, &err),
			        &err);
			err.msg[0] = '\0';
			must_say_why(aws_authz_add_json(a, copy, size, &err),
			             &err);
			aws_authz_finish(a, &err);
			touched += aws_authz_admin(a, "arn:aws:iam::1:user/a");
			aws_authz_free(a);
		}
		err.msg[0] = '\0';
		must_say_why(aws_authz_judge_text(copy, size, &admin, &err),
		             &err);
	}
	dormant_buf_free(&csv);
	free(copy);
	return 0;
}
