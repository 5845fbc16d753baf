/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report.html: the document the court reads.  One self-contained file (inline CSS, no script,
 * no network reference, strict Content-Security-Policy), lang="zh-CN", Chinese headings with
 * English in parentheses.  Conversations longer than meta->page_msgs messages get pages of
 * their own (conversations/<anchor>-<n>.html, same CSS and policy) linked from the report,
 * split by month (and a month of more than page_msgs messages into pages of page_msgs); above
 * meta->inline_msgs messages in all, report.html is an index and every conversation and long
 * list has pages of its own.
 *
 * Every id here is the id of the same record in timeline.xml ("m-…", "p-…-e1", "ev-3"), every
 * instant is printed from the same value with the same formatter (the ISO form in the
 * datetime attribute is byte-equal to the XML's), and every bubble and ledger line shows the
 * provenance fields with the XML's values (data-k marks each one for the tests).
 *
 * All evidence text goes through wxf_buf_xml_text (markup escaped, bidi and zero-width
 * characters shown as [U+XXXX]); nothing from the evidence ever becomes a URL or an attribute
 * name.
 */
#include "config.h"
#include "rpt_int.h"
#include "rpt_css.h"
#include "analysis/analysis.h"
#include "base/wxf_file.h"
#include "base/wxf_hash.h"
#include "base/wxf_log.h"
#include "base/wxf_mem.h"
#include "base/wxf_fmt.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CSP "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; " \
	"form-action 'none'"

/* Where a message on a page of its own lives: "<base>-<page>.html" (one per message of a large
 * case, so the file name is made when asked, not kept). */
typedef struct loc {
	const char *msg_id;
	const char *base;   /* "conversations/c-xxx", "lists/fragments" (hctx.loc_bases) */
	size_t page;        /* 1-based */
} loc;

/* One account's state: its conversations in report order and its section ids. */
typedef struct hpart {
	const rpt_part *rp;
	const char *seller;
	const char *owner;
	const wxf_conv **convs;
	size_t n_convs;
	wxf_conv orphans;    /* messages no conversation holds (no talker): shown last */
	char sfx[24];        /* section id suffix: "" (one account) or "-a<n>" */
	/* per conversation (convs[i]): its pages of its own (0: shown in report.html) and where
	 * each starts (n_pages + 1 entries, the last its message count) */
	size_t *n_pages;
	size_t **starts;
} hpart;

typedef struct hctx {
	rpt_ctx *c;
	const wxf_report_in *in;
	hpart *hp;           /* every account */
	size_t n_hp;
	const hpart *cur;    /* the account being written; the fields below are its */
	const wxf_model *m;
	const wxf_analysis *an;
	const char *sfx;     /* section id suffix */
	const char *tag;     /* payment id tag ("" with one account) */
	const char *key;     /* conversation anchor key (the account's idkey) */
	wxf_buf *b;          /* the page being written (out->b when it streams to a file) */
	rpt_out *out;        /* the file b streams to, or NULL (the PDF's document is built whole) */
	const char *up;      /* "" in report.html, "../" in conversation pages */
	const char *page;    /* this page's path relative to the bundle ("report.html") */
	loc *locs;           /* messages living on separate pages, sorted by id */
	size_t n_locs;
	char **loc_bases;    /* the locs' file name stems, one per conversation or list */
	size_t n_loc_bases;
	const wxf_conv **convs; /* in report order */
	size_t n_convs;
	size_t page_msgs;
	int all_paged;       /* report.html is an index: every conversation on pages of its own */
	const char *seller;
	const char *owner;
	int print;           /* the court PDF's document: no conversations, contacts, fragments */
	int merge;           /* `merge`'s page: the accounts' sections are in their own bundles */
	const char *outdir;  /* the bundle (files the tool made are read from it) */
	const char *manifest_sha256; /* print: the attached manifest's, in every page's footer */
	wxf_audit *audit;    /* report.html: where list pages written meanwhile are recorded */
	wxf_err *err;
	int rc;              /* the first list page that could not be written */
} hctx;

/* A large case's long lists (recovered messages, anomalies, fragments): more rows than this in
 * the index go to pages of their own, LIST_PAGE_ROWS rows each (lists/<section>-<n>.html). */
#define LIST_INLINE 500
#define LIST_PAGE_ROWS 2000

/* ------------------------------------------------------------------------------ primitives */

/* The index's address from the current page: "" in report.html, else "../report.html". */
static const char *
idx(const hctx *h)
{
	return strcmp(h->page, "report.html") == 0 ? "" : "../report.html";
}

static void
T(hctx *h, const char *s)
{
	if (s != NULL)
		wxf_buf_xml_text(h->b, s, strlen(s));
}

/* Every element ends with a P (a closing tag, a line end): where a page streams to its file,
 * a megabyte pending goes out there, so a page's memory does not grow with its messages. */
static void
P(hctx *h, const char *s)
{
	wxf_buf_puts(h->b, s);
	if (h->out != NULL)
		rpt_out_tick(h->out);
}

#define F(h, ...) wxf_buf_printf((h)->b, __VA_ARGS__)

/* Makes account i the current one. */
static void
use_part(hctx *h, size_t i)
{
	const hpart *hp = &h->hp[i];

	h->cur = hp;
	h->m = hp->rp->m;
	h->an = hp->rp->an;
	h->sfx = hp->sfx;
	h->tag = hp->rp->tag;
	h->key = hp->rp->idkey;
	h->seller = hp->seller;
	h->owner = hp->owner;
	h->convs = hp->convs;
	h->n_convs = hp->n_convs;
}

/* Opens a section of the current account: id NAME plus the account's suffix, the heading,
 * and with several accounts the account it belongs to. */
static void
sec_open(hctx *h, const char *name, const char *title)
{
	F(h, "<section id=\"%s%s\"><h2>%s", name, h->sfx, title);
	if (h->n_hp > 1) {
		P(h, " — 账户 <span class=\"en\">(account)</span> <code>");
		T(h, h->cur->rp->label != NULL ? h->cur->rp->label : h->cur->rp->key);
		P(h, "</code>");
	}
	P(h, "</h2>\n");
}

static void
unknown(hctx *h)
{
	P(h, "<span class=\"unk\">不明 (unknown)</span>");
}

static void
time_el(hctx *h, int64_t ms)
{
	char iso[64], hum[96];

	rpt_time(h->c, ms, iso, sizeof(iso));
	rpt_time_human(h->c, ms, hum, sizeof(hum));
	if (ms == WXF_TIME_UNKNOWN)
		F(h, "<time data-t=\"unknown\">%s</time>", hum);
	else
		F(h, "<time datetime=\"%s\">%s</time>", iso, hum);
}

static void
money(hctx *h, int64_t fen)
{
	char t[48];

	wxf_report_fen(fen, t, sizeof(t));
	P(h, t);
}

/* CSS string literal content (for @page boxes): everything outside [A-Za-z0-9 _.-/] and
 * non-ASCII escaped, so evidence-free but examiner-given text cannot close the style element. */
static void
css_str(wxf_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; p != NULL && *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == ' ' || *p == '_' || *p == '.' || *p == '-' || *p == '/' || *p >= 0x80)
			wxf_buf_putc(b, (char)*p);
		else
			wxf_buf_printf(b, "\\%02x ", *p);
	}
}

static const char *
ident_name(hctx *h, const char *username)
{
	return rpt_ident_name(h->m, username);
}

/* "Name（wxid）" with the owner marked. */
static void
person(hctx *h, const char *username)
{
	const char *n;

	if (username == NULL) {
		P(h, "<span class=\"who\">发送者不明 (sender unknown)</span>");
		return;
	}
	n = ident_name(h, username);
	P(h, "<span class=\"who\">");
	if (n != NULL)
		T(h, n);
	else
		T(h, username);
	if (h->owner != NULL && strcmp(username, h->owner) == 0)
		P(h, "（本机用户 owner）");
	else if (h->seller != NULL && strcmp(username, h->seller) == 0)
		P(h, "（卖家 seller）");
	P(h, "</span>");
	if (n != NULL) {
		P(h, " <span class=\"wxid\">");
		T(h, username);
		P(h, "</span>");
	}
}

static int
loc_cmp(const void *a, const void *b)
{
	return strcmp(((const loc *)a)->msg_id, ((const loc *)b)->msg_id);
}

/* href to a message from the current page. */
static void
msg_href(hctx *h, const char *msg_id, char *out, size_t n)
{
	loc key, *l = NULL;
	char file[96];

	key.msg_id = msg_id;
	if (h->n_locs > 0)
		l = bsearch(&key, h->locs, h->n_locs, sizeof(*h->locs), loc_cmp);
	if (l == NULL) {
		wxf_fmt(out, n, "%s#m-%s", strcmp(h->page, "report.html") == 0 ? "" :
		    "../report.html", msg_id);
		return;
	}
	wxf_fmt(file, sizeof(file), "%s-%zu.html", l->base, l->page);
	if (strcmp(file, h->page) == 0)
		wxf_fmt(out, n, "#m-%s", msg_id);
	else
		wxf_fmt(out, n, "%s%s#m-%s", h->up, file, msg_id);
}

static void
msg_link(hctx *h, const char *msg_id)
{
	char href[128];

	if (msg_id == NULL)
		return;
	if (h->print || h->merge) {
		/* the court PDF holds no conversations to link to, nor does merge's page */
		F(h, "<span class=\"hash\">m-%s</span>", msg_id);
		return;
	}
	msg_href(h, msg_id, href, sizeof(href));
	F(h, "<a href=\"%s\">m-%s</a>", href, msg_id);
}

static size_t
item_index(hctx *h, const char *path)
{
	const wxf_item *it = rpt_item(h->c, path);

	return it != NULL ? (size_t)(it - h->in->inv->items) + 1 : 0;
}

/* The provenance line: values identical to timeline.xml's attributes (data-k names them). */
static void
prov(hctx *h, const wxf_prov *p, const char *label)
{
	size_t ev = item_index(h, p->file);
	char sw[160];

	P(h, "<div class=\"prov\">");
	if (label != NULL)
		F(h, "%s ", label);
	P(h, "来源 source: ");
	if (p->file != NULL) {
		const char *base = strrchr(p->file, '/');

		if (ev > 0)
			F(h, "<a href=\"%s#ev-%zu\" data-k=\"file\" title=\"",
			    strcmp(h->page, "report.html") == 0 ? "" : "../report.html", ev);
		else
			P(h, "<span data-k=\"file\" title=\"");
		T(h, p->file);
		P(h, "\">");
		T(h, base != NULL ? base + 1 : p->file);
		P(h, ev > 0 ? "</a>" : "</span>");
		if (ev > 0)
			F(h, " (清单 item %zu)", ev);
	} else
		unknown(h);
	if (p->table != NULL) {
		P(h, " · 表 table <span data-k=\"table\">");
		T(h, p->table);
		P(h, "</span>");
	}
	if (p->rowid != INT64_MIN)
		F(h, " · rowid <span data-k=\"rowid\">%lld</span>", (long long)p->rowid);
	if (p->pgno != 0)
		F(h, " · 页 page <span data-k=\"page\">%u</span>", p->pgno);
	if (p->frame != 0)
		F(h, " · 帧 frame <span data-k=\"frame\">%u</span>", p->frame);
	F(h, " · 偏移 offset <span data-k=\"offset\">%llu</span> (0x%llx) · 长度 length "
	    "<span data-k=\"length\">%u</span> B", (unsigned long long)p->offset,
	    (unsigned long long)p->offset, p->length);
	/* the court PDF leaves the range hashes to its attached timeline.xml (method section) */
	if (p->range_sha256 != NULL && !h->print)
		F(h, " · 字节 SHA-256 range <span class=\"hash\" data-k=\"range_sha256\">%s</span>",
		    p->range_sha256);
	F(h, " · <span data-k=\"origin\">%s</span> / <span data-k=\"status\">%s</span> · "
	    "可信度 confidence <span data-k=\"confidence\">%d</span>%%",
	    wxf_origin_name(p->origin), wxf_status_name(p->status), p->confidence);
	(void)sw;
	P(h, "</div>");
}

static int in_ledger(hctx *h, const char *payment_id);

static void
flag_status(hctx *h, const wxf_prov *p)
{
	char sw[200];

	if (p->status == WXF_STATUS_INTACT)
		return;
	rpt_status_words(p, sw, sizeof(sw));
	P(h, "<span class=\"flag recovered\">");
	T(h, sw);
	P(h, "</span>");
}

/* ------------------------------------------------------------------------------ page frame */

