/* SPDX-License-Identifier: Apache-2.0 */
/* The command table: one line per cli/cmd-<name>.c, in the order of the data flow. */
#include "config.h"
#include "cmd.h"


const struct wxf_cmd_entry *const wxf_cmd_table[] = {
	NULL
};
