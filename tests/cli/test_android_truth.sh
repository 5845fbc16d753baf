# SPDX-License-Identifier: Apache-2.0
# Android reader against the fixtures' ground truth (fixtures/android/<name>.truth.json):
# every live message (type, kind, sender, time, server id, body, media), contact, group, owner
# attribute, transfer (amount, parties, lifecycle grouping, final state, witness disagreement),
# red packet, AA and receipt.  The plaintext image is made at test time with the sqlcipher CLI
# in a temporary directory (skipped when the CLI, python3 or the fixture is absent).
. "$top_srcdir/tests/cli/lib.sh"

DUMP="$top_builddir/tests/unit/wxf_android_dump"
SQLCIPHER=${SQLCIPHER_CLI:-sqlcipher}

if ! command -v python3 >/dev/null 2>&1 || ! command -v "$SQLCIPHER" >/dev/null 2>&1; then
	skip "python3 or the sqlcipher CLI is missing"
	done_testing
fi

for name in demo demo-wal hostile; do
	fx="$top_srcdir/fixtures/android/$name"
	truth="$top_srcdir/fixtures/android/$name.truth.json"
	if [ ! -d "$fx" ] || [ ! -f "$truth" ]; then
		skip "fixture $name absent"
		continue
	fi
	set -- $(python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); print(t["key"], t["db_path"], t["account_dir"])' "$truth")
	key=$1 dbrel=$2
	db="$fx/$dbrel"
	acct=$(dirname "$db")
	w="$TMPD/$name"
	mkdir -p "$w"
	# work on copies: opening a WAL database writes its -shm
	cp "$db" "$w/enc.db"
	[ -f "$db-wal" ] && cp "$db-wal" "$w/enc.db-wal"
	"$SQLCIPHER" "$w/enc.db" "PRAGMA key='$key'; PRAGMA cipher_use_hmac=OFF; PRAGMA cipher_page_size=1024; PRAGMA kdf_iter=4000; ATTACH DATABASE '$w/plain.db' AS p KEY ''; SELECT sqlcipher_export('p'); DETACH DATABASE p;" >/dev/null 2>"$w/sqlcipher.err"
	if [ ! -s "$w/plain.db" ]; then
		fail "$name: sqlcipher export of the fixture failed: $(head -c 200 "$w/sqlcipher.err")"
		continue
	fi
	"$DUMP" "$w/plain.db" --evidence "$dbrel" --account-dir "$acct" --root "$fx" \
	    > "$w/model.jsonl" 2> "$w/dump.err"
	is "$?" 0 "$name: reader exits 0 on the plaintext image"
	"$DUMP" "$w/plain.db" --evidence "$dbrel" --account-dir "$acct" --root "$fx" \
	    > "$w/model2.jsonl" 2>/dev/null
	ok "cmp -s '$w/model.jsonl' '$w/model2.jsonl'" "$name: JSON Lines output is deterministic"
	python3 "$top_srcdir/tests/cli/android_truth.py" "$w/model.jsonl" "$truth" "$name" > "$w/py.out" 2>&1
	rc=$?
	while IFS= read -r line; do
		case "$line" in
		"ok "*) pass "${line#ok - }" ;;
		"not ok "*) fail "${line#not ok - }" ;;
		*) diag "$line" ;;
		esac
	done < "$w/py.out"
	[ $rc -eq 0 ] || [ $rc -eq 1 ] || fail "$name: comparer crashed (rc $rc)"
done
done_testing
