/* dormant aws: where IAM and STS are, and how requests to them are
 * signed.
 *
 * Order, as the AWS SDKs resolve service endpoints ("Service-specific
 * endpoints", AWS SDKs and Tools Reference Guide, feature-ss-endpoints):
 * AWS_ENDPOINT_URL_IAM / AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL, then
 * our config keys endpoint_iam / endpoint_sts, then the real defaults.
 *
 * Defaults (AWS General Reference, "AWS Identity and Access Management
 * endpoints and quotas" and "AWS Security Token Service endpoints"): IAM
 * is global and signs in its partition's home region:
 *   aws         https://iam.amazonaws.com                 us-east-1
 *   aws-cn      https://iam.cn-north-1.amazonaws.com.cn   cn-north-1
 *   aws-us-gov  https://iam.us-gov.amazonaws.com          us-gov-west-1
 * STS uses the regional endpoint https://sts.REGION.amazonaws.com (.cn in
 * China) when a region is configured, else the global
 * https://sts.amazonaws.com, which signs in us-east-1.
 */
#ifndef DORMANT_AWS_ENDPOINTS_H
#define DORMANT_AWS_ENDPOINTS_H

#include <stdbool.h>

#include <dormant/plugin.h>
#include <dormant/status.h>

struct aws_endpoint {
	char url[1024];   /* scheme://authority/path, no query */
	char host[300];   /* the Host header: authority without user info */
	char path[512];   /* the URL's path, "/" at least */
	char region[64];  /* signing region */
	char service[16]; /* signing name: "iam", "sts" */
	char source[64];  /* where it came from, for -v */
};

/* Splits and checks an endpoint URL: https only, unless allow_http
 * (never for IAM and STS: requests carry signed credentials). */
enum dormant_status aws_endpoint_parse(const char *url, const char *region,
                                       const char *service, bool allow_http,
                                       struct aws_endpoint *out,
                                       struct dormant_error *err);

/* The partition of a region: "aws", "aws-cn" or "aws-us-gov". */
const char *aws_partition_of(const char *region);

/* Resolves both endpoints. region may be NULL (global). */
enum dormant_status aws_endpoints_resolve(const struct dormant_host *host,
                                          const char *region,
                                          struct aws_endpoint *iam,
                                          struct aws_endpoint *sts,
                                          struct dormant_error *err);

#endif /* DORMANT_AWS_ENDPOINTS_H */
