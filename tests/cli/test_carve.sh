# SPDX-License-Identifier: Apache-2.0
# wxforensic carve on fixtures made by sqlite3/Python (fixtures/sqlite/, ground truth beside
# each database): deleted rows recovered, no live row reported as deleted, WAL-only deletions,
# PERSIST journal, UTF-16, reserved bytes, output formats, usage errors, hostile input.
. "$top_srcdir/tests/cli/lib.sh"
F=$top_srcdir/fixtures/sqlite
if ! command -v python3 > /dev/null 2>&1; then
	skip "python3 not installed"
	done_testing
fi
# check.py OUT TRUTH TABLE MIN_RECALL: recall of deleted rows (all non-null values matched) and
# live rows reported as deleted/partial (must be 0).  Prints "recall live_fp".
cat > "$TMPD/check.py" <<'PY'
import json, sys
out, truth, table, minrec = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
# optional 5th argument: strict, every value recovered except the listed columns (comma list,
# e.g. the rowid alias, whose value is the rowid a clobbered cell loses); "-" = none
may_lose = None if len(sys.argv) < 6 else [c for c in sys.argv[5].split(",") if c != "-"]
t = json.load(open(truth, encoding="utf-8"))["tables"][table]
recs = [json.loads(l) for l in open(out, encoding="utf-8")]
cols = t["columns"]
def norm(v):
    return v["blob"] if isinstance(v, dict) and "blob" in v else v["hex"] if isinstance(v, dict) else v
def match(row, r):
    if row["values"] is None:
        return r.get("rowid") == row["rowid"]
    vals = r["values"]
    for c, v in zip(cols, row["values"]):
        if c in r.get("lost", []) and (may_lose is None or c in may_lose):
            continue
        if norm(vals.get(c)) != norm(v) and not (isinstance(v, float) and abs((vals.get(c) or 0) - v) < 1e-9):
            return False
    return True
rep = [r for r in recs if r["table"] == table and r["status"] in ("deleted-recovered", "partially-recovered")]
hit = sum(1 for d in t["deleted"] if any(match(d, r) for r in rep))
live_fp = sum(1 for r in rep if any(match(l, r) and l["values"] is not None for l in t["live"])
              and not any(match(d, r) for d in t["deleted"]))
rec = hit / len(t["deleted"]) if t["deleted"] else 1.0
print("%.2f %d" % (rec, live_fp))
sys.exit(0 if rec >= minrec and live_fp == 0 else 1)
PY
check() { # name db table min_recall [carve options]
	name=$1 db=$2 table=$3 min=$4
	shift 4
	"$WXF" carve -q "$@" "$F/$db" > "$TMPD/$name.jsonl" 2> "$TMPD/$name.err"
	is "$?" 0 "$name: carve exits 0"
	res=$(python3 "$TMPD/check.py" "$TMPD/$name.jsonl" "$F/$db.truth.json" "$table" "$min")
	ok '[ $? -eq 0 ]' "$name: recall >= $min, no live row reported as deleted ($res)"
}
check basic basic.db message 0.4
check utf16 utf16.db contact 0.75
check freelist freelist.db chat 0.8
check reserve16 reserve16.db rcontact 1.0
check reserve48 reserve48.db rcontact 1.0
check reserve80 reserve80.db rcontact 1.0
check journal journal.db message 1.0 --journal "$F/journal.db-journal"
check wal wal.db message 1.0 --wal "$F/wal.db-wal"
# freeblock reconstruction (strict: every value, only the rowid alias may be lost)
check2() { # name db table min_recall may_lose
	name=$1 db=$2 table=$3 min=$4 lose=$5
	"$WXF" carve -q "$F/$db" > "$TMPD/$name.jsonl" 2> "$TMPD/$name.err"
	is "$?" 0 "$name: carve exits 0"
	res=$(python3 "$TMPD/check.py" "$TMPD/$name.jsonl" "$F/$db.truth.json" "$table" "$min" "$lose")
	ok '[ $? -eq 0 ]' "$name: recall >= $min with every value, no live row reported as deleted ($res)"
}
check2 fb-small freeblock.db small 1.0 -
check2 fb-msg freeblock.db msg 0.9 msgId
ok 'grep "\"table\":\"small\"" "$TMPD/fb-small.jsonl" | grep -q "\"origin\":\"freeblock\""' "freeblock: clobbered cells come from freeblocks"
ok 'python3 -c "import json,sys; sys.exit(not any(len(json.loads(l)[\"values\"].get(\"content\") or \"\") >= 1800 for l in open(sys.argv[1], encoding=\"utf-8\")))" "$TMPD/fb-msg.jsonl"' "freeblock: a clobbered cell with an overflow chain is rebuilt whole"
check2 dropped-alpha dropped2.db alpha 1.0 -
check2 dropped-beta dropped2.db beta 1.0 -
check2 autovac autovac.db users 0.4 -
# live rows cut off a manipulated cell-pointer array (pointers zeroed) are not deleted rows
python3 - "$F/freeblock.db" "$TMPD/ptr.db" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
pg = 4096                       # page 2: the one leaf page of table small
n = int.from_bytes(d[pg + 3:pg + 5], "big")
for i in range(min(n, 6)):
    d[pg + 8 + 2 * i:pg + 10 + 2 * i] = b"\0\0"