static void
page_open(hctx *h, const char *title)
{
	const wxf_report_meta *mt = h->in->meta;

	P(h, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
	P(h, "<meta http-equiv=\"Content-Security-Policy\" content=\"" CSP "\">\n");
	P(h, "<meta name=\"referrer\" content=\"no-referrer\">\n");
	P(h, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
	P(h, "<meta name=\"generator\" content=\"wxforensic ");
	T(h, mt->tool_version);
	P(h, "\">\n");
	if (h->print) {
		char t[64];

		/* the PDF's document information (WeasyPrint maps these) */
		P(h, "<meta name=\"author\" content=\"");
		T(h, mt->examiner != NULL ? mt->examiner : "wxforensic");
		P(h, "\">\n<meta name=\"description\" content=\"电子数据检验报告 Electronic data "
		    "examination report; attached: timeline.xml, manifest.sha256\">\n");
		P(h, "<meta name=\"keywords\" content=\"WeChat, evidence, ");
		T(h, mt->case_number);
		P(h, "\">\n");
		rpt_time(h->c, mt->generated_ms, t, sizeof(t));
		F(h, "<meta name=\"dcterms.created\" content=\"%s\">\n<meta name=\"dcterms.modified\" "
		    "content=\"%s\">\n", t, t);
	}
	P(h, "<title>");
	if (h->print) {
		P(h, "微信聊天与支付记录检验报告");
		if (mt->case_number != NULL)
			P(h, " · 案件编号 ");
	}
	T(h, h->print ? mt->case_number : title);
	P(h, "</title>\n<style>\n");
	P(h, rpt_css);
	if (h->print)
		P(h, rpt_css_pdf);
	P(h, "@page{size:A4;margin:16mm 13mm 18mm 13mm;"
	    "@bottom-center{content:\"第 \" counter(page) \" 页 / 共 \" counter(pages) \" 页");
	if (h->print && h->manifest_sha256 != NULL) {
		/* the PDF comes after the manifest: every page names it, on a line of its own */
		P(h, "\\A ");
		css_str(h->b, "manifest.sha256 SHA-256 ");
		css_str(h->b, h->manifest_sha256);
		P(h, "\";white-space:pre;font-size:7pt");
	} else
		P(h, "\";font-size:9pt");
	P(h, ";color:#444}");
	P(h, "@top-right{content:\"");
	if (mt->case_number != NULL) {
		css_str(h->b, "案件编号 ");
		css_str(h->b, mt->case_number);
	}
	P(h, "\";font-size:8pt;color:#666}@top-left{content:\"");
	css_str(h->b, "微信电子数据检验报告 wxforensic");
	P(h, "\";font-size:8pt;color:#666}}\n</style>\n</head>\n<body>\n<div class=\"wrap\">\n");
}

static void
page_close(hctx *h)
{
	P(h, "</div>\n</body>\n</html>\n");
}

/* A page of its own, part k of np of base (its files base-<n>.html): back to the index's
 * element id, to the previous and the next part. */
static void
page_nav(hctx *h, const char *id, const char *base, int k, int np)
{
	F(h, "<p><a href=\"../report.html#%s\">← 返回报告 (back to the report)</a>", id);
	if (k > 0)
		F(h, " · <a href=\"%s-%d.html\">← 上一部分 (previous)</a>", base, k);
	if (k + 1 < np)
		F(h, " · <a href=\"%s-%d.html\">下一部分 (next) →</a>", base, k + 2);
	P(h, "</p>\n");
}

/* ------------------------------------------------------------------------------ header */

static void
kv_row(hctx *h, const char *zh, const char *en, const char *value)
{
	F(h, "<tr><th scope=\"row\">%s <span class=\"en\">(%s)</span></th><td>", zh, en);
	if (value != NULL && *value)
		T(h, value);
	else
		P(h, "未提供 (not given)");
	P(h, "</td></tr>\n");
}

static void
header(hctx *h)
{
	const wxf_report_meta *mt = h->in->meta;
	char t[128], tool[256];

	P(h, "<header>\n<p class=\"doc-kind\">电子数据检验报告 · ELECTRONIC DATA EXAMINATION REPORT</p>\n");
	P(h, "<h1>微信聊天与支付记录检验报告<br><span class=\"en\">WeChat messages and payments: "
	    "examination report</span></h1>\n");
	P(h, "<table class=\"kv\">\n");
	kv_row(h, "案件编号", "case number", mt->case_number);
	kv_row(h, "检材编号", "exhibit", mt->exhibit);
	kv_row(h, "检验人", "examiner", mt->examiner);
	kv_row(h, "单位", "organisation", mt->organisation);
	wxf_fmt(tool, sizeof(tool), "wxforensic %s (git %s)", mt->tool_version ? mt->tool_version :
	    "?", mt->git_id ? mt->git_id : "unknown");
	kv_row(h, "检验工具", "tool, version, build", tool);
	P(h, "<tr><th scope=\"row\">命令行 <span class=\"en\">(command line)</span></th><td><code>");
	T(h, mt->cmdline);
	P(h, "</code><br><span class=\"en\">输出目录记为 OUTDIR (the output directory is written as "
	    "OUTDIR)</span></td></tr>\n");
	kv_row(h, "运行环境", "operating system", mt->os);
	rpt_time_human(h->c, mt->generated_ms, t, sizeof(t));
	P(h, "<tr><th scope=\"row\">生成时间 <span class=\"en\">(generated at)</span></th><td>"
	    "<span data-wxf=\"generated-at\">");
	P(h, t);
	P(h, mt->generated_from_sde ? "（取自 SOURCE_DATE_EPOCH, reproducible run）" : "");
	P(h, "</span></td></tr>\n");
	P(h, "<tr><th scope=\"row\">时区说明 <span class=\"en\">(time zone)</span></th><td>");
	P(h, "微信以 UTC 毫秒（Unix 纪元）存储消息时间 (WeChat stores createTime as Unix epoch "
	    "milliseconds, UTC)。本报告所有时间均按 <b>");
	T(h, wxf_tz_name(mt->tz));
	P(h, "</b> 显示并注明与 UTC 的偏移 (every time is shown in this zone with its UTC offset)。"
	    "无时间的记录标为“不明 (unknown)”，从不补造日期 (records without a time are marked "
	    "unknown, never given an invented date)。</td></tr>\n</table>\n</header>\n");
}

/* ------------------------------------------------------------------------------ TOC, summary */

static void
toc(hctx *h)
{
	size_t i, k;

	P(h, "<nav id=\"toc\"><h2 class=\"first\">目录 <span class=\"en\">(Contents)</span></h2>"
	    "<ol class=\"toc\">\n");
	P(h, "<li><a href=\"#summary\">概要 (Summary)</a></li>\n");
	if (h->in->tags != NULL && h->in->tags->n > 0)
		P(h, "<li><a href=\"#selection\">审查人员标注 (Examiner selection)</a></li>\n");
	P(h, "<li><a href=\"#evidence\">一、电子数据清单 (Evidence list)</a></li>\n");
	P(h, "<li><a href=\"#decryption\">二、解密说明 (Decryption)</a></li>\n");
	for (k = 0; k < h->n_hp; k++) {
		use_part(h, k);
		if (h->n_hp > 1) {
			P(h, "<li>账户 (account) <code>");
			T(h, h->cur->rp->label != NULL ? h->cur->rp->label : h->cur->rp->key);
			P(h, "</code><ol>\n");
		}
		F(h, "<li><a href=\"#seller%s\">三、卖家身份 (Seller identity)</a></li>\n", h->sfx);
		F(h, "<li><a href=\"#ledger%s\">四、付款明细与赔偿计算 (Payment ledger, CRPL art. 55)"
		    "</a></li>\n", h->sfx);
		F(h, "<li><a href=\"#recovered%s\">五、已删除并恢复的消息 (Deleted and recovered "
		    "messages)</a></li>\n", h->sfx);
		if (h->print) {
			F(h, "<li><a href=\"#indicators%s\">六、关键词命中的消息 (Messages with indicator "
			    "hits)</a></li>\n", h->sfx);
			F(h, "<li><a href=\"#glossary%s\">七、术语表 (Glossary)</a></li>\n", h->sfx);
			F(h, "<li><a href=\"#anomalies%s\">八、异常与局限 (Anomalies and limitations)</a>"
			    "</li>\n", h->sfx);
			if (h->n_hp > 1)
				P(h, "</ol></li>\n");
			continue;
		}
		F(h, "<li><a href=\"#conversations%s\">六、聊天记录 (Conversations)</a><ol>\n", h->sfx);
		for (i = 0; i < h->n_convs; i++) {
			const wxf_conv *cv = h->convs[i];
			const char *n = ident_name(h, cv->talker);
			char a[16];

			rpt_conv_anchor(h->key, cv->talker, a);
			F(h, "<li><a href=\"#%s\">", a);
			if (n != NULL) {
				T(h, n);
				P(h, " — ");
			}
			T(h, cv->talker);
			F(h, "</a> (%zu)</li>\n", cv->n_msgs);
		}
		P(h, "</ol></li>\n");
		F(h, "<li><a href=\"#indicators%s\">七、关键词命中 (Indicator hits)</a></li>\n", h->sfx);
		F(h, "<li><a href=\"#glossary%s\">八、术语表 (Glossary)</a></li>\n", h->sfx);
		F(h, "<li><a href=\"#contacts%s\">九、联系人 (Contacts)</a></li>\n", h->sfx);
		F(h, "<li><a href=\"#anomalies%s\">十、异常与局限 (Anomalies and limitations)</a></li>\n",
		    h->sfx);
		if (h->m->n_fragments > 0)
			F(h, "<li><a href=\"#fragments%s\">附录、无文字残片 (Appendix: fragments without "
			    "text)</a></li>\n", h->sfx);
		if (h->n_hp > 1)
			P(h, "</ol></li>\n");
	}
	if (h->in->xview != NULL)
		P(h, "<li><a href=\"#xseller\">跨检材卖家 (The seller across exhibits)</a></li>\n");
	if (h->n_hp > 1)
		P(h, "<li><a href=\"#limitations\">局限 (Limitations)</a></li>\n");
	F(h, "<li><a href=\"#method\">%s、方法、完整性与复核 (Method, integrity, verification)</a>"
	    "</li>\n", h->print ? "九" : "十一");
	F(h, "<li><a href=\"#record\">%s、处理记录与签名 (Processing record and signatures)</a>"
	    "</li>\n", h->print ? "十" : "十二");
	P(h, "</ol></nav>\n");
}

/* The current account's cards. */
static void
summary_cards(hctx *h)
{
	const wxf_model *m = h->m;
	size_t i, n_rec = 0, n_recall = 0;

	for (i = 0; i < m->n_msgs; i++) {
		if (wxf_prov_recovered(&m->msgs[i]->prov))
			n_rec++;
		if (m->msgs[i]->is_recall)
			n_recall++;
	}
	if (h->n_hp > 1) {
		P(h, "<h3>账户 <span class=\"en\">(account)</span> <code>");
		T(h, h->cur->rp->label != NULL ? h->cur->rp->label : h->cur->rp->key);
		P(h, "</code></h3>\n");
	}
	P(h, "<div class=\"cards\">\n");
	P(h, "<div class=\"card\"><div class=\"lbl\">卖家 (seller)</div><div class=\"big\">");
	if (h->seller != NULL) {
		const char *n = ident_name(h, h->seller);

		T(h, n != NULL ? n : h->seller);
		P(h, "</div><div class=\"lbl\">");
		T(h, h->seller);
		if (h->an != NULL && h->an->seller_source == WXF_SELLER_RANKED)
			P(h, " · 按金额与消息数推定 (proposed by ranking)");
		else
			P(h, " · 检验人指定 (given by the examiner)");
	} else
		P(h, "未确定 (none)");
	P(h, "</div></div>\n");
	if (h->an != NULL && !h->an->ledger.totals.overflow) {
		const wxf_ledger_totals *t = &h->an->ledger.totals;

		P(h, "<div class=\"card\"><div class=\"lbl\">向卖家实际付款 (net paid to seller)</div>"
		    "<div class=\"big\">");
		money(h, t->net_fen);
		F(h, "</div><div class=\"lbl\">%lld 笔已收款转账 (accepted transfers)</div></div>\n",
		    (long long)t->n_paid);
		P(h, "<div class=\"card\"><div class=\"lbl\">消法第55条 三倍赔偿 (CRPL art. 55)</div>"
		    "<div class=\"big\">");
		if (t->crpl_applicable)
			money(h, t->crpl55_fen);
		else
			P(h, "不适用 (n/a)");
		F(h, "</div><div class=\"lbl\"><a href=\"#crpl55%s\">%s</a></div></div>\n", h->sfx,
		    t->crpl_applicable ? "计算过程 (calculation)" : "未计算：无卖家或无已收款付款 (not "
		    "computed: no seller or no accepted payment)");
	}
	F(h, "<div class=\"card\"><div class=\"lbl\">消息 (messages)</div><div class=\"big\">%zu</div>"
	    "<div class=\"lbl\">其中已删除·恢复 %zu (recovered) · 撤回通知 %zu (recall notices)</div>"
	    "</div>\n", m->n_msgs, n_rec, n_recall);
	P(h, "</div>\n");
}

static void
summary(hctx *h)
{
	size_t k;

	P(h, "<section id=\"summary\"><h2>概要 <span class=\"en\">(Summary)</span></h2>\n");
	if (h->n_hp > 1)
		F(h, "<p>本案检材中有 %zu 个微信账户，各自单独读取与分析，互不归并。(The evidence holds %zu "
		    "WeChat accounts; each is read and analysed on its own, nothing is merged.)</p>\n",
		    h->n_hp, h->n_hp);
	for (k = 0; k < h->n_hp; k++) {
		use_part(h, k);
		summary_cards(h);
	}
	P(h, "<p class=\"note\">本报告只陈述检材中记录的内容及其来源；是否构成欺诈由法院认定。"
	    "(This report states what the evidence records and where; whether it amounts to fraud "
	    "is for the court.)</p></section>\n");
}

/* ------------------------------------------------------------------------------ selection */

/* The link to a tagged record from the selection: the message's bubble, the payment event's
 * line in the ledger, the deleted conversation's mark; a contact attribute has no line of its
 * own (its account's contacts section lists it); no link where the document has no anchor. */
static void
tag_link(hctx *h, const rpt_event *e)
{
	char a[16], idb[RPT_EV_ID_MAX];
	const char *id = rpt_ev_id(e, idb);

	switch (e->type) {
	case RPT_EV_MESSAGE:
		msg_link(h, e->msg->id);
		return;
	case RPT_EV_PAYMENT:
		if (in_ledger(h, e->pay->id)) {
			F(h, "<a href=\"#%s\">%s</a>", id, id);
			return;
		}
		break;
	case RPT_EV_CONV_DELETED:
		if (!h->print) {
			rpt_conv_anchor(h->key, e->conv->talker, a);
			F(h, "<a href=\"#d-%s\">%s</a>", a + 2, id);
			return;
		}
		break;
	case RPT_EV_CONTACT:
		if (!h->print) {
			F(h, "<a href=\"#contacts%s\">%s</a>", h->sfx, id);
			return;
		}
		break;
	default:
		break;
	}
	F(h, "<span class=\"hash\">%s</span>", id);
}

/* 审查人员标注: the examiner's tags (case --tags), in timeline order, each with the record's
 * time, account, summary, link and provenance. */
static void
selection(hctx *h)
{
	const wxf_report_tags *t = h->in->tags;
	const rpt_ctx *c = h->c;
	size_t i;
	wxf_buf s;

	if (t == NULL || t->n == 0)
		return;
	P(h, "<section id=\"selection\"><h2>审查人员标注 <span class=\"en\">(Examiner selection)"
	    "</span></h2>\n");
	P(h, "<p>检验人通过标注文件选出的记录 (records selected by the examiner in the tag file) "
	    "<code>");
	T(h, t->file);
	F(h, "</code>，SHA-256 <span class=\"hash\">%s</span>；%zu 条标注 (tags)。标注是检验人的意见，"
	    "不是检材的内容 (a tag is the examiner's statement, not a content of the evidence)。</p>\n",
	    t->sha256, c->n_tagged);
	wxf_buf_init(&s);
	/* one block per tag (not a table: the court PDF's page is too narrow for the record and
	 * its provenance beside the tag) */
	for (i = 0; i < c->n_tagged; i++) {
		const rpt_tagref *r = &c->tagged[i];
		const rpt_event *e = &c->ev[r->ev];
		char idb[RPT_EV_ID_MAX];

		use_part(h, e->part);
		F(h, "<div class=\"hitmsg tagged\" data-ref=\"%s\"><p>标注 <span class=\"en\">(tag)"
		    "</span> <b data-k=\"tag\">", rpt_ev_id(e, idb));
		T(h, r->t->tag);
		P(h, "</b> · 标注人 <span class=\"en\">(examiner)</span> <span data-k=\"examiner\">");
		T(h, r->t->examiner);
		P(h, "</span> · 记录 <span class=\"en\">(record)</span> ");
		tag_link(h, e);
		P(h, " (");
		T(h, rpt_ev_type_name(e->type));
		P(h, ")</p>\n<p>说明 <span class=\"en\">(note)</span>: <span data-k=\"note\">");
		T(h, r->t->note);
		P(h, "</span></p>\n<p class=\"ctx\">");
		time_el(h, e->time_ms);
		if (h->n_hp > 1) {
			P(h, " · 账户 (account) <code>");
			T(h, h->cur->rp->label != NULL ? h->cur->rp->label : h->cur->rp->key);
			P(h, "</code>");
		}
		if (e->prov != NULL && e->prov->status != WXF_STATUS_INTACT) {
			P(h, " ");
			flag_status(h, e->prov);
		}
		wxf_buf_reset(&s);
		rpt_event_summary(c, e, &s);
		P(h, "<br>");
		if (s.p != NULL)
			T(h, s.p);
		P(h, "</p>");
		if (e->prov != NULL)
			prov(h, e->prov, NULL);
		P(h, "</div>\n");
	}
	wxf_buf_free(&s);
	P(h, "</section>\n");
	use_part(h, 0);
}

/* ------------------------------------------------------------------------------ evidence */

static void
evidence(hctx *h)
{
	const wxf_inventory *inv = h->in->inv;
	size_t i, n_changed = 0;

	P(h, "<section id=\"evidence\"><h2>一、电子数据清单 <span class=\"en\">(Evidence list)</span>"
	    "</h2>\n");
	if (inv == NULL || inv->n_items == 0) {
		P(h, "<p>无检材清单 (no inventory).</p></section>\n");
		return;
	}
	P(h, "<p>检材根目录 (evidence roots): ");
	for (i = 0; i < inv->n_roots; i++) {
		P(h, i ? "；" : "");
		if (h->in->root_labels != NULL && h->in->root_labels[i] != NULL) {
			P(h, "检材 (exhibit) <b data-k=\"exhibit_label\">");
			T(h, h->in->root_labels[i]);
			P(h, "</b> = ");
		}
		P(h, "<code>");
		T(h, inv->roots[i].name);
		P(h, "</code>（");
		T(h, inv->roots[i].layout);
		P(h, "）");
	}
	P(h, "。检材只读打开；处理前后各计算一次 MD5、SHA-1、SHA-256 (files opened read-only; "
	    "hashed before and after processing).</p>\n");
	P(h, "<table><thead><tr><th scope=\"col\">序号<br>No.</th><th scope=\"col\">名称与路径<br>"
	    "Path</th><th scope=\"col\">类别 · 格式<br>Category · format</th><th scope=\"col\" "
	    "class=\"num\">大小<br>Size (B)</th><th scope=\"col\">完整性校验值<br>Hashes (before → "
	    "after)</th></tr></thead><tbody>\n");
	for (i = 0; i < inv->n_items; i++) {
		const wxf_item *it = &inv->items[i];

		F(h, "<tr id=\"ev-%zu\"><td class=\"num\">%zu</td><td><code>", i + 1, i + 1);
		T(h, it->path);
		if (it->member != NULL) {
			P(h, " ⟶ ");
			T(h, it->member);
		}
		P(h, "</code>");
		if (it->role != NULL) {
			P(h, "<br>");
			T(h, it->role);
		}
		P(h, "</td><td>");
		T(h, wxf_kind_name(it->kind));
		if (it->mime != NULL) {
			P(h, "<br><span class=\"en\">");
			T(h, it->mime);
			P(h, "</span>");
		}
		F(h, "</td><td class=\"num\">%llu</td><td class=\"hash\">", (unsigned long long)it->size);
		F(h, "MD5 %s<br>SHA-1 %s<br>SHA-256 <span data-k=\"sha256\">%s</span><br>",
		    it->before.md5, it->before.sha1, it->before.sha256);
		if (!it->have_after)
			P(h, "<span class=\"warn\">处理后未复核 (not re-hashed)</span>");
		else if (it->changed) {
			n_changed++;
			F(h, "<span class=\"warn\">处理后已改变 CHANGED after processing</span><br>MD5 %s<br>"
			    "SHA-1 %s<br>SHA-256 %s", it->after.md5, it->after.sha1, it->after.sha256);
		} else
			P(h, "<span class=\"ok\">处理后一致 (unchanged after processing: all three hashes, "
			    "size and time)</span>");
		if (it->note != NULL) {
			P(h, "<br>");
			T(h, it->note);
		}
		P(h, "</td></tr>\n");
	}
	P(h, "</tbody></table>\n");
	if (n_changed > 0)
		F(h, "<p class=\"warn\">%zu 个检材在处理前后不一致 (%zu evidence files changed during "
		    "processing).</p>\n", n_changed, n_changed);
	P(h, "</section>\n");
}

/* ------------------------------------------------------------------------------ decryption */

static void
page_report(hctx *h, const char *what, const wxf_stmt_pages *r)
{
	if (!r->present)
		return;
	F(h, "<tr><th scope=\"row\">%s</th><td>", what);
	T(h, r->path_in);
	F(h, "<br>%llu 页/帧 (pages/frames): %llu HMAC 验证通过 (verified), %llu 无 HMAC (no HMAC "
	    "in this profile), %llu 全零 (zero), <b>%llu 校验失败 (HMAC mismatch)</b>",
	    (unsigned long long)r->n_units, (unsigned long long)r->n_good,
	    (unsigned long long)r->n_unverified, (unsigned long long)r->n_zero,
	    (unsigned long long)r->n_bad);
	if (r->trailing)
		F(h, "; %llu 尾部字节原样复制 (trailing bytes copied)", (unsigned long long)r->trailing);
	F(h, "<br><span class=\"hash\">SHA-256 in %s<br>SHA-256 out %s</span></td></tr>\n",
	    r->sha256_in ? r->sha256_in : "", r->sha256_out ? r->sha256_out : "");
}

/* One source's decryption or acquisition statement. */
static void
statement(hctx *h, const wxf_source *d)
{
	const wxf_stmt *r = d->stmt;

	P(h, "<h3><code>");
	T(h, d->path);
	P(h, "</code></h3>\n<table class=\"kv\">\n");
	if (h->n_hp > 1) {
		kv_row(h, "检材", "exhibit", d->exhibit);
		kv_row(h, "账户", "account", d->account);
		kv_row(h, "本机用户", "owner", d->owner);
	}
	kv_row(h, "结果", "result", r->status);
	if (d->image != NULL)
		kv_row(h, "明文镜像", "plaintext image (in this bundle)", d->image);
	if (r->keyed && r->profile != NULL) {
		P(h, "<tr><th scope=\"row\">加密参数 <span class=\"en\">(cipher profile)</span>"
		    "</th><td>");
		T(h, r->profile);
		P(h, ": ");
		T(h, r->profile_desc);
		if (r->equivalent != NULL && r->equivalent[0]) {
			P(h, "<br>等效参数 (equivalent profiles): ");
			T(h, r->equivalent);
		}
		P(h, "</td></tr>\n");
	}
	if (r->keyed) {
		kv_row(h, "密钥来源", "how the key was obtained", r->key_how);
		for (size_t j = 0; j < r->n_inputs; j++)
			kv_row(h, r->inputs[j].zh, r->inputs[j].en, r->inputs[j].value);
		kv_row(h, "密钥", "key", r->key_display);
	}
	if (r->attempted)
		F(h, "<tr><th scope=\"row\">尝试次数 <span class=\"en\">(candidates tried)</span></th>"
		    "<td>%llu</td></tr>\n", (unsigned long long)r->n_tried);
	page_report(h, "数据库页校验 (database pages)", &r->db);
	page_report(h, "WAL 帧校验 (WAL frames)", &r->wal);
	page_report(h, "日志记录 (journal records)", &r->journal);
	if (r->witness_ran) {
		P(h, "<tr><th scope=\"row\">独立复核 <span class=\"en\">(SQLCipher cross-check)</span>"
		    "</th><td>");
		switch (r->witness) {
		case WXF_WITNESS_AGREES: P(h, "<span class=\"ok\">一致 (agrees)</span> "); break;
		case WXF_WITNESS_DISAGREES: P(h, "<span class=\"warn\">不一致 (DISAGREES)</span> ");
			break;
		case WXF_WITNESS_UNAVAILABLE: P(h, "不可用 (unavailable) "); break;
		default: P(h, "<span class=\"warn\">出错 (error)</span> "); break;
		}
		T(h, r->witness_sentence);
		if (r->witness_detail != NULL && r->witness_detail[0]) {
			P(h, "<br>");
			T(h, r->witness_detail);
		}
		P(h, "</td></tr>\n");
	}
	P(h, "</table>\n");
}

static void
decryption(hctx *h)
{
	size_t i, k, n = 0;

	P(h, "<section id=\"decryption\"><h2>二、解密说明 <span class=\"en\">(Decryption)</span></h2>\n");
	for (k = 0; k < h->n_hp; k++)
		for (i = 0; i < h->hp[k].rp->m->n_sources; i++)
			if (h->hp[k].rp->m->sources[i].stmt != NULL)
				n++;
	if (n == 0)
		P(h, "<p>未读取数据库 (no database was read).</p>\n");
	for (k = 0; k < h->n_hp; k++)
		for (i = 0; i < h->hp[k].rp->m->n_sources; i++)
			if (h->hp[k].rp->m->sources[i].stmt != NULL)
				statement(h, &h->hp[k].rp->m->sources[i]);
	P(h, "<p class=\"note\">解密为逐页物理解密：每一页（含空闲页）原位写入明文镜像，"
	    "已删除记录的残留因此得以保留；密钥本身不写入报告，除非使用 --reveal-key。"
	    "(Decryption is physical, page by page, free pages included, so deleted remnants survive; "
	    "the key itself is not printed unless --reveal-key was given.)</p></section>\n");
}

/* ------------------------------------------------------------------------------ seller */

static void
ref_line(hctx *h, const wxf_an_ref *r)
{
	T(h, r->field);
	if (r->time_ms != WXF_TIME_UNKNOWN) {
		P(h, " · ");
		time_el(h, r->time_ms);
	}
	if (r->kind == WXF_REF_MESSAGE) {
		P(h, " · ");
		msg_link(h, r->id);
	}
	prov(h, &r->prov, NULL);
}

static void
attr_rows(hctx *h, const char *zh, const char *en, const wxf_an_attr *a)
{
	size_t i, k;

	for (i = 0; i < a->n; i++) {
		const wxf_an_value *v = &a->v[i];

		P(h, "<tr>");
		if (i == 0)
			F(h, "<th scope=\"row\" rowspan=\"%zu\">%s <span class=\"en\">(%s)</span></th>", a->n,
			    zh, en);
		P(h, "<td><b>");
		T(h, v->value);
		P(h, "</b>");
		if (!v->live)
			P(h, "<br><span class=\"flag recovered\">仅见于已删除记录 (only in recovered "
			    "records)</span>");
		P(h, "</td><td>");
		for (k = 0; k < v->n_refs && k < 8; k++) {
			P(h, k ? "<hr>" : "");
			ref_line(h, &v->refs[k]);
		}
		if (v->n_refs > 8)
			F(h, "<p class=\"note\">另有 %zu 处 (and %zu more sources; see timeline.xml)</p>",
			    v->n_refs - 8, v->n_refs - 8);
		P(h, "</td></tr>\n");
	}
}

/* Every distinct value of one attribute, separated by "、", or "—". */
static void
glance_values(hctx *h, const char *zh, const char *en, const wxf_an_attr *a)
{
	size_t i;

	F(h, "<tr><th scope=\"row\">%s <span class=\"en\">(%s)</span></th><td>", zh, en);
	for (i = 0; i < a->n; i++) {
		if (i > 0)
			P(h, "、");
		T(h, a->v[i].value);
	}
	if (a->n == 0)
		P(h, "— <span class=\"en\">(none in the evidence)</span>");
	P(h, "</td></tr>\n");
}

/* The seller at one glance: identifiers and why this account, before the source lines. */
static void
seller_glance(hctx *h)
{
	const wxf_analysis *an = h->an;
	const wxf_an_person *s = an->seller;
	const wxf_an_rank *r = an->n_ranking > 0 ? &an->ranking[0] : NULL;

	P(h, "<div class=\"glance\"><h3>一览 <span class=\"en\">(at a glance)</span></h3>"
	    "<table class=\"kv\"><tbody>\n<tr><th scope=\"row\">微信内部ID <span class=\"en\">"
	    "(wxid)</span></th><td><code>");
	T(h, s->username);
	P(h, "</code></td></tr>\n");
	glance_values(h, "微信号", "WeChat ID", &s->aliases);
	glance_values(h, "昵称", "nicknames", &s->nicknames);
	glance_values(h, "备注名", "owner's remark", &s->remarks);
	glance_values(h, "电话", "phone", &s->phones);
	P(h, "<tr><th scope=\"row\">为何是此账号 <span class=\"en\">(why this account)</span></th>"
	    "<td>");
	if (an->seller_source == WXF_SELLER_GIVEN)
		P(h, "检验人以 --seller 指定 (named by the examiner)。");
	else if (r != NULL && r->username != NULL && strcmp(r->username, s->username) == 0) {
		P(h, "往来对象排名第一 (first of the counterparty ranking): 本机用户向其付款并被收款 ");
		money(h, r->paid_fen);
		F(h, "（%lld 笔 accepted transfers），双方转账共 %lld 笔 (transfers)，消息 %lld 条 "
		    "(messages)。推定，须经检验人确认 (a proposal the examiner must confirm)。",
		    (long long)r->n_paid, (long long)r->n_transfers, (long long)r->msgs);
	}
	if (!an->ledger.totals.overflow) {
		P(h, "<br>净付款 (net paid): ");
		money(h, an->ledger.totals.net_fen);
	}
	F(h, "</td></tr>\n</tbody></table><p class=\"note\">每一值的出处见下表 (the records that show "
	    "each value are listed below).</p></div>\n");
}

static void
seller(hctx *h)
{
	const wxf_analysis *an = h->an;
	const wxf_an_person *s;
	size_t i;

	sec_open(h, "seller", "三、卖家身份 <span class=\"en\">(Seller identity card)</span>");
	if (an == NULL || an->seller == NULL) {
		P(h, "<p>未确定卖家 (no seller was determined).</p></section>\n");
		return;
	}
	s = an->seller;
	if (an->seller_source == WXF_SELLER_RANKED)
		P(h, "<p class=\"warn\">卖家账号由本工具按付款金额与消息数推定，供检验人确认（见下方排名）。"
		    "(The seller account is a PROPOSAL ranked by money paid and messages; the examiner "
		    "must confirm it — ranking below.)</p>\n");
	else
		P(h, "<p>卖家账号由检验人以 --seller 指定 (seller account given by the examiner).</p>\n");
	if (!an->seller_in_model)
		P(h, "<p class=\"warn\">检材中没有该账号的任何记录 (the evidence has no record of this "
		    "account).</p>\n");
	seller_glance(h);
	P(h, "<h3>出处 <span class=\"en\">(sources of every value)</span></h3>\n");
	P(h, "<p>每一项属性均列出其在检材中的全部出处 (each attribute lists every record that shows "
	    "it).</p>\n<table><thead><tr><th scope=\"col\">属性<br>Attribute</th><th scope=\"col\">值"
	    "<br>Value</th><th scope=\"col\">出处<br>Sources</th></tr></thead><tbody>\n");
	attr_rows(h, "微信内部ID", "wxid", &s->wxid);
	attr_rows(h, "微信号", "alias (WeChat ID)", &s->aliases);
	attr_rows(h, "昵称", "nicknames", &s->nicknames);
	attr_rows(h, "备注名", "remarks by the owner", &s->remarks);
	attr_rows(h, "电话", "phone numbers", &s->phones);
	attr_rows(h, "实名", "real names", &s->real_names);
	attr_rows(h, "银行卡", "bank cards", &s->bank_cards);
	attr_rows(h, "加密用户名", "encrypt usernames", &s->encrypt_usernames);
	attr_rows(h, "其他", "other", &s->other);
	P(h, "</tbody></table>\n");
	F(h, "<p>往来 (contact): 卖家发出消息 %lld 条 (messages from the seller, %lld in groups)，"
	    "本机用户发给卖家 %lld 条 (to the seller)，其中已删除·恢复 %lld 条 (recovered)。首次 (first): ",
	    (long long)s->msgs_from, (long long)s->msgs_group_from, (long long)s->msgs_to,
	    (long long)s->msgs_recovered);
	time_el(h, s->first_ms);
	P(h, " ");
	msg_link(h, s->first_msg_id);
	P(h, "；最后 (last): ");
	time_el(h, s->last_ms);
	P(h, " ");
	msg_link(h, s->last_msg_id);
	P(h, "。</p>\n");
	if (s->n_groups > 0) {
		P(h, "<h3>共同群聊 <span class=\"en\">(groups shared with the owner)</span></h3>\n<ul>\n");
		for (i = 0; i < s->n_groups; i++) {
			const wxf_an_group *g = &s->groups[i];

			P(h, "<li>");
			if (g->name != NULL) {
				T(h, g->name);
				P(h, " ");
			}
			P(h, "<code>");
			T(h, g->username);
			F(h, "</code>%s · 卖家在群内发言 %lld 条 (seller's messages)</li>\n",
			    g->person_is_room_owner ? " · 卖家是群主 (seller owns the group)" : "",
			    (long long)g->person_msgs);
		}
		P(h, "</ul>\n");
	}
	if (an->n_ranking > 0) {
		P(h, "<h3>往来对象排名 <span class=\"en\">(counterparty ranking: money paid, then "
		    "messages)</span></h3>\n<table><thead><tr><th scope=\"col\">#</th><th scope=\"col\">"
		    "账号 account</th><th scope=\"col\" class=\"num\">已付款 paid</th><th scope=\"col\" "
		    "class=\"num\">转账笔数 transfers</th><th scope=\"col\" class=\"num\">消息 messages</th>"
		    "</tr></thead><tbody>\n");
		for (i = 0; i < an->n_ranking && i < 10; i++) {
			const wxf_an_rank *r = &an->ranking[i];

			F(h, "<tr><td class=\"num\">%zu</td><td>", i + 1);
			person(h, r->username);
			P(h, "</td><td class=\"num\">");
			money(h, r->paid_fen);
			F(h, "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td></tr>\n",
			    (long long)r->n_transfers, (long long)r->msgs);
		}
		P(h, "</tbody></table>\n");
	}
	P(h, "</section>\n");
}

/* ------------------------------------------------------------------------------ ledger */

static const char *
dir_zh(wxf_ledger_dir d)
{
	switch (d) {
	case WXF_LDIR_TO_SELLER: return "买方→卖家 (owner → seller)";
	case WXF_LDIR_FROM_SELLER: return "卖家→买方 (seller → owner)";
	case WXF_LDIR_OTHER: return "与第三方 (third party)";
	default: return "方向不明 (unknown)";
	}
}

static const char *
bucket_zh(wxf_ledger_bucket b)
{
	switch (b) {
	case WXF_LB_PAID: return "计入已付款 (counted: paid)";
	case WXF_LB_REFUNDED: return "已退还，不计入 (refunded, not counted)";
	case WXF_LB_EXPIRED: return "已过期退回，不计入 (expired, not counted)";
	case WXF_LB_PENDING: return "未确认收款，不计入 (pending, not counted)";
	case WXF_LB_RECEIVED: return "卖家退给买方，扣减 (received back: subtracted)";
	case WXF_LB_FROM_SELLER_OTHER: return "卖家转账未收，不计入 (not counted)";
	default: return "不计入 (not counted)";
	}
}

static void
lifecycle(hctx *h, const wxf_payment *p)
{
	size_t k;

	P(h, "<ol class=\"lifecycle\">");
	for (k = 0; k < p->n_events; k++) {
		const wxf_pay_event *e = &p->events[k];

		F(h, "<li id=\"p-%s%s-e%zu\">", h->tag, p->id, k + 1);
		P(h, rpt_state_zh(e->state));
		F(h, " (%s", wxf_pay_state_name(e->state));
		if (e->paysubtype != WXF_INT_UNKNOWN)
			F(h, ", paysubtype %lld", (long long)e->paysubtype);
		P(h, ") · ");
		time_el(h, e->time_ms);
		if (e->msg_id != NULL) {
			P(h, " · ");
			msg_link(h, e->msg_id);
		}
		if (e->prov.status != WXF_STATUS_INTACT) {
			P(h, " ");
			flag_status(h, &e->prov);
		}
		prov(h, &e->prov, NULL);
		P(h, "</li>");
	}
	if (p->witness_status != WXF_INT_UNKNOWN) {
		F(h, "<li>第二证据 RemittanceRecord.receiveStatus = %lld (%s)%s",
		    (long long)p->witness_status, wxf_pay_state_name(p->witness_state),
		    p->witness_disagrees ? " <span class=\"warn\">与消息记录不一致 (DISAGREES with the "
		    "messages)</span>" : " 与消息记录一致 (agrees)");
		prov(h, &p->witness_prov, NULL);
		P(h, "</li>");
	}
	P(h, "</ol>");
}

static void
ledger_rows(hctx *h, const wxf_ledger_row *rows, size_t n, int transfers)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const wxf_ledger_row *r = &rows[i];
		int counted = r->bucket == WXF_LB_PAID || r->bucket == WXF_LB_RECEIVED;

		F(h, "<tr id=\"pay-%s%s\" class=\"%s\"><td class=\"num\">%zu</td><td class=\"nw\">",
		    h->tag, r->payment_id, counted ? "counted" : "uncounted", i + 1);
		time_el(h, r->time_ms);
		P(h, "</td><td>");
		if (transfers)
			P(h, dir_zh(r->dir));
		else
			T(h, wxf_pay_kind_name(r->kind));
		P(h, "</td><td class=\"num\">");
		if (r->amount_known)
			money(h, r->amount_fen);
		else {
			P(h, "金额不明 (unknown)");
			if (r->amount_text != NULL) {
				P(h, "<br>原文 ");
				T(h, r->amount_text);
			}
		}
		P(h, "</td><td>");
		P(h, rpt_state_zh(r->final_state));
		F(h, "<br><span class=\"en\">%s</span>", wxf_pay_state_name(r->final_state));
		if (transfers) {
			P(h, "<br>");
			P(h, bucket_zh(r->bucket));
		}
		if (r->origin != WXF_LO_LIVE)
			F(h, "<br><span class=\"flag recovered\">%s</span>", r->origin == WXF_LO_RECOVERED ?
			    "全部来自已删除记录 (only recovered rows)" : "部分记录已删除·恢复 (some rows "
			    "recovered)");
		if (r->witness_disagrees)
			P(h, "<br><span class=\"warn\">第二证据不一致 (witness disagrees)</span>");
		if (r->amount_conflict)
			P(h, "<br><span class=\"warn\">金额记录不一致 (amounts conflict)</span>");
		P(h, "</td><td>");
		if (r->transfer_id != NULL) {
			P(h, "<code>");
			T(h, r->transfer_id);
			P(h, "</code>");
		}
		if (r->memo != NULL && *r->memo) {
			P(h, "<br>备注 memo: ");
			T(h, r->memo);
		}
		if (r->pay != NULL)
			lifecycle(h, r->pay);
		P(h, "</td></tr>\n");
	}
}

