# SPDX-License-Identifier: Apache-2.0
# Man pages: lint-clean (mandoc -Tlint, warnings and above), one page per command, and every
# long option that a command's --help shows is documented in its page.
. "$top_srcdir/tests/cli/lib.sh"
MANDOC=${MANDOC:-mandoc}
if ! command -v "$MANDOC" > /dev/null 2>&1; then
	fail "mandoc not installed (build-aux/wxf-setup-debian installs it)"
	done_testing
fi
for page in "$top_srcdir"/man/*.[15]; do
	out=$("$MANDOC" -Tlint -Wwarning "$page" 2>&1 | grep -v makewhatis)
	is "$out" "" "$(basename "$page") is lint-clean"
done
cmds=$("$WXF" --help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
ok '[ -n "$cmds" ]' "wxforensic --help lists commands"
for c in $cmds; do
	page="$top_srcdir/man/wxforensic-$c.1"
	ok '[ -f "$page" ]' "man page for '$c' exists"
	[ -f "$page" ] || continue
	grep -q "Xr wxforensic-$c 1" "$top_srcdir/man/wxforensic.1" && pass "wxforensic(1) refers to $c" || fail "wxforensic(1) refers to $c"
	for opt in $("$WXF" "$c" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
		name=${opt#--}
		grep -q -- "Fl \\\\-$name" "$page" && pass "$c: $opt documented" || fail "$c: $opt missing from wxforensic-$c.1"
	done
done
done_testing
