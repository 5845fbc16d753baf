/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the protobuf walker (src/wechat/wc_protobuf.c) and the PC backup's BakChatMsgList /
 * BakChatMsgItem decoding (src/wechat/wc_backup_text.c) on one decrypted, unpadded text segment. */
#include "config.h"
#include "wechat/wc_backup.h"
#include "wechat/wc_protobuf.h"

#include <stdint.h>
#include <string.h>

typedef struct acc {
	const uint8_t *data;
	size_t n, sum;
} acc;

static int
on_item(void *arg, size_t index, size_t off, size_t len)
{
	acc *a = arg;
	wxf_bak_item it;

	(void)index;
	if (off > a->n || len > a->n - off)
		__builtin_trap();   /* the walker must never hand out bytes outside the input */
	wxf_bak_item_decode(a->data + off, len, &it, NULL);
	a->sum += it.content_n + it.from_n + it.n_media_id + (it.content ? it.content[0] : 0);
	for (size_t i = 0; i < it.n_media_id; i++)
		if (it.media_id_n[i] > 0)
			a->sum += it.media_id[i][it.media_id_n[i] - 1];
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	acc a = { data, size, 0 };
	wxf_pb_field f;
	wxf_cur c;
	int64_t declared;
	const uint8_t *p;
	size_t n;

	if (size > 1 << 20)
		return 0;
	wxf_pb_validate(data, size, 100000);
	wxf_pcbackup_msglist(data, size, on_item, &a, &declared, NULL);
	c = wxf_cur_make(data, size);
	while (wxf_pb_next(&c, &f, NULL) == 1) {
		if (f.wire == WXF_PB_LEN) {
			wxf_cur s = wxf_pb_sub(&f);

			if (wxf_cur_left(&s) != f.n)
				__builtin_trap();
			if (wxf_pb_wrapped_str(&f, &p, &n) && n > 0)
				a.sum += p[n - 1];
		}
	}
	if (wxf_pb_find(data, size, 5, 1, &f) == 1 && f.wire == WXF_PB_LEN && f.n > 0)
		a.sum += f.p[0];
	return (int)(a.sum & 0);
}