static void
ledger_table_head(hctx *h, const char *third)
{
	F(h, "<table class=\"ledger\"><thead><tr><th scope=\"col\">#</th><th scope=\"col\">时间<br>Time</th>"
	    "<th scope=\"col\">%s</th><th scope=\"col\" class=\"num\">金额<br>Amount</th>"
	    "<th scope=\"col\">状态<br>Status</th><th scope=\"col\">单号 · 过程与来源<br>"
	    "Id · lifecycle and provenance</th></tr></thead><tbody>\n", third);
}

static void
total_row(hctx *h, const char *label, int64_t fen, int64_t n)
{
	F(h, "<tr class=\"total\"><td colspan=\"3\">%s</td><td class=\"num\">", label);
	money(h, fen);
	F(h, "</td><td colspan=\"2\">%lld 笔 (rows)</td></tr>\n", (long long)n);
}

static void
ledger(hctx *h)
{
	const wxf_analysis *an = h->an;
	const wxf_ledger_totals *t;
	const wxf_ledger_def *d;
	char cap[160];

	sec_open(h, "ledger", "四、付款明细与赔偿计算 <span class=\"en\">(Payment ledger and CRPL art. "
	    "55)</span>");
	if (an == NULL || an->seller == NULL) {
		P(h, "<p>未确定卖家，无付款明细 (no seller, no ledger).</p></section>\n");
		return;
	}
	t = &an->ledger.totals;
	P(h, "<h3>转账 <span class=\"en\">(transfers between the owner and the seller)</span></h3>\n");
	if (an->ledger.n_transfers == 0)
		P(h, "<p>无 (none).</p>\n");
	else {
		ledger_table_head(h, "方向<br>Direction");
		ledger_rows(h, an->ledger.transfers, an->ledger.n_transfers, 1);
		if (!t->overflow) {
			total_row(h, "已付款合计 (total paid, accepted)", t->paid_fen, t->n_paid);
			total_row(h, "已退还合计 (refunded by the seller, not counted)", t->refunded_fen,
			    t->n_refunded);
			total_row(h, "已过期退回 (expired, not counted)", t->expired_fen, t->n_expired);
			total_row(h, "未确认收款 (pending, not counted)", t->pending_fen, t->n_pending);
			total_row(h, "卖家转回买方 (received back from the seller)", t->received_fen,
			    t->n_received);
			F(h, "<tr class=\"total\"><td colspan=\"3\">净付款 (net paid = paid − received back)"
			    "</td><td class=\"num\">");
			money(h, t->net_fen);
			P(h, "</td><td colspan=\"2\"></td></tr>\n");
		}
		P(h, "</tbody></table>\n");
		if (t->n_unknown_amount > 0)
			F(h, "<p class=\"warn\">%lld 笔金额不明，已列出但未计入合计 (rows with an unknown "
			    "amount are listed, never summed).</p>\n", (long long)t->n_unknown_amount);
	}
	F(h, "<h3 id=\"crpl55%s\">《消费者权益保护法》第五十五条 <span class=\"en\">(Consumer Rights "
	    "Protection Law art. 55)</span></h3>\n", h->sfx);
	if (t->overflow)
		P(h, "<p class=\"warn\">金额溢出，合计无效 (totals overflowed and are invalid).</p>\n");
	else if (!t->crpl_applicable)
		P(h, "<p>未计算赔偿额：没有确定卖家，或没有向卖家付款并已被收款的转账 (no figure: there is "
		    "no seller, or no transfer to the seller that was accepted).</p>\n");
	else {
		P(h, "<div class=\"formula\"><p>公式 (formula): 赔偿额 = max(3 × 净付款, ¥500.00)"
		    "<br><span class=\"en\">additional compensation = max(3 × net price paid, ¥500.00); "
		    "the ¥500 floor applies when three times the price is less</span></p><p>");
		P(h, "输入 (inputs): 净付款 (net price) = ");
		money(h, t->net_fen);
		P(h, "；计算基数 (base, not below zero) = ");
		money(h, t->crpl_base_fen);
		P(h, "</p><p>3 × ");
		money(h, t->crpl_base_fen);
		P(h, " = ");
		money(h, t->crpl_triple_fen);
		P(h, "；下限 (floor) ");
		money(h, t->crpl_floor_fen);
		P(h, t->crpl_floor_applied ? "；适用下限 (the floor applies)" : "；不适用下限 (the floor does "
		    "not apply)");
		P(h, "</p><p class=\"fig\">赔偿额 (figure) = ");
		money(h, t->crpl55_fen);
		wxf_report_fen_capital(t->crpl55_fen, cap, sizeof(cap));
		P(h, "　<span class=\"en\">（");
		P(h, cap);
		P(h, "）</span></p></div>\n");
	}
	P(h, "<h4>定义 <span class=\"en\">(definitions used)</span></h4>\n<dl>");
	for (d = wxf_ledger_defs; d != NULL && d->name != NULL; d++) {
		P(h, "<dt><code>");
		T(h, d->name);
		P(h, "</code></dt><dd>");
		T(h, d->zh);
		P(h, "<br><span class=\"en\">");
		T(h, d->text);
		P(h, "</span></dd>");
	}
	P(h, "</dl>\n");
	if (an->ledger.n_red_packets > 0) {
		P(h, "<h3>红包 <span class=\"en\">(red packets, not part of the price)</span></h3>\n");
		ledger_table_head(h, "类型<br>Kind");
		ledger_rows(h, an->ledger.red_packets, an->ledger.n_red_packets, 0);
		P(h, "</tbody></table>\n");
	}
	if (an->ledger.n_aa > 0) {
		P(h, "<h3>群收款 <span class=\"en\">(AA collections, not part of the price)</span></h3>\n");
		ledger_table_head(h, "类型<br>Kind");
		ledger_rows(h, an->ledger.aa, an->ledger.n_aa, 0);
		P(h, "</tbody></table>\n");
	}
	if (an->ledger.n_receipts > 0) {
		P(h, "<h3>微信支付通知 <span class=\"en\">(WeChat Pay receipts, informational)</span></h3>\n");
		ledger_table_head(h, "类型<br>Kind");
		ledger_rows(h, an->ledger.receipts, an->ledger.n_receipts, 0);
		P(h, "</tbody></table>\n");
	}
	P(h, "</section>\n");
}

