# The Okta provider (Management API). It is written as an outside author
# writes one: its flags name the public headers only (no config.h, no
# core/), and it links libdormant alone. plugins/okta/sdk.mk builds the
# same sources out of tree with pkg-config (tests/e2e/okta_sdk.test).
pkglib_LTLIBRARIES += plugins/okta/okta.la
okta_sources = \
	plugins/okta/okta.c \
	plugins/okta/users.c \
	plugins/okta/users.h \
	plugins/okta/admins.c \
	plugins/okta/admins.h \
	plugins/okta/link.c \
	plugins/okta/link.h \
	plugins/okta/live.c \
	plugins/okta/live.h \
	plugins/okta/api.c \
	plugins/okta/api.h \
	plugins/okta/oauth.c \
	plugins/okta/oauth.h \
	plugins/okta/pace.c \
	plugins/okta/pace.h
OKTA_CPPFLAGS = -I$(top_srcdir)/include -DOKTA_VERSION='"$(PACKAGE_VERSION)"'
plugins_okta_okta_la_SOURCES = $(okta_sources)
plugins_okta_okta_la_CPPFLAGS = $(OKTA_CPPFLAGS)
plugins_okta_okta_la_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
plugins_okta_okta_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version \
	-no-undefined -export-symbols-regex '^okta_LTX_dormant_provider$$'
plugins_okta_okta_la_LIBADD = core/lib/libdormant.la $(CJSON_LIBS) $(PTHREAD_LIBS)
EXTRA_DIST += plugins/okta/sdk.mk

# The parsers on their own: User objects, the admin listing, Link.
check_PROGRAMS += tests/unit/okta/test_parse
TESTS += tests/unit/okta/test_parse
tests_unit_okta_test_parse_SOURCES = tests/unit/okta/test_parse.c \
	plugins/okta/users.c plugins/okta/users.h plugins/okta/admins.c \
	plugins/okta/admins.h plugins/okta/link.c plugins/okta/link.h
tests_unit_okta_test_parse_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/okta
tests_unit_okta_test_parse_CFLAGS = $(TESTCFLAGS) $(CJSON_CFLAGS)
tests_unit_okta_test_parse_LDADD = $(TESTLIBS) $(CJSON_LIBS)
