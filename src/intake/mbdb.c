/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Manifest.mbdb: the file index of iTunes backups made before iOS 10 (iTunes 9.2 and later;
 * Manifest.db replaced it).  All integers are big-endian.  The file never is encrypted, even
 * in an encrypted backup: each record carries the file's own wrapped key.
 *
 *   OFFSET SIZE  FIELD
 *   0      6     magic "mbdb" 05 00
 *   6      ...   records, back to back, to the end of the file
 *
 * A record:
 *   string   Domain          "AppDomain-com.tencent.xin", "HomeDomain", ...
 *   string   Path            relative path inside the domain ("" for the domain's root)
 *   string   LinkTarget      symbolic links only
 *   string   DataHash        SHA-1 of the content (some files only)
 *   string   EncryptionKey   encrypted backups: 4-byte little-endian protection class and the
 *                            40-byte RFC 3394-wrapped file key (as MBFile's EncryptionKey)
 *   u16      Mode            0xAxxx link, 0x4xxx folder, 0x8xxx file (low bits: permissions)
 *   u64      inode number
 *   u32      UserID, u32 GroupID
 *   u32      LastModified, u32 LastAccessed, u32 Created      Unix seconds
 *   u64      Size            the plaintext length (0 for links and folders)
 *   u8       ProtectionClass 1..11
 *   u8       PropertyCount   then PropertyCount pairs (string name, string value)
 *
 * A string is a u16 length and that many bytes (UTF-8); the length 0xFFFF means "none".  The
 * file of a record is "<backup>/<fileID>" (no two-digit folder as with Manifest.db), fileID =
 * hex SHA-1(Domain "-" Path).  Sources: shared/formats/wechat-android-ios.md §4.1 (file names),
 * backup-formats.md §3 (the wrapped key), the record layout as public write-ups of the format
 * give it (the iPhone Wiki "ITunes Backup", iphonebackupbrowser's "MbdbMbdxFormat").
 *
 * Invariants: every byte is read through wxf_cur; a record that does not fit is corruption at
 * its offset, and the records before it stand.
 */
#include "config.h"
#include "intake/itunes.h"
#include "base/wxf_cur.h"

#include <string.h>

static const uint8_t mbdb_magic[6] = { 'm', 'b', 'd', 'b', 5, 0 };

int
wxf_mbdb_check_magic(const uint8_t *p, size_t n)
{
	return n >= sizeof(mbdb_magic) && memcmp(p, mbdb_magic, sizeof(mbdb_magic)) == 0;
}

static void
get_str(wxf_cur *c, wxf_mbdb_str *s)
{
	uint16_t len = wxf_cur_u16be(c);

	memset(s, 0, sizeof(*s));
	if (c->bad)
		return;
	if (len == 0xffff) {
		s->none = 1;
		return;
	}
	s->n = len;
	s->p = wxf_cur_bytes(c, len);
}

int
wxf_mbdb_record(const uint8_t *p, size_t n, size_t off, wxf_mbdb_rec *r, wxf_err *err)
{
	wxf_cur c = wxf_cur_make(p, n);
	wxf_mbdb_str junk;
	unsigned i;

	memset(r, 0, sizeof(*r));
	if (wxf_cur_seek(&c, off) != 0)
		return WXF_CORRUPT(err, -1, (int64_t)off, "Manifest.mbdb: record offset %zu beyond "
		    "the file", off);
	r->off = off;
	get_str(&c, &r->domain);
	get_str(&c, &r->path);
	get_str(&c, &r->target);
	get_str(&c, &r->hash);
	get_str(&c, &r->enckey);
	r->mode = wxf_cur_u16be(&c);
	r->inode = wxf_cur_u64be(&c);
	r->uid = wxf_cur_u32be(&c);
	r->gid = wxf_cur_u32be(&c);
	r->mtime = wxf_cur_u32be(&c);
	r->atime = wxf_cur_u32be(&c);
	r->ctime = wxf_cur_u32be(&c);
	r->size = wxf_cur_u64be(&c);
	r->prot = wxf_cur_u8(&c);
	r->n_props = wxf_cur_u8(&c);
	for (i = 0; i < r->n_props && !c.bad; i++) {
		get_str(&c, &junk);
		get_str(&c, &junk);
	}
	if (c.bad)
		return WXF_CORRUPT(err, -1, (int64_t)off, "Manifest.mbdb: record at byte %zu is "
		    "truncated", off);
	if (r->domain.none || r->domain.n == 0)
		return WXF_CORRUPT(err, -1, (int64_t)off, "Manifest.mbdb: record at byte %zu has no "
		    "domain", off);
	r->len = c.pos - off;
	return WXF_OK;
}

int
wxf_mbdb_walk(const uint8_t *p, size_t n, wxf_mbdb_cb cb, void *arg, size_t *n_recs,
    wxf_err *err)
{
	size_t off = sizeof(mbdb_magic), k = 0;
	wxf_mbdb_rec r;
	int rc = WXF_OK;

	if (n_recs != NULL)
		*n_recs = 0;
	if (!wxf_mbdb_check_magic(p, n))
		return WXF_CORRUPT(err, -1, 0, "Manifest.mbdb: no \"mbdb\\5\\0\" signature");
	while (off < n) {
		if ((rc = wxf_mbdb_record(p, n, off, &r, err)) != WXF_OK)
			break;
		k++;
		if (cb != NULL && cb(arg, &r) != 0)
			break;
		off += r.len;
	}
	if (n_recs != NULL)
		*n_recs = k;
	return rc;
}

int
wxf_mbdb_flags(uint16_t mode)
{
	switch (mode & 0xf000) {
	case 0x8000:
		return 1;
	case 0x4000:
		return 2;
	case 0xa000:
		return 4;
	default:
		return 0;
	}
}
