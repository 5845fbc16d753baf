/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report: the writers of the evidence bundle (DESIGN.md "Evidence bundle"):
 *
 *   OUTDIR/report.html            self-contained report (inline CSS, strict CSP, no script)
 *   OUTDIR/conversations/C-N.html pages of large conversations, linked from report.html
 *   OUTDIR/timeline.xml           DFXML 2.0 (namespace WXF_DFXML_NS): the evidence files as
 *                                 fileobjects; our records in namespace WXF_TIMELINE_NS: every
 *                                 event in time order and the findings of every account,
 *                                 validated by data/timeline.xsd (wxforensic-timeline(5))
 *   OUTDIR/timeline.jsonl         Timesketch JSON Lines (message, datetime, timestamp_desc)
 *   OUTDIR/case.jsonld            CASE/UCO 1.4 JSON-LD: action, tool, files, accounts, messages,
 *                                 payments, the seller relationship (rpt_case.c)
 *   OUTDIR/csv/{messages,payments,contacts}.csv   RFC 4180, UTF-8 with BOM, CRLF
 *   OUTDIR/evidence.sha256        SHA-256 of every evidence file (sha256sum format)
 *   OUTDIR/manifest.sha256        sha256sum format, every file above and work/, sorted
 *   OUTDIR/report.pdf             with case --pdf: PDF/A-3b attaching timeline.xml and the
 *                                 manifest; its hash is in the audit log (rpt_pdf.c)
 *
 * Reproducibility (reporting.md §4): every writer is a pure function of its inputs; order is
 * the model's sorted order or an explicit sort; ids are the model's deterministic ids; the only
 * clock value is meta->generated_ms (SOURCE_DATE_EPOCH when set), printed once per file in an
 * element marked "generated-at".  No absolute path of the bundle is ever written: image paths
 * are bundle-relative and the command line's output directory is shown as "OUTDIR".
 *
 * Layering: reads model/, analysis/ and intake/ results; never writes evidence.
 * Allocation: abort-on-OOM wrappers (C9: report/ may).
 */
#ifndef WXF_REPORT_H
#define WXF_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include "base/wxf_audit.h"
#include "base/wxf_err.h"
#include "base/wxf_time.h"
#include "intake/intake.h"
#include "model/model.h"

#define WXF_TIMELINE_NS "urn:wxforensic:timeline:2"
#define WXF_DFXML_NS "http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML"
#define WXF_REPORT_PAGE_MSGS 2000   /* default messages per conversation page */
#define WXF_REPORT_INLINE_MSGS 2000 /* default most messages report.html shows inline */

struct wxf_analysis;
struct wxf_xview;
struct wxf_buf;

/* Examiner tags (case --tags FILE; rpt_tags.c, wxforensic-case(1) "TAG FILE"): one row of the
 * examiner's CSV tag file.  note and examiner are "" when not given. */
typedef struct wxf_report_tag {
	char *id, *tag, *note, *examiner;
	size_t line;               /* its line in the file, for messages */
} wxf_report_tag;
typedef struct wxf_report_tags {
	wxf_report_tag *v;         /* in the file's order (the writers sort them) */
	size_t n;
	const char *file;          /* the copy in the bundle ("tags/tags.csv"), set by the caller */
	char sha256[65];           /* the file's SHA-256, set by the caller */
} wxf_report_tags;
#define WXF_TAGS_MAX_BYTES (4u << 20)
#define WXF_TAGS_MAX_ROWS 100000u
#define WXF_TAGS_MAX_FIELD 4096u
/* Parses a tag file's bytes: WXF_OK, or WXF_ECORRUPT naming the line and the fault (t is then
 * empty).  Never reads beyond data[n). */
int wxf_tags_parse(const char *data, size_t n, wxf_report_tags *t, wxf_err *err);
void wxf_tags_free(wxf_report_tags *t);

