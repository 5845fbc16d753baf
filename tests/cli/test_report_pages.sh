# SPDX-License-Identifier: Apache-2.0
# The report of a large case: report.html an index and every conversation on pages of its own
# (--inline-messages; the default keeps a small case in one file).  Checked by
# tests/tools/check_pages.py (Python's html.parser): every message of messages.csv on exactly one
# page of its conversation, no chat bubble left in the index, every page linked from the index
# and back to its conversation's entry there, every link into a page landing on an element with
# that id, every page listed in the manifest; then the bundle checks (check_bundle.py, verify,
# timeline.xml schema), a second run byte-identical, two accounts in one case, and a large
# case whose long lists (recovered messages, anomalies) are on pages of their own, and long
# conversations split by month.  Then the
# writers side by side (--jobs; WXF_WRITER_JOBS sets their number alone): the same bundle, audit
# log included, as one after another.
. "$top_srcdir/tests/cli/lib.sh"
demo="$top_srcdir/fixtures/android/demo"
CP="$top_srcdir/tests/tools/check_pages.py"
run() { (cd "$TMPD" && SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q "$@" > /dev/null 2> "$TMPD/err"); }

# --- the default: a small case stays in one file ---
run -o small "$demo"
is "$?" 0 "case on the demo (171 messages, default --inline-messages 2000)"
ok '[ ! -d "$TMPD/small/conversations" ]' "a small case: no conversation pages, report.html holds the chats"
python3 "$CP" "$TMPD/small" --inline > "$TMPD/small.out" 2>&1
is "$?" 0 "a small case: every message is a bubble in report.html ($(tail -1 "$TMPD/small.out"))"

# --- every conversation on pages of its own ---
run --inline-messages 0 -o idx "$demo"
is "$?" 0 "case --inline-messages 0"
python3 "$CP" "$TMPD/idx" > "$TMPD/idx.out" 2>&1
is "$?" 0 "index and pages: every message on one page, links both ways, ids resolve, manifest lists the pages ($(tail -1 "$TMPD/idx.out"))"
sed '$d; s/^/# /' "$TMPD/idx.out" | head -20
ok 'grep -q "本案消息较多，本报告只列出会话" "$TMPD/idx/report.html"' "the index says that the messages are on pages of their own"
n_pages=$(ls "$TMPD/idx/conversations" | wc -l)
n_convs=$(python3 -c 'import csv,sys; print(len({r["conversation"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline=""))}))' "$TMPD/idx/csv/messages.csv")
is "$n_pages" "$n_convs" "one page per conversation at the default page size ($n_pages)"
"$WXF" verify "$TMPD/idx" > "$TMPD/v.out" 2>&1
is "$?" 0 "verify accepts the paginated bundle"
python3 "$top_srcdir/tests/tools/check_bundle.py" "$TMPD/idx" "$demo" "$top_srcdir/fixtures/android/demo.truth.json" > "$TMPD/cb.out"
ok '! grep -q "^not ok" "$TMPD/cb.out" && grep -q "^ok" "$TMPD/cb.out"' \
	"check_bundle.py passes on the paginated bundle ($(grep -c '^ok' "$TMPD/cb.out") checks)"
check_timeline "$TMPD/idx/timeline.xml" "paginated"
# the command line is recorded (timeline.xml, case.jsonld): the rest is the same
grep -v "<command_line>" "$TMPD/small/timeline.xml" > "$TMPD/t1.xml"
grep -v "<command_line>" "$TMPD/idx/timeline.xml" > "$TMPD/t2.xml"
ok 'cmp -s "$TMPD/t1.xml" "$TMPD/t2.xml"' \
	"timeline.xml is the same with either report layout (but for the command line)"
for f in timeline.jsonl csv/messages.csv csv/payments.csv csv/contacts.csv; do
	ok 'cmp -s "$TMPD/small/$f" "$TMPD/idx/$f"' "$f is the same with either report layout"
