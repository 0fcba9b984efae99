#!/bin/sh
# one_place_runs_children.sh NM ARCHIVE-OR-OBJECT...
# Only platform/proc.c starts processes: every other object that uses fork,
# vfork, an exec function, posix_spawn, system or popen is reported.
set -u
NM=$1
shift
found=0
for a in "$@"; do
	"$NM" -A --undefined-only "$a" | awk '
		{ n = split($1, p, ":"); o = p[n - 1]; sub(/.*\//, "", o); s = $NF }
		s ~ /^(v?fork|exec(l|le|lp|v|ve|vp|vpe)|posix_spawnp?|system|popen)$/ && o != "proc.c.o" {
			printf "FAIL: %s uses %s; children are started only by platform/proc.c\n", o, s
		}'
done >"${TMPDIR:-/tmp}/rs-children.$$"
if [ -s "${TMPDIR:-/tmp}/rs-children.$$" ]; then
	cat "${TMPDIR:-/tmp}/rs-children.$$"
	found=1
fi
rm -f "${TMPDIR:-/tmp}/rs-children.$$"
[ $found = 0 ] && echo "only proc.c starts processes"
exit $found
