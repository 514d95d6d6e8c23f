/* dormant gcp: the service-account JSON key file.
 *
 * What the Google Cloud console (IAM > Service accounts > Keys > Add key >
 * JSON) or `gcloud iam service-accounts keys create` writes:
 *   {"type": "service_account", "project_id": "...",
 *    "private_key_id": "<40 hex>", "private_key": "-----BEGIN PRIVATE KEY...",
 *    "client_email": "name@project.iam.gserviceaccount.com",
 *    "client_id": "<21 digits>", "token_uri":
 * "https://oauth2.googleapis.com/token",
 *    ...}
 * (Google Cloud docs, "Create and delete service account keys"; the fields
 * are those google-auth reads in service_account.Credentials.from_
 * service_account_info.) The private key is the only secret: it never
 * appears in messages.
 */
#ifndef DORMANT_GCP_SA_KEY_H
#define DORMANT_GCP_SA_KEY_H

#include <stddef.h>

#include <dormant/crypto.h>
#include <dormant/status.h>

/* Where Google's libraries send the assertion when a key file has no
 * token_uri (keys made before 2018). */
#define GCP_DEFAULT_TOKEN_URI "https://oauth2.googleapis.com/token"

struct gcp_sa_key {
	char *client_email;   /* the JWT's iss */
	char *client_id;      /* what domain-wide delegation is granted to */
	char *private_key_id; /* the JWT header's kid */
	char *token_uri;      /* the JWT's aud, and where it is posted */
	struct dormant_private_key *key;
};

/* Parses the text of a key file. `what` names it in errors (its path).
 * On success *out is filled and owned by the caller (gcp_sa_key_free);
 * on failure it is left empty. */
enum dormant_status gcp_sa_key_parse(const char *data, size_t len,
                                     const char *what, struct gcp_sa_key *out,
                                     struct dormant_error *err);

/* Reads and parses a key file; see gcp_sa_key_parse. */
enum dormant_status gcp_sa_key_load(const char *path, struct gcp_sa_key *out,
                                    struct dormant_error *err);

void gcp_sa_key_free(struct gcp_sa_key *k);

#endif /* DORMANT_GCP_SA_KEY_H */
