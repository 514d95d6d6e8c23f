# Core: unit tests of the pure parts, and the CLI driven from outside
# through a test provider (tests/plugins/fake.c).

check_PROGRAMS += tests/test_verdict tests/test_timeutil tests/test_buf
tests_test_buf_SOURCES = tests/test_buf.c tests/tap.h
tests_test_buf_CFLAGS = $(TESTCFLAGS)
tests_test_buf_LDADD = $(TESTLIBS)
tests_test_verdict_SOURCES = tests/test_verdict.c tests/tap.h
tests_test_verdict_CFLAGS = $(TESTCFLAGS)
tests_test_verdict_LDADD = $(TESTLIBS)
tests_test_timeutil_SOURCES = tests/test_timeutil.c tests/tap.h
tests_test_timeutil_CFLAGS = $(TESTCFLAGS)
tests_test_timeutil_LDADD = $(TESTLIBS)

# Test modules: -rpath makes libtool build real shared modules for check.
TEST_MODULE_FLAGS = -module -avoid-version -no-undefined -rpath /nowhere \
	$(AM_LDFLAGS)
check_LTLIBRARIES += tests/plugins/fake.la tests/plugins/badabi.la \
	tests/plugins/nosym.la tests/plugins/fakenoenable.la \
	tests/plugins/fakebulk.la
tests_plugins_fake_la_SOURCES = tests/plugins/fake.c
tests_plugins_fake_la_LDFLAGS = $(TEST_MODULE_FLAGS)
tests_plugins_fake_la_LIBADD = core/libdormant.la
tests_plugins_fakenoenable_la_SOURCES = tests/plugins/fake.c
tests_plugins_fakenoenable_la_CPPFLAGS = $(AM_CPPFLAGS) \
	-DFAKE_NAME=fakenoenable -DFAKE_NO_ENABLE
tests_plugins_fakenoenable_la_LDFLAGS = $(TEST_MODULE_FLAGS)
tests_plugins_fakenoenable_la_LIBADD = core/libdormant.la
tests_plugins_fakebulk_la_SOURCES = tests/plugins/fake.c
tests_plugins_fakebulk_la_CPPFLAGS = $(AM_CPPFLAGS) \
	-DFAKE_NAME=fakebulk -DFAKE_BULK
tests_plugins_fakebulk_la_LDFLAGS = $(TEST_MODULE_FLAGS)
tests_plugins_fakebulk_la_LIBADD = core/libdormant.la
tests_plugins_badabi_la_SOURCES = tests/plugins/badabi.c
tests_plugins_badabi_la_LDFLAGS = $(TEST_MODULE_FLAGS)
tests_plugins_badabi_la_LIBADD = core/libdormant.la
tests_plugins_nosym_la_SOURCES = tests/plugins/nosym.c
tests_plugins_nosym_la_LDFLAGS = $(TEST_MODULE_FLAGS)

TESTS += \
	tests/test_verdict \
	tests/test_timeutil \
	tests/test_buf \
	tests/cli.test \
	tests/config.test \
	tests/plugins.test \
	tests/scan.test \
	tests/demo.test \
	tests/exports.test \
	tests/remediate.test \
	tests/state.test \
	tests/conf_example.test

EXTRA_DIST += \
	tests/state.test \
	tests/conf_example.test \
	tests/cli.test \
	tests/config.test \
	tests/plugins.test \
	tests/scan.test \
	tests/demo.test \
	tests/exports.test \
	tests/remediate.test \
	tests/data/fake-users.txt

check_PROGRAMS += tests/test_crypto
TESTS += tests/test_crypto
tests_test_crypto_SOURCES = tests/test_crypto.c tests/tap.h
tests_test_crypto_CFLAGS = $(TESTCFLAGS) $(CRYPTO_CFLAGS)
tests_test_crypto_LDADD = $(TESTLIBS) $(CRYPTO_LIBS)

check_PROGRAMS += tests/test_ratelimit
TESTS += tests/test_ratelimit
tests_test_ratelimit_SOURCES = tests/test_ratelimit.c tests/tap.h
tests_test_ratelimit_CFLAGS = $(TESTCFLAGS)
tests_test_ratelimit_LDADD = $(TESTLIBS)

bench_list += tests/bench/offline.sh
EXTRA_DIST += tests/bench/offline.sh

bench_list += tests/bench/all.sh
EXTRA_DIST += tests/bench/all.sh
