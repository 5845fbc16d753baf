/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the iTunes BackupKeyBag TLV reader and the class-key unwrap (src/intake/itunes.c). */
#include "config.h"
#include "intake/itunes.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t kek[32] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	wxf_keybag kb;
	uint8_t key[32];

	if (size > (1u << 20))
		return 0;
	if (wxf_keybag_parse(data, size, &kb, NULL) != WXF_OK)
		return 0;
	if (kb.n_cls > WXF_KB_MAX_CLASSES)
		__builtin_trap();
	if (wxf_keybag_unlock(&kb, kek, NULL, NULL) == WXF_OK && size >= 44)
		wxf_itunes_unwrap_key(&kb, data + size - 44, 44, 0, key, NULL);
	return 0;
}
