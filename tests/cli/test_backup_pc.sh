#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `wxforensic case --backup-key` on the WeChat PC backup fixture (fixtures/backup/pc, ground
# truth pc.truth.tsv): messages, transfer and media reach the bundle with provenance pointing
# into the BAK files; without the key the backup is reported as "key required"; a wrong key is a
# clear limitation; the evidence is never modified.
. "$top_srcdir/tests/cli/lib.sh"
KEY=3a7c9e1f5b2d4a6c8e0f1a2b3c4d5e6f
F="$top_srcdir/fixtures/backup/pc/WeChat Files/wxid_daigou_lin/BackupFiles/android_5f0e3c2a9b7d4e61a8c2f03b6d9e1a47"
T="$top_srcdir/fixtures/backup/pc.truth.tsv"
before=$(snapshot "$F")

"$WXF" case --backup-key "$KEY" -o "$TMPD/out" "$F" >"$TMPD/stdout" 2>"$TMPD/stderr"
is "$?" 0 "case --backup-key exits 0"
ok 'grep -q "WeChat PC backups read: 1 of 1" "$TMPD/stdout"' "the backup is read"
n=$(grep -c '^msg' "$T")
# a repeated copy of a segment's messages is a witness of the first copy, not a message
ndup=$(awk -F'\t' '$1 == "msg" && $10 == 1' "$T" | wc -l)
ok '[ "$(grep -c "BAK_0_TEXT" "$TMPD/out/timeline.jsonl")" -ge "$((n - ndup))" ]' \
	"every truth message is in timeline.jsonl with its BAK file ($((n - ndup)), and $ndup repeated copies as witnesses)"
missing=0
for sid in $(grep '^msg' "$T" | cut -f2 | sort -u); do
	grep -q "$sid" "$TMPD/out/timeline.xml" || missing=$((missing + 1))
done
is "$missing" 0 "every server id of the truth is in timeline.xml"
missing=0
for off in $(grep '^msg' "$T" | cut -f3); do
	grep -q "offset=\"$off\"" "$TMPD/out/timeline.xml" || missing=$((missing + 1))
done
is "$missing" 0 "every message (or repeated copy, as a witness) carries its offset in BAK_0_TEXT"
ok '[ "$(grep -c "<witness n=\"[0-9]*\" kind=\"copy\"" "$TMPD/out/timeline.xml")" -ge "$ndup" ]' \
	"the $ndup repeated copies are listed as copy witnesses in timeline.xml"
tid=$(grep '^transfer' "$T" | cut -f2)
ok 'grep -q "$tid" "$TMPD/out/timeline.jsonl"' "the transfer is in the bundle"
missing=0
for h in $(grep '^media' "$T" | cut -f6); do
	grep -rqs "$h" "$TMPD/out/timeline.jsonl" "$TMPD/out/audit.jsonl" || missing=$((missing + 1))
done
is "$missing" 0 "every media hash of the truth is in the bundle"
ok '[ -f "$TMPD/out/work/backup-1/Backup.db" ] && ls "$TMPD/out/work/backup-1/media/" | grep -q "orphan-7.jpg"' "plaintext Backup.db and media (orphan too) under work/"
ok 'grep -q "work/backup-1/media" "$TMPD/out/manifest.sha256"' "media files in the manifest"
ok 'grep -q "\"pc-backup-result\"" "$TMPD/out/audit.jsonl"' "the backup step is in the audit log"

"$WXF" case -o "$TMPD/nokey" "$F" >"$TMPD/stdout2" 2>"$TMPD/stderr2"
is "$?" 3 "case without the key exits 3 (evidence unreadable), the bundle written"
ok 'grep -q "backup key (--backup-key)" "$TMPD/stderr2" && grep -q "key-required" "$TMPD/nokey/audit.jsonl"' "without the key: key required, reported"

"$WXF" case --backup-key 00000000000000000000000000000000 -o "$TMPD/wrong" "$F" >/dev/null 2>"$TMPD/stderr3"
ok 'grep -q "does not open Backup.db" "$TMPD/stderr3"' "wrong key: clear message"
is "$(snapshot "$F")" "$before" "the evidence folder is unchanged"
done_testing
