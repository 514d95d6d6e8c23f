/* dormant aws: endpoint resolution (see endpoints.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "endpoints.h"

const char *
aws_partition_of(const char *region)
{
	if (region && strncmp(region, "cn-", 3) == 0)
		return "aws-cn";
	if (region && strncmp(region, "us-gov-", 7) == 0)
		return "aws-us-gov";
	return "aws";
}

static bool
copy(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		return false;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return true;
}

enum dormant_status
aws_endpoint_parse(const char *url, const char *region, const char *service,
                   bool allow_http, struct aws_endpoint *out,
                   struct dormant_error *err)
{
	const char *auth, *end, *at, *path;
	size_t scheme_len;

	memset(out, 0, sizeof(*out));
	if (strncmp(url, "https://", 8) == 0)
		scheme_len = 8;
	else if (allow_http && strncmp(url, "http://", 7) == 0)
		scheme_len = 7;
	else
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "%s endpoint %.200s: not an https:// "
		                         "URL",
		                         service, url);
	auth = url + scheme_len;
	end = auth + strcspn(auth, "/?#");
	if (*end == '?' || *end == '#' || strpbrk(end, "?#"))
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "%s endpoint %.200s: a query or "
		                         "fragment has no place here",
		                         service, url);
	at = memchr(auth, '@', (size_t)(end - auth));
	if (at)
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "%s endpoint: user info in the URL is "
		                         "refused",
		                         service);
	if (end == auth)
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "%s endpoint %.200s: no host", service,
		                         url);
	for (const char *p = auth; p < end; p++)
		if (*p <= ' ' || *p >= 127)
			return dormant_error_set(
			        err, DORMANT_ERR_CONFIG,
			        "%s endpoint: bad character in "
			        "the host",
			        service);
	path = *end ? end : "/";
	if (!copy(out->host, sizeof(out->host), auth, (size_t)(end - auth)) ||
	    !copy(out->path, sizeof(out->path), path, strlen(path)) ||
	    !copy(out->region, sizeof(out->region), region, strlen(region)) ||
	    !copy(out->service, sizeof(out->service), service, strlen(service)))
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "%s endpoint: URL too long", service);
	if (snprintf(out->url, sizeof(out->url), "%.*s%s%s", (int)scheme_len,
	             url, out->host, out->path) >= (int)sizeof(out->url))
		return dormant_error_set(err, DORMANT_ERR_CONFIG,
		                         "%s endpoint: URL too long", service);
	return DORMANT_OK;
}

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static enum dormant_status
resolve_one(const struct dormant_host *host, const char *service,
            const char *env_name, const char *key, const char *dflt,
            const char *region, struct aws_endpoint *out,
            struct dormant_error *err)
{
	const char *url, *source;
	enum dormant_status st;

	if ((url = env(env_name)))
		source = env_name;
	else if ((url = env("AWS_ENDPOINT_URL")))
		source = "AWS_ENDPOINT_URL";
	else if ((url = host->config(host, key)) && *url)
		source = key;
	else {
		url = dflt;
		source = "default";
	}
	st = aws_endpoint_parse(url, region, service, false, out, err);
	if (st == DORMANT_OK)
		snprintf(out->source, sizeof(out->source), "%s", source);
	return st;
}

enum dormant_status
aws_endpoints_resolve(const struct dormant_host *host, const char *region,
                      struct aws_endpoint *iam, struct aws_endpoint *sts,
                      struct dormant_error *err)
{
	const char *partition = aws_partition_of(region);
	const char *iam_url = "https://iam.amazonaws.com";
	const char *iam_region = "us-east-1";
	char sts_url[256];
	enum dormant_status st;

	if (strcmp(partition, "aws-cn") == 0) {
		iam_url = "https://iam.cn-north-1.amazonaws.com.cn";
		iam_region = "cn-north-1";
	} else if (strcmp(partition, "aws-us-gov") == 0) {
		iam_url = "https://iam.us-gov.amazonaws.com";
		iam_region = "us-gov-west-1";
	}
	if (region && *region) {
		for (const char *p = region; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') ||
			      (*p >= '0' && *p <= '9') || *p == '-'))
				return dormant_error_set(
				        err, DORMANT_ERR_CONFIG,
				        "region %.64s: not an AWS region name",
				        region);
		snprintf(sts_url, sizeof(sts_url), "https://sts.%.64s.%s",
		         region,
		         strcmp(partition, "aws-cn") == 0 ? "amazonaws.com.cn"
		                                          : "amazonaws.com");
	} else {
		snprintf(sts_url, sizeof(sts_url), "https://sts.amazonaws.com");
		region = "us-east-1";
	}
	st = resolve_one(host, "iam", "AWS_ENDPOINT_URL_IAM", "endpoint_iam",
	                 iam_url, iam_region, iam, err);
	if (st == DORMANT_OK)
		st = resolve_one(host, "sts", "AWS_ENDPOINT_URL_STS",
		                 "endpoint_sts", sts_url, region, sts, err);
	return st;
}
