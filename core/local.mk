# The dormant program: the engine (core/engine/), the reports and the rule
# catalog (core/report/) and the CLI (core/cli/). Engine and reports are
# a convenience library, never installed, that the binary and the unit
# tests link; providers see none of it (they link core/lib/ only).
include $(srcdir)/core/lib/local.mk

PROGRAM_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/core/engine \
	-I$(top_srcdir)/core/report -I$(top_srcdir)/core/cli $(STATE_CPPFLAGS)

noinst_LTLIBRARIES += core/libprogram.la
core_libprogram_la_SOURCES = \
	core/engine/log.c \
	core/engine/log.h \
	core/engine/exclude.c \
	core/engine/exclude.h \
	core/engine/conf.c \
	core/engine/conf.h \
	core/engine/plugin_loader.c \
	core/engine/plugin_loader.h \
	core/engine/verdict.c \
	core/engine/verdict.h \
	core/engine/engine.c \
	core/engine/engine.h \
	core/engine/host_config.c \
	core/engine/host_config.h \
	core/engine/findings.c \
	core/engine/findings.h \
	core/engine/remediate.c \
	core/engine/remediate.h \
	core/engine/audit.c \
	core/engine/audit.h \
	core/engine/lock.c \
	core/engine/lock.h \
	core/engine/warn_state.c \
	core/engine/warn_state.h \
	core/engine/progress.c \
	core/engine/progress.h \
	core/engine/atomic_file.c \
	core/engine/atomic_file.h \
	core/engine/state_dir.c \
	core/engine/state_dir.h \
	core/report/report.c \
	core/report/report.h \
	core/report/report_table.c \
	core/report/report_json.c \
	core/report/report_csv.c \
	core/report/report_ocsf.c \
	core/report/report_html.c \
	core/report/rules.c \
	core/report/rules.h
core_libprogram_la_CPPFLAGS = $(PROGRAM_CPPFLAGS) \
	-DDORMANT_PLUGIN_DIR='"$(pkglibdir)"' \
	-DDORMANT_SYSCONF_DIR='"$(sysconfdir)"'
core_libprogram_la_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS) $(INIH_CFLAGS)
core_libprogram_la_LIBADD = core/lib/libdormant.la $(CJSON_LIBS) \
	$(INIH_LIBS) $(LTDL_LIBS) $(PTHREAD_LIBS) -lm

bin_PROGRAMS += core/dormant
core_dormant_SOURCES = core/cli/main.c core/cli/cli.c core/cli/cli.h \
	core/cli/cmd_scan.c core/cli/cmd_enable.c core/cli/cmd_audit.c
core_dormant_LDADD = core/libprogram.la core/lib/libdormant.la
core_dormant_CPPFLAGS = $(PROGRAM_CPPFLAGS) \
	-DDORMANT_SYSCONF_DIR='"$(sysconfdir)"'

# dormant's own state (audit log, warnings' state) and its run lock follow
# configure's localstatedir and runstatedir; `make install` creates the
# state directory, private (the audit log names every account acted on).
dormantstatedir = $(localstatedir)/lib/dormant
STATE_CPPFLAGS = -DDORMANT_STATE_DIR='"$(dormantstatedir)"' \
	-DDORMANT_RUN_DIR='"$(runstatedir)"'
install-data-local: install-dormant-statedir
install-dormant-statedir:
	$(MKDIR_P) '$(DESTDIR)$(dormantstatedir)' '$(DESTDIR)$(runstatedir)'
	chmod 0700 '$(DESTDIR)$(dormantstatedir)'
uninstall-local: uninstall-dormant-statedir
uninstall-dormant-statedir:
	-rmdir '$(DESTDIR)$(dormantstatedir)' 2>/dev/null
.PHONY: install-dormant-statedir uninstall-dormant-statedir

# The rule catalog (core/report/rules.h): data in rules/, one JSON file per
# rule and provider, embedded as core/report/rules_data.c so that the
# binary needs no data directory, installed or run from the build tree.
RULE_FILES = \
	rules/console-access-inactive/aws.json \
	rules/console-access-inactive/azure.json \
	rules/console-access-inactive/gcp.json \
	rules/console-access-inactive/generic.json
