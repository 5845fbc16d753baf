#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Files over 4 GB: a sparse plaintext database of 2^20 + 300 pages (4 296 196 096 bytes) whose
# table lives on its last page (byte offset beyond 2^32), and its SQLCipher-4-encrypted twin,
# both made by tests/tools/make_big_sqlite.py (sqlite3 CLI + Python; only two real pages, the
# rest holes).  carve reads the live rows and recovers the deleted ones with the page number and
# the absolute byte offset of each record (checked against the file's bytes by Python); decrypt
# verifies the two real pages, counts the holes as zero pages and writes an output that stays
# sparse; sqlite3 reads the decrypted image; carve on it gives the same offsets.  Skipped where
# the filesystem of TMPDIR does not keep files sparse.  Everything is removed at exit.
. "$top_srcdir/tests/cli/lib.sh"
for t in python3 sqlite3; do
	command -v $t > /dev/null 2>&1 || { skip "$t not installed"; done_testing; }
done
python3 -c 'import cryptography' 2> /dev/null || { skip "python3-cryptography not installed"; done_testing; }
python3 "$top_srcdir/tests/tools/make_big_sqlite.py" "$TMPD" > "$TMPD/gen.out" 2>&1
rc=$?
if [ "$rc" -eq 77 ]; then
	skip "$(cat "$TMPD/gen.out")"
	done_testing
fi
is "$rc" 0 "make_big_sqlite.py wrote a sparse plaintext and an encrypted database of $(awk '/^size/ { print $2 }' "$TMPD/truth.txt") bytes"
[ "$rc" -eq 0 ] || { cat "$TMPD/gen.out"; done_testing; }
cd "$TMPD" || exit 1
val() { awk -v k="$1" '$1 == k { print $2; exit }' truth.txt; }
ROOT=$(val root)

# check.py JSONL FILE: every live and deleted marker of truth.txt is reported once, on page
# ROOT, and the bytes at the reported offset (absolute, beyond 2^32) and length of FILE hold the
# record's text.  Prints a one-line summary.
cat > check.py <<'PY'
import json, sys
out, path = sys.argv[1], sys.argv[2]
truth = [l.split() for l in open("truth.txt")]
root = int(dict((k, v) for k, v, *_ in truth)["root"])
recs = [json.loads(l) for l in open(out, encoding="utf-8")]
bad, n = [], {"live": 0, "gone": 0}
with open(path, "rb") as f:
    for kind, marker in ((t[0], t[1]) for t in truth if t[0] in ("live", "gone")):
        hits = [r for r in recs if marker in (r["values"] or {}).get("body", "")]
        want = "intact" if kind == "live" else "deleted-recovered"
        if len(hits) != 1 or hits[0]["status"] != want:
            bad.append("%s: %d records %s" % (marker, len(hits), [h["status"] for h in hits]))
            continue
        r = hits[0]
        f.seek(r["offset"])
        data = f.read(r["length"])
        if r["page"] != root or r["offset"] < 1 << 32 or marker.encode() not in data or \
           r["offset"] // 4096 + 1 != root:
            bad.append("%s: page %d offset %d" % (marker, r["page"], r["offset"]))
            continue
        n[kind] += 1
print("%d live, %d deleted, all on page %d at offsets %d..%d; wrong: %s" % (
    n["live"], n["gone"], root, min(r["offset"] for r in recs), max(r["offset"] for r in recs),
    bad or "none"))
sys.exit(1 if bad else 0)
PY

t0=$(date +%s)
"$WXF" carve plain.db --all > plain.jsonl 2> plain.err
is "$?" 0 "carve of the 4 GB plaintext database exits 0"
ok "grep -q '$ROOT pages' plain.err" "carve walked all $ROOT pages"
res=$(python3 check.py plain.jsonl plain.db)
ok "[ $? -eq 0 ]" "plaintext: $res"
t1=$(date +%s)

"$WXF" decrypt cipher.db -o dec.db --key "$(val key)" --profile wx4 --no-sidecars --json > dec.json 2> dec.err
is "$?" 0 "decrypt of the 4 GB encrypted database exits 0"
ok "python3 -c 'import json, sys; d = json.load(open(\"dec.json\"))[\"database\"]; sys.exit(not (d[\"units\"] == $ROOT and d[\"good\"] == 2 and d[\"zero\"] == $ROOT - 2 and d[\"bad\"] == 0 and d[\"size\"] == $(val size)))'" \
	"decrypt: $ROOT pages, the 2 real ones verified, $((ROOT - 2)) zero, none bad"
ok "[ \$(stat -c %s dec.db) -eq $(val size) ] && [ \$((\$(stat -c %b dec.db) * 512)) -lt 104857600 ]" \
	"the decrypted image has the full size and stays sparse ($(($(stat -c %b dec.db 2> /dev/null || echo 0) / 2)) KiB on disk)"
ok "[ \"\$(sqlite3 -readonly dec.db 'SELECT count(*) FROM big')\" = 10 ]" "sqlite3 reads the 10 live rows from the decrypted image"
"$WXF" carve dec.db --all > dec.jsonl 2> dec-carve.err
is "$?" 0 "carve of the decrypted 4 GB image exits 0"
res=$(python3 check.py dec.jsonl dec.db)
ok "[ $? -eq 0 ]" "decrypted image: $res"
same() { python3 -c 'import json, sys; print(sorted((r["status"], r["page"], r["offset"], r["length"]) for r in map(json.loads, open(sys.argv[1]))))' "$1"; }
ok "[ \"\$(same plain.jsonl)\" = \"\$(same dec.jsonl)\" ]" \
	"the same records, pages and offsets in the plaintext and the decrypted image"
t2=$(date +%s)
diag "plaintext carve $((t1 - t0)) s; decrypt and carve $((t2 - t1)) s"
done_testing
