/* dormant: the typed config readers of the host table
 * (core/engine/host_config.c): defaults, ranges, the wording of a bad
 * value. */
#include "config.h"

#include <string.h>

#include "host_config.h"
#include "tap.h"

static const char *const values[][2] = {
        {"n", "42"},
        {"neg", "-7"},
        {"blank", ""},
        {"word", "ten"},
        {"lead", " 4"},
        {"plus", "+4"},
        {"tail", "4x"},
        {"big", "9999"},
        {"huge", "99999999999999999999999"},
        {"d", "0.25"},
        {"inf", "inf"},
        {"nan", "nan"},
        {"yes", "YES"},
        {"off", "off"},
        {"one", "1"},
        {"maybe", "maybe"},
};

static const char *
fake_config(const struct dormant_host *host, const char *key)
{
	(void)host;
	for (size_t i = 0; i < sizeof(values) / sizeof(*values); i++)
		if (strcmp(values[i][0], key) == 0)
			return values[i][1];
	return NULL;
}

int
main(void)
{
	struct dormant_host h = {.struct_size = sizeof(h),
	                         .provider = "demo",
	                         .config = fake_config};
	struct dormant_error err = {{0}};
	long l = 0;
	double d = 0;
	bool b = false;

	ok(core_host_config_long(&h, "n", 1, 100, 5, &l, &err) == DORMANT_OK &&
	           l == 42,
	   "long: a value in range");
	ok(core_host_config_long(&h, "unset", 1, 100, 5, &l, &err) ==
	                   DORMANT_OK &&
	           l == 5,
	   "long: unset is the default");
	ok(core_host_config_long(&h, "blank", 1, 100, 6, &l, &err) ==
	                   DORMANT_OK &&
	           l == 6,
	   "long: empty is the default");
	ok(core_host_config_long(&h, "neg", -10, 10, 0, &l, &err) ==
	                   DORMANT_OK &&
	           l == -7,
	   "long: a negative value where the range allows it");
	l = 3;
	ok(core_host_config_long(&h, "big", 1, 100, 5, &l, &err) ==
	                   DORMANT_ERR_CONFIG &&
	           l == 3,
	   "long: out of range is refused, *out unchanged");
	ok(strcmp(err.msg, "[demo] big = \"9999\": not a whole number "
	                   "from 1 to 100") == 0,
	   "long: the error names section, key, value and range");
	ok(core_host_config_long(&h, "word", 1, 100, 5, &l, &err) ==
	           DORMANT_ERR_CONFIG,
	   "long: a word is refused");
	ok(core_host_config_long(&h, "lead", 1, 100, 5, &l, &err) ==
	           DORMANT_ERR_CONFIG,
	   "long: leading blanks are refused");
	ok(core_host_config_long(&h, "plus", 1, 100, 5, &l, &err) ==
	           DORMANT_ERR_CONFIG,
	   "long: a plus sign is refused");
	ok(core_host_config_long(&h, "tail", 1, 100, 5, &l, &err) ==
	           DORMANT_ERR_CONFIG,
	   "long: trailing junk is refused");
	ok(core_host_config_long(&h, "huge", 1, 100, 5, &l, &err) ==
	           DORMANT_ERR_CONFIG,
	   "long: overflow is refused");
	ok(core_host_config_long(&h, "d", 0, 1, 0, &l, &err) ==
	           DORMANT_ERR_CONFIG,
	   "long: a fraction is refused");
	ok(core_host_config_double(&h, "d", 0, 1, 0.5, &d, &err) ==
	                   DORMANT_OK &&
	           d == 0.25,
	   "double: a value in range");
	ok(core_host_config_double(&h, "unset", 0, 1, 0.5, &d, &err) ==
	                   DORMANT_OK &&
	           d == 0.5,
	   "double: unset is the default");
	ok(core_host_config_double(&h, "inf", 0, 1e300, 0, &d, &err) ==
	           DORMANT_ERR_CONFIG,
	   "double: infinity is refused");
	ok(core_host_config_double(&h, "nan", 0, 1, 0, &d, &err) ==
	                   DORMANT_ERR_CONFIG &&
	           strstr(err.msg, "[demo] nan = \"nan\": not a number "
	                           "from 0 to 1"),
	   "double: NaN is refused, in the one wording");
	ok(core_host_config_bool(&h, "yes", false, &b, &err) == DORMANT_OK && b,
	   "bool: YES");
	ok(core_host_config_bool(&h, "off", true, &b, &err) == DORMANT_OK && !b,
	   "bool: off");
	ok(core_host_config_bool(&h, "one", false, &b, &err) == DORMANT_OK && b,
	   "bool: 1");
	ok(core_host_config_bool(&h, "unset", true, &b, &err) == DORMANT_OK &&
	           b,
	   "bool: unset is the default");
	b = true;
	ok(core_host_config_bool(&h, "maybe", false, &b, &err) ==
	                   DORMANT_ERR_CONFIG &&
	           b,
	   "bool: maybe is refused, *out unchanged");
	ok(strstr(err.msg, "[demo] maybe = \"maybe\": not yes or no") != NULL,
	   "bool: the error names section, key and value");
	return tap_done();
}
