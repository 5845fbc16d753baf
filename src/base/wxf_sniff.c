/* SPDX-License-Identifier: Apache-2.0 */
/* The file signature table; the types and the SILK rule are in wxf_sniff.h. */
#include "config.h"
#include "wxf_sniff.h"

#include <string.h>

static const struct sig {
	const char *type, *ext;
	int media;
	size_t off;              /* where the signature starts */
	const char *bytes;
	size_t n;
} sigs[] = {
	{ "jpeg", "jpg", 1, 0, "\xff\xd8\xff", 3 },
	{ "png", "png", 1, 0, "\x89PNG\r\n\x1a\n", 8 },
	{ "gif", "gif", 1, 0, "GIF8", 4 },
	{ "webp", "webp", 1, 8, "WEBP", 4 },       /* and "RIFF" at 0, checked below */
	{ "wxgf", "wxgf", 1, 0, "wxgf", 4 },
	{ "silk", "silk", 1, 0, "#!SILK_V3", 9 },
	{ "silk", "silk", 1, 0, "\x02#!SILK_V3", 10 },
	{ "amr", "amr", 1, 0, "#!AMR", 5 },
	{ "mp4", "mp4", 1, 4, "ftyp", 4 },
	{ "pdf", "pdf", 0, 0, "%PDF", 4 },
	{ "zip", "zip", 0, 0, "PK\x03\x04", 4 },
	{ "rar", "rar", 0, 0, "Rar!", 4 },
};

const char *
wxf_sniff(const uint8_t *p, size_t n)
{
	for (size_t i = 0; p != NULL && i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		const struct sig *s = &sigs[i];

		if (n < s->off + s->n || memcmp(p + s->off, s->bytes, s->n) != 0)
			continue;
		if (strcmp(s->type, "webp") == 0 && memcmp(p, "RIFF", 4) != 0)
			continue;
		return s->type;
	}
	return "unknown";
}

static const struct sig *
find(const char *type)
{
	for (size_t i = 0; type != NULL && i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (strcmp(sigs[i].type, type) == 0)
			return &sigs[i];
	return NULL;
}

const char *
wxf_sniff_ext(const char *type)
{
	const struct sig *s = find(type);

	return s != NULL ? s->ext : "bin";
}

int
wxf_sniff_is_media(const char *type)
{
	const struct sig *s = find(type);

	return s != NULL && s->media;
}
