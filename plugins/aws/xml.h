/* dormant aws: a small streaming reader over expat for AWS Query API
 * answers (IAM, STS).
 *
 * The Query protocol answers in XML: <ActionResponse><ActionResult>...
 * on success, <ErrorResponse><Error><Code>... on failure. Callers never
 * see a tree: the reader calls them at the end of every element with its
 * path from the document element ("ListUsersResponse/ListUsersResult/
 * Users/member/UserName") and, for an element without child elements,
 * its text. Namespaces are dropped (AWS uses one default namespace).
 *
 * The input is untrusted: a DOCTYPE (and with it every entity
 * declaration: no "billion laughs") is refused, nesting is capped, and so
 * is the text of one element.
 */
#ifndef DORMANT_AWS_XML_H
#define DORMANT_AWS_XML_H

#include <stddef.h>

#include <dormant/status.h>

/* Deepest nesting accepted; AWS answers need under 8. */
#define AWS_XML_MAX_DEPTH 24
/* Longest element path accepted, in bytes. */
#define AWS_XML_MAX_PATH 512

/* Called at the end of every element. text is NULL for an element with
 * child elements, else its character data (NUL-terminated, len bytes,
 * entities decoded). A non-OK return stops the parse and is returned. */
typedef enum dormant_status (*aws_xml_end_fn)(void *ctx, const char *path,
                                              const char *text, size_t len,
                                              struct dormant_error *err);

/* Parses data[0..len). `what` names the document in errors ("IAM
 * ListUsers answer"). max_text caps one element's text. Malformed XML is
 * DORMANT_ERR_PARSE with expat's line and reason. */
enum dormant_status aws_xml_parse(const char *data, size_t len,
                                  const char *what, size_t max_text,
                                  aws_xml_end_fn fn, void *ctx,
                                  struct dormant_error *err);

#endif /* DORMANT_AWS_XML_H */
