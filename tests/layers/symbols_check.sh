#!/bin/sh
# symbols_check.sh NM LAYER CHECKED [ALLOWED...]
# What include paths cannot stop, checked on the compiled code: every rs_*
# symbol that CHECKED (an archive or object of LAYER) uses must be defined in
# CHECKED itself or in the archives of the layers it may use (ALLOWED), so a
# prototype typed by hand to reach a higher layer is caught. core/ must also
# not start processes. Prints one line per offending object and symbol.
set -u
NM=$1 LAYER=$2 CHECKED=$3
shift 3
defs=$(mktemp) || exit 1
trap 'rm -f "$defs"' EXIT
for f in "$CHECKED" "$@"; do "$NM" --defined-only -g "$f"; done | awk 'NF >= 3 { print $3 }' >"$defs"
# nm -A prints "archive:object: U symbol" (or "object: U symbol" for an object)
report=$("$NM" -A --undefined-only "$CHECKED" | awk -v layer="$LAYER" -v defs="$defs" '
	BEGIN { while ((getline s < defs) > 0) defined[s] = 1 }
	{
		n = split($1, p, ":"); object = p[n - 1]; symbol = $NF
		if (symbol ~ /^rs_/ && !(symbol in defined))
			printf "FAIL: %s/ %s uses %s, which neither %s/ nor a layer below it defines\n", layer, object, symbol, layer
		if (layer == "core" && symbol ~ /^(popen|system|v?fork|exec(l|le|lp|v|ve|vp|vpe)|posix_spawnp?)$/)
			printf "FAIL: core/ %s starts a process (%s); only platform/ runs children\n", object, symbol
	}')
if [ -n "$report" ]; then
	printf '%s\n' "$report"
	exit 1
fi
echo "$LAYER/: every rs_* symbol it uses is defined in $LAYER/ or below"
