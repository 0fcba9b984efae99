#!/bin/bash
# `ratos-setup build` and `fwinfo` against the fake Klipper tree: every path
# of the firmware build, from the happy one to Ctrl-C in the middle of make.
# usage: build_test.sh BINARY SOURCE_DIR
set -u
set -m # background jobs keep SIGINT, as from a terminal
BIN=$(realpath "$1") SRC=$(cd "$2" && pwd)
HERE=$SRC/tests/build
BOARDS=$HERE/data/boards
TMP=$(mktemp -d)
BYSTANDER=
cleanup() {
	[ -n "$BYSTANDER" ] && kill "$BYSTANDER" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { # check NAME CONDITION...
	local name=$1; shift
	if "$@"; then ok; else bad "$name: $*"; fi
}
run() { # run NAME EXPECTED_RC CMD...
	local name=$1 want=$2; shift 2
	"$@" >"$TMP/out" 2>"$TMP/err"; local got=$?
	if [ "$got" -eq "$want" ]; then ok; else
		bad "$name: exit $got, want $want"; sed 's/^/  err| /' "$TMP/err" | head -20; fi
}
has() { # has NAME FILE TEXT
	if grep -qF -- "$3" "$2"; then ok; else
		bad "$1: '$3' not in $(basename "$2")"; sed 's/^/  | /' "$2" | head -20; fi
}
hasnt() {
	if grep -qF -- "$3" "$2"; then bad "$1: '$3' unexpectedly in $(basename "$2")"; else ok; fi
}
is_json() {
	if /usr/bin/python3 -m json.tool "$TMP/out" >/dev/null 2>&1; then ok; else
		bad "$1: not valid JSON"; head -5 "$TMP/out"; fi
}
jget() { # jget FILE EXPR  (python expression on d)
	/usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

export HOME=$TMP/home XDG_CACHE_HOME=$TMP/cache LC_ALL=C
export FAKE_KLIPPER_MARKER=$TMP/marker
export PATH=$HERE/fake-bin:$PATH
# As root, children only get this PATH, never the caller's (child_test.sh).
export RATOS_SETUP_ROOT_PATH=$PATH
mkdir -p "$HOME"
: >"$FAKE_KLIPPER_MARKER"
K=$TMP/klipper
cp -r "$HERE/fake-klipper" "$K"
FW=$TMP/fw
rs() { "$BIN" --boards-dir "$BOARDS" "$@"; }
cache() { echo "$XDG_CACHE_HOME/ratos-setup/$1"; }
fwjson() { "$BIN" fwinfo --json "$1" >"$TMP/fwinfo.json"; }

# --- happy build ---------------------------------------------------------
run happy 0 rs build test-f446 --klipper "$K" --firmware-dir "$FW"
has happy "$TMP/out" "Built $FW/firmware-test-f446.bin for test-f446: v0.0.1-0-gfake, stm32f446xx"
has happy-progress "$TMP/err" "[1/6] src/"
has happy-progress "$TMP/err" "[6/6] src/"
check happy-bin test -s "$FW/firmware-test-f446.bin"
check happy-meta test -s "$FW/firmware-test-f446.bin.meta"
has happy-meta "$FW/firmware-test-f446.bin.meta" "mcu=stm32f446xx"
has happy-meta "$FW/firmware-test-f446.bin.meta" "version=v0.0.1-0-gfake"
has happy-meta "$FW/firmware-test-f446.bin.meta" "sha256=$(sha256sum "$FW/firmware-test-f446.bin" | cut -d' ' -f1)"
has happy-meta "$FW/firmware-test-f446.bin.meta" "size=$(stat -c %s "$FW/firmware-test-f446.bin")"
CFG=$(cache test-f446)/board.config
has happy-config "$CFG" "CONFIG_STM32_CLOCK_REF_12M=y"
has happy-config "$CFG" 'CONFIG_USB_SERIAL_NUMBER="test-f446"'
has happy-config "$CFG" "# CONFIG_USB_SERIAL_NUMBER_CHIPID is not set"
has happy-log "$(cache test-f446)/build.log" "  Compiling $(cache test-f446)/out/src/sched.o"
has happy-log "$(cache test-f446)/build.log" "KCONFIG_CONFIG=$(cache test-f446)/board.config.new OUT=$(cache test-f446)/kconfig-out/ olddefconfig"
check tree-untouched-config test ! -e "$K/.config"
check tree-untouched-out test ! -e "$K/out"
check fw-dir-clean test "$(ls -A "$FW" | wc -l)" -eq 2
fwjson "$FW/firmware-test-f446.bin"
check happy-fwinfo test "$(jget "$TMP/fwinfo.json" 'd["mcu"], d["config"]["CLOCK_REF_FREQ"], d["config"]["FLASH_APPLICATION_ADDRESS"], d["version"]')" \
	= "stm32f446xx 12000000 0x8008000 v0.0.1-0-gfake"
run fwinfo-text 0 "$BIN" fwinfo "$FW/firmware-test-f446.bin"
has fwinfo-text "$TMP/out" "MCU:      stm32f446xx"
has fwinfo-text "$TMP/out" "  CLOCK_REF_FREQ=12000000"

# --- cache: up to date without running make ------------------------------
cp "$FAKE_KLIPPER_MARKER" "$TMP/marker.before"
cp "$(cache test-f446)/build.log" "$TMP/log.before"
run cache-hit 0 rs build test-f446 --klipper "$K" --firmware-dir "$FW"
has cache-hit "$TMP/out" "is up to date (v0.0.1-0-gfake, stm32f446xx)"
check cache-hit-no-make cmp -s "$FAKE_KLIPPER_MARKER" "$TMP/marker.before"
check cache-hit-keeps-log cmp -s "$(cache test-f446)/build.log" "$TMP/log.before"
run cache-hit-json 0 rs build test-f446 --klipper "$K" --firmware-dir "$FW" --json
is_json cache-hit-json
check cache-hit-json-status test "$(jget "$TMP/out" 'd["status"], d["mcu"], d["size"] > 0')" = "up-to-date stm32f446xx True"
# A changed image is not trusted.
cp "$FW/firmware-test-f446.bin" "$TMP/good.bin"
printf 'x' >>"$FW/firmware-test-f446.bin"
run cache-bad-sha 0 rs build test-f446 --klipper "$K" --firmware-dir "$FW"
has cache-bad-sha "$TMP/out" "Built "
check cache-bad-sha-restored cmp -s "$FW/firmware-test-f446.bin" "$TMP/good.bin"

# --- --force runs make again -----------------------------------------------
cp "$FAKE_KLIPPER_MARKER" "$TMP/marker.before"
run force 0 rs build test-f446 --klipper "$K" --firmware-dir "$FW" --force --json
is_json force
check force-status test "$(jget "$TMP/out" 'd["status"]')" = built
check force-ran-make test "$(wc -l <"$FAKE_KLIPPER_MARKER")" -gt "$(wc -l <"$TMP/marker.before")"
has force-log "$(cache test-f446)/build.log" "not using the cache: --force given"

# --- stale-output guard ----------------------------------------------------
# First show the trap is real in the fake tree: an out/ built from another
# config is "up to date" for make and yields the old flash address.
B2=$TMP/boards2
cp -r "$BOARDS" "$B2"
sed -i 's/CONFIG_STM32_FLASH_START_8000=y/CONFIG_STM32_FLASH_START_C000=y/' "$B2/test-f446.yaml"
cp -r "$(cache test-f446)/out" "$TMP/trap-out"
"$BIN" --boards-dir "$B2" config test-f446 >"$TMP/trap.config"
(cd "$K" && make -s KCONFIG_CONFIG="$TMP/trap.config" OUT="$TMP/kout/" olddefconfig >/dev/null &&
	make -s KCONFIG_CONFIG="$TMP/trap.config" OUT="$TMP/trap-out/" >/dev/null 2>&1)
fwjson "$TMP/trap-out/klipper.bin"
check trap-is-real test "$(jget "$TMP/fwinfo.json" 'd["config"]["FLASH_APPLICATION_ADDRESS"]')" = 0x8008000
run stale 0 "$BIN" --boards-dir "$B2" build test-f446 --klipper "$K" --firmware-dir "$FW"
has stale-log "$(cache test-f446)/build.log" "out/ was built from another config, tree or version; removing it"
fwjson "$FW/firmware-test-f446.bin"
check stale-new-address test "$(jget "$TMP/fwinfo.json" 'd["config"]["FLASH_APPLICATION_ADDRESS"]')" = 0x800c000
# And back: the first config again must not reuse the C000 objects.
run stale-back 0 rs build test-f446 --klipper "$K" --firmware-dir "$FW"
fwjson "$FW/firmware-test-f446.bin"
check stale-back-address test "$(jget "$TMP/fwinfo.json" 'd["config"]["FLASH_APPLICATION_ADDRESS"]')" = 0x8008000

# --- requested settings that do not survive olddefconfig -------------------
FW2=$TMP/fw2
run dropped 1 rs build test-g0b1-badstart --klipper "$K" --firmware-dir "$FW2"
has dropped "$TMP/err" "requested 'CONFIG_STM32_FLASH_START_C000=y' did not survive olddefconfig"
has dropped "$TMP/err" "board.config.rejected"
check dropped-no-fw test ! -e "$FW2/firmware-test-g0b1-badstart.bin"
has dropped-rejected "$(cache test-g0b1-badstart)/board.config.rejected" "CONFIG_STM32_FLASH_START_2000=y"
run unknown-option 1 rs build test-unknown-option --klipper "$K" --firmware-dir "$FW2" --json
is_json unknown-option
check unknown-option-kind test "$(jget "$TMP/out" 'd["error"]')" = config-dropped
has unknown-option "$TMP/out" "CONFIG_WANT_FROBNICATOR=y' did not survive olddefconfig: the expanded config has no CONFIG_WANT_FROBNICATOR"

# --- MCU mismatch, version mismatch ----------------------------------------
run mcu-mismatch 1 rs build test-wrong-mcu --klipper "$K" --firmware-dir "$FW2"
has mcu-mismatch "$TMP/err" "the built image is for stm32f429xx but test-wrong-mcu has a stm32f446xx; it was not installed"
check mcu-mismatch-no-fw test ! -e "$FW2/firmware-test-wrong-mcu.bin"
KV=$TMP/klipper-v
cp -r "$HERE/fake-klipper" "$KV"
echo v9.9.9-0-gother >"$KV/VERSION_OVERRIDE"
run version-mismatch 1 rs build test-f429 --klipper "$KV" --firmware-dir "$FW2"
has version-mismatch "$TMP/err" "says version v9.9.9-0-gother but the tree is v0.0.1-0-gfake"
check version-mismatch-no-fw test ! -e "$FW2/firmware-test-f429.bin"

# --- a tree that does not compile ------------------------------------------
run f429 0 rs build test-f429 --klipper "$K" --firmware-dir "$FW"
cp "$FW/firmware-test-f429.bin" "$TMP/f429.bin"
cp "$FW/firmware-test-f429.bin.meta" "$TMP/f429.meta"
KB=$TMP/klipper-broken
cp -r "$HERE/fake-klipper" "$KB"
printf '#error deliberately broken\n' >>"$KB/src/stm32/gpio.c"
run compile-fail 1 rs build test-f429 --klipper "$KB" --firmware-dir "$FW" --force
has compile-fail "$TMP/err" "build failed: the firmware build failed (make exit 2)"
has compile-fail "$TMP/err" "src/stm32/gpio.c:3:2: error: #error deliberately broken"
has compile-fail "$TMP/err" "full log: $(cache test-f429)/build.log"
has compile-fail-log "$(cache test-f429)/build.log" "error: #error deliberately broken"
check compile-fail-old-fw-kept cmp -s "$FW/firmware-test-f429.bin" "$TMP/f429.bin"
check compile-fail-old-meta-kept cmp -s "$FW/firmware-test-f429.bin.meta" "$TMP/f429.meta"
check compile-fail-no-temp test "$(ls -A "$FW" | grep -c '^\.')" -eq 0
run compile-fail-fresh 1 rs build test-f446 --klipper "$KB" --firmware-dir "$TMP/fw3" --json
is_json compile-fail-fresh
check compile-fail-json test "$(jget "$TMP/out" 'd["error"], d["firmware"], any("deliberately" in l for l in d["error_lines"])')" = "compile None True"
check compile-fail-fresh-no-fw test ! -e "$TMP/fw3/firmware-test-f446.bin"

# --- no tree, broken tree, unwritable firmware directory --------------------
run no-tree 1 rs build test-f446 --klipper "$TMP/nowhere" --firmware-dir "$FW2"
has no-tree "$TMP/err" "no Klipper tree at $TMP/nowhere"
has no-tree "$TMP/err" "pass --klipper DIR"
run default-tree 1 rs build test-f446 --firmware-dir "$FW2"
has default-tree "$TMP/err" "no Klipper tree at $HOME/klipper"
mkdir -p "$TMP/halftree"
touch "$TMP/halftree/Makefile"
run broken-tree 1 rs build test-f446 --klipper "$TMP/halftree" --firmware-dir "$FW2"
has broken-tree "$TMP/err" "is not a usable Klipper tree: it has no src/Kconfig"
: >"$TMP/afile"
cp "$FAKE_KLIPPER_MARKER" "$TMP/marker.before"
run fwdir-unwritable 1 rs build test-f446 --klipper "$K" --firmware-dir "$TMP/afile/sub" --force
has fwdir-unwritable "$TMP/err" "cannot write to the firmware directory $TMP/afile/sub"
check fwdir-unwritable-early cmp -s "$FAKE_KLIPPER_MARKER" "$TMP/marker.before"
if [ "$(id -u)" -ne 0 ]; then
	mkdir -p "$TMP/ro" && chmod 555 "$TMP/ro"
	run fwdir-readonly 1 rs build test-f446 --klipper "$K" --firmware-dir "$TMP/ro" --force
	has fwdir-readonly "$TMP/err" "Permission denied"
fi

# --- a full disk ---------------------------------------------------------------
# A file-size limit makes writes fail as on a full disk (EFBIG). First while
# installing: the image is built, the installed copy is made stale (so the
# cache does not answer) and the install runs under a limit it cannot fit in.
FW4=$TMP/fw4
export FAKE_BIN_PAD=65536
limited() { (trap '' XFSZ; ulimit -f 32; exec "$BIN" --boards-dir "$BOARDS" "$@") >"$TMP/out" 2>"$TMP/err"; }
run disk-prepare 0 rs build test-f429 --klipper "$K" --firmware-dir "$FW4" --force
printf 'x' >>"$FW4/firmware-test-f429.bin"
cp "$FW4/firmware-test-f429.bin" "$TMP/f429-big.bin"
cp "$FAKE_KLIPPER_MARKER" "$TMP/marker.before"
limited build test-f429 --klipper "$K" --firmware-dir "$FW4"
check disk-full-rc test $? -eq 1
has disk-full "$TMP/err" "cannot write $FW4/firmware-test-f429.bin: File too large"
has disk-full "$TMP/err" "is full: free some space"
check disk-full-old-kept cmp -s "$FW4/firmware-test-f429.bin" "$TMP/f429-big.bin"
check disk-full-no-temp test "$(ls -A "$FW4" | grep -c '^\.')" -eq 0
# Then while compiling (--force empties out/, so make has to write).
limited build test-f429 --klipper "$K" --firmware-dir "$FW4" --force
check disk-full-make-rc test $? -eq 1
has disk-full-make "$TMP/err" "the firmware build failed"
has disk-full-make "$TMP/err" "is full: free some space"
check disk-full-make-old-kept cmp -s "$FW4/firmware-test-f429.bin" "$TMP/f429-big.bin"
unset FAKE_BIN_PAD

# --- toolchain ----------------------------------------------------------------
mkdir -p "$TMP/nobin" "$TMP/somebin"
run no-toolchain 1 env PATH="$TMP/nobin" RATOS_SETUP_ROOT_PATH="$TMP/nobin" "$BIN" --boards-dir "$BOARDS" build test-f446 --klipper "$K" --firmware-dir "$FW2"
has no-toolchain "$TMP/err" "the arm toolchain for stm32f446xx is not installed (missing: arm-none-eabi-gcc arm-none-eabi-objcopy make python3)"
has no-toolchain "$TMP/err" "sudo apt-get install gcc-arm-none-eabi binutils-arm-none-eabi libnewlib-arm-none-eabi make python3"
for p in make python3; do ln -s "$(command -v $p)" "$TMP/somebin/$p"; done
run no-avr 1 env PATH="$TMP/somebin" RATOS_SETUP_ROOT_PATH="$TMP/somebin" "$BIN" --boards-dir "$BOARDS" build test-avr --klipper "$K" --firmware-dir "$FW2"
has no-avr "$TMP/err" "missing: avr-gcc avr-objcopy)"
has no-avr "$TMP/err" "sudo apt-get install gcc-avr avr-libc binutils-avr"
hasnt no-avr "$TMP/err" "make python3"

# --- AVR and RP2040 images ------------------------------------------------------
# AVR: Klipper makes klipper.elf.hex (Intel HEX), no klipper.bin; it is
# checked the same way (dictionary MCU and version) and installed as
# firmware-<board>.hex, its record saying which file it is.
FW5=$TMP/fw5
run avr 0 rs build test-avr --klipper "$K" --firmware-dir "$FW5"
has avr "$TMP/out" "Built $FW5/firmware-test-avr.hex for test-avr: v0.0.1-0-gfake, atmega2560"
check avr-hex-same cmp -s "$FW5/firmware-test-avr.hex" "$(cache test-avr)/out/klipper.elf.hex"
check avr-no-bin test ! -e "$FW5/firmware-test-avr.bin"
has avr-meta "$FW5/firmware-test-avr.hex.meta" "image=klipper.elf.hex"
has avr-meta "$FW5/firmware-test-avr.hex.meta" "mcu=atmega2560"
has avr-meta "$FW5/firmware-test-avr.hex.meta" "sha256=$(sha256sum "$FW5/firmware-test-avr.hex" | cut -d' ' -f1)"
fwjson "$FW5/firmware-test-avr.hex"
check avr-fwinfo test "$(jget "$TMP/fwinfo.json" "d['mcu']")" = atmega2560
cp "$FAKE_KLIPPER_MARKER" "$TMP/marker.before"
run avr-cached 0 rs build test-avr --klipper "$K" --firmware-dir "$FW5"
has avr-cached "$TMP/out" "up to date"
check avr-cached-no-make cmp -s "$FAKE_KLIPPER_MARKER" "$TMP/marker.before"
# A damaged hex is refused by its line, not installed.
cp "$FW5/firmware-test-avr.hex" "$TMP/avr.hex"
sed -i '3s/.$/0/' "$TMP/avr.hex"
run avr-bad-hex 1 "$BIN" fwinfo "$TMP/avr.hex"
has avr-bad-hex "$TMP/err" "avr.hex:3:1: not a valid Intel HEX image"
# RP2040: klipper.uf2 is kept next to the .bin and recorded.
run rp2040 0 rs build test-rp2040 --klipper "$K" --firmware-dir "$FW5"
check rp2040-bin test -s "$FW5/firmware-test-rp2040.bin"
check rp2040-uf2-same cmp -s "$FW5/firmware-test-rp2040.uf2" "$(cache test-rp2040)/out/klipper.uf2"
has rp2040-meta "$FW5/firmware-test-rp2040.bin.meta" "image=klipper.bin"
has rp2040-meta "$FW5/firmware-test-rp2040.bin.meta" "uf2=firmware-test-rp2040.uf2"
has rp2040-meta "$FW5/firmware-test-rp2040.bin.meta" "uf2_sha256=$(sha256sum "$FW5/firmware-test-rp2040.uf2" | cut -d' ' -f1)"
check rp2040-only-uf2-extra test "$(ls "$FW5" | grep -c 'firmware-test-f446')" -eq 0

# --- git versions: describe, dirty trees skip the cache ----------------------
KG=$TMP/klipper-git
cp -r "$HERE/fake-klipper" "$KG"
rm "$KG/klippy/.version"
(cd "$KG" && git init -q && git add -A && git -c user.email=t@example.invalid -c user.name=t \
	commit -qm fake && git tag v0.2.0) || bad "git setup"
GV=$(git -C "$KG" describe --always --tags --long --dirty)
run git-version 0 rs build test-f446 --klipper "$KG" --firmware-dir "$TMP/fwg"
has git-version "$TMP/out" "$GV, stm32f446xx"
has git-version-meta "$TMP/fwg/firmware-test-f446.bin.meta" "tree_commit=$(git -C "$KG" rev-parse HEAD)"
cp "$FAKE_KLIPPER_MARKER" "$TMP/marker.before"
run git-cache 0 rs build test-f446 --klipper "$KG" --firmware-dir "$TMP/fwg"
has git-cache "$TMP/out" "is up to date ($GV"
check git-cache-no-make cmp -s "$FAKE_KLIPPER_MARKER" "$TMP/marker.before"
# A new commit is a new version: rebuilt, and out/ is not trusted.
echo "/* next */" >>"$KG/src/command.c"
git -C "$KG" -c user.email=t@example.invalid -c user.name=t commit -qam next
GV2=$(git -C "$KG" describe --always --tags --long --dirty)
run git-new-commit 0 rs build test-f446 --klipper "$KG" --firmware-dir "$TMP/fwg"
has git-new-commit "$TMP/out" "Built "
has git-new-commit "$TMP/out" "$GV2, stm32f446xx"
check git-new-commit-version test "$GV2" != "$GV"
GV=$GV2
echo "/* local change */" >>"$KG/src/sched.c"
run git-dirty 0 rs build test-f446 --klipper "$KG" --firmware-dir "$TMP/fwg"
has git-dirty "$TMP/out" "Built "
has git-dirty "$TMP/out" "$GV-dirty-"
has git-dirty-log "$(cache test-f446)/build.log" "not using the cache: the tree has local changes"

# --- Ctrl-C and SIGHUP in the middle of make ---------------------------------
count_procs() { # live processes whose argv is exactly "$@"
	/usr/bin/python3 -c '
import os, sys
want = [a.encode() for a in sys.argv[1:]]
n = 0
for p in os.listdir("/proc"):
    try:
        argv = open("/proc/%s/cmdline" % p, "rb").read().split(b"\0")[:-1]
    except OSError:
        continue
    n += argv == want
print(n)' "$@"
}
sleep 61 &
BYSTANDER=$!
for sig in INT HUP; do
	: >"$TMP/ccpids"
	FAKE_CC_SLEEP=37.25 FAKE_CC_PIDFILE=$TMP/ccpids \
		"$BIN" --boards-dir "$BOARDS" build test-f429 --klipper "$K" --firmware-dir "$TMP/fw-$sig" \
		--force --jobs 2 >"$TMP/out" 2>"$TMP/err" &
	rsp=$!
	for _ in $(seq 200); do [ -s "$TMP/ccpids" ] && break; sleep 0.05; done
	check "sig$sig-started" test -s "$TMP/ccpids"
	for _ in $(seq 100); do [ "$(count_procs sleep 37.25)" -ge 1 ] && break; sleep 0.05; done
	check "sig$sig-sleeper-seen" test "$(count_procs sleep 37.25)" -ge 1
	kill -s "$sig" "$rsp"
	wait "$rsp"
	check "sig$sig-rc" test $? -eq 1
	has "sig$sig" "$TMP/err" "build cancelled; $TMP/fw-$sig/firmware-test-f429.bin was not changed"
	check "sig$sig-no-fw" test ! -e "$TMP/fw-$sig/firmware-test-f429.bin"
	for pid in $(cat "$TMP/ccpids"); do
		check "sig$sig-cc-killed" test ! -e "/proc/$pid"
	done
	check "sig$sig-no-sleeper" test "$(count_procs sleep 37.25)" -eq 0
	check "sig$sig-bystander" kill -0 "$BYSTANDER"
done

# --- usage errors ---------------------------------------------------------------
run usage-none 2 rs build
run usage-unknown-board 2 rs build no-such-board --klipper "$K"
has usage-unknown-board "$TMP/err" "unknown board 'no-such-board'"
run usage-jobs 2 rs build test-f446 --jobs zero
run fwinfo-usage 2 "$BIN" fwinfo
run fwinfo-missing 1 "$BIN" fwinfo "$TMP/none.bin"
has fwinfo-missing "$TMP/err" "cannot open"
run fwinfo-not-fw 1 "$BIN" fwinfo "$BOARDS/test-f446.yaml"
has fwinfo-not-fw "$TMP/err" "no Klipper data dictionary found"

echo "build tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
