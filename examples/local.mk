# The built-in demo: exported data of each cloud and a config naming them.
EXTRA_DIST += \
	examples/README \
	examples/dormant.conf \
	examples/aws/credential-report.csv \
	examples/aws/authorization-details.json \
	examples/aws/EXPECTED \
	examples/azure/users.json \
	examples/azure/directory-roles.json \
	examples/azure/EXPECTED \
	examples/gcp/users.json \
	examples/gcp/EXPECTED

# The teaching provider: built out of tree with its own Makefile against
# an installed prefix, never by this build (tests/e2e/skeleton.test does
# it after a `make install` into a scratch DESTDIR).
EXTRA_DIST += \
	examples/provider-skeleton/README \
	examples/provider-skeleton/Makefile \
	examples/provider-skeleton/skeleton.c \
	examples/provider-skeleton/users.json
TESTS += tests/e2e/skeleton.test
EXTRA_DIST += tests/e2e/skeleton.test
