/* SPDX-License-Identifier: Apache-2.0 */
/*
 * WeChat message content decoding shared by the mobile readers (Android now, iOS later): type
 * codes (composite 32-bit codes mapped, raw kept), group sender prefix, message XML (hardened,
 * msgxml.h), app messages by their XML <type>, transfers (wcpayinfo → payment lifecycle),
 * red packets and their claims, AA collections, WeChat Pay receipts (template lines), system
 * and command messages, recalls.
 */
#ifndef WXF_WECHAT_MSGDECODE_H
#define WXF_WECHAT_MSGDECODE_H

#include <stddef.h>
#include <stdint.h>
#include "model/model.h"

/* WeChat Pay's official account (receipts, payment notices). */
#define WXF_WC_PAY_ACCOUNT "gh_3dfda90e39d6"

/* Base type of a stored type: composite app codes (low half-word 0x0031, and the 0x9000000x
 * family) → 49; everything else unchanged. */
int64_t wxf_wc_base_type(int64_t raw);
/* Kind suggested by the stored type alone (before looking at the XML). */
wxf_msg_kind wxf_wc_type_hint(int64_t raw);
/* Kind of an app message by its XML <type>. */
wxf_msg_kind wxf_wc_app_kind(int64_t app_type);

/* Group sender prefix: if s[0..n) starts with "<username>:\n" (username of [A-Za-z0-9_-.@],
 * 1..80 bytes) returns 1 with the username length in *ulen and the body offset in *body_off. */
int wxf_wc_group_prefix(const char *s, size_t n, size_t *ulen, size_t *body_off);

/*
 * Decodes one message.  Before the call the reader sets on msg: platform, table, local_id,
 * server_id, raw_type, time_ms, is_send, status, talker, prov (wxf_model_new_msg + fields).
 * `content` is the stored content (group prefix included; may be NULL).  The decoder sets
 * content/payload/body, base_type, kind, app_type, dir, sender, decoded fields, recall info,
 * and creates/extends payments (transfer lifecycle by transferid, red packets and claims by
 * sendid, AA by billno, receipts).  Malformed XML keeps the raw text and adds a warning.
 * Returns WXF_OK or WXF_ENOMEM.
 */
int wxf_wc_decode(wxf_model *m, wxf_msg *msg, const char *content, size_t n);

/* Red-packet sendid from a URL or text containing "sendid=…" (digits/letters); arena copy or NULL. */
const char *wxf_wc_sendid(wxf_model *m, const char *s);

#endif
