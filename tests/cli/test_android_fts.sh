# SPDX-License-Identifier: Apache-2.0
# The Android full-text index as a witness (src/wechat/wc_android_fts.c) against
# fixtures/android/demo.fts.truth.json: messages deleted from EnMicroMsg.db come back from the
# index (origin fts, with talker, time and msgId), recalled originals are filled in, live
# messages are corroborated without duplicates.  Plaintext images made by the sqlcipher CLI.
. "$top_srcdir/tests/cli/lib.sh"
DUMP="$top_builddir/tests/unit/wxf_android_dump"
SQLCIPHER=${SQLCIPHER_CLI:-sqlcipher}
FX="$top_srcdir/fixtures/android/demo"
TRUTH="$top_srcdir/fixtures/android/demo.truth.json"
FTRUTH="$top_srcdir/fixtures/android/demo.fts.truth.json"
if ! command -v "$SQLCIPHER" > /dev/null 2>&1; then
	fail "sqlcipher CLI missing (build-aux/wxf-setup-debian installs it)"
	done_testing
fi
read -r key dbrel fkey fdbrel <<EOF2
$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); f=json.load(open(sys.argv[2])); print(t["key"], t["db_path"], f["key"], f["db_path"])' "$TRUTH" "$FTRUTH")
EOF2
export_plain() { # enc key out
	"$SQLCIPHER" "$1" "PRAGMA key='$2'; PRAGMA cipher_use_hmac=OFF; PRAGMA cipher_page_size=1024; PRAGMA kdf_iter=4000; ATTACH DATABASE '$3' AS p KEY ''; SELECT sqlcipher_export('p'); DETACH DATABASE p;" > /dev/null
}
cp "$FX/$dbrel" "$TMPD/enc.db" && cp "$FX/$fdbrel" "$TMPD/fts.db"
export_plain "$TMPD/enc.db" "$key" "$TMPD/plain.db"
export_plain "$TMPD/fts.db" "$fkey" "$TMPD/ftsplain.db"
ok '[ -s "$TMPD/plain.db" ] && [ -s "$TMPD/ftsplain.db" ]' "both databases exported by the sqlcipher CLI"
"$DUMP" "$TMPD/plain.db" --evidence "$dbrel" --fts "$TMPD/ftsplain.db" --fts-evidence "$fdbrel" \
    > "$TMPD/model.jsonl" 2> "$TMPD/err"
is "$?" 0 "reader + index witness exit 0"
python3 - "$TMPD/model.jsonl" "$FTRUTH" "$fdbrel" <<'PY' > "$TMPD/py.out"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
ftruth = json.load(open(sys.argv[2], encoding="utf-8"))
msgs = [r for r in recs if r["rec"] == "message"]
fts = {m["local_id"]: m for m in msgs if m["prov"]["origin"] == "fts"}
live = {m["local_id"]: m for m in msgs if m["prov"]["origin"] == "live" and m["table"] == "message"}
def check(c, n): print(("ok" if c else "not ok") + " - " + n)
ents = [e for e in ftruth["entries"] if e["index_state"] == "live"]
gone = [e for e in ents if e["message_state"] == "deleted"]
bad = [e["msgId"] for e in gone if e["msgId"] not in fts or fts[e["msgId"]]["body"] != e["text"]
       or fts[e["msgId"]]["talker"] != e["talker"] or fts[e["msgId"]]["time_ms"] != e["timestamp_ms"]]
check(not bad, "%d deleted messages recovered from the index with text, talker, time (missing/wrong: %s)" % (len(gone), bad))
check(all(fts[e["msgId"]]["prov"]["file"] == sys.argv[3] and fts[e["msgId"]]["prov"]["table"] == "FTS5IndexMessage_content"
          and fts[e["msgId"]]["prov"]["status"] == "partially-recovered" and fts[e["msgId"]]["prov"]["offset"] > 0
          for e in gone if e["msgId"] in fts), "recovered index entries carry provenance into the index file")
rec = [e for e in ents if e["recalled_original"]]
def recalled(e):
    m = live.get(e["msgId"])
    if m is None or m.get("recall", {}).get("original") != e["text"]:
        return False
    w = m.get("witnesses", [])[m["recall"].get("original_witness", 0) - 1]
    return (m["recall"].get("original_witness") and w["kind"] == "fts" and w["text"] == e["text"]
            and w["prov"]["file"] == sys.argv[3] and w["prov"]["table"] == "FTS5IndexMessage_content")
check(len(rec) == 2 and all(recalled(e) for e in rec),
      "the 2 recalled originals come back from the index, cited from the index entry (a witness of "
      "the recall notice, not a message)")
dups = [e["msgId"] for e in ents if e["message_state"] == "live" and not e["recalled_original"] and e["msgId"] in fts]
check(not dups, "live messages are corroborated, not duplicated (%s)" % dups)
wit = [e["msgId"] for e in ents if e["message_state"] == "live" and not e["recalled_original"]
       and e["msgId"] in live and not any(w["kind"] == "fts" and w["prov"]["file"] == sys.argv[3]
                                          for w in live[e["msgId"]].get("witnesses", []))]
check(not wit, "every live message the index holds lists the index entry as a witness (%s)" % wit)
PY
while read -r line; do case "$line" in ok*) pass "${line#ok - }";; *) fail "${line#not ok - }";; esac; done < "$TMPD/py.out"
ok 'grep -q "2 recall originals" "$TMPD/err"' "recall originals are linked to their recall notices"
done_testing
