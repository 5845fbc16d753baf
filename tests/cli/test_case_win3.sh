# SPDX-License-Identifier: Apache-2.0
# Windows WeChat 3.x through `case` and `scan`: fixtures/win3/laptop (made by
# fixtures/gen/make_win3.py, ground truth in fixtures/win3/win3.truth.json) read with the account
# key (--key) and, without it, with the memory dump (--memdump): every database's key comes
# from the dump (WCDB key strings matched by salt, a derived key, a raw key behind a pointer) at
# the offsets the truth names; both bundles hold the same messages, transfers, ledger, seller
# dossier (alias, remark, phone from ExtraBuf), recovered deleted messages and decoded images; a
# dump that holds only two keys and a wrong key leave databases undecrypted (exit 3); the
# evidence is unchanged.
. "$top_srcdir/tests/cli/lib.sh"
desk_fixture win3
run_case key --key "$KEY" "$FX/laptop"
is "$?" 0 "case with the account key"
run_case dump --memdump "$FX/dumps/WeChat.dmp" "$FX/laptop"
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
	ok '! grep -rq "\"file\":\"/" "$TMPD/$name/timeline.jsonl" && grep -q "\"source_file\":\"laptop/Users/" "$TMPD/$name/timeline.jsonl"' \
		"$name: evidence paths start with the evidence's name"
	ok '! grep -rqiF "$KEY" "$TMPD/$name"' "$name: the account key appears nowhere in the bundle"
done
# the keys from the dump: kind and offset per database, as the truth says
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
	"memdump: each of the 7 databases' key found at the truth's dump offset (WCDB string by salt, derived key, raw key)"
ok 'grep -q "\"action\":\"memdump\".*\"dump\":\"WeChat.dmp\".*\"sha256\":\"[0-9a-f]\{64\}\".*\"wcdb_key_strings\":9" "$TMPD/dump/audit.jsonl"' \
	"memdump: the dump is hashed and its WCDB key strings counted (5 of this account, 4 decoys) in the audit log"
ok 'grep -q "found in memory dump WeChat.dmp (SHA-256 [0-9a-f]*) at file offset" "$TMPD/dump/report.html"' \
	"memdump: the decryption statement names the dump, its hash and the offset"
python3 - "$TMPD/key/timeline.jsonl" "$TMPD/dump/timeline.jsonl" > "$TMPD/same" <<'PY'
import json, sys
def live(p):
    return sorted(repr((r.get("source_file"), r.get("table"), r.get("rowid"), r.get("text"), r.get("sender"),
                        r.get("timestamp"), r.get("status"))) for r in map(json.loads, open(p)) if r.get("wxf_type") == "message")
print("same" if live(sys.argv[1]) == live(sys.argv[2]) else "differ")
PY
is "$(cat "$TMPD/same")" same "the key and the memory-dump bundles hold the same messages"
# a dump with two keys only: the other five databases are listed as not decrypted, exit 3
run_case partial --memdump "$FX/dumps/WeChat-partial.dmp" "$FX/laptop"
is "$?" 3 "memdump holding two keys: exit 3"
ok 'grep -q "UNREADABLE evidence: 0 container(s), 5 database(s)" "$TMPD/partial.out"' "partial dump: five databases unreadable"
ok '[ "$(grep -c "未能解密 (not decrypted): no key opens page 1" "$TMPD/partial/report.html")" -ge 5 ] && [ "$(grep -c "\"action\":\"evidence-unreadable\"" "$TMPD/partial/audit.jsonl")" = 5 ]' \
	"partial dump: each undecrypted database is listed in the report and the audit log"
ok 'grep -q "message databases read: 1 of 2" "$TMPD/partial.out"' "partial dump: MSG0.db (its key in the dump) is still read"
run_case wrong --key 0000000000000000000000000000000000000000000000000000000000000001 "$FX/laptop"
is "$?" 3 "a wrong key: exit 3"
ok 'grep -q "UNREADABLE evidence: 0 container(s), 7 database(s)" "$TMPD/wrong.out"' "a wrong key: all seven databases listed"
# scan
"$WXF" scan "$FX/laptop" > "$TMPD/scan.out" 2>&1
ok 'grep -q "\[win3\] wxid_zhou_ym2026" "$TMPD/scan.out" && grep -q "role: Windows message database (Multi/MSGn.db" "$TMPD/scan.out" && grep -q "role: Windows image .dat (XOR-coded" "$TMPD/scan.out"' \
	"scan names the Windows account, its message shards and image .dat files"
is "$(snapshot "$FX")" "$before" "the evidence is unchanged"
done_testing