/* Case and tool facts for the header; all strings borrowed, NULL = not given. */
typedef struct wxf_report_meta {
	const char *case_number;
	const char *exhibit;
	const char *examiner;
	const char *organisation;
	const char *tool_version;  /* PACKAGE_VERSION */
	const char *git_id;        /* WXF_GIT_ID */
	const char *cmdline;       /* as recorded (see wxf_report_cmdline) */
	const char *os;            /* "Linux 6.1.0 x86_64" */
	const char *host;          /* the machine's name (processing record), NULL: not given */
	const wxf_tz *tz;          /* display zone (required) */
	int64_t generated_ms;      /* the one clock value of the bundle */
	int64_t started_ms;        /* when the run started (case.jsonld), 0: generated_ms */
	int generated_from_sde;    /* 1: SOURCE_DATE_EPOCH */
	const char *seller;        /* username chosen with --seller, or NULL */
	const char *signer;        /* fingerprint of the key that signs the manifest, or NULL */
	size_t page_msgs;          /* messages per conversation page (0 = WXF_REPORT_PAGE_MSGS) */
	/* report.html shows the conversations inline when the case has at most this many messages
	 * (0 = WXF_REPORT_INLINE_MSGS); above, it is an index and every conversation has pages of
	 * its own (conversations/NAME.html); -1: always pages. */
	long long inline_msgs;
} wxf_report_meta;

/* One step of the run for the processing record (笔录-style): from case/, the same clock as the
 * audit log's (SOURCE_DATE_EPOCH when set). */
typedef struct wxf_report_step {
	const char *zh, *en;       /* "检材登记与哈希", "inventory and hashing" */
	int64_t start_ms, end_ms;  /* WXF_TIME_UNKNOWN: not recorded (the writers' own end) */
	const char *result;        /* one line, or NULL */
} wxf_report_step;

/* One account: its own model and analysis.  With several parts the report shows each
 * account on its own (its owner, seller, ledger, conversations); nothing is merged. */
typedef struct wxf_report_part {
	const char *label;              /* heading, e.g. "android ev/a/.../MicroMsg/3f69..." */
	const char *key;                /* stable id of the account (its folder's evidence path):
	                                   anchors and event ids of several parts use it */
	const wxf_model *m;             /* its sources' statements are the decryption section */
	const struct wxf_analysis *an;  /* may be NULL: no ledger, dossier or indicator hits */
	const char *exhibit;            /* the exhibit it was read from (its label, or the evidence
	                                   root or container as named in the bundle); may be NULL */
	const char *id_key;             /* what its record ids (payments, identities, deleted
	                                   conversations, anchors, CASE nodes) derive from, given with
	                                   one account too (its folder's evidence path, like key):
	                                   ids then do not depend on how many accounts the case has;
	                                   NULL: key */
} wxf_report_part;

typedef struct wxf_report_in {
	const wxf_report_meta *meta;
	const wxf_inventory *inv;       /* may be NULL (unit tests) */
	const wxf_inventory *const *subs; /* files unpacked from containers ("x.ab!/..."): not
	                                   evidence items, but a provenance citing one shows its
	                                   SHA-256 */
	size_t n_subs;
	const wxf_report_part *parts;   /* the accounts; NULL: the one account {m, an} below */
	size_t n_parts;
	const wxf_model *m;             /* one account (used when parts is NULL) */
	const struct wxf_analysis *an;  /* may be NULL: no ledger, dossier or indicator hits */
	const char *const *limitations; /* extra lines for the limitations section */
	size_t n_limitations;
	int carving;                    /* 1 if deleted-record recovery ran */
	const wxf_report_step *steps;   /* the run's steps, for the processing record */
	size_t n_steps;
	struct wxf_log *log;            /* progress of the writers on a terminal; may be NULL */
	unsigned jobs;                  /* wxf_report_write_all: writers at a time (0 or 1: one
	                                   after another) */
	const void *shared;             /* set by wxf_report_write_all: the writers' context (the
	                                   events in order, the inventory's lookups), built once and
	                                   only read; NULL: each writer builds its own */
	const wxf_report_tags *tags;    /* the examiner's tags; NULL or none: no selection */
	const char *const *root_labels; /* per inv->roots[i]: its exhibit label (--exhibit-label),
	                                   or NULL; the array may be NULL */
	const struct wxf_xview *xview;  /* the seller across the accounts (wxf_xview_build over
	                                   parts[i].an, same indexes); NULL: not shown */
} wxf_report_in;

