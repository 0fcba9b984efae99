#!/bin/sh
# Wizard benchmark (not a test): builds bench/tui_bench with the terminal
# test harness and runs it against the bundled boards and `dialog --menu`.
# Needs: a built ratos-setup (default build/ratos-setup), libvterm-dev, dialog.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$ROOT/build/ratos-setup}
RUNS=${2:-21}
command -v dialog >/dev/null || { echo "dialog is not installed (apt-get install dialog)"; exit 77; }
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
cc -std=c11 -O2 -D_GNU_SOURCE -o "$OUT/tui_bench" "$ROOT/bench/tui_bench.c" "$ROOT/tests/tui/vt.c" \
	$(pkg-config --cflags --libs vterm ncursesw) -lutil
"$OUT/tui_bench" "$BIN" "$ROOT/boards" "$RUNS"
