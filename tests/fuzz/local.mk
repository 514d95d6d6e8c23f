# Fuzz targets of core's parsers (the providers' own are in their
# fragments), each replayed over its committed corpus by `make check`,
# and `make fuzz`: every target built with clang's libFuzzer and the
# sanitizers in a build of its own, run for FUZZ_SECONDS each.

FUZZ_CORE_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/core \
	-I$(top_srcdir)/tests/fuzz

# The config file reader (core/conf.c over inih).
check_PROGRAMS += tests/fuzz/fuzz_conf
TESTS += tests/fuzz/conf.test
tests_fuzz_fuzz_conf_SOURCES = tests/fuzz/fuzz_conf.c tests/fuzz/replay.c \
	tests/fuzz/fuzz_tmp.h
tests_fuzz_fuzz_conf_CPPFLAGS = $(FUZZ_CORE_CPPFLAGS)
tests_fuzz_fuzz_conf_CFLAGS = $(TESTCFLAGS)
tests_fuzz_fuzz_conf_LDADD = $(TESTLIBS)

# The audit log reader (core/audit.c: `dormant audit`, `enable --from`).
check_PROGRAMS += tests/fuzz/fuzz_audit
TESTS += tests/fuzz/audit.test
tests_fuzz_fuzz_audit_SOURCES = tests/fuzz/fuzz_audit.c tests/fuzz/replay.c \
	tests/fuzz/fuzz_tmp.h
tests_fuzz_fuzz_audit_CPPFLAGS = $(FUZZ_CORE_CPPFLAGS)
tests_fuzz_fuzz_audit_CFLAGS = $(TESTCFLAGS)
tests_fuzz_fuzz_audit_LDADD = $(TESTLIBS)

# Retry-After (core/http.c) and the HTTP-date under it.
check_PROGRAMS += tests/fuzz/fuzz_retry_after
TESTS += tests/fuzz/retry_after.test
tests_fuzz_fuzz_retry_after_SOURCES = tests/fuzz/fuzz_retry_after.c \
	tests/fuzz/replay.c
tests_fuzz_fuzz_retry_after_CPPFLAGS = $(FUZZ_CORE_CPPFLAGS)
tests_fuzz_fuzz_retry_after_CFLAGS = $(TESTCFLAGS)
tests_fuzz_fuzz_retry_after_LDADD = $(TESTLIBS)

# The warnings' state file (core/warn_state.c).
check_PROGRAMS += tests/fuzz/fuzz_warn_state
TESTS += tests/fuzz/warn_state.test
tests_fuzz_fuzz_warn_state_SOURCES = tests/fuzz/fuzz_warn_state.c \
	tests/fuzz/replay.c tests/fuzz/fuzz_tmp.h
tests_fuzz_fuzz_warn_state_CPPFLAGS = $(FUZZ_CORE_CPPFLAGS)
tests_fuzz_fuzz_warn_state_CFLAGS = $(TESTCFLAGS)
tests_fuzz_fuzz_warn_state_LDADD = $(TESTLIBS)

dist_check_SCRIPTS += tests/fuzz/conf.test tests/fuzz/audit.test \
	tests/fuzz/retry_after.test tests/fuzz/warn_state.test
EXTRA_DIST += tests/fuzz/corpus/conf tests/fuzz/corpus/audit \
	tests/fuzz/corpus/retry_after tests/fuzz/corpus/warn_state \
	tests/fuzz/ci-fuzz.sh tests/fuzz/README

# The AWS shared config and credentials files (plugins/aws/profile.c).
# Here rather than in plugins/aws/local.mk, which is busy elsewhere;
# it may move there.
if BUILD_AWS
check_PROGRAMS += tests/fuzz/fuzz_aws_profile
TESTS += tests/fuzz/aws_profile.test
tests_fuzz_fuzz_aws_profile_SOURCES = tests/fuzz/fuzz_aws_profile.c \
	tests/fuzz/replay.c tests/fuzz/fuzz_tmp.h \
	plugins/aws/profile.c plugins/aws/profile.h
tests_fuzz_fuzz_aws_profile_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/plugins/aws -I$(top_srcdir)/tests/fuzz
tests_fuzz_fuzz_aws_profile_CFLAGS = $(TESTCFLAGS)
tests_fuzz_fuzz_aws_profile_LDADD = $(TESTLIBS)
endif
dist_check_SCRIPTS += tests/fuzz/aws_profile.test
EXTRA_DIST += tests/fuzz/corpus/aws_profile

# make fuzz [FUZZ_SECONDS=N]: needs clang with libFuzzer (Debian: clang,
# libclang-rt-14-dev). Builds in fuzz-build/ of this build directory and
# never writes into the source tree's corpora; findings are listed at
# the end with the command that reproduces each.
FUZZ_SECONDS = 60
fuzz:
	$(SHELL) $(srcdir)/tests/fuzz/ci-fuzz.sh \
		--build-dir '$(abs_top_builddir)/fuzz-build' $(FUZZ_SECONDS)
.PHONY: fuzz
