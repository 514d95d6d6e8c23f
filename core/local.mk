# libdormant: the engine and the toolbox providers link against.
lib_LTLIBRARIES += core/libdormant.la
core_libdormant_la_SOURCES = \
	core/status.c \
	core/timeutil.c \
	core/buf.c \
	core/log.c \
	core/csv.c \
	core/json.c \
	core/crypto.c \
	core/ratelimit.c \
	core/sigv4.c \
	core/http.c \
	core/exclude.c \
	core/exclude.h \
	core/conf.c \
	core/conf.h \
	core/plugin_loader.c \
	core/plugin_loader.h \
	core/verdict.c \
	core/verdict.h \
	core/engine.c \
	core/engine.h \
	core/findings.c \
	core/remediate.c \
	core/remediate.h \
	core/audit.c \
	core/audit.h \
	core/lock.c \
	core/lock.h \
	core/warn_state.c \
	core/warn_state.h \
	core/findings.h \
	core/report.c \
	core/report.h \
	core/report_table.c \
	core/report_json.c \
	core/report_csv.c \
	core/report_ocsf.c \
	core/report_html.c \
	core/rules.c \
	core/rules.h \
	core/progress.c \
	core/progress.h \
	core/atomic_file.c \
	core/atomic_file.h \
	core/state_dir.c \
	core/state_dir.h \
	core/log.h
core_libdormant_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/core \
	-DDORMANT_PLUGIN_DIR='"$(pkglibdir)"' \
	-DDORMANT_SYSCONF_DIR='"$(sysconfdir)"' \
	-DDORMANT_BUILD_DIR='"$(abs_top_builddir)"' $(STATE_CPPFLAGS)
core_libdormant_la_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(CRYPTO_CFLAGS) \
	$(CJSON_CFLAGS) $(EXPAT_CFLAGS) $(INIH_CFLAGS)
core_libdormant_la_LIBADD = $(CURL_LIBS) $(CRYPTO_LIBS) $(CJSON_LIBS) \
	$(EXPAT_LIBS) $(INIH_LIBS) $(LTDL_LIBS) $(PTHREAD_LIBS) -lm
core_libdormant_la_LDFLAGS = $(AM_LDFLAGS) -version-info 0:0:0 -no-undefined

pkginclude_HEADERS += \
	include/dormant/plugin.h \
	include/dormant/status.h \
	include/dormant/timeutil.h \
	include/dormant/buf.h \
	include/dormant/csv.h \
	include/dormant/json.h \
	include/dormant/crypto.h \
	include/dormant/ratelimit.h \
	include/dormant/http.h \
	include/dormant/sigv4.h

pkgconfig_DATA += core/dormant-plugin.pc
EXTRA_DIST += core/dormant-plugin.pc.in

bin_PROGRAMS += core/dormant
core_dormant_SOURCES = core/main.c core/cli.c core/cli.h core/cmd_scan.c \
	core/cmd_enable.c core/cmd_audit.c
core_dormant_LDADD = core/libdormant.la
core_dormant_CPPFLAGS = $(AM_CPPFLAGS) \
	-DDORMANT_SYSCONF_DIR='"$(sysconfdir)"' $(STATE_CPPFLAGS)

# dormant's own state (audit log, warnings' state) and its run lock follow
# configure's localstatedir and runstatedir; `make install` creates the
# state directory, private (the audit log names every account acted on).
dormantstatedir = $(localstatedir)/lib/dormant
STATE_CPPFLAGS = -DDORMANT_STATE_DIR='"$(dormantstatedir)"' \
	-DDORMANT_RUN_DIR='"$(runstatedir)"'
install-data-local: install-dormant-statedir
install-dormant-statedir:
	$(MKDIR_P) '$(DESTDIR)$(dormantstatedir)' '$(DESTDIR)$(runstatedir)'
	chmod 0700 '$(DESTDIR)$(dormantstatedir)'
uninstall-local: uninstall-dormant-statedir
uninstall-dormant-statedir:
	-rmdir '$(DESTDIR)$(dormantstatedir)' 2>/dev/null
.PHONY: install-dormant-statedir uninstall-dormant-statedir

# The rule catalog (core/rules.h): data in rules/, one JSON file per rule
# and provider, embedded into libdormant as core/rules_data.c so that the
# binary needs no data directory, installed or run from the build tree.
RULE_FILES = \
	rules/console-access-inactive/aws.json \
	rules/console-access-inactive/azure.json \
	rules/console-access-inactive/gcp.json \
	rules/console-access-inactive/generic.json
EXTRA_DIST += rules/embed.awk $(RULE_FILES)
nodist_core_libdormant_la_SOURCES = core/rules_data.c
CLEANFILES += core/rules_data.c
core/rules_data.c: $(srcdir)/rules/embed.awk \
		$(srcdir)/rules/console-access-inactive/aws.json \
		$(srcdir)/rules/console-access-inactive/azure.json \
		$(srcdir)/rules/console-access-inactive/gcp.json \
		$(srcdir)/rules/console-access-inactive/generic.json
	$(AM_V_GEN)$(MKDIR_P) core && \
	(cd $(srcdir) && LC_ALL=C $(AWK) -f rules/embed.awk $(RULE_FILES)) \
		>$@.tmp && mv $@.tmp $@

# Tests of the reports and of the catalog.
include $(srcdir)/tests/report.mk
