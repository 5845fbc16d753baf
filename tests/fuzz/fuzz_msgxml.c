/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: WeChat message content decoding (src/wechat/wc_msgdecode.c) and the hardened
 * XML parser under it (src/wechat/wc_msgxml.c), then the model's finish and JSON dump.
 * Input: byte 0 selects the stored type, byte 1 the direction and group/1:1 talker; the rest
 * is the content.  A second row with the same bytes as another type exercises payment grouping.
 */
#include "config.h"
#include "base/wxf_buf.h"
#include "model/model.h"
#include "wechat/wc_msgdecode.h"
#include "wechat/wc_msgxml.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int64_t types[] = { 1, 3, 34, 42, 43, 47, 48, 49, 62, 10000, 10002, 419430449,
	436207665, 318767153, 822083633, 1090519089, -1879048186, 570425393, 37, 50, 9999, 503316529 };

static void
one(wxf_model *m, int64_t rowid, int64_t type, int is_send, const char *talker,
    const uint8_t *p, size_t n)
{
	wxf_prov pv = { 0 };
	wxf_msg *msg;

	pv.file = "fuzz.db";
	pv.table = "message";
	pv.rowid = rowid;
	pv.confidence = 100;
	msg = wxf_model_new_msg(m, WXF_PLAT_ANDROID, "message", &pv, NULL);
	if (msg == NULL)
		return;
	msg->raw_type = type;
	msg->is_send = is_send;
	msg->talker = talker;
	msg->time_ms = 1000 * rowid;
	msg->server_id = rowid & 1 ? "12345" : NULL;
	wxf_wc_decode(m, msg, (const char *)p, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wxf_model *m;
	wxf_buf b;
	const char *talker;
	int64_t type;

	if (size < 2 || size > 512 * 1024)
		return 0;
	wxf_xml_init();
	if (wxf_model_new(&m, NULL) != WXF_OK)
		return 0;
	wxf_model_set_owner(m, "wxid_owner", NULL);
	type = types[data[0] % (sizeof(types) / sizeof(types[0]))];
	talker = data[1] & 2 ? "123@chatroom" : (data[1] & 4 ? "gh_3dfda90e39d6" : "wxid_peer");
	one(m, 1, type, data[1] & 1, talker, data + 2, size - 2);
	one(m, 2, data[1] & 8 ? 49 : 10000, !(data[1] & 1), talker, data + 2, size - 2);
	wxf_model_finish(m, NULL);
	wxf_buf_init(&b);
	wxf_model_json(m, &b);
	wxf_buf_free(&b);
	wxf_model_free(&m);
	return 0;
}
