#!/usr/bin/env python3
"""Fake klipper.bin: some code bytes, then the data dictionary as
zlib-compressed JSON, as Klipper embeds it. The settings come from an object
file (what it was compiled with), so a stale object gives a stale binary.
With a third argument "ihex", the same bytes as Intel HEX (klipper.elf.hex,
what Klipper makes for AVR)."""
import json, os, subprocess, sys, zlib

obj, dest = sys.argv[1], sys.argv[2]
cfg = {}
for line in open(obj):
    if line.startswith("CONFIG_") and "=" in line:
        k, v = line.strip().split("=", 1)
        cfg[k[7:]] = v.strip('"')

def version():
    if os.path.exists(".git"):
        try:
            v = subprocess.check_output(["git", "describe", "--always", "--tags", "--long",
                                         "--dirty"], stderr=subprocess.DEVNULL).decode().strip()
            if v and "dirty" not in v:
                return v
            if v:
                return v + "-20260101_000000-fakehost"
        except Exception:
            pass
    try:
        return open("klippy/.version").read().split()[0]
    except Exception:
        return "?-20260101_000000-fakehost"

ver = version()
if os.path.exists("VERSION_OVERRIDE"):
    ver = open("VERSION_OVERRIDE").read().strip()
d = {"version": ver, "build_versions": "gcc: fake 1.0 binutils: fake 1.0",
     "commands": {"identify offset=%u count=%c": 1}, "responses": {},
     "config": {k: (int(v) if v.isdigit() else v) for k, v in cfg.items()}}
blob = zlib.compress(json.dumps(d, sort_keys=True).encode(), 9)
# A code-like prefix that happens to contain zlib-looking bytes.
code = bytes([0x00, 0x20, 0x00, 0x20, 0x78, 0x9c, 0x01, 0x02]) * 64
pad = int(os.environ.get("FAKE_BIN_PAD", "64"))
data = code + blob + bytes(pad)
if len(sys.argv) > 3 and sys.argv[3] == "ihex":
    lines = []
    for off in range(0, len(data), 16):
        chunk = data[off:off + 16]
        rec = bytes([len(chunk), off >> 8 & 0xff, off & 0xff, 0]) + chunk
        lines.append(":" + rec.hex().upper() + "%02X" % (-sum(rec) & 0xff))
    lines.append(":00000001FF")
    with open(dest, "w") as f:
        f.write("\n".join(lines) + "\n")
else:
    with open(dest, "wb") as f:
        f.write(data)
print("Version: %s" % ver)
