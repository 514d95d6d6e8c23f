/* dormant gcp: the service-account JSON key file. See sa_key.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <dormant/buf.h>
#include <dormant/json.h>

#include "sa_key.h"

/* A key file is about 2.3 KB; anything much larger is not one. */
#define KEY_FILE_MAX ((size_t)64 << 10)
#define FIELD_MAX    1024

void
gcp_sa_key_free(struct gcp_sa_key *k)
{
	if (!k)
		return;
	free(k->client_email);
	free(k->client_id);
	free(k->private_key_id);
	free(k->token_uri);
	dormant_private_key_free(k->key);
	memset(k, 0, sizeof(*k));
}

/* Visible ASCII, no spaces: these values go into a JWT, a URL or a
 * message. */
static bool
token_like(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < 0x21 || *s > 0x7e)
			return false;
	return true;
}

/* A required (or, with optional, possibly absent) printable string member,
 * copied. */
static enum dormant_status
copy_field(const cJSON *root, const char *key, bool optional, const char *what,
           char **out, struct dormant_error *err)
{
	const char *v;
	enum dormant_status st = dormant_json_string(root, key, &v, err);

	*out = NULL;
	if (st != DORMANT_OK) {
		dormant_error_prefix(err, "%s", what);
		return st;
	}
	if (!v || !*v) {
		if (optional)
			return DORMANT_OK;
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "%s: no \"%s\": not a service-account "
		                         "key file",
		                         what, key);
	}
	if (strlen(v) > FIELD_MAX || !token_like(v))
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "%s: \"%s\" is not a valid value",
		                         what, key);
	*out = strdup(v);
	if (!*out)
		return dormant_error_set(err, DORMANT_ERR_NOMEM,
		                         "%s: out of memory", what);
	return DORMANT_OK;
}

/* Overwrites every string of the tree: the private key must not linger in
 * freed memory. */
static void
wipe_tree(cJSON *node)
{
	for (; node; node = node->next) {
		if (cJSON_IsString(node) && node->valuestring)
			dormant_wipe(node->valuestring,
			             strlen(node->valuestring));
		wipe_tree(node->child);
	}
}

enum dormant_status
gcp_sa_key_parse(const char *data, size_t len, const char *what,
                 struct gcp_sa_key *out, struct dormant_error *err)
{
	struct gcp_sa_key k = {0};
	cJSON *root = NULL;
	const char *type, *pem;
	enum dormant_status st;

	memset(out, 0, sizeof(*out));
	st = dormant_json_parse(data, len, what, &root, err);
	if (st != DORMANT_OK) {
		st = DORMANT_ERR_CONFIG;
		goto out;
	}
	if (!cJSON_IsObject(root)) {
		st = dormant_error_set(err, DORMANT_ERR_CONFIG,
		                       "%s: not a service-account key file (a "
		                       "JSON object)",
		                       what);
		goto out;
	}
	st = dormant_json_string(root, "type", &type, err);
	if (st != DORMANT_OK) {
		dormant_error_prefix(err, "%s", what);
		st = DORMANT_ERR_CONFIG;
		goto out;
	}
	/* `gcloud auth application-default login` writes "authorized_user"
	 * credentials to the same variable's usual place: a person's
	 * refresh token cannot use domain-wide delegation. */
	if (!type || strcmp(type, "service_account") != 0) {
		st = dormant_error_set(
		        err, DORMANT_ERR_CONFIG,
		        "%s: \"type\" is \"%.40s\", not \"service_account\": "
		        "domain-wide delegation needs a service-account key",
		        what, type && token_like(type) ? type : "?");
		goto out;
	}
	st = copy_field(root, "client_email", false, what, &k.client_email,
	                err);
	if (st == DORMANT_OK)
		st = copy_field(root, "client_id", true, what, &k.client_id,
		                err);
	if (st == DORMANT_OK)
		st = copy_field(root, "private_key_id", false, what,
		                &k.private_key_id, err);
	if (st == DORMANT_OK)
		st = copy_field(root, "token_uri", true, what, &k.token_uri,
		                err);
	if (st != DORMANT_OK) {
		if (st != DORMANT_ERR_NOMEM)
			st = DORMANT_ERR_CONFIG;
		goto out;
	}
	if (!strchr(k.client_email, '@')) {
		st = dormant_error_set(err, DORMANT_ERR_CONFIG,
		                       "%s: \"client_email\" is not an address",
		                       what);
		goto out;
	}
	if (!k.token_uri) {
		k.token_uri = strdup(GCP_DEFAULT_TOKEN_URI);
		if (!k.token_uri) {
			st = dormant_error_set(err, DORMANT_ERR_NOMEM,
			                       "%s: out of memory", what);
			goto out;
		}
	}
	/* The assertion is a bearer credential for an hour: it only ever
	 * travels over TLS. */
	if (strncmp(k.token_uri, "https://", 8) != 0) {
		st = dormant_error_set(
		        err, DORMANT_ERR_CONFIG,
		        "%s: \"token_uri\" is not an https:// URL", what);
		goto out;
	}
	st = dormant_json_string(root, "private_key", &pem, err);
	if (st != DORMANT_OK || !pem || !*pem) {
		st = dormant_error_set(err, DORMANT_ERR_CONFIG,
		                       "%s: no \"private_key\" string", what);
		goto out;
	}
	st = dormant_private_key_load_pem(pem, strlen(pem), what, &k.key, err);
	if (st != DORMANT_OK) {
		if (st != DORMANT_ERR_NOMEM)
			st = DORMANT_ERR_CONFIG;
		goto out;
	}
	*out = k;
	memset(&k, 0, sizeof(k));
out:
	wipe_tree(root);
	cJSON_Delete(root);
	gcp_sa_key_free(&k);
	return st;
}

enum dormant_status
gcp_sa_key_load(const char *path, struct gcp_sa_key *out,
                struct dormant_error *err)
{
	struct dormant_buf b;
	enum dormant_status st;

	memset(out, 0, sizeof(*out));
	dormant_buf_init(&b, KEY_FILE_MAX);
	st = dormant_buf_read_file(&b, path, err);
	if (st != DORMANT_OK) {
		if (st != DORMANT_ERR_NOMEM)
			st = DORMANT_ERR_CONFIG;
		goto out;
	}
	st = gcp_sa_key_parse(b.data ? b.data : "", b.len, path, out, err);
out:
	if (b.data)
		dormant_wipe(b.data, b.len);
	dormant_buf_free(&b);
	return st;
}
