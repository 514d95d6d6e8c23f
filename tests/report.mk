# Reports and the rule catalog (included from core/local.mk): the catalog
# and its command templates (tests/test_rules.c), `dormant rules` and
# `explain`, each format read back by an independent reader, golden
# files over examples/, the progress lines, and the HTML report in
# headless Chromium (skipped when Chromium is not installed).
check_PROGRAMS += tests/test_rules
tests_test_rules_SOURCES = tests/test_rules.c tests/tap.h
tests_test_rules_CFLAGS = $(TESTCFLAGS)
tests_test_rules_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/core
tests_test_rules_LDADD = $(TESTLIBS) $(CJSON_LIBS)

REPORT_TESTS = \
	tests/rules.test \
	tests/report_formats.test \
	tests/report_golden.test \
	tests/report_progress.test \
	tests/html.test
TESTS += tests/test_rules $(REPORT_TESTS)
EXTRA_DIST += $(REPORT_TESTS) \
	tests/report_check.py \
	tests/golden/demo.table \
	tests/golden/demo.json \
	tests/golden/demo.ndjson \
	tests/golden/demo.csv \
	tests/golden/demo.ocsf \
	tests/golden/demo.html
