# SPDX-License-Identifier: Apache-2.0
# macOS WeChat 3.x through `case` and `scan`: fixtures/mac3/mac (made by fixtures/gen/make_mac3.py,
# ground truth in fixtures/mac3/mac3.truth.json), whose five databases mix the four parameter
# sets (page 1024/4096 x key direct/PBKDF2-SHA1 64000), read with the account key (--key) and,
# without it, with the memory dump (--memdump): each database opens with the parameter set the
# truth names, recorded in the audit log; both bundles hold the same messages (WAL-only rows
# included), transfers, ledger, seller dossier (alias, remark, the phone she sent), recovered
# deleted messages and the recall's original, the image messages' .dat files found through
# hldata.db (HlinkMediaRecord.mediaMd5 = <img md5>, joined on inodeNumber to HlinkMediaDetail),
# XOR-decoded into the bundle and linked to their messages; a dump holding two derived keys and
# a wrong key leave databases undecrypted (exit 3); the evidence is unchanged.
. "$top_srcdir/tests/cli/lib.sh"
desk_fixture mac3
run_case key --key "$KEY" "$FX/mac"
is "$?" 0 "case with the account key"
run_case dump --memdump "$FX/dumps/WeChat.dmp" "$FX/mac"
is "$?" 0 "case with the memory dump and no key"
for name in key dump; do
	desk_truth "$name"
	net=$(py 'l=t["ledger"]; print("%d.%02d %d.%02d" % (l["net_fen"]//100, l["net_fen"]%100, l["crpl55_fen"]//100, l["crpl55_fen"]%100))')
	got=$(sed -n 's/.*net paid: ¥\([0-9,.]*\) *CRPL art. 55 figure: ¥\([0-9,.]*\).*/\1 \2/p' "$TMPD/$name.out" | tr -d ,)
	is "$got" "$net" "$name: net paid and the CRPL art. 55 figure equal the truth's ledger"
	ok 'grep -q "seller (ranked): wxid_hklee_daigou" "$TMPD/$name.out"' "$name: the seller is found"
	ok 'grep -q "message databases read: 2 of 2" "$TMPD/$name.out"' "$name: both message shards read"
	"$WXF" verify --provenance "$TMPD/$name" > "$TMPD/$name.verify" 2>&1
	is "$?" 0 "$name: verify --provenance exits 0"
	ok 'grep -q " 0 mismatch(es)" "$TMPD/$name.verify"' "$name: verify --provenance: every cited byte range holds its record"
	python3 "$top_srcdir/tests/tools/check_provenance.py" "$TMPD/$name" > "$TMPD/$name.chk"
	is "$?" 0 "$name: the independent checker finds every cited range holds its record ($(cut -c1-100 "$TMPD/$name.chk"))"
	ok '! grep -rqiF "$KEY" "$TMPD/$name"' "$name: the account key appears nowhere in the bundle"
	# the parameter set that opened each database, as the truth says
	# (a key string of a dump is the derived key: its page size is proven, not the KDF)
	python3 -c 'import json, sys
t = json.load(open(sys.argv[1]))
for n, d in sorted(t["databases"].items()): print(d["path"], d["profile"] if sys.argv[2] == "key" else d["profile"].endswith("4k"))' "$TRUTH" "$name" > "$TMPD/want.prof"
	python3 - "$TMPD/$name/audit.jsonl" "$name" > "$TMPD/got.prof" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["action"] == "key.desktop":
        p = r.get("profile")
        print(r["database"].split("/", 1)[1], p if sys.argv[2] == "key" else p.endswith("4k"))
PY
	is "$(sort "$TMPD/got.prof")" "$(sort "$TMPD/want.prof")" \
		"$name: each of the 6 databases opens with the truth's parameter set (key: mac3, mac3-4k, mac3-kdf, mac3-kdf-4k; dump: its page size), recorded"
done
py 'import sys
for n, d in sorted(t["databases"].items()): print(d["path"], d["memdump"]["kind"], d["memdump"]["offset"])' > "$TMPD/want.keys"
python3 - "$TMPD/dump/audit.jsonl" > "$TMPD/got.keys" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["action"] == "key.desktop":
        print(r["database"].split("/", 1)[1], r.get("dump_kind"), r.get("dump_offset"))
PY
is "$(sort "$TMPD/got.keys")" "$(sort "$TMPD/want.keys")" \
	"memdump: each of the 6 databases' key found at the truth's dump offset (WCDB key string matched by salt)"
python3 - "$TMPD/key/timeline.jsonl" "$TMPD/dump/timeline.jsonl" > "$TMPD/same" <<'PY'
import json, sys
def live(p):
    return sorted(repr((r.get("source_file"), r.get("table"), r.get("rowid"), r.get("text"), r.get("sender"),
                        r.get("timestamp"), r.get("status"))) for r in map(json.loads, open(p)) if r.get("wxf_type") == "message")
print("same" if live(sys.argv[1]) == live(sys.argv[2]) else "differ")
PY
is "$(cat "$TMPD/same")" same "the key and the memory-dump bundles hold the same messages"
# images: each one the truth lists is linked to its own message (database, table, rowid), the
# linked evidence item is the .dat at the truth's path, and the bytes it cites (the whole file:
# offset 0, the stated size) hash to the stated SHA-256 and to the truth's; those bytes XOR the
# account's byte are the original image, as is the decoded copy in the bundle; the one image
# hldata.db names but the evidence lacks is listed missing
for name in key dump; do
	python3 - "$TRUTH" "$FX" "$TMPD/$name" > "$TMPD/$name.img" <<'PY'
