/* dormant: tiny TAP helpers for the C unit tests (automake's tap-driver).
 *
 *     ok(cond, "name %d", i);         one test point
 *     is_str(got, want, "name");      strings, NULL-safe, shows both
 *     is_int(got, want, "name");      integers, shows both
 *     return tap_done();               plan + exit status
 */
#ifndef DORMANT_TAP_H
#define DORMANT_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count;
static int tap_failed;

__attribute__((format(printf, 2, 3))) static int
tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

#define ok(cond, ...) tap_ok(!!(cond), __VA_ARGS__)

#define is_str(got, want, ...)                                                 \
	do {                                                                   \
		const char *is_g_ = (got), *is_w_ = (want);                    \
		int is_ok_ = (is_g_ == NULL && is_w_ == NULL) ||               \
		             (is_g_ && is_w_ && strcmp(is_g_, is_w_) == 0);    \
		if (!tap_ok(is_ok_, __VA_ARGS__))                              \
			printf("#   got:  %s\n#   want: %s\n",                 \
			       is_g_ ? is_g_ : "(null)",                       \
			       is_w_ ? is_w_ : "(null)");                      \
	} while (0)

#define is_int(got, want, ...)                                                 \
	do {                                                                   \
		long long is_g_ = (long long)(got);                            \
		long long is_w_ = (long long)(want);                           \
		if (!tap_ok(is_g_ == is_w_, __VA_ARGS__))                      \
			printf("#   got:  %lld\n#   want: %lld\n", is_g_,      \
			       is_w_);                                         \
	} while (0)

static int
tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif /* DORMANT_TAP_H */
