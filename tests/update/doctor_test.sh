#!/bin/bash
# `ratos-setup doctor` on klippy.log fixtures written from Klipper's own log
# lines (data/logs), a RatOS printer.cfg with includes (data/printer_data),
# the fake Klipper tree for versions; and on logs that are empty, binary,
# without a start, or huge: a clear message, bounded memory and time.
# usage: doctor_test.sh BINARY SOURCE_DIR
set -u
BIN=$(realpath "$1") SRC=$(cd "$2" && pwd)
D=$SRC/tests/update/data
T=$(mktemp -d /tmp/rs-doctor-XXXXXX)
trap 'rm -rf "$T"' EXIT
export HOME=$T/home XDG_CACHE_HOME=$T/cache XDG_STATE_HOME=$T/state LC_ALL=C
export PATH=$SRC/tests/build/fake-bin:$PATH
export RATOS_SETUP_ROOT_PATH=$PATH # as root, the children's PATH (platform/child_env.h)
mkdir -p "$HOME"
# shellcheck source=tests/lib/checks.sh
source "$SRC/tests/lib/checks.sh"
jget() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
CFG=$D/printer_data/config/printer.cfg
doc() { "$BIN" --boards-dir "$SRC/boards" doctor --no-devices "$@"; }
B=btt-octopus-pro-429

# --- after an update: the 429 runs v0.13.0-730, the host is v0.13.0-731 ----
run proto 1 doc --log "$D/logs/klippy-protocol-error.log" --config "$CFG"
has proto-host "$T/out" "Klipper v0.13.0-731-g1a2b3c4d5 (the last of 2 starts"
has proto-error "$T/out" "Klipper stopped with \"MCU Protocol error\""
has proto-mcu "$T/out" "MCU 'mcu': firmware older than host"
has proto-board "$T/out" "board     Octopus Pro 429 ($B), by its serial in printer.cfg"
has proto-fw "$T/out" "firmware  v0.13.0-730-g84104bbbd, stm32f429xx"
has proto-next "$T/out" "next      build it and write it to the card: run ratos-setup and press f, or ratos-setup build $B && sudo ratos-setup sdcard write --board $B"
has proto-ebb "$T/out" "MCU 'EBBCan': current"
has proto-ebb-board "$T/out" "EBB42 v1.2 (btt-ebb42-12), by its serial in printer.cfg"
run proto-json 1 doc --log "$D/logs/klippy-protocol-error.log" --config "$CFG" --json
check proto-json test "$(jget "$T/out" '[(m["name"], m["verdict"], m["board"], m["board_from"], m["firmware_version"]) for m in d["mcus"]], d["host_version"], d["protocol_error"], d["exit"]')" \
	= "[('mcu', 'firmware-older', '$B', 'serial', 'v0.13.0-730-g84104bbbd'), ('EBBCan', 'current', 'btt-ebb42-12', 'serial', 'v0.13.0-731-g1a2b3c4d5')] v0.13.0-731-g1a2b3c4d5 True 1"

# --- the after-update build ran: built, not flashed ------------------------
K=$T/klipper
cp -r "$SRC/tests/build/fake-klipper" "$K" && echo v0.13.0-731-g1a2b3c4d5 >"$K/klippy/.version"
"$BIN" --boards-dir "$SRC/boards" build $B --klipper "$K" >/dev/null 2>&1 || bad "build"
run built 1 doc --log "$D/logs/klippy-protocol-error.log" --config "$CFG" --klipper "$K"
has built "$T/out" "MCU 'mcu': new firmware built but not flashed"
has built-version "$T/out" "built     v0.13.0-731-g1a2b3c4d5"
has built-next "$T/out" "next      write it to the card: run ratos-setup --klipper $K and press f, or sudo ratos-setup sdcard write --board $B --klipper $K"

# --- every MCU current -------------------------------------------------------
run current 0 doc --log "$D/logs/klippy-current.log" --config "$CFG"
has current "$T/out" "MCU 'mcu': current"
if grep -q "next " "$T/out"; then bad "current: a next step"; else ok; fi

