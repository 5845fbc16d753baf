/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: Android SharedPreferences through the hardened XML reader (base/wxf_xml.c,
 * wxf_xml_prefs): DOCTYPEs, entity bombs and external entities are refused, every other
 * document is read within its size, depth and node limits. */
#include "config.h"
#include "base/wxf_err.h"
#include "base/wxf_xml.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int
entry(void *arg, const char *name, const char *value)
{
	size_t *acc = arg;

	*acc += strlen(name) + (value != NULL ? strlen(value) : 0);
	/* an entity of the input must never come back expanded beyond the input */
	if (value != NULL && strlen(value) > (1u << 22))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why = NULL;
	size_t acc = 0;

	if (size > (1u << 20))
		return 0;
	wxf_xml_init();
	if (wxf_xml_prefs((const char *)data, size, entry, &acc, &why) != WXF_OK && why == NULL)
		abort(); /* a refusal always says why */
	return 0;
}
