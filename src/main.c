/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "cli/cmd.h"

int
main(int argc, char **argv)
{
	return wxf_cli_main(argc, argv);
}
