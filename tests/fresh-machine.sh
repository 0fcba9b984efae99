#!/bin/bash
# The README's two set-up commands, exactly as README.md states them, on a
# brand-new Debian 12: debootstrap --variant=minbase plus sudo (from this
# machine's apt mirror, see tests/lib/debian-root.sh), a user "pi" with
# password-less sudo as on Raspberry Pi OS, and a clean `git archive` of HEAD
# in ~pi/ratos-setup.
#   1. The first command (install, build, start the wizard) runs in a terminal
#      (script -qec ... /dev/null); it must reach the wizard's first screen,
#      which is then quit with q, y. It must exit 0.
#   2. The second command (tests/run-all.sh) must pass the whole suite.
# The commands are read from README.md's "## Set up" section, so the README
# cannot drift from what is tested. Exits non-zero when either fails.
#
# Needs root (debootstrap, chroot, bind mounts). Only committed files are
# tested (git archive HEAD).
#
# Settings:
#   FRESH_MACHINE_USER   who runs the commands (default pi; "root" also works)
#   FRESH_MACHINE_FUZZ_SECONDS
#                        passed as RS_FUZZ_SECONDS to run-all.sh inside the
#                        root (default 5): the suite inside is the same suite
#                        the machine ran already with 20 s per fuzz target, so
#                        the fresh run only proves the fuzz build works there.
#                        Set it to 20 for the same fuzz time as the README's
#                        command gives a user.
#   FRESH_MACHINE_TIMEOUT seconds each command may take (default 2400)
#   DEBIAN_ROOT_*        see tests/lib/debian-root.sh (cache, suite, ...)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=tests/lib/debian-root.sh
source tests/lib/debian-root.sh

USER_NAME=${FRESH_MACHINE_USER:-pi}
FUZZ_SECONDS=${FRESH_MACHINE_FUZZ_SECONDS:-5}
TIMEOUT=${FRESH_MACHINE_TIMEOUT:-2400}