# --- no printer.cfg: the wizard's saved board ----------------------------------
mkdir -p "$XDG_STATE_HOME/ratos-setup"
printf 'version=1\nstep=sdcard\nboard=%s\n' $B >"$XDG_STATE_HOME/ratos-setup/state"
run saved 1 doc --log "$D/logs/klippy-protocol-error.log" --config "$T/none.cfg" --json
check saved-board test "$(jget "$T/out" 'd["mcus"][0]["board"], d["mcus"][0]["board_from"], d["mcus"][1]["board"], d["config_read"]')" \
	= "$B saved None False"

# --- includes: a loop and a missing file are said, not fatal -------------------
mkdir -p "$T/cfg"
printf '[include a.cfg]\n[include missing.cfg]\n[mcu]\nserial = /dev/serial/by-id/usb-Klipper_stm32f429xx_%s-if00\n' $B >"$T/cfg/printer.cfg"
printf '[include printer.cfg]\n[mcu]\nserial: /dev/ttyAMA0\n' >"$T/cfg/a.cfg"
run loop 1 doc --log "$D/logs/klippy-protocol-error.log" --config "$T/cfg/printer.cfg"
has loop "$T/out" "includes itself"
has missing "$T/out" "printer.cfg:2:1: include file 'missing.cfg' does not exist"
has later-wins "$T/out" "($B), by its serial in printer.cfg"

# --- logs that say nothing -------------------------------------------------------
: >"$T/empty.log"
run empty 1 doc --log "$T/empty.log" --config "$CFG"
has empty "$T/out" "is empty"
head -c 2000000 /dev/urandom >"$T/random.log"
run binary 1 doc --log "$T/random.log" --config "$CFG"
has binary "$T/out" "is not a text log (binary data)"
printf 'hello\nthis is moonraker.log\n' >"$T/other.log"
run no-start 1 doc --log "$T/other.log" --config "$CFG"
has no-start "$T/out" "holds no Klipper start"
run no-log 2 doc --log "$T/nothing.log"
has no-log "$T/err" "cannot read $T/nothing.log"
run default-missing 1 doc --config "$CFG"
has default-missing "$T/out" "cannot read $HOME/printer_data/logs/klippy.log"
run bad-arg 2 doc --frobnicate
run json-garbage 1 doc --log "$T/random.log" --json
check json-garbage python3 -m json.tool "$T/out" /dev/null

# --- huge: a 300 MB log (many restarts, NUL runs a crash left) -------------------
# Only the tail is read, in fixed memory; the last start still counts.
python3 - "$T/huge.log" "$D/logs/klippy-protocol-error.log" <<'PY'
import sys
out, tail = sys.argv[1], open(sys.argv[2], 'rb').read()
stats = b"Stats 120.1: gcodein=0  mcu: mcu_awake=0.001 mcu_task_avg=0.000010 bytes_write=1158 freq=180000470\n" * 10000
with open(out, 'wb') as f:
    f.write(open(sys.argv[2], 'rb').read())
    for i in range(300):
        f.write(stats)
        if i == 150:
            f.write(b"\0" * 5000000)
    f.write(b"x" * 5000000 + b"\n")  # one endless line
    f.write(tail)
PY
python3 - "$T/rss" "$BIN" --boards-dir "$SRC/boards" doctor --no-devices --log "$T/huge.log" --config "$CFG" <<'PY' >"$T/out"
import resource, subprocess, sys, time
t = time.monotonic()
rc = subprocess.run(sys.argv[2:]).returncode
el = time.monotonic() - t
open(sys.argv[1], 'w').write("%d %.2f %d\n" % (rc, el, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
PY
read -r hrc hsec hkib <"$T/rss"
echo "huge log ($(($(stat -c %s "$T/huge.log") / 1048576)) MiB): exit $hrc, ${hsec} s, max RSS ${hkib} KiB"
check huge-rc test "$hrc" -eq 1
has huge "$T/out" "MCU 'mcu': new firmware built but not flashed"
has huge-fw "$T/out" "firmware  v0.13.0-730-g84104bbbd"
check huge-memory test "$hkib" -lt 65536
check huge-time python3 -c "import sys; sys.exit(0 if float('$hsec') < 30 else 1)"
rm -f "$T/huge.log"

finish
