# SPDX-License-Identifier: Apache-2.0
"""Independent check of a bundle's cited bytes (Python standard library only; shares no code
with wxforensic).  For every <provenance> of OUTDIR/timeline.xml:

  * the cited file exists: the image below the bundle, or the evidence file located through the
    audit log's "evidence-root" records; a WAL frame (frame="n") is cited in a -wal file;
  * file_sha256 is the evidence file's SHA-256 as evidence.sha256 lists it (when listed);
  * range_sha256 is the SHA-256 of bytes [offset, offset+length) of that file;
  * the range holds the text the bundle reports for it (not in <findings>, whose provenances
    repeat records checked with their text elsewhere: there the range only) (the needle of wxforensic-timeline(5)):
    in the range itself, or in the payload of the SQLite table-leaf record whose cell starts at
    the offset, its overflow chain followed (parsed here from the file format, sqlite.org
    fileformat2.html section 1.6 and 2.1).

Prints one JSON object: counts and the first failures.  Exit 0 when there is none.
"""
import hashlib
import json
import os
import sys
import xml.etree.ElementTree as ET

NS = "{urn:wxforensic:timeline:2}"


def roots(out):
    r = {}
    with open(os.path.join(out, "audit.jsonl"), encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if rec.get("action") == "evidence-root":
                r[rec["name"]] = rec["realpath"]
    return r


def evidence_hashes(out):
    h = {}
    p = os.path.join(out, "evidence.sha256")
    if os.path.exists(p):
        for line in open(p, encoding="utf-8"):
            hexd, path = line.rstrip("\n").split("  ", 1)
            h[path] = hexd
    return h


def locate(out, rts, prov):
    if prov.get("image"):
        return os.path.join(out, prov.get("image"))
    f = prov.get("file")
    name, _, rest = f.partition("/")
    base = rts.get(name)
    if base is None:
        return f
    return os.path.join(base, rest) if rest else base


CUT = set(" \t\n\r&<>\"'|")


def needle(vis):
    """The first piece of >= 8 bytes (else the longest) of the visible text cut at [U+XXXX]
    markers, U+FFFD, whitespace, & < > " ' and |, from its first 512 bytes, at most 24 bytes."""
    b = vis.encode("utf-8")[:512]
    pieces, start, i = [], 0, 0
    while i <= len(b):
        cut = 0
        if i < len(b):
            ch = b[i:i + 1]
            if ch.decode("latin-1") in CUT:
                cut = 1
            elif b[i:i + 3] == b"\xef\xbf\xbd":
                cut = 3
            elif ch == b"[" and b[i:i + 3] == b"[U+":
                k = 3
                while k < 9 and i + k < len(b) and b[i + k:i + k + 1] in b"0123456789ABCDEF":
                    k += 1
                if k >= 7 and i + k < len(b) and b[i + k:i + k + 1] == b"]":
                    cut = k + 1
        if i == len(b) or cut:
            piece = b[start:i]
            pieces.append(piece)
            if len(piece) >= 8 or i == len(b):
                break
            i += cut
            start = i
            continue
        i += 1
    good = [p for p in pieces if len(p) >= 8]
    best = good[0] if good else max(pieces, key=len, default=b"")
    if len(best) > 24:
        n = 24
        while n > 0 and (best[n] & 0xC0) == 0x80:
            n -= 1
        best = best[:n]
    return best


def varint(b, i):
    v = 0
    for k in range(8):
        c = b[i + k]
        v = (v << 7) | (c & 0x7F)
        if c < 0x80:
            return v, i + k + 1
    return (v << 8) | b[i + 8], i + 9


def record_payload(data, pgno, off):
    """Payload of the table-leaf cell at absolute offset `off` of page pgno, or None."""
    if len(data) < 100 or data[:16] != b"SQLite format 3\x00" or pgno == 0:
        return None
    ps = int.from_bytes(data[16:18], "big")
    ps = 65536 if ps == 1 else ps
    usable = ps - data[20]
    start = (pgno - 1) * ps
    hdr = start + (100 if pgno == 1 else 0)
    if start + ps > len(data) or data[hdr] != 0x0D or not (start <= off < start + usable):
        return None
    try:
        plen, i = varint(data, off)
        _, i = varint(data, i)
    except IndexError:
        return None
    x = usable - 35
    if plen <= x:
        return bytes(data[i:i + plen])
    m = ((usable - 12) * 32 // 255) - 23
    k = m + ((plen - m) % (usable - 4))
    local = k if k <= x else m
    out = bytearray(data[i:i + local])
    nxt = int.from_bytes(data[i + local:i + local + 4], "big")
    seen = set()
    while nxt and len(out) < plen and nxt not in seen:
        seen.add(nxt)
        p = (nxt - 1) * ps
        if p + ps > len(data):
            break
        nxt = int.from_bytes(data[p:p + 4], "big")
        out += data[p + 4:p + usable][:plen - len(out)]
    return bytes(out)


def main():
    out = sys.argv[1]
    rts, ev = roots(out), evidence_hashes(out)
    tree = ET.parse(os.path.join(out, "timeline.xml"))
    cache = {}
    res = {"checked": 0, "text_checked": 0, "failures": [], "failed": 0, "wal_frames": 0}

    def fail(item, why):
        res["failed"] += 1
        if len(res["failures"]) < 20:
            res["failures"].append("%s: %s" % (item, why))

    def check(prov, text, item):
        res["checked"] += 1
        path = locate(out, rts, prov)
        if prov.get("image") and (prov.get("image").startswith("/") or ".." in prov.get("image").split("/")):
            return fail(item, "image outside the bundle")
        off, ln = int(prov.get("offset")), int(prov.get("length"))
        if ln == 0 and os.path.isdir(path):
            # a value known from a folder's name: nothing read, the name holds the text
            if prov.get("range_sha256") != hashlib.sha256(b"").hexdigest():
                return fail(item, "range_sha256 of a zero-length citation is not that of nothing")
            nd = needle(text) if text is not None else b""
            if nd:
                res["text_checked"] += 1
                if nd not in (prov.get("image") or prov.get("file")).encode("utf-8"):
                    return fail(item, "the folder name %s does not hold %r" % (prov.get("file"), nd))
            return
        if not os.path.isfile(path):
            return fail(item, "cited file %s does not exist" % path)
        if path not in cache:
            cache[path] = open(path, "rb").read()
        data = cache[path]
        off, ln = int(prov.get("offset")), int(prov.get("length"))
        fr = int(prov.get("frame", "0"))
        is_frame = fr and prov.get("origin") != "backup"  # a backup item's number is no frame
        if is_frame:
            # a record read from a WAL frame or journal record is cited in that file
            suf = "-journal" if prov.get("origin") == "journal" else "-wal"
            res["wal_frames"] += 1
            if not prov.get("file", "").endswith(suf) or (prov.get("image") and not prov.get("image").endswith(suf)):
                return fail(item, "a %s frame cited in %s, not in a %s file" % (prov.get("origin"), prov.get("file"), suf))
        fs = prov.get("file_sha256")
        if fs and prov.get("file") in ev and ev[prov.get("file")] != fs:
            return fail(item, "file_sha256 is not the SHA-256 evidence.sha256 lists for %s" % prov.get("file"))
        if off + ln > len(data):
            return fail(item, "range %d+%d beyond the end of %s" % (off, ln, path))
        rng = data[off:off + ln]
        if hashlib.sha256(rng).hexdigest() != prov.get("range_sha256"):
            return fail(item, "range_sha256 differs for %d+%d of %s" % (off, ln, path))
        if text is None:
            return
        nd = needle(text)
        if not nd:
            return
        res["text_checked"] += 1
        if nd in rng:
            return
        pl = record_payload(data, int(prov.get("page", "0")), off) if not is_frame else None
        if pl is not None and nd in pl:
            return
        fail(item, "bytes %d+%d of %s do not hold %r" % (off, ln, path, nd.decode("utf-8", "replace")))

    root = tree.getroot()
    for ident in root.iter(NS + "identity"):
        name = ident.get("username")
        for ch in ident:
            if ch.tag == NS + "provenance":
                check(ch, name, name)
            elif ch.tag == NS + "attribute":
                for p in ch.findall(NS + "provenance"):
                    check(p, ch.get("value"), name)
    for tag in ("event", "fragment"):
        for e in root.iter(NS + tag):
            item = e.get("id")
            text = None
            if e.get("type") == "message":
                t = e.find(NS + "text")
                if t is not None and t.get("witness") is None and t.get("placeholder") is None:
                    text = t.text or ""
            c = e.find(NS + "contact")
            if c is not None:
                text = c.get("value")
            for p in e.findall(NS + "provenance"):
                check(p, text, item)
            for w in e.findall(NS + "witness"):
                t = w.find(NS + "text")
                for p in w.findall(NS + "provenance"):
                    check(p, t.text or "" if t is not None else None, "%s witness %s" % (item, w.get("n")))
    # the findings cite records whose text is checked above: their ranges are checked here
    for fd in root.iter(NS + "findings"):
        for el in fd.iter():
            for p in el.findall(NS + "provenance"):
                check(p, None, "findings %s %s" % (el.tag.replace(NS, ""),
                                                   el.get("ref") or el.get("payment") or ""))
    print(json.dumps(res, ensure_ascii=False))
    sys.exit(1 if res["failed"] else 0)


if __name__ == "__main__":
    main()
