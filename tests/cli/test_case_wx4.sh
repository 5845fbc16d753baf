# SPDX-License-Identifier: Apache-2.0
# WeChat 4.x through `case` and `scan`: fixtures/wx4/mac (a macOS com.tencent.xWeChat container
# made by fixtures/gen/make_wx4.py, ground truth in fixtures/wx4/wx4.truth.json) read with the
# account key (--key) and, without it, with the memory dump (--memdump): every database's key
# comes from a WCDB key string in the dump at the offset the truth names; both bundles hold the
# same messages (zstd content, Name2Id senders, WAL-only rows of the current WAL generation),
# transfers, ledger, seller dossier (alias, remark, the phone she sent), recovered deleted
# messages, the recalled message's original from a stale frame of the earlier WAL generation
# (superseded), V1 and V2 images decoded (the V2 key from the kvcomm uin), the image whose own
# packed_info_data lacks its md5 located through message_resource.db (cited as a witness); a
# dump that holds two keys and a wrong key leave databases undecrypted (exit 3); the same account
# folder copied into the Windows layout (Documents/xwechat_files/<wxid>_<suffix>/) gives the
# same messages, payments, ledger and media; the evidence is unchanged.
. "$top_srcdir/tests/cli/lib.sh"
desk_fixture wx4
run_case key --key "$KEY" "$FX/mac"
is "$?" 0 "case with the account key"
run_case dump --memdump "$FX/dumps/Weixin.dmp" "$FX/mac"
is "$?" 0 "case with the memory dump and no key"
for name in key dump; do
	desk_truth "$name"
	net=$(py 'l=t["ledger"]; print("%d.%02d %d.%02d" % (l["net_fen"]//100, l["net_fen"]%100, l["crpl55_fen"]//100, l["crpl55_fen"]%100))')
	got=$(sed -n 's/.*net paid: ¥\([0-9,.]*\) *CRPL art. 55 figure: ¥\([0-9,.]*\).*/\1 \2/p' "$TMPD/$name.out" | tr -d ,)
	is "$got" "$net" "$name: net paid and the CRPL art. 55 figure equal the truth's ledger"
	ok 'grep -q "seller (ranked): wxid_hklee_daigou" "$TMPD/$name.out"' "$name: the seller is found"
	ok 'grep -q "message databases read: 2 of 2" "$TMPD/$name.out"' "$name: both message shards read"
	"$WXF" verify "$TMPD/$name" > /dev/null 2>&1
	is "$?" 0 "$name: verify accepts the bundle"
	"$WXF" verify --provenance "$TMPD/$name" > "$TMPD/$name.verify" 2>&1
	is "$?" 0 "$name: verify --provenance exits 0"
	ok 'grep -q " 0 mismatch(es)" "$TMPD/$name.verify"' "$name: verify --provenance: every cited byte range holds its record"
	python3 "$top_srcdir/tests/tools/check_provenance.py" "$TMPD/$name" > "$TMPD/$name.chk"
	is "$?" 0 "$name: the independent checker finds every cited range holds its record ($(cut -c1-100 "$TMPD/$name.chk"))"
	ok '! grep -rqF "$TMPD/$name" "$TMPD/$name" --exclude=audit.jsonl' "$name: no absolute path of the bundle in it"
	ok '! grep -rqiF "$KEY" "$TMPD/$name"' "$name: the account key appears nowhere in the bundle"
done
# the stale frame of the earlier WAL generation: the recalled message's original text, cited
# in the -wal at a frame past the current generation, as a superseded older version
python3 - "$TRUTH" "$TMPD/key/timeline.xml" > "$TMPD/stale" <<'PY'
import json, sys
import xml.etree.ElementTree as ET
t = json.load(open(sys.argv[1]))
w = t["wal"]
NS = "{urn:wxforensic:timeline:2}"
ok = False
for e in ET.parse(sys.argv[2]).getroot().iter(NS + "event"):
    ws = [x for x in e.iter(NS + "witness") if x.get("kind") == "older-version"]
    for x in ws:
        p = x.find(NS + "provenance")
        if p is not None and p.get("file", "").endswith(w["db"].rsplit("/", 1)[1] + "-wal") and \
           p.get("table") == w["stale_original"]["table"] and int(p.get("rowid")) == w["stale_original"]["rowid"] and \
           int(p.get("frame")) > w["current_generation_frames"] and p.get("status") == "superseded":
            ok = True
print("yes" if ok else "no")
PY
is "$(cat "$TMPD/stale")" yes "the stale WAL frame of the earlier generation is cited as the recalled message's superseded older version"
# the WAL: current generation applied, stale frames counted
ok 'grep -q "\"action\":\"decrypt\".*message_1.db" "$TMPD/key/audit.jsonl"' "the encrypted -wal of message_1.db is decrypted"
# keys from the dump: a WCDB key string per database, at the truth's offset
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
	"memdump: each of the 7 databases' key found at the truth's dump offset (WCDB key string matched by salt)"
