/* dormant: the HTTP client every provider shares, over libcurl.
 *
 * One CURL easy handle per client, reused for every request, so that
 * libcurl keeps the connection (and TLS session) open between pages of a
 * listing. Options that never change are set once in dormant_http_new;
 * each attempt sets only the URL, the method, the body and the headers.
 *
 * Trust: CURLOPT_CAINFO replaces libcurl's default bundle, and a user who
 * points --ca-file at a TLS-inspecting proxy's CA still needs the public
 * CAs for everything the proxy does not intercept. With libcurl over
 * OpenSSL (Debian's), every client shares one parsed X509_STORE holding
 * the default bundle (CURLINFO_CAINFO), the default directory
 * (CURLINFO_CAPATH) and the extra file, handed to each TLS context by
 * CURLOPT_SSL_CTX_FUNCTION, so the bundle is parsed once per process, not
 * once per connection. Over another TLS library, the client builds one PEM
 * in memory (default bundle + extra file) for CURLOPT_CAINFO_BLOB. An
 * https:// proxy itself is verified against curl's defaults.
 */
#include "config.h"

#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <expat.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <dormant/buf.h>
#include <dormant/http.h>
#include <dormant/plugin.h>
#include <dormant/ratelimit.h>
#include <dormant/timeutil.h>

#define DEFAULT_CONNECT_MS         10000L
#define DEFAULT_TOTAL_MS           60000L
#define DEFAULT_ATTEMPTS           5U
#define DEFAULT_BASE_MS            500L
#define DEFAULT_BACKOFF_MAX_MS     30000L
#define DEFAULT_RETRY_AFTER_MAX_MS 120000L
#define DEFAULT_MAX_BODY           ((size_t)64 << 20)

/* A CA bundle is a few hundred KiB; anything past this is not one. */
#define CA_BUNDLE_MAX ((size_t)16 << 20)
/* A kept header value longer than this is dropped, not truncated: a cut
 * Location or Retry-After would mislead more than an absent one. */
#define KEPT_VALUE_MAX 8192
/* Cancellation is checked this often while waiting between attempts. */
/* Longest URL or trace line shown in a message. */
#define SHOWN_MAX 400

/* What the response's kept[] slots hold. Content-Type and Retry-After
 * have slots of their own because the response points at them; every
 * header of the answer (those two included) is in the KEPT_ALL block, as
 * "name\0value\0" pairs ending with an empty name, a repeated header's
 * values joined with ", " as RFC 9110 section 5.3 allows (Okta sends
 * one Link line per relation). The other slots are unused: the array's
 * size is part of the ABI. */
enum { KEPT_CONTENT_TYPE = 0, KEPT_RETRY_AFTER = 1, KEPT_ALL = 2 };
static const char *const own_slot_names[] = {"Content-Type", "Retry-After"};
/* All the headers of one answer together; a server that sends more is
 * not one dormant talks to. */
#define ALL_HEADERS_MAX ((size_t)64 << 10)

struct dormant_http {
	CURL *curl;
	struct dormant_http_options opts; /* defaults filled in */
	const struct dormant_host *host;
	char *user_agent;
	uint64_t rng;

	/* State of the attempt in flight, filled by the callbacks. */
	struct dormant_buf body;
	char *kept[DORMANT_HTTP_KEPT_HEADERS];
	struct dormant_buf headers; /* "name\0value\0" as they came */
	bool too_large;
	bool nomem;
	bool cancelled;
	char errbuf[CURL_ERROR_SIZE];
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

/* curl_global_init is not thread-safe in the libcurl versions we support,
 * and providers may create clients from several threads at once. */
static void
global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

__attribute__((format(printf, 3, 4))) static void
hlog(const struct dormant_host *host, enum dormant_log_level level,
     const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!host || !host->log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	host->log(host, level, "%s", line);
}

static bool
is_cancelled(const struct dormant_http *h)
{
	return h->host && h->host->cancelled && h->host->cancelled(h->host);
}

/* Header names are ASCII; strcasecmp would follow the locale. */
static bool
ascii_ncaseeq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];

		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return true;
}

static bool
ascii_ieq(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b);

	return alen == blen && ascii_ncaseeq(a, b, alen);
}

/* Case-insensitive search of needle in the first len bytes of s. */
static bool
ascii_icontains(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= len; i++)
		if (ascii_ncaseeq(s + i, needle, n))
			return true;
	return false;
}

/* "METHOD scheme://host/path": the query and fragment may one day carry
 * tokens and user info carries passwords, so neither is ever shown. */
static void
describe(char *out, size_t outsz, const char *method, const char *url)
{
	const char *p = url, *auth, *end, *at;
	size_t scheme_len = 0, len;

	auth = strstr(url, "://");
	if (auth) {
		scheme_len = (size_t)(auth - url) + 3;
		p = auth + 3;
		end = p + strcspn(p, "/?#");
		at = memchr(p, '@', (size_t)(end - p));
		if (at)
			p = at + 1;
	}
	len = strcspn(p, "?#");
	if (len > SHOWN_MAX)
		len = SHOWN_MAX;
	snprintf(out, outsz, "%s %.*s%.*s", method, (int)scheme_len, url,
	         (int)len, p);
}

/* Header names that carry credentials, and any whose name says so. */
static bool
secret_header(const char *name, size_t len)
{
	static const char *const exact[] = {
	        "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
	        "X-Amz-Security-Token"};
	static const char *const parts[] = {"token",   "secret", "password",
	                                    "api-key", "apikey", "session"};

	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (ascii_ieq(name, len, exact[i]))
			return true;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (ascii_icontains(name, len, parts[i]))
			return true;
	return false;
}

