# Fuzzing. Each target is declared in the fragment of the code it
# fuzzes (core/lib/local.mk, core/local.mk, plugins/*/local.mk), which
# also has `make check` replay its committed corpus. Here: `make fuzz`,
# every target built with clang's libFuzzer and the sanitizers in a
# build of its own, run for FUZZ_SECONDS each.
EXTRA_DIST += tests/fuzz/ci-fuzz.sh tests/fuzz/README tests/fuzz/fuzz_tmp.h

# make fuzz [FUZZ_SECONDS=N]: needs clang with libFuzzer (Debian: clang,
# libclang-rt-14-dev). Builds in fuzz-build/ of this build directory and
# never writes into the source tree's corpora; findings are listed at
# the end with the command that reproduces each.
FUZZ_SECONDS = 60
fuzz:
	$(SHELL) $(srcdir)/tests/fuzz/ci-fuzz.sh \
		--build-dir '$(abs_top_builddir)/fuzz-build' $(FUZZ_SECONDS)
.PHONY: fuzz