EXTRA_DIST += rules/embed.awk $(RULE_FILES)
nodist_core_libprogram_la_SOURCES = core/report/rules_data.c
CLEANFILES += core/report/rules_data.c
core/report/rules_data.c: $(srcdir)/rules/embed.awk \
		$(srcdir)/rules/console-access-inactive/aws.json \
		$(srcdir)/rules/console-access-inactive/azure.json \
		$(srcdir)/rules/console-access-inactive/gcp.json \
		$(srcdir)/rules/console-access-inactive/generic.json
	$(AM_V_GEN)$(MKDIR_P) core/report && \
	(cd $(srcdir) && LC_ALL=C $(AWK) -f rules/embed.awk $(RULE_FILES)) \
		>$@.tmp && mv $@.tmp $@

# Tests of the program. Unit tests link the convenience library; the CLI
# is driven from outside through test providers (tests/plugins/).
PROGRAMTESTLIBS = core/libprogram.la core/lib/libdormant.la
check_PROGRAMS += tests/unit/engine/test_verdict
TESTS += tests/unit/engine/test_verdict
tests_unit_engine_test_verdict_SOURCES = tests/unit/engine/test_verdict.c \
	tests/tap.h
tests_unit_engine_test_verdict_CPPFLAGS = $(PROGRAM_CPPFLAGS)
tests_unit_engine_test_verdict_CFLAGS = $(TESTCFLAGS)
tests_unit_engine_test_verdict_LDADD = $(PROGRAMTESTLIBS)

# Test modules: -rpath makes libtool build real shared modules for check.
TEST_MODULE_FLAGS = -module -avoid-version -no-undefined -rpath /nowhere \
	$(AM_LDFLAGS)
check_LTLIBRARIES += tests/plugins/fake.la tests/plugins/badabi.la \
	tests/plugins/nosym.la tests/plugins/fakenoenable.la \
	tests/plugins/fakebulk.la tests/plugins/abi10.la
tests_plugins_abi10_la_SOURCES = tests/plugins/abi10.c
tests_plugins_abi10_la_LDFLAGS = $(TEST_MODULE_FLAGS)
tests_plugins_abi10_la_LIBADD = core/lib/libdormant.la
tests_plugins_fake_la_SOURCES = tests/plugins/fake.c
tests_plugins_fake_la_LDFLAGS = $(TEST_MODULE_FLAGS)
tests_plugins_fake_la_LIBADD = core/lib/libdormant.la
tests_plugins_fakenoenable_la_SOURCES = tests/plugins/fake.c
tests_plugins_fakenoenable_la_CPPFLAGS = $(AM_CPPFLAGS) \
	-DFAKE_NAME=fakenoenable -DFAKE_NO_ENABLE
tests_plugins_fakenoenable_la_LDFLAGS = $(TEST_MODULE_FLAGS)
tests_plugins_fakenoenable_la_LIBADD = core/lib/libdormant.la
tests_plugins_fakebulk_la_SOURCES = tests/plugins/fake.c
tests_plugins_fakebulk_la_CPPFLAGS = $(AM_CPPFLAGS) \
	-DFAKE_NAME=fakebulk -DFAKE_BULK
tests_plugins_fakebulk_la_LDFLAGS = $(TEST_MODULE_FLAGS)
tests_plugins_fakebulk_la_LIBADD = core/lib/libdormant.la
tests_plugins_badabi_la_SOURCES = tests/plugins/badabi.c
tests_plugins_badabi_la_LDFLAGS = $(TEST_MODULE_FLAGS)
tests_plugins_badabi_la_LIBADD = core/lib/libdormant.la
tests_plugins_nosym_la_SOURCES = tests/plugins/nosym.c
tests_plugins_nosym_la_LDFLAGS = $(TEST_MODULE_FLAGS)

PROGRAM_E2E_TESTS = \
	tests/e2e/cli.test \
	tests/e2e/config.test \
	tests/e2e/plugins.test \
	tests/e2e/scan.test \
	tests/e2e/demo.test \
	tests/e2e/exports.test \
	tests/e2e/remediate.test \
	tests/e2e/state.test \
	tests/e2e/conf_example.test
TESTS += $(PROGRAM_E2E_TESTS)
EXTRA_DIST += $(PROGRAM_E2E_TESTS) tests/data/fake-users.txt

# Reports and the rule catalog: the catalog and its command templates
# (tests/unit/report/test_rules.c), `dormant rules` and `explain`, each
# format read back by an independent reader, golden files over
# examples/, the progress lines, and the HTML report in headless Chromium
# (skipped when Chromium is not installed).
check_PROGRAMS += tests/unit/report/test_rules
tests_unit_report_test_rules_SOURCES = tests/unit/report/test_rules.c \
	tests/tap.h
