#!/bin/bash
# Firmware build overhead: a clean build through `ratos-setup build` against
# the same work done by hand (make olddefconfig + make -jN with the same
# fragment, fresh OUT), interleaved in the same run; then the cached rebuild.
# usage: KLIPPER_SRC=~/klipper bench/build.sh [BINARY] [ROUNDS]
set -eu
BIN=${1:-build/ratos-setup}
ROUNDS=${2:-5}
BOARD=${BOARD:-btt-octopus-pro-429}
K=${KLIPPER_SRC:?set KLIPPER_SRC to a Klipper checkout}
N=$(nproc)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export XDG_CACHE_HOME=$TMP/cache
now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

"$BIN" config "$BOARD" >"$TMP/fragment"
# Wall time is what users wait for; CPU time (user+sys of every child) is
# less disturbed by other load on the machine. Rounds alternate.
T="/usr/bin/time -f %e_%U_%S -a -o"
: >"$TMP/tool" && : >"$TMP/bare"
for r in $(seq "$ROUNDS"); do
	$T "$TMP/tool" "$BIN" build "$BOARD" --klipper "$K" --firmware-dir "$TMP/fw" --jobs "$N" \
		--force >/dev/null 2>&1
	rm -rf "$TMP/bare-out"
	cp "$TMP/fragment" "$TMP/bare.config"
	$T "$TMP/bare" sh -c 'make -s -C "$1" KCONFIG_CONFIG="$2" OUT="$3" olddefconfig >/dev/null &&
		make -s -C "$1" -j"$4" KCONFIG_CONFIG="$2" OUT="$3" >/dev/null' sh \
		"$K" "$TMP/bare.config" "$TMP/bare-out/" "$N"
	cmp -s "$TMP/bare-out/klipper.bin" "$TMP/fw/firmware-$BOARD.bin" || echo "note: images differ in round $r"
	echo "round $r: ratos-setup $(tail -1 "$TMP/tool"), by hand $(tail -1 "$TMP/bare") (wall_user_sys s)"
done
col() { tr '_' ' ' <"$1" | awk -v c="$2" '{ if (c == "cpu") print $2 + $3; else print $1 }' | median; }
paired() { paste -d' ' <(tr '_' ' ' <"$TMP/tool") <(tr '_' ' ' <"$TMP/bare") |
	awk '{ printf "%.3f\n", ($1 - $4) * 100 / $4 }' | median; }
tw=$(col "$TMP/tool" wall) bw=$(col "$TMP/bare" wall)
tc=$(col "$TMP/tool" cpu) bc_=$(col "$TMP/bare" cpu)
echo "clean build -j$N, medians of $ROUNDS rounds:"
echo "  wall: ratos-setup $tw s, by hand $bw s, overhead $(echo "scale=2; ($tw - $bw) * 100 / $bw" | bc) % (median of per-round overheads $(paired) %)"
echo "  cpu:  ratos-setup $tc s, by hand $bc_ s, overhead $(echo "scale=2; ($tc - $bc_) * 100 / $bc_" | bc) %"

: >"$TMP/cached"
for r in $(seq 20); do
	t0=$(now)
	"$BIN" build "$BOARD" --klipper "$K" --firmware-dir "$TMP/fw" >"$TMP/out" 2>&1
	t1=$(now)
	grep -q "is up to date" "$TMP/out" || { echo "not a cache hit:"; cat "$TMP/out"; exit 1; }
	echo "$t1 - $t0" | bc >>"$TMP/cached"
done
echo "cached rebuild, median of 20: $(median <"$TMP/cached") s (max $(sort -g "$TMP/cached" | tail -1) s)"
