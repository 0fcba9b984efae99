#!/usr/bin/env python3
# The fake `make flash`: records its arguments and the image it would write,
# then succeeds or fails as the test asks (see the Makefile).
import os, sys, time
args = sys.argv[1:]
dev = args[0].split("=", 1)[1]
log = os.environ.get("FAKE_FLASH_LOG")
if log:
    with open(log, "a") as f:
        f.write("make-flash " + " ".join(args) + "\n")
print("Flashing %s to %s" % (os.path.join(args[2].split("=", 1)[1], "klipper.bin"), dev))
sys.stdout.flush()
time.sleep(float(os.environ.get("FAKE_FLASH_SLEEP", "0")))
fail = os.environ.get("FAKE_FLASH_FAIL", "")
kind = "dfu" if dev == "0483:df11" else "serial"
if fail == "all" or fail == kind:
    print("Error: failed to flash %s (fake failure)" % dev)
    sys.exit(2)
print("Flash complete")