tests_unit_report_test_rules_CFLAGS = $(TESTCFLAGS) $(CJSON_CFLAGS)
tests_unit_report_test_rules_CPPFLAGS = $(PROGRAM_CPPFLAGS)
tests_unit_report_test_rules_LDADD = $(PROGRAMTESTLIBS) $(CJSON_LIBS)

REPORT_TESTS = \
	tests/e2e/rules.test \
	tests/e2e/report_formats.test \
	tests/e2e/report_golden.test \
	tests/e2e/report_progress.test \
	tests/e2e/html.test
TESTS += tests/unit/report/test_rules $(REPORT_TESTS)
EXTRA_DIST += $(REPORT_TESTS) \
	tests/report_check.py \
	tests/golden/demo.table \
	tests/golden/demo.json \
	tests/golden/demo.ndjson \
	tests/golden/demo.csv \
	tests/golden/demo.ocsf \
	tests/golden/demo.html

# Fuzz targets of the program's parsers, each replayed over its committed
# corpus by `make check` (tests/fuzz/local.mk builds them for libFuzzer).
FUZZ_PROGRAM_CPPFLAGS = $(PROGRAM_CPPFLAGS) -I$(top_srcdir)/tests/fuzz
check_PROGRAMS += tests/fuzz/fuzz_conf tests/fuzz/fuzz_audit \
	tests/fuzz/fuzz_warn_state
TESTS += tests/fuzz/conf.test tests/fuzz/audit.test tests/fuzz/warn_state.test
# The config file reader (core/engine/conf.c over inih).
tests_fuzz_fuzz_conf_SOURCES = tests/fuzz/fuzz_conf.c tests/fuzz/replay.c \
	tests/fuzz/fuzz_tmp.h
tests_fuzz_fuzz_conf_CPPFLAGS = $(FUZZ_PROGRAM_CPPFLAGS)
tests_fuzz_fuzz_conf_CFLAGS = $(TESTCFLAGS)
tests_fuzz_fuzz_conf_LDADD = $(PROGRAMTESTLIBS)
# The audit log reader (core/engine/audit.c: `dormant audit`, `enable --from`).
tests_fuzz_fuzz_audit_SOURCES = tests/fuzz/fuzz_audit.c tests/fuzz/replay.c \
	tests/fuzz/fuzz_tmp.h
tests_fuzz_fuzz_audit_CPPFLAGS = $(FUZZ_PROGRAM_CPPFLAGS)
tests_fuzz_fuzz_audit_CFLAGS = $(TESTCFLAGS)
tests_fuzz_fuzz_audit_LDADD = $(PROGRAMTESTLIBS)
# The warnings' state file (core/engine/warn_state.c).
tests_fuzz_fuzz_warn_state_SOURCES = tests/fuzz/fuzz_warn_state.c \
	tests/fuzz/replay.c tests/fuzz/fuzz_tmp.h
tests_fuzz_fuzz_warn_state_CPPFLAGS = $(FUZZ_PROGRAM_CPPFLAGS)
tests_fuzz_fuzz_warn_state_CFLAGS = $(TESTCFLAGS)
tests_fuzz_fuzz_warn_state_LDADD = $(PROGRAMTESTLIBS)
dist_check_SCRIPTS += tests/fuzz/conf.test tests/fuzz/audit.test \
	tests/fuzz/warn_state.test
EXTRA_DIST += tests/fuzz/corpus/conf tests/fuzz/corpus/audit \
	tests/fuzz/corpus/warn_state

bench_list += tests/bench/offline.sh tests/bench/all.sh
EXTRA_DIST += tests/bench/offline.sh tests/bench/all.sh

# The typed config readers providers get in the host table.
check_PROGRAMS += tests/unit/engine/test_host_config
TESTS += tests/unit/engine/test_host_config
tests_unit_engine_test_host_config_SOURCES = \
	tests/unit/engine/test_host_config.c tests/tap.h
tests_unit_engine_test_host_config_CPPFLAGS = $(PROGRAM_CPPFLAGS)
tests_unit_engine_test_host_config_CFLAGS = $(TESTCFLAGS)
tests_unit_engine_test_host_config_LDADD = $(PROGRAMTESTLIBS)