/* ------------------------------------------------------------------------------ chat view */

/* 1 if the payment has a row (and an anchor "pay-<id>") in the ledger section. */
static int
in_ledger(hctx *h, const char *payment_id)
{
	const wxf_ledger *l;
	const wxf_ledger_row *lists[4];
	size_t ns[4], i, k;

	if (h->an == NULL || h->an->seller == NULL || payment_id == NULL)
		return 0;
	l = &h->an->ledger;
	lists[0] = l->transfers; ns[0] = l->n_transfers;
	lists[1] = l->red_packets; ns[1] = l->n_red_packets;
	lists[2] = l->aa; ns[2] = l->n_aa;
	lists[3] = l->receipts; ns[3] = l->n_receipts;
	for (i = 0; i < 4; i++)
		for (k = 0; k < ns[i]; k++)
			if (strcmp(lists[i][k].payment_id, payment_id) == 0)
				return 1;
	return 0;
}

static int
is_system(const wxf_msg *g)
{
	return g->dir == WXF_DIR_SYSTEM || g->kind == WXF_MK_SYSTEM || g->kind == WXF_MK_RECALL ||
	    g->kind == WXF_MK_SYSCMD || g->kind == WXF_MK_PAT;
}

/* The evidence list item of a file, as a link ("" when the file is not an item). */
static void
item_link(hctx *h, const char *path)
{
	size_t ev = item_index(h, path);

	if (ev > 0)
		F(h, " (<a href=\"%s#ev-%zu\">清单 item %zu</a>)",
		    strcmp(h->page, "report.html") == 0 ? "" : "../report.html", ev, ev);
}

static void
media(hctx *h, const wxf_msg *g)
{
	size_t i;

	for (i = 0; i < g->n_media; i++) {
		const wxf_media *md = &g->media[i];

		P(h, "<span class=\"media\">");
		T(h, md->role);
		P(h, ": ");
		switch (md->state) {
		case WXF_MEDIA_PRESENT:
			if (md->derived_from != NULL) {
				/* made by the tool: a derived file in the bundle, not an evidence file */
				P(h, "<b>工具生成的派生文件 (derived: made by the tool)</b>，来自检材 (from "
				    "the evidence file) <code>");
				T(h, md->derived_from);
				P(h, "</code>");
				item_link(h, md->derived_from);
				P(h, "；证据包内 (in the bundle) <code>");
			} else
				P(h, "文件在检材中 (present) <code>");
			T(h, md->path);
			P(h, "</code>");
			if (md->derived_from == NULL)
				item_link(h, md->path);
			if (md->size >= 0)
				F(h, " · %lld B", (long long)md->size);
			F(h, " · SHA-256 <span class=\"hash\">%s</span>", md->sha256);
			break;
		case WXF_MEDIA_MISSING:
			P(h, "<span class=\"warn\">文件缺失 (missing from the extraction)</span> <code>");
			T(h, md->expected);
			P(h, "</code>");
			break;
		case WXF_MEDIA_NOT_SEARCHED:
			P(h, "未查找 (not searched)");
			break;
		default:
			P(h, "无 (none)");
		}
		P(h, "</span>");
	}
}

static void
base64(wxf_buf *b, const uint8_t *d, size_t n)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)d[i] << 16 | (uint32_t)d[i + 1] << 8 | d[i + 2];

		wxf_buf_putc(b, a[v >> 18]);
		wxf_buf_putc(b, a[(v >> 12) & 63]);
		wxf_buf_putc(b, a[(v >> 6) & 63]);
		wxf_buf_putc(b, a[v & 63]);
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)d[i] << 16;

		wxf_buf_putc(b, a[v >> 18]);
		wxf_buf_putc(b, a[(v >> 12) & 63]);
		wxf_buf_puts(b, "==");
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)d[i] << 16 | (uint32_t)d[i + 1] << 8;

		wxf_buf_putc(b, a[v >> 18]);
		wxf_buf_putc(b, a[(v >> 12) & 63]);
		wxf_buf_putc(b, a[(v >> 6) & 63]);
		wxf_buf_putc(b, '=');
	}
}

#define THUMB_MAX (256 * 1024)

/* A thumbnail's bytes: the evidence file (not a container member: those are read through their
 * container), or the tool's file below the bundle; checked against the SHA-256 the model holds.
 * Returns NULL with *why set when it cannot be shown. */
static uint8_t *
thumb_bytes(hctx *h, const wxf_media *md, size_t *n, const char **why)
{
	const wxf_item *it = NULL;
	uint8_t *d = NULL;
	char *path, hex[65];
	wxf_err e;

	if (md->derived_from != NULL)
		path = wxf_path_join(h->outdir, md->path);
	else {
		it = rpt_item(h->c, md->path);
		if (it == NULL || it->member != NULL || it->abs == NULL) {
			*why = "缩略图在容器内，未单独读取 (the thumbnail is inside a container and was "
			    "not read on its own)";
			return NULL;
		}
		path = wxf_xstrdup(it->abs);
	}
	wxf_err_clear(&e);
	if (wxf_file_read_small(path, THUMB_MAX, &d, n, &e) != WXF_OK) {
		if (e.code == WXF_ENOMEM)
			wxf_oom(THUMB_MAX);   /* not a thumbnail that cannot be read */
		*why = "缩略图文件无法读取或过大 (the thumbnail file cannot be read or is too large)";
		free(path);
		return NULL;
	}
	free(path);
	wxf_sha256_hex(d, *n, hex);
	if (strcmp(hex, md->sha256) != 0) {
		*why = "缩略图文件与登记的哈希不一致，未显示 (the thumbnail file no longer has the hash "
		    "recorded for it: not shown)";
		free(d);
		return NULL;
	}
	return d;
}

/* WeChat's own thumbnail beside an image or video message (Android th_…, iOS .pic_thum, a
 * desktop client's _t), embedded as a data: URI; a placeholder saying why when there is
 * none.  For a message without a thumbnail whose image the tool made (derived), that image. */
static void
thumbnail(hctx *h, const wxf_msg *g)
{
	const wxf_media *th = NULL, *full = NULL;
	const char *why = NULL, *mime = NULL;
	uint8_t *d = NULL;
	size_t i, n = 0;

	if (g->kind != WXF_MK_IMAGE && g->kind != WXF_MK_VIDEO)
		return;
	for (i = 0; i < g->n_media; i++) {
		const char *r = g->media[i].role != NULL ? g->media[i].role : "";
		size_t l = strlen(r);

		if (l >= 6 && strcmp(r + l - 6, "-thumb") == 0) {
			if (th == NULL || (th->state != WXF_MEDIA_PRESENT &&
			    g->media[i].state == WXF_MEDIA_PRESENT))
				th = &g->media[i];
		} else if (full == NULL && (strcmp(r, "image") == 0 || strcmp(r, "video") == 0))
			full = &g->media[i];
	}
	if (th == NULL && full != NULL && full->derived_from != NULL && g->kind == WXF_MK_IMAGE &&
	    full->state == WXF_MEDIA_PRESENT)
		th = full;
	if (th == NULL)
		why = "检材中没有此消息的缩略图记录 (the evidence records no thumbnail for this message)";
	else if (th->state == WXF_MEDIA_MISSING)
		why = "缩略图文件不在提取结果中 (the thumbnail file is missing from the extraction)";
	else if (th->state != WXF_MEDIA_PRESENT)
		why = "未查找缩略图 (the thumbnail was not looked for)";
	else if (th->magic == NULL)
		why = "缩略图格式不明 (unknown thumbnail format)";
	else if (strcmp(th->magic, "jpeg") == 0)
		mime = "image/jpeg";
	else if (strcmp(th->magic, "png") == 0)
		mime = "image/png";
	else if (strcmp(th->magic, "gif") == 0)
		mime = "image/gif";
	else if (strcmp(th->magic, "webp") == 0)
		mime = "image/webp";
	else
		why = "缩略图为浏览器无法显示的格式（如微信 wxgf），未转换 (the thumbnail's format, such "
		    "as WeChat's wxgf, cannot be shown by a browser and was not converted)";
	if (mime != NULL && (th->size < 0 || th->size > THUMB_MAX))
		why = "缩略图过大，未嵌入 (the thumbnail is too large to embed)";
	else if (mime != NULL)
		d = thumb_bytes(h, th, &n, &why);
	if (d == NULL) {
		P(h, "<span class=\"nothumb\">无缩略图 (no thumbnail): ");
		P(h, why != NULL ? why : "");
		P(h, "</span>");
		return;
	}
	F(h, "<img class=\"thumb\" data-k=\"thumbnail\" src=\"data:%s;base64,", mime);
	base64(h->b, d, n);
	P(h, "\" alt=\"");
	P(h, th->derived_from != NULL ? "工具重组的图片 (image reassembled by the tool), " :
	    "微信缩略图 (WeChat's thumbnail), ");
	T(h, th->path);
	F(h, ", SHA-256 %s\">", th->sha256);
	free(d);
}

static void
bubble_body(hctx *h, const wxf_msg *g)
{
	const wxf_payment *p = g->payment;

	if (p != NULL && (g->kind == WXF_MK_TRANSFER || g->kind == WXF_MK_RED_PACKET ||
	    g->kind == WXF_MK_AA)) {
		P(h, "<div class=\"bubble pay\"><span class=\"amt\">");
		P(h, g->kind == WXF_MK_TRANSFER ? "转账 " : g->kind == WXF_MK_RED_PACKET ? "红包 " :
		    "群收款 ");
		if (p->amount.known)
			money(h, p->amount.fen);
		else if (p->amount.text != NULL)
			T(h, p->amount.text);
		P(h, "</span>");
		if (p->memo != NULL && *p->memo) {
			T(h, p->memo);
			P(h, "<br>");
		} else if (p->greeting != NULL) {
			T(h, p->greeting);
			P(h, "<br>");
		}
		if (g->body != NULL && (p->memo == NULL || strcmp(g->body, p->memo) != 0)) {
			T(h, g->body);
		}
		P(h, "<span class=\"st\">");
		P(h, rpt_state_zh(p->final_state));
		F(h, " (%s)", wxf_pay_state_name(p->final_state));
		if (in_ledger(h, p->id))
			F(h, " · <a href=\"%s#pay-%s%s\">付款明细 ledger</a>",
			    strcmp(h->page, "report.html") == 0 ? "" : "../report.html", h->tag, p->id);
		P(h, "</span></div>");
		return;
	}
	P(h, "<div class=\"bubble\">");
	if (g->body != NULL && *g->body)
		T(h, g->body);
	else if (g->x->title != NULL)
		T(h, g->x->title);
	else if (g->kind == WXF_MK_TEXT || g->kind == WXF_MK_UNKNOWN)
		P(h, "（无文字内容 no text）");
	else
		F(h, "［%s %s］", rpt_kind_zh(wxf_msg_kind_name(g->kind)), wxf_msg_kind_name(g->kind));
	if (g->x->title != NULL && g->body != NULL && strcmp(g->x->title, g->body) != 0 &&
	    g->kind != WXF_MK_TEXT) {
		P(h, "<br><b>");
		T(h, g->x->title);
		P(h, "</b>");
	}
	if (g->x->desc != NULL && *g->x->desc) {
		P(h, "<br>");
		T(h, g->x->desc);
	}
	if (g->x->url != NULL) {
		P(h, "<br>链接 (link, not followed): <code>");
		T(h, g->x->url);
		P(h, "</code>");
	}
	if (g->x->file_name != NULL) {
		P(h, "<br>文件名 (file name): ");
		T(h, g->x->file_name);
	}
	if (g->x->quote_text != NULL) {
		P(h, "<br>引用 (quoting): 「");
		T(h, g->x->quote_text);
		P(h, "」");
	}
	if (g->x->loc.x != NULL) {
		P(h, "<br>位置 (location): ");
		T(h, g->x->loc.label != NULL ? g->x->loc.label : "");
		P(h, " ");
		T(h, g->x->loc.poiname);
		P(h, " (");
		T(h, g->x->loc.x);
		P(h, ", ");
		T(h, g->x->loc.y);
		P(h, ")");
	}
	if (g->x->card_username != NULL) {
		P(h, "<br>名片 (contact card): ");
		T(h, g->x->card_nickname);
		P(h, " · ");
		T(h, g->x->card_username);
		if (g->x->card_alias != NULL) {
			P(h, " · 微信号 ");
			T(h, g->x->card_alias);
		}
	}
	media(h, g);
	thumbnail(h, g);
	if (g->x->recall_original != NULL) {
		P(h, "<div class=\"orig\">被撤回的原内容（从已删除记录恢复）(original of the recalled "
		    "message, recovered): ");
		T(h, g->x->recall_original);
		if (g->x->recall_witness > 0)
			F(h, " · 出处见下方另证 %zu (cited from witness %zu below)", g->x->recall_witness,
			    g->x->recall_witness);
		else if (g->x->recall_original_msg != NULL) {
			P(h, " · ");
			msg_link(h, g->x->recall_original_msg);
		}
		P(h, "</div>");
	}
	P(h, "</div>");
}

static const char *
wit_zh(wxf_wit_kind k)
{
	switch (k) {
	case WXF_WIT_COPY: return "另一副本 (another copy)";
	case WXF_WIT_INDEX: return "索引项 (index entry)";
	case WXF_WIT_FTS: return "全文索引 (full-text index)";
	case WXF_WIT_OLDER: return "旧版本 (older version)";
	default: return "另证 (witness)";
	}
}

/* The other places the record, or part of it, was found (never messages of their own). */
static void
witnesses(hctx *h, const wxf_msg *g)
{
	size_t i;

	if (g->n_witnesses == 0)
		return;
	if (h->print) {
		/* the court PDF counts them; report.html and timeline.xml list each */
		F(h, "<div class=\"wit\">另证 %zu 处，逐一列于 report.html 与 timeline.xml (%zu "
		    "witnesses: the same record found elsewhere, each listed in report.html and "
		    "timeline.xml)</div>", g->n_witnesses, g->n_witnesses);
		return;
	}
	F(h, "<div class=\"wit\">另证 %zu 处 (%zu witnesses: the same record found elsewhere):<ol>",
	    g->n_witnesses, g->n_witnesses);
	for (i = 0; i < g->n_witnesses; i++) {
		const wxf_witness *w = &g->witnesses[i];

		P(h, "<li>");
		P(h, wit_zh(w->kind));
		if (w->text != NULL) {
			P(h, (i + 1 == g->body_witness || i + 1 == g->x->recall_witness) ?
			    "，文字取自此处 (the text shown is cited from here): " : "，其文字 (its text): ");
			T(h, w->text);
		}
		prov(h, &w->prov, NULL);
		P(h, "</li>");
	}
	P(h, "</ol></div>");
}

