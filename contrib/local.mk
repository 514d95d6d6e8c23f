# Man pages, the config example and files for cron, systemd and logrotate.
dist_man_MANS = man/dormant.1 man/dormant.conf.5 man/dormant-plugin.7

dormantconfdir = $(sysconfdir)/dormant
dist_dormantconf_DATA = contrib/dormant.conf.example

EXTRA_DIST += \
	contrib/dormant.cron \
	contrib/dormant.service \
	contrib/dormant.timer \
	contrib/dormant.logrotate

TESTS += tests/e2e/man.test tests/e2e/style.test
EXTRA_DIST += tests/e2e/man.test tests/e2e/style.test .clang-format
