/* dormant: reports (SPEC section 6). */
#ifndef DORMANT_REPORT_H
#define DORMANT_REPORT_H

#include <stdio.h>

#include <dormant/status.h>

#include "conf.h"
#include "engine.h"

/* Writes the report to path (atomically) or to stdout when path is NULL
 * or "-". */
enum dormant_status dormant_report_write(const struct dormant_result *res,
                                         enum dormant_format format,
                                         const char *path,
                                         struct dormant_error *err);

void dormant_report_table(FILE *f, const struct dormant_result *res);
void dormant_report_json(FILE *f, const struct dormant_result *res);
void dormant_report_ndjson(FILE *f, const struct dormant_result *res);

/* Writes s as a JSON string (quoted); bytes that are not valid UTF-8
 * become U+FFFD, so the report is valid JSON whatever a cloud sent. */
void dormant_json_write_string(FILE *f, const char *s);

#endif /* DORMANT_REPORT_H */
