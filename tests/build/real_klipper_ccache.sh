#!/bin/bash
# The compiler cache on a real Klipper (only when KLIPPER_SRC names a git
# checkout with at least two commits and ccache is installed; skipped
# otherwise). A clone at HEAD~1 is built through ccache, then moved to HEAD
# (one commit later) and built again: most objects must come from the cache,
# and the image must be byte-identical to a clean build of HEAD without the
# cache, by ratos-setup and by bare make. KLIPPER_SRC itself is not touched.
# usage: real_klipper_ccache.sh BINARY [BOARD]
set -u
BIN=$(realpath "$1")
BOARD=${2:-btt-octopus-pro-429}
skip() { echo "$*: skipping the real Klipper compiler-cache test"; exit 77; }
[ -n "${KLIPPER_SRC:-}" ] || skip "KLIPPER_SRC not set"
command -v arm-none-eabi-gcc >/dev/null || skip "arm-none-eabi-gcc not installed"
CCACHE=$(command -v ccache) || skip "ccache not installed"
git -C "$KLIPPER_SRC" rev-parse -q --verify HEAD~1 >/dev/null || skip "no two commits in $KLIPPER_SRC"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# shellcheck source=tests/lib/checks.sh
source "$(dirname "$0")/../lib/checks.sh"
export XDG_CACHE_HOME=$T/cache HOME=$T/home LC_ALL=C
unset CCACHE_DIR
mkdir -p "$HOME" "$T/masq"
ln -s "$CCACHE" "$T/masq/arm-none-eabi-gcc"
export RATOS_SETUP_CCACHE=$T/masq
OURS=$XDG_CACHE_HOME/ratos-setup/ccache
JOBS=${JOBS:-$(nproc)}
K=$T/klipper
git clone -q "$KLIPPER_SRC" "$K" || { bad "clone"; finish; exit 1; }
NEXT=$(git -C "$K" rev-parse HEAD)
git -C "$K" checkout -q --detach HEAD~1
secs() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["milliseconds"] / 1000)' "$1"; }
build() { # build NAME [ENV...]: ratos-setup build into $T/fw-NAME, JSON in $T/NAME.json
	local name=$1; shift
	env "$@" "$BIN" build "$BOARD" --klipper "$K" --firmware-dir "$T/fw-$name" --jobs "$JOBS" \
		--json >"$T/$name.json" 2>"$T/err" || { bad "$name: build failed"; cat "$T/$name.json" "$T/err"; }
}
stat_of() { CCACHE_DIR=$OURS ccache --print-stats | awk -F'\t' -v k="$1" '$1 == k { print $2 }'; }

build prev
echo "HEAD~1 $(git -C "$K" describe --tags --long --always): $(secs "$T/prev.json") s through ccache (empty)"
git -C "$K" checkout -q --detach "$NEXT"
CCACHE_DIR=$OURS ccache -z >/dev/null
build next
hits=$(($(stat_of direct_cache_hit) + $(stat_of preprocessed_cache_hit)))
misses=$(stat_of cache_miss)
echo "HEAD $(git -C "$K" describe --tags --long --always): $(secs "$T/next.json") s after one commit, $hits objects from the cache, $misses compiled"
check cache-used test "$hits" -gt "$misses"

build clean RATOS_SETUP_CCACHE=off XDG_CACHE_HOME="$T/cache-clean"
echo "HEAD, clean without the cache: $(secs "$T/clean.json") s"
"$BIN" config "$BOARD" >"$T/bare.config"
make -s -C "$K" KCONFIG_CONFIG="$T/bare.config" OUT="$T/bare-kc/" olddefconfig >/dev/null &&
	make -s -C "$K" -j"$JOBS" KCONFIG_CONFIG="$T/bare.config" OUT="$T/bare-out/" >/dev/null ||
	bad "bare make failed"

F=firmware-$BOARD.bin
for f in "$T/fw-next/$F" "$T/fw-clean/$F" "$T/bare-out/klipper.bin"; do
	echo "  $(sha256sum "$f" | cut -d' ' -f1)  ${f#"$T"/}"
done
check identical-to-clean cmp "$T/fw-next/$F" "$T/fw-clean/$F"
check identical-to-make cmp "$T/fw-next/$F" "$T/bare-out/klipper.bin"
check a-new-image bash -c "! cmp -s '$T/fw-prev/$F' '$T/fw-next/$F'"
finish "real Klipper compiler cache"