static void
message(hctx *h, const wxf_msg *g)
{
	const char *cls = is_system(g) ? "sys" : g->dir == WXF_DIR_OUT ? "out" : "in";

	/* a recalled message is its sender's: drawn on the sender's side, the recall notice and the
	 * recovered original in its bubble */
	if (g->is_recall && g->sender != NULL)
		cls = h->owner != NULL && strcmp(g->sender, h->owner) == 0 ? "out" : "in";
	F(h, "<div class=\"msg %s%s\" id=\"m-%s\">", cls,
	    wxf_prov_recovered(&g->prov) ? " recovered" : "", g->id);
	P(h, "<div class=\"meta\">");
	if (strcmp(cls, "sys") != 0) {
		person(h, g->sender);
		P(h, " · ");
	}
	time_el(h, g->time_ms);
	F(h, " <span class=\"type\">%s %s</span>", rpt_kind_zh(wxf_msg_kind_name(g->kind)),
	    wxf_msg_kind_name(g->kind));
	P(h, "</div>");
	if (g->prov.status != WXF_STATUS_INTACT || g->is_recall || g->duplicate_of != NULL) {
		P(h, "<div>");
		if (g->is_recall)
			P(h, "<span class=\"flag recalled\">已撤回 / recalled — 这是撤回通知，不是删除 "
			    "(a recall notice, not a deletion)</span>");
		flag_status(h, &g->prov);
		if (g->duplicate_of != NULL) {
			P(h, "<span class=\"flag dup\">与现存记录重复 (repeats live message ");
			msg_link(h, g->duplicate_of);
			P(h, ")</span>");
		}
		P(h, "</div>");
	}
	bubble_body(h, g);
	prov(h, &g->prov, g->body_witness > 0 ? "记录本身 (the record itself; its text is cited from "
	    "a witness below)" : NULL);
	witnesses(h, g);
	P(h, "</div>\n");
}

static void
day_marker(hctx *h, int64_t ms, char *last_day)
{
	char iso[64];

	rpt_time(h->c, ms, iso, sizeof(iso));
	if (ms == WXF_TIME_UNKNOWN) {
		if (strcmp(last_day, "unknown") != 0) {
			P(h, "<div class=\"day\"><span>时间不明的记录 (records with unknown time)</span></div>\n");
			wxf_fmt(last_day, 16, "unknown");
		}
		return;
	}
	if (strncmp(iso, last_day, 10) != 0) {
		wxf_fmt(last_day, 16, "%.10s", iso);
		F(h, "<div class=\"day\"><span>%.4s年%.2s月%.2s日 · %.10s</span></div>\n", iso, iso + 5,
		    iso + 8, iso);
	}
}

static void
conv_head(hctx *h, const wxf_conv *cv, const char *anchor, int with_id)
{
	const char *n = ident_name(h, cv->talker);
	char a[80];

	if (with_id)
		F(h, "<div class=\"conv-head\" id=\"%s\"><h3>", anchor);
	else
		P(h, "<div class=\"conv-head\"><h3>");
	if (n != NULL) {
		T(h, n);
		P(h, " ");
	}
	P(h, "<code>");
	T(h, cv->talker);
	P(h, "</code></h3>");
	F(h, "<p class=\"note\">%s · %zu 条消息 (messages), 其中已删除·恢复 %zu (recovered) · ",
	    cv->kind == WXF_CONV_GROUP ? "群聊 (group chat)" : cv->kind == WXF_CONV_DIRECT ?
	    "单聊 (one-to-one)" : cv->kind == WXF_CONV_OFFICIAL ? "公众号/服务通知 (official account)" :
	    "会话 (conversation)", cv->n_msgs, cv->n_recovered);
	time_el(h, cv->first_time_ms);
	P(h, " — ");
	time_el(h, cv->last_msg_time_ms);
	if (!cv->in_chat_list)
		P(h, " · <span class=\"warn\">不在会话列表中 (not in the chat list)</span>");
	if (cv->deleted) {
		rpt_conv_anchor(h->key, cv->talker, a);
		F(h, " · <span class=\"flag recovered\" id=\"d-%s\">会话已被删除 (conversation deleted) ",
		    a + 2);
		time_el(h, cv->deleted_time_ms);
		P(h, "</span>");
	}
	P(h, "</p></div>\n");
}

static void
write_msgs(hctx *h, const wxf_conv *cv, size_t from, size_t to)
{
	char last_day[16] = "";
	size_t i;

	P(h, "<div class=\"chat\">\n");
	for (i = from; i < to; i++) {
		day_marker(h, cv->msgs[i]->time_ms, last_day);
		message(h, cv->msgs[i]);
	}
	P(h, "</div>\n");
}

/* Conversation i of the current account: its pages of its own (0: shown in report.html), and
 * where page k starts and ends. */
static int
conv_pages(const hctx *h, size_t i)
{
	return h->cur->n_pages != NULL ? (int)h->cur->n_pages[i] : 0;
}

static size_t
page_from(const hctx *h, size_t i, int k)
{
	return h->cur->starts[i][k];
}

static size_t
page_to(const hctx *h, size_t i, int k)
{
	return h->cur->starts[i][k + 1];
}

/* ------------------------------------------------------------------------------ long lists */

/* A table of the index that a large case puts on pages of its own. */
typedef struct lpage {
	const char *sec;      /* section name: "recovered", "anomalies", "fragments" */
	const char *title;    /* the pages' title */
	const char *thead;    /* the table's opening tag and head */
	size_t n, i;          /* rows, rows begun */
	int paged;
	rpt_out o;            /* the page being written */
	wxf_buf discard;      /* rows of a page that could not be opened */
	wxf_buf *b;           /* the index's state while a page is written */
	rpt_out *out;
	const char *up, *page;
	char rel[96];
} lpage;

static int
list_paged(const hctx *h, size_t n)
{
	return h->all_paged && !h->print && !h->merge && h->outdir != NULL && n > LIST_INLINE;
}

static int
list_pages(size_t n)
{
	return (int)((n + LIST_PAGE_ROWS - 1) / LIST_PAGE_ROWS);
}

/* The table of n rows begins: in the index, its head, or with a large case the links to its
 * pages. */
static void
lp_begin(hctx *h, lpage *lp, const char *sec, const char *title, const char *thead, size_t n)
{
	int k, np = list_pages(n);

	memset(lp, 0, sizeof(*lp));
	lp->sec = sec;
	lp->title = title;
	lp->thead = thead;
	lp->n = n;
	lp->paged = list_paged(h, n);
	lp->o.fd = -1;
	if (!lp->paged) {
		P(h, thead);
		return;
	}
	F(h, "<p>本表共 %zu 行，分为 %d 个页面，每页至多 %d 行 (the %zu rows of this table are on %d pages "
	    "of their own, at most %d to a page):</p><ol>\n", n, np, LIST_PAGE_ROWS, n, np,
	    LIST_PAGE_ROWS);
	for (k = 0; k < np; k++) {
		size_t from = (size_t)k * LIST_PAGE_ROWS, to = from + LIST_PAGE_ROWS;

		F(h, "<li><a href=\"lists/%s%s-%d.html\">第 %d 部分 (part %d): 行 (rows) %zu–%zu</a></li>\n",
		    sec, h->sfx, k + 1, k + 1, k + 1, from + 1, to < n ? to : n);
	}
	P(h, "</ol>\n");
}

/* Ends the page being written, back to the index. */
static void
lp_close(hctx *h, lpage *lp)
{
	int rc;

	if (lp->b == NULL)
		return;
	P(h, "</tbody></table>\n");
	page_close(h);
	if (h->b == &lp->discard)
		wxf_buf_free(&lp->discard);
	else if ((rc = rpt_out_close(&lp->o, h->audit)) != WXF_OK && h->rc == WXF_OK)
		h->rc = rc;
	h->b = lp->b;
	h->out = lp->out;
	h->up = lp->up;
	h->page = lp->page;
	lp->b = NULL;
}

/* Before each row: with a large case, the first row of every LIST_PAGE_ROWS opens its page. */
static void
lp_row(hctx *h, lpage *lp)
{
	int k, np;

	if (!lp->paged || lp->i++ % LIST_PAGE_ROWS != 0)
		return;
	lp_close(h, lp);
	k = (int)((lp->i - 1) / LIST_PAGE_ROWS);
	np = list_pages(lp->n);
	wxf_fmt(lp->rel, sizeof(lp->rel), "lists/%s%s-%d.html", lp->sec, h->sfx, k + 1);
	lp->b = h->b;
	lp->out = h->out;
	lp->up = h->up;
	lp->page = h->page;
	if (rpt_out_open(&lp->o, h->outdir, lp->rel, NULL, h->err) == WXF_OK) {
		h->out = &lp->o;
		h->b = &lp->o.b;
	} else {
		if (h->rc == WXF_OK)
			h->rc = rpt_out_close(&lp->o, NULL);
		wxf_buf_init(&lp->discard);
		h->out = NULL;
		h->b = &lp->discard;
	}
	h->up = "../";
	h->page = lp->rel;
	{
		char title[160];

		wxf_fmt(title, sizeof(title), "%s 第 %d/%d 部分", lp->title, k + 1, np);
		page_open(h, title);
	}
	{
		char name[96];
		size_t last = lp->i - 1 + LIST_PAGE_ROWS < lp->n ? lp->i - 1 + LIST_PAGE_ROWS : lp->n;

		wxf_fmt(name, sizeof(name), "%s%s", lp->sec, h->sfx);
		page_nav(h, name, name, k, np);
		F(h, "<h2>%s</h2>\n<p>第 %d/%d 部分：行 %zu–%zu (part %d of %d: rows %zu–%zu)</p>\n",
		    lp->title, k + 1, np, lp->i, last, k + 1, np, lp->i, last);
	}
	P(h, lp->thead);
}

/* The table ends: in the index, or on its last page. */
static void
lp_end(hctx *h, lpage *lp)
{
	if (lp->paged)
		lp_close(h, lp);
	else
		P(h, "</tbody></table>\n");
}

/* The deleted messages that came back, in time order, each linked to its place in its chat
 * (the one definition of "recovered": wxf_prov_recovered). */
static void
recovered(hctx *h)
{
	const wxf_model *m = h->m;
	size_t i, n = 0;
	lpage lp;

	sec_open(h, "recovered", "五、已删除并恢复的消息 <span class=\"en\">(Deleted and recovered "
	    "messages)</span>");
	for (i = 0; i < m->n_msgs; i++)
		if (wxf_prov_recovered(&m->msgs[i]->prov))
			n++;
	F(h, "<p>共 %zu 条 (%zu messages deleted from the phone and recovered, in whole or in part; "
	    "each is shown in its conversation with its provenance).</p>\n", n, n);
	if (n == 0) {
		P(h, "</section>\n");
		return;
	}
	if (h->print) {
		/* the court PDF has no conversations: each message whole, with its provenance */
		for (i = 0; i < m->n_msgs; i++)
			if (wxf_prov_recovered(&m->msgs[i]->prov)) {
				P(h, "<p class=\"note\">会话 (conversation) <code>");
				T(h, m->msgs[i]->talker);
				P(h, "</code></p>");
				message(h, m->msgs[i]);
			}
		P(h, "</section>\n");
		return;
	}
	lp_begin(h, &lp, "recovered", "已删除并恢复的消息 (Deleted and recovered messages)",
	    "<table><thead><tr><th scope=\"col\">时间<br>Time</th><th scope=\"col\">会话<br>"
	    "Conversation</th><th scope=\"col\">发送者<br>Sender</th><th scope=\"col\">内容<br>"
	    "Content</th><th scope=\"col\">恢复<br>Recovery</th></tr></thead><tbody>\n", n);
	for (i = 0; i < m->n_msgs; i++) {
		const wxf_msg *g = m->msgs[i];
		const char *text = g->body != NULL ? g->body : g->x->title;
		char sw[200];

		if (!wxf_prov_recovered(&g->prov))
			continue;
		lp_row(h, &lp);
		P(h, "<tr><td class=\"nw\">");
		time_el(h, g->time_ms);
		P(h, "</td><td>");
		if (g->talker != NULL)
			T(h, g->talker);
		else
			unknown(h);
		P(h, "</td><td>");
		person(h, g->sender);
		P(h, "</td><td>");
		if (text != NULL) {
			size_t k = 0, chars = 0;

			/* the first 60 characters: the whole text is in the chat */
			while (text[k] != '\0' && chars < 60) {
				k++;
				while (((unsigned char)text[k] & 0xc0) == 0x80)
					k++;
				chars++;
			}
			wxf_buf_xml_text(h->b, text, k);
			if (text[k] != '\0')
				P(h, "…");
		} else
			F(h, "(%s)", rpt_kind_zh(wxf_msg_kind_name(g->kind)));
		P(h, " · ");
		msg_link(h, g->id);
		P(h, "</td><td>");
		T(h, rpt_status_words(&g->prov, sw, sizeof(sw)));
		P(h, "</td></tr>\n");
	}
	lp_end(h, &lp);
	P(h, "</section>\n");
}

/* Recovered fragments that hold no text: they prove that a record existed (an index entry, a
 * cell's remains), by page; they are not messages and are not counted as such. */
static void
fragments(hctx *h)
{
	const wxf_model *m = h->m;
	size_t i;
	lpage lp;

	if (m->n_fragments == 0)
		return;
	sec_open(h, "fragments", "附录、无文字残片 <span class=\"en\">(Appendix: fragments without "
	    "text)</span>");
	F(h, "<p>%zu 处残片证明曾有记录存在，但其内容已无法恢复；不计入消息数 (%zu fragments prove that a "
	    "record existed; its content is lost; they are not counted as messages).</p>\n",
	    m->n_fragments, m->n_fragments);
	lp_begin(h, &lp, "fragments", "无文字残片 (Fragments without text)",
	    "<table class=\"frag\"><thead><tr><th scope=\"col\">页 Page</th><th scope=\"col\">"
	    "会话 Conversation</th><th scope=\"col\">时间 Time</th><th scope=\"col\">来源 "
	    "Provenance</th></tr></thead><tbody>\n", m->n_fragments);
	for (i = 0; i < m->n_fragments; i++) {
		const wxf_msg *g = m->fragments[i];

		lp_row(h, &lp);
		F(h, "<tr id=\"m-%s\"><td class=\"num\">%u</td><td>", g->id, g->prov.pgno);
		if (g->talker != NULL)
			T(h, g->talker);
		else
			unknown(h);
		P(h, "</td><td class=\"nw\">");
		time_el(h, g->time_ms);
		P(h, "</td><td>");
		prov(h, &g->prov, NULL);
		witnesses(h, g);
		P(h, "</td></tr>\n");
	}
	lp_end(h, &lp);
	P(h, "</section>\n");
}

static void
conversations(hctx *h)
{
	size_t i;

	sec_open(h, "conversations", "六、聊天记录 <span class=\"en\">(Conversations)</span>");
	P(h, "<p>左侧白色为收到的消息，右侧绿色为本机用户发出的消息，居中灰色为系统通知；"
	    "已删除后恢复的消息以虚线框和文字“已删除·恢复”标出，撤回通知标为“已撤回”。"
	    "每条消息下方注明其来源（文件、表、行号、页、偏移）。(Received messages on the left, the "
	    "owner's on the right, system notices centred; recovered and recalled messages are "
	    "labelled in words; each bubble ends with its provenance.)</p>\n");
	if (h->all_paged)
		F(h, "<p class=\"note\">本案消息较多，本报告只列出会话，每个会话的消息在单独页面中（每页至多 %zu 条），"
		    "页面与本报告互相链接。(A large case: this report lists the conversations, and the "
		    "messages of each are on pages of their own, at most %zu to a page, linked to and from "
		    "this report.)</p>\n", h->page_msgs, h->page_msgs);
	for (i = 0; i < h->n_convs; i++) {
		const wxf_conv *cv = h->convs[i];
		char a[16];
		int np = conv_pages(h, i), k;

		rpt_conv_anchor(h->key, cv->talker, a);
		conv_head(h, cv, a, 1);
		if (np == 0) {
			write_msgs(h, cv, 0, cv->n_msgs);
			continue;
		}
		if (np == 1)
			P(h, "<p>本会话的消息见单独页面 (the messages of this conversation are on a page of "
			    "their own):</p><ol>\n");
		else
			F(h, "<p>本会话共 %zu 条消息，按月分为 %d 个页面，每页至多 %zu 条 (this conversation is "
			    "split by month into %d pages of at most %zu messages):</p><ol>\n", cv->n_msgs, np,
			    h->page_msgs, np, h->page_msgs);
		for (k = 0; k < np; k++) {
			size_t from = page_from(h, i, k), to = page_to(h, i, k);

			F(h, "<li><a href=\"conversations/%s-%d.html\">第 %d 部分 (part %d): 消息 %zu–%zu</a> ",
			    a, k + 1, k + 1, k + 1, from + 1, to);
			time_el(h, cv->msgs[from]->time_ms);
			P(h, " — ");
			time_el(h, cv->msgs[to - 1]->time_ms);
			P(h, "</li>\n");
		}
		P(h, "</ol>\n");
	}
	P(h, "</section>\n");
}

/* ------------------------------------------------------------------------------ indicators */

/* Excerpts shown per message; the phrases are all listed, each with its count. */
#define HIT_EXCERPTS 3

/* One row per message: every phrase found in it with the times it occurs, and a few bounded
 * excerpts, so that a message of any length gives a row of bounded size. */
