/* dormant: find dormant accounts in AWS IAM, Entra ID and Google
 * Workspace. Everything happens in core_cli_main(). */
#include "config.h"

#include "cli.h"

int
main(int argc, char **argv)
{
	return core_cli_main(argc, argv);
}
