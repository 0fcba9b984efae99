#!/bin/sh
# devices --can against fake canbus_query.py and flashtool.py in a fake home
# (tests/mcu/fake-can) and a fake /sys/class/net: a missing or down can0 is
# said plainly and nothing runs; an up can0 lists the nodes both tools found,
# marked with printer.cfg's [mcu], printer.cfg's silent UUIDs apart, run with
# Klipper's python; a failing tool does not hide the other; a hanging tool is
# stopped at the time limit; the JSON says the same.
BIN=$1 SRC=$(cd "$2" && pwd)
set -u
T=$(mktemp -d /tmp/rs-canquery-XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$SRC/../lib/checks.sh"
FAKE="$SRC/fake-can"
export HOME="$T/home" FAKE_CAN_RECORD="$T/record"
mkdir -p "$HOME/printer_data/config" "$T/net"
cat >"$HOME/printer_data/config/printer.cfg" <<'CFG'
[mcu]
serial: /dev/serial/by-id/usb-Klipper_stm32h723xx_1234-if00

[mcu EBBCan]
canbus_uuid: 0A1B2C3D4E5F

[mcu toolhead2]
canbus_uuid: 998877665544
CFG
can() { "$BIN" devices --can --sys-net "$T/net" "$@"; }
recorded() { cat "$T/record" 2>/dev/null; }

run "no can0" 1 can
has "no can0: said" "$T/err" "CAN is not set up: there is no can0 network interface"
has "no can0: what to do" "$T/err" "interfaces.d"
check "no can0: nothing ran" [ ! -e "$T/record" ]
run "no can0 --json" 1 can --json
check "no can0 --json: state missing" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["state"] == "missing" and "CAN is not set up" in d["message"], d
assert d["nodes"] == [], d' "$T/out"

mkdir "$T/net/can0"
echo down >"$T/net/can0/operstate"
run "can0 down" 1 can
has "can0 down: said" "$T/err" "CAN is not set up: can0 is down"
has "can0 down: what to do" "$T/err" "sudo ip link set can0 up type can bitrate"
check "can0 down: nothing ran" [ ! -e "$T/record" ]

echo up >"$T/net/can0/operstate"
run "no tools" 1 can
has "no tools: said" "$T/err" "neither Klipper's scripts/canbus_query.py nor Katapult's flashtool.py"

cp -r "$FAKE/klipper" "$FAKE/katapult" "$FAKE/klippy-env" "$HOME/"
run "both tools" 0 can
O="$T/out"
has "bus up" "$O" "CAN bus can0: up"
has "Klipper node, in printer.cfg" "$O" "0a1b2c3d4e5f  Klipper    printer.cfg [mcu EBBCan]  (canbus_query.py)"
has "Katapult node seen by both" "$O" "11aa22bb33cc  Katapult   not in printer.cfg  (canbus_query.py, flashtool.py)"
has "Katapult-only node" "$O" "665544332211  Katapult   not in printer.cfg  (flashtool.py)"
has "silent printer.cfg UUID apart" "$O" "[mcu toolhead2]  canbus_uuid: 998877665544"
check "the answering printer.cfg UUID is not listed as silent" sh -c "! grep -q 'canbus_uuid: 0A1B2C3D4E5F' '$O'"
has "Klipper's tool ok" "$O" "Klipper's canbus_query.py: ok - ~/klipper/scripts/canbus_query.py"
has "Katapult's tool ok" "$O" "Katapult's flashtool.py: ok - ~/katapult/scripts/flashtool.py"
check "nothing else listed" [ "$(grep -c '^  [0-9a-f]\{12\}  ' "$O")" -eq 3 ]
check "run with Klipper's python, as Klipper's and Katapult's tools want" [ "$(recorded)" = "klippy-env-python $HOME/klipper/scripts/canbus_query.py can0
canbus_query.py can0 uid=$(id -u)
klippy-env-python $HOME/katapult/scripts/flashtool.py -i can0 -q
flashtool.py -i can0 -q uid=$(id -u)" ]

rm -f "$T/record"
run "--json" 0 can --json
check "JSON: nodes, marks, tools" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["state"] == "up" and d["message"] is None, d
got = [(n["uuid"], n["application"], n["found_by"], n["config_mcu"]) for n in d["nodes"]]
assert got == [("0a1b2c3d4e5f", "klipper", ["klipper"], "EBBCan"),
               ("11aa22bb33cc", "katapult", ["klipper", "katapult"], None),
               ("665544332211", "katapult", ["katapult"], None)], got
assert d["configured"] == [{"mcu": "EBBCan", "uuid": "0A1B2C3D4E5F", "answered": True},
                           {"mcu": "toolhead2", "uuid": "998877665544", "answered": False}], d
assert d["tools"]["klipper"]["ok"] and d["tools"]["katapult"]["ok"], d' "$T/out"

# Without Klipper's python: python3. Another Klipper tree and printer.cfg.
rm -rf "$HOME/klippy-env" "$T/record"
mv "$HOME/klipper" "$T/klipper2"
printf '[mcu]\ncanbus_uuid: 665544332211\n' >"$T/other.cfg"
run "--klipper, --config, python3" 0 can --klipper "$T/klipper2" --config "$T/other.cfg"
has "other printer.cfg" "$T/out" "665544332211  Katapult   printer.cfg [mcu]  (flashtool.py)"
check "python3 ran the tools" sh -c "! grep -q klippy-env '$T/record'"
has "the other tree's script" "$T/record" "canbus_query.py can0 uid="

# One tool fails: the other's nodes are still listed, the failure said.
export FAKE_CAN_MODE_KLIPPER=fail
run "Klipper's tool fails" 0 can --klipper "$T/klipper2"
has "why it failed" "$T/out" "Klipper's canbus_query.py: failed (exit 1): ModuleNotFoundError: No module named 'can'"
has "Katapult's nodes still there" "$T/out" "665544332211  Katapult"
export FAKE_CAN_MODE_KATAPULT=fail
run "both fail" 1 can --klipper "$T/klipper2"
has "both fail: said" "$T/err" "the CAN query did not succeed"
has "Katapult's failure" "$T/out" "Katapult's flashtool.py: failed (exit 255): ERROR:root:Flash Error"

# A tool that never answers is stopped at the time limit, its process too.
rm -f "$T/record"
start=$(date +%s)
unset FAKE_CAN_MODE_KATAPULT
export FAKE_CAN_MODE_KLIPPER=hang
run "hanging tool" 1 can --klipper "$T/klipper2" --timeout 1
took=$(($(date +%s) - start))
has "hang: said" "$T/out" "Klipper's canbus_query.py: stopped: no answer within the time limit"
check "hang: stopped within the limit and the kill grace ($took s)" [ "$took" -le 6 ]
unset FAKE_CAN_MODE_KLIPPER
pid=$(cat "$T/record.pid" 2>/dev/null)
check "hang: the tool's process is gone" sh -c "[ -n '$pid' ] && ! kill -0 '$pid' 2>/dev/null"

run "--can with --watch" 2 "$BIN" devices --can --watch
run "--timeout without --can" 2 "$BIN" devices --timeout 5
run "--timeout 0" 2 can --timeout 0
finish mcu_can_query
