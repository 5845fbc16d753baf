/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small binary structures of the desktop clients' databases, read through wxf_cur and
 * wc_protobuf.c only (bounded, no allocation, nothing trusted):
 *
 * BytesExtra (Windows 3.x MSG.BytesExtra; wechat-desktop.md 1.7), protobuf:
 *   1: header {1: int32, 2: int32}
 *   3: repeated item {1: int32 type, 2: string value}
 *      type 1  sender of a group message (wxid)
 *      type 3  thumbnail path, 4  original image/video path ("<wxid>\FileStorage\...": the
 *              first component is the account folder)
 *      other types (message source XML ...) kept as they are
 *
 * ExtraBuf (Windows 3.x Contact.ExtraBuf; wechat-desktop.md 1.8, corrections B), a TLV list
 * walked entry by entry in order (a search for a tag's bytes can hit inside a value):
 *   OFFSET  SIZE  DESCRIPTION
 *   0       4     tag (bytes as stored; 759378AD mobile number, 74752C06 gender,
 *                 46CF10C4 signature, A4D9024A country, E2EAA8D1 province, 1D025BBF city,
 *                 F917BCC0 company)
 *   4       1     type: 0x02 one byte, 0x04 uint32 LE, 0x05 8 bytes,
 *                 0x17 uint32 LE length + bytes (UTF-8 / protobuf),
 *                 0x18 uint32 LE length + UTF-16LE text (length in bytes)
 *   5       ...   value
 *   An unknown type ends the walk (its size cannot be known): WXF_ECORRUPT, entries so far kept.
 *
 * RoomData (Windows 3.x ChatRoom.RoomData, 4.x chat_room.ext_buffer; wechat-desktop.md 1.8),
 * protobuf: 1: repeated member {1: username, 2: display name in the group, 3: status,
 * 4: inviter}; 5: room capacity.
 *
 * packed_info_data (WeChat 4.x Msg_<md5>.packed_info_data; wechat-desktop.md 2.5), protobuf:
 *   1: type, 2: version, 3: {4: image md5 (hex text)}, 4: {8: video md5 (hex text)}
 */
#ifndef WXF_WECHAT_DESK_BLOB_H
#define WXF_WECHAT_DESK_BLOB_H

#include <stddef.h>
#include <stdint.h>
#include "base/wxf_cur.h"
#include "base/wxf_err.h"

#define WXF_BYTESEXTRA_MAX 64     /* items kept per message */

typedef struct wxf_bytesextra_item {
	uint32_t type;
	const uint8_t *p;          /* value bytes (borrowed) */
	size_t n;
} wxf_bytesextra_item;

/* The items of a BytesExtra value (at most max kept, *n_items counts all).  WXF_OK, or
 * WXF_ECORRUPT with the items read before the damage kept. */
int wxf_bytesextra_parse(const uint8_t *p, size_t n, wxf_bytesextra_item *items, size_t max,
    size_t *n_items);

typedef struct wxf_extrabuf_ent {
	uint8_t tag[4];
	uint8_t type;
	uint64_t num;              /* types 0x02, 0x04, 0x05 */
	const uint8_t *p;          /* types 0x17, 0x18: the value (borrowed) */
	size_t n;
	size_t off;                /* offset of the entry's tag in the ExtraBuf value */
} wxf_extrabuf_ent;

/* The next entry of an ExtraBuf walk over c (start with wxf_cur_make of the value): 1 with *e
 * filled, 0 at the end, WXF_ECORRUPT (truncated value, unknown type). */
int wxf_extrabuf_next(wxf_cur *c, wxf_extrabuf_ent *e);
/* 1 when the entry's tag is the 8 hex digits hex (either case). */
int wxf_extrabuf_is(const wxf_extrabuf_ent *e, const char *hex);

typedef struct wxf_roomdata_member {
	const uint8_t *user, *display;   /* borrowed; display NULL when absent */
	size_t user_n, display_n;
} wxf_roomdata_member;

/* The next member of a RoomData walk over c: 1, 0 at the end, WXF_ECORRUPT. */
int wxf_roomdata_next(wxf_cur *c, wxf_roomdata_member *m);

/* The image and video md5s of a packed_info_data value (lowercase hex, "" when absent).
 * WXF_OK or WXF_ECORRUPT. */
int wxf_packed_info(const uint8_t *p, size_t n, char img_md5[33], char video_md5[33]);

/* UTF-16LE text as UTF-8 into out (NUL-terminated; invalid units become U+FFFD; stops at a
 * NUL unit).  Returns the bytes written (without the NUL); out_n must be at least 1. */
size_t wxf_utf16le_to_utf8(const uint8_t *p, size_t n, char *out, size_t out_n);

#endif
