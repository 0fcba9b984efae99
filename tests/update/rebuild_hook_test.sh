#!/bin/bash
# The after-update build: `build --configured` finds the printer's boards
# (printer.cfg's [mcu] serials, else the wizard's board), builds them quietly,
# costs nothing when nothing changed; a Klipper update (a new commit) appends
# to .git/logs/HEAD, the file the systemd path unit watches; the unit files
# pass systemd-analyze verify when it is there.
# usage: rebuild_hook_test.sh BINARY SOURCE_DIR BUILD_DIR
set -u
BIN=$(realpath "$1") SRC=$(cd "$2" && pwd) BLD=$(cd "$3" && pwd)
command -v git >/dev/null || { echo "SKIP: git not installed"; exit 77; }
T=$(mktemp -d /tmp/rs-hook-XXXXXX)
trap 'rm -rf "$T"' EXIT
export HOME=$T/home XDG_CACHE_HOME=$T/cache XDG_STATE_HOME=$T/state LC_ALL=C
export PATH=$SRC/tests/build/fake-bin:$PATH
export RATOS_SETUP_ROOT_PATH=$PATH FAKE_KLIPPER_MARKER=$T/marker # as root, the children's PATH (platform/child_env.h)
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid GIT_COMMITTER_NAME=t \
	GIT_COMMITTER_EMAIL=t@example.invalid
mkdir -p "$HOME/printer_data/config"
: >"$FAKE_KLIPPER_MARKER"
# shellcheck source=tests/lib/checks.sh
source "$SRC/tests/lib/checks.sh"
rs() { "$BIN" --boards-dir "$SRC/tests/build/data/boards" "$@"; }
FW=$HOME/printer_data/config/firmware_binaries

# ~/klipper as a git checkout at a tag, as Moonraker keeps it.
K=$HOME/klipper
cp -r "$SRC/tests/build/fake-klipper" "$K"
rm -f "$K/klippy/.version"
git -C "$K" init -q && git -C "$K" add -A && git -C "$K" commit -qm base && git -C "$K" tag v0.13.0
V0=$(git -C "$K" describe --always --tags --long --dirty)

# --- nothing configured: said, and nothing to fail --------------------------
run nothing 0 rs build --configured
has nothing "$T/err" "no board to build"

# --- the wizard's board when printer.cfg names none -------------------------
mkdir -p "$XDG_STATE_HOME/ratos-setup"
printf 'version=1\nstep=sdcard\nboard=test-f446\n' >"$XDG_STATE_HOME/ratos-setup/state"
run saved 0 rs build --configured
has saved "$T/out" "test-f446: built ($V0)"

# --- printer.cfg's boards, through an include --------------------------------
cat >"$HOME/printer_data/config/printer.cfg" <<CFG
[include board.cfg]
[mcu tool]
serial: /dev/serial/by-id/usb-Klipper_stm32f446xx_test-f446-if00
CFG
printf '[mcu]\nserial: /dev/RatOS/test-f429\n' >"$HOME/printer_data/config/board.cfg"
run configured 0 rs build --configured
has configured-429 "$T/out" "test-f429: built ($V0)"
has configured-446 "$T/out" "test-f446: up to date ($V0)"
check configured-quiet test ! -s "$T/err"
check configured-files test -s "$FW/firmware-test-f429.bin" -a -s "$FW/firmware-test-f429.bin.meta"

# --- nothing changed: no make at all --------------------------------------------
cp "$FAKE_KLIPPER_MARKER" "$T/marker.before"
start=$(date +%s%N)
run unchanged 0 rs build --configured
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "build --configured with nothing changed (2 boards): $ms ms"
has unchanged "$T/out" "test-f429: up to date ($V0)"
check unchanged-no-make cmp -s "$FAKE_KLIPPER_MARKER" "$T/marker.before"

# --- a Klipper update: the path unit's file moves, the build follows -----------
wc -c <"$K/.git/logs/HEAD" >"$T/head.before"
echo "/* upstream change */" >>"$K/src/sched.c"
git -C "$K" commit -qam "klipper update"
V1=$(git -C "$K" describe --always --tags --long --dirty)
check head-log-grew test "$(wc -c <"$K/.git/logs/HEAD")" -gt "$(cat "$T/head.before")"
run updated 0 rs build --configured --json
check updated-json test "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join("%s=%s:%s" % (b["board"], b["status"], b["version"]) for b in d["boards"]))' "$T/out")" \
	= "test-f429=built:$V1 test-f446=built:$V1"
# ...and a reset back (Moonraker's rollback) moves it again.
wc -c <"$K/.git/logs/HEAD" >"$T/head.before"
git -C "$K" reset -q --hard v0.13.0
check head-log-reset test "$(wc -c <"$K/.git/logs/HEAD")" -gt "$(cat "$T/head.before")"

# --- a board that cannot be built is said; the others still are ----------------
printf '[mcu]\nserial: /dev/RatOS/test-f429\n[mcu x]\nserial: /dev/RatOS/test-wrong-mcu\n' \
	>"$HOME/printer_data/config/board.cfg"
run partial 1 rs build --configured
has partial-ok "$T/out" "test-f429: built ($V0)"
has partial-fail "$T/err" "ratos-setup: test-wrong-mcu: the built image is for stm32f429xx"
run usage 2 rs build --configured test-f429

# --- the unit files -----------------------------------------------------------------
for u in path service; do
	check "unit-$u" test -s "$BLD/systemd/ratos-setup-rebuild@.$u"
done
has unit-watch "$BLD/systemd/ratos-setup-rebuild@.path" "PathChanged=/home/%i/klipper/.git/logs/HEAD"
has unit-idle-cpu "$BLD/systemd/ratos-setup-rebuild@.service" "CPUSchedulingPolicy=idle"
has unit-idle-io "$BLD/systemd/ratos-setup-rebuild@.service" "IOSchedulingClass=idle"
has unit-cmd "$BLD/systemd/ratos-setup-rebuild@.service" "/ratos-setup build --configured"
has unit-then-flash "$BLD/systemd/ratos-setup-rebuild@.service" "OnSuccess=ratos-setup-autoflash@%i.service"
has autoflash-cmd "$BLD/systemd/ratos-setup-autoflash@.service" \
	"/ratos-setup --as-user %i flash --all --after-update"
check autoflash-as-root sh -c "! grep -q '^User=' '$BLD/systemd/ratos-setup-autoflash@.service'"
if command -v systemd-analyze >/dev/null 2>&1; then
	# As an instance for an existing user, with this build's binary.
	mkdir -p "$T/units"
	sed "s|^ExecStart=.*ratos-setup |ExecStart=$BIN |" "$BLD/systemd/ratos-setup-rebuild@.service" \
		>"$T/units/ratos-setup-rebuild@root.service"
	cp "$BLD/systemd/ratos-setup-rebuild@.path" "$T/units/ratos-setup-rebuild@root.path"
	sed "s|^ExecStart=.*ratos-setup |ExecStart=$BIN |" "$BLD/systemd/ratos-setup-autoflash@.service" \
		>"$T/units/ratos-setup-autoflash@root.service"
	if SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no \
		"$T/units/ratos-setup-rebuild@root.path" "$T/units/ratos-setup-rebuild@root.service" \
		"$T/units/ratos-setup-autoflash@root.service" \
		>"$T/verify" 2>&1 && [ ! -s "$T/verify" ]; then ok; else
		bad "systemd-analyze verify"; cat "$T/verify"; fi
else
	echo "systemd-analyze not installed: unit files not verified"
fi

finish
