#!/bin/sh
# `sdcard write` stopped mid-way, slowed with RATOS_SETUP_TEST_WRITE_DELAY_MS:
# SIGTERM (or Ctrl-C) before the copy leaves the card byte for byte as it
# was; after the copy is on the card, the copy is removed and the old
# firmware.bin kept;
# ratos-setup killed outright mid-write (its writing child then stops by
# itself) leaves the old firmware.bin complete and no copy. Each time the
# message says what the card holds, and fsck.fat finds the card clean.
BIN=$1 MKFW=$2 SRC=$3
. "$SRC/lib.sh"

fat32 "$T/start.img"
mcopy -i "$T/start.img" "$T/fw429b.bin" ::/firmware.bin || fail mcopy
mcopy -i "$T/start.img" "$T/fw446.bin" ::/FIRMWARE.CUR || fail mcopy

# wait_for FILE TEXT: up to 20 s for TEXT in FILE.
wait_for() {
	n=0
	until grep -q -- "$2" "$1" 2>/dev/null; do
		n=$((n + 1))
		[ $n -lt 2000 ] || { cat "$T/out" "$T/err" >&2; fail "no '$2' in $1"; }
		sleep 0.01
	done
}
# quiet_card: until no process has the image open.
quiet_card() {
	n=0
	while ls -l /proc/[0-9]*/fd 2>/dev/null | grep -qF -- "$T/c.img"; do
		n=$((n + 1))
		[ $n -lt 3000 ] || fail "something still holds the card"
		sleep 0.01
	done
}
old_kept() {
	same_on_card "$T/c.img" firmware.bin "$T/fw429b.bin"
	[ "$(listing "$T/c.img")" = "FIRMWARE.CUR firmware.bin " ] ||
		fail "$1: the card holds $(listing "$T/c.img")"
	fsck_ok "$T/c.img"
}
# start_write: a slowed write in the background; $pid is ratos-setup.
start_write() {
	cp "$T/start.img" "$T/c.img"
	: >"$T/out"; : >"$T/err"
	RATOS_SETUP_TEST_WRITE_DELAY_MS=3000 "$BIN" --boards-dir "$BOARDS" sdcard write \
		--board $B429 --device "$T/c.img" --file "$T/fw429.bin" --yes \
		</dev/null >"$T/out" 2>"$T/err" &
	pid=$!
}

# 1. SIGTERM (what Ctrl-C does in a terminal; a background job here ignores
#    SIGINT) while it waits before the copy: nothing changed at all.
start_write
wait_for "$T/out" "copying to fwtmp.bin"
kill -TERM $pid
wait $pid; rc=$?
[ $rc -eq 1 ] || { cat "$T/out" "$T/err" >&2; fail "stopped before the copy: exit $rc, wanted 1"; }
grep -q "Stopped on request: nothing on the card was changed." "$T/err" ||
	{ cat "$T/err" >&2; fail "the message does not say the card is unchanged"; }
quiet_card
cmp -s "$T/c.img" "$T/start.img" || fail "the card changed although the write stopped before the copy"

# 2. SIGTERM after the copy is on the card, before it is compared: the copy
#    goes, the old firmware.bin stays.
start_write
wait_for "$T/out" "reading fwtmp.bin back"
kill -TERM $pid
wait $pid; rc=$?
[ $rc -eq 1 ] || { cat "$T/out" "$T/err" >&2; fail "stopped after the copy: exit $rc, wanted 1"; }
grep -q "Stopped on request: the card's old files are as they were; the unfinished copy was removed." "$T/err" ||
	{ cat "$T/err" >&2; fail "the message does not say the copy was removed"; }
quiet_card
old_kept "SIGTERM after the copy"

# 3. The same with --json: one JSON document saying it stopped.
cp "$T/start.img" "$T/c.img"
RATOS_SETUP_TEST_WRITE_DELAY_MS=3000 "$BIN" --boards-dir "$BOARDS" sdcard write --board $B429 \
	--device "$T/c.img" --file "$T/fw429.bin" --yes --json </dev/null >"$T/out" 2>"$T/err" &
pid=$!
# No progress lines with --json: wait for the child to hold the card.
n=0
until ls -l /proc/[0-9]*/fd 2>/dev/null | grep -qF -- "$T/c.img"; do
	n=$((n + 1)); [ $n -lt 2000 ] || fail "the write never opened the card"; sleep 0.01
done
sleep 0.5
kill -TERM $pid
wait $pid; rc=$?
[ $rc -eq 1 ] || { cat "$T/out" "$T/err" >&2; fail "--json stopped: exit $rc, wanted 1"; }
json_ok "$T/out"
grep_out '"error":"stopped"'
quiet_card
old_kept "SIGTERM with --json"

# 4. ratos-setup killed outright after the copy: its child stops by itself at
#    the next safe point and removes the copy.
start_write
wait_for "$T/out" "reading fwtmp.bin back"
kill -9 $pid
wait $pid 2>/dev/null
quiet_card
old_kept "ratos-setup killed after the copy"
echo "sd_stop: all passed"
