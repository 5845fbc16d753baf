/* SPDX-License-Identifier: Apache-2.0 */
/*
 * analysis: the facts a court asks for, computed from the common evidence model.
 *
 *   wxf_analysis_opts o = { .seller = NULL };             // NULL: propose the top-ranked party
 *   wxf_analysis *a;
 *   if (wxf_analysis_run(model, &o, &a, err) < 0) …        // model after wxf_model_finish()
 *   a->ranking, a->seller_source, a->seller, a->owner, a->ledger, a->hits …
 *   wxf_analysis_json(a, &buf);                            // deterministic JSON object
 *   wxf_analysis_free(&a);
 *
 * Input: a finished model (model/model.h), read only.  Every string and every model pointer in
 * the result is BORROWED from the model (valid until wxf_model_free) unless noted; the arrays
 * themselves belong to the wxf_analysis and go with wxf_analysis_free().  The model must
 * outlive the analysis.
 *
 * Determinism: every list is sorted with a total order ending in an id/string tie-break, so the
 * same model gives byte-identical JSON.  No floating point anywhere; money is int64 fen and every
 * sum is overflow-checked.
 *
 * ---------------------------------------------------------------------------------------------
 * 1. Counterparty ranking (section "ranking" of the report)
 *
 *   Candidates: every identity other than the owner whose kind is person / unknown / openim
 *   (groups, official accounts, system accounts are never proposed), plus every username that
 *   is the payer or receiver of a transfer or the sender of a message without an identity row.
 *   For each candidate:
 *     paid_fen        = sum of amounts of transfers owner → candidate whose final state is
 *                       ACCEPTED (amount known) — same rule as ledger "paid" below;
 *     n_paid          = number of those transfers;
 *     n_transfers     = transfers in either direction between owner and candidate, any state;
 *     msgs_from       = messages sent by the candidate (1:1 chat with the owner and their own
 *                       messages in groups; client/server notices — direction "system" — are
 *                       not the candidate's words and are not counted, a recalled message is);
 *     msgs_to         = messages sent by the owner in the 1:1 chat with the candidate;
 *     msgs            = msgs_from + msgs_to.
 *   Order: paid_fen desc, msgs desc, n_transfers desc, username asc (bytewise).  Candidates
 *   with paid_fen = 0 and msgs = 0 and n_transfers = 0 are dropped.  When opts->seller is NULL,
 *   ranking[0] is proposed as the seller (seller_source = WXF_SELLER_RANKED); the report must
 *   say it is a proposal and show the ranking with its numbers.
 *
 * 2. Identity cards (dossier) — seller and owner alike (wxf_an_person)
 *
 *   Each attribute is a list of distinct values (exact byte comparison after trimming ASCII
 *   white space); each value keeps EVERY piece of evidence that showed it (wxf_an_ref: the
 *   model object kind + id, the field, the time, the provenance).  Sources used:
 *     wxid          the username itself (identity row, payment payer/receiver fields, messages);
 *     aliases       identity aliases (rcontact.alias, userinfo 42), type-42 card alias="…" of a
 *                   card naming the person;
 *     nicknames     identity nicknames (rcontact.nickname, userinfo 4, group display names the
 *                   reader attached), card nickname="…", wxf_group_member.display_name;
 *     remarks       identity remarks (rcontact.conRemark);
 *     phones        identity phones (userinfo 6, contact data), and phone-like numbers found
 *                   in the person's OWN messages (body/title/desc): mainland mobiles
 *                   1[3-9]xxxxxxxxx (11 digits, not part of a longer digit run; spaces or '-'
 *                   between groups 3-4-4 allowed, a leading +86 / 86 accepted and dropped) and
 *                   HK/Macau "+852/+853 xxxx xxxx"; normalised to digits ("+852" kept);
 *     real_names, bank_cards, encrypt_usernames, other   the identity lists as the model has
 *                   them (owner: WalletUserInfo.true_name, WalletBankcard …).
 *   groups:  groups that contain both the person and the owner — by membership list, by the
 *            room owner, or because both sent messages there — with the evidence for each side.
 *   first/last contact: earliest / latest message (known time) that the person sent or that
 *            the owner sent to the person's 1:1 chat, or that is a transfer between them; with
 *            the message ids.  msgs_from / msgs_to / msgs_group_from as in the ranking;
 *            msgs_recovered = those among them whose origin is not live.
 *
 * 3. Ledger (seller only) — DEFINITIONS SHOWN TO THE COURT
 *
 *   Rows: every TRANSFER payment (kind WXF_PAY_TRANSFER) whose payer or receiver is the seller.
 *   Direction: payer = owner and receiver = seller → TO_SELLER; payer = seller and
 *   receiver = owner → FROM_SELLER.  When only one side is named, the 1:1 chat with the seller
 *   (payment talker) supplies the other; anything else is OTHER and never counted.
 *   State: the payment's final lifecycle state (model: state of the latest event; raw
 *   paysubtype kept).  Time: begintransfertime, else the first event, else the first message.
 *   Amount: integer fen as parsed by the model; a row with an unknown amount is listed, never
 *   summed, and counted in n_unknown_amount.
 *
 *   paid_fen       Σ amount, TO_SELLER transfers whose final state is ACCEPTED.
 *   refunded_fen   Σ amount, TO_SELLER transfers whose final state is REFUNDED (returned by the
 *                  seller).  Informational: that money never reached the seller, so it is NOT
 *                  in paid_fen and is NOT subtracted again.
 *   expired_fen    Σ amount, TO_SELLER transfers whose final state is EXPIRED (returned
 *                  automatically after invalidtime).  Not counted.
 *   pending_fen    Σ amount, TO_SELLER transfers still INITIATED / DELAYED or in an UNKNOWN
 *                  state.  Not counted (the evidence does not show the money arrived).
 *   received_fen   Σ amount, FROM_SELLER transfers whose final state is ACCEPTED (money the
 *                  seller paid back to the owner by a transfer of its own).
 *   net_fen        paid_fen − received_fen: the price the owner actually paid.
 *   crpl_base_fen  max(net_fen, 0).
 *   crpl_triple_fen 3 × crpl_base_fen.
 *   crpl_floor_fen 50000 (CRPL art. 55: "if less than 500 yuan, then 500 yuan").
 *   crpl55_fen     max(crpl_triple_fen, crpl_floor_fen); crpl_floor_applied says which won.
 *   overflow       1 if any sum or product left int64: every total above is then invalid
 *                  (JSON writes null) and the report must say so.
 *
 *   Red packets (WXF_PAY_RED_PACKET) sent by the seller (to the owner's chat or to a group
 *   shared with the owner) or by the owner to the seller, and AA collections (WXF_PAY_AA)
 *   naming the seller as launcher / payer / receiver, are listed separately with their own
 *   totals (they are NOT part of paid/net):
 *     hb_from_seller_fen  Σ amounts the OWNER claimed from the seller's packets (claim amounts,
 *                         WalletLuckyMoney), known amounts only;
 *     hb_to_seller_fen    Σ amounts of packets the owner sent to the seller (packet amount);
 *     aa_fen              Σ known amounts of the listed AA collections.
 *   WeChat Pay receipts (WXF_PAY_RECEIPT): every receipt in the model is listed with all its
 *   key/value lines; mentions_seller is set when any line or the memo contains the seller's
 *   wxid, an alias, a nickname or a remark.  receipts_fen = Σ known amounts (informational).
 *
 * 4. Counterfeit-sale indicators
 *
 *   Phrase file (data/indicators.txt and any --indicators FILE): UTF-8, one phrase per line,
 *   optional "<TAB>category"; '#' starts a comment line; blank lines ignored; leading/trailing
 *   white space trimmed.  Matching, on the seller's own messages (body, title, desc, and the
 *   recovered original of a recalled message; quote text is the quoted person's and is not
 *   used; group messages included; a field equal to an earlier one is skipped): ASCII letters compared
 *   case-insensitively; full-width forms U+FF01..U+FF5E fold to ASCII, U+3000 to space, and
 *   '：' to ':'; a phrase that starts/ends with an ASCII letter or digit only matches where the
 *   neighbouring text character is not an ASCII letter/digit ("A货" does not hit "DATA货",
 *   "1:1" does not hit "11:15"); CJK phrases match anywhere.  Overlapping phrases all hit
 *   ("支持专柜验货" hits itself, "专柜" and "验货").  One hit per (message, field, phrase): the
 *   first occurrence's offset and snippet and the number of occurrences, so that the hits of
 *   one message are bounded by the phrase set, whatever the message's length.
 *   Hits are ordered by message time, message id, field, offset, phrase.
 *
 * 5. Glossary (an_glossary.c): the terms of data/glossary.txt ("term<TAB>Chinese<TAB>English")
 *   that occur in any counted message of the account (body, title, desc, recovered recalled
 *   original; matched like the indicator phrases), each with its number of messages and the
 *   earliest of them.
 *
 * Data files are looked up in this order (wxf_analysis_data_path):
 *   1. an explicit path given by the caller;  2. $WXF_DATA_DIR/<name>;
 *   3. WXF_DATADIR/<name> (the installed pkgdatadir);  4. WXF_SRCDATADIR/<name> (source tree).
 */
