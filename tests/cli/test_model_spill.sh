# SPDX-License-Identifier: Apache-2.0
# The model in a file (wxf_model_spill): past a threshold (64 MiB; WXF_MODEL_SPILL_MB=0 here, so
# that the small fixtures spill from their first byte) an account's messages, payments and
# strings live in pages of an unnamed file in $TMPDIR that the kernel writes out and reads back,
# and so do its tables (wxf_table_spill: maps, vectors, the writers' events), a file each.
# The bundle must not change with it: byte-identical to the in-memory run, one account or two.
# Where the file cannot grow (files limited below a spill chunk), the run says so, keeps the model
# in memory, exits 0 and gives the same bundle (a file that cannot be made at all: test_base).
. "$top_srcdir/tests/cli/lib.sh"

DEMO="$top_srcdir/fixtures/android/demo"
BUYER2="$top_srcdir/fixtures/android/buyer2"
has() { grep -q -- "$1" "$2"; }
limited() { (blocks=$1; shift; trap '' XFSZ; ulimit -f "$blocks" && exec "$@"); }
run() { (out=$1; shift; cd "$TMPD" && SOURCE_DATE_EPOCH=1780000000 "$WXF" case --jobs 2 -o "$out" "$@" > /dev/null 2> "$out.err"); }
same() { diff -r "$TMPD/$1" "$TMPD/$2" > "$TMPD/$2.diff" 2>&1; }

mkdir "$TMPD/tmp"

# --- one account -------------------------------------------------------------------------------
run ref "$DEMO"
is "$?" 0 "in memory (the default threshold): exit 0"
ok '! has "kept in a file" "$TMPD/ref.err"' "a small case stays in memory"
WXF_MODEL_SPILL_MB=0 TMPDIR="$TMPD/tmp" run spill "$DEMO"
is "$?" 0 "spilled from the first byte: exit 0"
ok 'has "MB of the model kept in a file in $TMPD/tmp" "$TMPD/spill.err"' \
	"the run says the model went to a file ($(grep -o 'kept in a file[^(]*' "$TMPD/spill.err" | head -1))"
ok 'has "MB of tables (indexes of messages, events) kept in files in $TMPD/tmp" "$TMPD/spill.err" &&
	! has "of tables (indexes" "$TMPD/ref.err"' \
	"the tables (maps, vectors, events) went to files too, and only when spilled ($(grep -o 'at most [0-9]* MB of tables' "$TMPD/spill.err"))"
ok 'same ref spill' "spilled: the bundle is byte-identical, work/, audit.jsonl and manifest included"
ok '[ -z "$(ls -A "$TMPD/tmp")" ]' "spilled: nothing left in the temporary folder"
"$WXF" verify "$TMPD/spill" > /dev/null 2>&1
is "$?" 0 "spilled: verify accepts the bundle"

# --- two accounts, two models, two files --------------------------------------------------------
run two "$DEMO" "$BUYER2"
is "$?" 0 "two exhibits in memory: exit 0"
WXF_MODEL_SPILL_MB=0 TMPDIR="$TMPD/tmp" run two-spill "$DEMO" "$BUYER2"
is "$?" 0 "two exhibits spilled: exit 0"
ok '[ "$(grep -c "of the model kept in a file" "$TMPD/two-spill.err")" = 2 ]' "each account's model in a file of its own"
ok 'same two two-spill' "two exhibits spilled: the same bundle as in memory"

# --- the file cannot grow: files limited below one spill chunk (8 MiB) but above the bundle's ---
big=$(find "$TMPD/ref" -type f -printf '%s\n' | sort -n | tail -1)
if [ "$big" -lt 3145728 ]; then
	(cd "$TMPD" && export WXF_MODEL_SPILL_MB=0 TMPDIR="$TMPD/tmp" SOURCE_DATE_EPOCH=1780000000 &&
	    limited 6144 "$WXF" case --jobs 2 -o fsz "$DEMO" > /dev/null 2> fsz.err)
	is "$?" 0 "files limited to 3 or 6 MiB (ulimit -f counts 512 or 1024 bytes; a spill chunk is 8): exit 0"
	ok 'has "could not be kept in a file in $TMPD/tmp (File too large)" "$TMPD/fsz.err"' \
		"files limited: the run says why"
	ok 'same ref fsz' "files limited: the same bundle"
	grep "kept" "$TMPD/fsz.err" | sed "s/^/# /"
else
	skip "the demo bundle holds a file of $big bytes"
	skip "(no room under the limit)"
	skip "(no room under the limit)"
fi
ok '[ -z "$(ls -A "$TMPD/tmp")" ]' "nothing left in the temporary folder by any run"

done_testing
