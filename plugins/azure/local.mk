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

pkglib_LTLIBRARIES += plugins/azure/azure.la
plugins_azure_azure_la_SOURCES = plugins/azure/azure.c $(AZURE_PARSER_SOURCES)
plugins_azure_azure_la_CPPFLAGS = $(AM_CPPFLAGS)
plugins_azure_azure_la_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
plugins_azure_azure_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version \
	-no-undefined -export-symbols-regex '^azure_LTX_dormant_provider$$'
plugins_azure_azure_la_LIBADD = core/libdormant.la $(CJSON_LIBS)

# Unit test of the parsers and of the offline provider (it drives the
# descriptor with a fake host over examples/azure).
check_PROGRAMS += tests/test_graph_users
TESTS += tests/test_graph_users
tests_test_graph_users_SOURCES = tests/test_graph_users.c \
	plugins/azure/azure.c $(AZURE_PARSER_SOURCES)
tests_test_graph_users_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/azure
tests_test_graph_users_CFLAGS = $(TESTCFLAGS) $(CJSON_CFLAGS)
tests_test_graph_users_LDADD = $(TESTLIBS) $(CJSON_LIBS)

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
