/* dormant: a shared object that is not a provider (no descriptor). */
#include "config.h"

int nosym_something(void);

int
nosym_something(void)
{
	return 42;
}
