/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private helpers of the report writers: the shared event list (one list feeds timeline.xml,
 * timeline.jsonl and the anchors of report.html, so ids, instants and provenance are the same
 * everywhere), evidence lookups, labels, file output.
 */
#ifndef WXF_RPT_INT_H
#define WXF_RPT_INT_H

#include "report.h"
#include "base/wxf_buf.h"

typedef enum rpt_ev_type {
	RPT_EV_MESSAGE = 0,    /* a message row (live or recovered) */
	RPT_EV_PAYMENT,        /* one lifecycle event of a payment */
	RPT_EV_CLAIM,          /* a red-packet claim */
	RPT_EV_CONTACT,        /* an identity attribute observed at a known time */
	RPT_EV_CONV_DELETED,   /* a deleted-conversation record */
	RPT_EV_N
} rpt_ev_type;

/* The attribute a contact event shows (kept beside the events: there are few). */
typedef struct rpt_ev_contact {
	const wxf_identity *ident;
	const char *field;       /* "nickname", "alias", ... */
	const wxf_attr *attr;
} rpt_ev_contact;

/* One timeline event.  There is one per message, so it is kept small (48 bytes): the object
 * is one pointer whose meaning the type gives, and the id of a message's event is made from
 * the message's when asked (rpt_ev_id), not stored. */
typedef struct rpt_event {
	int64_t time_ms;
	union {
		const wxf_msg *msg;          /* RPT_EV_MESSAGE */
		const wxf_payment *pay;      /* RPT_EV_PAYMENT, RPT_EV_CLAIM */
		const rpt_ev_contact *ct;    /* RPT_EV_CONTACT */
		const wxf_conv *conv;        /* RPT_EV_CONV_DELETED */
	};
	const wxf_prov *prov;
	const char *xid;         /* the id of an event other than a message's (the context's
	                            string: "p-<payid>-e<k>", "i-...", "d-..."); NULL for a message */
	uint32_t part;           /* the account (index into rpt_ctx.parts) */
	uint32_t k;              /* event / claim index */
	rpt_ev_type type;
} rpt_event;

#define RPT_EV_ID_MAX 48
/* The event's deterministic id ("m-<msgid>", "p-<payid>-e<k>", ...): its own string, or the
 * message's made in buf. */
const char *rpt_ev_id(const rpt_event *e, char buf[RPT_EV_ID_MAX]);

/* One account as the writers see it.  With one account key is NULL and tag "", so ids are
 * those of a single-account bundle; with several, ids that could repeat across accounts
 * (payments, identities, conversations) carry the account: a tag made from its key. */
typedef struct rpt_part {
	const wxf_model *m;
	const struct wxf_analysis *an;
	const char *label;
	const char *key;         /* NULL: the only account (its "account" attributes and columns) */
	const char *idkey;       /* what record ids derive from: the account's stable key (its
	                            folder's evidence path) with one account too, so that an id does
	                            not change with the number of exhibits; NULL: none given */
	char tag[10];            /* "" or the first 8 hex digits of SHA-256(idkey) and '.' */
} rpt_part;

/* A tag on an event (rpt_tags.c): sorted by event order, then tag, note, examiner. */
typedef struct rpt_tagref {
	size_t ev;                   /* index into rpt_ctx.ev */
	const wxf_report_tag *t;
} rpt_tagref;

typedef struct rpt_ctx {
	const wxf_report_in *in;
	rpt_part *parts;         /* at least one (an empty model when the input has none) */
	size_t n_parts;
	struct wxf_model *empty;
	rpt_event *ev;
	size_t n_ev;
	wxf_arena *ev_strs;      /* the events' ids other than messages' and their contacts */
	/* inventory items sorted by path for lookups */
	const wxf_item **items;
	size_t n_items;
	const wxf_item **sub_items;  /* files of unpacked containers, sorted by path */
	size_t n_sub_items;
	rpt_tagref *tagged;          /* the examiner's tags on known events (rpt_ctx_init) */
	size_t n_tagged;
} rpt_ctx;

void rpt_ctx_init(rpt_ctx *c, const wxf_report_in *in);
void rpt_ctx_free(rpt_ctx *c);
/* A writer's context: the one wxf_report_write_all built (in->shared), else own, built here;
 * rpt_ctx_done frees own when it was. */
rpt_ctx *rpt_ctx_use(rpt_ctx *own, const wxf_report_in *in);
void rpt_ctx_done(rpt_ctx *own, rpt_ctx *c);

/* Resolves in->tags against the events into c->tagged; unknown ids go to unknown (may be
 * NULL) as wxf_report_tags_unknown lists them; returns their count. */
size_t rpt_tags_resolve(rpt_ctx *c, wxf_buf *unknown);
/* The number of tags of event ev; *first: the index of the first in c->tagged. */
size_t rpt_tags_of(const rpt_ctx *c, size_t ev, size_t *first);

