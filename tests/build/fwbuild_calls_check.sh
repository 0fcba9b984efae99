#!/bin/sh
# fwbuild_calls_check.sh NM ARCHIVE-OR-OBJECT...
# The firmware build's files call each other in one direction only, checked
# on the compiled objects (platform/fwbuild*.c, fwinstall.c; other objects
# of an archive are left out): an edge A -> B
# for every global symbol A uses and B defines. It fails when
#  - the edges make a cycle (a file calls into a file that calls back), or
#  - a step file (every one but fwbuild.c) calls the driver's API
#    (rs_fwbuild_*) or the engine (rs_job_* other than the verdict helpers
#    rs_job_next/goto/done/fail).
# Prints the edges, then one line per problem.
set -u
NM=$1
shift
tab=$(mktemp) || exit 1
trap 'rm -f "$tab"' EXIT
# nm -A: "archive:object: ... symbol" or "object: ... symbol"; the file is
# the object's name without ".o".
for o in "$@"; do
	"$NM" -A --defined-only -g "$o" | awk '{ print "D", $1, $NF }'
	"$NM" -A --undefined-only "$o" | awk '{ print "U", $1, $NF }'
done | awk '{
	n = split($2, p, ":"); f = p[n - 1]; sub(/.*\//, "", f); sub(/\.o$/, "", f)
	if (f ~ /^(fwbuild.*|fwinstall)\.c$/) print $1, f, $3
}' >"$tab"
if [ ! -s "$tab" ]; then
	echo "FAIL: no firmware build objects in $*"
	exit 1
fi
awk '
	$1 == "D" { def[$3] = $2; files[$2] = 1 }
	$1 == "U" { use[++n] = $2 " " $3 }
	END {
		bad = 0
		for (i = 1; i <= n; i++) {
			split(use[i], u, " "); f = u[1]; s = u[2]
			if (f != "fwbuild.c" && (s ~ /^rs_fwbuild_/ ||
			    (s ~ /^rs_job_/ && s !~ /^rs_job_(next|goto|done|fail)$/))) {
				printf "FAIL: %s calls %s: steps never call the driver or the engine\n", f, s
				bad = 1
			}
			if ((s in def) && def[s] != f && !((f, def[s]) in edge)) {
				edge[f, def[s]] = 1
				printf "%s -> %s (%s)\n", f, def[s], s
			}
		}
		# Transitive closure over a handful of files; a file that reaches
		# itself is on a cycle.
		for (k in files) for (i in files) for (j in files)
			if (((i, k) in edge) && ((k, j) in edge)) edge[i, j] = 1
		for (f in files)
			if ((f, f) in edge) { printf "FAIL: %s is on a call cycle\n", f; bad = 1 }
		exit bad
	}' "$tab"
