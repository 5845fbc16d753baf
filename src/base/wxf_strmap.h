/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wxf_strmap: the one string -> pointer hash map (open addressing with linear probing, FNV-1a;
 * the table is a power of two, at least 64 slots, never more than half full).  Named apart from
 * wxf_map, the read-only file mapping of wxf_file.h.
 *
 * Contract:
 *   - keys are borrowed: the map keeps the pointer it is given, never a copy, so a key must
 *     stay alive and unchanged while the map holds it (a model or arena string, never a stack
 *     buffer).  The map allocates only its table;
 *   - wxf_strmap_put replaces the value of a key already present; wxf_strmap_put_new keeps
 *     the first value ("first seen wins") and says whether it inserted;
 *   - a NULL key is never stored: wxf_strmap_get returns NULL, the puts do nothing;
 *   - a NULL value is allowed but reads back like an absent key;
 *   - a zeroed wxf_strmap (WXF_STRMAP_INIT, memset) is an empty map; wxf_strmap_free releases
 *     the table and leaves an empty map;
 *   - allocation failure returns WXF_ENOMEM and leaves the map as it was (C9); storing under
 *     a key already present never allocates.
 * No iteration order is defined.
 */
#ifndef WXF_STRMAP_H
#define WXF_STRMAP_H

#include <stddef.h>

typedef struct wxf_strmap_slot {
	const char *key;
	void *val;
} wxf_strmap_slot;

typedef struct wxf_strmap {
	wxf_strmap_slot *s;
	size_t cap, n;
} wxf_strmap;

#define WXF_STRMAP_INIT { NULL, 0, 0 }

/* The value stored under key, or NULL. */
void *wxf_strmap_get(const wxf_strmap *m, const char *key);
/* Stores val under key, replacing a value already there.  WXF_OK or WXF_ENOMEM. */
int wxf_strmap_put(wxf_strmap *m, const char *key, void *val);
/* Stores val under key only if the key is absent: 1 if stored, 0 if the key was present (its
 * value unchanged, or key NULL), WXF_ENOMEM. */
int wxf_strmap_put_new(wxf_strmap *m, const char *key, void *val);
/* Number of keys. */
size_t wxf_strmap_count(const wxf_strmap *m);
void wxf_strmap_free(wxf_strmap *m);

#endif
