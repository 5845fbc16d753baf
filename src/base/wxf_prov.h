/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Provenance (CONVENTIONS C13): where a fact was found.  Every model object, live or recovered,
 * carries one.  The closed lists below are also the vocabulary of the reports and of
 * data/timeline.xsd: change them together.
 */
#ifndef WXF_PROV_H
#define WXF_PROV_H

#include <stdint.h>

/* The WeChat client family a fact comes from (shared by intake, decrypt, model, reports). */
typedef enum wxf_platform {
	WXF_PLAT_UNKNOWN = 0,
	WXF_PLAT_ANDROID,
	WXF_PLAT_IOS,
	WXF_PLAT_WIN3,   /* Windows 3.x desktop */
	WXF_PLAT_WX4,    /* WeChat 4.x desktop (Windows/macOS) */
	WXF_PLAT_MAC3,   /* macOS 3.x desktop */
	WXF_PLAT_BACKUP, /* WeChat PC backup container */
	WXF_PLAT_N
} wxf_platform;

static inline const char *
wxf_platform_name(wxf_platform p)
{
	static const char *const n[] = { "unknown", "android", "ios", "win3", "wx4", "mac3",
	    "backup" };
	return (unsigned)p < WXF_PLAT_N ? n[p] : "unknown";
}

typedef enum wxf_origin {
	WXF_ORIGIN_LIVE = 0,     /* allocated b-tree cell */
	WXF_ORIGIN_FREEBLOCK,    /* freeblock chain inside a live page */
	WXF_ORIGIN_UNALLOCATED,  /* gap between cell pointer array and cell content area */
	WXF_ORIGIN_FREELIST,     /* freelist trunk/leaf page */
	WXF_ORIGIN_WAL,          /* page image in a WAL frame */
	WXF_ORIGIN_JOURNAL,      /* page image in a rollback journal */
	WXF_ORIGIN_FTS,          /* full-text index content */
	WXF_ORIGIN_BACKUP,       /* a backup container (WeChat PC backup, .ab, ...) */
	WXF_ORIGIN_N
} wxf_origin;

typedef enum wxf_status {
	WXF_STATUS_INTACT = 0,            /* live record */
	WXF_STATUS_DELETED_RECOVERED,     /* deleted, every value recovered */
	WXF_STATUS_PARTIALLY_RECOVERED,   /* deleted, some values lost */
	WXF_STATUS_FRAGMENT,              /* bytes that prove something existed, not a whole record */
	WXF_STATUS_SUPERSEDED,            /* an older version of a live record (updated, not deleted) */
	WXF_STATUS_N
} wxf_status;

typedef struct wxf_prov {
	const char *file;     /* evidence path of the database as listed in the evidence inventory */
	const char *image;    /* decrypted image the offsets refer to (bundle-relative), or NULL */
	const char *table;    /* table or index name, NULL if unattributed */
	int64_t rowid;        /* INT64_MIN when unknown */
	uint32_t pgno;        /* 1-based page, 0 unknown */
	uint32_t frame;       /* WAL frame / journal record, 0 none */
	uint64_t offset;      /* absolute byte offset in the image */
	uint32_t length;      /* bytes */
	wxf_origin origin;
	wxf_status status;
	int confidence;       /* 0..100; 100 for live rows */
	const char *range_sha256; /* SHA-256 (hex) of the cited bytes [offset, offset+length) of the
	                             image (or of the file when there is no image), once checked;
	                             NULL before */
	const char *file_sha256;  /* SHA-256 (hex) of file, for a provenance read back from a bundle
	                             (merge); NULL: the writers take it from the inventory */
} wxf_prov;

/* The one definition of "recovered" every count and label uses: a deleted record that came
 * back, in whole or in part.  Live rows, rows read live from a WAL, backup records, fragments
 * and older versions of live rows are not recovered messages. */
static inline int
wxf_prov_recovered(const wxf_prov *p)
{
	return p->status == WXF_STATUS_DELETED_RECOVERED ||
	    p->status == WXF_STATUS_PARTIALLY_RECOVERED;
}

static inline const char *
wxf_origin_name(wxf_origin o)
{
	static const char *const n[] = { "live", "freeblock", "unallocated", "freelist", "wal",
	    "journal", "fts", "backup" };
	return (unsigned)o < WXF_ORIGIN_N ? n[o] : "unknown";
}

static inline const char *
wxf_status_name(wxf_status s)
{
	static const char *const n[] = { "intact", "deleted-recovered", "partially-recovered",
	    "fragment", "superseded" };
	return (unsigned)s < WXF_STATUS_N ? n[s] : "unknown";
}

#endif
