#!/bin/sh
# The layers of ARCHITECTURE.md, checked on the sources: curses only in tui/
# and screens/, libudev and process/OS calls only in platform/, and no layer
# including a layer above it. Linking enforces most of this; this test names
# the offending line instead of a linker error.
set -u
SRC=$1
fail=0
check() { # check FOLDER PATTERN WHY
	hits=$(grep -nE "$2" "$SRC/$1"/*.[ch] 2>/dev/null)
	if [ -n "$hits" ]; then
		echo "FAIL: $1/ $3:"
		echo "$hits" | sed 's/^/  /'
		fail=$((fail + 1))
	fi
}
check core '#include [<"](curses|ncurses|libudev|umockdev)' "must stay pure (no curses, no udev)"
check core '#include "(platform|tui|screens|app)/' "must not include a higher layer"
check core '\b(fork|execvp|popen|system)\(' "must not start processes"
check platform '#include [<"](curses|ncurses)' "must not use curses"
check platform '#include "(tui|screens|app)/' "must not include a higher layer"
check tui '#include "(screens|app)/' "must not include a higher layer"
check screens '#include "app/' "must not include app/"
check app '#include [<"](curses|ncurses)' "must not use curses directly"
checked=$(ls "$SRC"/core/*.c "$SRC"/platform/*.c 2>/dev/null | wc -l)
echo "$checked files in core/ and platform/ checked; $((8 - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