static void
trace_line(const struct dormant_http *h, char mark, bool header,
           const char *line, size_t len)
{
	const char *colon;

	if (len == 0)
		return;
	if (len > SHOWN_MAX)
		len = SHOWN_MAX;
	colon = header ? memchr(line, ':', len) : NULL;
	if (colon && secret_header(line, (size_t)(colon - line))) {
		hlog(h->host, DORMANT_LOG_DEBUG, "http: %c %.*s: [redacted]",
		     mark, (int)(colon - line), line);
		return;
	}
	hlog(h->host, DORMANT_LOG_DEBUG, "http: %c %.*s", mark, (int)len, line);
}

/* CURLOPT_DEBUGFUNCTION: curl's own notes and the header lines, filtered.
 * Bodies (DATA_*) and raw TLS records (SSL_DATA_*) are never shown: they
 * carry client secrets, JWT assertions and tokens. */
static int
on_debug(CURL *curl, curl_infotype type, char *data, size_t size, void *ud)
{
	const struct dormant_http *h = ud;
	char mark;
	size_t start = 0;

	(void)curl;
	switch (type) {
	case CURLINFO_TEXT: mark = '*'; break;
	case CURLINFO_HEADER_IN: mark = '<'; break;
	case CURLINFO_HEADER_OUT: mark = '>'; break;
	default: return 0;
	}
	/* HEADER_OUT hands over the whole request head at once. */
	for (size_t i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		size_t len = i - start;
		if (len && data[start + len - 1] == '\r')
			len--;
		trace_line(h, mark, type != CURLINFO_TEXT, data + start, len);
		start = i + 1;
	}
	return 0;
}

static void
drop_kept(char **kept)
{
	for (size_t i = 0; i < DORMANT_HTTP_KEPT_HEADERS; i++) {
		free(kept[i]);
		kept[i] = NULL;
	}
}

static size_t
on_header(char *data, size_t size, size_t n, void *ud)
{
	struct dormant_http *h = ud;
	size_t len = size * n, nlen, vlen;
	const char *colon, *v;

	/* A new status line starts a new answer (after a 100 Continue, or a
	 * proxy's CONNECT answer): only the final one's headers count. */
	if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
		drop_kept(h->kept);
		dormant_buf_reset(&h->headers);
		return len;
	}
	colon = memchr(data, ':', len);
	if (!colon)
		return len;
	nlen = (size_t)(colon - data);
	v = colon + 1;
	vlen = len - nlen - 1;
	while (vlen && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' ||
	                v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	/* A NUL would cut the pair apart; no header dormant reads has one. */
	if (vlen > KEPT_VALUE_MAX || nlen == 0 || memchr(data, '\0', len))
		return len;
	for (size_t i = 0; i < sizeof(own_slot_names) / sizeof(*own_slot_names);
	     i++) {
		if (!ascii_ieq(data, nlen, own_slot_names[i]))
			continue;
		free(h->kept[i]);
		h->kept[i] = strndup(v, vlen);
		if (!h->kept[i]) {
			h->nomem = true;
			return 0;
		}
	}
	/* Past the cap the rest is dropped, as an over-long value is: the
	 * answer is still read. */
	if (h->headers.len + nlen + vlen + 2 <= ALL_HEADERS_MAX &&
	    (dormant_buf_append(&h->headers, data, nlen) != DORMANT_OK ||
	     dormant_buf_append(&h->headers, "", 1) != DORMANT_OK ||
	     dormant_buf_append(&h->headers, v, vlen) != DORMANT_OK ||
	     dormant_buf_append(&h->headers, "", 1) != DORMANT_OK)) {
		h->nomem = true;
		return 0;
	}
	return len;
}

/* The KEPT_ALL block of the headers in h->headers: each name once, in
 * the order first seen, with every value of a repeated name joined.
 * NULL when there are none or memory ran out (then *nomem). */
static char *
merge_headers(const struct dormant_buf *in, bool *nomem)
{
	struct dormant_buf out;
	const char *end = in->data + in->len;

	if (in->len == 0)
		return NULL;
	dormant_buf_init(&out, 0);
	for (const char *n = in->data; n < end;) {
		const char *v = n + strlen(n) + 1;
		const char *next = v + strlen(v) + 1;
		bool seen = false, ok;

		for (const char *p = in->data; p < n && !seen;) {
			const char *pv = p + strlen(p) + 1;

			seen = ascii_ieq(p, strlen(p), n);
			p = pv + strlen(pv) + 1;
		}
		if (seen) {
			n = next;
			continue;
		}
		ok = dormant_buf_append(&out, n, strlen(n) + 1) == DORMANT_OK &&
		     dormant_buf_append(&out, v, strlen(v)) == DORMANT_OK;
		for (const char *p = next; ok && p < end;) {
			const char *pv = p + strlen(p) + 1;

			if (ascii_ieq(p, strlen(p), n))
				ok = dormant_buf_append(&out, ", ", 2) ==
				             DORMANT_OK &&
				     dormant_buf_append(&out, pv, strlen(pv)) ==
				             DORMANT_OK;
			p = pv + strlen(pv) + 1;
		}
		if (!ok || dormant_buf_append(&out, "", 1) != DORMANT_OK) {
			dormant_buf_free(&out);
			*nomem = true;
			return NULL;
		}
		n = next;
	}
	if (dormant_buf_append(&out, "", 1) != DORMANT_OK) {
		dormant_buf_free(&out);
		*nomem = true;
		return NULL;
	}
	return dormant_buf_steal(&out);
}

