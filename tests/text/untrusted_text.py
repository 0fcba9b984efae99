#!/usr/bin/python3
"""Text we did not write, end to end through the real binary: a firmware whose
dictionary holds terminal escape sequences (`fwinfo`), a hostile 16 MiB file
under a CPU limit (`fwinfo`), a FAT image whose long file names and volume
label hold escape sequences (`sdcard write`), and an emulated USB card reader
and board whose strings, by-id link and mount point hold control characters
(`devices`). The text output must carry no control character, C1 control or
invalid UTF-8 (the offending bytes shown as \\xNN), and --json output must be
valid JSON with the same guarantee.

usage: untrusted_text.py PART RATOS_SETUP SD_MKFW TESTS_DIR
PART: fwinfo | fwinfo-bounded | card | devices. Exit 0 pass, 1 fail, 77 skip.
"""
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import zlib

failures = 0


def check(cond, what):
    global failures
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond:
        failures += 1


def unsafe(data):
    """Why these bytes are not safe on a terminal, or None. Newlines end
    lines and are allowed; nothing else below 0x20, no DEL, no C1 controls
    (raw or UTF-8 encoded), and valid UTF-8 only."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return "invalid UTF-8 at byte %d" % e.start
    for i, ch in enumerate(text):
        o = ord(ch)
        if (o < 0x20 and ch != "\n") or 0x7f <= o <= 0x9f or o in (0x202e, 0x2028):
            return "control U+%04X at %d: %r" % (o, i, text[max(0, i - 20):i + 20])
    return None


def run(cmd, limit_cpu=None, env=None):
    def pre():
        if limit_cpu:
            resource.setrlimit(resource.RLIMIT_CPU, (limit_cpu, limit_cpu))
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       stdin=subprocess.DEVNULL, preexec_fn=pre, timeout=300, env=env)
    for stream in (p.stdout, p.stderr):
        if b"Sanitizer" in stream or b"runtime error:" in stream:
            sys.stderr.write(stream.decode("utf-8", "replace"))
            sys.exit("FAIL: sanitizer report")
    return p


def safe_output(p, what):
    for name, data in (("stdout", p.stdout), ("stderr", p.stderr)):
        why = unsafe(data)
        check(why is None, "%s: %s is safe to show%s" % (what, name, "" if why is None
                                                          else " (%s)" % why))


def json_doc(p, what):
    try:
        doc = json.loads(p.stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        check(False, "%s: valid JSON (%s): %r" % (what, e, p.stdout[:200]))
        return None
    check(True, "%s: valid JSON" % what)
    return doc


# Dictionary text as JSON escapes: ESC [ 2 J, an OSC title ended by BEL, a
# C1 CSI (U+009B) and a right-to-left override.
EVIL_VERSION = r"v0.13.0\u001b[2J\u001b]0;owned\u0007\u009b31m\u202e-evil"
EVIL_SHOWN = "v0.13.0\\x1b[2J\\x1b]0;owned\\x07\\xc2\\x9b31m\\xe2\\x80\\xae-evil"


def part_fwinfo(binary, mkfw, tmp):
    fw = os.path.join(tmp, "evil.bin")
    subprocess.run([mkfw, fw, "stm32f429xx", EVIL_VERSION], check=True)
    p = run([binary, "fwinfo", fw])
    check(p.returncode == 0, "fwinfo reads the firmware (exit %d)" % p.returncode)
    safe_output(p, "fwinfo")
    check(("Version:  " + EVIL_SHOWN + "\n").encode() in p.stdout,
          "fwinfo shows the version with its control bytes as \\xNN")
    p = run([binary, "fwinfo", "--json", fw])
    safe_output(p, "fwinfo --json")
    doc = json_doc(p, "fwinfo --json")
    if doc:
        check(doc["version"] == EVIL_SHOWN and doc["mcu"] == "stm32f429xx",
              "fwinfo --json: version %r" % doc["version"])


def part_fwinfo_bounded(binary, mkfw, tmp):
    """A crafted 16 MiB file: zlib streams that each inflate to megabytes of a
    JSON-looking object. The scan must give up within a CPU limit that the
    unbounded scan (over 30 s of CPU) exceeds."""
    block = zlib.compress(b"{" + b"\0" * (5 << 20), 9)
    data = block * ((16 << 20) // len(block))
    path = os.path.join(tmp, "hostile.bin")
    with open(path, "wb") as f:
        f.write(data)
    p = run([binary, "fwinfo", path], limit_cpu=5)
    check(p.returncode == 1, "fwinfo on the hostile file ends by itself within 5 s of CPU "
          "(exit %d%s)" % (p.returncode, ", killed by the CPU limit"
                           if p.returncode < 0 else ""))
    check(b"gave up" in p.stderr, "it says it gave up: %r" % p.stderr[:200])
    # And a real-sized image right after: still read.
    fw = os.path.join(tmp, "fw.bin")
    subprocess.run([mkfw, fw, "stm32f446xx"], check=True)
    p = run([binary, "fwinfo", fw], limit_cpu=5)
    check(p.returncode == 0 and b"stm32f446xx" in p.stdout, "a normal image is still read")


def fat_image(path, label_fat16_offset=43):
    if os.path.exists(path):
        os.remove(path)
    with open(path, "wb") as f:
        f.truncate(64 << 20)
    subprocess.run(["mkfs.fat", "-F", "16", "-n", "CARDLABEL", path], check=True,
                   stdout=subprocess.DEVNULL)
    src = path + ".src"
    with open(src, "w") as f:
        f.write("old firmware\n")
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    # mcopy refuses ESC in a name but writes C1 controls; ESC goes in by
    # patching the long-name entry afterwards (its checksum covers only the
    # short name).
    for name in ("firmwareQ[2J.bin", "firmware\u009b31m.bin"):
        subprocess.run(["mcopy", "-i", path, src, "::/" + name], check=True, env=env)
    with open(path, "r+b") as f:
        img = bytearray(f.read())
        patched = 0
        for i in range(0, len(img), 32):
            e = img[i:i + 32]
            if len(e) == 32 and e[11] == 0x0F:
                for off in list(range(1, 11, 2)) + list(range(14, 26, 2)) + [28, 30]:
                    if e[off:off + 2] == b"Q\x00":
                        img[i + off] = 0x1B
                        patched += 1
        # Boot-sector volume label (FAT16 extended BPB at 43): ESC [ 2 J.
        label = b"\x1b[2J\x9bEVIL  "
        assert len(label) == 11
        img[label_fat16_offset:label_fat16_offset + 11] = label
        f.seek(0)
        f.write(img)
    return patched


def part_card(binary, mkfw, tests):
    for tool in ("mkfs.fat", "mcopy", "mdir"):
        if not shutil.which(tool):
            print("%s not installed" % tool)
            sys.exit(77)
    tmp = tempfile.mkdtemp(prefix="rs-text-")
    try:
        fw = os.path.join(tmp, "fw429.bin")
        subprocess.run([mkfw, fw, "stm32f429xx"], check=True)
        img = os.path.join(tmp, "card.img")
        check(fat_image(img) == 1, "the long name holds an ESC byte")
        listing = subprocess.run(["mdir", "-a", "-b", "-i", img, "::/"], stdout=subprocess.PIPE,
                                 env=dict(os.environ, MTOOLS_SKIP_CHECK="1")).stdout
        check(b"firmware\x1b[2J.bin" in listing, "mtools lists the name with its ESC")
        boards = os.path.join(tests, "sdcard", "data", "boards")
        env = dict(os.environ, MTOOLS_SKIP_CHECK="1", HOME=tmp)
        base = [binary, "--boards-dir", boards, "sdcard", "write", "--board",
                "btt-octopus-pro-429", "--device", img, "--file", fw, "--yes"]
        p = run(base, env=env)
        print(p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace"))
        safe_output(p, "sdcard write")
        out = p.stdout + p.stderr
        check(b"firmware\\x1b[2J.bin" in out or b"firmware\\xc2\\x9b31m.bin" in out,
              "a stale name from the card is shown with \\xNN")
        check(b"\\x1b[2J\\x9bEVIL" in out or b"\\x1b[2J\\x9bEVIL" in p.stderr,
              "the volume label is shown with \\xNN")
        fat_image(img)
        p = run(base + ["--json"], env=env)
        safe_output(p, "sdcard write --json")
        json_doc(p, "sdcard write --json")
    finally:
        shutil.rmtree(tmp)


def umockdev_file(src, dst, replace):
    with open(src, "rb") as f:
        text = f.read()
    for old, new in replace:
        assert old in text, old
        text = text.replace(old, new)
    with open(dst, "wb") as f:
        f.write(text)


def part_devices(binary, mkfw, tests):
    if not shutil.which("umockdev-run"):
        print("umockdev-run not installed")
        sys.exit(77)
    data = os.path.join(tests, "udev", "data")
    tmp = tempfile.mkdtemp(prefix="rs-text-")
    try:
        reader = os.path.join(tmp, "reader.umockdev")
        umockdev_file(os.path.join(data, "reader-fat32.umockdev"), reader, [
            (b"E: ID_MODEL=STORAGE_DEVICE", b"E: ID_MODEL=STORAGE\x1b[2J\xc2\x9b_Caf\xc3\xa9"),
            (b"E: ID_VENDOR=Generic", b"E: ID_VENDOR=Gen\x1b]0;owned\x07eric"),
        ])
        board = os.path.join(tmp, "board.umockdev")
        umockdev_file(os.path.join(data, "klipper-f429.umockdev"), board, [
            (b"E: DEVLINKS=/dev/serial/by-id/usb-Klipper_stm32f429xx_",
             b"E: DEVLINKS=/dev/serial/by-id/usb-Klipper_\x1b[2J_"),
        ])
        mountinfo = os.path.join(tmp, "mountinfo")
        with open(os.path.join(data, "mountinfo-desk"), "rb") as f:
            mi = f.read()
        # The kernel writes \ooo only for blanks and backslash; everything
        # else, ESC included, goes into the mount table raw.
        mi = mi.replace(b"/media/pi/RATOS\\040CARD", b"/media/pi/\x1b[2J\x1b]0;owned\x07\xff")
        with open(mountinfo, "wb") as f:
            f.write(mi)
        cmd = ["umockdev-run", "-d", reader, "-d", board, "--", binary, "--boards-dir",
               os.path.join(data, "boards"), "devices", "--mountinfo", mountinfo]
        p = run(cmd)
        print(p.stdout.decode("utf-8", "replace"))
        check(p.returncode == 0, "devices runs (exit %d)" % p.returncode)
        safe_output(p, "devices")
        out = p.stdout.decode("utf-8", "replace")
        check("STORAGE\\x1b[2J\\xc2\\x9b_Caf\u00e9" in out,
              "the model is shown with \\xNN, printable UTF-8 kept")
        check("Gen\\x1b]0;owned\\x07eric" in out, "the vendor is shown with \\xNN")
        check("/dev/serial/by-id/usb-Klipper_\\x1b[2J_" in out, "the by-id link is shown with \\xNN")
        check("mounted on /media/pi/\\x1b[2J\\x1b]0;owned\\x07\\xff" in out,
              "the mount point is shown with \\xNN")
        p = run(cmd + ["--json", "--all"])
        safe_output(p, "devices --json")
        doc = json_doc(p, "devices --json")
        if doc:
            cards = [c for c in doc["cards"] if c["name"] == "sda"]
            check(len(cards) == 1 and cards[0]["partitions"][0]["mountpoint"] ==
                  "/media/pi/\x1b[2J\x1b]0;owned\x07\ufffd",
                  "JSON keeps the mount point, escaped as JSON (a byte that is not "
                  "UTF-8 as U+FFFD)")
            check(cards and cards[0]["selectable"], "the card is still offered")
    finally:
        shutil.rmtree(tmp)


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    part, binary, mkfw, tests = sys.argv[1:]
    if part == "fwinfo":
        with tempfile.TemporaryDirectory(prefix="rs-text-") as tmp:
            part_fwinfo(binary, mkfw, tmp)
    elif part == "fwinfo-bounded":
        with tempfile.TemporaryDirectory(prefix="rs-text-") as tmp:
            part_fwinfo_bounded(binary, mkfw, tmp)
    elif part == "card":
        part_card(binary, mkfw, tests)
    elif part == "devices":
        part_devices(binary, mkfw, tests)
    else:
        sys.exit(__doc__)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
