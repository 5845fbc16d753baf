/* SPDX-License-Identifier: Apache-2.0 */
/* libmagic descriptions and MIME types (intake.h). */
#include "config.h"
#include "intake_int.h"
#include "base/wxf_mem.h"

#include <magic.h>
#include <stdlib.h>
#include <string.h>

struct wxf_magic {
	magic_t desc, mime;
};

wxf_magic *
wxf_magic_new(void)
{
	wxf_magic *m = wxf_xcalloc(1, sizeof(*m));
	int flags = MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_TAR | MAGIC_ERROR;

	m->desc = magic_open(flags);
	m->mime = magic_open(flags | MAGIC_MIME_TYPE);
	if (m->desc == NULL || m->mime == NULL || magic_load(m->desc, NULL) != 0 ||
	    magic_load(m->mime, NULL) != 0) {
		wxf_magic_free(&m);
		return NULL;
	}
	return m;
}

void
wxf_magic_free(wxf_magic **mp)
{
	if (mp == NULL || *mp == NULL)
		return;
	if ((*mp)->desc)
		magic_close((*mp)->desc);
	if ((*mp)->mime)
		magic_close((*mp)->mime);
	free(*mp);
	*mp = NULL;
}

void
wxf_magic_buffer(wxf_magic *m, const void *data, size_t n, char **desc, char **mime)
{
	const char *d, *t;

	if (desc != NULL)
		*desc = NULL;
	if (mime != NULL)
		*mime = NULL;
	if (m == NULL)
		return;
	if (desc != NULL) {
		d = magic_buffer(m->desc, data, n);
		*desc = wxf_xstrdup(d ? d : "data");
	}
	if (mime != NULL) {
		t = magic_buffer(m->mime, data, n);
		*mime = wxf_xstrdup(t ? t : "application/octet-stream");
	}
}
