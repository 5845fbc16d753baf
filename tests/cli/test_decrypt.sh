#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# wxforensic decrypt: the six SQLCipher reference databases, the generated WeChat fixtures
# (android + wal, win3 + hot journal, wx4), deleted rows in the images, damage and errors.
. "$top_srcdir/tests/cli/lib.sh"
F="$top_srcdir/fixtures/decrypt"
T="$SHARED_DIR/external/sqlcipher-testdbs"
val() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }
have_sqlite3=0
command -v sqlite3 >/dev/null 2>&1 && have_sqlite3=1

# 1. reference databases: detection, every page, SQLCipher agrees with the README's counts
if [ -d "$T" ]; then
	for spec in "sqlcipher-1.1.8-testkey android 75 709" "sqlcipher-2.0-le-testkey sqlcipher2 78 536" \
	    "sqlcipher-2.0-be-testkey sqlcipher2-be 78 536" "sqlcipher-2.0-beta-testkey sqlcipher2-beta 38 768" \
	    "sqlcipher-3.0-testkey sqlcipher3 78 536"; do
		set -- $spec
		"$WXF" decrypt "$T/$1.db" -o "$TMPD/$1.plain" --key testkey --jobs 2 >"$TMPD/out" 2>"$TMPD/err"
		is "$?" 0 "$1: exit 0"
		ok "grep -q '^profile *$2 ' '$TMPD/out'" "$1: profile $2 detected"
		ok "grep -q 'SQLCipher 3.4.1 agrees: 1 tables, $3 $4 rows' '$TMPD/out'" "$1: SQLCipher agrees, $3 $4 rows"
	done
	"$WXF" decrypt "$T/sqlcipher-4.0-testkey.db" -o "$TMPD/v4.plain" --key testkey >"$TMPD/out" 2>&1
	is "$?" 0 "sqlcipher-4.0: exit 0"
	ok "grep -q 'no independent engine available for profile wx4' '$TMPD/out'" "sqlcipher-4.0: says no independent engine"
	if [ $have_sqlite3 = 1 ]; then
		is "$(sqlite3 "$TMPD/v4.plain" 'select count(*) from t1')" 78536 "sqlcipher-4.0: image opens in sqlite3, 78536 rows"
		is "$(sqlite3 "$TMPD/sqlcipher-2.0-beta-testkey.plain" "select count(*) from t1 where a='test-0-0'")" 19384 "2.0-beta: distinct rows as in the README"
	else
		skip "sqlite3 not installed"; skip "sqlite3 not installed"
	fi
	# tamper: the upstream integrity test's offsets
	cp "$T/sqlcipher-4.0-testkey.db" "$TMPD/t.db"
	for o in 5120 12208 16320; do printf '\377' | dd of="$TMPD/t.db" bs=1 seek=$o conv=notrunc 2>/dev/null; done
	"$WXF" decrypt "$TMPD/t.db" -o "$TMPD/t.plain" --key testkey >"$TMPD/out" 2>"$TMPD/err"
	is "$?" 1 "bit-flipped pages: exit 1 (findings)"
	ok "grep -q 'bad pages: 2 3 4' '$TMPD/out'" "bad pages 2 3 4 listed"
	ok "grep -q '239 pages: 236 good, 0 unverified (no HMAC), 0 all-zero, 3 bad' '$TMPD/out'" "every page kept and counted"
	"$WXF" decrypt "$T/sqlcipher-3.0-testkey.db" -o "$TMPD/w.plain" --key wrong >"$TMPD/out" 2>"$TMPD/err"
	is "$?" 3 "wrong key: exit 3"
	ok "grep -q 'wrong key' '$TMPD/err'" "wrong key: clear message"
	head -c 700 "$T/sqlcipher-3.0-testkey.db" > "$TMPD/short.db"
	"$WXF" decrypt "$TMPD/short.db" -o "$TMPD/s.plain" --key testkey >"$TMPD/out" 2>"$TMPD/err"
	is "$?" 3 "truncated below a page: exit 3"
	ok "grep -q 'too short' '$TMPD/err'" "truncated: clear message"
	head -c 10340 "$T/sqlcipher-3.0-testkey.db" > "$TMPD/cut.db"
	"$WXF" decrypt "$TMPD/cut.db" -o "$TMPD/c.plain" --key testkey --profile sqlcipher3 --no-crosscheck >"$TMPD/out" 2>"$TMPD/err"
	is "$?" 1 "truncated mid-page: exit 1, whole pages decrypted"
	ok "grep -q '100 trailing byte' '$TMPD/out'" "trailing bytes reported"
else
	skip "SHARED_DIR reference databases missing"
fi
head -c 8192 /dev/urandom > "$TMPD/noise.db"
"$WXF" decrypt "$TMPD/noise.db" -o "$TMPD/n.plain" --key testkey >"$TMPD/out" 2>"$TMPD/err"
is "$?" 3 "not a database: exit 3"
"$WXF" decrypt "$TMPD/noise.db" >/dev/null 2>&1
is "$?" 2 "missing -o: usage error"
"$WXF" decrypt "$TMPD/noise.db" -o "$TMPD/x" --profile nope >/dev/null 2>&1
is "$?" 2 "unknown profile: usage error"

