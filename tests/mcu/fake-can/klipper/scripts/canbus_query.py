# Fake of Klipper's scripts/canbus_query.py: see ../../README.
import os, sys, time

def record(name):
    path = os.environ.get("FAKE_CAN_RECORD")
    if path:
        with open(path, "a") as f:
            f.write("%s %s uid=%d\n" % (name, " ".join(sys.argv[1:]), os.getuid()))

record("canbus_query.py")
mode = os.environ.get("FAKE_CAN_MODE_KLIPPER", os.environ.get("FAKE_CAN_MODE", "ok"))
if len(sys.argv) != 2:
    sys.stderr.write("Usage: canbus_query.py [options] <can interface>\n")
    sys.exit(2)
if mode == "fail":
    sys.stderr.write("Traceback (most recent call last):\n"
                     "  File \"canbus_query.py\", line 8, in <module>\n"
                     "    import can\n"
                     "ModuleNotFoundError: No module named 'can'\n")
    sys.exit(1)
if mode == "hang":
    with open(os.environ["FAKE_CAN_RECORD"] + ".pid", "w") as f:
        f.write("%d\n" % os.getpid())
    time.sleep(600)
sys.stdout.write("Found canbus_uuid=%012x, Application: %s\n" % (0x0a1b2c3d4e5f, "Klipper"))
sys.stdout.write("Found canbus_uuid=%012x, Application: %s\n" % (0x11aa22bb33cc, "CanBoot"))
sys.stdout.write("Total %d uuids found\n" % 2)
