#!/bin/bash
# The compiler cache on the fake Klipper tree (a git checkout): after a
# one-commit update the rebuild compiles only the changed source, and its
# image is byte-identical to a clean build of the same commit without the
# cache, by ratos-setup and by bare make. A changed config is never served
# from the cache; --force compiles everything; a missing or turned-off
# ccache changes nothing but the time; the user's own CCACHE_DIR is not used.
# The fake compiler logs every real compile (FAKE_CC_LOG), ccache's own
# counters say what it answered.
# usage: ccache_test.sh BINARY SOURCE_DIR
set -u
BIN=$(realpath "$1") SRC=$(cd "$2" && pwd)
HERE=$SRC/tests/build
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# shellcheck source=tests/lib/checks.sh
source "$SRC/tests/lib/checks.sh"

export HOME=$T/home XDG_CACHE_HOME=$T/cache LC_ALL=C FAKE_CC_LOG=$T/cc.log
export PATH=$HERE/fake-bin:$PATH
export RATOS_SETUP_ROOT_PATH=$PATH # as root, children get only this PATH
unset CCACHE_DIR CCACHE_DISABLE CCACHE_RECACHE
mkdir -p "$HOME"
K=$T/klipper
cp -r "$HERE/fake-klipper" "$K"
rm "$K/klippy/.version"
gitk() { git -C "$K" -c user.email=t@example.invalid -c user.name=t "$@"; }
(gitk init -q && gitk add -A && gitk commit -qm one && gitk tag v0.3.0) || bad "git setup"
rs() { "$BIN" --boards-dir "$HERE/data/boards" "$@"; }
LOG=$XDG_CACHE_HOME/ratos-setup/test-f446/build.log
OURS=$XDG_CACHE_HOME/ratos-setup/ccache
compiled() { sort "$FAKE_CC_LOG" | tr '\n' ' '; }
hits() {
	CCACHE_DIR=$OURS ccache --print-stats |
		awk -F'\t' '$1 == "direct_cache_hit" || $1 == "preprocessed_cache_hit" { s += $2 } END { print s + 0 }'
}
ALL="src/basecmd.c src/command.c src/generic/usb_cdc.c src/sched.c src/stm32/clock.c src/stm32/gpio.c "
# A clean build of the tree as it is now, by hand: fresh OUT, no cache.
bare_make() {
	rs config test-f446 >"$T/bare.config"
	rm -rf "$T/bare-out"
	(cd "$K" && make -s KCONFIG_CONFIG="$T/bare.config" OUT="$T/bare-kc/" olddefconfig &&
		make -s KCONFIG_CONFIG="$T/bare.config" OUT="$T/bare-out/") >/dev/null 2>&1
}

# --- ccache missing or turned off: the build is the same, only slower ------
mkdir -p "$T/masq-gone"
ln -s "$T/no-ccache-here" "$T/masq-gone/arm-none-eabi-gcc"
for setting in "$T/no-such-dir" "$T/masq-gone" off relative/dir; do
	: >"$FAKE_CC_LOG"
	run "without-$setting" 0 env RATOS_SETUP_CCACHE="$setting" "$BIN" --boards-dir \
		"$HERE/data/boards" build test-f446 --klipper "$K" --firmware-dir "$T/fw-none" --force
	has "without-$setting" "$T/out" "Built "
	has "without-$setting-log" "$LOG" "ratos-setup: no compiler cache: "
	check "without-$setting-compiled-all" test "$(compiled)" = "$ALL"
done
has without-missing-says "$LOG" "no compiler cache: RATOS_SETUP_CCACHE=relative/dir is neither off nor an absolute directory"
check without-no-cache-dir test ! -e "$OURS"
bare_make
check without-same-as-make cmp -s "$T/bare-out/klipper.bin" "$T/fw-none/firmware-test-f446.bin"

if ! CCACHE=$(command -v ccache); then
	finish "compiler cache (ccache not installed: only the builds without it)"
	exit $(($? == 0 ? 77 : 1))
fi
rm -rf "$XDG_CACHE_HOME"

# --- Debian's masquerade directory when nothing is said ----------------------
: >"$FAKE_CC_LOG"
run auto 0 env -u RATOS_SETUP_CCACHE "$BIN" --boards-dir "$HERE/data/boards" build test-f446 \
	--klipper "$K" --firmware-dir "$T/fw-auto"
if [ -x /usr/lib/ccache/arm-none-eabi-gcc ]; then
	has auto-debian "$LOG" "compiler cache: ccache through /usr/lib/ccache, cache in $OURS"
else
	has auto-none "$LOG" "no compiler cache: /usr/lib/ccache has no arm-none-eabi-gcc"
