/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the writers against a hand-built model: money formatting and capital numerals,
 * the CRPL art. 55 floor, the recorded command line, unknown times ("unknown", never 1970),
 * hostile text escaped, ids and provenance equal across HTML/XML/JSONL, CSV BOM/CRLF/formula,
 * manifest + verify catching a one-byte change.
 */
#include "config.h"
#include "tap.h"
#include "analysis/analysis.h"
#include "base/wxf_buf.h"
#include "base/wxf_file.h"
#include "base/wxf_audit.h"
#include "base/wxf_hash.h"
#include "base/wxf_mem.h"
#include "report/report.h"
#include "report/rpt_int.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static char *
slurp(const char *dir, const char *rel)
{
	char *p = wxf_path_join(dir, rel);
	uint8_t *d = NULL;
	size_t n = 0;

	if (wxf_file_read_small(p, 64u << 20, &d, &n, NULL) != WXF_OK)
		d = NULL;
	free(p);
	return (char *)d;
}

static void
test_money(void)
{
	char t[160];
	wxf_ledger_totals lt;

	wxf_report_fen(128000, t, sizeof(t));
	is_str(t, "¥1,280.00", "fen 128000 -> ¥1,280.00");
	wxf_report_fen(1, t, sizeof(t));
	is_str(t, "¥0.01", "fen 1 -> ¥0.01");
	wxf_report_fen(123456789012, t, sizeof(t));
	is_str(t, "¥1,234,567,890.12", "thousands separators");
	wxf_report_fen_capital(1464000, t, sizeof(t));
	is_str(t, "人民币壹万肆仟陆佰肆拾元整", "capital numerals 14640 yuan");
	wxf_report_fen_capital(50000, t, sizeof(t));
	is_str(t, "人民币伍佰元整", "capital numerals 500 yuan");
	wxf_report_fen_capital(100100, t, sizeof(t));
	is_str(t, "人民币壹仟零壹元整", "capital numerals 1001 yuan (inner zero)");
	wxf_report_fen_capital(1000010005, t, sizeof(t));
	is_str(t, "人民币壹仟万零壹佰元零伍分", "capital numerals 10000100.05 yuan");
	wxf_report_fen_capital(12, t, sizeof(t));
	is_str(t, "人民币壹角贰分", "capital numerals 0.12 yuan");
	wxf_report_fen_capital(0, t, sizeof(t));
	is_str(t, "人民币零元整", "capital numerals zero");
	memset(&lt, 0, sizeof(lt));
	ok(wxf_ledger_crpl55(10000, &lt) == WXF_OK && lt.crpl55_fen == 50000 && lt.crpl_floor_applied,
	    "CRPL art. 55: net ¥100 -> ¥500 (floor)");
	memset(&lt, 0, sizeof(lt));
	ok(wxf_ledger_crpl55(488000, &lt) == WXF_OK && lt.crpl55_fen == 1464000 &&
	    !lt.crpl_floor_applied, "CRPL art. 55: net ¥4,880 -> ¥14,640 (3x)");
}

static void
test_cmdline(void)
{
	char *c = wxf_report_cmdline("/tmp/b/wxforensic case --case-number 'A 1' -o /tmp/x/out ev");

	is_str(c, "wxforensic case --case-number 'A 1' -o OUTDIR ev", "command line: OUTDIR, tool name");
	free(c);
	c = wxf_report_cmdline("./wxforensic case --output=/abs/o -o'x y' ev");
	is_str(c, "wxforensic case --output=OUTDIR -oOUTDIR ev", "command line: joined -o forms");
	free(c);
}

static wxf_prov
prov(int64_t rowid, uint64_t off, wxf_origin o, wxf_status s, int conf)
{
	wxf_prov p;

	memset(&p, 0, sizeof(p));
	p.file = "ev/MicroMsg/abc/EnMicroMsg.db";
	p.image = "work/abc/EnMicroMsg.db";
	p.table = "message";
	p.rowid = rowid;
	p.pgno = 7;
	p.offset = off;
	p.length = 40;
	p.origin = o;
	p.status = s;
	p.confidence = conf;
	return p;
}