const char *rpt_ev_type_name(rpt_ev_type t);
/* SHA-256 of an evidence file as listed in the inventory ("" when unknown). */
const char *rpt_file_sha256(const rpt_ctx *c, const char *path);
const wxf_item *rpt_item(const rpt_ctx *c, const char *path);

/* Display instant: ISO 8601 with the zone's offset, or "unknown". */
void rpt_time(const rpt_ctx *c, int64_t ms, char *out, size_t n);
/* Human form "2026-03-01 10:15:30.123 (UTC+08:00)" or "unknown". */
void rpt_time_human(const rpt_ctx *c, int64_t ms, char *out, size_t n);

/* Labels */
const char *rpt_kind_zh(const char *kind_name);
const char *rpt_state_zh(wxf_pay_state s);
const char *rpt_status_words(const wxf_prov *p, char *buf, size_t n);
const char *rpt_ident_name(const wxf_model *m, const char *username);
/* The model of an event's account. */
const wxf_model *rpt_event_model(const rpt_ctx *c, const rpt_event *e);
/* The one-line description of an event ("message" field of the JSONL). */
void rpt_event_summary(const rpt_ctx *c, const rpt_event *e, wxf_buf *b);
/* Conversation anchor "c-<12 hex of sha256(talker)>"; with an account key (several accounts)
 * "c-<12 hex of sha256(key LF talker)>". */
void rpt_conv_anchor(const char *key, const char *talker, char out[16]);

/* Writes buf to outdir/rel (mkdir -p of the parent), records it in the audit log. */
int rpt_write(const char *outdir, const char *rel, const wxf_buf *b, wxf_audit *audit,
    wxf_err *err);

/* The court PDF's document (rpt_html.c): report.html's sections without the conversations,
 * contacts and fragments, every page's footer naming manifest_sha256 (the manifest it
 * attaches); appended to b. */
void rpt_html_print(const wxf_report_in *in, const char *outdir, const char *manifest_sha256,
    wxf_buf *b);

/*
 * A bundle file written as it is made (the writers of large outputs): the writer appends to
 * `b` and calls rpt_out_tick after each record; once a megabyte is pending it goes to the file
 * and into the running SHA-256, so memory stays bounded whatever the number of records.
 * rpt_out_close writes the rest, closes the file and records it in the audit log as rpt_write
 * does (same size, same hash).  After a write error the file stops growing and close returns
 * the error (WXF_EIO naming the file and the reason, "no space left on device" included).
 * Past RPT_OUT_DIRECT_AFTER bytes (a large case's timeline, CSV, JSON-LD), where the file
 * system takes it, the file goes on with O_DIRECT, RPT_OUT_DIRECT bytes at a time from an
 * aligned buffer: gigabytes then cost the processor little more than making them (no copy into
 * the page cache, no pages to write back and reclaim, no stall when dirty pages pile up), and
 * a thread writes each full buffer while the writer fills the other.  Smaller files, the tail,
 * and every write once the file system refuses one go through the page cache (a small bundle's
 * pages are written back after the run, which costs it less than waiting for the device).
 */
#define RPT_OUT_DIRECT ((size_t)2 << 20)
#define RPT_OUT_DIRECT_AFTER ((uint64_t)256 << 20)
typedef struct rpt_out {
	wxf_buf b;
	char *rel, *path, *label;
	int fd, rc;
	int direct;              /* the file is open with O_DIRECT */
	unsigned char *dbuf;     /* RPT_OUT_DIRECT bytes, 4096-aligned (direct only) */
	size_t dlen;             /* bytes in dbuf */
	struct rpt_out_io *io;   /* the thread writing the other buffer (rpt_common.c), or NULL */
	int no_io;               /* it could not be started: writes in place */
	int no_direct;           /* direct was tried (or refused): not again */
	uint64_t direct_after;   /* RPT_OUT_DIRECT_AFTER (tests lower it) */
	uint64_t size;
	struct wxf_sha256 *sha;
	wxf_err *err;
	struct wxf_log *log;     /* "writing <rel>: N MB" after each megabyte, or NULL */
} rpt_out;

int rpt_out_open(rpt_out *o, const char *outdir, const char *rel, struct wxf_log *log,
    wxf_err *err);
void rpt_out_tick(rpt_out *o);
int rpt_out_close(rpt_out *o, wxf_audit *audit);

/* Provenance as attributes / JSON members (same values everywhere). */
void rpt_prov_xml_attrs(const rpt_ctx *c, const wxf_prov *p, wxf_buf *b);
void rpt_prov_json(const rpt_ctx *c, const wxf_prov *p, wxf_buf *b);

/* merge (wxf_report_merge): seller.html and seller.xml */
int rpt_merge_html(const wxf_report_in *in, const wxf_merge_bundle *bd, size_t nb,
    const char *outdir, wxf_audit *audit, wxf_err *err);
int rpt_merge_xml(const wxf_report_in *in, const wxf_merge_bundle *bd, size_t nb,
    const char *outdir, wxf_audit *audit, wxf_err *err);

#endif
