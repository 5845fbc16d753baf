/* SPDX-License-Identifier: Apache-2.0 */
/* Test helper: intake_unpack_tool WORK_DIR [PASSWORD] EVIDENCE... — scans the evidence, unpacks
 * its containers with wxf_intake_unpack() and prints "<dir>\t<from>" per container. */
#include "config.h"
#include "intake/intake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main(int argc, char **argv)
{
	wxf_intake_opts o = { .log = NULL, .no_magic = 1 };
	wxf_inventory inv;
	wxf_err err;
	char **dirs, **from;
	size_t n, i;
	int first = 2;

	if (argc < 3)
		return 2;
	if (strncmp(argv[2], "--password=", 11) == 0) {
		o.backup_password = argv[2] + 11;
		first = 3;
	}
	wxf_err_clear(&err);
	if (wxf_intake_scan(&inv, argv + first, (size_t)(argc - first), &o, &err) != WXF_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return 3;
	}
	if (wxf_intake_unpack(&inv, argv[1], &o, &dirs, &from, &n, &err) != WXF_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return 3;
	}
	for (i = 0; i < n; i++) {
		printf("%s\t%s\n", dirs[i], from[i]);
		free(dirs[i]);
		free(from[i]);
	}
	free(dirs);
	free(from);
	wxf_inventory_free(&inv);
	return 0;
}
