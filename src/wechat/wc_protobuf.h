/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small, bounds-checked protobuf wire-format reader over wxf_cur (no schema, no allocation).
 *
 * Wire format (protobuf encoding, proto2/proto3 alike):
 *
 *   FIELD      := key value
 *   key        := varint (field_number << 3 | wire_type), field_number 1 .. 2^29-1
 *   wire 0     := varint (LEB128, at most 10 bytes)            int32/64, uint, bool, enum
 *   wire 1     := 8 bytes little-endian                        fixed64, double
 *   wire 2     := varint length L, then L bytes                string, bytes, message, packed
 *   wire 5     := 4 bytes little-endian                        fixed32, float
 *   wire 3/4   := deprecated groups: refused (WXF_EUNSUPPORTED)
 *
 * Invariants: nothing is read beyond the cursor's window; a length is checked against the
 * bytes left before it is used; field number 0 and wire types 6/7 are corruption; the reader
 * never recurses (nested messages are parsed by the caller with a sub-cursor, so depth is the
 * caller's, bounded by its schema).
 */
#ifndef WXF_WECHAT_PROTOBUF_H
#define WXF_WECHAT_PROTOBUF_H

#include <stddef.h>
#include <stdint.h>
#include "base/wxf_cur.h"
#include "base/wxf_err.h"

enum { WXF_PB_VARINT = 0, WXF_PB_I64 = 1, WXF_PB_LEN = 2, WXF_PB_I32 = 5 };

typedef struct wxf_pb_field {
	uint32_t num;        /* field number */
	int wire;            /* WXF_PB_* */
	uint64_t v;          /* VARINT, I64, I32 value */
	const uint8_t *p;    /* LEN: the bytes (borrowed from the cursor's buffer) */
	size_t n;            /* LEN: length */
	size_t pos;          /* position of the key in the cursor's window */
	uint64_t abs;        /* absolute offset of the key (cursor base_off + pos) */
	size_t len;          /* bytes of key + value */
} wxf_pb_field;

/*
 * Reads the next field at the cursor.  Returns 1 with *f filled, 0 at the end of the window,
 * or WXF_ECORRUPT (truncated varint/value, field number 0, wire type 6/7) / WXF_EUNSUPPORTED
 * (group wire types 3/4) with err set and the cursor left at the bad key.
 */
int wxf_pb_next(wxf_cur *c, wxf_pb_field *f, wxf_err *err);

/* A cursor over a LEN field's bytes, keeping absolute offsets. */
wxf_cur wxf_pb_sub(const wxf_pb_field *f);

/*
 * Finds the first (last when `last`) field `num` in data[0..n) (a whole message).  Returns 1
 * found, 0 absent, <0 if the message is malformed before the field was found.
 */
int wxf_pb_find(const uint8_t *data, size_t n, uint32_t num, int last, wxf_pb_field *f);

/* Wrapper message {1: string}: the string of field 1 of a LEN field.  Returns 1 and sets
 * the pointer and length, 0 if absent or malformed. */
int wxf_pb_wrapped_str(const wxf_pb_field *f, const uint8_t **p, size_t *n);

/* Checks that data[0..n) is a well-formed sequence of fields (top level only), with at most
 * max_fields fields.  Returns the number of fields, or -1. */
long wxf_pb_validate(const uint8_t *data, size_t n, long max_fields);

#endif
