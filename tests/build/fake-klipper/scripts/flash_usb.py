#!/usr/bin/env python3
# The fake scripts/flash_usb.py (what Klipper's make flash runs for STM32,
# RP2040, LPC176x): records its arguments in FAKE_FLASH_LOG, prints the
# image's size; FAKE_FLASH_FAIL=serial|dfu|all fails as the fake make flash.
import os, sys
args = sys.argv[1:]
log = os.environ.get("FAKE_FLASH_LOG")
if log:
    with open(log, "a") as f:
        f.write("flash_usb.py " + " ".join(args) + "\n")
image = args[-1]
dev = args[args.index("-d") + 1] if "-d" in args else ""
print("Flashing %s (%d bytes) to %s" % (image, os.path.getsize(image), dev))
fail = os.environ.get("FAKE_FLASH_FAIL", "")
kind = "dfu" if dev == "0483:df11" else "serial"
if fail == "all" or fail == kind:
    print("Error: failed to flash %s (fake failure)" % dev)
    sys.exit(2)
print("Flash complete")