static size_t
on_write(char *data, size_t size, size_t n, void *ud)
{
	struct dormant_http *h = ud;
	enum dormant_status st;

	/* A multi-megabyte answer (a credential report, a page of 999 users)
	 * would otherwise be copied a dozen times while doubling. The length
	 * is only a hint: the cap still holds, a short body wastes nothing
	 * but address space, and gzip just means growing past it. */
	if (!h->body.data) {
		curl_off_t expect = -1;

		if (curl_easy_getinfo(h->curl,
		                      CURLINFO_CONTENT_LENGTH_DOWNLOAD_T,
		                      &expect) == CURLE_OK &&
		    expect > (curl_off_t)(size * n) &&
		    (!h->body.max || (uint64_t)expect <= h->body.max))
			(void)dormant_buf_reserve(&h->body, (size_t)expect);
	}
	st = dormant_buf_append(&h->body, data, size * n);

	if (st == DORMANT_ERR_TOO_LARGE) {
		h->too_large = true;
		return 0;
	}
	if (st != DORMANT_OK) {
		h->nomem = true;
		return 0;
	}
	return size * n;
}

/* Called by libcurl at least once a second during a transfer, so an
 * interrupted run does not wait for a slow server. */
static int
on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
            curl_off_t ulnow)
{
	struct dormant_http *h = ud;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	if (is_cancelled(h)) {
		h->cancelled = true;
		return 1;
	}
	return 0;
}

static enum dormant_status
set_ca_blob(CURL *curl, const char *ca_file, struct dormant_error *err)
{
	struct dormant_buf pem, extra;
	struct dormant_error why;
	struct curl_blob blob;
	enum dormant_status st;
	const char *sys = NULL;
	CURLcode rc;

	dormant_buf_init(&pem, CA_BUNDLE_MAX);
	dormant_buf_init(&extra, CA_BUNDLE_MAX);
#if LIBCURL_VERSION_NUM >= 0x075400
	{
		char *p = NULL;

		if (curl_easy_getinfo(curl, CURLINFO_CAINFO, &p) == CURLE_OK)
			sys = p;
	}
#endif
	/* A system without a default bundle file simply trusts the extra
	 * one (and the default CA directory, if any). */
	if (sys && dormant_buf_read_file(&pem, sys, NULL) != DORMANT_OK)
		dormant_buf_reset(&pem);
	st = dormant_buf_read_file(&extra, ca_file, &why);
	if (st != DORMANT_OK) {
		/* why already names the file. */
		st = dormant_error_set(err, DORMANT_ERR_CONFIG, "CA file %s",
		                       why.msg);
		goto out;
	}
	if (!strstr(extra.data, "-----BEGIN CERTIFICATE-----")) {
		st = dormant_error_set(err, DORMANT_ERR_CONFIG,
		                       "CA file %s: no PEM certificate in it",
		                       ca_file);
		goto out;
	}
	st = dormant_buf_append(&pem, "\n", 1);
	if (st == DORMANT_OK)
		st = dormant_buf_append(&pem, extra.data, extra.len);
	if (st != DORMANT_OK) {
		dormant_error_set(err, st, "CA file %s: %s", ca_file,
		                  dormant_strerror(st));
		goto out;
	}
	blob.data = pem.data;
	blob.len = pem.len;
	blob.flags = CURL_BLOB_COPY;
	rc = curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &blob);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(curl, CURLOPT_PROXY_CAINFO_BLOB, &blob);
	if (rc != CURLE_OK)
		st = dormant_error_set(
		        err, DORMANT_ERR_UNSUPPORTED,
		        "CA file %s: this libcurl cannot take an "
		        "in-memory CA bundle: %s",
		        ca_file, curl_easy_strerror(rc));
out:
	dormant_buf_free(&pem);
	dormant_buf_free(&extra);
	return st;
}

/* Trust stores shared by every client of the process: parsing the system
 * bundle (~140 certificates) took most of the CPU of a 20-account AWS
 * scan when each client did it for its own connection. One store per
 * extra CA file ("" for none), built once, never freed (OpenSSL counts
 * the references each SSL_CTX takes). */
struct shared_store {
	char *extra;
	X509_STORE *store;
};

static pthread_mutex_t stores_lock = PTHREAD_MUTEX_INITIALIZER;
static struct shared_store stores[8];
static size_t n_stores;

static bool
curl_uses_openssl(void)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);

	return v && v->ssl_version &&
	       strncmp(v->ssl_version, "OpenSSL/", 8) == 0;
}

static CURLcode
use_store(CURL *curl, void *ssl_ctx, void *store)
{
	(void)curl;
	SSL_CTX_set1_cert_store(ssl_ctx, store);
	return CURLE_OK;
}

/* The store for this extra CA file (NULL: none): curl's default bundle
 * and directory, then the extra certificates. NULL with err set when the
 * extra file is unusable. */
