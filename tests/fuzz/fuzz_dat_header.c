/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: image .dat files (src/wechat/wc_dat.c): the header of every layout, the V1/V2
 * key check and tail XOR byte, and the decoding with the fixed V1 key (or the XOR byte). */
#include "config.h"
#include "wechat/wc_dat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key[16] = "cfcd208495d565ef";
	wxf_dat_info in;
	uint8_t *out = NULL, x = 0;
	size_t on = 0;
	wxf_err e;

	if (size > (1u << 20))
		return 0;
	wxf_err_clear(&e);
	if (wxf_dat_header(data, size, &in) != WXF_OK || in.kind == WXF_DAT_UNKNOWN)
		return 0;
	(void)wxf_dat_key_ok(data, size, &in, key, NULL);
	(void)wxf_dat_tail_xor(data, size, &in, &x);
	if (wxf_dat_decode(data, size, &in, key, x, &out, &on, &e) == WXF_OK && on > 0)
		x ^= out[on - 1];
	free(out);
	return 0;
}