/* A bundle `merge` read: its name (as given), its manifest hash (verified), its accounts. */
typedef struct wxf_merge_bundle {
	const char *name;
	const char *manifest_sha256;
	size_t n_accounts;
} wxf_merge_bundle;
/* `merge`'s outputs in outdir: seller.html and seller.xml (root <merge>, data/timeline.xsd),
 * the seller across exhibits (in->xview) over in->parts (the bundles' accounts, their analyses
 * rebuilt from the bundles' findings), each file recorded in the audit log. */
int wxf_report_merge(const wxf_report_in *in, const wxf_merge_bundle *bd, size_t nb,
    const char *outdir, wxf_audit *audit, wxf_err *err);

/* The ids of in->tags that name no record of the bundle, appended to unknown as "ID (line N)"
 * separated by ", " (each once, bytewise order); returns how many. */
size_t wxf_report_tags_unknown(const wxf_report_in *in, struct wxf_buf *unknown);
/* The tag file's bytes copied into the bundle as rel ("tags/tags.csv"), recorded in the audit
 * log like every output (so the manifest lists it and verify re-checks it). */
int wxf_report_tags_copy(const char *outdir, const char *rel, const void *data, size_t n,
    wxf_audit *audit, wxf_err *err);

/* Rewrites a command line (as joined by cli/cmd.c) for the record: the program path becomes
 * "wxforensic" and the value of -o/--output becomes OUTDIR (the bundle's own location is no
 * fact about the evidence).  Returns a malloc'd string. */
char *wxf_report_cmdline(const char *cmdline);
/* The same, and every word equal to given[i] (an evidence path as typed) becomes names[i] (its
 * name in the bundle, wxf_root.name): the record does not depend on where the evidence was
 * mounted or how its path was spelt (that spelling is in the audit log's "evidence-root"). */
char *wxf_report_cmdline_ev(const char *cmdline, const char *const *given,
    const char *const *names, size_t n_ev);

/* Each writer writes one file below outdir (created as needed) and records an audit line
 * (action "write", output name, SHA-256, size) when audit is not NULL.  WXF_OK or WXF_EIO. */
int wxf_report_html(const wxf_report_in *in, const char *outdir, wxf_audit *audit, wxf_err *err);
int wxf_report_xml(const wxf_report_in *in, const char *outdir, wxf_audit *audit, wxf_err *err);
int wxf_report_jsonl(const wxf_report_in *in, const char *outdir, wxf_audit *audit, wxf_err *err);
int wxf_report_csv(const wxf_report_in *in, const char *outdir, wxf_audit *audit, wxf_err *err);
int wxf_report_case(const wxf_report_in *in, const char *outdir, wxf_audit *audit, wxf_err *err);
int wxf_report_evidence_list(const wxf_report_in *in, const char *outdir, wxf_audit *audit,
    wxf_err *err);
/* report.pdf (rpt_pdf.c), after manifest.sha256: PDF/A-3b rendered by the program renderer
 * (WeasyPrint, found in PATH) with timeline.xml and manifest.sha256 attached; not in the
 * manifest (it attaches it): its SHA-256 goes to hex and to the audit record "report-pdf"
 * after the manifest record.  WXF_OK, or WXF_EIO naming the failure (the renderer could not
 * be run or failed). */
int wxf_report_pdf(const wxf_report_in *in, const char *outdir, const char *renderer,
    wxf_audit *audit, char hex[65], wxf_err *err);
/* All of the above in order. */
int wxf_report_write_all(const wxf_report_in *in, const char *outdir, wxf_audit *audit,
    wxf_err *err);

/* Manifest: every regular file below outdir except manifest.sha256, its signature and
 * audit.jsonl, relative paths, sorted bytewise, "<sha256>  <path>\n".  hex gets the
 * manifest's own SHA-256.  A file audit (may be NULL) kept the size and hash of, as its writer
 * computed them (wxf_audit_output), is not read again while it has that size.  WXF_EIO;
 * WXF_EUNSUPPORTED for a symbolic link or special file in the bundle. */
int wxf_manifest_write(const char *outdir, const wxf_audit *audit, char hex[65], wxf_err *err);

/* The examiner's signature on the manifest (rpt_sign.c): the public key goes into the bundle
 * before the manifest is written (so that the manifest lists it), the signature after. */