static void
test_writers(const char *dir)
{
	wxf_model *m = NULL;
	wxf_msg *g;
	wxf_prov p;
	wxf_tz *tz = wxf_tz_new("Asia/Shanghai");
	wxf_report_meta meta;
	wxf_report_in in;
	wxf_verify_result vr;
	wxf_err err;
	char hex[65], *html, *xml, *jl, *csv, *path;
	FILE *f;

	wxf_err_clear(&err);
	ok(wxf_model_new(&m, &err) == WXF_OK, "model");
	p = prov(1, 4096, WXF_ORIGIN_LIVE, WXF_STATUS_INTACT, 100);
	wxf_model_set_owner(m, "wxid_owner", &p);
	g = wxf_model_new_msg(m, WXF_PLAT_ANDROID, "message", &p, NULL);
	g->time_ms = 1772332380000;    /* 2026-03-01T10:33:00+08:00 */
	g->talker = "wxid_seller";
	g->sender = "wxid_seller";
	g->dir = WXF_DIR_IN;
	g->kind = WXF_MK_TEXT;
	g->body = "<script>alert(1)</script>\xe2\x80\xae" "fdp.exe =SUM(A1)";
	p = prov(2, 5000, WXF_ORIGIN_FREEBLOCK, WXF_STATUS_DELETED_RECOVERED, 90);
	g = wxf_model_new_msg(m, WXF_PLAT_ANDROID, "message", &p, NULL);
	g->time_ms = WXF_TIME_UNKNOWN;
	g->talker = "wxid_seller";
	g->sender = "wxid_seller";
	g->dir = WXF_DIR_IN;
	g->kind = WXF_MK_TEXT;
	g->body = "正品保证，假一赔十";
	ok(wxf_model_finish(m, &err) == WXF_OK, "model finish");

	memset(&meta, 0, sizeof(meta));
	meta.case_number = "T-1";
	meta.examiner = "Examiner <b>";
	meta.tool_version = "9.9";
	meta.git_id = "abc123";
	meta.cmdline = "wxforensic case -o OUTDIR ev";
	meta.os = "TestOS";
	meta.tz = tz;
	meta.generated_ms = 1780000000000;
	meta.generated_from_sde = 1;
	memset(&in, 0, sizeof(in));
	in.meta = &meta;
	in.m = m;
	ok(wxf_report_write_all(&in, dir, NULL, &err) == WXF_OK, "writers succeed: %s", err.msg);
	html = slurp(dir, "report.html");
	xml = slurp(dir, "timeline.xml");
	jl = slurp(dir, "timeline.jsonl");
	csv = slurp(dir, "csv/messages.csv");
	ok(html && xml && jl && csv, "report.html, timeline.xml, timeline.jsonl, csv written");
	if (!(html && xml && jl && csv))
		goto out;
	ok(strstr(html, "<html lang=\"zh-CN\">") != NULL, "lang zh-CN");
	ok(strstr(html, "Content-Security-Policy") && strstr(html, "default-src 'none'"), "CSP meta");
	ok(strstr(html, "<script") == NULL, "no script element (hostile text escaped)");
	ok(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;[U+202E]fdp.exe") != NULL,
	    "markup shown as text, RTL override marked");
	ok(strstr(html, "\xe2\x80\xae") == NULL && strstr(xml, "\xe2\x80\xae") == NULL,
	    "no raw U+202E in HTML or XML");
	ok(strstr(html, "Examiner &lt;b&gt;") != NULL, "examiner-given text escaped too");
	ok(strstr(html, "时间不明 / unknown") != NULL, "unknown time shown as unknown");
	ok(strstr(html, "1970") == NULL && strstr(xml, "1970") == NULL, "no 1970 anywhere");
	ok(strstr(xml, "time=\"unknown\"") != NULL, "XML time=\"unknown\"");
	ok(strstr(html, "已删除·恢复 / recovered (deleted), confidence 90%, from freeblock") != NULL,
	    "recovered message labelled in words with its confidence");
	ok(strstr(html, "datetime=\"2026-03-01T10:33:00+08:00\"") != NULL &&
	    strstr(xml, "time=\"2026-03-01T10:33:00+08:00\"") != NULL &&
	    strstr(jl, "\"datetime\":\"2026-03-01T10:33:00+08:00\"") != NULL,
	    "same instant with offset in HTML, XML and JSONL");
	ok(strstr(jl, "正品保证") == NULL, "an event without a time is not put on the JSONL timeline");
	ok(strstr(html, "<span data-k=\"offset\">5000</span>") != NULL &&
	    strstr(xml, "offset=\"5000\"") != NULL, "provenance offset equal in HTML and XML");
	ok(strstr(html, "data-wxf=\"generated-at\"") != NULL && strstr(xml, "<generated_at "
	    "source=\"SOURCE_DATE_EPOCH\">") != NULL, "one marked generated-at value per file");
	ok(memcmp(csv, "\xEF\xBB\xBF\"id\",", 8) == 0 && strstr(csv, "\r\n") != NULL,
	    "CSV: BOM, quoted header, CRLF");
	ok(strstr(csv, "[U+202E]fdp.exe =SUM(A1)") != NULL, "CSV: RTL override marked");

	/* the manifest takes a writer's kept hash while the file has the kept size, and reads
	 * the file otherwise (a deliberately wrong kept hash shows which was used) */
	{
		wxf_audit ka;
		struct stat st;
		char *rp = wxf_path_join(dir, "report.html"), *mp = wxf_path_join(dir,
		    "manifest.sha256"), *man = NULL;
		wxf_hashes real;
		const char *zero = "0000000000000000000000000000000000000000000000000000000000000000";
		size_t mn = 0;

		memset(&ka, 0, sizeof(ka));
		ok(stat(rp, &st) == 0 && wxf_hash_file(rp, &real, &err) == WXF_OK, "report.html hashed");
		wxf_audit_output(&ka, "report.html", (uint64_t)st.st_size, zero);
		ok(wxf_manifest_write(dir, &ka, hex, &err) == WXF_OK &&
		    wxf_file_read_small(mp, 1 << 20, (uint8_t **)&man, &mn, &err) == WXF_OK &&
		    memmem(man, mn, "0000000000000000000000000000000000000000000000000000000000000000  "
		    "report.html\n", 78) != NULL, "manifest: a writer's kept hash is taken as kept");
		free(man);
		man = NULL;
		wxf_audit_output(&ka, "report.html", (uint64_t)st.st_size + 1, zero);
		ok(wxf_manifest_write(dir, &ka, hex, &err) == WXF_OK &&
		    wxf_file_read_small(mp, 1 << 20, (uint8_t **)&man, &mn, &err) == WXF_OK &&
		    memmem(man, mn, real.sha256, 64) != NULL && memmem(man, mn, zero, 64) == NULL,
		    "manifest: a file whose size is not the kept one is read again");
		free(man);
		wxf_audit_close(&ka, NULL);
		free(rp);
		free(mp);
	}
	/* manifest + verify */
	ok(wxf_manifest_write(dir, NULL, hex, &err) == WXF_OK && strlen(hex) == 64, "manifest written");
	{
		wxf_audit a;
		char *ap = wxf_path_join(dir, "audit.jsonl"), *mem;

		memset(&a, 0, sizeof(a));
		wxf_audit_open(&a, ap, "test", NULL);
		mem = wxf_xasprintf("\"manifest_sha256\":\"%s\"", hex);
		wxf_audit_add(&a, "manifest", mem, NULL);
		wxf_audit_close(&a, NULL);
		free(mem);
		free(ap);
	}
	ok(wxf_verify_bundle(dir, NULL, &vr, &err) == WXF_OK && vr.n_files == 9,
	    "verify: untouched bundle verifies (%zu files)", vr.n_files);
	wxf_verify_result_free(&vr);
	path = wxf_path_join(dir, "timeline.jsonl");
	f = fopen(path, "r+b");
	if (f != NULL) {
		int c = fgetc(f);

		fseek(f, 0, SEEK_SET);
		fputc(c ^ 1, f);
		fclose(f);
	}
	free(path);
	ok(wxf_verify_bundle(dir, NULL, &vr, &err) == WXF_EVERIFY && vr.n_changed == 1 &&
	    strncmp(vr.changed[0], "timeline.jsonl:", 15) == 0, "verify: a one-byte change is named");
	wxf_verify_result_free(&vr);
out:
	free(html);
	free(xml);
	free(jl);
	free(csv);
	wxf_model_free(&m);
	wxf_tz_free(&tz);
}