static X509_STORE *
get_store(CURL *curl, const char *extra, struct dormant_error *err)
{
	const char *key = extra ? extra : "";
	X509_STORE *store = NULL;
	char *sys_file = NULL, *sys_dir = NULL;

	pthread_mutex_lock(&stores_lock);
	for (size_t i = 0; i < n_stores; i++)
		if (strcmp(stores[i].extra, key) == 0) {
			store = stores[i].store;
			goto out;
		}
	store = X509_STORE_new();
	if (!store) {
		dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
#if LIBCURL_VERSION_NUM >= 0x075400
	if (curl_easy_getinfo(curl, CURLINFO_CAINFO, &sys_file) != CURLE_OK)
		sys_file = NULL;
	if (curl_easy_getinfo(curl, CURLINFO_CAPATH, &sys_dir) != CURLE_OK)
		sys_dir = NULL;
#endif
	/* A system without a default bundle simply trusts the extra file. */
	if (sys_file)
		X509_STORE_load_file(store, sys_file);
	if (sys_dir)
		X509_STORE_load_path(store, sys_dir);
	if (extra && X509_STORE_load_file(store, extra) != 1) {
		dormant_error_set(
		        err, DORMANT_ERR_CONFIG,
		        "CA file %s: unreadable or no PEM certificate "
		        "in it",
		        extra);
		X509_STORE_free(store);
		store = NULL;
		goto out;
	}
	if (n_stores < sizeof(stores) / sizeof(*stores)) {
		stores[n_stores].extra = strdup(key);
		if (stores[n_stores].extra)
			stores[n_stores++].store = store;
	}
	/* Not cached (table full or no memory): this client keeps its own
	 * reference through SSL_CTX_set1_cert_store and the store leaks
	 * once per client, still correct. */
out:
	pthread_mutex_unlock(&stores_lock);
	return store;
}

/* Points the client at a shared store instead of letting libcurl load
 * the bundle again for each connection. */
static enum dormant_status
set_trust(CURL *curl, const char *ca_file, struct dormant_error *err)
{
	X509_STORE *store;
	CURLcode rc;

	if (!curl_uses_openssl())
		return ca_file ? set_ca_blob(curl, ca_file, err) : DORMANT_OK;
	store = get_store(curl, ca_file, err);
	if (!store)
		return DORMANT_ERR_CONFIG;
	rc = curl_easy_setopt(curl, CURLOPT_CAINFO, NULL);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(curl, CURLOPT_CAPATH, NULL);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(curl, CURLOPT_SSL_CTX_FUNCTION,
		                      use_store);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(curl, CURLOPT_SSL_CTX_DATA, store);
	if (rc != CURLE_OK)
		return dormant_error_set(err, DORMANT_ERR_UNSUPPORTED,
		                         "cannot set the trusted CAs: %s",
		                         curl_easy_strerror(rc));
	return DORMANT_OK;
}

static CURLcode
set_fixed_options(struct dormant_http *h)
{
	CURL *c = h->curl;
	CURLcode rc;

	/* Threads: no SIGALRM-based DNS timeouts. */
	rc = curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (!rc)
		rc = curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	if (!rc)
		rc = curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (!rc)
		rc = curl_easy_setopt(c, CURLOPT_PROXY_SSL_VERIFYPEER, 1L);
	if (!rc)
		rc = curl_easy_setopt(c, CURLOPT_PROXY_SSL_VERIFYHOST, 2L);
	if (!rc)
		rc = curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
		                      h->opts.connect_timeout_ms);
	if (!rc)
		rc = curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
		                      h->opts.total_timeout_ms);
	if (!rc)
		rc = curl_easy_setopt(c, CURLOPT_USERAGENT, h->user_agent);
		/* Plain http stays allowed for the EC2 metadata service and the
		 * container credentials endpoint; nothing else is ever spoken.
		 */