done
run --inline-messages 0 -o idx2 "$demo"
ok 'diff -r "$TMPD/idx" "$TMPD/idx2" > /dev/null' "a second run gives the same bundle, pages included"

# --- above the limit; several pages to a conversation ---
run --inline-messages 100 --page-messages 10 -o many "$demo"
is "$?" 0 "case --inline-messages 100 --page-messages 10 (171 messages: above the limit)"
python3 "$CP" "$TMPD/many" --page-messages 10 > "$TMPD/many.out" 2>&1
is "$?" 0 "pages of at most 10 messages, previous/next links, every message once ($(tail -1 "$TMPD/many.out"))"
sed '$d; s/^/# /' "$TMPD/many.out" | head -20
run --inline-messages 171 -o at "$demo"
ok '[ ! -d "$TMPD/at/conversations" ]' "--inline-messages 171 on 171 messages: still one file"

# --- two accounts: both accounts' conversations on pages, anchors kept apart ---
"$WXF" case -q --inline-messages 0 -o "$TMPD/two" "$demo" "$top_srcdir/fixtures/android/buyer2" > /dev/null 2>&1
is "$?" 0 "case --inline-messages 0 over two exhibits"
python3 "$CP" "$TMPD/two" > "$TMPD/two.out" 2>&1
is "$?" 0 "two accounts: every message on one page, links both ways ($(tail -1 "$TMPD/two.out"))"
sed '$d; s/^/# /' "$TMPD/two.out" | head -20

# --- a large case (bench/case/gen_case.py: Python's sqlite3 and the sqlcipher shell): 45,000
# messages over 2,000 conversations, 5 % deleted; the long lists on pages of their own ---
if python3 "$top_srcdir/bench/case/gen_case.py" "$TMPD/big-ev" 45000 > "$TMPD/big.key" 2> "$TMPD/big-gen.err"; then
	(cd "$TMPD" && SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q --jobs 2 --key "$(cat big.key)" -o big big-ev > /dev/null 2>&1)
	is "$?" 0 "a large case (45,000 messages): case exits 0"
	python3 "$CP" "$TMPD/big" > "$TMPD/big.out" 2>&1
	is "$?" 0 "a large case: every message on one page, list pages linked both ways, every link resolves ($(tail -1 "$TMPD/big.out"))"
	sed '$d; s/^/# /' "$TMPD/big.out" | head -20
	ok '[ -f "$TMPD/big/lists/recovered-1.html" ] && [ -f "$TMPD/big/lists/recovered-2.html" ]' \
		"a large case: the recovered messages ($(grep -c '"deleted-recovered\|"partially-recovered' "$TMPD/big/csv/messages.csv" 2>/dev/null) rows) are on two list pages"
	isz=$(wc -c < "$TMPD/big/report.html")
	ok '[ "$isz" -lt 4000000 ]' "a large case: the index is small ($isz bytes)"
	"$WXF" verify "$TMPD/big" > /dev/null 2>&1
	is "$?" 0 "a large case: verify accepts the bundle"
	# progress on a terminal (script(1) gives the run one): writers side by side share one line
	if command -v script > /dev/null 2>&1; then
		for w in 1 3; do
			rm -rf "$TMPD/bigp"
			WXF_WRITER_JOBS=$w script -qec "$WXF case --jobs 2 --key $(cat "$TMPD/big.key") -o $TMPD/bigp $TMPD/big-ev" \
			    "$TMPD/tty$w" > /dev/null 2>&1
			tr '\r' '\n' < "$TMPD/tty$w" | sed 's/\x1b\[K//g' > "$TMPD/tty$w.txt"
		done
		ok 'grep -q "^writing timeline.xml: [0-9]* MB" "$TMPD/tty1.txt"' \
			"a terminal, writers one after another: each file's progress ($(grep -c '^writing ' "$TMPD/tty1.txt") lines)"
		ok 'grep -q "^writing the bundle ([0-5] of 6 writers done): [1-9][0-9]* MB" "$TMPD/tty3.txt" && ! grep -q "^writing timeline.xml:" "$TMPD/tty3.txt"' \
			"a terminal, writers side by side: one line for all ($(grep '^writing the bundle' "$TMPD/tty3.txt" | tail -1))"
	else
		skip "script(1) not installed: no terminal for the progress test"
	fi
	# merge reads timeline.xml as a stream (a large case's is gigabytes)
	"$WXF" merge -o "$TMPD/big-merge" "$TMPD/big" > "$TMPD/bm.out" 2>&1
	is "$?" 0 "a large case: merge reads its timeline.xml ($(wc -c < "$TMPD/big/timeline.xml") bytes) and exits 0"
	ok 'grep -q "<merge" "$TMPD/big-merge/seller.xml" && "$WXF" verify "$TMPD/big-merge" > /dev/null 2>&1' \
		"a large case: merge writes seller.xml and its bundle verifies"
