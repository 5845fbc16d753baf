#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks an evidence bundle written by `wxforensic case` against reporting.md §6 (the (T)
items a bundle alone can show) and, when given, the fixture's *.truth.json.

usage: check_bundle.py OUTDIR EVIDENCE_ROOT [TRUTH.json] [--stdout FILE] [--hostile]

Prints one line per check, "ok - name" or "not ok - name" (+ "# detail" lines); the shell test
turns them into TAP.  Python standard library only.
"""
import base64
import csv
import hashlib
import html.parser
import io
import json
import os
import re
import sys
import traceback
import xml.etree.ElementTree as ET

NS = "{urn:wxforensic:timeline:2}"
DF = "{http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML}"
GIT_ID = "{urn:wxforensic:timeline:2}git_id"
STATUSES = {"intact", "deleted-recovered", "partially-recovered", "fragment", "superseded"}
ORIGINS = {"live", "freeblock", "unallocated", "freelist", "wal", "journal", "fts", "backup"}
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?([+-]\d\d:\d\d|Z)$")

results = []


def check(cond, name, detail=None):
    results.append((bool(cond), name, detail))


class Html(html.parser.HTMLParser):
    """Collects ids, hrefs, script/on* attributes, lang, and the provenance spans per id."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.hrefs = []
        self.scripts = 0
        self.handlers = []
        self.lang = None
        self.ext_refs = []
        self.thumbs = []         # (data: URI, alt) of <img>
        self.stack = []          # (tag, id of nearest element with id m-/p-)
        self.prov = {}           # id -> {key: value}
        self.times = {}          # id -> [datetime attrs]
        self.cur_k = None
        self.cur_owner = None
        self.text_k = ""
        self.generated = []
        self.in_gen = False
        self.csp = None
        self.wit_depth = 0       # inside a witness list (class "wit"): not the record's own prov

    def owner(self):
        for _, i in reversed(self.stack):
            if i:
                return i
        return None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "script":
            self.scripts += 1
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp = a.get("content")
        for k, v in attrs:
            if k.lower().startswith("on"):
                self.handlers.append((tag, k))
            if (tag == "img" and k == "src" and v and
                    re.match(r"^data:image/(jpeg|png|gif|webp);base64,[A-Za-z0-9+/]+=*$", v)):
                self.thumbs.append((v, a.get("alt") or ""))   # an embedded thumbnail
            elif k in ("src", "href", "action", "data", "poster") and v and re.match(r"^\s*(https?:|//|ftp:|javascript:|data:)", v, re.I):
                self.ext_refs.append(v)
        i = a.get("id")
        if i:
            self.ids.add(i)
        own = i if i and (i.startswith("m-") or i.startswith("p-")) else None
        if tag not in ("br", "meta", "hr", "img", "input", "link"):
            self.stack.append((tag, own))
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        if "wit" in (a.get("class") or "").split():
            self.wit_depth = len(self.stack)
        if "data-k" in a and not self.wit_depth:
            o = self.owner()
            if o:
                self.cur_k = a["data-k"]
                self.cur_owner = o
                self.text_k = ""
                if self.cur_k == "file":
                    self.prov.setdefault(o, {}).setdefault("file", a.get("title"))
        if tag == "time":
            o = self.owner()
            if o:
                self.times.setdefault(o, []).append(a.get("datetime") or a.get("data-t"))
        if a.get("data-wxf") == "generated-at":
            self.in_gen = True

    def handle_endtag(self, tag):
        if self.cur_k and tag in ("span", "a"):
            if self.cur_k != "file":
                self.prov.setdefault(self.cur_owner, {}).setdefault(self.cur_k, self.text_k)
            self.cur_k = None
        if self.in_gen and tag == "span":
            self.in_gen = False
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break
        if self.wit_depth and len(self.stack) < self.wit_depth:
            self.wit_depth = 0   # left the witness list: provenance lines count again

    def handle_data(self, d):
        if self.cur_k:
            self.text_k += d
        if self.in_gen:
            self.generated.append(d)


