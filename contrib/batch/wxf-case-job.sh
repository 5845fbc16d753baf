#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# One exhibit of a lab batch: line N of an exhibit list becomes one `wxforensic case` into
# OUTROOT/LABEL, then `wxforensic verify` of that bundle.  The same script is the task of a
# Slurm array job (contrib/slurm), a Kubernetes Indexed Job (contrib/k8s) and of
# contrib/batch/wxf-batch.sh (GNU parallel or xargs on one machine).
#
#   wxf-case-job.sh LIST OUTROOT [N]
#
# LIST   exhibit list, one exhibit per line: LABEL<TAB>EVIDENCE-PATH[<TAB>CASE-OPTIONS]; empty
#        lines and lines starting with # are skipped.  LABEL is the exhibit label (A1, 检材1 is
#        not a folder-safe name: use letters, digits, '.', '_', '-') and the bundle's folder
#        name; CASE-OPTIONS are extra `case` options for this exhibit (a key, a password),
#        split at blanks, without quoting.
# N      1-based number of the exhibit line; default $SLURM_ARRAY_TASK_ID, else
#        $JOB_COMPLETION_INDEX + 1 (Kubernetes).
# Environment: WXF (the program, default wxforensic); WXF_CASE_OPTS (options for every
# exhibit, e.g. --case-number, split at blanks); SOURCE_DATE_EPOCH as for `case`.
# Writes OUTROOT/LABEL/ (the bundle), OUTROOT/LABEL.log (both programs' output) and
# OUTROOT/LABEL.status ("case=C verify=V"; V is "-" when case wrote no bundle).
# Exit: 2 for a bad list, line or label; otherwise case's status when it is not 0 (see
# wxforensic-case(1): 3 = some evidence unreadable, the bundle still written), else verify's.
set -u
list=${1-} outroot=${2-} n=${3-}
wxf=${WXF:-wxforensic}
if [ -z "$list" ] || [ -z "$outroot" ]; then
	echo "usage: wxf-case-job.sh LIST OUTROOT [N]" >&2
	exit 2
fi
if [ -z "$n" ]; then
	if [ -n "${SLURM_ARRAY_TASK_ID-}" ]; then
		n=$SLURM_ARRAY_TASK_ID
	elif [ -n "${JOB_COMPLETION_INDEX-}" ]; then
		n=$((JOB_COMPLETION_INDEX + 1))
	fi
fi
case $n in
''|*[!0-9]*|0) echo "wxf-case-job.sh: no exhibit number (N, SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX)" >&2; exit 2;;
esac
[ -r "$list" ] || { echo "wxf-case-job.sh: cannot read the exhibit list $list" >&2; exit 2; }
line=$(grep -v '^#' "$list" | grep -v '^[[:space:]]*$' | sed -n "${n}p")
if [ -z "$line" ]; then
	echo "wxf-case-job.sh: $list has no exhibit number $n" >&2
	exit 2
fi
tab=$(printf '\t')
label=${line%%"$tab"*}
rest=${line#*"$tab"}
[ "$rest" != "$line" ] || { echo "wxf-case-job.sh: exhibit $n: expected LABEL<TAB>PATH" >&2; exit 2; }
path=${rest%%"$tab"*}
opts=
[ "$path" = "$rest" ] || opts=${rest#*"$tab"}
case $label in
''|.|..|*[!A-Za-z0-9._-]*) echo "wxf-case-job.sh: exhibit $n: label '$label' is not a folder-safe name (letters, digits, . _ -)" >&2; exit 2;;
esac
[ -n "$path" ] || { echo "wxf-case-job.sh: exhibit $n ($label): no evidence path" >&2; exit 2; }
mkdir -p "$outroot" || exit 2
out=$outroot/$label
log=$outroot/$label.log
# shellcheck disable=SC2086
"$wxf" case -q -o "$out" --exhibit-label "$label=$path" ${WXF_CASE_OPTS-} $opts > "$log" 2>&1
rc=$?
vrc=-
if [ -f "$out/manifest.sha256" ]; then
	"$wxf" verify "$out" >> "$log" 2>&1
	vrc=$?
fi
echo "case=$rc verify=$vrc" > "$outroot/$label.status"
[ "$rc" -ne 0 ] && exit "$rc"
[ "$vrc" = - ] && exit 1
exit "$vrc"