#ifndef WXF_ANALYSIS_H
#define WXF_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>
#include "base/wxf_err.h"
#include "base/wxf_prov.h"
#include "model/model.h"

struct wxf_buf;

/* ------------------------------------------------------------------------------------------ */
/* Evidence references */

typedef enum wxf_an_ref_kind {
	WXF_REF_IDENTITY = 0, /* id = username; an identity attribute (field = its source) */
	WXF_REF_MESSAGE,      /* id = message id */
	WXF_REF_PAYMENT,      /* id = payment id */
	WXF_REF_GROUP,        /* id = room id (membership, owner, display names) */
	WXF_REF_N
} wxf_an_ref_kind;
const char *wxf_an_ref_kind_name(wxf_an_ref_kind k);

/* One piece of evidence for one value. */
typedef struct wxf_an_ref {
	wxf_an_ref_kind kind;
	const char *id;       /* username / message id / payment id / room id (borrowed) */
	const char *field;    /* "rcontact.nickname", "message.card_nickname", "message.body",
	                         "wcpayinfo.payer_username", "chatroom.memberlist", ... */
	int64_t time_ms;      /* WXF_TIME_UNKNOWN if none */
	wxf_prov prov;        /* copied from the model object (strings borrowed) */
} wxf_an_ref;

/* One distinct value of an attribute with all its evidence (refs sorted by time, kind, id,
 * field). */