#if LIBCURL_VERSION_NUM >= 0x075500
	if (!rc)
		rc = curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	if (!rc)
		rc = curl_easy_setopt(c, CURLOPT_PROTOCOLS,
		                      (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	/* Redirects are the caller's business (Location is kept). */
	if (!rc)
		rc = curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	/* gzip and friends: the body cap applies to the decoded bytes. */
	if (!rc)
		rc = curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	if (!rc)
		rc = curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	if (!rc)
		rc = curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
	if (!rc)
		rc = curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
	if (!rc)
		rc = curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
	if (!rc)
		rc = curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	if (!rc)
		rc = curl_easy_setopt(c, CURLOPT_HEADERDATA, h);
	if (!rc)
		rc = curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	if (!rc)
		rc = curl_easy_setopt(c, CURLOPT_XFERINFODATA, h);
	if (!rc)
		rc = curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	if (!rc && h->host && h->host->log && h->host->verbosity >= 3) {
		rc = curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
		if (!rc)
			rc = curl_easy_setopt(c, CURLOPT_DEBUGDATA, h);
		if (!rc)
			rc = curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
	}
	return rc;
}

enum dormant_status
dormant_http_new(const struct dormant_http_options *opts,
                 struct dormant_http **out, struct dormant_error *err)
{
	static const struct dormant_http_options none;
	struct dormant_http *h = NULL;
	struct timespec ts;
	enum dormant_status st = DORMANT_OK;
	const char *ca_file;
	CURLcode rc;

	*out = NULL;
	if (!opts)
		opts = &none;
	pthread_once(&global_once, global_init);
	if (global_rc != CURLE_OK) {
		st = dormant_error_set(err, DORMANT_ERR_INTERNAL,
		                       "libcurl initialisation failed: %s",
		                       curl_easy_strerror(global_rc));
		goto out;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM, "out of memory");
		goto out;
	}
	h->opts = *opts;
	h->host = opts->host;
	/* The run's request_timeout, where the client asks for no other. */
	if (h->opts.total_timeout_ms <= 0 && h->host &&
	    DORMANT_HOST_HAS(h->host, request_timeout_ms) &&
	    h->host->request_timeout_ms > 0) {
		h->opts.total_timeout_ms = h->host->request_timeout_ms;
		if (h->opts.connect_timeout_ms <= 0 &&
		    h->opts.total_timeout_ms < DEFAULT_CONNECT_MS)
			h->opts.connect_timeout_ms = h->opts.total_timeout_ms;
	}
	if (h->opts.connect_timeout_ms <= 0)
		h->opts.connect_timeout_ms = DEFAULT_CONNECT_MS;
	if (h->opts.total_timeout_ms <= 0)
		h->opts.total_timeout_ms = DEFAULT_TOTAL_MS;
	if (h->opts.max_attempts == 0)
		h->opts.max_attempts = DEFAULT_ATTEMPTS;
	if (h->opts.max_body_bytes == 0)
		h->opts.max_body_bytes = DEFAULT_MAX_BODY;
	/* The backoff fields keep 0 = default: dormant_http_backoff_ms
	 * resolves them, for tests that call it directly too. */
	h->opts.user_agent = NULL;
	h->opts.ca_file = NULL;
	dormant_buf_init(&h->body, h->opts.max_body_bytes);
	dormant_buf_init(&h->headers, 0);
	h->user_agent = strdup(opts->user_agent ? opts->user_agent
	                                        : "dormant/" PACKAGE_VERSION);
	h->curl = curl_easy_init();
	if (!h->user_agent || !h->curl) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM,
		                       "cannot create an HTTP client: out of "
		                       "memory");
		goto out;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	h->rng = ((uint64_t)ts.tv_sec << 30) ^ (uint64_t)ts.tv_nsec ^
	         ((uint64_t)getpid() << 40) ^ (uint64_t)(uintptr_t)h;
	if (!h->rng)
		h->rng = 0x9e3779b97f4a7c15ULL;

	ca_file = opts->ca_file ? opts->ca_file
	                        : (h->host ? h->host->ca_file : NULL);
	st = set_trust(h->curl, ca_file && *ca_file ? ca_file : NULL, err);
	if (st != DORMANT_OK)
		goto out;
	rc = set_fixed_options(h);
	if (rc != CURLE_OK) {
		st = dormant_error_set(err, DORMANT_ERR_INTERNAL,
		                       "cannot set up libcurl: %s",
		                       curl_easy_strerror(rc));
		goto out;
	}
	*out = h;
	h = NULL;
out:
	dormant_http_free(h);
	return st;
}

void
dormant_http_free(struct dormant_http *http)
{
	if (!http)
		return;
	if (http->curl)
		curl_easy_cleanup(http->curl);
	dormant_buf_free(&http->body);
	dormant_buf_free(&http->headers);
	drop_kept(http->kept);
	free(http->user_agent);
	free(http);
}

void
dormant_http_response_clear(struct dormant_http_response *resp)
{
	if (!resp)
		return;
	free(resp->body);
	drop_kept(resp->kept);
	memset(resp, 0, sizeof(*resp));
}

const char *
dormant_http_response_header(const struct dormant_http_response *r,
                             const char *name)
{
	if (!r || !name)
		return NULL;
	for (size_t i = 0; i < sizeof(own_slot_names) / sizeof(*own_slot_names);
	     i++)
		if (ascii_ieq(name, strlen(name), own_slot_names[i]))
			return r->kept[i];
	if (!r->kept[KEPT_ALL])
		return NULL;
	for (const char *n = r->kept[KEPT_ALL]; *n;) {
		const char *v = n + strlen(n) + 1;

		if (ascii_ieq(name, strlen(name), n))
			return v;
		n = v + strlen(v) + 1;
	}
	return NULL;
}

