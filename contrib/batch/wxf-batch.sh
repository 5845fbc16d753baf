#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Every exhibit of an exhibit list on this machine, JOBS at a time, each as one
# wxf-case-job.sh task (GNU parallel when it is installed, else xargs -P; WXF_BATCH_RUNNER=xargs
# or =parallel chooses).  Prints one line per exhibit (its status file) and exits 0 only when
# every exhibit's case and verify exited 0.
#
#   wxf-batch.sh LIST OUTROOT [JOBS]
#
# See wxf-case-job.sh for LIST and the environment (WXF, WXF_CASE_OPTS, SOURCE_DATE_EPOCH).
set -u
list=${1-} outroot=${2-} jobs=${3:-1}
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "$list" ] || [ -z "$outroot" ]; then
	echo "usage: wxf-batch.sh LIST OUTROOT [JOBS]" >&2
	exit 2
fi
[ -r "$list" ] || { echo "wxf-batch.sh: cannot read the exhibit list $list" >&2; exit 2; }
case $jobs in ''|*[!0-9]*|0) echo "wxf-batch.sh: JOBS must be a positive number" >&2; exit 2;; esac
n=$(grep -v '^#' "$list" | grep -vc '^[[:space:]]*$')
[ "$n" -gt 0 ] || { echo "wxf-batch.sh: $list lists no exhibit" >&2; exit 2; }
runner=${WXF_BATCH_RUNNER-}
if [ -z "$runner" ]; then
	if command -v parallel > /dev/null 2>&1; then runner=parallel; else runner=xargs; fi
fi
mkdir -p "$outroot" || exit 2
case $runner in
parallel)
	seq 1 "$n" | parallel --will-cite -j "$jobs" sh "$here/wxf-case-job.sh" "$list" "$outroot" {}
	;;
xargs)
	seq 1 "$n" | xargs -P "$jobs" -n 1 sh "$here/wxf-case-job.sh" "$list" "$outroot"
	;;
*)
	echo "wxf-batch.sh: WXF_BATCH_RUNNER must be parallel or xargs" >&2
	exit 2
	;;
esac
status=0
for label in $(grep -v '^#' "$list" | grep -v '^[[:space:]]*$' | cut -f 1); do
	s=$(cat "$outroot/$label.status" 2>/dev/null || echo "not run")
	printf '%s\t%s\n' "$label" "$s"
	[ "$s" = "case=0 verify=0" ] || status=1
done
exit $status
