#!/bin/bash
# The parsed-catalog cache lives in ~/.cache, where anything running as the
# user can edit it. A board id rewritten to climb out of the cache folder
# must be rejected (the board files are parsed instead), never used to name
# the build's folders.
# usage: cache_tamper_test.sh BINARY SOURCE_DIR
set -u
BIN=$(realpath "$1") SRC=$(cd "$2" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# shellcheck source=tests/lib/checks.sh
source "$SRC/tests/lib/checks.sh"
export HOME=$T/home XDG_CACHE_HOME=$T/cache LC_ALL=C
export PATH=$SRC/tests/build/fake-bin:$PATH RATOS_SETUP_ROOT_PATH=$SRC/tests/build/fake-bin:$PATH
export FAKE_KLIPPER_MARKER=$T/marker
mkdir -p "$HOME"
: >"$FAKE_KLIPPER_MARKER"
cp -r "$SRC/tests/build/fake-klipper" "$T/klipper"
cp -r "$SRC/tests/build/data/boards" "$T/boards"
rs() { "$BIN" --boards-dir "$T/boards" "$@" >"$T/out" 2>"$T/err"; }

rs boards
check cache-written test -n "$(ls "$XDG_CACHE_HOME/ratos-setup/" | grep '^catalog-')"
# Same length, so every other byte of the cache (and its fingerprint) stays
# valid: only the id of the first board changes.
tamper() { # tamper OLD NEW
	for f in "$XDG_CACHE_HOME"/ratos-setup/catalog-*.bin; do
		/usr/bin/python3 - "$f" "$1" "$2" <<'PY'
import sys
p, old, new = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
b = open(p, "rb").read()
assert len(old) == len(new)
n = len(old).to_bytes(4, "little")
assert n + old in b, "id not in the cache"
open(p, "wb").write(b.replace(n + old, n + new, 1))
PY
	done
}

tamper test-f446 ../../zzz
rs boards
check tampered-boards-rc test $? -eq 0
check tampered-id-not-listed test "$(grep -c zzz "$T/out")" -eq 0
check real-id-listed grep -q '^test-f446 ' "$T/out"
rs build ../../zzz --klipper "$T/klipper" --firmware-dir "$T/fw"
check tampered-build-unknown test $? -eq 2
check nothing-outside test ! -e "$T/zzz"
check nothing-outside-fw test -z "$(ls -A "$T/fw" 2>/dev/null)"

# The cache is rewritten from the board files and used again afterwards.
rs boards
rs build test-f446 --klipper "$T/klipper" --firmware-dir "$T/fw"
check rebuilt-cache-works test $? -eq 0

# Other strings the build or the card uses as names or config lines.
every_board() { # every board's details, as the program sees them
	: >"$T/all"
	for f in "$T"/boards/test-*.yaml; do
		"$BIN" --boards-dir "$T/boards" board "$(basename "$f" .yaml)" --json >>"$T/all" 2>&1
	done
}
tamper CONFIG_MACH_STM32=y 'CONFIG_MACH_STM32#y'
every_board
check tampered-config-line-ignored test "$(grep -c 'STM32#y' "$T/all")" -eq 0
rs boards
tamper firmware.bin fi/mware.bin
every_board
check tampered-card-name-ignored test "$(grep -c 'fi/mware' "$T/all")" -eq 0

finish "cache tamper"