static void
indicators(hctx *h)
{
	const wxf_analysis *an = h->an;
	size_t i, j, k;

	sec_open(h, "indicators", h->print ? "六、关键词命中的消息 <span class=\"en\">(Messages with "
	    "indicator hits)</span>" : "七、关键词命中 <span class=\"en\">(Indicator hits in the "
	    "seller's messages)</span>");
	if (an == NULL || an->n_hits == 0) {
		P(h, "<p>无命中 (no hits).</p></section>\n");
		return;
	}
	P(h, "<p>以下词语出现在卖家本人发出的消息中，按消息列出；命中只说明词语出现，不代表结论。"
	    "(Phrases found in the seller's own messages, listed per message; a hit shows the words "
	    "occur, it is not a conclusion.)</p>\n");
	/* the analysis keeps one hit per phrase and field of a message, with its count */
	for (i = 0; i < an->n_hits; i = j) {
		const wxf_indicator_hit *x = &an->hits[i];

		for (j = i; j < an->n_hits && strcmp(an->hits[j].msg_id, x->msg_id) == 0; j++)
			;
		P(h, "<div class=\"hitmsg\"><div>");
		time_el(h, x->time_ms);
		P(h, " · ");
		msg_link(h, x->msg_id);
		F(h, " · %zu 处命中 (hits): ", j - i);
		for (k = i; k < j; k++) {
			const wxf_indicator_hit *y = &an->hits[k];

			P(h, "<mark>");
			T(h, y->phrase);
			P(h, "</mark>");
			if (y->count > 1)
				F(h, " ×%zu", y->count);
			if (y->category != NULL) {
				P(h, "<span class=\"en\">(");
				T(h, y->category);
				P(h, ")</span>");
			}
			P(h, " ");
		}
		if (x->prov.status != WXF_STATUS_INTACT)
			flag_status(h, &x->prov);
		P(h, "</div>");
		if (h->print && x->msg != NULL)
			message(h, x->msg);
		else {
			/* a few bounded excerpts: a message of any length gives a block of bounded size */
			for (k = i; k < j && k < i + HIT_EXCERPTS; k++) {
				P(h, "<div class=\"ctx\">");
				T(h, an->hits[k].field);
				P(h, ": ");
				T(h, an->hits[k].snippet);
				P(h, "</div>");
			}
			if (j - i > HIT_EXCERPTS)
				F(h, "<div class=\"ctx en\">(%zu 处其他命中见消息原文 / %zu more phrase(s): "
				    "see the message)</div>", j - i - HIT_EXCERPTS, j - i - HIT_EXCERPTS);
		}
		P(h, "</div>\n");
	}
	P(h, "</section>\n");
}

/* The slang of the account's messages, explained (data/glossary.txt). */
static void
glossary(hctx *h)
{
	const wxf_analysis *an = h->an;
	size_t i;

	sec_open(h, "glossary", h->print ? "七、术语表 <span class=\"en\">(Glossary of trade slang)"
	    "</span>" : "八、术语表 <span class=\"en\">(Glossary of trade slang)</span>");
	P(h, "<p>以下行话出现在本账户的消息中；解释为通常用法，不是对任何一条消息的认定。(These trade "
	    "words occur in this account's messages; the explanations give common usage, not a "
	    "finding about any message.)</p>\n");
	if (an == NULL || an->n_glossary == 0) {
		P(h, "<p>无 (none of the listed terms occurs).</p></section>\n");
		return;
	}
	P(h, "<table><thead><tr><th scope=\"col\">术语<br>Term</th><th scope=\"col\">解释<br>"
	    "Explanation</th><th scope=\"col\" class=\"num\">消息数<br>Messages</th>"
	    "<th scope=\"col\">首次出现<br>First used</th></tr></thead><tbody>\n");
	for (i = 0; i < an->n_glossary; i++) {
		const wxf_gloss_entry *g = &an->glossary[i];

		P(h, "<tr><td><b>");
		T(h, g->term);
		P(h, "</b></td><td>");
		T(h, g->zh);
		P(h, "<br><span class=\"en\">");
		T(h, g->en);
		F(h, "</span></td><td class=\"num\">%zu</td><td class=\"nw\">", g->n_msgs);
		time_el(h, g->first_ms);
		P(h, "<br>");
		msg_link(h, g->first_msg_id);
		P(h, "</td></tr>\n");
	}
	P(h, "</tbody></table></section>\n");
}

/* The processing record (笔录-style): who ran what, where, each step's times and result, and
 * the lines to sign. */
static void
record(hctx *h)
{
	const wxf_report_meta *mt = h->in->meta;
	char t[128];
	size_t i;

	F(h, "<section id=\"record\"><h2>%s、处理记录与签名 <span class=\"en\">(Processing record "
	    "and signatures)</span></h2>\n<table class=\"kv\">\n", h->print ? "十" : "十二");
	kv_row(h, "检验人", "examiner", mt->examiner);
	kv_row(h, "单位", "organisation", mt->organisation);
	kv_row(h, "运行机器", "machine", mt->host);
	kv_row(h, "运行环境", "operating system", mt->os);
	P(h, "<tr><th scope=\"row\">检验工具 <span class=\"en\">(tool)</span></th><td>wxforensic ");
	T(h, mt->tool_version);
	P(h, " (git ");
	T(h, mt->git_id);
	P(h, ")</td></tr>\n</table>\n");
	P(h, "<table><thead><tr><th scope=\"col\">#</th><th scope=\"col\">步骤<br>Step</th>"
	    "<th scope=\"col\">开始<br>Start</th><th scope=\"col\">结束<br>End</th>"
	    "<th scope=\"col\">结果<br>Result</th></tr></thead><tbody>\n");
	for (i = 0; i < h->in->n_steps; i++) {
		const wxf_report_step *st = &h->in->steps[i];

		F(h, "<tr><td class=\"num\">%zu</td><td>", i + 1);
		T(h, st->zh);
		P(h, "<br><span class=\"en\">");
		T(h, st->en);
		P(h, "</span></td><td class=\"nw\">");
		/* run times, like the audit log's: marked, they are no fact about the evidence */
		rpt_time_human(h->c, st->start_ms, t, sizeof(t));
		P(h, "<span data-wxf=\"step-time\">");
		T(h, t);
		P(h, "</span></td><td class=\"nw\">");
		if (st->end_ms != WXF_TIME_UNKNOWN) {
			rpt_time_human(h->c, st->end_ms, t, sizeof(t));
			P(h, "<span data-wxf=\"step-time\">");
			T(h, t);
			P(h, "</span>");
		} else
			P(h, "见审计日志 manifest 记录 (the audit log's manifest record)");
		P(h, "</td><td>");
		T(h, st->result);
		P(h, "</td></tr>\n");
	}
	if (h->in->n_steps == 0)
		P(h, "<tr><td colspan=\"5\">未记录 (not recorded)</td></tr>\n");
	P(h, "</tbody></table>\n<p class=\"note\">时间与审计日志 audit.jsonl 同一时钟；设定 "
	    "SOURCE_DATE_EPOCH 的可重现运行中均为该时间。(Times are on the audit log's clock; in a "
	    "reproducible run with SOURCE_DATE_EPOCH every time is that value.)</p>\n");
	P(h, "<table class=\"sign\"><tbody>\n"
	    "<tr><th scope=\"row\">检验人（签名）<span class=\"en\">(examiner, signature)</span></th>"
	    "<td></td><th scope=\"row\">日期 <span class=\"en\">(date)</span></th><td></td></tr>\n"
	    "<tr><th scope=\"row\">检验人（签名）<span class=\"en\">(second examiner)</span></th>"
	    "<td></td><th scope=\"row\">日期 <span class=\"en\">(date)</span></th><td></td></tr>\n"
	    "<tr><th scope=\"row\">复核人（签名）<span class=\"en\">(reviewer)</span></th>"
	    "<td></td><th scope=\"row\">日期 <span class=\"en\">(date)</span></th><td></td></tr>\n"
	    "<tr><th scope=\"row\">见证人或持有人（签名）<span class=\"en\">(witness or holder)"
	    "</span></th><td></td><th scope=\"row\">日期 <span class=\"en\">(date)</span></th>"
	    "<td></td></tr>\n</tbody></table>\n<p class=\"note\">manifest.sha256 的 SHA-256（运行"
	    "结束时输出）应抄录于此 (write here the SHA-256 of manifest.sha256 printed at the end of the "
	    "run): ____________________________________________</p>\n</section>\n");
}

/* ------------------------------------------------------------------------------ contacts */

static void
contacts(hctx *h)
{
	const wxf_model *m = h->m;
	size_t i;

	sec_open(h, "contacts", "九、联系人 <span class=\"en\">(Contacts and other accounts in the "
	    "evidence)</span>");
	P(h, "<table><thead><tr><th scope=\"col\">账号<br>"
	    "Account</th><th scope=\"col\">类型<br>Kind</th><th scope=\"col\">微信号<br>Alias</th>"
	    "<th scope=\"col\">昵称<br>Nickname</th><th scope=\"col\">备注<br>Remark</th></tr></thead>"
	    "<tbody>\n");
	for (i = 0; i < m->n_identities; i++) {
		const wxf_identity *id = m->identities[i];

		P(h, "<tr><td><code>");
		T(h, id->username);
		P(h, "</code>");
		if (id->is_owner)
			P(h, "<br>本机用户 (owner)");
		P(h, "</td><td>");
		T(h, wxf_id_kind_name(id->kind));
		P(h, "</td><td>");
		T(h, wxf_attrs_best(&id->aliases));
		P(h, "</td><td>");
		T(h, wxf_attrs_best(&id->nicknames));
		P(h, "</td><td>");
		T(h, wxf_attrs_best(&id->remarks));
		P(h, "</td></tr>\n");
	}
	P(h, "</tbody></table><p class=\"note\">每个值的全部出处见 timeline.xml 与 csv/contacts.csv "
	    "(every value with its provenance: timeline.xml, csv/contacts.csv).</p></section>\n");
}

/* ------------------------------------------------------------------------------ anomalies */

/* The limitations of the run (the evidence examined, media, recovery, the pipeline's own). */
static void
limitations_list(hctx *h, size_t n_unknown_time)
{
	size_t i;

	P(h, "<h3>局限 <span class=\"en\">(limitations)</span></h3><ul>\n");
	P(h, "<li>仅检验了所列检材；云端数据、其他设备、其他应用未检验。(Only the listed evidence was "
	    "examined; cloud data, other devices and other apps were not.)</li>\n");
	P(h, "<li>图片、语音、视频只核对文件是否存在并计算哈希，未解读其内容。(Media files were "
	    "located and hashed, their content was not interpreted.)</li>\n");
	if (!h->in->carving)
		P(h, "<li>未进行已删除记录恢复 (deleted-record recovery was not run).</li>\n");
	else
		P(h, "<li>已删除记录恢复依据数据库空闲空间、空闲页与 WAL 旧帧；被覆盖的记录无法恢复，"
		    "“可信度”为工具对记录归属的评分。(Recovery used free space, free pages and old WAL "
		    "frames; overwritten records cannot be recovered; confidence is the tool's score for "
		    "the attribution.)</li>\n");
	if (n_unknown_time > 0)
		F(h, "<li>%zu 条消息没有时间，标为“不明”，未列入 timeline.jsonl (%zu messages have no "
		    "time: shown as unknown, left out of timeline.jsonl).</li>\n", n_unknown_time,
		    n_unknown_time);
	for (i = 0; i < h->in->n_limitations; i++) {
		P(h, "<li>");
		T(h, h->in->limitations[i]);
		P(h, "</li>\n");
	}
	P(h, "</ul>\n");
}

/* With several accounts the run's limitations are stated once, after the accounts. */
static void
limitations(hctx *h)
{
	P(h, "<section id=\"limitations\"><h2>局限 <span class=\"en\">(Limitations)</span></h2>\n");
	limitations_list(h, 0);
	P(h, "</section>\n");
}

typedef struct tcount {
	const char *table;
	const char *origin;
	size_t n;
} tcount;

static int
tcount_cmp(const void *a, const void *b)
{
	const tcount *x = a, *y = b;
	int r = strcmp(x->table, y->table);

	return r != 0 ? r : strcmp(x->origin, y->origin);
}

static void
anomalies(hctx *h)
{
	const wxf_model *m = h->m;
	tcount *tc = NULL;
	size_t n_tc = 0, cap = 0, i, k, n_unknown_time = 0;
	char t[64];
	lpage lp;

	sec_open(h, "anomalies", h->print ? "八、异常与局限 <span class=\"en\">(Anomalies and "
	    "limitations)</span>" : "十、异常与局限 <span class=\"en\">(Anomalies and limitations)"
	    "</span>");
	/* counts per table and origin */
	for (i = 0; i < m->n_msgs; i++) {
		const char *tb = m->msgs[i]->prov.table != NULL ? m->msgs[i]->prov.table :
		    m->msgs[i]->table != NULL ? m->msgs[i]->table : "(unattributed)";
		const char *o = wxf_origin_name(m->msgs[i]->prov.origin);

		if (m->msgs[i]->time_ms == WXF_TIME_UNKNOWN)
			n_unknown_time++;
		for (k = 0; k < n_tc; k++)
			if (strcmp(tc[k].table, tb) == 0 && strcmp(tc[k].origin, o) == 0)
				break;
		if (k == n_tc) {
			wxf_xgrow((void **)&tc, &cap, n_tc + 1, sizeof(*tc));
			tc[n_tc].table = tb;
			tc[n_tc].origin = o;
			tc[n_tc++].n = 0;
		}
		tc[k].n++;
	}
	if (n_tc > 1)
		qsort(tc, n_tc, sizeof(*tc), tcount_cmp);
	P(h, "<h3>各表读取的消息数 <span class=\"en\">(messages read, per table and origin)</span>"
	    "</h3>\n<table><thead><tr><th scope=\"col\">表 table</th><th scope=\"col\">来源 origin</th>"
	    "<th scope=\"col\" class=\"num\">条数 rows</th></tr></thead><tbody>\n");
	for (k = 0; k < n_tc; k++) {
		P(h, "<tr><td><code>");
		T(h, tc[k].table);
		F(h, "</code></td><td>%s</td><td class=\"num\">%zu</td></tr>\n", tc[k].origin, tc[k].n);
	}
	P(h, "</tbody></table>\n");
	free(tc);

	P(h, "<h3>异常 <span class=\"en\">(anomalies found while reading)</span></h3>\n");
	if (m->n_anomalies == 0)
		P(h, "<p>无 (none).</p>\n");
	else {
		lp_begin(h, &lp, "anomalies", "异常 (Anomalies found while reading)",
		    "<table><thead><tr><th scope=\"col\">级别<br>Severity</th><th scope=\"col\">代码<br>"
		    "Code</th><th scope=\"col\">说明<br>Description</th><th scope=\"col\">相关记录<br>"
		    "Record</th></tr></thead><tbody>\n", m->n_anomalies);
		for (i = 0; i < m->n_anomalies; i++) {
			const wxf_anomaly *a = &m->anomalies[i];

			lp_row(h, &lp);
			F(h, "<tr><td>%s</td><td><code>", a->sev >= WXF_SEV_FAILED ? "错误 failed" :
			    "警告 warning");
			T(h, a->code);
			P(h, "</code></td><td>");
			T(h, a->message);
			P(h, "</td><td>");
			if (a->msg_id != NULL)
				msg_link(h, a->msg_id);
			if (a->payment_id != NULL && in_ledger(h, a->payment_id))
				F(h, " <a href=\"%s#pay-%s%s\">p-%s</a>", idx(h), h->tag, a->payment_id,
				    a->payment_id);
			else if (a->payment_id != NULL)
				F(h, " p-%s", a->payment_id);
			if (a->where.file != NULL)
				prov(h, &a->where, NULL);
			P(h, "</td></tr>\n");
		}
		lp_end(h, &lp);
	}
	if (h->an != NULL && h->an->n_notes > 0) {
		P(h, "<h3>分析提示 <span class=\"en\">(analysis notes)</span></h3><ul>\n");
		for (i = 0; i < h->an->n_notes; i++) {
			P(h, "<li>");
			T(h, h->an->notes[i]);
			P(h, "</li>\n");
		}
		P(h, "</ul>\n");
	}
	if (h->n_hp == 1)
		limitations_list(h, n_unknown_time);
	else if (n_unknown_time > 0)
		F(h, "<p>%zu 条消息没有时间，标为“不明”，未列入 timeline.jsonl (%zu messages have no "
		    "time: shown as unknown, left out of timeline.jsonl).</p>\n", n_unknown_time,
		    n_unknown_time);
	rpt_time(h->c, WXF_TIME_UNKNOWN, t, sizeof(t));
	(void)t;
	P(h, "</section>\n");
}

/* ------------------------------------------------------------------------------ method */

