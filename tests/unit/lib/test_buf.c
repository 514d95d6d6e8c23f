/* dormant: the growing byte buffer (core/lib/buf.c): caps, reservations,
 * NUL termination, ownership hand-over. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dormant/buf.h>

#include "tap.h"

static void
test_append(void)
{
	struct dormant_buf b;
	char *s;

	dormant_buf_init(&b, 0);
	ok(b.data == NULL && b.len == 0, "a new buffer holds nothing");
	is_int(dormant_buf_append(&b, "", 0), DORMANT_OK, "an empty append");
	is_str(b.data, "", "  still gives a string");
	is_int(dormant_buf_append(&b, "abc", 3), DORMANT_OK, "append");
	is_int(dormant_buf_appendf(&b, "-%d-%s", 42, "x"), DORMANT_OK,
	       "appendf");
	is_str(b.data, "abc-42-x", "  in order, NUL-terminated");
	is_int(b.len, 8, "  length");
	for (int i = 0; i < 1000; i++)
		dormant_buf_append(&b, "0123456789", 10);
	is_int(b.len, 10008, "grows by doubling past its first block");
	ok(b.data[b.len] == '\0', "  and stays NUL-terminated");
	dormant_buf_reset(&b);
	ok(b.len == 0 && b.data && b.data[0] == '\0', "reset keeps the block");
	s = dormant_buf_steal(&b);
	is_str(s, "", "steal hands the data over");
	ok(b.data == NULL && b.len == 0 && b.cap == 0, "  and empties");
	free(s);
	s = dormant_buf_steal(&b);
	is_str(s, "", "stealing nothing still gives a string");
	free(s);
	dormant_buf_free(&b);
}

static void
test_cap(void)
{
	struct dormant_buf b;

	dormant_buf_init(&b, 10);
	is_int(dormant_buf_append(&b, "0123456789", 10), DORMANT_OK,
	       "exactly the cap fits");
	is_int(dormant_buf_append(&b, "x", 1), DORMANT_ERR_TOO_LARGE,
	       "one byte more does not");
	is_str(b.data, "0123456789", "  and changes nothing");
	is_int(dormant_buf_appendf(&b, "%s", "y"), DORMANT_ERR_TOO_LARGE,
	       "appendf obeys the cap too");
	is_int(dormant_buf_append(&b, "x", SIZE_MAX), DORMANT_ERR_TOO_LARGE,
	       "a length that would overflow is refused");
	dormant_buf_free(&b);
}

static void
test_reserve(void)
{
	struct dormant_buf b;
	const char *before;

	dormant_buf_init(&b, 1 << 20);
	is_int(dormant_buf_reserve(&b, 100000), DORMANT_OK,
	       "reserve within the cap");
	ok(b.len == 0 && b.data && b.data[0] == '\0',
	   "  holds nothing yet, as a string");
	ok(b.cap >= 100001 && b.cap < 200000,
	   "  one block of about the size asked (%zu)", b.cap);
	before = b.data;
	for (int i = 0; i < 10000; i++)
		dormant_buf_append(&b, "0123456789", 10);
	ok(b.data == before, "appends within the reservation do not move it");
	is_int(b.len, 100000, "  length");
	is_int(dormant_buf_reserve(&b, 10), DORMANT_OK,
	       "reserve past what is free grows");
	ok(b.cap >= 100011, "  to hold it");
	is_int(dormant_buf_reserve(&b, 1 << 20), DORMANT_ERR_TOO_LARGE,
	       "reserve past the cap is refused");
	is_int(b.len, 100000, "  and loses nothing");
	is_int(dormant_buf_reserve(&b, 0), DORMANT_OK, "reserve 0");
	dormant_buf_free(&b);
}

int
main(void)
{
	test_append();
	test_cap();
	test_reserve();
	return tap_done();
}
