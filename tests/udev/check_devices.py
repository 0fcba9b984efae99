#!/usr/bin/python3
"""Runs `ratos-setup devices` inside an emulated udev tree (umockdev-run) and
checks what it lists and what it refuses, and why.

usage: check_devices.py SCENARIO RATOS_SETUP_BINARY DATA_DIR
Exit 0 when every check holds, 1 on the first failure, 77 without umockdev.
"""
import json
import os
import shutil
import subprocess
import sys

SCENARIOS = {
    # A desktop with a Klipper F429 and a USB card reader: the board is named
    # (two F429 boards fit) and the card is offered.
    "desk": (["klipper-f429", "reader-fat32"], "mountinfo-desk"),
    # Boards in every state: RatOS serial, DFU, Katapult, chip-id serial.
    "boards": (["klipper-f429", "klipper-f446-ratos", "stm32-dfu", "katapult"], "mountinfo-desk"),
    # A Pi booted from its SD slot, with a reader, an empty slot, a locked
    # card and devices that are never cards.
    "pi": (["pi-boot-sd", "reader-fat32", "reader-empty", "card-readonly", "odd-devices"],
           "mountinfo-pi"),
    # A Pi booted from a USB SSD: USB and hot-pluggable, yet the system.
    "ssd": (["usb-ssd-root", "reader-fat32"], "mountinfo-ssd"),
    # Toolboards: an EBB36 running Klipper, an RP2040 in BOOTSEL with its
    # RPI-RP2 boot drive, a Katapult device, and a real card reader.
    "toolboards": (["klipper-ebb36", "rp2040-boot", "katapult", "reader-fat32"],
                   "mountinfo-desk"),
}

failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL:", what)
    else:
        print("ok:", what)


def run(binary, data, files, mountinfo, extra):
    cmd = ["umockdev-run"]
    for f in files:
        cmd += ["-d", os.path.join(data, f + ".umockdev")]
    cmd += ["--", binary, "--boards-dir", os.path.join(data, "boards"), "devices",
            "--mountinfo", os.path.join(data, mountinfo)] + extra
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=60)
    if p.returncode != 0:
        print(" ".join(cmd))
        print(p.stderr)
        sys.exit("FAIL: exit code %d" % p.returncode)
    if p.stderr.strip():
        # Sanitizer reports and warnings land here; none are expected.
        print(p.stderr)
        sys.exit("FAIL: unexpected output on stderr")
    return p.stdout


def by(items, key, value):
    found = [x for x in items if x[key] == value]
    return found[0] if len(found) == 1 else None


def common(doc, listed_all):
    """Holds in every scenario: nothing selectable is a system disk, and a
    refused card always says why."""
    for c in doc["cards"]:
        if c["system_path"] is not None:
            check(not c["selectable"] and c["refusal"] == "system-disk",
                  "%s holds %s and is refused" % (c["name"], c["system_path"]))
        check(c["selectable"] == (c["refusal"] == "ok"), "%s: selectable iff ok" % c["name"])
        if not c["selectable"]:
            check(c["reason"] and c["refusal"] in c["reasons"], "%s says why" % c["name"])
        if not listed_all:
            check(c["refusal"] in ("ok", "read-only"),
                  "%s listed without --all only if ok or read-only" % c["name"])


def scenario_desk(doc):
    b = by(doc["boards"], "devnode", "/dev/ttyACM0")
    check(b is not None, "the F429 is listed as /dev/ttyACM0")
    if b:
        check(b["kind"] == "klipper" and b["mcu"] == "stm32f429xx", "it runs Klipper on an F429")
        check(b["serial"] == "2B0033000851313434373135", "its chip-id serial is read")
        check(b["by_id"] == "/dev/serial/by-id/usb-Klipper_stm32f429xx_"
              "2B0033000851313434373135-if00", "its by-id path is known")
        check(b["match"] == "mcu-several" and
              b["boards"] == ["btt-octopus-pro-429", "btt-skr-2-429"],
              "both F429 boards are candidates: %s" % b["boards"])
    c = by(doc["cards"], "name", "sda")
    check(c is not None and c["selectable"], "the reader card sda is offered")
    if c:
        check(c["bus"] == "usb" and c["size"] == 65536 * 512, "sda: usb, 32 MiB from sysfs")
        check(c["vendor"] == "Generic" and c["model"] == "STORAGE_DEVICE", "sda: vendor/model")
        p = c["partitions"]
        check(len(p) == 1 and p[0]["fs_type"] == "vfat" and p[0]["fs_version"] == "FAT32"
              and p[0]["fs_label"] == "RATOS" and p[0]["size"] == 63488 * 512,
              "sda1 is FAT32 'RATOS'")
        check(len(p) == 1 and p[0]["mountpoint"] == "/media/pi/RATOS CARD",
              "sda1 is mounted on /media/pi/RATOS CARD (mountinfo escapes unescaped)")
    check(doc["preselect"]["match"] == "mcu-several" and
          doc["preselect"]["board"] == "btt-octopus-pro-429", "preselect: first F429 candidate")


