# The Google Workspace provider (Admin SDK Directory API).
pkglib_LTLIBRARIES += plugins/gcp/gcp.la
gcp_sources = \
	plugins/gcp/gcp.c \
	plugins/gcp/directory_users.c \
	plugins/gcp/directory_users.h \
	plugins/gcp/live.c \
	plugins/gcp/live.h \
	plugins/gcp/directory.c \
	plugins/gcp/directory.h \
	plugins/gcp/token.c \
	plugins/gcp/token.h \
	plugins/gcp/sa_key.c \
	plugins/gcp/sa_key.h \
	plugins/gcp/oauth_answer.c \
	plugins/gcp/oauth_answer.h \
	plugins/gcp/api_error.c \
	plugins/gcp/api_error.h
plugins_gcp_gcp_la_SOURCES = $(gcp_sources)
plugins_gcp_gcp_la_CPPFLAGS = $(AM_CPPFLAGS)
plugins_gcp_gcp_la_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
plugins_gcp_gcp_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version \
	-no-undefined -export-symbols-regex '^gcp_LTX_dormant_provider$$'
plugins_gcp_gcp_la_LIBADD = core/lib/libdormant.la $(CJSON_LIBS) $(PTHREAD_LIBS)

# The users.list page parser, tested on its own...
check_PROGRAMS += tests/unit/gcp/test_directory_users
TESTS += tests/unit/gcp/test_directory_users
tests_unit_gcp_test_directory_users_SOURCES = tests/unit/gcp/test_directory_users.c \
	plugins/gcp/directory_users.c plugins/gcp/directory_users.h
tests_unit_gcp_test_directory_users_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/gcp
tests_unit_gcp_test_directory_users_CFLAGS = $(TESTCFLAGS) $(CJSON_CFLAGS)
tests_unit_gcp_test_directory_users_LDADD = $(TESTLIBS) $(CJSON_LIBS)

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

# The provider on offline input, against examples/gcp/EXPECTED. The fake
# hosts of both tests below lend core's own typed config readers
# (core/engine/host_config.c).
check_PROGRAMS += tests/unit/gcp/test_offline
TESTS += tests/unit/gcp/test_offline
tests_unit_gcp_test_offline_SOURCES = tests/unit/gcp/test_offline.c \
	$(FAKE_HOST_SOURCES) $(gcp_sources)
tests_unit_gcp_test_offline_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/gcp \
	$(FAKE_HOST_CPPFLAGS)
tests_unit_gcp_test_offline_CFLAGS = $(TESTCFLAGS) $(CJSON_CFLAGS)
tests_unit_gcp_test_offline_LDADD = core/libprogram.la $(TESTLIBS) $(CJSON_LIBS) $(PTHREAD_LIBS)

# The live provider: its callbacks called directly (last_login, disable,
# enable, tokens, pacing, threads) against tests/mock/google_mock.py...
check_PROGRAMS += tests/unit/gcp/test_live
tests_unit_gcp_test_live_SOURCES = tests/unit/gcp/test_live.c \
	$(FAKE_HOST_SOURCES) $(gcp_sources)
tests_unit_gcp_test_live_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/gcp \
	$(FAKE_HOST_CPPFLAGS)
tests_unit_gcp_test_live_CFLAGS = $(TESTCFLAGS) $(CJSON_CFLAGS)
tests_unit_gcp_test_live_LDADD = core/libprogram.la $(TESTLIBS) $(CJSON_LIBS) $(PTHREAD_LIBS)

# ...and whole scans through the dormant binary, verdicts compared one by
# one with the mock's truth.
TESTS += tests/e2e/gcp_actions.test tests/e2e/gcp_live.test tests/e2e/gcp_disable.test \
	tests/e2e/gcp_declared.test
dist_check_SCRIPTS += tests/e2e/gcp_actions.test tests/e2e/gcp_live.test \
	tests/e2e/gcp_disable.test tests/e2e/gcp_declared.test
EXTRA_DIST += tests/mock/google_mock.py docs/gcp.md

# The parsers of the live path's answers (token endpoint, Google errors,
# key files, one user), fuzzed like the page parser.
check_PROGRAMS += tests/fuzz/fuzz_gcp_answers
TESTS += tests/fuzz/gcp_answers.test
tests_fuzz_fuzz_gcp_answers_SOURCES = tests/fuzz/fuzz_gcp_answers.c \
	tests/fuzz/replay.c plugins/gcp/oauth_answer.c \
	plugins/gcp/oauth_answer.h plugins/gcp/api_error.c \
	plugins/gcp/api_error.h plugins/gcp/sa_key.c plugins/gcp/sa_key.h \
	plugins/gcp/directory_users.c plugins/gcp/directory_users.h
tests_fuzz_fuzz_gcp_answers_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/plugins/gcp
tests_fuzz_fuzz_gcp_answers_CFLAGS = $(TESTCFLAGS) $(CJSON_CFLAGS)
tests_fuzz_fuzz_gcp_answers_LDADD = $(TESTLIBS) $(CJSON_LIBS)
dist_check_SCRIPTS += tests/fuzz/gcp_answers.test
EXTRA_DIST += tests/fuzz/corpus/gcp_answers

# make bench: a 100,000-user domain with 50 ms per request.
bench_list += tests/bench/gcp.sh
EXTRA_DIST += tests/bench/gcp.sh
