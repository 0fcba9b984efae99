#!/usr/bin/env python3
"""Reads a QR code drawn as text back, for real: every character cell
becomes a 1x2 block of pixels (top half, bottom half), so a half-block code
(one module per column, two per row) and an ASCII code ("##" per module, one
module per row) both come out with square modules. The picture is written
as a PGM and decoded with zbarimg; what it decodes is printed.

usage: qr_decode.py [--image OUT.pgm] TEXT_FILE   (- for stdin)
Exit 0 with the decoded text, 1 when zbarimg finds no code.
Other characters (box borders, words) count as light."""
import subprocess
import sys
import tempfile

INK = {"\u2588": (1, 1), "\u2580": (1, 0), "\u2584": (0, 1), "#": (1, 1)}
SCALE = 4    # pixels per unit
MARGIN = 16  # light units around the screen, beyond any quiet zone drawn


def to_pgm(text):
    lines = text.split("\n")
    width = max((len(line) for line in lines), default=0) + 2 * MARGIN
    height = 2 * len(lines) + 2 * MARGIN
    units = [[0] * width for _ in range(height)]
    for r, line in enumerate(lines):
        for c, ch in enumerate(line):
            top, bottom = INK.get(ch, (0, 0))
            units[MARGIN + 2 * r][MARGIN + c] = top
            units[MARGIN + 2 * r + 1][MARGIN + c] = bottom
    rows = bytearray()
    for row in units:
        line = bytearray()
        for dark in row:
            line += (b"\x00" if dark else b"\xff") * SCALE
        rows += bytes(line) * SCALE
    header = b"P5\n%d %d\n255\n" % (width * SCALE, height * SCALE)
    return header + bytes(rows)


def decode(text, image=None):
    data = to_pgm(text)
    with tempfile.NamedTemporaryFile(suffix=".pgm") as f:
        f.write(data)
        f.flush()
        if image:
            with open(image, "wb") as out:
                out.write(data)
        r = subprocess.run(["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", f.name],
                           capture_output=True)
    if r.returncode != 0:
        return None
    return r.stdout.decode("utf-8").rstrip("\n")


def main():
    args = sys.argv[1:]
    image = None
    if len(args) == 3 and args[0] == "--image":
        image, args = args[1], args[2:]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    text = sys.stdin.read() if args[0] == "-" else open(args[0], encoding="utf-8").read()
    got = decode(text, image)
    if got is None:
        print("qr_decode: no QR code found", file=sys.stderr)
        return 1
    print(got)
    return 0


if __name__ == "__main__":
    sys.exit(main())