open(sys.argv[2], "wb").write(d)
PY
cp "$F/freeblock.db.truth.json" "$TMPD/ptr.db.truth.json"
"$WXF" carve -q "$TMPD/ptr.db" > "$TMPD/ptr.jsonl" 2> "$TMPD/ptr.err"
res=$(python3 "$TMPD/check.py" "$TMPD/ptr.jsonl" "$TMPD/ptr.db.truth.json" small 1.0 -)
ok '[ $? -eq 0 ]' "zeroed cell pointers: the hidden live rows are not reported as deleted ($res)"
ok 'grep -q "\"origin\":\"journal\"" "$TMPD/journal.jsonl"' "journal: records come from the journal"
ok 'grep "\"rowid\":17," "$TMPD/wal.jsonl" | grep -q deleted-recovered' "wal: row deleted only in the WAL is reported deleted"
ok 'grep "\"rowid\":25," "$TMPD/wal.jsonl" | grep -q superseded' "wal: the old version of an updated row is superseded"
ok 'grep -q "已修改" "$F/wal.db.truth.json" && ! grep "\"rowid\":25," "$TMPD/wal.jsonl" | grep -q "已修改"' "wal: the live version is not reported"
ok 'python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$TMPD/basic.jsonl"' "JSONL parses"
ok 'python3 -c "import json,sys; sys.exit(not any(any(0x4e00 <= ord(ch) <= 0x9fff for ch in str(json.loads(l)[\"values\"])) for l in open(sys.argv[1], encoding=\"utf-8\")))" "$TMPD/utf16.jsonl"' "UTF-16 Chinese text printed as UTF-8"
"$WXF" carve -q --all "$F/basic.db" > "$TMPD/all.jsonl"
live=$(grep -c '"status":"intact"' "$TMPD/all.jsonl")
want=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from message').fetchone()[0])" "$F/basic.db")
is "$live" "$want" "--all prints every live row (as many as sqlite3 counts)"
"$WXF" carve -q --format csv "$F/freelist.db" > "$TMPD/out.csv"
ok 'head -1 "$TMPD/out.csv" | grep -q "^table,rowid,status,origin,file,page,frame,offset,length,confidence"' "CSV header"
ok 'python3 -c "import csv,sys; r=list(csv.reader(open(sys.argv[1]))); sys.exit(len(r) < 2)" "$TMPD/out.csv"' "CSV parses"
"$WXF" carve -q --table chat --min-confidence 95 "$F/freelist.db" > "$TMPD/t.jsonl"
ok '! grep -v "\"table\":\"chat\"" "$TMPD/t.jsonl" | grep -q . && ! grep -q "\"confidence\":[0-8][0-9]," "$TMPD/t.jsonl"' "--table and --min-confidence filter"
"$WXF" carve --format xml "$F/basic.db" > /dev/null 2>&1
is "$?" 2 "bad --format is a usage error"
"$WXF" carve "$TMPD/missing.db" > /dev/null 2>&1
is "$?" 3 "missing database: exit 3"
head -c 3000 /dev/urandom > "$TMPD/junk.db"
"$WXF" carve "$TMPD/junk.db" > /dev/null 2>&1
is "$?" 3 "not a database: exit 3"
# hostile: a real database with random bytes written over its pages
python3 - "$F/basic.db" "$TMPD/hostile.db" <<'PY'
import random, sys
d = bytearray(open(sys.argv[1], "rb").read()); r = random.Random(7)
for _ in range(400):
    d[r.randrange(100, len(d))] = r.randrange(256)
open(sys.argv[2], "wb").write(d)
PY
timeout 20 "$WXF" carve -q "$TMPD/hostile.db" > /dev/null 2>&1
rc=$?
ok '[ $rc -eq 0 ]' "hostile database: no crash, no hang (rc $rc)"
# bounded-memory mode (spilled partitions, forced small): the same records as in memory
for db in basic freeblock freelist wal journal autovac; do
	extra=
	[ -f "$F/$db.db-wal" ] && extra="--wal $F/$db.db-wal"
	[ -f "$F/$db.db-journal" ] && extra="--journal $F/$db.db-journal"
	"$WXF" carve -q $extra "$F/$db.db" | sort > "$TMPD/mem.jsonl"
	WXF_CARVE_PART_KB=1 "$WXF" carve -q $extra "$F/$db.db" | sort > "$TMPD/spill.jsonl"
	ok 'cmp -s "$TMPD/mem.jsonl" "$TMPD/spill.jsonl" && [ -s "$TMPD/mem.jsonl" ]' "$db: spilled partitions recover the same records"
	# threads: byte-identical output (same lines in the same order) for any --jobs
	WXF_CARVE_PART_KB=1 "$WXF" carve -q --jobs 1 $extra "$F/$db.db" > "$TMPD/j1.jsonl"
	WXF_CARVE_PART_KB=1 "$WXF" carve -q --jobs 3 $extra "$F/$db.db" > "$TMPD/j3.jsonl"
	WXF_CARVE_PART_KB=1 "$WXF" carve -q --jobs 16 $extra "$F/$db.db" > "$TMPD/j16.jsonl"
	ok 'cmp -s "$TMPD/j1.jsonl" "$TMPD/j3.jsonl" && cmp -s "$TMPD/j1.jsonl" "$TMPD/j16.jsonl" && sort "$TMPD/j1.jsonl" | cmp -s - "$TMPD/mem.jsonl"' "$db: --jobs 1, 3 and 16 print the same bytes"
