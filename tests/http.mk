# The HTTP layer: tests/test_http.c driven by tests/http.test against the
# mock HTTPS server in tests/mock/ (the base every cloud mock reuses).
check_PROGRAMS += tests/test_http
tests_test_http_SOURCES = tests/test_http.c
tests_test_http_CFLAGS = $(TESTCFLAGS)
tests_test_http_LDADD = $(TESTLIBS)

TESTS += tests/http.test
EXTRA_DIST += \
	tests/http.test \
	tests/mock/mockserver.py \
	tests/mock/api_models.py \
	tests/mock/http_mock.py \
	tests/mock/mkcerts.sh \
	tests/mock/mock.sh