typedef struct wxf_an_value {
	const char *value;    /* owned by the analysis when normalised (phones), else borrowed */
	wxf_an_ref *refs;
	size_t n_refs;
	int64_t first_ms, last_ms; /* over refs with known time; WXF_TIME_UNKNOWN if none */
	int live;             /* 1 if at least one ref is a live row */
} wxf_an_value;

/* Values in first-seen order (by earliest ref time, then value bytewise). */
typedef struct wxf_an_attr {
	wxf_an_value *v;
	size_t n;
} wxf_an_attr;

/* ------------------------------------------------------------------------------------------ */
/* Ranking */

typedef struct wxf_an_rank {
	const char *username;
	const char *display;      /* best name: remark > nickname > alias > username */
	int64_t paid_fen;         /* see §1; overflow-checked (saturates and sets overflow) */
	int64_t n_paid;
	int64_t n_transfers;
	int64_t msgs_from, msgs_to, msgs;
	int64_t first_ms, last_ms;
	int overflow;
} wxf_an_rank;

/* ------------------------------------------------------------------------------------------ */
/* Identity card (seller dossier / owner card) */

typedef struct wxf_an_group {
	const char *username;     /* room id */
	const char *name;         /* best group name or NULL */
	wxf_an_attr names;        /* every group name seen */
	wxf_an_ref *person_refs;  /* why the person is in it (member entry, room owner, message) */
	size_t n_person_refs;
	wxf_an_ref *owner_refs;   /* why the owner is in it */
	size_t n_owner_refs;
	int person_is_room_owner;
	int64_t person_msgs;      /* messages the person sent there */
} wxf_an_group;

