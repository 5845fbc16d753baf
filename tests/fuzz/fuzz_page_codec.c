/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: the page codec (src/decrypt/codec.c).  The input is an encrypted database
 * image: profile detection on page 1 with fixed keys (a passphrase and a raw key), then every
 * page through wxf_codec_page with the codec of each profile that fits, key material derived
 * once (the KDF cost is not what is being fuzzed: raw-key codecs skip it).
 */
#include "config.h"
#include "decrypt/decrypt_int.h"

#include <stdlib.h>
#include <string.h>

#define PAGE_CODEC_MAX_INPUT (512 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t enc[32] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 9, 10, 11,
	    12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };
	uint8_t *out;
	size_t i;

	if (size > PAGE_CODEC_MAX_INPUT)
		return 0;
	out = malloc(65536);
	if (out == NULL)
		return 0;
	for (i = 0; i < wxf_profile_count(); i++) {
		const wxf_profile *p = wxf_profile_at(i);
		wxf_codec *c = NULL;
		wxf_codec_scratch *s;
		uint64_t pg;

		if (size < 16 || p->hmac_kdf_iter > 2)
			continue; /* 2.0-beta derives its MAC key with 4000 rounds: too slow here */
		if (wxf_codec_from_enc(&c, p, data, enc, NULL) != WXF_OK)
			continue;
		s = wxf_codec_scratch_new(c);
		if (s != NULL) {
			if (size >= p->page_size)
				(void)wxf_codec_check_page1(c, s, data);
			for (pg = 0; (pg + 1) * p->page_size <= size; pg++)
				(void)wxf_codec_page(c, s, (uint32_t)(pg + 1), data + pg * p->page_size, out);
			if (size >= p->page_size)
				(void)wxf_header_block_ok(s->cx, enc, data, p->page_size, p->reserve);
		}
		wxf_codec_scratch_free(&s);
		wxf_codec_free(&c);
	}
	{
		/* detection with a raw key: no KDF, every fitting profile tried */
		wxf_key k;
		wxf_codec *c = NULL;
		char note[160];

		memset(&k, 0, sizeof(k));
		k.form = WXF_KEY_RAW;
		memcpy(k.bytes, enc, 32);
		k.len = 32;
		if (wxf_codec_open(&c, data, size < 65536 ? size : 65536, size, &k, "mac3", note,
		    sizeof(note), NULL) == WXF_OK)
			wxf_codec_free(&c);
	}
	free(out);
	return 0;
}
