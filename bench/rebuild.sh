#!/bin/bash
# Rebuild after a Klipper update, with and without the compiler cache, and
# bare make in the same run. A clone of KLIPPER_SRC is used (never the tree
# itself): PREV = HEAD~1, NEXT = HEAD. Each round, with an empty ccache:
#   prime   ratos-setup build at PREV through ccache (empty cache: its cost)
#   update  NEXT checked out, ratos-setup build again: out/ is emptied (the
#           version changed), the objects come from ccache
#   clean   ratos-setup build --force at NEXT with RATOS_SETUP_CCACHE=off
#   bare    make olddefconfig + make -jN at NEXT into a fresh OUT
#   incr    bare make at NEXT in an OUT last built by bare make at PREV
#           (make's own incremental build, which ratos-setup does not use)
# and checks that update, clean and bare give the same image.
# usage: KLIPPER_SRC=~/klipper bench/rebuild.sh [BINARY] [ROUNDS]
set -eu
BIN=$(realpath "${1:-build/ratos-setup}")
ROUNDS=${2:-3}
BOARD=${BOARD:-btt-octopus-pro-429}
SRC=${KLIPPER_SRC:?set KLIPPER_SRC to a Klipper checkout}
N=${JOBS:-$(nproc)}
CCACHE=$(command -v ccache) || { echo "ccache is not installed"; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
K=$TMP/klipper
git clone -q "$SRC" "$K"
NEXT=$(git -C "$K" rev-parse HEAD)
PREV=$(git -C "$K" rev-parse HEAD~1)
mkdir "$TMP/masq"
ln -s "$CCACHE" "$TMP/masq/arm-none-eabi-gcc"
unset CCACHE_DIR
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
T="/usr/bin/time -f %e_%U_%S -a -o"
rs() { # rs NAME [ENV...]: timed ratos-setup build into $TMP/fw-NAME
	local name=$1; shift
	$T "$TMP/t-$name" env "$@" "$BIN" build "$BOARD" --klipper "$K" --firmware-dir "$TMP/fw-$name" \
		--jobs "$N" >"$TMP/out" 2>&1 || { cat "$TMP/out"; exit 1; }
}
bare() { # bare NAME OUT: timed make olddefconfig + make -jN
	cp "$TMP/fragment" "$TMP/bare.config"
	$T "$TMP/t-$1" sh -c 'make -s -C "$1" KCONFIG_CONFIG="$2" OUT="$3" olddefconfig >/dev/null &&
		make -s -C "$1" -j"$4" KCONFIG_CONFIG="$2" OUT="$3" >/dev/null' sh \
		"$K" "$TMP/bare.config" "$2" "$N"
}
"$BIN" config "$BOARD" >"$TMP/fragment"
for s in prime update clean bare incr; do : >"$TMP/t-$s"; done
same=0 incr_same=0
for r in $(seq "$ROUNDS"); do
	rm -rf "$TMP/cache" "$TMP/cache-clean" "$TMP/bare-out" "$TMP/incr-out"
	git -C "$K" checkout -q --detach "$PREV"
	rs prime XDG_CACHE_HOME="$TMP/cache" RATOS_SETUP_CCACHE="$TMP/masq"
	bare prev "$TMP/incr-out/"
	git -C "$K" checkout -q --detach "$NEXT"
	rs update XDG_CACHE_HOME="$TMP/cache" RATOS_SETUP_CCACHE="$TMP/masq"
	grep -q "^Built" "$TMP/out" || { echo "update did not build:"; cat "$TMP/out"; exit 1; }
	bare incr "$TMP/incr-out/"
	rs clean XDG_CACHE_HOME="$TMP/cache-clean" RATOS_SETUP_CCACHE=off
	bare bare "$TMP/bare-out/"
	f=firmware-$BOARD.bin
	if cmp -s "$TMP/fw-update/$f" "$TMP/fw-clean/$f" && cmp -s "$TMP/fw-update/$f" "$TMP/bare-out/klipper.bin"; then
		same=$((same + 1))
	else
		echo "round $r: the images differ"
	fi
	cmp -s "$TMP/incr-out/klipper.bin" "$TMP/bare-out/klipper.bin" && incr_same=$((incr_same + 1))
	echo "round $r (wall_user_sys s): prime $(tail -1 "$TMP/t-prime"), update $(tail -1 "$TMP/t-update")," \
		"clean $(tail -1 "$TMP/t-clean"), bare $(tail -1 "$TMP/t-bare"), incr $(tail -1 "$TMP/t-incr");" \
		"sha256 $(sha256sum "$TMP/fw-update/$f" | cut -c1-16)"
done
col() { tr '_' ' ' <"$TMP/t-$1" | awk -v c="$2" '{ if (c == "cpu") print $2 + $3; else print $1 }' | median; }
echo "$BOARD, -j$N, $(git -C "$K" describe --tags --long --always "$PREV") -> $(git -C "$K" describe --tags --long --always "$NEXT"), medians of $ROUNDS rounds (wall s / cpu s):"
for s in prime update clean bare incr; do printf '  %-7s %8s %8s\n' "$s" "$(col "$s" wall)" "$(col "$s" cpu)"; done
echo "update = clean = bare, byte for byte: $same of $ROUNDS rounds; incr = bare: $incr_same of $ROUNDS"