typedef struct wxf_an_person {
	const char *username;     /* wxid (never NULL when the card exists) */
	const wxf_identity *ident;/* model identity, NULL if the model has none */
	wxf_an_attr wxid;         /* evidence naming the username itself */
	wxf_an_attr aliases, nicknames, remarks, phones, real_names, bank_cards,
	    encrypt_usernames, other;
	wxf_an_group *groups;     /* shared with the owner (empty for the owner's own card) */
	size_t n_groups;
	int64_t first_ms, last_ms;            /* first / last contact (§2) */
	const char *first_msg_id, *last_msg_id;
	int64_t msgs_from;        /* sent by the person: 1:1 + groups */
	int64_t msgs_to;          /* sent by the owner in the 1:1 chat */
	int64_t msgs_group_from;  /* part of msgs_from sent in groups */
	int64_t msgs_recovered;   /* of msgs_from + msgs_to, origin not live */
	int in_contacts;
	int64_t type_flags, verify_flag, delete_flag; /* from the identity, WXF_INT_UNKNOWN if none */
} wxf_an_person;

/* ------------------------------------------------------------------------------------------ */
/* Ledger */

typedef enum wxf_ledger_dir {
	WXF_LDIR_UNKNOWN = 0,
	WXF_LDIR_TO_SELLER,       /* owner → seller */
	WXF_LDIR_FROM_SELLER,     /* seller → owner */
	WXF_LDIR_OTHER,           /* the seller and a third party: listed, never counted */
	WXF_LDIR_N
} wxf_ledger_dir;
const char *wxf_ledger_dir_name(wxf_ledger_dir d);

/* Which total a row went into. */
typedef enum wxf_ledger_bucket {
	WXF_LB_NONE = 0,          /* not counted (direction other/unknown, or not a transfer) */
	WXF_LB_PAID,
	WXF_LB_REFUNDED,
	WXF_LB_EXPIRED,
	WXF_LB_PENDING,
	WXF_LB_RECEIVED,          /* accepted seller → owner */
	WXF_LB_FROM_SELLER_OTHER, /* seller → owner not accepted (refused/expired/pending) */
	WXF_LB_N
} wxf_ledger_bucket;
const char *wxf_ledger_bucket_name(wxf_ledger_bucket b);

/* Where the rows of a payment came from. */
typedef enum wxf_ledger_origin {
	WXF_LO_LIVE = 0,          /* every row live */
	WXF_LO_MIXED,             /* live rows and recovered rows */
	WXF_LO_RECOVERED,         /* only recovered rows (deleted transfer) */
	WXF_LO_N
} wxf_ledger_origin;
const char *wxf_ledger_origin_name(wxf_ledger_origin o);

typedef struct wxf_ledger_row {
	const wxf_payment *pay;   /* borrowed */
	const char *payment_id;   /* pay->id */
	wxf_pay_kind kind;
	int64_t time_ms;          /* §3 "Time" */
	int64_t final_time_ms;
	int64_t amount_fen;       /* valid when amount_known */
	int amount_known;
	const char *amount_text;
	wxf_ledger_dir dir;
	const char *dir_src;      /* "payer+receiver", "payer+talker", "receiver+talker", ... */
	wxf_pay_state final_state;
	int64_t final_paysubtype; /* raw code of the final event, WXF_INT_UNKNOWN if none */
	const char *transfer_id, *transaction_id, *memo;
	wxf_ledger_origin origin;
	int witness_disagrees;    /* copied from the payment (RemittanceRecord) */
	int amount_conflict;      /* copied from the payment */
	wxf_ledger_bucket bucket;
	/* Red packets / AA / receipts: */
	int64_t owner_claimed_fen;  /* red packet: sum of the owner's claim amounts (known) */
	int owner_claimed_known;
	int mentions_seller;        /* receipt */
} wxf_ledger_row;

typedef struct wxf_ledger_totals {
	int64_t paid_fen, refunded_fen, expired_fen, pending_fen, received_fen;
	int64_t n_paid, n_refunded, n_expired, n_pending, n_received;
	int64_t n_unknown_amount; /* rows whose amount is unknown (listed, not summed) */
	int64_t net_fen;
	int64_t crpl_base_fen, crpl_triple_fen, crpl_floor_fen, crpl55_fen;
	int crpl_floor_applied;   /* 1 when the ¥500 floor is the figure */
	int crpl_applicable;      /* 1 when there is a seller, at least one accepted owner→seller
	                             transfer and no overflow: only then is crpl55_fen a figure */
	int overflow;             /* 1: totals invalid (see §3) */
	/* Separate lists */
	int64_t hb_from_seller_fen, hb_to_seller_fen, aa_fen, receipts_fen;
	int64_t n_hb, n_aa, n_receipts, n_hb_unknown_amount, n_aa_unknown_amount,
	    n_receipts_unknown_amount;
} wxf_ledger_totals;

