# Fake of Katapult's scripts/flashtool.py -i IFACE -q: see ../../README.
import os, sys, time

path = os.environ.get("FAKE_CAN_RECORD")
if path:
    with open(path, "a") as f:
        f.write("flashtool.py %s uid=%d\n" % (" ".join(sys.argv[1:]), os.getuid()))
mode = os.environ.get("FAKE_CAN_MODE_KATAPULT", os.environ.get("FAKE_CAN_MODE", "ok"))
if sys.argv[1:] != ["-i", "can0", "-q"]:
    sys.exit(2)
if mode == "fail":
    sys.stderr.write("ERROR:root:Flash Error\n")
    sys.exit(255)
if mode == "hang":
    time.sleep(600)
print("Resetting all bootloader node IDs...")
print("Checking for Katapult nodes...")
for uuid, app in ((bytes.fromhex("11aa22bb33cc"), "Katapult"),
                  (bytes.fromhex("665544332211"), "Katapult")):
    print(f"Detected UUID: {uuid.hex()}, Application: {app}")
print("Query Complete")
