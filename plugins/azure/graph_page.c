/* dormant azure: the Microsoft Graph collection envelope. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <dormant/json.h>

#include "graph_page.h"

/* {"error": {"code": "Authorization_RequestDenied", "message": "..."}}:
 * an answer saved from a failed request. Code and message are Graph's own
 * text, never a secret; both are cut short. */
static enum dormant_status
graph_error(const cJSON *error, const char *what, struct dormant_error *err)
{
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(error, "code");
	const cJSON *msg = cJSON_GetObjectItemCaseSensitive(error, "message");

	return dormant_error_set(
	        err, DORMANT_ERR_PARSE,
	        "%s: a Microsoft Graph error answer, not a user list: %.80s: "
	        "%.200s",
	        what, cJSON_IsString(code) ? code->valuestring : "(no code)",
	        cJSON_IsString(msg) ? msg->valuestring : "(no message)");
}

enum dormant_status
azure_graph_page_open(const cJSON *page, const char *what, const cJSON **value,
                      char **next_link, struct dormant_error *err)
{
	const cJSON *v, *e;
	const char *next = NULL;
	enum dormant_status st;

	*value = NULL;
	*next_link = NULL;
	if (!cJSON_IsObject(page))
		return dormant_error_set(
		        err, DORMANT_ERR_PARSE,
		        "%s: not a JSON object (a Graph answer "
		        "page is one)",
		        what);
	e = cJSON_GetObjectItemCaseSensitive(page, "error");
	if (cJSON_IsObject(e))
		return graph_error(e, what, err);
	v = cJSON_GetObjectItemCaseSensitive(page, "value");
	if (!cJSON_IsArray(v))
		return dormant_error_set(
		        err, DORMANT_ERR_PARSE,
		        "%s: no \"value\" array: not a Microsoft "
		        "Graph collection answer",
		        what);
	st = dormant_json_string(page, "@odata.nextLink", &next, err);
	if (st != DORMANT_OK) {
		dormant_error_prefix(err, "%s", what);
		return st;
	}
	/* A next link is a URL the live scan will follow: bound it like any
	 * other string from the server. */
	if (next && (strlen(next) == 0 || strlen(next) > 8 * AZURE_STRING_MAX))
		return dormant_error_set(
		        err, DORMANT_ERR_PARSE,
		        "%s: \"@odata.nextLink\" is empty or too "
		        "long",
		        what);
	if (next) {
		*next_link = strdup(next);
		if (!*next_link)
			return dormant_error_set(
			        err, DORMANT_ERR_NOMEM, "%s: %s", what,
			        dormant_strerror(DORMANT_ERR_NOMEM));
	}
	*value = v;
	return DORMANT_OK;
}

enum dormant_status
azure_graph_string(const cJSON *obj, const char *key, bool required,
                   const char **out, struct dormant_error *err)
{
	enum dormant_status st = dormant_json_string(obj, key, out, err);
	size_t len;

	if (st != DORMANT_OK)
		return st;
	if (!*out) {
		if (required)
			return dormant_error_set(err, DORMANT_ERR_PARSE,
			                         "\"%s\" is missing", key);
		return DORMANT_OK;
	}
	len = strlen(*out);
	if (required && len == 0) {
		*out = NULL;
		return dormant_error_set(err, DORMANT_ERR_PARSE,
		                         "\"%s\" is empty", key);
	}
	if (len > AZURE_STRING_MAX) {
		*out = NULL;
		return dormant_error_set(
		        err, DORMANT_ERR_PARSE,
		        "\"%s\" is %zu bytes long (at most %d)", key, len,
		        AZURE_STRING_MAX);
	}
	return DORMANT_OK;
}
