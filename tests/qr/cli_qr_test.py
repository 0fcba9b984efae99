#!/usr/bin/env python3
"""`ratos-setup board ID --qr [--ascii]` against every board in boards/: the
printed code is read back into modules, made into a picture and decoded with
zbarimg, and must give the board's documentation link exactly. Also: the
quiet zone is there, every line is as wide as the others, the half-block code
of the longest link fits the wizard's box on an 80x24 terminal, and the
errors (no link, bad options) say what is wrong.

usage: cli_qr_test.py BINARY BOARDS_DIR"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qr_decode import decode  # noqa: E402

BIN, BOARDS = sys.argv[1], sys.argv[2]
failures = 0


def fail(msg):
    global failures
    failures += 1
    print("FAIL:", msg)


def run(*args, boards=BOARDS):
    env = dict(os.environ, XDG_CACHE_HOME="", TERM="xterm-256color")
    return subprocess.run([BIN, "--boards-dir", boards, *args], capture_output=True,
                          text=True, env=env)


def check_shape(board, style, code_lines, quiet_rows, quiet_cols):
    widths = {len(line) for line in code_lines}
    if len(widths) != 1:
        fail(f"{board} {style}: lines of different widths {sorted(widths)}")
        return
    for line in code_lines[:quiet_rows] + code_lines[-quiet_rows:]:
        if line.strip():
            fail(f"{board} {style}: quiet zone rows are not blank")
            return
    for line in code_lines:
        if line[:quiet_cols].strip() or line[-quiet_cols:].strip():
            fail(f"{board} {style}: quiet zone columns are not blank")
            return


ids = [b["id"] for b in json.loads(run("boards", "--json").stdout)["boards"]]
if len(ids) < 50:
    fail(f"only {len(ids)} boards listed")
largest = {"half": (0, 0, ""), "ascii": (0, 0, "")}
checked = 0
for board in ids:
    url = json.loads(run("board", board, "--json").stdout).get("docs")
    if not url:
        continue
    for style, extra, quiet_rows, quiet_cols in (("half", [], 2, 4), ("ascii", ["--ascii"], 4, 8)):
        r = run("board", board, "--qr", *extra)
        if r.returncode != 0:
            fail(f"{board} --qr {' '.join(extra)}: exit {r.returncode}: {r.stderr}")
            continue
        lines = r.stdout.rstrip("\n").split("\n")
        if lines[-1] != url:
            fail(f"{board} {style}: last line {lines[-1]!r}, not the link")
        code = lines[:-1]
        check_shape(board, style, code, quiet_rows, quiet_cols)
        got = decode("\n".join(code))
        if got != url:
            fail(f"{board} {style}: decoded {got!r}, want {url!r}")
        checked += 1
        if len(code) > largest[style][0]:
            largest[style] = (len(code), len(code[0]), url)

# The wizard's box: border, code, link line, border, on 80x24.
rows, cols, url = largest["half"]
print(f"largest half-block code: {cols}x{rows} characters ({url}); "
      f"box {cols + 4}x{rows + 3}")
if rows + 3 > 24 or cols + 4 > 80:
    fail(f"the half-block code of {url} does not fit the wizard's box on 80x24")
rows, cols, url = largest["ascii"]
print(f"largest ASCII code: {cols}x{rows} characters ({url}); box {cols + 4}x{rows + 3}")
print(f"{checked} codes decoded")
if checked < 40:  # 2 per linked board; boards/ has dozens
    fail(f"only {checked} codes checked")

# The reader can fail: half a code, or none, decodes to nothing.
r = run("board", ids[0], "--qr")
half = r.stdout.split("\n")
if decode("\n".join(half[: len(half) // 2])) is not None:
    fail("half a code decoded")
if decode("no code here\n") is not None:
    fail("text without a code decoded")

# Errors.
for args, want_rc, want in ((["board", ids[0], "--ascii"], 2, "usage"),
                            (["board", ids[0], "--json", "--qr"], 2, "usage"),
                            (["board", "no-such-board", "--qr"], 2, "unknown board")):
    r = run(*args)
    if r.returncode != want_rc or want not in r.stderr:
        fail(f"{' '.join(args)}: exit {r.returncode}, stderr {r.stderr!r}")

with tempfile.TemporaryDirectory() as tmp:
    shutil.copy(os.path.join(BOARDS, "drivers.yaml"), tmp)
    src = os.path.join(BOARDS, "btt-octopus-pro-446.yaml")
    with open(src) as f, open(os.path.join(tmp, "btt-octopus-pro-446.yaml"), "w") as o:
        o.writelines(line for line in f if not line.startswith("docs:"))
    r = run("board", "btt-octopus-pro-446", "--qr", boards=tmp)
    if r.returncode != 1 or "has no documentation link" not in r.stderr or r.stdout:
        fail(f"a board without a link: exit {r.returncode}, {r.stderr!r} {r.stdout!r}")

print("PASS" if not failures else f"{failures} failures")
sys.exit(1 if failures else 0)