import hashlib, json, os, sys
import xml.etree.ElementTree as ET
truth, fx, out = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
NS = "{urn:wxforensic:timeline:2}"
msgs = [r for r in map(json.loads, open(os.path.join(out, "timeline.jsonl"))) if r.get("wxf_type") == "message"]
ev = {e.get("id"): e.findall(NS + "media") for e in ET.parse(os.path.join(out, "timeline.xml")).getroot().iter(NS + "event")}
sha = lambda b: hashlib.sha256(b).hexdigest()
linked = decoded = missing = cited = 0
bad = []
for t in truth["messages"]:
    for md in [m for m in t.get("media", []) if m["role"] == "image"]:
        x = [r for r in msgs if r.get("status") == "intact" and (r.get("source_file") or "").endswith("/" + t["db"])
             and r.get("table") == t["table"] and r.get("rowid") == t["rowid"]]
        ms = ev.get(x[0]["wxf_id"], []) if len(x) == 1 else []
        # no other message carries this image
        others = [i for i, v in ev.items() if (not x or i != x[0]["wxf_id"]) and
                  any(m.get("expected", "").endswith(md["dat_rel"]) for m in v)]
        if others:
            bad.append((md["name"], "also linked to", others))
        if not md["present"]:
            missing += any(m.get("role") == "image" and m.get("state") == "missing" and
                           m.get("expected", "").endswith(md["dat_rel"]) for m in ms)
            continue
        e = [m for m in ms if m.get("role") == "image" and m.get("state") == "present"]
        d = [m for m in ms if m.get("role") == "image-decoded" and m.get("state") == "present"]
        if not e or e[0].get("path") != "mac/" + truth["account_dir"] + "/" + md["dat_rel"]:
            bad.append((md["name"], "evidence item", e and e[0].get("path")))
            continue
        linked += 1
        with open(os.path.join(fx, e[0].get("path")), "rb") as f:
            b = f.read(int(e[0].get("size")))
        if sha(b) == e[0].get("sha256") == md["dat_sha256"] and len(b) == md["dat_size"]:
            cited += 1
        else:
            bad.append((md["name"], "cited bytes differ"))
        img = bytes(c ^ truth["dat_xor"] for c in b)
        p = os.path.join(out, d[0].get("path")) if d else ""
        if d and sha(img) == md["sha256"] == d[0].get("sha256") and os.path.isfile(p) and \
           sha(open(p, "rb").read()) == md["sha256"]:
            decoded += 1
        else:
            bad.append((md["name"], "decoded copy differs"))
print(linked, decoded, cited, missing, bad)
PY
	is "$(cat "$TMPD/$name.img")" "2 2 2 1 []" \
		"$name: 2 image .dat files found through hldata.db, linked to their own messages, their cited bytes (offset 0, size) hashing to the truth's .dat SHA-256, XOR-decoded to the original image's SHA-256 in the bundle; the file hldata.db names but the evidence lacks listed missing (linked decoded cited missing problems: $(cat "$TMPD/$name.img"))"
done
ok 'grep -q "mac3-read.*image messages whose file hldata.db names 3, none 0" "$TMPD/key/audit.jsonl"' \
	"the audit log counts 3 image messages whose file hldata.db names (one of them absent from the evidence)"
ok '! grep -q "media (hldata.db, the message attachment folders) is not read" "$TMPD/key/report.html" && grep -q "voice, video and file attachments are not linked (only images, through hldata.db)" "$TMPD/key/report.html"' \
	"the report no longer says macOS 3.x media is unread; it names what is still not linked"
# a dump with the derived keys of the group and session databases only: exit 3
run_case partial --memdump "$FX/dumps/WeChat-partial.dmp" "$FX/mac"
is "$?" 3 "memdump holding two derived keys: exit 3"
ok 'grep -q "UNREADABLE evidence: 0 container(s), 4 database(s)" "$TMPD/partial.out"' "partial dump: four databases unreadable"
ok '[ "$(grep -c "\"action\":\"evidence-unreadable\"" "$TMPD/partial/audit.jsonl")" = 4 ]' \
	"partial dump: each undecrypted database is listed in the audit log"
run_case wrong --key 0000000000000000000000000000000000000000000000000000000000000001 "$FX/mac"
is "$?" 3 "a wrong key: exit 3"
ok 'grep -q "UNREADABLE evidence: 0 container(s), 6 database(s)" "$TMPD/wrong.out"' "a wrong key: all six databases listed"
# the evidence without hldata.db: the messages are read, their images listed missing, saying why
mkdir -p "$TMPD/ev-nohl" && cp -R "$FX/mac" "$TMPD/ev-nohl/" && find "$TMPD/ev-nohl" -name hldata.db -exec rm {} +
run_case nohl --key "$KEY" "$TMPD/ev-nohl/mac"
is "$?" 0 "without hldata.db: exit 0"
ok '[ "$(grep -c "role=\"image\" state=\"missing\" expected=\"hldata.db HlinkMediaRecord.mediaMd5 [0-9a-f]* (hldata.db not read)\"" "$TMPD/nohl/timeline.xml")" = 3 ]' \
	"without hldata.db: the 3 image messages list their image as missing because hldata.db was not read"
ok 'grep -q "3 macOS 3.x image message(s) whose file hldata.db does not name (or hldata.db was not read)" "$TMPD/nohl/report.html"' \
	"without hldata.db: the report's limitations count the 3 image messages"
"$WXF" scan "$FX/mac" > "$TMPD/scan.out" 2>&1
ok 'grep -q "\[mac3\] " "$TMPD/scan.out" && grep -q "role: macOS 3.x message database" "$TMPD/scan.out" && grep -q "role: macOS 3.x contact database" "$TMPD/scan.out"' \
	"scan names the macOS 3.x account and its databases"
is "$(snapshot "$FX")" "$before" "the evidence is unchanged"
done_testing
