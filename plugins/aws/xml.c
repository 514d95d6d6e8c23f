/* dormant aws: the streaming XML reader (see xml.h). */
#include "config.h"

#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include <expat.h>

#include <dormant/buf.h>

#include "xml.h"

/* The separator expat puts between a namespace URI and a local name. */
#define NS_SEP '\x01'

struct reader {
	XML_Parser parser;
	const char *what;
	aws_xml_end_fn fn;
	void *ctx;
	char path[AWS_XML_MAX_PATH];
	size_t path_len;
	size_t depth;
	size_t saved_len[AWS_XML_MAX_DEPTH + 1];
	unsigned char has_children[AWS_XML_MAX_DEPTH + 1];
	struct dormant_buf text;
	enum dormant_status st;
	struct dormant_error *err;
};

static void
stop(struct reader *r, enum dormant_status st)
{
	if (r->st == DORMANT_OK)
		r->st = st;
	XML_StopParser(r->parser, XML_FALSE);
}

static void
on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	struct reader *r = ud;
	const char *local = strrchr(name, NS_SEP);
	size_t len;

	(void)attrs;
	if (r->st != DORMANT_OK)
		return;
	local = local ? local + 1 : name;
	len = strlen(local);
	if (r->depth >= AWS_XML_MAX_DEPTH) {
		dormant_error_set(r->err, DORMANT_ERR_PARSE,
		                  "%s: XML nested deeper than %d elements",
		                  r->what, AWS_XML_MAX_DEPTH);
		stop(r, DORMANT_ERR_PARSE);
		return;
	}
	if (r->path_len + len + 2 > sizeof(r->path)) {
		dormant_error_set(r->err, DORMANT_ERR_PARSE,
		                  "%s: XML element path too long", r->what);
		stop(r, DORMANT_ERR_PARSE);
		return;
	}
	if (r->depth > 0)
		r->has_children[r->depth] = 1;
	r->saved_len[r->depth + 1] = r->path_len;
	if (r->path_len)
		r->path[r->path_len++] = '/';
	memcpy(r->path + r->path_len, local, len);
	r->path_len += len;
	r->path[r->path_len] = '\0';
	r->depth++;
	r->has_children[r->depth] = 0;
	dormant_buf_reset(&r->text);
}

static void
on_end(void *ud, const XML_Char *name)
{
	struct reader *r = ud;
	enum dormant_status st;
	bool leaf;

	(void)name;
	if (r->st != DORMANT_OK)
		return;
	leaf = !r->has_children[r->depth];
	st = r->fn(r->ctx, r->path,
	           leaf ? (r->text.data ? r->text.data : "") : NULL,
	           leaf ? r->text.len : 0, r->err);
	if (st != DORMANT_OK) {
		stop(r, st);
		return;
	}
	r->path_len = r->saved_len[r->depth];
	r->path[r->path_len] = '\0';
	r->depth--;
	dormant_buf_reset(&r->text);
}

static void
on_text(void *ud, const XML_Char *s, int len)
{
	struct reader *r = ud;
	enum dormant_status st;

	if (r->st != DORMANT_OK || r->depth == 0 || len <= 0)
		return;
	/* Text between child elements (indentation) is not kept. */
	if (r->has_children[r->depth])
		return;
	st = dormant_buf_append(&r->text, s, (size_t)len);
	if (st != DORMANT_OK) {
		dormant_error_set(
		        r->err, st, "%s: element %s: %s", r->what, r->path,
		        st == DORMANT_ERR_TOO_LARGE ? "text over the size cap"
		                                    : dormant_strerror(st));
		stop(r, st);
	}
}

/* No DTDs at all: AWS never sends one, and entity declarations are how
 * XML bombs and external entity reads happen. */
static void
on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
           const XML_Char *pubid, int has_internal_subset)
{
	struct reader *r = ud;

	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	dormant_error_set(r->err, DORMANT_ERR_PARSE,
	                  "%s: XML with a DOCTYPE refused", r->what);
	stop(r, DORMANT_ERR_PARSE);
}

static void
on_entity_decl(void *ud, const XML_Char *name, int is_param,
               const XML_Char *value, int value_len, const XML_Char *base,
               const XML_Char *sysid, const XML_Char *pubid,
               const XML_Char *notation)
{
	struct reader *r = ud;

	(void)name;
	(void)is_param;
	(void)value;
	(void)value_len;
	(void)base;
	(void)sysid;
	(void)pubid;
	(void)notation;
	dormant_error_set(r->err, DORMANT_ERR_PARSE,
	                  "%s: XML entity declarations refused", r->what);
	stop(r, DORMANT_ERR_PARSE);
}

enum dormant_status
aws_xml_parse(const char *data, size_t len, const char *what, size_t max_text,
              aws_xml_end_fn fn, void *ctx, struct dormant_error *err)
{
	struct reader r;
	enum XML_Status xs;

	memset(&r, 0, sizeof(r));
	r.what = what;
	r.fn = fn;
	r.ctx = ctx;
	r.err = err;
	dormant_buf_init(&r.text, max_text);
	/* An element's text is never longer than the document: one
	 * allocation holds the largest (a credential report's Content, ~MBs
	 * of base64) instead of a dozen doublings. */
	if (len > 4096)
		(void)dormant_buf_reserve(
		        &r.text, !max_text || len < max_text ? len : max_text);
	if (len > (size_t)INT_MAX) {
		r.st = dormant_error_set(err, DORMANT_ERR_TOO_LARGE,
		                         "%s: XML answer too large", what);
		goto out;
	}
	r.parser = XML_ParserCreateNS("UTF-8", NS_SEP);
	if (!r.parser) {
		r.st = dormant_error_set(err, DORMANT_ERR_NOMEM, "%s: %s", what,
		                         dormant_strerror(DORMANT_ERR_NOMEM));
		goto out;
	}
	XML_SetUserData(r.parser, &r);
	XML_SetElementHandler(r.parser, on_start, on_end);
	XML_SetCharacterDataHandler(r.parser, on_text);
	XML_SetStartDoctypeDeclHandler(r.parser, on_doctype);
	XML_SetEntityDeclHandler(r.parser, on_entity_decl);
	XML_SetParamEntityParsing(r.parser, XML_PARAM_ENTITY_PARSING_NEVER);
	xs = XML_Parse(r.parser, data, (int)len, XML_TRUE);
	if (r.st != DORMANT_OK)
		goto out;
	if (xs != XML_STATUS_OK) {
		r.st = dormant_error_set(
		        err, DORMANT_ERR_PARSE,
		        "%s: not well-formed XML: line %lu: %s", what,
		        (unsigned long)XML_GetCurrentLineNumber(r.parser),
		        XML_ErrorString(XML_GetErrorCode(r.parser)));
		goto out;
	}
out:
	if (r.parser)
		XML_ParserFree(r.parser);
	dormant_buf_free(&r.text);
	return r.st;
}