#define WXF_CRPL55_FLOOR_FEN INT64_C(50000) /* ¥500 */
#define WXF_CRPL55_MULTIPLIER 3

typedef struct wxf_ledger {
	wxf_ledger_row *transfers;  size_t n_transfers;   /* by time, then payment id */
	wxf_ledger_row *red_packets; size_t n_red_packets;
	wxf_ledger_row *aa;         size_t n_aa;
	wxf_ledger_row *receipts;   size_t n_receipts;
	wxf_ledger_totals totals;
} wxf_ledger;

/* CRPL art. 55 figure from a net price: fills base/triple/floor/figure/floor_applied.
 * Returns WXF_OK, or WXF_ECORRUPT when 3 × base overflows int64 (t->overflow set). */
int wxf_ledger_crpl55(int64_t net_fen, wxf_ledger_totals *t);

/* ------------------------------------------------------------------------------------------ */
/* Indicators */

typedef struct wxf_indicator {
	const char *phrase;       /* as written in the file (owned by the set) */
	const char *category;     /* NULL if none */
	const char *origin;       /* "<file>:<line>" (owned by the set) */
} wxf_indicator;

typedef struct wxf_indicator_set wxf_indicator_set; /* opaque */

/* Creates an empty set. Returns WXF_OK or WXF_ENOMEM. */
int wxf_indicators_new(wxf_indicator_set **s, wxf_err *err);
void wxf_indicators_free(wxf_indicator_set **s);
/* Adds one phrase (duplicates after folding are ignored: the first keeps its category). */
int wxf_indicators_add(wxf_indicator_set *s, const char *phrase, const char *category,
    const char *origin, wxf_err *err);
/* Parses a phrase file (format above).  WXF_EIO if unreadable, WXF_ECORRUPT on invalid UTF-8
 * (with the line number), WXF_ENOMEM. */
int wxf_indicators_load_file(wxf_indicator_set *s, const char *path, wxf_err *err);
/* The standard loader: the default data/indicators.txt (found by wxf_analysis_data_path, or
 * `base_path` when non-NULL), then each extra file in order (--indicators FILE). */
int wxf_indicators_load(wxf_indicator_set **s, const char *base_path,
    const char *const *extra_files, size_t n_extra, wxf_err *err);
size_t wxf_indicators_count(const wxf_indicator_set *s);
const wxf_indicator *wxf_indicators_get(const wxf_indicator_set *s, size_t i);

typedef struct wxf_indicator_hit {
	const wxf_indicator *ind; /* borrowed from the set used (kept alive by the analysis) */
	const char *phrase, *category;
	const wxf_msg *msg;       /* borrowed */
	const char *msg_id;
	int64_t time_ms;
	const char *talker;
	const char *field;        /* "body", "title", "desc" */
	size_t offset;            /* byte offset of the first match in the field */
	size_t length;            /* bytes matched there */
	size_t count;             /* times the phrase occurs in the field (>= 1) */
	const char *snippet;      /* owned: up to ~30 characters either side of the first match,
	                             "…" at cut ends */
	wxf_prov prov;
} wxf_indicator_hit;

/* Matches a set against one text.  Calls cb for each hit (offset, length in bytes), in offset
 * then set order; returns the number of hits, or SIZE_MAX when out of memory (no hit reported).
 * Exposed for tests and the report. */
size_t wxf_indicators_match(const wxf_indicator_set *s, const char *text,
    void (*cb)(void *arg, const wxf_indicator *ind, size_t off, size_t len), void *arg);

/* ------------------------------------------------------------------------------------------ */
/* Run */

/* ------------------------------------------------------------------------------------------ */
/* Glossary (5): slang terms of data/glossary.txt that occur in the account's messages */

typedef struct wxf_gloss_entry {
	const char *term, *zh, *en;   /* owned by the analysis */
	size_t n_msgs;                /* counted messages using the term */
	const char *first_msg_id;     /* the earliest of them (model id, borrowed) */
	int64_t first_ms;
} wxf_gloss_entry;

