/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the strings of macOS 3.x hldata.db rows and image messages (src/wechat/wc_mac3.c,
 * wc_desk.c): the input up to its first NUL is HlinkMediaDetail.relativePath, the rest its
 * fileName; both also go through the <img md5="..."> reader and the md5 check.  The path, when
 * one is made, must stay below the account folder. */
#include "config.h"
#include "wechat/wc_mac3.h"
#include "wechat/wc_desk.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *rp, *fn, *path = NULL, h[33];
	const char *nul;

	if (size > (1u << 16) || (buf = malloc(size + 2)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = buf[size + 1] = '\0';
	rp = buf;
	nul = memchr(buf, '\0', size);
	fn = nul != NULL ? buf + (nul - buf) + 1 : buf + size + 1;
	if (wxf_mac3_hl_path(rp, fn, &path) == WXF_OK && path != NULL &&
	    (path[0] == '/' || strstr(path, "..") != NULL || strchr(path, '\\') != NULL))
		abort();
	free(path);
	(void)wxf_desk_img_md5(rp, h);
	(void)wxf_desk_img_md5(fn, h);
	(void)wxf_desk_md5_hex(rp, h);
	free(buf);
	return 0;
}