def scenario_boards(doc):
    boards = doc["boards"]
    check(len(boards) == 4, "four boards found, got %d" % len(boards))
    f446 = by(boards, "serial", "btt-octopus-pro-446")
    check(f446 is not None and f446["match"] == "serial" and
          f446["boards"] == ["btt-octopus-pro-446"] and not f446["mcu_conflict"],
          "the RatOS-flashed F446 is matched by serial")
    check(f446 is not None and f446["by_id"] ==
          "/dev/serial/by-id/usb-Klipper_stm32f446xx_btt-octopus-pro-446-if00",
          "by-id found from the link when DEVLINKS is missing")
    dfu = by(boards, "kind", "dfu")
    check(dfu is not None and dfu["vid"] == "0483" and dfu["pid"] == "df11" and
          dfu["mcu"] is None and dfu["match"] == "none" and
          dfu["devnode"] == "/dev/bus/usb/001/007", "the DFU device is listed, MCU unknown")
    kat = by(boards, "kind", "katapult")
    check(kat is not None and kat["mcu"] == "stm32f446xx" and kat["match"] == "mcu" and
          kat["boards"] == ["btt-octopus-pro-446"] and kat["devnode"] == "/dev/ttyACM2",
          "Katapult is listed with its MCU and one candidate")
    check(doc["preselect"] == {"board": "btt-octopus-pro-446", "match": "serial"},
          "the serial match is preselected: %s" % doc["preselect"])
    check(doc["cards"] == [], "no cards")


def scenario_pi(doc, listed_all):
    cards = {c["name"]: c for c in doc["cards"]}
    sel = sorted(n for n, c in cards.items() if c["selectable"])
    check(sel == ["sda"], "only sda is selectable: %s" % sel)
    ro = cards.get("sdc")
    check(ro is not None and ro["refusal"] == "read-only" and ro["read_only"],
          "the locked card is listed as read-only")
    if not listed_all:
        check(set(cards) == {"sda", "sdc"}, "without --all: sda and sdc, got %s" % sorted(cards))
        return
    want = {
        "mmcblk0": "system-disk",
        "sdb": "empty",
        "loop0": "virtual",
        "sr0": "optical",
        "mmcblk1": "not-removable",
        "mmcblk1boot0": "mmc-hw-partition",
    }
    for name, reason in want.items():
        c = cards.get(name)
        check(c is not None and c["refusal"] == reason,
              "%s refused as %s (got %s)" % (name, reason, c and c["refusal"]))
    boot = cards.get("mmcblk0")
    if boot:
        check(boot["system_path"] == "/" and boot["bus"] == "mmc", "mmcblk0 holds /")
        mp = {p["name"]: p["mountpoint"] for p in boot["partitions"]}
        check(mp == {"mmcblk0p1": "/boot/firmware", "mmcblk0p2": "/"},
              "mmcblk0 partitions mounted by major:minor: %s" % mp)


def scenario_ssd(doc, listed_all):
    cards = {c["name"]: c for c in doc["cards"]}
    if listed_all:
        ssd = cards.get("sdd")
        check(ssd is not None and ssd["refusal"] == "system-disk" and ssd["bus"] == "usb" and
              ssd["hotplug"] and ssd["system_path"] == "/",
              "the USB SSD holding / is refused as the system disk")
    else:
        check("sdd" not in cards, "the USB SSD is not listed without --all")
    check(cards.get("sda", {}).get("selectable"), "the reader card is still offered")