char *
dormant_http_uri_encode(const char *s, size_t len, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;
	char *out;

	if (len > (SIZE_MAX - 1) / 3)
		return NULL;
	out = malloc(len * 3 + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		bool unreserved = (c >= 'A' && c <= 'Z') ||
		                  (c >= 'a' && c <= 'z') ||
		                  (c >= '0' && c <= '9') || c == '-' ||
		                  c == '.' || c == '_' || c == '~';

		if (unreserved || (keep_slash && c == '/')) {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return out;
}

char *
dormant_http_urlencode(const char *s)
{
	return dormant_http_uri_encode(s, strlen(s), false);
}

/* Retry-After as milliseconds from now: delta-seconds or an HTTP-date
 * (RFC 9110 10.2.3). False for anything else, which is then ignored. */
static bool
retry_after_ms(const char *v, int64_t now, long limit, long *ms)
{
	char tmp[64];
	size_t len;
	int64_t secs = 0, when;

	if (!v)
		return false;
	while (*v == ' ' || *v == '\t')
		v++;
	len = strlen(v);
	while (len && (v[len - 1] == ' ' || v[len - 1] == '\t'))
		len--;
	if (len == 0 || len >= sizeof(tmp))
		return false;
	memcpy(tmp, v, len);
	tmp[len] = '\0';
	if (tmp[0] >= '0' && tmp[0] <= '9') {
		for (size_t i = 0; i < len; i++) {
			if (tmp[i] < '0' || tmp[i] > '9')
				return false;
			/* Saturate: anything past the limit is the limit. */
			if (secs <= (int64_t)limit / 1000 + 1)
				secs = secs * 10 + (tmp[i] - '0');
		}
	} else if (dormant_time_parse_http_date(tmp, &when)) {
		secs = when > now ? when - now : 0;
		if (secs > (int64_t)limit / 1000 + 1)
			secs = (int64_t)limit / 1000 + 1;
	} else {
		return false;
	}
	/* Compared in seconds: secs * 1000 overflows for a limit near
	 * LONG_MAX (up to ten times limit / 1000 after the saturation). */
	*ms = secs > (int64_t)limit / 1000 ? limit : (long)(secs * 1000);
	return true;
}

long
dormant_http_backoff_ms(const struct dormant_http_options *opts, unsigned retry,
                        const char *retry_after, int64_t now, double rand01)
{
	long base = DEFAULT_BASE_MS, cap = DEFAULT_BACKOFF_MAX_MS;
	long ra_max = DEFAULT_RETRY_AFTER_MAX_MS, ms;
	double span;

	if (opts && opts->backoff_base_ms > 0)
		base = opts->backoff_base_ms;
	if (opts && opts->backoff_max_ms > 0)
		cap = opts->backoff_max_ms;
	if (opts && opts->retry_after_max_ms > 0)
		ra_max = opts->retry_after_max_ms;
	/* The server knows its own load: its Retry-After wins over our
	 * schedule, up to the longest wait we accept. */
	if (retry_after_ms(retry_after, now, ra_max, &ms))
		return ms;
	span = (double)base;
	for (unsigned i = 1; i < retry && span < (double)cap; i++)
		span *= 2;
	if (span > (double)cap)
		span = (double)cap;
	/* Full jitter (uniform over [0, span)) spreads the clients that were
	 * throttled together, so they do not come back together. */
	if (!(rand01 >= 0.0 && rand01 < 1.0))
		rand01 = 0.0;
	return (long)(rand01 * span);
}

static double
next_rand01(struct dormant_http *h)
{
	/* xorshift64*: jitter needs spread, not secrecy. */
	h->rng ^= h->rng >> 12;
	h->rng ^= h->rng << 25;
	h->rng ^= h->rng >> 27;
	return (double)((h->rng * 0x2545F4914F6CDD1DULL) >> 11) * 0x1.0p-53;
}

static bool
valid_method(const char *m)
{
	static const char *const ok[] = {"GET", "POST", "PUT", "PATCH",
	                                 "DELETE"};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(m, ok[i]) == 0)
			return true;
	return false;
}

/* RFC 9110 token characters for names; values may not break the line. */
static bool
valid_header(const struct dormant_http_header *hd)
{
	if (!hd->name || !hd->value || !*hd->name)
		return false;
	for (const char *p = hd->name; *p; p++)
		if (*p <= ' ' || *p >= 127 || strchr("\"(),/:;<=>?@[\\]{}", *p))
			return false;
	for (const char *p = hd->value; *p; p++)
		if (*p == '\r' || *p == '\n')
			return false;
	return true;
}

static enum dormant_status
build_headers(const struct dormant_http_request *req, struct curl_slist **out,
              const char *where, struct dormant_error *err)
{
	struct curl_slist *list = NULL, *next;
	struct dormant_buf line;
	enum dormant_status st = DORMANT_OK;

	dormant_buf_init(&line, 0);
	/* No "Expect: 100-continue" round trip before small bodies. */
	list = curl_slist_append(NULL, "Expect:");
	if (!list) {
		st = dormant_error_set(err, DORMANT_ERR_NOMEM,
		                       "%s: out of memory", where);
		goto out;
	}
	for (size_t i = 0; i < req->n_headers; i++) {
		const struct dormant_http_header *hd = &req->headers[i];

		if (!valid_header(hd)) {
			st = dormant_error_set(err, DORMANT_ERR_USAGE,
			                       "%s: invalid header %zu", where,
			                       i);
			goto out;
		}
		dormant_buf_reset(&line);
		/* curl's syntax for a header with an empty value is "Name;". */
		st = *hd->value ? dormant_buf_appendf(&line, "%s: %s", hd->name,
		                                      hd->value)
		                : dormant_buf_appendf(&line, "%s;", hd->name);
		next = st == DORMANT_OK ? curl_slist_append(list, line.data)
		                        : NULL;
		if (!next) {
			st = dormant_error_set(err, DORMANT_ERR_NOMEM,
			                       "%s: out of memory", where);
			goto out;
		}
		list = next;
	}
out:
	dormant_buf_free(&line);
	if (st != DORMANT_OK) {
		curl_slist_free_all(list);
		list = NULL;
	}
	*out = list;
	return st;
}

static CURLcode
set_request(CURL *c, const struct dormant_http_request *req,
            struct curl_slist *headers)
{
	bool get = strcmp(req->method, "GET") == 0;
	bool post = strcmp(req->method, "POST") == 0;
	CURLcode rc;

	rc = curl_easy_setopt(c, CURLOPT_URL, req->url);
	if (!rc)
		rc = curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	if (rc)
		return rc;
	if (get || (!req->body && !post)) {
		/* GET, or a DELETE without a body. */
		rc = curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
		if (!rc)
			rc = curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST,
			                      get ? NULL : req->method);
		return rc;
	}
	/* POST, PUT and PATCH send their body from memory, as a POST whose
	 * method name is replaced: curl's documented way. */
	rc = curl_easy_setopt(c, CURLOPT_POST, 1L);
	if (!rc)
		rc = curl_easy_setopt(
		        c, CURLOPT_POSTFIELDSIZE_LARGE,
		        (curl_off_t)(req->body ? req->body_len : 0));
	if (!rc)
		rc = curl_easy_setopt(c, CURLOPT_POSTFIELDS,
		                      req->body ? req->body : "");
	if (!rc)
		rc = curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST,
		                      post ? NULL : req->method);
	return rc;
}

