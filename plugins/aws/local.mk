# The AWS IAM provider: a libtool module exporting only its descriptor.
# Its sources are compiled into the module and, again, into the unit
# tests that drive them directly.
AWS_SOURCES = \
	plugins/aws/aws.c \
	plugins/aws/authz.c \
	plugins/aws/authz.h \
	plugins/aws/credential_report.c \
	plugins/aws/credential_report.h \
	plugins/aws/credentials.c \
	plugins/aws/credentials.h \
	plugins/aws/credentials_assume_role.c \
	plugins/aws/credentials_cache.c \
	plugins/aws/credentials_container_imds.c \
	plugins/aws/credentials_environment.c \
	plugins/aws/credentials_process.c \
	plugins/aws/credentials_profile.c \
	plugins/aws/csv.c \
	plugins/aws/csv.h \
	plugins/aws/endpoints.c \
	plugins/aws/endpoints.h \
	plugins/aws/iam.c \
	plugins/aws/iam.h \
	plugins/aws/iam_xml.c \
	plugins/aws/iam_xml.h \
	plugins/aws/live.c \
	plugins/aws/live.h \
	plugins/aws/query.c \
	plugins/aws/query.h \
	plugins/aws/shared_config.c \
	plugins/aws/shared_config.h \
	plugins/aws/sigv4.c \
	plugins/aws/sigv4.h \
	plugins/aws/xml.c \
	plugins/aws/xml.h
AWS_CFLAGS = $(CJSON_CFLAGS) $(EXPAT_CFLAGS)
AWS_LIBS = $(CJSON_LIBS) $(EXPAT_LIBS)

pkglib_LTLIBRARIES += plugins/aws/aws.la
plugins_aws_aws_la_SOURCES = $(AWS_SOURCES)
plugins_aws_aws_la_CPPFLAGS = $(AM_CPPFLAGS)
plugins_aws_aws_la_CFLAGS = $(AM_CFLAGS) $(AWS_CFLAGS)
plugins_aws_aws_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version \
	-no-undefined -export-symbols-regex '^aws_LTX_dormant_provider$$'
plugins_aws_aws_la_LIBADD = core/lib/libdormant.la $(AWS_LIBS)

# The CSV reader under it (plugins/aws/csv.c).
check_PROGRAMS += tests/unit/aws/test_csv
TESTS += tests/unit/aws/test_csv
tests_unit_aws_test_csv_SOURCES = tests/unit/aws/test_csv.c \
	plugins/aws/csv.c plugins/aws/csv.h
tests_unit_aws_test_csv_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/aws
tests_unit_aws_test_csv_CFLAGS = $(TESTCFLAGS)
tests_unit_aws_test_csv_LDADD = $(TESTLIBS)

# The credential report parser and the module offline, field by field ...
check_PROGRAMS += tests/unit/aws/test_credential_report
TESTS += tests/unit/aws/test_credential_report
tests_unit_aws_test_credential_report_SOURCES = \
	tests/unit/aws/test_credential_report.c $(FAKE_HOST_SOURCES) \
	$(AWS_SOURCES)
tests_unit_aws_test_credential_report_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/plugins/aws $(FAKE_HOST_CPPFLAGS)
tests_unit_aws_test_credential_report_CFLAGS = $(TESTCFLAGS) $(AWS_CFLAGS)
# PROGRAMTESTLIBS for core's typed config readers (host_config.c).
tests_unit_aws_test_credential_report_LDADD = $(PROGRAMTESTLIBS) $(AWS_LIBS)

# ... and fuzzed: `make check` replays the committed corpus.
check_PROGRAMS += tests/fuzz/fuzz_credential_report
TESTS += tests/fuzz/credential_report.test
tests_fuzz_fuzz_credential_report_SOURCES = \
	tests/fuzz/fuzz_credential_report.c \
	tests/fuzz/replay.c \
	plugins/aws/credential_report.c \
	plugins/aws/credential_report.h \
	plugins/aws/csv.c \
	plugins/aws/csv.h
tests_fuzz_fuzz_credential_report_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/plugins/aws
tests_fuzz_fuzz_credential_report_CFLAGS = $(TESTCFLAGS)
tests_fuzz_fuzz_credential_report_LDADD = $(TESTLIBS)