typedef struct wxf_analysis_opts {
	const char *seller;        /* --seller WXID; NULL: propose ranking[0] */
	const char *owner;         /* owner override; NULL: model->owner */
	const char *indicators_base;          /* NULL: data/indicators.txt by lookup */
	const char *const *indicator_files;   /* --indicators FILE… (added to the base list) */
	size_t n_indicator_files;
	const wxf_indicator_set *indicators;  /* prebuilt set (borrowed, must outlive the
	                                         analysis); when set, the three fields above are
	                                         ignored */
	int no_indicators;         /* 1: skip indicator matching and the glossary */
	const char *glossary;      /* glossary file; NULL: data/glossary.txt by lookup */
} wxf_analysis_opts;

typedef enum wxf_seller_source {
	WXF_SELLER_NONE = 0,      /* no seller (no candidate and none given) */
	WXF_SELLER_GIVEN,         /* --seller */
	WXF_SELLER_RANKED,        /* proposed: ranking[0] */
	WXF_SELLER_N
} wxf_seller_source;
const char *wxf_seller_source_name(wxf_seller_source s);

typedef struct wxf_analysis {
	const wxf_model *model;   /* borrowed */
	const char *owner_username; /* NULL if unknown */
	wxf_an_rank *ranking;     size_t n_ranking;
	wxf_seller_source seller_source;
	int seller_in_model;      /* 0: --seller names nobody in the evidence */
	wxf_an_person *seller;    /* NULL when seller_source == NONE */
	wxf_an_person *owner;     /* NULL when the owner is unknown */
	wxf_ledger ledger;
	wxf_indicator_hit *hits;  size_t n_hits;
	const wxf_indicator_set *indicators; /* the set used (owned unless opts->indicators) */
	wxf_gloss_entry *glossary; size_t n_glossary; /* terms that occur, in file order */
	const char **notes;       size_t n_notes; /* owned: things the examiner must read */
	/* private */
	void *priv_;
} wxf_analysis;

/* Runs the whole analysis.  Returns WXF_OK, WXF_ENOMEM, WXF_EUSAGE (bad opts), or the error of
 * loading the indicator files (WXF_EIO / WXF_ECORRUPT / WXF_ENOTFOUND when the default list
 * cannot be found).  On failure *out is NULL. */
int wxf_analysis_run(const wxf_model *m, const wxf_analysis_opts *opts, wxf_analysis **out,
    wxf_err *err);
/* NULL-safe; sets *a to NULL. */
void wxf_analysis_free(wxf_analysis **a);

/* Deterministic JSON object (one line, no trailing newline) with keys in fixed order:
 *   {"owner":…, "seller_source":…, "seller_in_model":…, "ranking":[…], "seller":{…},
 *    "owner_card":{…}, "ledger":{"definitions":{…}, "totals":{…}, "transfers":[…],
 *    "red_packets":[…], "aa":[…], "receipts":[…]}, "indicators":{"phrases":N, "hits":[…]},
 *    "notes":[…]}
 * Money as integer fen; times as UTC ISO strings plus *_ms; unknown as null.  Appends to out. */
void wxf_analysis_json(const wxf_analysis *a, struct wxf_buf *out);

/* The court-facing definitions of the ledger totals (§3), as (name, English text, Chinese
 * text) terminated by a {NULL, NULL, NULL} entry; the report prints both verbatim. */
typedef struct wxf_ledger_def {
	const char *name;
	const char *text;
	const char *zh;
} wxf_ledger_def;
extern const wxf_ledger_def wxf_ledger_defs[];

/* Data file lookup (see top).  Returns a malloc'd path in *out and WXF_OK, or WXF_ENOTFOUND
 * (message lists the places tried) / WXF_ENOMEM. */
int wxf_analysis_data_path(const char *name, const char *explicit_path, char **out,
    wxf_err *err);

