# The Microsoft Entra ID provider (included from Makefile.am when
# BUILD_AZURE). The Graph page parsers are compiled into the module and,
# again, into their unit test and fuzz target.
AZURE_PARSER_SOURCES = \
	plugins/azure/graph_page.c \
	plugins/azure/graph_page.h \
	plugins/azure/graph_roles.c \
	plugins/azure/graph_roles.h \
	plugins/azure/graph_users.c \
	plugins/azure/graph_users.h
# The live scan: identity platform tokens, Graph calls and paging, $batch,
# pacing.
AZURE_LIVE_SOURCES = \
	plugins/azure/live.h \
	plugins/azure/live.c \
	plugins/azure/token.c \
	plugins/azure/token.h \
	plugins/azure/graph.c \
	plugins/azure/graph.h \
	plugins/azure/batch.c \
	plugins/azure/batch.h

pkglib_LTLIBRARIES += plugins/azure/azure.la
plugins_azure_azure_la_SOURCES = plugins/azure/azure.c \
	$(AZURE_PARSER_SOURCES) $(AZURE_LIVE_SOURCES)
plugins_azure_azure_la_CPPFLAGS = $(AM_CPPFLAGS)
plugins_azure_azure_la_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
plugins_azure_azure_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version \
	-no-undefined -export-symbols-regex '^azure_LTX_dormant_provider$$'
plugins_azure_azure_la_LIBADD = core/lib/libdormant.la $(CJSON_LIBS) \
	$(PTHREAD_LIBS)

# Unit test of the parsers and of the offline provider (it drives the
# descriptor with a fake host over examples/azure; the host's typed config
# readers are core's own, core/engine/host_config.c).
check_PROGRAMS += tests/unit/azure/test_graph_users
TESTS += tests/unit/azure/test_graph_users
tests_unit_azure_test_graph_users_SOURCES = tests/unit/azure/test_graph_users.c \
	$(FAKE_HOST_SOURCES) \
	plugins/azure/azure.c $(AZURE_PARSER_SOURCES) $(AZURE_LIVE_SOURCES)
tests_unit_azure_test_graph_users_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/azure \
	$(FAKE_HOST_CPPFLAGS)
tests_unit_azure_test_graph_users_CFLAGS = $(TESTCFLAGS) $(CJSON_CFLAGS)
tests_unit_azure_test_graph_users_LDADD = core/libprogram.la $(TESTLIBS) $(CJSON_LIBS) $(PTHREAD_LIBS)

# The fuzz target, replayed over its committed corpus by `make check`
# (clang -fsanitize=fuzzer on the same file fuzzes for real).
check_PROGRAMS += tests/fuzz/fuzz_graph_users
TESTS += tests/fuzz/fuzz_graph_users.test
dist_check_SCRIPTS += tests/fuzz/fuzz_graph_users.test
tests_fuzz_fuzz_graph_users_SOURCES = tests/fuzz/fuzz_graph_users.c \
	tests/fuzz/replay.c $(AZURE_PARSER_SOURCES)
tests_fuzz_fuzz_graph_users_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/plugins/azure
tests_fuzz_fuzz_graph_users_CFLAGS = $(TESTCFLAGS) $(CJSON_CFLAGS)
tests_fuzz_fuzz_graph_users_LDADD = $(TESTLIBS) $(CJSON_LIBS)

EXTRA_DIST += \
	examples/azure/users.json \
	examples/azure/directory-roles.json \
	examples/azure/EXPECTED \
	tests/fuzz/corpus/graph_users

# Live scans end to end: the dormant binary against the mock identity
# platform + Microsoft Graph.
TESTS += tests/e2e/azure_live.test
EXTRA_DIST += tests/e2e/azure_live.test tests/mock/graph_mock.py

# last_login, disable, enable and the token cache through the descriptor
# with a fake host; the e2e tests drive the same through the dormant binary.
check_PROGRAMS += tests/unit/azure/test_live
TESTS += tests/e2e/azure_actions.test tests/e2e/azure_remediate.test
EXTRA_DIST += tests/e2e/azure_actions.test tests/e2e/azure_remediate.test
tests_unit_azure_test_live_SOURCES = tests/unit/azure/test_live.c tests/tap.h \
	$(FAKE_HOST_SOURCES) \
	plugins/azure/azure.c $(AZURE_PARSER_SOURCES) $(AZURE_LIVE_SOURCES)
tests_unit_azure_test_live_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/azure \
	$(FAKE_HOST_CPPFLAGS)
tests_unit_azure_test_live_CFLAGS = $(TESTCFLAGS) $(CJSON_CFLAGS)
tests_unit_azure_test_live_LDADD = core/libprogram.la $(TESTLIBS) $(CJSON_LIBS) $(PTHREAD_LIBS)

# Fuzz target of the live answers' parsers, replayed over its corpus.
check_PROGRAMS += tests/fuzz/fuzz_azure_live
TESTS += tests/fuzz/fuzz_azure_live.test
dist_check_SCRIPTS += tests/fuzz/fuzz_azure_live.test
tests_fuzz_fuzz_azure_live_SOURCES = tests/fuzz/fuzz_azure_live.c \
	tests/fuzz/replay.c $(AZURE_PARSER_SOURCES) $(AZURE_LIVE_SOURCES) \
	plugins/azure/azure.c
tests_fuzz_fuzz_azure_live_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/plugins/azure
tests_fuzz_fuzz_azure_live_CFLAGS = $(TESTCFLAGS) $(CJSON_CFLAGS)
tests_fuzz_fuzz_azure_live_LDADD = $(TESTLIBS) $(CJSON_LIBS) $(PTHREAD_LIBS)
EXTRA_DIST += tests/fuzz/corpus/azure_live

bench_list += tests/bench/azure.sh
EXTRA_DIST += tests/bench/azure.sh
EXTRA_DIST += docs/azure.md

# Who the admins are (active, PIM-eligible, through groups) and what a
# failure to learn them does, end to end against the mock.
TESTS += tests/e2e/azure_admins.test
EXTRA_DIST += tests/e2e/azure_admins.test

# Whom the token is for, per cloud, behind a gateway and overridden,
# through a CONNECT proxy that leads the clouds' host names to the mock.
TESTS += tests/e2e/azure_audience.test
EXTRA_DIST += tests/e2e/azure_audience.test

# Every request kind the provider sends, checked by a mock that loads
# Graph's published types (skips without @microsoft/microsoft-graph-types).
TESTS += tests/e2e/azure_graph_types.test
EXTRA_DIST += tests/e2e/azure_graph_types.test