# The IAM/STS XML decoders, fuzzed the same way.
check_PROGRAMS += tests/fuzz/fuzz_iam_xml
TESTS += tests/fuzz/iam_xml.test
tests_fuzz_fuzz_iam_xml_SOURCES = \
	tests/fuzz/fuzz_iam_xml.c \
	tests/fuzz/replay.c \
	plugins/aws/authz.c \
	plugins/aws/authz.h \
	plugins/aws/credentials_cache.c \
	plugins/aws/credentials.h \
	plugins/aws/iam_xml.c \
	plugins/aws/iam_xml.h \
	plugins/aws/credential_report.c \
	plugins/aws/credential_report.h \
	plugins/aws/csv.c \
	plugins/aws/csv.h \
	plugins/aws/xml.c \
	plugins/aws/xml.h
tests_fuzz_fuzz_iam_xml_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/plugins/aws
tests_fuzz_fuzz_iam_xml_CFLAGS = $(TESTCFLAGS) $(AWS_CFLAGS)
tests_fuzz_fuzz_iam_xml_LDADD = $(TESTLIBS) $(AWS_LIBS)

# SigV4 (plugins/aws/sigv4.c) against AWS's published vectors.
check_PROGRAMS += tests/unit/aws/test_sigv4
TESTS += tests/unit/aws/test_sigv4
tests_unit_aws_test_sigv4_SOURCES = tests/unit/aws/test_sigv4.c tests/tap.h \
	plugins/aws/sigv4.c plugins/aws/sigv4.h
tests_unit_aws_test_sigv4_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/aws
tests_unit_aws_test_sigv4_CFLAGS = $(TESTCFLAGS) $(CJSON_CFLAGS)
tests_unit_aws_test_sigv4_LDADD = $(TESTLIBS) $(CJSON_LIBS)

# The live provider against the mock IAM + STS server: the callbacks
# driven directly (last_login, disable, credentials, errors) ...
check_PROGRAMS += tests/unit/aws/test_live
tests_unit_aws_test_live_SOURCES = tests/unit/aws/test_live.c \
	$(FAKE_HOST_SOURCES) $(AWS_SOURCES)
tests_unit_aws_test_live_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/aws \
	$(FAKE_HOST_CPPFLAGS)
tests_unit_aws_test_live_CFLAGS = $(TESTCFLAGS) $(AWS_CFLAGS)
tests_unit_aws_test_live_LDADD = $(PROGRAMTESTLIBS) $(AWS_LIBS)

# ... and whole scans through the dormant binary.
TESTS += tests/e2e/aws_live.test tests/e2e/aws_scan.test tests/e2e/aws_model.test

bench_list += tests/bench/aws.sh

# examples/aws/* are distributed by examples/local.mk.
EXTRA_DIST += \
	tests/fuzz/credential_report.test \
	tests/fuzz/corpus/credential_report \
	tests/fuzz/iam_xml.test \
	tests/fuzz/corpus/iam_xml \
	tests/mock/aws_mock.py \
	tests/e2e/aws_live.test \
	tests/e2e/aws_scan.test \
	tests/e2e/aws_model.test \
	tests/bench/aws.sh \
	docs/aws.md \
	docs/aws-scan-policy.json \
	docs/aws-remediate-policy.json \
	docs/aws-assume-policy.json \
	docs/aws-trust-policy.json

# Who is an admin: policy documents, GetAccountAuthorizationDetails
# pages and the CLI's JSON.
check_PROGRAMS += tests/unit/aws/test_authz
TESTS += tests/unit/aws/test_authz
tests_unit_aws_test_authz_SOURCES = tests/unit/aws/test_authz.c tests/tap.h \
	plugins/aws/authz.c plugins/aws/authz.h plugins/aws/xml.c \
	plugins/aws/xml.h
tests_unit_aws_test_authz_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/aws
tests_unit_aws_test_authz_CFLAGS = $(TESTCFLAGS) $(AWS_CFLAGS)
tests_unit_aws_test_authz_LDADD = $(TESTLIBS) $(AWS_LIBS)

# The AWS shared config and credentials files (plugins/aws/shared_config.c),
# fuzzed.
check_PROGRAMS += tests/fuzz/fuzz_aws_profile
TESTS += tests/fuzz/aws_profile.test
tests_fuzz_fuzz_aws_profile_SOURCES = tests/fuzz/fuzz_aws_profile.c \
	tests/fuzz/replay.c tests/fuzz/fuzz_tmp.h \
	plugins/aws/shared_config.c plugins/aws/shared_config.h
tests_fuzz_fuzz_aws_profile_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/plugins/aws -I$(top_srcdir)/tests/fuzz
tests_fuzz_fuzz_aws_profile_CFLAGS = $(TESTCFLAGS)
tests_fuzz_fuzz_aws_profile_LDADD = $(TESTLIBS)
dist_check_SCRIPTS += tests/fuzz/aws_profile.test
EXTRA_DIST += tests/fuzz/corpus/aws_profile