/* What a failed transfer means, and whether another attempt may help. */
static enum dormant_status
classify(CURLcode rc, const char **what, bool *retry)
{
	*retry = false;
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		*retry = true;
		*what = "connection failed";
		return DORMANT_ERR_NETWORK;
	case CURLE_OPERATION_TIMEDOUT:
		*retry = true;
		*what = "timed out";
		return DORMANT_ERR_NETWORK;
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
		*retry = true;
		*what = "connection lost";
		return DORMANT_ERR_NETWORK;
	case CURLE_GOT_NOTHING:
		*retry = true;
		*what = "server closed the connection without answering";
		return DORMANT_ERR_NETWORK;
	case CURLE_PARTIAL_FILE:
		*retry = true;
		*what = "answer cut short";
		return DORMANT_ERR_NETWORK;
	case CURLE_SSL_CONNECT_ERROR:
		*retry = true;
		*what = "TLS handshake failed";
		return DORMANT_ERR_NETWORK;
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		*retry = true;
		*what = "HTTP/2 error";
		return DORMANT_ERR_NETWORK;
	case CURLE_PEER_FAILED_VERIFICATION:
		*what = "TLS certificate not trusted (add it with --ca-file)";
		return DORMANT_ERR_NETWORK;
	case CURLE_SSL_CACERT_BADFILE:
		*what = "cannot read the CA bundle";
		return DORMANT_ERR_CONFIG;
	case CURLE_COULDNT_RESOLVE_HOST:
		*what = "host name not found";
		return DORMANT_ERR_NETWORK;
	case CURLE_COULDNT_RESOLVE_PROXY:
		*what = "proxy host name not found";
		return DORMANT_ERR_NETWORK;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		*what = "not an http or https URL";
		return DORMANT_ERR_CONFIG;
	default: *what = curl_easy_strerror(rc); return DORMANT_ERR_NETWORK;
	}
}

struct xml_root {
	const char *want;
	bool seen, ok;
};

static void XMLCALL
first_element(void *ctx, const XML_Char *name, const XML_Char **attrs)
{
	struct xml_root *r = ctx;
	const char *colon = strchr(name, ':');

	(void)attrs;
	if (r->seen)
		return;
	r->seen = true;
	r->ok = strcmp(colon ? colon + 1 : name, r->want) == 0;
}

/* Does a 2xx answer's body hold what the request expects? A garbled or
 * truncated 200 is then retried like a 5xx rather than failing a whole
 * scope (idempotent requests only). */
static bool
body_is_whole(const struct dormant_http_request *req,
              const struct dormant_http_response *resp)
{
	switch (req->expect) {
	case DORMANT_HTTP_BODY_JSON: {
		cJSON *v = cJSON_ParseWithLengthOpts(resp->body, resp->body_len,
		                                     NULL, false);
		bool ok = v != NULL;

		cJSON_Delete(v);
		return ok;
	}
	case DORMANT_HTTP_BODY_XML: {
		XML_Parser p = XML_ParserCreate(NULL);
		struct xml_root root = {req->expect_xml_root, false, false};
		bool ok;

		if (!p)
			return true; /* no memory to check: the caller's parse
			                will say */
		if (root.want) {
			XML_SetUserData(p, &root);
			XML_SetStartElementHandler(p, first_element);
		}
		ok = resp->body_len <= INT_MAX &&
		     XML_Parse(p, resp->body, (int)resp->body_len, 1) ==
		             XML_STATUS_OK &&
		     (!root.want || root.ok);
		XML_ParserFree(p);
		return ok;
	}
	case DORMANT_HTTP_BODY_ANY: break;
	}
	return true;
}

static bool
idempotent(const struct dormant_http_request *req)
{
	return req->idempotent || strcmp(req->method, "GET") == 0 ||
	       strcmp(req->method, "HEAD") == 0;
}

static bool
retryable_status(long status)
{
	return status == 429 || status == 500 || status == 502 ||
	       status == 503 || status == 504;
}

/* Runs one attempt; on a transfer error returns the curl code and leaves
 * resp alone. */
static CURLcode
attempt_once(struct dormant_http *h, const struct dormant_http_request *req,
             struct curl_slist *headers, struct dormant_http_response *resp)
{
	CURLcode rc;

	dormant_buf_reset(&h->body);
	drop_kept(h->kept);
	dormant_buf_reset(&h->headers);
	h->too_large = false;
	h->nomem = false;
	h->cancelled = false;
	h->errbuf[0] = '\0';
	rc = set_request(h->curl, req, headers);
	if (rc == CURLE_OK)
		rc = curl_easy_perform(h->curl);
	if (rc != CURLE_OK)
		return rc;
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &resp->status);
	resp->body_len = h->body.len;
	resp->body = dormant_buf_steal(&h->body);
	if (!resp->body) {
		h->nomem = true;
		return CURLE_OUT_OF_MEMORY;
	}
	h->kept[KEPT_ALL] = merge_headers(&h->headers, &h->nomem);
	if (h->nomem)
		return CURLE_OUT_OF_MEMORY;
	memcpy(resp->kept, h->kept, sizeof(resp->kept));
	memset(h->kept, 0, sizeof(h->kept));
	resp->content_type = resp->kept[KEPT_CONTENT_TYPE];
	resp->retry_after = resp->kept[KEPT_RETRY_AFTER];
	return CURLE_OK;
}

