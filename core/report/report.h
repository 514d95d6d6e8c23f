/* dormant: reports (SPEC section 6) in every format.
 *
 * Each writer gets the result and the rule catalog (core/report/rules.h), so
 * that every finding carries its rule's title, compliance references and the
 * remediation commands filled with its own values.
 */
#ifndef DORMANT_REPORT_H
#define DORMANT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include <dormant/status.h>

#include "atomic_file.h"

#include "conf.h"
#include "engine.h"
#include "rules.h"

/* Where a report goes: path (atomically, through a temp file beside it)
 * or stdout when path is NULL or "-". Opened before a run changes
 * anything, so that an unwritable -o stops the run before its first
 * action instead of losing the report after it (SPEC 7). */
struct core_report_dest {
	bool to_stdout;
	bool open;
	struct core_atomic_file af;
};

enum dormant_status core_report_open(struct core_report_dest *dest,
                                     const char *path,
                                     struct dormant_error *err);

/* Writes the report and puts it in place; dest is closed either way. */
enum dormant_status core_report_finish(struct core_report_dest *dest,
                                       const struct core_result *res,
                                       enum core_format format,
                                       struct dormant_error *err);

/* Drops an opened destination's temp file (safe on a closed one). */
void core_report_abort(struct core_report_dest *dest);

/* The writers. Each returns DORMANT_ERR_NOMEM when it could not finish;
 * the stream's own errors are the caller's to check. */
enum dormant_status core_report_table(FILE *f, const struct core_result *res,
                                      const struct core_rules *rules);
enum dormant_status core_report_json(FILE *f, const struct core_result *res,
                                     const struct core_rules *rules);
enum dormant_status core_report_ndjson(FILE *f, const struct core_result *res,
                                       const struct core_rules *rules);
enum dormant_status core_report_csv(FILE *f, const struct core_result *res,
                                    const struct core_rules *rules);
enum dormant_status core_report_ocsf(FILE *f, const struct core_result *res,
                                     const struct core_rules *rules);
enum dormant_status core_report_html(FILE *f, const struct core_result *res,
                                     const struct core_rules *rules);

/* Writes s as a JSON string (quoted); bytes that are not valid UTF-8
 * become U+FFFD, so the report is valid JSON whatever a cloud sent. */
void core_json_write_string(FILE *f, const char *s);

/* The same, also escaping < > & as \u003c..., so that the string can sit
 * inside an HTML <script> element without ending it. */
void core_json_write_string_html(FILE *f, const char *s);

/* The length of the valid UTF-8 sequence at p, or 0. */
size_t core_utf8_seq_len(const unsigned char *p);

/* Copies the UTF-8 sequence starting at p (a byte >= 0x80) to f, or
 * writes `replacement` for a byte that starts none; returns the bytes of
 * p consumed. Reports stay valid UTF-8 whatever a cloud sent. */
size_t core_write_utf8(FILE *f, const unsigned char *p,
                       const char *replacement);

/* A finding's remediation with its own values filled in (shell-quoted
 * names; see core_rule_fill). Every string is owned. */
struct core_fix {
	const struct core_rule *rule; /* NULL: no catalog entry */
	char **cli;
	size_t n_cli;
	char *api;  /* NULL without a rule */
	char *undo; /* NULL when the rule has none */
};

enum dormant_status core_fix_make(const struct core_rules *rules,
                                  const struct core_finding *f,
                                  struct core_fix *fix);
void core_fix_free(struct core_fix *fix);

/* The distinct catalog entries the findings and warnings use, in catalog
 * order: *n of them, in an array the caller frees; NULL when out of
 * memory. */
const struct core_rule **core_report_rules_used(const struct core_result *res,
                                                const struct core_rules *rules,
                                                size_t *n);

#endif /* DORMANT_REPORT_H */
