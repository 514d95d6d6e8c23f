# libdormant: the toolbox providers link (core/lib/, declared in
# include/dormant/). Installed with the public headers and
# dormant-plugin.pc; it exports exactly the functions those headers
# declare (core/lib/libdormant.sym, checked by tests/e2e/sdk.test).
lib_LTLIBRARIES += core/lib/libdormant.la
core_lib_libdormant_la_SOURCES = \
	core/lib/status.c \
	core/lib/timeutil.c \
	core/lib/buf.c \
	core/lib/json.c \
	core/lib/crypto.c \
	core/lib/ratelimit.c \
	core/lib/http.c
core_lib_libdormant_la_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(CRYPTO_CFLAGS) \
	$(CJSON_CFLAGS) $(EXPAT_CFLAGS)
core_lib_libdormant_la_LIBADD = $(CURL_LIBS) $(CRYPTO_LIBS) $(CJSON_LIBS) $(EXPAT_LIBS) \
	$(PTHREAD_LIBS) -lm
# The export list: exactly the functions include/dormant/*.h declare, one
# a line, nothing else in the file (libtool turns it into a linker version
# script). A function added to a header goes into the list too;
# tests/e2e/sdk.test checks the list against the headers and against the
# built library.
core_lib_libdormant_la_LDFLAGS = $(AM_LDFLAGS) -no-undefined \
	-export-symbols $(srcdir)/core/lib/libdormant.sym \
	-version-info $(LIBDORMANT_VERSION_INFO)
EXTRA_core_lib_libdormant_la_DEPENDENCIES = core/lib/libdormant.sym
EXTRA_DIST += core/lib/libdormant.sym
# libtool's current:revision:age of the library's interface, not the
# package version. Bump it once per release that changed core/lib/:
# - only the code changed: revision + 1;
# - functions or members were added (appended): current + 1, revision 0,
#   age + 1 (old providers keep loading);
# - anything was removed or changed incompatibly (a function, a
#   signature, a public struct's layout): current + 1, revision 0, age 0.
#   The soname becomes libdormant.so.<current - age>, and every provider
#   has to be relinked.
# 1:0:0 was such a break: the release before exported about 140 symbols,
# internals included; the export list keeps only the public ones.
# 2:0:1 (dormant 1.1) added dormant_private_key_generate_rsa and
# dormant_private_key_public_jwk (DPoP for Okta), and
# dormant_http_response_header now finds every header.
LIBDORMANT_VERSION_INFO = 2:0:1

pkginclude_HEADERS += \
	include/dormant/plugin.h \
	include/dormant/status.h \
	include/dormant/timeutil.h \
	include/dormant/buf.h \
	include/dormant/json.h \
	include/dormant/crypto.h \
	include/dormant/ratelimit.h \
	include/dormant/http.h

pkgconfig_DATA += core/lib/dormant-plugin.pc
EXTRA_DIST += core/lib/dormant-plugin.pc.in

# Unit tests of the toolbox.
LIBTESTLIBS = core/lib/libdormant.la
check_PROGRAMS += tests/unit/lib/test_timeutil tests/unit/lib/test_buf \
	tests/unit/lib/test_crypto tests/unit/lib/test_ratelimit
TESTS += tests/unit/lib/test_timeutil tests/unit/lib/test_buf \
	tests/unit/lib/test_crypto tests/unit/lib/test_ratelimit
tests_unit_lib_test_buf_SOURCES = tests/unit/lib/test_buf.c tests/tap.h
tests_unit_lib_test_buf_CFLAGS = $(TESTCFLAGS)
tests_unit_lib_test_buf_LDADD = $(LIBTESTLIBS)
tests_unit_lib_test_timeutil_SOURCES = tests/unit/lib/test_timeutil.c tests/tap.h
tests_unit_lib_test_timeutil_CFLAGS = $(TESTCFLAGS)
tests_unit_lib_test_timeutil_LDADD = $(LIBTESTLIBS)
tests_unit_lib_test_crypto_SOURCES = tests/unit/lib/test_crypto.c tests/tap.h
tests_unit_lib_test_crypto_CFLAGS = $(TESTCFLAGS) $(CRYPTO_CFLAGS) $(CJSON_CFLAGS)
tests_unit_lib_test_crypto_LDADD = $(LIBTESTLIBS) $(CRYPTO_LIBS) $(CJSON_LIBS)
tests_unit_lib_test_ratelimit_SOURCES = tests/unit/lib/test_ratelimit.c \
	tests/tap.h
tests_unit_lib_test_ratelimit_CFLAGS = $(TESTCFLAGS)
tests_unit_lib_test_ratelimit_LDADD = $(LIBTESTLIBS)

# The HTTP layer: tests/unit/lib/test_http.c driven by tests/e2e/http.test
# against the mock HTTPS server in tests/mock/ (the base every cloud mock
# reuses).
check_PROGRAMS += tests/unit/lib/test_http
tests_unit_lib_test_http_SOURCES = tests/unit/lib/test_http.c
tests_unit_lib_test_http_CFLAGS = $(TESTCFLAGS)
tests_unit_lib_test_http_LDADD = $(LIBTESTLIBS)
TESTS += tests/e2e/http.test
EXTRA_DIST += \
	tests/e2e/http.test \
	tests/mock/mockserver.py \
	tests/mock/api_models.py \
	tests/mock/http_mock.py \
	tests/mock/mkcerts.sh \
	tests/mock/mock.sh

# Retry-After (core/lib/http.c) and the HTTP-date under it, fuzzed; `make
# check` replays the committed corpus.
check_PROGRAMS += tests/fuzz/fuzz_retry_after
TESTS += tests/fuzz/retry_after.test
tests_fuzz_fuzz_retry_after_SOURCES = tests/fuzz/fuzz_retry_after.c \
	tests/fuzz/replay.c
tests_fuzz_fuzz_retry_after_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fuzz
tests_fuzz_fuzz_retry_after_CFLAGS = $(TESTCFLAGS)
tests_fuzz_fuzz_retry_after_LDADD = $(LIBTESTLIBS)
dist_check_SCRIPTS += tests/fuzz/retry_after.test
EXTRA_DIST += tests/fuzz/corpus/retry_after

# The export list against the headers and the built library.
TESTS += tests/e2e/sdk.test
EXTRA_DIST += tests/e2e/sdk.test