static void
method(hctx *h)
{
	F(h, "<section id=\"method\"><h2>%s、方法、完整性与复核 <span class=\"en\">(Method, "
	    "integrity and verification)</span></h2>\n", h->print ? "九" : "十一");
	if (h->print)
		P(h, "<p>本 PDF 为检验报告正文；全部聊天记录、联系人及每一出处的字节区间 SHA-256 见 "
		    "report.html 与本 PDF 附件 timeline.xml；附件 manifest.sha256 列出证据包全部文件的哈希。"
		    "(This PDF is the examination report; every conversation, the contacts and the SHA-256 "
		    "of every cited byte range are in report.html and in timeline.xml, attached to this "
		    "PDF with manifest.sha256, which lists the hash of every file of the bundle.)</p>\n");
	P(h, "<ol>\n"
	    "<li>登记检材并计算 MD5/SHA-1/SHA-256（只读）(inventory and hash the evidence, read-only)。"
	    "</li>\n<li>由检材中的 UIN 与设备标识推导密钥并逐页解密为明文镜像，记录每页 HMAC 校验结果，"
	    "并用 SQLCipher 库独立复核 (derive the key, decrypt page by page, record per-page HMAC "
	    "verdicts, cross-check with the SQLCipher library)。</li>\n"
	    "<li>以本工具的 SQLite 解析器读取现存记录，并从空闲空间恢复已删除记录 (read live rows with "
	    "the tool's own SQLite parser; recover deleted rows from free space)。</li>\n"
	    "<li>整理会话、转账生命周期、卖家身份与付款明细 (conversations, transfer lifecycles, "
	    "seller identity, ledger)。</li>\n<li>生成本报告及 timeline.xml、timeline.jsonl、csv/；"
	    "处理结束后再次计算检材哈希 (write the outputs; hash the evidence again)。</li>\n</ol>\n"
	    "<p>证据包内文件 (files of this bundle): <code>report.html</code>, "
	    "<code>timeline.xml</code> (DFXML 2.0 with the findings; schemas <code>dfxml.xsd</code> and "
	    "<code>timeline.xsd</code>, wxforensic-timeline(5)), "
	    "<code>timeline.jsonl</code>, <code>csv/messages.csv</code>, <code>csv/payments.csv</code>, "
	    "<code>csv/contacts.csv</code>, <code>case.jsonld</code> (CASE/UCO), "
	    "<code>evidence.sha256</code>, <code>work/</code> "
	    "(decrypted images), <code>audit.jsonl</code>, <code>manifest.sha256</code>.</p>\n"
	    "<p>复核方法 (how to verify): <code>wxforensic verify OUTDIR</code> 重新计算每个文件的 "
	    "SHA-256、检查审计日志哈希链，并在检材可访问时复核检材哈希；也可用 "
	    "<code>sha256sum -c manifest.sha256</code>。每条记录的出处注明文件、偏移、长度及该字节范围"
	    "的 SHA-256；写出前已逐条复核其字节含有所报告的内容，"
	    "<code>wxforensic verify --provenance OUTDIR</code> 可随时再次复核 (every provenance gives "
	    "the file, offset, length and the SHA-256 of that byte range; before writing, each range was "
	    "re-read and checked to hold the reported text, and <code>wxforensic verify --provenance "
	    "OUTDIR</code> repeats the check at any time)。报告无法包含自身的哈希值：manifest.sha256 "
	    "的 SHA-256 在运行结束时输出并写入审计日志，应记入检验笔录/清单。(A report cannot contain "
	    "its own hash: the SHA-256 of manifest.sha256 is printed at the end of the run and written "
	    "to the audit log; record it in the examination record.)</p>\n"
	    "<p>复核能证明什么 (what verification proves): <code>wxforensic verify</code> 证明证据包"
	    "文件与其清单一致、审计日志哈希链完整且以该清单结束、检材哈希未变；但无法区分整体重写"
	    "（新文件、新清单、新日志）的证据包。只有与证据包之外保存的值比较才能做到："
	    "<code>wxforensic verify --expect &lt;笔录中记载的 manifest.sha256 SHA-256&gt; OUTDIR</code>"
	    "（或签名密钥指纹 <code>--signer</code>）。(verify proves that the files match the "
	    "manifest, that the audit log is one unbroken chain ending with it and that the evidence "
	    "still hashes the same; it cannot tell a bundle rewritten whole (new files, manifest and "
	    "log) from the original. Only a comparison with a value kept apart from the bundle can: "
	    "<code>verify --expect</code> with the manifest hash of the examination record, or "
	    "<code>--signer</code> with the examiner's key fingerprint.)</p>\n");
	if (h->in->meta->signer != NULL)
		F(h, "<p>签名 (signature): manifest.sha256 由检验人 Ed25519 密钥签名，签名为 "
		    "<code>manifest.sha256.sig</code>，公钥为 <code>signing-key.pub.pem</code>；密钥指纹 "
		    "(SHA-256 of the public key) <code>%s</code>。(The manifest is signed with the "
		    "examiner's Ed25519 key; compare this fingerprint with the examiner's known key.)"
		    "</p>\n", h->in->meta->signer);
	P(h, "<p>可重现性 (reproducibility): 同一检材、同一 SOURCE_DATE_EPOCH 重新运行得到逐字节相同的"
	    "证据包；否则只有标注的“生成时间”与审计日志时间不同 (same evidence and SOURCE_DATE_EPOCH "
	    "give a byte-identical bundle; otherwise only the marked generated-at time and the audit "
	    "times differ).</p>\n</section>\n");
}

/* ------------------------------------------------------------------------------ driver */

typedef struct ord {
	const wxf_conv *cv;
	int rank;
} ord;

static int
ord_cmp(const void *a, const void *b)
{
	const ord *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank - y->rank;
	if (x->cv->n_msgs != y->cv->n_msgs)
		return x->cv->n_msgs > y->cv->n_msgs ? -1 : 1;
	return strcmp(x->cv->talker, y->cv->talker);
}

static int
conv_has(const wxf_conv *cv, const char *user)
{
	size_t i;

	if (user == NULL)
		return 0;
	for (i = 0; i < cv->n_msgs; i++)
		if (cv->msgs[i]->sender != NULL && strcmp(cv->msgs[i]->sender, user) == 0)
			return 1;
	return 0;
}

/* Account hp's conversations in report order: the seller's chat, groups the seller wrote in,
 * the rest; then the messages no conversation holds. */
static void
order_convs(hpart *hp)
{
	const wxf_model *m = hp->rp->m;
	ord *o = wxf_xcalloc(m->n_convs + 1, sizeof(*o));
	size_t i, n = 0;

	for (i = 0; i < m->n_convs; i++) {
		const wxf_conv *cv = m->convs[i];

		if (cv->n_msgs == 0 && !cv->deleted)
			continue;
		o[n].cv = cv;
		if (hp->seller != NULL && strcmp(cv->talker, hp->seller) == 0)
			o[n].rank = 0;
		else if (cv->kind == WXF_CONV_GROUP && conv_has(cv, hp->seller))
			o[n].rank = 1;
		else
			o[n].rank = 2;
		n++;
	}
	qsort(o, n, sizeof(*o), ord_cmp);
	hp->convs = wxf_xcalloc(n + 2, sizeof(*hp->convs));
	for (i = 0; i < n; i++)
		hp->convs[i] = o[i].cv;
	hp->n_convs = n;
	free(o);
	/* rows without a conversation (recovered fragments lacking a talker) */
	memset(&hp->orphans, 0, sizeof(hp->orphans));
	hp->orphans.talker = "（未归属会话 no conversation）";
	hp->orphans.kind = WXF_CONV_UNKNOWN;
	hp->orphans.in_chat_list = 1;
	hp->orphans.first_time_ms = hp->orphans.last_msg_time_ms = WXF_TIME_UNKNOWN;
	for (i = 0; i < m->n_msgs; i++) {
		if (m->msgs[i]->conv != NULL)
			continue;
		hp->orphans.msgs = wxf_xrealloc(hp->orphans.msgs, (hp->orphans.n_msgs + 1) *
		    sizeof(*hp->orphans.msgs));
		hp->orphans.msgs[hp->orphans.n_msgs++] = m->msgs[i];
		if (wxf_prov_recovered(&m->msgs[i]->prov))
			hp->orphans.n_recovered++;
		if (m->msgs[i]->time_ms != WXF_TIME_UNKNOWN) {
			if (hp->orphans.first_time_ms == WXF_TIME_UNKNOWN)
				hp->orphans.first_time_ms = m->msgs[i]->time_ms;
			hp->orphans.last_msg_time_ms = m->msgs[i]->time_ms;
		}
	}
	if (hp->orphans.n_msgs > 0)
		hp->convs[hp->n_convs++] = &hp->orphans;
}

/* The month of an instant in the report's zone ("2026-03"), or "unknown". */
static void
month_of(const hctx *h, int64_t ms, char out[8])
{
	char t[64];

	if (ms == WXF_TIME_UNKNOWN) {
		memcpy(out, "unknown", 8);
		return;
	}
	rpt_time(h->c, ms, t, sizeof(t));
	memcpy(out, t, 7);
	out[7] = '\0';
}

/* Every account's conversations on pages: one longer than page_msgs is split by month, and a
 * month of more than page_msgs messages into pages of page_msgs; in a large case (all_paged)
 * the others have one page each; otherwise they stay in report.html. */
static void
split_convs(hctx *h)
{
	size_t p, i, j;

	for (p = 0; p < h->n_hp; p++) {
		hpart *hp = &h->hp[p];

		hp->n_pages = wxf_xcalloc(hp->n_convs + 1, sizeof(*hp->n_pages));
		hp->starts = wxf_xcalloc(hp->n_convs + 1, sizeof(*hp->starts));
		for (i = 0; i < hp->n_convs; i++) {
			const wxf_conv *cv = hp->convs[i];
			size_t np = 0, *st;
			char prev[8], cur[8];

			if (cv->n_msgs == 0 || (cv->n_msgs <= h->page_msgs && !h->all_paged))
				continue;
			st = wxf_xcalloc(cv->n_msgs > h->page_msgs ? cv->n_msgs + 1 : 2, sizeof(*st));
			st[np++] = 0;
			if (cv->n_msgs > h->page_msgs) {
				month_of(h, cv->msgs[0]->time_ms, prev);
				for (j = 1; j < cv->n_msgs; j++) {
					month_of(h, cv->msgs[j]->time_ms, cur);
					if (strcmp(cur, prev) != 0 || j - st[np - 1] >= h->page_msgs)
						st[np++] = j;
					memcpy(prev, cur, sizeof(prev));
				}
			}
			st[np] = cv->n_msgs;
			if (cv->n_msgs > h->page_msgs)
				st = wxf_xrealloc(st, (np + 1) * sizeof(*st));
			hp->n_pages[i] = np;
			hp->starts[i] = st;
		}
	}
}

/* A stem of loc file names, kept until html_free. */
static const char *
loc_base(hctx *h, size_t *cap, char *base)
{
	wxf_xgrow((void **)&h->loc_bases, cap, h->n_loc_bases + 1, sizeof(*h->loc_bases));
	h->loc_bases[h->n_loc_bases++] = base;
	return base;
}

/* Where every message on a page of its own lives (all accounts: message ids are unique). */
static void
build_locs(hctx *h)
{
	size_t i, k, p, n = 0, cap_bases = 0;

	for (p = 0; p < h->n_hp; p++) {
		for (i = 0; i < h->hp[p].n_convs; i++)
			if (h->hp[p].n_pages[i] > 0)
				n += h->hp[p].convs[i]->n_msgs;
		if (list_paged(h, h->hp[p].rp->m->n_fragments))
			n += h->hp[p].rp->m->n_fragments;
	}
	if (n == 0)
		return;
	/* a table: file pages past its threshold (wxf_table_spill) */
	if (n > SIZE_MAX / sizeof(*h->locs) || (h->locs = wxf_table_alloc(n * sizeof(*h->locs))) == NULL)
		wxf_oom(n);
	for (p = 0; p < h->n_hp; p++) {
		for (i = 0; i < h->hp[p].n_convs; i++) {
			const wxf_conv *cv = h->hp[p].convs[i];
			size_t pg = 0;
			const char *base;
			char a[16];

			if (h->hp[p].n_pages[i] == 0)
				continue;
			rpt_conv_anchor(h->hp[p].rp->idkey, cv->talker, a);
			base = loc_base(h, &cap_bases, wxf_xasprintf("conversations/%s", a));
			for (k = 0; k < cv->n_msgs; k++) {
				while (k >= h->hp[p].starts[i][pg + 1])
					pg++;
				h->locs[h->n_locs].msg_id = cv->msgs[k]->id;
				h->locs[h->n_locs].base = base;
				h->locs[h->n_locs].page = pg + 1;
				h->n_locs++;
			}
		}
	}
	/* a large case's fragments (rows with their ids) on list pages */
	for (p = 0; p < h->n_hp; p++) {
		const wxf_model *m = h->hp[p].rp->m;
		const char *base;

		if (!list_paged(h, m->n_fragments))
			continue;
		base = loc_base(h, &cap_bases, wxf_xasprintf("lists/fragments%s", h->hp[p].sfx));
		for (k = 0; k < m->n_fragments; k++) {
			h->locs[h->n_locs].msg_id = m->fragments[k]->id;
			h->locs[h->n_locs].base = base;
			h->locs[h->n_locs].page = k / LIST_PAGE_ROWS + 1;
			h->n_locs++;
		}
	}
	if (h->n_locs > 1)
		wxf_table_sort(h->locs, h->n_locs, sizeof(*h->locs), loc_cmp);
}

/* The page files of the current account's large conversations. */
static int
conv_page_files(hctx *h, const char *outdir, wxf_audit *audit, wxf_err *err)
{
	size_t i;
	int rc = WXF_OK;

	for (i = 0; rc == WXF_OK && i < h->n_convs; i++) {
		const wxf_conv *cv = h->convs[i];
		int np = conv_pages(h, i), k;
		char a[16], rel[64], title[256];

		rpt_conv_anchor(h->key, cv->talker, a);
		for (k = 0; rc == WXF_OK && k < np; k++) {
			size_t from = page_from(h, i, k), to = page_to(h, i, k);
			rpt_out o;

			wxf_fmt(rel, sizeof(rel), "conversations/%s-%d.html", a, k + 1);
			wxf_fmt(title, sizeof(title), "聊天记录 %s 第 %d/%d 部分", a, k + 1, np);
			if (rpt_out_open(&o, outdir, rel, h->in->log, err) != WXF_OK)
				return rpt_out_close(&o, audit);
			h->out = &o;
			h->b = &o.b;
			h->up = "../";
			h->page = rel;
			page_open(h, title);
			page_nav(h, a, a, k, np);
			conv_head(h, cv, a, 0);
			F(h, "<p>第 %d/%d 部分：消息 %zu–%zu (part %d of %d: messages %zu–%zu)</p>\n", k + 1,
			    np, from + 1, to, k + 1, np, from + 1, to);
			write_msgs(h, cv, from, to);
			page_close(h);
			h->out = NULL;
			h->b = NULL;
			rc = rpt_out_close(&o, audit);
		}
	}
	return rc;
}

/* An account of the case by number and label, for the cross-exhibit tables. */
static void
xs_account(hctx *h, size_t part)
{
	const rpt_part *rp = &h->c->parts[part];

	if (h->merge)
		F(h, "账户 %zu", part + 1);
	else
		F(h, "<a href=\"#seller%s\">账户 %zu</a>", h->hp[part].sfx, part + 1);
	if (rp->label != NULL) {
		P(h, " <code>");
		T(h, rp->label);
		P(h, "</code>");
	}
}

static void
xs_exhibit(hctx *h, size_t part)
{
	const char *e = part < h->in->n_parts ? h->in->parts[part].exhibit : NULL;

	if (e != NULL)
		T(h, e);
	else
		unknown(h);
}

/* One identifier: where each account's card holds it, with its first source. */
static void
xs_id_row(hctx *h, const wxf_xid *id)
{
	static const char *const words[WXF_XL_N] = {
		"同一账号 <span class=\"en\">(same account)</span>",
		"强关联 <span class=\"en\">(strong link)</span>",
		"仅昵称，不作关联 <span class=\"en\">(name only, never used to link)</span>",
		"掩码号码，不作关联 <span class=\"en\">(masked number, never used to link)</span>" };
	size_t k;

	P(h, "<tr><td>");
	T(h, id->kind);
	P(h, "</td><td><b>");
	T(h, id->value);
	F(h, "</b></td><td>%s</td><td>", id->n_parts > 1 || id->link == WXF_XL_NAME_ONLY ||
	    id->link == WXF_XL_MASKED ? words[id->link] : "—");
	for (k = 0; k < id->n_parts; k++) {
		const wxf_an_value *v = id->vals[k];

		P(h, k ? "<hr>" : "");
		xs_account(h, id->parts[k]);
		P(h, " · ");
		xs_exhibit(h, id->parts[k]);
		if (v != NULL && v->n_refs > 0) {
			F(h, " · %zu 处来源 (sources), 首条 (first):", v->n_refs);
			use_part(h, id->parts[k]);
			ref_line(h, &v->refs[0]);
		} else if (strcmp(id->kind, "transfer") == 0)
			P(h, " · 该账户付款明细中付给卖家的转账 <span class=\"en\">(a transfer paid to the "
			    "seller in this account's ledger)</span>");
		else
			P(h, " · 卖家账号本身 <span class=\"en\">(the seller's account itself)</span>");
	}
	P(h, "</td></tr>\n");
}

static void
xs_totals_cells(hctx *h, const wxf_ledger_totals *t)
{
	P(h, "<td class=\"num\">");
	money(h, t->paid_fen);
	F(h, " (%lld)</td><td class=\"num\">", (long long)t->n_paid);
	money(h, t->refunded_fen);
	P(h, "</td><td class=\"num\">");
	money(h, t->received_fen);
	P(h, "</td><td class=\"num\">");
	money(h, t->net_fen);
	P(h, "</td><td class=\"num\">");
	if (t->overflow)
		P(h, "溢出 (overflow)");
	else if (t->crpl_applicable) {
		money(h, t->crpl55_fen);
		if (t->crpl_floor_applied)
			P(h, "<br><span class=\"en\">(¥500.00 floor)</span>");
	} else
		P(h, "— <span class=\"en\">(nothing paid)</span>");
	P(h, "</td>");
}

/* The seller across exhibits: which accounts' sellers are one person, on which identifiers,
 * and each victim's ledger with its own CRPL figure. */
