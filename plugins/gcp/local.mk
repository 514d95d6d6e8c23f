# The Google Workspace provider (Admin SDK Directory API).
pkglib_LTLIBRARIES += plugins/gcp/gcp.la
plugins_gcp_gcp_la_SOURCES = \
	plugins/gcp/gcp.c \
	plugins/gcp/directory_users.c \
	plugins/gcp/directory_users.h
plugins_gcp_gcp_la_CPPFLAGS = $(AM_CPPFLAGS)
plugins_gcp_gcp_la_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
plugins_gcp_gcp_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version \
	-no-undefined -export-symbols-regex '^gcp_LTX_dormant_provider$$'
plugins_gcp_gcp_la_LIBADD = core/libdormant.la $(CJSON_LIBS)

# The users.list page parser, tested on its own...
check_PROGRAMS += tests/test_directory_users
TESTS += tests/test_directory_users
tests_test_directory_users_SOURCES = tests/test_directory_users.c \
	plugins/gcp/directory_users.c plugins/gcp/directory_users.h
tests_test_directory_users_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/gcp
tests_test_directory_users_CFLAGS = $(TESTCFLAGS) $(CJSON_CFLAGS)
tests_test_directory_users_LDADD = $(TESTLIBS) $(CJSON_LIBS)

# ...and fuzzed: `make check` replays the committed seed corpus.
check_PROGRAMS += tests/fuzz/fuzz_directory_users
TESTS += tests/fuzz/directory_users.test
tests_fuzz_fuzz_directory_users_SOURCES = tests/fuzz/fuzz_directory_users.c \
	tests/fuzz/replay.c plugins/gcp/directory_users.c \
	plugins/gcp/directory_users.h
tests_fuzz_fuzz_directory_users_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/plugins/gcp
tests_fuzz_fuzz_directory_users_CFLAGS = $(TESTCFLAGS) $(CJSON_CFLAGS)
tests_fuzz_fuzz_directory_users_LDADD = $(TESTLIBS) $(CJSON_LIBS)
dist_check_SCRIPTS += tests/fuzz/directory_users.test
EXTRA_DIST += tests/fuzz/corpus/directory_users \
	examples/gcp/users.json examples/gcp/EXPECTED

# The provider on offline input, against examples/gcp/EXPECTED.
check_PROGRAMS += tests/test_gcp_offline
TESTS += tests/test_gcp_offline
tests_test_gcp_offline_SOURCES = tests/test_gcp_offline.c \
	plugins/gcp/gcp.c plugins/gcp/directory_users.c \
	plugins/gcp/directory_users.h
tests_test_gcp_offline_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/gcp
tests_test_gcp_offline_CFLAGS = $(TESTCFLAGS) $(CJSON_CFLAGS)
tests_test_gcp_offline_LDADD = $(TESTLIBS) $(CJSON_LIBS)
