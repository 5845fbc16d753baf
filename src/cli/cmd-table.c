/* SPDX-License-Identifier: Apache-2.0 */
/* The command table: one line per cli/cmd-<name>.c, in the order of the data flow. */
#include "config.h"
#include "cmd.h"

extern const struct wxf_cmd_entry wxf_cmd_scan_entry;
extern const struct wxf_cmd_entry wxf_cmd_key_entry;
extern const struct wxf_cmd_entry wxf_cmd_decrypt_entry;
extern const struct wxf_cmd_entry wxf_cmd_carve_entry;
extern const struct wxf_cmd_entry wxf_cmd_case_entry, wxf_cmd_verify_entry, wxf_cmd_tags_entry,
    wxf_cmd_merge_entry;


const struct wxf_cmd_entry *const wxf_cmd_table[] = {
	&wxf_cmd_scan_entry,
	&wxf_cmd_key_entry,
	&wxf_cmd_decrypt_entry,
	&wxf_cmd_carve_entry,
	&wxf_cmd_case_entry, &wxf_cmd_verify_entry, &wxf_cmd_tags_entry, &wxf_cmd_merge_entry,
	NULL
};
