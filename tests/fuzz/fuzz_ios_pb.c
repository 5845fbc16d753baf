/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the iOS WeChat protobufs (src/wechat/wc_ios.c): Friend.dbContactRemark and
 * LoginInfo2.dat. */
#include "config.h"
#include "wechat/wc_ios.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *a, *b, *c, *d;
	wxf_ios_owner o;

	if (size > (1u << 20))
		return 0;
	wxf_ios_contact_remark(data, size, &a, &b, &c, &d);
	free(a);
	free(b);
	free(c);
	free(d);
	if (wxf_ios_logininfo(data, size, NULL, &o) == 1)
		wxf_ios_owner_free(&o);
	return 0;
}