else
	fail "gen_case.py could not make the large case: $(tail -1 "$TMPD/big-gen.err")"
fi

# --- long conversations split by month: 12,000 messages over 200 conversations and nine months
# (gen_case.py, a message every 30 minutes), pages of at most 10 ---
if python3 "$top_srcdir/bench/case/gen_case.py" "$TMPD/mon-ev" 12000 1800 200 > "$TMPD/mon.key" 2> "$TMPD/mon-gen.err"; then
	(cd "$TMPD" && SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q --jobs 2 --page-messages 10 --key "$(cat mon.key)" -o mon mon-ev > /dev/null 2>&1)
	is "$?" 0 "months: case --page-messages 10 exits 0"
	python3 "$CP" "$TMPD/mon" --page-messages 10 > "$TMPD/mon.out" 2>&1
	is "$?" 0 "months: every page holds one month of one conversation, at most 10 messages ($(tail -1 "$TMPD/mon.out"))"
	sed '$d; s/^/# /' "$TMPD/mon.out" | head -20
	ok 'grep -q "按月分为 [0-9]* 个页面" "$TMPD/mon/report.html"' "months: the index says the conversations are split by month"
else
	fail "gen_case.py could not make the nine-month case: $(tail -1 "$TMPD/mon-gen.err")"
fi

# --- the writers side by side: the same bytes, audit log included ---
for w in 2 6; do
	for lay in "" "--inline-messages 0"; do
		(cd "$TMPD" && SOURCE_DATE_EPOCH=1780000000 WXF_WRITER_JOBS=1 "$WXF" case -q --jobs 2 $lay -o w1 "$demo" "$top_srcdir/fixtures/android/buyer2" > /dev/null 2>&1 &&
		    SOURCE_DATE_EPOCH=1780000000 WXF_WRITER_JOBS=$w "$WXF" case -q --jobs 2 $lay -o w$w "$demo" "$top_srcdir/fixtures/android/buyer2" > /dev/null 2>&1)
		is "$?" 0 "two exhibits ${lay:-(one file)}: writers one after another and $w at a time, both exit 0"
		ok 'diff -r "$TMPD/w1" "$TMPD/w$w" > /dev/null' \
			"two exhibits ${lay:-(one file)}: $w writers at a time give the same bundle, audit.jsonl and manifest included"
		"$WXF" verify "$TMPD/w$w" > /dev/null 2>&1
		is "$?" 0 "two exhibits ${lay:-(one file)}, $w writers at a time: verify accepts the bundle"
		rm -rf "$TMPD/w1" "$TMPD/w$w"
	done
done

# --- refusals ---
"$WXF" case -q --inline-messages -1 -o "$TMPD/bad" "$demo" > /dev/null 2> "$TMPD/bad.err"
is "$?" 2 "--inline-messages -1 is refused (exit 2)"
ok 'grep -q -- "--inline-messages" "$TMPD/bad.err" && [ ! -e "$TMPD/bad" ]' "the message names the option; nothing is written"
"$WXF" case -q --inline-messages x -o "$TMPD/bad" "$demo" > /dev/null 2>&1
is "$?" 2 "--inline-messages x is refused (exit 2)"
done_testing
