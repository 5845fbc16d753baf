/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the hardened Huawei HiSuite/KoBackup info.xml reader (src/intake/huawei.c). */
#include "config.h"
#include "intake/huawei.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wxf_hw_info in;
	size_t acc = 0;

	if (size > 1 << 20)
		return 0;
	if (wxf_hw_info_parse(data, size, &in, NULL) == WXF_OK) {
		for (size_t i = 0; i < in.n_modules; i++)
			acc += strlen(in.modules[i].name) + in.modules[i].enc[47];
		acc += in.e_perbackupkey_n + in.pwkey_salt_n + in.check_msg_n;
		if (in.check_msg_v3 != NULL)
			acc += strlen(in.check_msg_v3);
	}
	wxf_hw_info_free(&in);
	return (int)(acc & 0);
}
