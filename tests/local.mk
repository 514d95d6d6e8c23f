# The test suite: TAP everywhere (C programs with tests/tap.h, shell
# scripts printing ok/not ok), run by automake's tap-driver.
TEST_EXTENSIONS = .test
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
TEST_LOG_DRIVER = $(LOG_DRIVER)

# Tests start from a known environment: the machine's CA variables and
# proxies would otherwise leak into what is being tested.
AM_TESTS_ENVIRONMENT = \
	unset AWS_CA_BUNDLE SSL_CERT_FILE SSL_CERT_DIR CURL_CA_BUNDLE \
	      REQUESTS_CA_BUNDLE https_proxy HTTPS_PROXY http_proxy HTTP_PROXY \
	      all_proxy ALL_PROXY no_proxy NO_PROXY DORMANT_CONFIG \
	      DORMANT_PLUGIN_PATH DORMANT_NOW AWS_PROFILE AWS_ACCESS_KEY_ID \
	      AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AZURE_TENANT_ID \
	      DORMANT_DAYS DORMANT_WARN_DAYS DORMANT_PROVIDERS DORMANT_FORMAT \
	      DORMANT_OUTPUT DORMANT_ACTION DORMANT_MAX_DISABLE \
	      DORMANT_MAX_DISABLE_PERCENT DORMANT_DISABLE_ADMINS DORMANT_EXCLUDE \
	      DORMANT_CA_FILE DORMANT_AUDIT_LOG DORMANT_LOCK_FILE \
	      DORMANT_WARN_STATE_FILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_IAM \
	      AWS_ENDPOINT_URL_STS AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE \
	      AWS_REGION AWS_DEFAULT_REGION AWS_CONTAINER_CREDENTIALS_FULL_URI \
	      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
	      AWS_CONTAINER_AUTHORIZATION_TOKEN \
	      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \
	      AWS_EC2_METADATA_SERVICE_ENDPOINT \
	      AZURE_CLIENT_ID AZURE_CLIENT_SECRET AZURE_CLIENT_CERTIFICATE_PATH \
	      AZURE_AUTHORITY_HOST AZURE_FEDERATED_TOKEN_FILE \
	      GOOGLE_APPLICATION_CREDENTIALS; \
	AWS_EC2_METADATA_DISABLED=true; export AWS_EC2_METADATA_DISABLED; \
	top_srcdir='$(abs_top_srcdir)'; export top_srcdir; \
	top_builddir='$(abs_top_builddir)'; export top_builddir; \
	DORMANT='$(abs_top_builddir)/core/dormant'; export DORMANT; \
	PYTHON3='$(PYTHON3)'; export PYTHON3; \
	OPENSSL='$(OPENSSL)'; export OPENSSL; \
	SHARED_TESTDATA='$(abs_top_srcdir)/../shared/testdata'; export SHARED_TESTDATA; \
	dormantstatedir='$(dormantstatedir)'; export dormantstatedir; \
	runstatedir='$(runstatedir)'; export runstatedir; \
	MAKE='$(MAKE)'; export MAKE; \
	CC='$(CC)'; export CC; \
	PKG_CONFIG='$(PKG_CONFIG)'; export PKG_CONFIG;

TESTCFLAGS = $(AM_CFLAGS) -I$(top_srcdir)/tests
TESTLIBS = core/lib/libdormant.la

# The fake host table of the unit tests that drive a provider through its
# descriptor (tests/unit/fake_host.h): a test adds these to its SOURCES and
# CPPFLAGS, and core/libprogram.la (core's typed config readers) to its
# LDADD.
FAKE_HOST_SOURCES = tests/unit/fake_host.c tests/unit/fake_host.h
FAKE_HOST_CPPFLAGS = -I$(top_srcdir)/tests/unit -I$(top_srcdir)/core/engine

EXTRA_DIST += tests/tap.h tests/lib.sh

include $(srcdir)/tests/fuzz/local.mk

# Benchmarks: not part of `make check` (timings are not tests). Run with
# `make bench`; each script prints its measurements. A fragment adds its
# own with `bench_list += tests/bench/NAME.sh` (and EXTRA_DIST).
EXTRA_DIST += tests/bench/README
bench: all $(check_PROGRAMS) $(check_LTLIBRARIES)
	@for b in $(bench_list); do \
		echo "== $$b"; \
		$(AM_TESTS_ENVIRONMENT) $(SHELL) $(srcdir)/$$b || exit 1; \
	done
.PHONY: bench

# No secret in any output: every provider live against its mock at -vvv.
TESTS += tests/e2e/secrets.test
EXTRA_DIST += tests/e2e/secrets.test
# What --syslog sends, caught by an LD_PRELOAD stand-in for syslog(3).
check_LTLIBRARIES += tests/syslog_shim.la
tests_syslog_shim_la_SOURCES = tests/syslog_shim.c
tests_syslog_shim_la_LDFLAGS = -module -avoid-version -no-undefined \
	-rpath /nowhere $(AM_LDFLAGS)

# The fault matrix: every cloud's mock, every fault kind at 20%; one
# round here, many in tests/bench/faults.sh.
TESTS += tests/e2e/fault_matrix.test
EXTRA_DIST += tests/e2e/fault_matrix.test tests/mock/fault_check.py
bench_list += tests/bench/faults.sh
EXTRA_DIST += tests/bench/faults.sh
