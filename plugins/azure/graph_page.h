/* dormant azure: the envelope every Microsoft Graph collection answer has.
 *
 * A collection page is a JSON object with "value" (the items, an array),
 * "@odata.context", and "@odata.nextLink" (the URL of the next page) on
 * every page but the last (Graph "Paging Microsoft Graph data in your
 * app"). A failed request answers {"error": {"code": ..., "message": ...}}
 * instead.
 */
#ifndef DORMANT_AZURE_GRAPH_PAGE_H
#define DORMANT_AZURE_GRAPH_PAGE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include <dormant/status.h>

/* The longest string the parsers pass on. Graph caps its own values far
 * lower (userPrincipalName 113 characters, displayName 256); a longer one
 * is not a Graph answer, and must not reach reports. */
#define AZURE_STRING_MAX 1024

/* Checks that page is a collection page: *value is its "value" array
 * (owned by page), *next_link a copy of "@odata.nextLink" (the caller
 * frees it) or NULL. A Graph error answer is reported as such. */
enum dormant_status azure_graph_page_open(const cJSON *page, const char *what,
                                          const cJSON **value, char **next_link,
                                          struct dormant_error *err);

/* A string member that must be present, non-empty and at most
 * AZURE_STRING_MAX bytes when `required`; otherwise it may be absent or
 * null (*out = NULL) but must still be a string of sane length. */
enum dormant_status azure_graph_string(const cJSON *obj, const char *key,
                                       bool required, const char **out,
                                       struct dormant_error *err);

#endif /* DORMANT_AZURE_GRAPH_PAGE_H */