done
# threads on a larger image (Python's sqlite3: 20k messages, a block and scattered rows deleted):
# many chunks per thread, so the threads' candidate streams really interleave
python3 - "$TMPD/mt.db" <<'PY'
import random, sqlite3, sys
r = random.Random(5); con = sqlite3.connect(sys.argv[1])
con.executescript("PRAGMA secure_delete=OFF; PRAGMA page_size=1024;"
                  "CREATE TABLE message (msgId INTEGER PRIMARY KEY, msgSvrId INTEGER, talker TEXT, content TEXT);"
                  "CREATE INDEX svr ON message(msgSvrId);")
con.executemany("INSERT INTO message VALUES (?,?,?,?)", ((i, 9000000 + i * 7, "wxid_t%03d" % r.randrange(40),
                "订单%d 已付款 ¥%d" % (i, r.randrange(1, 9000)) * r.randrange(1, 4)) for i in range(1, 20001)))
con.commit()
con.execute("DELETE FROM message WHERE msgId BETWEEN 5000 AND 7000 OR msgId % 7 = 3"); con.commit()
PY
"$WXF" carve -q "$TMPD/mt.db" | sort > "$TMPD/mt-mem.jsonl"
WXF_CARVE_PART_KB=64 "$WXF" carve -q --jobs 1 "$TMPD/mt.db" > "$TMPD/mt1.jsonl"
WXF_CARVE_PART_KB=64 "$WXF" carve -q --jobs 2 "$TMPD/mt.db" > "$TMPD/mt2.jsonl"
WXF_CARVE_PART_KB=64 "$WXF" carve -q --jobs 7 "$TMPD/mt.db" > "$TMPD/mt7.jsonl"
ok 'cmp -s "$TMPD/mt1.jsonl" "$TMPD/mt2.jsonl" && cmp -s "$TMPD/mt1.jsonl" "$TMPD/mt7.jsonl"' "larger image: --jobs 1, 2 and 7 print the same bytes"
ok 'sort "$TMPD/mt1.jsonl" | cmp -s - "$TMPD/mt-mem.jsonl" && [ $(wc -l < "$TMPD/mt-mem.jsonl") -gt 4000 ]' "larger image: threads recover what the in-memory run recovers ($(wc -l < "$TMPD/mt-mem.jsonl") records)"
# hostile bytes through the threaded spilling path: no crash, the same records as in memory
WXF_CARVE_PART_KB=1 timeout 20 "$WXF" carve -q --all --jobs 4 "$TMPD/hostile.db" > "$TMPD/h4.jsonl" 2>/dev/null
rc=$?
timeout 20 "$WXF" carve -q --all "$TMPD/hostile.db" 2>/dev/null | sort > "$TMPD/hm.jsonl"
ok '[ $rc -eq 0 ] && sort "$TMPD/h4.jsonl" | cmp -s - "$TMPD/hm.jsonl"' "hostile database, 4 threads, spilled: no crash, same records (rc $rc)"
# every database of the SQLite forensic corpus (anti-forensic ones included): 3 threads with
# spilled partitions recover exactly what the in-memory run recovers
C="$SHARED_DIR/external/sqlite-forensic-corpus"
if [ -n "$SHARED_DIR" ] && [ -d "$C" ]; then
	n=0; bad=
	for f in $(find "$C" -type f \( -name '*.db' -o -name '*.sqlite' -o -name '*.sqlite3' \) | sort); do
		n=$((n + 1))
		timeout 60 "$WXF" carve -q --all "$f" 2>/dev/null | sort > "$TMPD/cm.jsonl"
		WXF_CARVE_PART_KB=1 timeout 60 "$WXF" carve -q --all --jobs 3 "$f" 2>/dev/null | sort > "$TMPD/cs.jsonl"
		cmp -s "$TMPD/cm.jsonl" "$TMPD/cs.jsonl" || bad="$bad ${f#$C/}"
	done
	ok '[ -z "$bad" ] && [ $n -gt 100 ]' "corpus: $n databases, threads + spilling = in memory${bad:+ (differ:$bad)}"
else
	skip "SHARED_DIR forensic corpus missing"
fi
"$WXF" carve --jobs 0 "$F/basic.db" > /dev/null 2>&1
is "$?" 2 "--jobs 0 is a usage error"
done_testing
