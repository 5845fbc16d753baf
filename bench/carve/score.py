#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Accuracy scorer for `wxforensic carve` on the Nemetz/Schmitt/Freiling SQLite Forensic Corpus.

usage: score.py WXFORENSIC CORPUS_DIR [--timeout S] [--json OUT] [--cats 0A,0C,...]

Ground truth: every <row deleted="1"> of every <element> in NN-MM.xml (table + ordered values),
and every row of an element marked <deleted>True</deleted> (a dropped table: all its rows are gone).
A reported record (status deleted-recovered, partially-recovered or superseded; index fragments
and schema remnants are counted apart) matches a target when it is attributed to the target's
table and ALL the target's values are among the record's recovered values (numbers compared
numerically).  Per category:
  recall     = matched targets / all deleted targets
  recall_surv= matched targets / targets whose record body still survives contiguously in the
               file ("surviving": serial-encoded body found byte for byte; stated per category)
  precision  = reported records matching some deleted target / all reported records
  live_fp    = reported records that equal a live row (a live row reported as deleted)
  key_conf   = reported records that equal a row the answer key calls live but which the database
               itself does not hold (read with python's sqlite3 when its integrity check passes):
               answer-key errors (09-01 marks all 5000 rows live, its SQL deletes 1148 of them),
               counted apart instead of as live_fp
Every database is also run under a timeout: crashes (signal) and hangs are counted.
"""
import json, math, os, sqlite3, struct, subprocess, sys, time
import xml.etree.ElementTree as ET

CATS = ["0A", "0B", "0C", "0D", "0E", "17", "18"]
ALLCATS = ["01", "02", "03", "04", "05", "06", "07", "08", "09", "0A", "0B", "0C", "0D", "0E",
           "11", "12", "13", "14", "15", "16", "17", "18", "19"]


def load_key(path):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        return []   # a few keys of folder 01 (weird table names) are not well-formed XML
    out = []
    for el in root.findall("element"):
        meta = el.find("meta")
        if meta is None or (meta.findtext("type") or "") != "table":
            continue
        name = meta.findtext("name") or ""
        types = [(cd.findtext("columnTypeName") or "") for cd in el.findall("sql/columnDefinition")]
        ent = el.find("entries")
        if ent is None:
            continue
        for row in ent.findall("row"):
            vals = [(c.findtext("content") or "") for c in row.findall("column")]
            out.append({"table": name, "values": vals, "types": types,
                        "deleted": row.get("deleted") == "1" or (meta.findtext("deleted") or "") == "True",
                        "dropped": (meta.findtext("deleted") or "") == "True"})
    return out


def num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def same(target, got):
    if got is None:
        return target == "" or target.upper() == "NULL"
    if isinstance(got, dict):
        return False
    if isinstance(got, (int, float)):
        t = num(target)
        return t is not None and (t == got or abs(t - got) <= 1e-9 * max(1.0, abs(t)))
    if got == target:
        return True
    t, g = num(target), num(got)
    return t is not None and g is not None and t == g


def matches(target, rec):
    vals = list(rec["values"].values())
    used = [False] * len(vals)
    for tv in target["values"]:
        hit = False
        for i, g in enumerate(vals):
            if not used[i] and same(tv, g):
                used[i] = hit = True
                break
        if not hit:
            return False
    return True


def enc_int(v):
    for n, fmt in ((1, ">b"), (2, ">h")):
        if -(1 << (8 * n - 1)) <= v < (1 << (8 * n - 1)):
            return struct.pack(fmt, v)
    for n in (3, 4, 6, 8):
        if -(1 << (8 * n - 1)) <= v < (1 << (8 * n - 1)):
            return v.to_bytes(n, "big", signed=True)
    return None


def body_of(target):
    """The record body SQLite would have written (affinity per declared type), or None."""
    out = b""
    for v, t in zip(target["values"], target["types"] + [""] * len(target["values"])):
        T = t.upper()
        n = num(v)
        if "INT" in T and n is not None and n == int(n):
            b = enc_int(int(n))
        elif any(k in T for k in ("REAL", "FLOA", "DOUB")) and n is not None:
            b = enc_int(int(n)) if n == int(n) and abs(n) < 2 ** 63 else struct.pack(">d", n)
        elif v == "" or v.upper() == "NULL":
            b = b""
        else:
            b = v.encode("utf-8")
        if b is None:
            return None
        out += b
    return out


def db_live_rows(db):
    """{table: set of value tuples (as text)} of the rows the database holds, or None when the
    database does not pass python's sqlite3 integrity check (then the answer key is trusted)."""
    try:
        con = sqlite3.connect("file:%s?mode=ro&immutable=1" % db, uri=True)
        if con.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            return None
        out = {}
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall():
            rows = con.execute('SELECT * FROM "%s"' % name.replace('"', '""')).fetchall()
            out[name.lower()] = set(tuple(canon(v) for v in r) for r in rows)
        con.close()
        return out
    except Exception:
        return None


def canon(v):
    if v is None:
        return ("s", "")
    if isinstance(v, bytes):
        return ("s", v.hex())
    n = num(v if isinstance(v, str) else str(v))
    if n is not None:
        return ("n", n)
    return ("s", str(v))


def key_row_live(t, dblive):
    if dblive is None:
        return True
    rows = dblive.get(t["table"].lower())
    return rows is not None and tuple(canon(v) for v in t["values"]) in rows


def run(wxf, db, timeout):
    t0 = time.time()
    try:
        p = subprocess.run([wxf, "carve", "-q", db], capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "hang", time.time() - t0
    if p.returncode < 0 or p.returncode >= 128 or p.returncode == 4:
        return None, "crash(%d)" % p.returncode, time.time() - t0
    recs = []
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        try:
            recs.append(json.loads(line))
        except ValueError:
            pass
    return recs, "ok" if p.returncode == 0 else "exit%d" % p.returncode, time.time() - t0


def rep_needs_live(recs):
    return any(r.get("status") in ("deleted-recovered", "partially-recovered", "superseded") for r in recs)


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__)
        return 2
    wxf, corpus = args[0], args[1]
    timeout, jout, cats = 30.0, None, CATS
    i = 2
    while i < len(args):
        if args[i] == "--timeout":
            timeout = float(args[i + 1]); i += 2
        elif args[i] == "--json":
            jout = args[i + 1]; i += 2
        elif args[i] == "--cats":
            cats = args[i + 1].split(","); i += 2
        elif args[i] == "--all-cats":
            cats = ALLCATS; i += 1
        else:
            print("unknown argument", args[i]); return 2
    v2 = os.path.join(corpus, "sqlite_forensic_corpus_v2.0")
    report, failures = {}, []
    for cat in cats:
        d = os.path.join(v2, cat)
        if not os.path.isdir(d):
            continue
        S = dict(dbs=0, targets=0, surviving=0, matched=0, matched_surv=0, reported=0, tp_reported=0,
                 live_fp=0, key_conf=0, fragments=0, schema=0, crashes=0, hangs=0, seconds=0.0)
        for xmlf in sorted(f for f in os.listdir(d) if f.endswith(".xml")):
            stem = xmlf[:-4]
            db = os.path.join(d, stem + ".db")
            if not os.path.exists(db):
                db = os.path.join(d, stem + "_antifor.db")
            if not os.path.exists(db):
                continue
            key = load_key(os.path.join(d, xmlf))
            raw = open(db, "rb").read()
            recs, status, secs = run(wxf, db, timeout)
            S["dbs"] += 1
            S["seconds"] += secs
            if recs is None:
                S["hangs" if status == "hang" else "crashes"] += 1
                failures.append((db, status))
                recs = []
            deleted = [k for k in key if k["deleted"]]
            live = [k for k in key if not k["deleted"]]
            if rep_needs_live(recs):
                dblive = db_live_rows(db)
                conflict = [k for k in live if not key_row_live(k, dblive)] if dblive is not None else []
                if conflict:
                    live = [k for k in live if key_row_live(k, dblive)]
            else:
                conflict = []
            rep = [r for r in recs if r.get("status") in ("deleted-recovered", "partially-recovered", "superseded")
                   and not r.get("schema_remnant")]
            S["fragments"] += sum(1 for r in recs if r.get("status") == "fragment")
            S["schema"] += sum(1 for r in recs if r.get("schema_remnant"))
            S["targets"] += len(deleted)
            hit_t = set()
            for r in rep:
                m = [i for i, t in enumerate(deleted) if t["table"].lower() == (r.get("table") or "").lower() and matches(t, r)]
                if m:
                    S["tp_reported"] += 1
                    hit_t.update(m)
                elif any(t["table"].lower() == (r.get("table") or "").lower() and matches(t, r) for t in live):
                    S["live_fp"] += 1
                elif any(t["table"].lower() == (r.get("table") or "").lower() and matches(t, r) for t in conflict):
                    S["key_conf"] += 1
            S["reported"] += len(rep)
            S["matched"] += len(hit_t)
            for i, t in enumerate(deleted):
                b = body_of(t)
                surv = b is not None and len(b) > 0 and b in raw
                S["surviving"] += surv
                S["matched_surv"] += surv and i in hit_t
        S["recall"] = round(S["matched"] / S["targets"], 3) if S["targets"] else None
        S["recall_surviving"] = round(S["matched_surv"] / S["surviving"], 3) if S["surviving"] else None
        S["precision"] = round(S["tp_reported"] / S["reported"], 3) if S["reported"] else None
        S["seconds"] = round(S["seconds"], 2)
        report[cat] = S
    print("%-4s %4s %7s %6s %7s %7s %8s %9s %7s %8s %5s %5s %5s" % ("cat", "dbs", "targets", "surv", "matched",
          "recall", "rec/surv", "precision", "live_fp", "key_conf", "frag", "crash", "hang"))
    for cat, S in report.items():
        f = lambda v: "-" if v is None else "%.3f" % v
        print("%-4s %4d %7d %6d %7d %7s %8s %9s %7d %8d %5d %5d %5d" % (cat, S["dbs"], S["targets"], S["surviving"],
              S["matched"], f(S["recall"]), f(S["recall_surviving"]), f(S["precision"]), S["live_fp"],
              S["key_conf"], S["fragments"], S["crashes"], S["hangs"]))
    for db, st in failures:
        print("FAILED", db, st)
    if jout:
        with open(jout, "w") as f:
            json.dump(report, f, indent=1, sort_keys=True)
    return 1 if failures or any(S["live_fp"] for S in report.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