fi
check auto-compiled-all test "$(compiled)" = "$ALL"
rm -rf "$XDG_CACHE_HOME"

# From here on a masquerade directory of our own, as Debian's would be.
mkdir -p "$T/masq"
ln -s "$CCACHE" "$T/masq/arm-none-eabi-gcc"
export RATOS_SETUP_CCACHE=$T/masq
# The user's own ccache settings must not reach the firmware build.
export CCACHE_DIR=$T/users-ccache CCACHE_SLOPPINESS=time_macros,include_file_mtime

# --- first build at commit one: everything compiled, and stored -------------
: >"$FAKE_CC_LOG"
run first 0 rs build test-f446 --klipper "$K" --firmware-dir "$T/fw"
has first "$T/out" "Built "
has first-log "$LOG" "ratos-setup: compiler cache: ccache through $T/masq, cache in $OURS"
check first-compiled-all test "$(compiled)" = "$ALL"
check first-cache-filled test -n "$(find "$OURS" -type f -name '*R')"
check users-ccache-unused test ! -e "$T/users-ccache"
V1=$(gitk describe --always --tags --long --dirty)
cp "$T/fw/firmware-test-f446.bin" "$T/one.bin"

# --- one commit later: only the changed source is compiled ------------------
echo "/* the next commit */" >>"$K/src/command.c"
gitk commit -qam two
V2=$(gitk describe --always --tags --long --dirty)
CCACHE_DIR=$OURS ccache -z >/dev/null
: >"$FAKE_CC_LOG"
run update 0 rs build test-f446 --klipper "$K" --firmware-dir "$T/fw"
has update "$T/out" "Built "
has update-version "$T/out" "$V2, stm32f446xx"
has update-log "$LOG" "out/ was built from another config, tree or version; removing it"
check update-compiled-one test "$(compiled)" = "src/command.c "
check update-cache-hits test "$(hits)" -eq 5
check update-new-version test "$V2" != "$V1"
cp "$T/fw/firmware-test-f446.bin" "$T/two-cached.bin"

# ... byte-identical to a clean build of commit two without the cache, by
# ratos-setup (another cache directory) and by bare make.
: >"$FAKE_CC_LOG"
run clean 0 env RATOS_SETUP_CCACHE=off XDG_CACHE_HOME="$T/cache-clean" "$BIN" --boards-dir \
	"$HERE/data/boards" build test-f446 --klipper "$K" --firmware-dir "$T/fw-clean"
check clean-compiled-all test "$(compiled)" = "$ALL"
check identical-to-clean cmp "$T/two-cached.bin" "$T/fw-clean/firmware-test-f446.bin"
bare_make
check identical-to-make cmp "$T/two-cached.bin" "$T/bare-out/klipper.bin"
check not-the-old-image bash -c "! cmp -s '$T/one.bin' '$T/two-cached.bin'"
check same-meta-sha test "$(grep '^sha256=' "$T/fw/firmware-test-f446.bin.meta")" = \
	"$(grep '^sha256=' "$T/fw-clean/firmware-test-f446.bin.meta")"

# --- --force compiles everything again (and refreshes the cache) -------------
: >"$FAKE_CC_LOG"
run force 0 rs build test-f446 --klipper "$K" --firmware-dir "$T/fw" --force
has force-log "$LOG" "(refreshed: --force compiles everything)"
check force-compiled-all test "$(compiled)" = "$ALL"
check force-identical cmp "$T/two-cached.bin" "$T/fw/firmware-test-f446.bin"

# --- another config never gets the cached objects of the first -------------
cp -r "$HERE/data/boards" "$T/boards2"
sed -i 's/CONFIG_STM32_FLASH_START_8000=y/CONFIG_STM32_FLASH_START_C000=y/' "$T/boards2/test-f446.yaml"
: >"$FAKE_CC_LOG"
run other-config 0 "$BIN" --boards-dir "$T/boards2" build test-f446 --klipper "$K" --firmware-dir "$T/fw"
check other-config-compiled-all test "$(compiled)" = "$ALL"
"$BIN" fwinfo --json "$T/fw/firmware-test-f446.bin" >"$T/fwinfo.json"
check other-config-address test "$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["config"]["FLASH_APPLICATION_ADDRESS"])' "$T/fwinfo.json")" = 0x800c000
# ... and back: all from the cache, the same image as before.
: >"$FAKE_CC_LOG"
run back 0 rs build test-f446 --klipper "$K" --firmware-dir "$T/fw"
check back-compiled-none test -z "$(compiled)"
check back-identical cmp "$T/two-cached.bin" "$T/fw/firmware-test-f446.bin"
check users-ccache-still-unused test ! -e "$T/users-ccache"

finish "compiler cache"