#define WXF_SIGN_FILE "manifest.sha256.sig"
#define WXF_SIGN_PUBKEY "signing-key.pub.pem"
typedef struct wxf_signer wxf_signer;
/* Loads an unencrypted Ed25519 private key (PEM, PKCS#8): WXF_EUSAGE naming the file when it
 * is unreadable or another kind of key. */
int wxf_signer_load(wxf_signer **s, const char *pem_path, wxf_err *err);
void wxf_signer_free(wxf_signer **s);
/* SHA-256 (hex) of the public key's DER SubjectPublicKeyInfo. */
const char *wxf_signer_fingerprint(const wxf_signer *s);
/* Writes OUTDIR/signing-key.pub.pem (recorded in the audit log like every output). */
int wxf_sign_pubkey_write(const wxf_signer *s, const char *outdir, wxf_audit *audit,
    wxf_err *err);
/* Signs OUTDIR/manifest.sha256 into OUTDIR/manifest.sha256.sig (64 raw bytes). */
int wxf_sign_manifest(const wxf_signer *s, const char *outdir, wxf_err *err);

/* Where the evidence of a bundle lies on this machine.  Bundle paths start with the root's name
 * ("demo/data/..."); the audit log's "evidence-root" records say where each root was when the
 * bundle was made. */
typedef struct wxf_evidence_roots {
	char **name, **realpath;
	size_t n;
} wxf_evidence_roots;
/* Reads the "evidence-root" records of OUTDIR/audit.jsonl (none: an empty list). */
void wxf_evidence_roots_read(const char *outdir, wxf_evidence_roots *r);
/* The file a bundle evidence path names: below base when base is given (the folder holding
 * the evidence roots), else below the root's recorded realpath, else the path as written
 * (relative to the working directory).  malloc'd. */
char *wxf_evidence_locate(const wxf_evidence_roots *r, const char *base, const char *path);
void wxf_evidence_roots_free(wxf_evidence_roots *r);

/* Result of a verification; each list holds one line per finding. */
typedef struct wxf_verify_result {
	char **changed;   size_t n_changed;   /* "report.html: SHA-256 differs" */
	char **missing;   size_t n_missing;
	char **extra;     size_t n_extra;     /* files not in the manifest */
	char **evidence;  size_t n_evidence;  /* evidence findings */
	size_t n_files;                       /* manifest entries checked */
	size_t n_evidence_checked, n_evidence_unreachable;
	unsigned long n_audit_lines;
	int audit_ok;                         /* 1 chain intact and ends at this manifest (or at
	                                         the report-pdf record just after it) */
	char pdf_sha256[65];                  /* report.pdf as the audit log records it, or "" */
	char audit_msg[1024];
	char manifest_sha256[65];
	char incomplete[1024];                /* non-empty: a bundle whose run did not finish
	                                         (no manifest.sha256), and what its log says */
	int signature;                        /* 0 unsigned, 1 signature verifies, -1 it does not */
	char signer[65];                      /* the signing key's fingerprint, when readable */
	char sig_msg[1200];                   /* why the signature does not verify */
} wxf_verify_result;

/* Re-hashes the manifest entries, looks for unlisted files, re-checks the audit chain and its
 * record of the manifest hash, the signature when the bundle is signed, and the evidence list
 * (paths resolved against evidence_base when relative; NULL = current directory).  Returns
 * WXF_OK when everything matches, WXF_EVERIFY otherwise (details in r; r->incomplete for a
 * bundle whose run never wrote its manifest), WXF_EIO when the folder is no bundle at all. */
int wxf_verify_bundle(const char *outdir, const char *evidence_base, wxf_verify_result *r,
    wxf_err *err);
void wxf_verify_result_free(wxf_verify_result *r);
/* Checks a bundle's signature into r->signature, r->signer, r->sig_msg. */
void wxf_sign_verify(const char *outdir, wxf_verify_result *r);

/* Helpers shared by the writers (rpt_common.c), exposed for the unit tests. */
/* "¥1,280.00" for 128000; negative amounts get a leading minus. */
void wxf_report_fen(int64_t fen, char *out, size_t n);
/* Chinese capital numerals for an amount: 1464000 → "人民币壹万肆仟陆佰肆拾元整". */
void wxf_report_fen_capital(int64_t fen, char *out, size_t n);

#endif