say() { printf '== fresh machine: %s\n' "$*"; }
die() { printf 'fresh machine: FAILED: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mounts)"

# readme_command N: the Nth ```sh block of README.md's "## Set up" section, as
# committed (the same README the root gets).
readme_command() {
	git show HEAD:README.md | awk -v want="$1" '
		/^## / { inside = ($0 == "## Set up") }
		inside && !block && /^```sh$/ { block = 1; n++; next }
		block && /^```$/ { block = 0; next }
		block && n == want { print }'
}
blocks=$(git show HEAD:README.md | awk '/^## / { s = ($0 == "## Set up") } s && /^```sh$/' | wc -l)
[ "$blocks" -eq 2 ] || die "README.md's Set up section has $blocks sh blocks, not the two set-up commands"
CMD1=$(readme_command 1)
CMD2=$(readme_command 2)
if [ -z "$CMD1" ] || [ -z "$CMD2" ]; then
	die "could not read the set-up commands from README.md"
fi
[ -z "$(git status --porcelain --untracked-files=no)" ] ||
	say "note: uncommitted changes are not tested (git archive HEAD)"

LOGS=$(mktemp -d)
KEEP_LOGS=0
cleanup() {
	status=$?
	exec 7>&- 2>/dev/null || true
	[ -n "${feeder:-}" ] && kill "$feeder" 2>/dev/null
	debian_root_cleanup_all
	[ "$KEEP_LOGS" = 1 ] || rm -rf "$LOGS"
	exit "$status"
}

start=$SECONDS
say "a new Debian $DEBIAN_ROOT_SUITE root (minbase + $DEBIAN_ROOT_PACKAGES)"
debian_root_new
R=$DEBIAN_ROOT
trap cleanup EXIT
debian_root_mount "$R"
say "root ready in $((SECONDS - start)) s: $R"

if [ "$USER_NAME" = root ]; then
	HOME_DIR=/root
else
	debian_root_run "$R" useradd --create-home --shell /bin/bash --groups sudo "$USER_NAME"
	# What Raspberry Pi OS gives its first user.
	printf '%s ALL=(ALL) NOPASSWD: ALL\n' "$USER_NAME" >"$R/etc/sudoers.d/010_$USER_NAME-nopasswd"
	chmod 440 "$R/etc/sudoers.d/010_$USER_NAME-nopasswd"
	HOME_DIR=/home/$USER_NAME
fi
git archive --format=tar --prefix=ratos-setup/ HEAD |
	debian_root_run_as "$R" "$USER_NAME" tar -C "$HOME_DIR" -xf -

# The session log with terminal control sequences removed, for grep.
plain() { sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1b[()][0-9A-Za-z]//g; s/\x1b[=>]//g; s/\r//g' "$1"; }
# shows LOG TEXT: TEXT was on the screen (grep reads everything: no SIGPIPE
# for pipefail to report).
shows() { plain "$1" | grep -F -- "$2" >/dev/null; }
# wait_for LOG TEXT PID: until TEXT is on the screen or PID has ended.
wait_for() {
	until shows "$1" "$2"; do
		kill -0 "$3" 2>/dev/null || return 1
		sleep 1
	done
}

# --- 1: install, build, start the wizard; quit it on its first screen -------
say "README command 1 (as $USER_NAME, in a terminal): $CMD1"
start=$SECONDS
mkfifo "$LOGS/keys"
exec 7<>"$LOGS/keys" # held open: the terminal's input never reaches end of file
log1=$LOGS/command1.log
TERM=xterm-256color debian_root_run_as "$R" "$USER_NAME" env SHELL=/bin/bash \
	timeout --kill-after=10 "$TIMEOUT" \
	script -qec "stty rows 24 cols 80; cd ~/ratos-setup && $CMD1" /dev/null \
	<"$LOGS/keys" >"$log1" 2>&1 &
session=$!
# The keys are typed only once the screen they are meant for is shown.
(
	wait_for "$log1" "choose your controller board" "$session" &&
		wait_for "$log1" "Welcome" "$session" || exit 0
	printf q >&7
	wait_for "$log1" "Quit ratos-setup?" "$session" || exit 0
	printf y >&7
) &
feeder=$!
rc1=0
wait "$session" || rc1=$?
wait "$feeder" || true
feeder=
exec 7>&-
time1=$((SECONDS - start))
if [ "$rc1" -ne 0 ]; then
	plain "$log1" | tail -n 40
	KEEP_LOGS=1
	die "README command 1 exited $rc1 after $time1 s (log: $log1)"
fi
if ! shows "$log1" "choose your controller board" || ! shows "$log1" "Welcome"; then
	plain "$log1" | tail -n 40
	KEEP_LOGS=1
	die "README command 1 ended without showing the wizard's first screen (log: $log1)"
fi
plain "$log1" | grep -F -e "Tests skipped" -e "Built target ratos-setup" || true
say "README command 1 passed in $time1 s: the wizard showed its first screen and quit"

# --- 2: the whole test suite ---------------------------------------------------
say "README command 2 (as $USER_NAME, RS_FUZZ_SECONDS=$FUZZ_SECONDS): $CMD2"
start=$SECONDS
rc2=0
debian_root_run_as "$R" "$USER_NAME" env RS_FUZZ_SECONDS="$FUZZ_SECONDS" SHELL=/bin/bash \
	timeout --kill-after=10 "$TIMEOUT" \
	bash -c "cd ~/ratos-setup && $CMD2" </dev/null >"$LOGS/command2.log" 2>&1 || rc2=$?
time2=$((SECONDS - start))
if [ "$rc2" -ne 0 ]; then
	tail -n 60 "$LOGS/command2.log"
	KEEP_LOGS=1
	die "README command 2 exited $rc2 after $time2 s (log: $LOGS/command2.log)"
fi
grep -E "tests passed|^== |fuzz: no crash|\*\*\*Skipped|Not Run" "$LOGS/command2.log" || true
say "README command 2 passed in $time2 s"