def parse_html(path):
    h = Html()
    h.feed(open(path, encoding="utf-8").read())
    h.close()
    return h


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    opts = sys.argv[1:]
    out, root = args[0], args[1]
    truth = json.load(open(args[2], encoding="utf-8")) if len(args) > 2 and args[2] else None
    stdout_file = opts[opts.index("--stdout") + 1] if "--stdout" in opts else None
    hostile = "--hostile" in opts
    j = lambda *p: os.path.join(out, *p)

    # ---- manifest (T3) -------------------------------------------------------------------
    files = []
    for d, _, fs in os.walk(out):
        for f in fs:
            rel = os.path.relpath(os.path.join(d, f), out)
            if rel not in ("manifest.sha256", "audit.jsonl"):
                files.append(rel)
    man = open(j("manifest.sha256"), "rb").read()
    lines = man.decode().split("\n")
    check(lines[-1] == "" and "\r" not in man.decode(), "manifest ends with LF, no CR")
    entries = [(l[:64], l[66:]) for l in lines[:-1]]
    paths = [p for _, p in entries]
    check(sorted(paths, key=lambda s: s.encode()) == paths, "manifest sorted bytewise")
    check(len(set(paths)) == len(paths), "manifest lists each file once")
    check(set(paths) == set(files), "manifest lists every bundle file (except itself and audit.jsonl)",
          "missing %s extra %s" % (set(files) - set(paths), set(paths) - set(files)))
    bad = [p for h, p in entries if hashlib.sha256(open(j(p), "rb").read()).hexdigest() != h]
    check(not bad, "every manifest hash matches (sha256sum -c equivalent)", bad)
    check(all(not p.startswith("/") for p in paths), "manifest paths are relative")
    mhash = hashlib.sha256(man).hexdigest()

    # ---- audit (T6, T7) --------------------------------------------------------------------
    raw = open(j("audit.jsonl"), "rb").read().split(b"\n")
    check(raw[-1] == b"", "audit.jsonl ends with LF")
    recs, prev, chain_ok, fields_ok = [], "0" * 64, True, True
    for l in raw[:-1]:
        r = json.loads(l)
        recs.append(r)
        if r.get("prev") != prev:
            chain_ok = False
        for k in ("seq", "time", "action", "tool", "prev"):
            if k not in r:
                fields_ok = False
        prev = hashlib.sha256(l).hexdigest()
    check(chain_ok, "audit.jsonl hash chain (prev = SHA-256 of the previous line)")
    check(fields_ok, "every audit line has seq, time, action, tool, prev")
    acts = [r["action"] for r in recs]
    for a in ("case-start", "evidence-hash-before", "key.derive", "decrypt", "read", "analysis",
              "evidence-hash-after", "write", "manifest"):
        check(a in acts, "audit records the step '%s'" % a)
    check(recs and recs[-1]["action"] == "manifest" and recs[-1].get("manifest_sha256") == mhash,
          "last audit line records the manifest's SHA-256")
    writes = {r["output"]: r["sha256"] for r in recs if r["action"] == "write"}
    check(all(hashlib.sha256(open(j(p), "rb").read()).hexdigest() == h for p, h in writes.items()),
          "audit 'write' records carry the output hashes")
    if stdout_file:
        so = open(stdout_file, encoding="utf-8").read()
        check(("SHA-256: " + mhash) in so, "the manifest's SHA-256 is printed on stdout")
    absd = os.path.abspath(out)
    leak = [p for p in files + ["audit.jsonl", "manifest.sha256"]
            if not p.startswith("work/") and absd.encode() in open(j(p), "rb").read()]
    check(not leak, "no file of the bundle names the bundle's own absolute path", leak)

    # ---- evidence (T5, T25) ----------------------------------------------------------------
    ev = {}
    for l in open(j("evidence.sha256"), encoding="utf-8").read().splitlines():
        ev[l[66:]] = l[:64]
    nfiles = sum(len(f) for _, _, f in os.walk(root))
    check(len(ev) == nfiles, "evidence.sha256 lists every evidence file (%d)" % nfiles)
    # bundle paths start with the evidence's own name: resolved from the folder holding it
    evbase = os.path.dirname(os.path.abspath(root))
    wrong = [p for p, h in ev.items()
             if hashlib.sha256(open(os.path.join(evbase, p), "rb").read()).hexdigest() != h]
    check(not wrong, "evidence.sha256 equals Python's SHA-256 of each evidence file", wrong)

    # ---- XML (T9, T12, T15, T26) -----------------------------------------------------------
    tree = ET.parse(j("timeline.xml"))
    x = tree.getroot()
    check(x.tag == DF + "dfxml" and x.get("version") == "2.0.0",
          "timeline.xml is DFXML: root <dfxml version=\"2.0.0\">")
    cr = x.find(DF + "creator")
    check(cr is not None and cr.find(DF + "version").text and cr.get(GIT_ID) and
          cr.find(DF + "execution_environment/" + DF + "command_line").text.startswith("wxforensic case"),
          "DFXML creator: version, git id, command line")
    fos = x.findall(DF + "fileobject")
    check(len(fos) == nfiles and all(len(f.findall(DF + "hashdigest")) == 3 and f.find(DF + "filename").text
                                     and len(f.findall(NS + "evidence/" + NS + "hashdigest")) == 3
                                     for f in fos),
          "one DFXML fileobject per evidence file with MD5/SHA-1/SHA-256 before (DFXML) and after (ours)")
    events = x.findall(NS + "events/" + NS + "event")
    check(len(events) > 0, "timeline.xml has events (%d)" % len(events))
    xprov, xtime, noprov = {}, {}, []
    for e in events:
        p = e.find(NS + "provenance")
        if p is None or not p.get("file") or not p.get("file_sha256") or p.get("offset") is None \
                or p.get("length") is None or (p.get("table") is None) \
                or (p.get("rowid") is None and p.get("page") is None and p.get("frame") is None):
            noprov.append(e.get("id"))
            continue
        xprov[e.get("id")] = p.attrib
        xtime[e.get("id")] = e.get("time")
    check(not noprov, "every event carries provenance: file, file SHA-256, table, rowid/page, offset, length",
          noprov[:5])
    check(all(p["status"] in STATUSES and p["origin"] in ORIGINS for p in xprov.values()),
          "every recovery status and origin from the closed lists")
    check(all(t == "unknown" or ISO.match(t) for t in xtime.values()),
          "every XML instant is ISO 8601 with an explicit offset, or 'unknown'")
    times = [e.get("time") for e in events if e.get("time") != "unknown"]
    check(times == sorted(times, key=lambda t: e_ms(t)), "events in time order")
    txt = open(j("timeline.xml"), encoding="utf-8").read()
    check(not re.search(r"19[79]0-01-01", txt), "no 1970/1900 placeholder date in timeline.xml")
    kinds = {e.get("type") for e in events}
    check({"message", "payment"} <= kinds, "events include messages and payments")

    # ---- JSONL (T27) -----------------------------------------------------------------------
    ok_lines, n = True, 0
    for l in open(j("timeline.jsonl"), encoding="utf-8"):
        n += 1
        o = json.loads(l)
        if not (isinstance(o.get("message"), str) and ISO.match(o.get("datetime", "")) and
                isinstance(o.get("timestamp_desc"), str) and o["timestamp_desc"]):
            ok_lines = False
        if o["wxf_id"] in xtime and xtime[o["wxf_id"]] != o["datetime"]:
            ok_lines = False
    check(ok_lines and n > 0, "every JSONL line parses and has message, datetime (ISO 8601), timestamp_desc (%d lines)" % n)
    check(n == sum(1 for t in xtime.values() if t != "unknown"), "JSONL has every event with a known instant")

    # ---- CSV --------------------------------------------------------------------------------
    for name in ("messages", "payments", "contacts"):
        b = open(j("csv", name + ".csv"), "rb").read()
        rows = list(csv.reader(io.StringIO(b[3:].decode("utf-8"), newline="")))
        check(b.startswith(b"\xef\xbb\xbf") and b.endswith(b"\r\n") and len(rows) > 1 and
              all(len(r) == len(rows[0]) for r in rows),
              "csv/%s.csv: UTF-8 BOM, CRLF, RFC 4180, %d rows of %d fields" % (name, len(rows), len(rows[0])))
        check(not any(c[:1] in ("=", "+", "-", "@") for r in rows[1:] for c in r),
              "csv/%s.csv: no field starts with a formula character" % name)

    # ---- HTML (T10, T11, T14, T15, T16, T20, T21, T22, T29, T30, T31, T34) -------------------
    rep = open(j("report.html"), encoding="utf-8").read()
    h = parse_html(j("report.html"))
    pages = [os.path.join("conversations", f) for f in sorted(os.listdir(j("conversations")))] \
        if os.path.isdir(j("conversations")) else []
    hp = {p: parse_html(j(p)) for p in pages}
    check(h.lang == "zh-CN", 'report.html has lang="zh-CN"')
    check(h.csp and "default-src 'none'" in h.csp and "script-src" not in h.csp,
          "strict Content-Security-Policy meta (default-src 'none', no script source)")
    allh = [h] + list(hp.values())
    check(all(x.scripts == 0 for x in allh), "no <script> element in any page")
    check(all(not x.handlers for x in allh), "no on* event-handler attribute in any page",
          [x.handlers[:3] for x in allh if x.handlers])
    check(all(not x.ext_refs for x in allh), "no network/javascript/data reference in any page",
          [x.ext_refs[:3] for x in allh if x.ext_refs])
    check(not re.search(r"<link|@import|url\(", rep), "no external style sheet, @import or url()")
    # embedded thumbnails: each decodes to the bytes of the evidence file its alt text names,
    # with the SHA-256 it states
    bad, n_th = [], 0
    for x in allh:
        for uri, alt in x.thumbs:
            n_th += 1
            data = base64.b64decode(uri.split(",", 1)[1])
            m = re.search(r", ([^,]+), SHA-256 ([0-9a-f]{64})$", alt)
            if m is None or hashlib.sha256(data).hexdigest() != m.group(2):
                bad.append(alt[:80])
                continue
            f = os.path.join(os.path.dirname(os.path.abspath(root)), m.group(1))
            if not os.path.isfile(f) or open(f, "rb").read() != data:
                bad.append(m.group(1))
    check(not bad, "every embedded thumbnail is the evidence file it names, with its hash (%d)" % n_th, bad[:5])
    # anchors (T30)
    broken = []
    for name, x_ in [("report.html", h)] + list(hp.items()):
        for href in x_.hrefs:
            f, _, frag = href.partition("#")
            target = os.path.normpath(os.path.join(os.path.dirname(name), f)) if f else name
            tp = h if target == "report.html" else hp.get(target)
            if tp is None or (frag and frag not in tp.ids):
                broken.append((name, href))
    check(not broken, "every internal link resolves (%d pages)" % (1 + len(hp)), broken[:5])
    for sec in ("summary", "evidence", "decryption", "seller", "ledger", "crpl55", "conversations",
                "indicators", "glossary", "contacts", "anomalies", "method", "record"):
        check(sec in h.ids and ("#" + sec) in rep, "section %s exists and is linked" % sec)
    # the table of contents is numbered like the headings it links to
    nav = rep[rep.find('<nav id="toc"'):rep.find("</nav>")]
    heads = dict(re.findall(r'<section id="([^"]+)"><h2>([^<]*)', rep))
    num = lambda t: t.split("、")[0] if "、" in t else ""
    toc = re.findall(r'<a href="#([^"]+)">([^<]*)</a>', nav)
    wrong = [(i, t, heads.get(i)) for i, t in toc if i in heads and num(t) != num(heads[i])]
    check(toc and not wrong and all(i in heads or i.startswith("c-") or i.startswith("conv")
                                    for i, _ in toc),
          "the table of contents is numbered like the headings (%d entries)" % len(toc), wrong[:5])
    # header (T14)
    for lbl in ("案件编号", "检材编号", "检验人", "单位", "检验工具", "命令行", "运行环境", "生成时间", "时区说明"):
        check(lbl in rep, "header has " + lbl)
    check(cr.get(GIT_ID) in rep and cr.find(DF + "version").text in rep,
          "header shows the tool version and git id")
    check(len(h.generated) == 1 or "".join(h.generated), "one marked generated-at value")
    # print CSS (T31)
    check("size:A4" in rep and 'counter(page)' in rep and 'counter(pages)' in rep and "第 " in rep,
          "print CSS: A4 and 第 X 页 / 共 Y 页 page counters")
    check("break-inside:avoid" in rep, "print CSS keeps messages and rows on one page")
    # provenance equal to the XML (T10) and same instants (T16)
    merged = {}
    for x_ in allh:
        merged.update(x_.prov)
    mt = {}
    for x_ in allh:
        mt.update(x_.times)
    msgs = [i for i in xprov if i.startswith("m-")]
    missing = [i for i in msgs if i not in merged]
    check(not missing, "every message of the XML has an HTML bubble/row with provenance (%d)" % len(msgs),
          missing[:5])
    diff = []
    for i, hpv in merged.items():
        if i not in xprov:
            continue
        xp = xprov[i]
        for k in ("table", "rowid", "page", "frame", "offset", "length", "origin", "status", "confidence"):
            if (xp.get(k) or None) != (hpv.get(k) or None):
                diff.append((i, k, xp.get(k), hpv.get(k)))
        if hpv.get("file") != xp.get("file"):
            diff.append((i, "file", xp.get("file"), hpv.get("file")))
    check(not diff, "HTML provenance values equal the XML's", diff[:5])
    tdiff = [(i, xtime[i], mt.get(i)) for i in msgs if i in mt and mt[i] and mt[i][0] != xtime[i]]
    check(not tdiff, "HTML and XML show the same instant for each message", tdiff[:5])
    pays = [i for i in xprov if i.startswith("p-") and "-e" in i]
    ledger_ids = [i for i in pays if i in merged]
    check(ledger_ids, "ledger rows carry lifecycle events with provenance (%d)" % len(ledger_ids))
    check("已删除·恢复" in rep or not any(p["status"] != "intact" for p in xprov.values()),
          "recovered items are labelled in words (已删除·恢复)")
    check(not re.search(r"19[79]0-01-01", rep), "no 1970/1900 placeholder date in report.html")
    unknown_x = [i for i, t in xtime.items() if t == "unknown" and i in mt]
    check(all(mt[i][0] == "unknown" for i in unknown_x), "records without a time are shown as unknown (%d)" % len(unknown_x))
    for label in ("电子数据清单", "MD5", "SHA-1", "SHA-256", "处理后一致"):
        check(label in rep, "evidence list shows " + label)

    # ---- truth ------------------------------------------------------------------------------
    if truth:
        seller = truth.get("seller")
        check(seller and seller in rep, "the seller %s is named" % seller)
        lg = truth.get("ledger") or {}

        def yuan(f):
            return "¥{:,}.{:02d}".format(f // 100, f % 100)
        if lg and not hostile:
            check(yuan(lg["paid_fen"]) in rep, "ledger total paid %s" % yuan(lg["paid_fen"]))
            check(yuan(lg["crpl55_fen"]) in rep, "CRPL art. 55 figure %s" % yuan(lg["crpl55_fen"]))
            check("max(3 × 净付款, ¥500.00)" in rep, "CRPL formula with its inputs")
        if truth.get("owner", {}).get("alias"):
            pass
        check("已撤回" in rep if any(m.get("kind") in ("recall", "recalled") or m.get("type") == 10002
                                     for m in truth.get("messages", [])) else True,
              "recall notices labelled 已撤回 / recalled")

    fails = 0
    for good, name, detail in results:
        print(("ok" if good else "not ok") + " - " + name)
        if not good:
            fails += 1
            if detail is not None:
                print("# " + str(detail)[:400])
    return 1 if fails else 0


def e_ms(t):
    from datetime import datetime
    return datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp()


if __name__ == "__main__":
    # a checker that stops half way must fail the test, not just print fewer checks
    try:
        rc = main()
    except Exception as e:
        for l in traceback.format_exc().splitlines():
            print("# " + l)
        print("not ok - check_bundle.py stopped before the end: %s: %s" % (type(e).__name__, e))
        rc = 1
    sys.exit(rc)
