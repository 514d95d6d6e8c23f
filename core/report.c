/* dormant: choosing the writer and the destination. */
#include "config.h"

#include <string.h>

#include "atomic_file.h"
#include "report.h"

static void
write_format(FILE *f, const struct dormant_result *res,
             enum dormant_format format)
{
	switch (format) {
	case DORMANT_FORMAT_TABLE: dormant_report_table(f, res); break;
	case DORMANT_FORMAT_JSON: dormant_report_json(f, res); break;
	case DORMANT_FORMAT_NDJSON: dormant_report_ndjson(f, res); break;
	}
}

enum dormant_status
dormant_report_write(const struct dormant_result *res,
                     enum dormant_format format, const char *path,
                     struct dormant_error *err)
{
	struct dormant_atomic_file af;
	enum dormant_status st;

	if (!path || strcmp(path, "-") == 0) {
		write_format(stdout, res, format);
		if (fflush(stdout) != 0 || ferror(stdout))
			return dormant_error_set(err, DORMANT_ERR_IO,
			                         "cannot write the report to "
			                         "standard output");
		return DORMANT_OK;
	}
	st = dormant_atomic_open(&af, path, err);
	if (st != DORMANT_OK)
		return st;
	write_format(af.f, res, format);
	return dormant_atomic_commit(&af, err);
}