enum dormant_status
dormant_http_send(struct dormant_http *http,
                  const struct dormant_http_request *req,
                  struct dormant_http_response *resp, struct dormant_error *err)
{
	struct dormant_http_request work;
	struct curl_slist *headers = NULL;
	enum dormant_status st = DORMANT_OK;
	bool keep_resp = false;
	char where[SHOWN_MAX + 32], why[96];
	unsigned max;

	dormant_http_response_clear(resp);
	if (!http || !req || !req->method || !req->url || !resp) {
		st = dormant_error_set(err, DORMANT_ERR_USAGE,
		                       "dormant_http_send: missing argument");
		goto out;
	}
	describe(where, sizeof(where), req->method, req->url);
	if (!valid_method(req->method)) {
		st = dormant_error_set(err, DORMANT_ERR_USAGE,
		                       "%s: unsupported method", where);
		goto out;
	}
	max = http->opts.max_attempts;
	work = *req;
	for (unsigned attempt = 1;; attempt++) {
		const char *what;
		bool retry, throttled, garbled;
		long wait;
		CURLcode rc;

		if (is_cancelled(http)) {
			st = dormant_error_set(err, DORMANT_ERR_CANCELLED,
			                       "%s: interrupted", where);
			goto out;
		}
		if (work.prepare) {
			st = work.prepare(work.ctx, &work, err);
			if (st != DORMANT_OK) {
				dormant_error_prefix(err, "%s", where);
				goto out;
			}
		}
		curl_slist_free_all(headers);
		st = build_headers(&work, &headers, where, err);
		if (st != DORMANT_OK)
			goto out;

		rc = attempt_once(http, &work, headers, resp);
		if (http->cancelled || rc == CURLE_ABORTED_BY_CALLBACK) {
			st = dormant_error_set(err, DORMANT_ERR_CANCELLED,
			                       "%s: interrupted", where);
			goto out;
		}
		if (http->too_large) {
			st = dormant_error_set(
			        err, DORMANT_ERR_TOO_LARGE,
			        "%s: answer larger than %zu bytes", where,
			        http->opts.max_body_bytes);
			goto out;
		}
		if (http->nomem) {
			st = dormant_error_set(err, DORMANT_ERR_NOMEM,
			                       "%s: out of memory", where);
			goto out;
		}
		if (rc != CURLE_OK) {
			st = classify(rc, &what, &retry);
			if (!retry || attempt >= max) {
				char tries[32] = "";

				if (attempt > 1)
					snprintf(tries, sizeof(tries),
					         " after %u attempts", attempt);
				dormant_error_set(err, st, "%s: %s%s%s%s",
				                  where, what, tries,
				                  http->errbuf[0] ? ": " : "",
				                  http->errbuf);
				goto out;
			}
			snprintf(why, sizeof(why), "%s", what);
		} else {
			resp->attempts = attempt;
			throttled = resp->status == 429 || resp->status == 503;
			retry = retryable_status(resp->status);
			if (!retry && work.should_retry &&
			    work.should_retry(work.ctx, resp))
				retry = throttled = true;
			garbled = !retry && resp->status / 100 == 2 &&
			          idempotent(&work) &&
			          !body_is_whole(&work, resp);
			if (!retry && !garbled) {
				st = DORMANT_OK;
				goto out;
			}
			if (attempt >= max) {
				keep_resp = true;
				st = dormant_error_set(
				        err,
				        throttled ? DORMANT_ERR_THROTTLED
				                  : DORMANT_ERR_HTTP,
				        "%s: HTTP %ld%s after %u attempts",
				        where, resp->status,
				        !garbled ? ""
				        : work.expect != DORMANT_HTTP_BODY_XML
				                ? " whose body is not JSON"
				        : work.expect_xml_root
				                ? " whose body is not the XML "
				                  "answer expected"
				                : " whose body is not XML",
				        attempt);
				goto out;
			}
			snprintf(why, sizeof(why), "HTTP %ld%s%s%s",
			         resp->status,
			         garbled ? " with a garbled body" : "",
			         resp->retry_after ? ", Retry-After " : "",
			         resp->retry_after ? resp->retry_after : "");
		}
		/* Retry-After is relative to the server's clock, which is the
		 * real one even when the run's clock is pinned. */
		wait = dormant_http_backoff_ms(
		        &http->opts, attempt,
		        rc == CURLE_OK ? resp->retry_after : NULL,
		        (int64_t)time(NULL), next_rand01(http));
		dormant_http_response_clear(resp);
		hlog(http->host, DORMANT_LOG_INFO,
		     "%s: %s; retry %u of %u in %ld ms", where, why, attempt,
		     max - 1, wait);
		if (!dormant_sleep_ns(http->host, (int64_t)wait * 1000000)) {
			st = dormant_error_set(err, DORMANT_ERR_CANCELLED,
			                       "%s: interrupted", where);
			goto out;
		}
	}
out:
	if (http && http->curl)
		curl_easy_setopt(http->curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(headers);
	if (st != DORMANT_OK && !keep_resp)
		dormant_http_response_clear(resp);
	return st;
}