# 2. android fixture + WAL, key from --imei/--uin (no key given)
A="$F/android/EnMicroMsg.db"
"$WXF" decrypt "$A" -o "$TMPD/a.db" --imei 1234567890ABCDEF --uin 123456 --audit "$TMPD/audit.jsonl" >"$TMPD/out" 2>"$TMPD/err"
is "$?" 0 "android: decrypts with the derived key"
ok "grep -q 'SQLCipher 3.4.1 agrees: 2 tables, 243 rows' '$TMPD/out'" "android: SQLCipher agrees (db + wal)"
ok "grep -q '1 frames: 0 good, 1 unverified' '$TMPD/out'" "android: the WAL frame is decrypted"
ok "! grep -q '$(val "$F/android.truth" key)' '$TMPD/out' '$TMPD/err' '$TMPD/audit.jsonl'" "android: the key is printed nowhere"
ok "grep -q '\"action\":\"decrypt\"' '$TMPD/audit.jsonl' && grep -q 'uin' '$TMPD/audit.jsonl'" "android: audit log records how the key was obtained"
for m in DELETED-MARKER-ALPHA DELETED-MARKER-BRAVO; do
	ok "grep -q $m '$TMPD/a.db'" "android: deleted row '$m' present in the physical image"
done
ok "grep -q WAL-ONLY-MARKER '$TMPD/a.db-wal'" "android: WAL-only row in the decrypted WAL"
if [ $have_sqlite3 = 1 ]; then
	is "$(sqlite3 "$TMPD/a.db" 'select count(*) from message')" 240 "android: sqlite3 reads db + decrypted WAL (240 rows)"
	is "$(sqlite3 "$TMPD/a.db" "select count(*) from message where content like 'DELETED%'")" 0 "android: deleted rows not live"
else
	skip "no sqlite3"; skip "no sqlite3"
fi
"$WXF" decrypt "$A" -o "$TMPD/a2.db" --key "$(val "$F/android.truth" key)" --reveal-key --no-crosscheck >"$TMPD/out" 2>&1
ok "grep -q '$(val "$F/android.truth" key)' '$TMPD/out'" "--reveal-key shows the key"

# 3. win3: passphrase form and already-derived form give the same image; hot journal
W="$F/win3/MSG0.db"
"$WXF" decrypt "$W" -o "$TMPD/w3.db" --key "$(val "$F/win3.truth" key)" >"$TMPD/out" 2>&1
is "$?" 0 "win3: 32-byte key through the KDF"
ok "grep -q '^profile *win3 ' '$TMPD/out'" "win3: profile detected"
ok "grep -q 'SQLCipher 3.4.1 agrees: 3 tables, 365 rows' '$TMPD/out'" "win3: SQLCipher agrees (with the hot journal)"
ok "grep -q 'records: .* 0 bad' '$TMPD/out'" "win3: journal records decrypted and verified"
"$WXF" decrypt "$W" -o "$TMPD/w3r.db" --raw-key "$(val "$F/win3.truth" derived_key)" --no-crosscheck >/dev/null 2>&1
is "$?" 0 "win3: --raw-key (derived AES key) also decrypts"
ok "cmp -s '$TMPD/w3.db' '$TMPD/w3r.db'" "win3: both key forms give the same image"
ok "grep -q DELETED-MARKER-WIN3-CHARLIE '$TMPD/w3.db'" "win3: deleted row present in the image"
if [ $have_sqlite3 = 1 ]; then
	is "$(sqlite3 "$TMPD/w3.db" 'select count(*) from MSG')" 359 "win3: sqlite3 rolls back the hot journal, 359 rows"
else
	skip "no sqlite3"
fi

# 4. wx4: generated by an independent Python generator
X="$F/wx4/message_0.db"
"$WXF" decrypt "$X" -o "$TMPD/w4.db" --key "$(val "$F/wx4.truth" key)" --json >"$TMPD/out" 2>&1
is "$?" 0 "wx4: decrypts"
ok "grep -q '\"profile\":\"wx4\"' '$TMPD/out'" "wx4: --json names the profile"
ok "grep -q DELETED-MARKER-WX4-DELTA '$TMPD/w4.db'" "wx4: deleted row present"
sha=$(dd if="$TMPD/w4.db" bs=4096 2>/dev/null | sha256sum | cut -d' ' -f1)
ok "[ -n '$sha' ]" "wx4: image hashed"
if [ $have_sqlite3 = 1 ]; then
	is "$(sqlite3 "$TMPD/w4.db" 'select count(*) from Msg_5f3e')" 269 "wx4: 269 live rows"
else
	skip "no sqlite3"
fi

# 5. the Android tree: no option at all
D=$(ls -d "$F"/android-tree/apps/com.tencent.mm/r/MicroMsg/*/EnMicroMsg.db)
"$WXF" decrypt "$D" -o "$TMPD/tree.db" >"$TMPD/out" 2>&1
is "$?" 0 "android tree: decrypts without any option"
ok "grep -q 'CompatibleInfo.cfg key 258' '$TMPD/out'" "android tree: device id source reported"

# 6. the demo case (fixtures/android/demo, another generator): no option, key from its own files
for d in demo demo-wal; do
	tj="$top_srcdir/fixtures/android/$d.truth.json"
	db=$(ls "$top_srcdir"/fixtures/android/$d/data/data/com.tencent.mm/MicroMsg/*/EnMicroMsg.db 2>/dev/null | head -1)
	if [ -f "$tj" ] && [ -n "$db" ]; then
		want=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['key'])" "$tj" 2>/dev/null)
		"$WXF" decrypt "$db" -o "$TMPD/$d.db" --reveal-key >"$TMPD/out" 2>&1
		is "$?" 0 "$d: decrypts with the key derived from its own prefs/cfg, no option"
		ok "grep -q '^key *$want\$' '$TMPD/out'" "$d: derived key equals the truth file's key"
		ok "grep -q 'SQLCipher 3.4.1 agrees' '$TMPD/out'" "$d: SQLCipher agrees"
	else
		skip "fixtures/android/$d not present"
	fi
done
done_testing