def scenario_toolboards(doc, listed_all):
    boards = doc["boards"]
    check(len(boards) == 3, "three boards found, got %d" % len(boards))
    ebb = by(boards, "serial", "btt-ebb36-12-t0")
    check(ebb is not None and ebb["kind"] == "klipper" and ebb["match"] == "serial" and
          ebb["boards"] == ["btt-ebb36-12"] and ebb["devnode"] == "/dev/ttyACM4",
          "the EBB36 toolboard runs Klipper and is named by its serial")
    rp = by(boards, "kind", "rp2040-boot")
    check(rp is not None and rp["vid"] == "2e8a" and rp["pid"] == "0003" and
          rp["mcu"] == "rp2040", "the RP2040 in BOOTSEL is listed as rp2040-boot")
    if rp:
        check(rp["boot_disk"] == "/dev/sdb" and rp["boot_volume"] == "/dev/sdb1" and
              rp["boot_label"] == "RPI-RP2",
              "its boot drive is /dev/sdb1 'RPI-RP2': %s %s" % (rp["boot_volume"],
                                                               rp["boot_label"]))
        check(rp["match"] == "mcu" and rp["boards"] == ["btt-sb-2209-usb-10-rp"],
              "the one RP2040 board is its candidate: %s" % rp["boards"])
    for b in boards:
        if b["kind"] != "rp2040-boot":
            check(b["boot_volume"] is None, "%s has no boot drive" % b["devnode"])
    kat = by(boards, "kind", "katapult")
    check(kat is not None and kat["by_id"] ==
          "/dev/serial/by-id/usb-katapult_stm32f446xx_4C0038000851363131363530-if00",
          "the Katapult device keeps its usb-katapult by-id name")
    cards = {c["name"]: c for c in doc["cards"]}
    check(cards.get("sda", {}).get("selectable"), "the reader card is still offered")
    if listed_all:
        rpd = cards.get("sdb")
        check(rpd is not None and not rpd["selectable"] and
              rpd["refusal"] == "board-boot-drive",
              "the RPI-RP2 drive is never offered as an SD card: %s" %
              (rpd and rpd["refusal"]))
    else:
        check("sdb" not in cards, "the RPI-RP2 drive is not listed as a card without --all")


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in SCENARIOS:
        sys.exit(__doc__)
    name, binary, data = sys.argv[1:]
    if not shutil.which("umockdev-run"):
        print("umockdev-run not installed")
        sys.exit(77)
    files, mountinfo = SCENARIOS[name]
    for listed_all in (True, False):
        extra = ["--json"] + (["--all"] if listed_all else [])
        doc = json.loads(run(binary, data, files, mountinfo, extra))
        print("-- %s %s" % (name, " ".join(extra)))
        common(doc, listed_all)
        if name == "desk":
            scenario_desk(doc)
        elif name == "boards":
            scenario_boards(doc)
        elif name == "pi":
            scenario_pi(doc, listed_all)
        elif name == "ssd":
            scenario_ssd(doc, listed_all)
        elif name == "toolboards":
            scenario_toolboards(doc, listed_all)
    if name == "toolboards":
        text = run(binary, data, files, mountinfo, [])
        print("-- toolboards (text)")
        check('boot drive /dev/sdb1 "RPI-RP2"' in text,
              "text names the RP2040's boot drive")
        check("RP2040 boot mode (BOOTSEL)" in text, "text names BOOTSEL")
    if name == "desk":
        # The plain listing names the board and the card for people too.
        text = run(binary, data, files, mountinfo, [])
        print("-- desk (text)")
        check("/dev/ttyACM0" in text and "stm32f429xx" in text and
              "btt-octopus-pro-429" in text, "text names the board")
        check("/dev/sda " in text and '"RATOS"' in text, "text names the card")
        # --watch with no time left lists once and ends cleanly.
        watched = run(binary, data, files, mountinfo, ["--watch", "0"])
        check(watched == text, "--watch 0 prints the listing and stops")
    sys.exit(1 if failures else 0)


main()