ok 'grep -q "\"action\":\"memdump\".*\"dump\":\"Weixin.dmp\".*\"sha256\":\"[0-9a-f]\{64\}\".*\"wcdb_key_strings\":11" "$TMPD/dump/audit.jsonl"' \
	"memdump: the dump is hashed and its WCDB key strings counted (7 of this account, 4 decoys)"
ok 'grep -q "\"action\":\"image-key\".*md5(uin 2846153729 + wxid wxid_zhou_ym2026), uin from mac/.*/app_data/net/kvcomm/key_2846153729_1.statistic" "$TMPD/key/audit.jsonl"' \
	"the V2 image key is derived offline from the kvcomm uin and the wxid"
python3 - "$TMPD/key/timeline.jsonl" "$TMPD/dump/timeline.jsonl" > "$TMPD/same" <<'PY'
import json, sys
def live(p):
    return sorted(repr((r.get("source_file"), r.get("table"), r.get("rowid"), r.get("text"), r.get("sender"),
                        r.get("timestamp"), r.get("status"))) for r in map(json.loads, open(p)) if r.get("wxf_type") == "message")
print("same" if live(sys.argv[1]) == live(sys.argv[2]) else "differ")
PY
is "$(cat "$TMPD/same")" same "the key and the memory-dump bundles hold the same messages"
# message_resource.db: the image whose packed_info_data holds no md5 is located through its
# MessageResourceInfo row, which the message cites as an index-entry witness: the witness's
# cited bytes (decrypted image of message_resource.db, offset, length) hold the md5; the other
# images keep their own md5 (no such witness)
for name in key dump; do
	python3 - "$TRUTH" "$TMPD/$name" > "$TMPD/$name.res" <<'PY'
import json, os, sys
import xml.etree.ElementTree as ET
truth, out = json.load(open(sys.argv[1])), sys.argv[2]
NS = "{urn:wxforensic:timeline:2}"
msgs = [r for r in map(json.loads, open(os.path.join(out, "timeline.jsonl"))) if r.get("wxf_type") == "message"]
ev = {e.get("id"): e for e in ET.parse(os.path.join(out, "timeline.xml")).getroot().iter(NS + "event")}
via = own = held = 0
bad = []
for t in truth["messages"]:
    for md in [m for m in t.get("media", []) if m["role"] == "image" and "resource" in m]:
        r = md["resource"]
        x = [m for m in msgs if m.get("status") == "intact" and (m.get("source_file") or "").endswith("/" + t["db"])
             and m.get("table") == t["table"] and m.get("rowid") == t["rowid"]]
        e = ev.get(x[0]["wxf_id"]) if len(x) == 1 else None
        if e is None:
            bad.append((md["name"], "message not found"))
            continue
        ws = [w for w in e.findall(NS + "witness") if w.get("kind") == "index-entry" and
              w.find(NS + "text") is not None and w.find(NS + "text").text == r["md5"]]
        if r["packed_info_data_has_md5"]:
            own += not ws
            continue
        if len(ws) != 1:
            bad.append((md["name"], "no message_resource witness"))
            continue
        p = ws[0].find(NS + "provenance")
        if not p.get("file", "").endswith("/message/message_resource.db") or p.get("table") != "MessageResourceInfo" \
           or int(p.get("rowid")) != r["rowid"]:
            bad.append((md["name"], "witness cites", p.attrib))
            continue
        with open(os.path.join(out, p.get("image")), "rb") as f:
            f.seek(int(p.get("offset")))
            held += r["md5"].encode() in f.read(int(p.get("length")))
        dec = [m for m in e.findall(NS + "media") if m.get("role") == "image-decoded" and m.get("state") == "present"]
        via += bool(dec) and dec[0].get("sha256") == md["sha256"]
print(via, held, own, bad)
PY
	is "$(cat "$TMPD/$name.res")" "1 1 2 []" \
		"$name: the image whose packed_info_data lacks its md5 is found through message_resource.db and decoded to the truth's SHA-256; its MessageResourceInfo row is cited (table, rowid) and the cited bytes hold the md5; the 2 others use their own md5 (via held own problems: $(cat "$TMPD/$name.res"))"
done
ok 'grep -q "\"action\":\"wx4-read\".*image md5s from message_resource.db 1 (of 4 rows)" "$TMPD/key/audit.jsonl"' \
	"the audit log counts the image md5 taken from message_resource.db (1 of its 4 rows with an md5: the three image messages and a decoy naming no message)"