/* rpt_out: a file larger than a few write chunks comes out whole, with the size and SHA-256
 * of its bytes in the audit record; a write error (a full device) is reported, naming it. */
static void
test_stream(const char *dir)
{
	rpt_out o;
	wxf_audit au;
	wxf_err err;
	wxf_buf want;
	char hex[65], *path, *alog, *line, *body = NULL;
	uint8_t *got = NULL;
	size_t got_len = 0, i;

	wxf_err_clear(&err);
	wxf_buf_init(&want);
	alog = wxf_path_join(dir, "stream-audit.jsonl");
	ok(wxf_audit_open(&au, alog, "test", &err) == WXF_OK, "stream: audit log opened");
	ok(rpt_out_open(&o, dir, "s/t/big.txt", NULL, &err) == WXF_OK, "stream: file created with its folders");
	o.direct_after = 3u << 20;   /* direct from 3 MiB on (a bundle: RPT_OUT_DIRECT_AFTER) */
	for (i = 0; i < 450000; i++) {   /* ~7.4 MB: three whole direct buffers and a tail */
		wxf_buf_printf(&o.b, "line %zu \xe4\xb8\xad\n", i);
		wxf_buf_printf(&want, "line %zu \xe4\xb8\xad\n", i);
		rpt_out_tick(&o);
		if (i == 100000)
			ok(o.b.len < (1u << 20) + 64 && o.size > 0,
			    "stream: what is pending stays under a write chunk (%zu bytes)", o.b.len);
	}
	{
		/* O_DIRECT where the folder's file system takes it (an independent probe) */
		char *probe = wxf_path_join(dir, "probe-direct");
		int fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT, 0600);

		ok((fd >= 0) == (o.direct != 0 && o.io != NULL), "stream: past 3 MiB, written with "
		    "O_DIRECT by the writing thread where the file system takes it (%s here)",
		    fd >= 0 ? "taken" : "refused");
		if (fd >= 0)
			close(fd);
		unlink(probe);
		free(probe);
	}
	ok(rpt_out_close(&o, &au) == WXF_OK, "stream: closed");
	ok(wxf_audit_close(&au, &err) == WXF_OK, "stream: audit log closed");
	path = wxf_path_join(dir, "s/t/big.txt");
	if (wxf_file_read_small(path, 64u << 20, &got, &got_len, &err) != WXF_OK)
		got_len = 0;
	ok(got != NULL && got_len == want.len && memcmp(got, want.p, want.len) == 0,
	    "stream: the file holds every byte, in order (%zu bytes)", got_len);
	wxf_sha256_hex(want.p, want.len, hex);
	line = wxf_xasprintf("\"output\":\"s/t/big.txt\",\"size\":%zu,\"sha256\":\"%s\"",
	    want.len, hex);
	if (wxf_file_read_small(alog, 1u << 20, (uint8_t **)&body, &got_len, &err) == WXF_OK) {
		body = realloc(body, got_len + 1);
		body[got_len] = '\0';
	}
	ok(body != NULL && strstr(body, line) != NULL,
	    "stream: the audit record has the size and SHA-256 of the bytes written");
	free(body);
	free(line);
	free(got);
	free(path);
	free(alog);
	/* a direct write the file system refuses (a buffer out of alignment: EINVAL, nothing
	 * written): the same bytes again through the page cache, and every later write (in
	 * place: the writing thread makes the same write with the same fallback) */
	ok(rpt_out_open(&o, dir, "refused.txt", NULL, &err) == WXF_OK, "stream: second file opened");
	o.direct_after = 0;
	o.no_io = 1;
	for (i = 0; i < 450000 && !o.direct && !o.no_direct; i++) {
		wxf_buf_printf(&o.b, "line %zu \xe4\xb8\xad\n", i);
		rpt_out_tick(&o);
	}
	if (o.direct && o.dlen < RPT_OUT_DIRECT) {
		unsigned char *keep = o.dbuf, *raw = malloc(RPT_OUT_DIRECT + 1);

		memcpy(raw + 1, keep, o.dlen);   /* the buffer, out of alignment */
		o.dbuf = raw + 1;
		for (; i < 450000; i++) {
			wxf_buf_printf(&o.b, "line %zu \xe4\xb8\xad\n", i);
			rpt_out_tick(&o);
		}
		ok(o.direct == 0 && o.dlen == 0, "stream: a refused direct write: the file goes "
		    "through the page cache from there on");
		o.dbuf = keep;
		free(raw);
	} else {
		for (; i < 450000; i++) {
			wxf_buf_printf(&o.b, "line %zu \xe4\xb8\xad\n", i);
			rpt_out_tick(&o);
		}
		printf("ok %d - # SKIP the file system refuses O_DIRECT\n", ++tap_n);
	}
	ok(rpt_out_close(&o, NULL) == WXF_OK, "stream: second file closed");
	path = wxf_path_join(dir, "refused.txt");
	got = NULL;
	if (wxf_file_read_small(path, 64u << 20, &got, &got_len, &err) != WXF_OK)
		got_len = 0;
	ok(got != NULL && got_len == want.len && memcmp(got, want.p, want.len) == 0,
	    "stream: after the refusal the file still holds every byte, in order (%zu bytes)",
	    got_len);
	free(got);
	free(path);
	/* a write the writing thread makes fails (files limited to 3 MiB: EFBIG in the second
	 * buffer): close says so, naming the file and the cause */
	{
		struct rlimit old_lim, lim;
		void (*old_sig)(int) = signal(SIGXFSZ, SIG_IGN);

		wxf_err_clear(&err);
		if (getrlimit(RLIMIT_FSIZE, &old_lim) == 0) {
			lim = old_lim;
			lim.rlim_cur = (rlim_t)3 << 20;
			if (old_lim.rlim_cur != RLIM_INFINITY && old_lim.rlim_cur < lim.rlim_cur)
				lim.rlim_cur = old_lim.rlim_cur;
			setrlimit(RLIMIT_FSIZE, &lim);
			ok(rpt_out_open(&o, dir, "limited.txt", NULL, &err) == WXF_OK,
			    "stream: a file limited to 3 MiB opened");
			o.direct_after = 0;
			for (i = 0; i < 450000; i++) {
				wxf_buf_printf(&o.b, "line %zu \xe4\xb8\xad\n", i);
				rpt_out_tick(&o);
			}
			ok(rpt_out_close(&o, NULL) == WXF_EIO && strstr(err.msg, "limited.txt") != NULL &&
			    strstr(err.msg, "File too large") != NULL,
			    "stream: a failed write is an I/O error naming the file and the cause (%s)",
			    err.msg);
			setrlimit(RLIMIT_FSIZE, &old_lim);
		} else {
			printf("ok %d - # SKIP no file size limit\n", ++tap_n);
			printf("ok %d - # SKIP no file size limit\n", ++tap_n);
		}
		signal(SIGXFSZ, old_sig);
	}
	if (access("/dev/full", W_OK) == 0) {
		wxf_err_clear(&err);
		ok(rpt_out_open(&o, "/dev", "full", NULL, &err) == WXF_OK, "stream: /dev/full opened");
		for (i = 0; i < 3000; i++) {
			wxf_buf_add(&o.b, want.p, 1000);
			rpt_out_tick(&o);
		}
		ok(rpt_out_close(&o, NULL) == WXF_EIO && strstr(err.msg, "/dev/full") != NULL &&
		    strstr(err.msg, "No space left") != NULL,
		    "stream: a full device is an I/O error naming the file and the cause (%s)", err.msg);
	} else {
		printf("ok %d - # SKIP no writable /dev/full\n", ++tap_n);
		printf("ok %d - # SKIP no writable /dev/full\n", ++tap_n);
	}
	wxf_buf_free(&want);
}

int
main(void)
{
	char tmpl[] = "/tmp/wxf-test-report.XXXXXX";
	char *dir = mkdtemp(tmpl), *cmd;

	test_money();
	test_cmdline();
	if (dir != NULL) {
		test_writers(dir);
		test_stream(dir);
		cmd = wxf_xasprintf("rm -rf '%s'", dir);
		if (system(cmd) != 0)
			diag("could not remove %s", dir);
		free(cmd);
	} else
		ok(0, "mkdtemp");
	return tap_done();
}