static void
xseller(hctx *h)
{
	const wxf_xview *v = h->in->xview;
	size_t i, k, j;
	const hpart *cur = h->cur;

	P(h, "<section id=\"xseller\"><h2>跨检材卖家 <span class=\"en\">(The seller across "
	    "exhibits)</span></h2>\n<p class=\"note\">各账户的卖家按其身份卡中的标识关联：微信 ID 相同、"
	    "或付给卖家的转账单号相同，为同一账号；微信号、手机号或卖家所建群相同为强关联；昵称或掩码号码"
	    "相同只列出，从不用于关联。机主即卖家的账户为卖家本人的账户，不是被害人。每位被害人（机主）"
	    "单独计算付款与赔偿额；同一被害人的多个检材中同一笔转账（转账单号相同）只计一次。<br><span "
	    "class=\"en\">The sellers of the accounts are linked by the identifiers their cards hold: "
	    "an equal wxid, or an equal transfer id among the transfers paid to the seller, is the "
	    "same account; an equal 微信号 (alias), phone number or group the seller owns is a strong "
	    "link; an equal nickname or masked number is listed and never used to link. An account "
	    "whose owner is the seller is her own account, not a victim's. Each victim (account "
	    "owner) has his own totals and CRPL art. 55 figure, because each buyer's claim is his own; "
	    "a transfer found in several exhibits of one victim (the same transfer id) is counted "
	    "once.</span></p>\n");
	if (v->n_sellers == 0)
		P(h, "<p>没有在两个以上账户中关联到同一卖家 <span class=\"en\">(no seller is linked "
		    "across two or more accounts)</span>.</p>\n");
	for (i = 0; i < v->n_sellers; i++) {
		const wxf_xseller *s = &v->sellers[i];

		F(h, "<h3 id=\"xseller-%zu\">卖家 %zu <span class=\"en\">(seller %zu)</span>: %zu 个账户 "
		    "<span class=\"en\">(%zu accounts)</span></h3>\n", i + 1, i + 1, i + 1, s->n_parts,
		    s->n_parts);
		P(h, "<table><thead><tr><th scope=\"col\">账户<br>Account</th><th scope=\"col\">检材"
		    "<br>Exhibit</th><th scope=\"col\">该账户中的卖家<br>Seller in it</th></tr></thead>"
		    "<tbody>\n");
		for (k = 0; k < s->n_parts; k++) {
			const wxf_analysis *an = h->c->parts[s->parts[k]].an;

			P(h, "<tr><td>");
			xs_account(h, s->parts[k]);
			P(h, "</td><td>");
			xs_exhibit(h, s->parts[k]);
			if (s->own[k]) {
				P(h, "</td><td>卖家本人的账户 <span class=\"en\">(the seller's own account)"
				    "</span>: 机主 (owner) <code>");
				T(h, an != NULL && an->owner_username != NULL ? an->owner_username : "");
			} else {
				P(h, "</td><td><code>");
				T(h, an != NULL && an->seller != NULL ? an->seller->username : "");
			}
			P(h, "</code></td></tr>\n");
		}
		P(h, "</tbody></table>\n<h4>标识及其出处 <span class=\"en\">(identifiers and where "
		    "they were seen)</span></h4>\n<table><thead><tr><th scope=\"col\">类型<br>Kind</th>"
		    "<th scope=\"col\">值<br>Value</th><th scope=\"col\">关联强度<br>Link</th>"
		    "<th scope=\"col\">出处<br>Seen in</th></tr></thead><tbody>\n");
		for (k = 0; k < s->n_ids; k++)
			xs_id_row(h, &s->ids[k]);
		P(h, "</tbody></table>\n<h4>各被害人付款 <span class=\"en\">(payments per victim)</span>"
		    "</h4>\n<table class=\"ledger\"><thead><tr><th scope=\"col\">被害人（机主）<br>Victim "
		    "(owner)</th><th scope=\"col\">账户<br>Accounts</th><th scope=\"col\" class=\"num\">"
		    "已付款<br>Paid</th><th scope=\"col\" class=\"num\">已退还<br>Refunded</th>"
		    "<th scope=\"col\" class=\"num\">转回<br>Received back</th><th scope=\"col\" "
		    "class=\"num\">净付款<br>Net</th><th scope=\"col\" class=\"num\">第五十五条赔偿额<br>"
		    "CRPL art. 55</th></tr></thead><tbody>\n");
		for (k = 0; k < s->n_victims; k++) {
			const wxf_xvictim *vi = &s->victims[k];

			P(h, "<tr><td>");
			if (vi->owner != NULL) {
				P(h, "<code>");
				T(h, vi->owner);
				P(h, "</code>");
			} else
				unknown(h);
			P(h, "</td><td>");
			for (j = 0; j < vi->n_parts; j++) {
				P(h, j ? "<br>" : "");
				xs_account(h, vi->parts[j]);
			}
			F(h, "<br>%lld 笔转账 (transfers)", (long long)vi->n_transfers);
			if (vi->n_repeated > 0)
				F(h, "<br>%lld 笔见于多个检材，只计一次 (found in several exhibits, counted "
				    "once)", (long long)vi->n_repeated);
			if (vi->n_disagree > 0)
				F(h, "<br><span class=\"flag\">%lld 笔各检材金额或结果不一，按第一个账户计 "
				    "(exhibits disagree; the first account's row is counted)</span>",
				    (long long)vi->n_disagree);
			P(h, "</td>");
			xs_totals_cells(h, &vi->totals);
			P(h, "</tr>\n");
		}
		P(h, "<tr class=\"total\"><td colspan=\"2\">合计 (total)</td>");
		xs_totals_cells(h, &s->total);
		P(h, "</tr>\n</tbody></table>\n<p class=\"note\">合计的赔偿额为各被害人赔偿额之和 <span "
		    "class=\"en\">(the total figure is the sum of the victims' own figures, each with "
		    "its own ¥500.00 floor)</span>.</p>\n");
	}
	if (v->n_name_only > 0) {
		P(h, "<h3>仅昵称相同、未关联的卖家 <span class=\"en\">(sellers sharing only a nickname, "
		    "not linked)</span></h3>\n<table><thead><tr><th scope=\"col\">类型<br>Kind</th>"
		    "<th scope=\"col\">值<br>Value</th><th scope=\"col\">关联强度<br>Link</th>"
		    "<th scope=\"col\">出处<br>Seen in</th></tr></thead><tbody>\n");
		for (k = 0; k < v->n_name_only; k++)
			xs_id_row(h, &v->name_only[k]);
		P(h, "</tbody></table>\n");
	}
	P(h, "</section>\n");
	if (cur != NULL)
		use_part(h, (size_t)(cur - h->hp));
}

/* The accounts' state for a document: conversations in report order, message locations. */
static void
html_init(hctx *h, rpt_ctx *c, const wxf_report_in *in, const char *outdir, int print)
{
	size_t i;

	memset(h, 0, sizeof(*h));
	h->c = c;
	h->in = in;
	h->print = print;
	h->outdir = outdir;
	h->page_msgs = in->meta->page_msgs ? in->meta->page_msgs : WXF_REPORT_PAGE_MSGS;
	h->n_hp = c->n_parts;
	h->hp = wxf_xcalloc(h->n_hp, sizeof(*h->hp));
	for (i = 0; i < h->n_hp; i++) {
		hpart *hp = &h->hp[i];

		hp->rp = &c->parts[i];
		hp->owner = hp->rp->m->owner != NULL ? hp->rp->m->owner->username : NULL;
		hp->seller = hp->rp->an != NULL && hp->rp->an->seller != NULL ?
		    hp->rp->an->seller->username : in->meta->seller;
		if (h->n_hp > 1)
			wxf_fmt(hp->sfx, sizeof(hp->sfx), "-a%zu", i + 1);
		order_convs(hp);
	}
	if (!print) {
		/* a large case: report.html is an index and every conversation has its pages */
		long long lim = in->meta->inline_msgs ? in->meta->inline_msgs : WXF_REPORT_INLINE_MSGS;
		size_t total = 0, k;

		for (i = 0; i < h->n_hp; i++)
			for (k = 0; k < h->hp[i].n_convs; k++)
				total += h->hp[i].convs[k]->n_msgs;
		h->all_paged = lim < 0 || total > (unsigned long long)lim;
		split_convs(h);
		build_locs(h);
	}
	use_part(h, 0);
}

static void
html_free(hctx *h)
{
	size_t i;

	wxf_table_free(h->locs);
	for (i = 0; i < h->n_loc_bases; i++)
		free(h->loc_bases[i]);
	free(h->loc_bases);
	for (i = 0; i < h->n_hp; i++) {
		size_t k;

		for (k = 0; h->hp[i].starts != NULL && k < h->hp[i].n_convs; k++)
			free(h->hp[i].starts[k]);
		free(h->hp[i].starts);
		free(h->hp[i].n_pages);
		free(h->hp[i].convs);
		free(h->hp[i].orphans.msgs);
	}
	free(h->hp);
}

/* report.html, or with h->print the court PDF's document: the same sections without the
 * conversations, contacts and fragments (they stay in the HTML), the recovered messages and
 * those with indicator hits shown whole. */
static void
html_doc(hctx *h, wxf_buf *b)
{
	static void (*const per_account[])(hctx *) = { seller, ledger, recovered, conversations,
	    indicators, glossary, contacts, anomalies, fragments };
	static void (*const per_account_print[])(hctx *) = { seller, ledger, recovered, indicators,
	    glossary, anomalies };
	const wxf_report_meta *mt = h->in->meta;
	size_t i, k;

	h->b = b;
	h->up = "";
	h->page = "report.html";
	page_open(h, mt->case_number != NULL ? mt->case_number : "微信电子数据检验报告");
	header(h);
	toc(h);
	summary(h);
	selection(h);
	evidence(h);
	decryption(h);
	/* every account on its own: its seller, ledger, conversations, hits, contacts, anomalies */
	for (i = 0; i < h->n_hp; i++) {
		use_part(h, i);
		if (h->print)
			for (k = 0; k < sizeof(per_account_print) / sizeof(per_account_print[0]); k++)
				per_account_print[k](h);
		else
			for (k = 0; k < sizeof(per_account) / sizeof(per_account[0]); k++)
				per_account[k](h);
	}
	if (h->in->xview != NULL)
		xseller(h);
	if (h->n_hp > 1)
		limitations(h);
	method(h);
	record(h);
	P(h, "<p class=\"note\">— 报告结束 (end of report) —</p>\n");
	page_close(h);
}

void
rpt_html_print(const wxf_report_in *in, const char *outdir, const char *manifest_sha256,
    wxf_buf *b)
{
	rpt_ctx c;
	hctx h;

	rpt_ctx_init(&c, in);
	html_init(&h, &c, in, outdir, 1);
	h.manifest_sha256 = manifest_sha256;
	html_doc(&h, b);
	html_free(&h);
	rpt_ctx_free(&c);
}

/* `merge`'s seller.html: the bundles it read (each by its manifest hash), then the seller
 * across exhibits over their accounts. */
int
rpt_merge_html(const wxf_report_in *in, const wxf_merge_bundle *bd, size_t nb,
    const char *outdir, wxf_audit *audit, wxf_err *err)
{
	rpt_ctx c;
	hctx h;
	rpt_out o;
	size_t i;
	int rc;

	rpt_ctx_init(&c, in);
	html_init(&h, &c, in, outdir, 0);
	h.merge = 1;
	h.up = "";
	h.page = "seller.html";
	if (rpt_out_open(&o, outdir, "seller.html", in->log, err) == WXF_OK) {
		h.out = &o;
		h.b = &o.b;
		page_open(&h, "跨检材卖家 (The seller across exhibits)");
		P(&h, "<section id=\"bundles\"><h2>合并的检验包 <span class=\"en\">(The evidence "
		    "bundles merged)</span></h2>\n<p class=\"note\">每个检验包在合并前均经过校验（清单、审计日志"
		    "链、签名）；证据本身未被重新读取。<br><span class=\"en\">Each bundle was verified "
		    "before the merge (manifest, audit chain, signature); the evidence itself was not "
		    "read again.</span></p>\n<table><thead><tr><th scope=\"col\">#</th><th scope=\"col\">"
		    "检验包<br>Bundle</th><th scope=\"col\">清单 SHA-256<br>Manifest SHA-256</th>"
		    "<th scope=\"col\" class=\"num\">账户<br>Accounts</th></tr></thead><tbody>\n");
		for (i = 0; i < nb; i++) {
			F(&h, "<tr><td class=\"num\">%zu</td><td><code>", i + 1);
			T(&h, bd[i].name);
			F(&h, "</code></td><td class=\"hash\">%s</td><td class=\"num\">%zu</td></tr>\n",
			    bd[i].manifest_sha256, bd[i].n_accounts);
		}
		P(&h, "</tbody></table></section>\n");
		xseller(&h);
		page_close(&h);
		h.out = NULL;
		h.b = NULL;
	}
	rc = rpt_out_close(&o, audit);
	html_free(&h);
	rpt_ctx_free(&c);
	return rc;
}

int
wxf_report_html(const wxf_report_in *in, const char *outdir, wxf_audit *audit, wxf_err *err)
{
	rpt_ctx own, *c = rpt_ctx_use(&own, in);
	hctx h;
	rpt_out o;
	size_t i;
	int rc;

	html_init(&h, c, in, outdir, 0);
	h.audit = audit;                /* a large case's list pages are written meanwhile */
	h.err = err;
	if (rpt_out_open(&o, outdir, "report.html", in->log, err) == WXF_OK) {
		h.out = &o;
		html_doc(&h, &o.b);
		h.out = NULL;
		h.b = NULL;
	}
	rc = rpt_out_close(&o, audit);
	if (rc == WXF_OK && h.rc != WXF_OK)
		rc = h.rc;
	for (i = 0; rc == WXF_OK && i < h.n_hp; i++) {
		use_part(&h, i);
		rc = conv_page_files(&h, outdir, audit, err);
	}
	html_free(&h);
	rpt_ctx_done(&own, c);
	return rc;
}

int
wxf_report_merge(const wxf_report_in *in, const wxf_merge_bundle *bd, size_t nb,
    const char *outdir, wxf_audit *audit, wxf_err *err)
{
	int rc = rpt_merge_html(in, bd, nb, outdir, audit, err);

	return rc == WXF_OK ? rpt_merge_xml(in, bd, nb, outdir, audit, err) : rc;
}

/* The writers of the bundle, in the order their records enter the audit log. */
typedef int (*rpt_writer)(const wxf_report_in *, const char *, wxf_audit *, wxf_err *);
static const rpt_writer writers[] = { wxf_report_html, wxf_report_xml, wxf_report_jsonl,
	wxf_report_csv, wxf_report_case, wxf_report_evidence_list };
#define N_WRITERS (sizeof(writers) / sizeof(writers[0]))

/* A writer running beside the others: its own copy of the input and of the log (whose progress
 * goes to one line for all the writers, wpool_progress), a deferred audit log, its own error. */
typedef struct wjob {
	wxf_report_in in;
	wxf_log log;
	struct wpool *pool;
	const char *outdir;
	wxf_audit audit;
	wxf_err err;
	int rc;
	uint64_t mb;            /* written so far by its current file (progress) */
	uint64_t mb_done;       /* by its files already closed */
	char file[96];          /* the current file's progress label */
} wjob;

typedef struct wpool {
	wjob job[N_WRITERS];
	atomic_size_t next;
	pthread_mutex_t mu;     /* the progress line */
	wxf_log *log;
	unsigned running, finished;
} wpool;

/* One progress line for every writer: the megabytes written so far, the writers at work. */
static void
wpool_progress(void *arg, const char *label, uint64_t done, uint64_t total)
{
	wjob *j = arg;
	wpool *p = j->pool;
	uint64_t mb = 0;
	size_t i;
	char line[64];

	(void)total;
	pthread_mutex_lock(&p->mu);
	if (strncmp(label, j->file, sizeof(j->file) - 1) != 0) {   /* the writer's next file */
		j->mb_done += j->mb;
		wxf_fmt(j->file, sizeof(j->file), "%s", label);
	}
	j->mb = done;
	for (i = 0; i < N_WRITERS; i++)
		mb += p->job[i].mb_done + p->job[i].mb;
	wxf_fmt(line, sizeof(line), "writing the bundle (%u of %zu writers done)", p->finished,
	    N_WRITERS);
	wxf_log_progress(p->log, line, mb, 0, "MB");
	pthread_mutex_unlock(&p->mu);
}

static void *
wpool_run(void *arg)
{
	wpool *p = arg;
	size_t i;

	while ((i = atomic_fetch_add(&p->next, 1)) < N_WRITERS) {
		p->job[i].rc = writers[i](&p->job[i].in, p->job[i].outdir, &p->job[i].audit, &p->job[i].err);
		pthread_mutex_lock(&p->mu);
		p->finished++;
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

/*
 * Every output of the bundle.  With in->jobs > 1 the writers run that many at a time, each into
 * its own files (they only read the model and the analysis), and their audit records enter the
 * log afterwards in the writers' order: the bundle and the log's records are the same as one
 * after another.  The first writer (in that order) that failed gives the error; the records of
 * the writers after it are not added (the run stops there, as it would have).
 */
int
wxf_report_write_all(const wxf_report_in *in, const char *outdir, wxf_audit *audit,
    wxf_err *err)
{
	wpool *p;
	pthread_t th[N_WRITERS];
	size_t i, n_th = in->jobs < N_WRITERS ? in->jobs : N_WRITERS, started = 0;
	int rc = WXF_OK;
	rpt_ctx shared;
	wxf_report_in one;

	/* the writers' context (events in order, lookups) once for all of them */
	rpt_ctx_init(&shared, in);
	if (n_th <= 1) {
		one = *in;
		one.shared = &shared;
		for (i = 0; rc == WXF_OK && i < N_WRITERS; i++)
			rc = writers[i](&one, outdir, audit, err);
		rpt_ctx_free(&shared);
		return rc;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		rpt_ctx_free(&shared);
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	}
	pthread_mutex_init(&p->mu, NULL);
	p->log = in->log;
	for (i = 0; i < N_WRITERS; i++) {
		p->job[i].in = *in;
		p->job[i].in.shared = &shared;
		p->job[i].pool = p;
		if (in->log != NULL) {
			p->job[i].log = *in->log;
			p->job[i].log.hook = wpool_progress;
			p->job[i].log.hook_arg = &p->job[i];
			p->job[i].log.n_warn = p->job[i].log.n_error = 0;
			p->job[i].in.log = &p->job[i].log;
		}
		p->job[i].outdir = outdir;
		wxf_audit_defer(&p->job[i].audit);
		wxf_err_clear(&p->job[i].err);
	}
	atomic_init(&p->next, 0);
	for (i = 1; i < n_th; i++)
		if (pthread_create(&th[started], NULL, wpool_run, p) == 0)
			started++;
	wpool_run(p);                   /* this thread is one of them */
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	if (in->log != NULL) {
		wxf_log_progress_end(in->log);
		for (i = 0; i < N_WRITERS; i++) {
			in->log->n_warn += p->job[i].log.n_warn;
			in->log->n_error += p->job[i].log.n_error;
		}
	}
	for (i = 0; rc == WXF_OK && i < N_WRITERS; i++) {
		rc = wxf_audit_replay(audit, &p->job[i].audit, err);
		if (rc == WXF_OK && p->job[i].rc != WXF_OK) {
			rc = p->job[i].rc;
			if (err != NULL)
				*err = p->job[i].err;
		}
	}
	for (i = 0; i < N_WRITERS; i++)
		wxf_audit_close(&p->job[i].audit, NULL);
	pthread_mutex_destroy(&p->mu);
	free(p);
	rpt_ctx_free(&shared);
	return rc;
}