/* ------------------------------------------------------------------------------------------ */
/* The seller across exhibits (several accounts' analyses in one case, an_xseller.c)
 *
 * The sellers of the accounts are linked by what their cards hold: an equal wxid means the same
 * account, as does an equal transfer id in their ledgers; an equal 微信号 (alias), phone number or
 * group the seller owns is a strong link; an equal nickname is shown and never used to link
 * (anyone can take any nickname).  Each group of accounts whose sellers
 * are linked is one wxf_xseller.  Its victims are the accounts' owners (several exhibits of one
 * owner, a phone and a PC, are one victim); a victim's transfers are those of its accounts'
 * ledgers with each transfer (by transfer id) counted once, totalled as in §3, and the CRPL
 * art. 55 figure is computed per victim, because each buyer's claim is his own; the seller's
 * total adds the victims' totals and their figures.  An account whose owner's wxid is the
 * seller wxid of a group is the seller's own account (her phone or PC among the exhibits): it
 * joins the group, its owner's card gives the group's identifiers, and it is no victim. */

typedef enum wxf_xlink {
	WXF_XL_SAME_ACCOUNT = 0,  /* wxid */
	WXF_XL_STRONG,            /* 微信号 (alias), phone */
	WXF_XL_NAME_ONLY,         /* nickname: shown, never used to link */
	WXF_XL_MASKED,            /* a masked phone number (138****1234): shown, never used to link */
	WXF_XL_N
} wxf_xlink;
const char *wxf_xlink_name(wxf_xlink l);

/* One identifier of the seller and the accounts whose seller card holds it. */
typedef struct wxf_xid {
	const char *kind;         /* "wxid", "alias", "phone", "group_owner" (a room the seller owns),
	                             "transfer" (a transfer id found in the ledgers of two accounts
	                             or more, listed only then; no value with evidence: the ledger
	                             row is its record), "nickname" (a
	                             masked phone: "phone" with link WXF_XL_MASKED) */
	const char *value;        /* borrowed from the analyses */
	wxf_xlink link;           /* what an equal value in two accounts means */
	size_t *parts;            /* account indexes (ascending) */
	const wxf_an_value **vals;/* per parts[k]: the value with its evidence (NULL: the wxid
	                             itself, named by no further record) */
	size_t n_parts;
} wxf_xid;

typedef struct wxf_xvictim {
	const char *owner;        /* the owner's wxid, NULL when unknown (then one account) */
	size_t *parts;            /* its accounts (ascending) */
	size_t n_parts;
	wxf_ledger_totals totals; /* paid, refunded, expired, pending, received, net, CRPL (§3) */
	int64_t n_transfers;      /* distinct counted transfers */
	int64_t n_repeated;       /* transfers found in more than one of its accounts, counted once */
	int64_t n_disagree;       /* of them, accounts that disagree on the amount or the outcome
	                             (the first account's row, in account order, is counted) */
} wxf_xvictim;

typedef struct wxf_xseller {
	size_t *parts;            /* accounts whose seller is this person (at least two with both
	                             kinds together), in account order */
	unsigned char *own;       /* per parts[k]: 1 when it is the seller's own account (its
	                             owner is the seller: an account whose owner's wxid is the
	                             group's seller wxid); never a victim */
	size_t n_parts;
	wxf_xid *ids;             /* every identifier of the linked cards: wxid, alias, phone,
	                             nickname, each by value */
	size_t n_ids;
	wxf_xvictim *victims;     /* by first account */
	size_t n_victims;
	wxf_ledger_totals total;  /* sums over the victims; crpl55_fen adds the victims' figures
	                             (crpl_applicable when one of them is) */
} wxf_xseller;

typedef struct wxf_xview {
	wxf_xseller *sellers;     /* by first account */
	size_t n_sellers;
	wxf_xid *name_only;       /* nicknames shared by sellers that are not linked otherwise */
	size_t n_name_only;
	/* private: the values the view made (a group's evidence as a value's) */
	void *wrap_;
	size_t n_wrap_;
} wxf_xview;

/* Builds the view over n accounts' analyses (an[i] may be NULL or have no seller).  *out gets a
 * view (possibly with no sellers) and WXF_OK, or NULL and WXF_ENOMEM.  The view borrows from the
 * analyses. */
int wxf_xview_build(const wxf_analysis *const *an, size_t n, wxf_xview **out, wxf_err *err);
/* NULL-safe; sets *v to NULL. */
void wxf_xview_free(wxf_xview **v);

#endif
