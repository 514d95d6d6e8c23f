# The AWS IAM provider: a libtool module exporting only its descriptor.
pkglib_LTLIBRARIES += plugins/aws/aws.la
plugins_aws_aws_la_SOURCES = \
	plugins/aws/aws.c \
	plugins/aws/credential_report.c \
	plugins/aws/credential_report.h
plugins_aws_aws_la_CPPFLAGS = $(AM_CPPFLAGS)
plugins_aws_aws_la_CFLAGS = $(AM_CFLAGS)
plugins_aws_aws_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version \
	-no-undefined -export-symbols-regex '^aws_LTX_dormant_provider$$'
plugins_aws_aws_la_LIBADD = core/libdormant.la

# The CSV reader under it (core/csv.c, in libdormant).
check_PROGRAMS += tests/test_csv
TESTS += tests/test_csv
tests_test_csv_SOURCES = tests/test_csv.c
tests_test_csv_CFLAGS = $(TESTCFLAGS)
tests_test_csv_LDADD = $(TESTLIBS)

# The credential report parser and the module, checked field by field ...
check_PROGRAMS += tests/test_credential_report
TESTS += tests/test_credential_report
tests_test_credential_report_SOURCES = \
	tests/test_credential_report.c \
	plugins/aws/aws.c \
	plugins/aws/credential_report.c \
	plugins/aws/credential_report.h
tests_test_credential_report_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/plugins/aws
tests_test_credential_report_CFLAGS = $(TESTCFLAGS)
tests_test_credential_report_LDADD = $(TESTLIBS)

# ... and fuzzed: `make check` replays the committed corpus.
check_PROGRAMS += tests/fuzz/fuzz_credential_report
TESTS += tests/fuzz/credential_report.test
tests_fuzz_fuzz_credential_report_SOURCES = \
	tests/fuzz/fuzz_credential_report.c \
	tests/fuzz/replay.c \
	plugins/aws/credential_report.c \
	plugins/aws/credential_report.h
tests_fuzz_fuzz_credential_report_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/plugins/aws
tests_fuzz_fuzz_credential_report_CFLAGS = $(TESTCFLAGS)
tests_fuzz_fuzz_credential_report_LDADD = $(TESTLIBS)

# examples/aws/* are distributed by examples/local.mk.
EXTRA_DIST += \
	tests/fuzz/credential_report.test \
	tests/fuzz/corpus/credential_report