# a dump with two keys only: the other four databases are listed as not decrypted, exit 3
run_case partial --memdump "$FX/dumps/Weixin-partial.dmp" "$FX/mac"
is "$?" 3 "memdump holding two keys: exit 3"
ok 'grep -q "UNREADABLE evidence: 0 container(s), 5 database(s)" "$TMPD/partial.out"' "partial dump: five databases unreadable"
ok '[ "$(grep -c "\"action\":\"evidence-unreadable\"" "$TMPD/partial/audit.jsonl")" = 5 ]' \
	"partial dump: each undecrypted database is listed in the audit log"
ok 'grep -q "message databases read: 1 of 2" "$TMPD/partial.out"' "partial dump: message_0.db (its key in the dump) is still read"
run_case wrong --key 0000000000000000000000000000000000000000000000000000000000000001 "$FX/mac"
is "$?" 3 "a wrong key: exit 3"
ok 'grep -q "UNREADABLE evidence: 0 container(s), 7 database(s)" "$TMPD/wrong.out"' "a wrong key: all seven databases listed"
# scan
"$WXF" scan "$FX/mac" > "$TMPD/scan.out" 2>&1
ok 'grep -q "\[wx4\] wxid_zhou_ym2026_531f" "$TMPD/scan.out" && grep -q "role: WeChat 4.x message database" "$TMPD/scan.out" && grep -q "role: WeChat 4.x image .dat" "$TMPD/scan.out"' \
	"scan names the 4.x account, its message shards and image .dat files"
# the Windows layout: the same account folder under Documents\xwechat_files\ (no macOS
# container, no kvcomm files: the V2 image key comes from the uin enumeration of corrections A.3)
ACCT=$(py 'print(t["account_dir"])')
mkdir -p "$TMPD/ev-win/win/Users/zhou/Documents/xwechat_files" &&
	cp -R "$FX/mac/$ACCT" "$TMPD/ev-win/win/Users/zhou/Documents/xwechat_files/"
run_case win --key "$KEY" "$TMPD/ev-win/win"
is "$?" 0 "Windows layout: case with the account key"
python3 - "$TMPD/key" "$TMPD/win" > "$TMPD/win.same" <<'PY'
import json, os, sys
def rel(f):
    return (f or "").split("/xwechat_files/", 1)[-1]
def recs(out, kind):
    return sorted(repr((rel(r.get("source_file")), r.get("table"), r.get("rowid"), r.get("offset"), r.get("text"),
                        r.get("sender"), r.get("timestamp"), r.get("status")))
                  for r in map(json.loads, open(os.path.join(out, "timeline.jsonl"))) if r.get("wxf_type") == kind)
a, b = recs(sys.argv[1], "message"), recs(sys.argv[2], "message")
print(len(a), "same" if a == b and a else "differ", "payments", "same" if recs(sys.argv[1], "payment") == recs(sys.argv[2], "payment") else "differ")
PY
is "$(cat "$TMPD/win.same")" "$(grep -c '"wxf_type":"message"' "$TMPD/key/timeline.jsonl") same payments same" \
	"Windows layout: the same messages (live, WAL-only, recovered; same rows, offsets, text, senders, times) and payments as the macOS layout ($(cat "$TMPD/win.same"))"
is "$(grep -o 'net paid: .*' "$TMPD/win.out")" "$(grep -o 'net paid: .*' "$TMPD/key.out")" \
	"Windows layout: the same net paid and CRPL art. 55 figure as the macOS layout"
ok 'grep -q "message databases read: 2 of 2" "$TMPD/win.out" && grep -q "seller (ranked): wxid_hklee_daigou" "$TMPD/win.out"' \
	"Windows layout: both message shards read, the seller found"
is "$(grep -o 'sha256="[0-9a-f]*"' "$TMPD/win/timeline.xml" | sort | sha256sum)" "$(grep -o 'sha256="[0-9a-f]*"' "$TMPD/key/timeline.xml" | sort | sha256sum)" \
	"Windows layout: the same media (every .dat and decoded image hash) as the macOS layout"
ok 'grep -q "\"action\":\"image-key\".*md5(uin 2846153729 + wxid wxid_zhou_ym2026); the uin found among the [0-9]* whose low byte is the XOR byte" "$TMPD/win/audit.jsonl"' \
	"Windows layout: without kvcomm files the V2 image key's uin is found by enumeration"
python3 "$top_srcdir/tests/tools/check_provenance.py" "$TMPD/win" > "$TMPD/win.chk"
is "$?" 0 "Windows layout: the independent checker finds every cited range holds its record ($(cut -c1-100 "$TMPD/win.chk"))"
"$WXF" scan "$TMPD/ev-win/win" > "$TMPD/scan-win.out" 2>&1
ok 'grep -q "\[wx4\] wxid_zhou_ym2026_531f" "$TMPD/scan-win.out" && grep -q "role: WeChat 4.x message database" "$TMPD/scan-win.out"' \
	"scan names the 4.x account in the Windows layout"
is "$(snapshot "$FX")" "$before" "the evidence is unchanged"
done_testing
