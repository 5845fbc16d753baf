#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# wxforensic key: derive (Android tree), verify (desktop keys), memory-dump search (raw,
# minidump), Android key-space search with a restricted prefix and --resume.
. "$top_srcdir/tests/cli/lib.sh"
F="$top_srcdir/fixtures/decrypt"
val() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

"$WXF" key derive "$F/android-tree" >"$TMPD/out" 2>"$TMPD/err"
is "$?" 0 "derive: key found in the tree"
ok "grep -q '^uins *-1234567890 .*system_config_prefs.xml default_uin' '$TMPD/out'" "derive: uin and its sources"
ok "grep -q '3060399406' '$TMPD/out'" "derive: negative uin also tried unsigned"
ok "grep -q '867530912345678  \[MicroMsg/CompatibleInfo.cfg key 258\]' '$TMPD/out'" "derive: device id from CompatibleInfo.cfg"
ok "grep -q 'matches the account folder' '$TMPD/out'" "derive: uin checked against the account folder"
ok "! grep -q '$(val "$F/android-tree.truth" key)' '$TMPD/out'" "derive: key redacted"
"$WXF" key derive "$F/android-tree" --reveal-key >"$TMPD/out" 2>&1
ok "grep -q '^key *$(val "$F/android-tree.truth" key)' '$TMPD/out'" "derive --reveal-key: key = truth"
"$WXF" key derive "$F/android/EnMicroMsg.db" --uin 1 --imei 2 >"$TMPD/out" 2>"$TMPD/err"
is "$?" 3 "derive: no candidate opens it: exit 3"
ok "grep -q 'none of' '$TMPD/err'" "derive: says what was tried"

"$WXF" key verify "$F/win3/MSG0.db" --key "$(val "$F/win3.truth" key)" --audit "$TMPD/a.jsonl" >"$TMPD/out" 2>&1
is "$?" 0 "verify: desktop key (passphrase form)"
ok "grep -q 'HMAC verified' '$TMPD/out'" "verify: HMAC"
ok "! grep -q '$(val "$F/win3.truth" key)' '$TMPD/a.jsonl'" "verify: key not in the audit log"
"$WXF" key verify "$F/win3/MSG0.db" --raw-key "$(val "$F/win3.truth" derived_key)" >/dev/null 2>&1
is "$?" 0 "verify: derived key with --raw-key"
"$WXF" key verify "$F/win3/MSG0.db" --key 0000000000000000000000000000000000000000000000000000000000000000 >/dev/null 2>&1
is "$?" 3 "verify: wrong key exit 3"
"$WXF" key verify "$F/win3/MSG0.db" >/dev/null 2>&1
is "$?" 2 "verify: no key: usage"

"$WXF" key search --dump "$F/dumps/dump-derived.raw" "$F/win3/MSG0.db" --no-raw >"$TMPD/out" 2>&1
is "$?" 0 "dump: derived win3 key"
ok "grep -q 'derived key at offset 107208' '$TMPD/out'" "dump: offset of the derived win3 key"
"$WXF" key search --dump "$F/dumps/dump-derived.raw" "$F/wx4/message_0.db" --no-raw >"$TMPD/out" 2>&1
ok "grep -q 'derived key at offset 212800 (0x33f40), profile wx4' '$TMPD/out'" "dump: derived wx4 key"
"$WXF" key search --dump "$F/dumps/dump-raw.raw" "$F/win3/MSG0.db" --profile win3 --base 0x7ff600000000 >"$TMPD/out" 2>&1
ok "grep -q 'raw key at offset 176392' '$TMPD/out'" "dump: raw key behind a {pointer, 32} in a raw dump"
"$WXF" key search --dump "$F/dumps/dump-mini.dmp" "$F/win3/MSG0.db" --profile win3 >"$TMPD/out" 2>&1
ok "grep -q 'raw key at offset 80540' '$TMPD/out' && grep -q minidump '$TMPD/out'" "dump: raw key through the minidump memory list"
"$WXF" key search --dump "$F/dumps/dump-derived.raw" "$F/android/EnMicroMsg.db" --no-raw >"$TMPD/out" 2>&1
is "$?" 3 "dump: no key for this database: exit 3"

"$WXF" key search "$F/android/EnMicroMsg.db" --prefix 9dcb --max 2048 --resume "$TMPD/st" --jobs 2 >"$TMPD/out" 2>&1
is "$?" 1 "search: stops after --max, state saved (exit 1: not found yet)"
ok "grep -q '^next 2048' '$TMPD/st'" "search: state file records progress"
"$WXF" key search "$F/android/EnMicroMsg.db" --prefix 9dcb --resume "$TMPD/st" --jobs 2 --reveal-key >"$TMPD/out" 2>&1
is "$?" 0 "search: resumed and found"
ok "grep -q 'started at index 2048' '$TMPD/out'" "search: resumed where it stopped"
ok "grep -q '^key *9dcbb6e' '$TMPD/out'" "search: key 9dcbb6e"
ok "grep -q 'search/raw ratio' '$TMPD/out'" "search: rate compared with raw PBKDF2"
grep -E '^(tested|rate)' "$TMPD/out" | sed 's/^/# /'
"$WXF" key search "$F/android/EnMicroMsg.db" --prefix xyz >/dev/null 2>&1
is "$?" 2 "search: bad prefix is a usage error"
"$WXF" key frobnicate x >/dev/null 2>&1
is "$?" 2 "unknown subcommand: usage"
done_testing
