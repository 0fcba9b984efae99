#!/bin/sh
# `sdcard write` killed anywhere (SIGKILL, no cleanup possible): before and
# after each mtools step it runs, then at random moments. The write runs in
# a child process of ratos-setup (platform/sdjob.h), so both are killed in
# turn: the child doing the card steps, and ratos-setup itself (its child
# then stops at the next safe point). After every kill, once nothing holds
# the card any more, the filesystem is clean (fsck.fat -n) and firmware.bin,
# the name the bootloader flashes, holds the old firmware complete or the
# new one complete. Prints the counts; RS_KILL_TRIES sets the random tries
# (40).
BIN=$1 MKFW=$2 SRC=$3
. "$SRC/lib.sh"
TRIES=${RS_KILL_TRIES:-40}
old=0 new=0 bad=0

# The card before every try: an old firmware not flashed yet, the renamed
# file of an earlier one, and a file of the user's.
fat32 "$T/start.img"
mcopy -i "$T/start.img" "$T/fw429b.bin" ::/firmware.bin || fail mcopy
mcopy -i "$T/start.img" "$T/fw446.bin" ::/FIRMWARE.CUR || fail mcopy
echo notes >"$T/notes.txt" && mcopy -i "$T/start.img" "$T/notes.txt" ::/notes.txt || fail mcopy

# Waits until no process has the card image open: an mtools step that was
# started runs to its end, as it would on the Pi, and the card is judged
# only after that.
quiet_card() {
	n=0
	while ls -l /proc/[0-9]*/fd 2>/dev/null | grep -qF -- "$T/c.img"; do
		n=$((n + 1))
		[ $n -lt 3000 ] || fail "something still holds the card 30 s after the kill"
		sleep 0.01
	done
}
judge() { # what: the card after a kill
	quiet_card
	if ! fsck.fat -n "$T/c.img" >"$T/fsck" 2>&1; then
		bad=$((bad + 1)); echo "BROKEN ($1): fsck.fat -n: $(tail -3 "$T/fsck" | tr '\n' ' ')" >&2
	elif mtype -i "$T/c.img" ::/firmware.bin 2>/dev/null | cmp -s - "$T/fw429.bin"; then
		new=$((new + 1))
	elif mtype -i "$T/c.img" ::/firmware.bin 2>/dev/null | cmp -s - "$T/fw429b.bin"; then
		old=$((old + 1))
	else
		bad=$((bad + 1)); echo "BROKEN ($1): no complete firmware.bin; card: $(listing "$T/c.img")" >&2
	fi
}
write() { "$BIN" --boards-dir "$BOARDS" sdcard write --board $B429 --device "$T/c.img" \
	--file "$T/fw429.bin" --yes </dev/null >/dev/null 2>&1; }
# The same in a process group of its own, so $! is ratos-setup itself.
write_bg() { exec setsid "$BIN" --boards-dir "$BOARDS" sdcard write --board $B429 --device "$T/c.img" \
	--file "$T/fw429.bin" --yes </dev/null >/dev/null 2>&1; }

# 1. At each step: wrappers count the mtools calls and, just before or just
#    after call number K, kill their parent (the child doing the card steps)
#    or its parent (ratos-setup itself). They leave a mark when they kill;
#    without one the write finished before call K.
mkdir -p "$T/kbin"
for tool in mdir mcopy mtype mren mdel; do
	real=$(command -v $tool)
	cat >"$T/kbin/$tool" <<EOS
#!/bin/sh
n=\$(( \$(cat "$T/count") + 1 )); echo \$n >"$T/count"
victim=\$PPID
[ "\$(cat "$T/who")" = main ] && victim=\$(awk '{ print \$4 }' /proc/\$PPID/stat)
[ "\$n" = "\$(cat "$T/at")" ] && [ "\$(cat "$T/when")" = before ] && { : >"$T/killed"; kill -9 \$victim; exit 1; }
"$real" "\$@"; rc=\$?
[ "\$n" = "\$(cat "$T/at")" ] && { : >"$T/killed"; kill -9 \$victim; }
exit \$rc
EOS
	chmod +x "$T/kbin/$tool"
done
steps=0
for who in child main; do
	for when in before after; do
		k=1
		while [ $k -le 20 ]; do
			cp "$T/start.img" "$T/c.img"
			rm -f "$T/killed"
			echo 0 >"$T/count"; echo $k >"$T/at"; echo $when >"$T/when"; echo $who >"$T/who"
			PATH="$T/kbin:$PATH" write
			[ -e "$T/killed" ] || break # the write finished before call k
			judge "$who killed $when call $k"
			steps=$((steps + 1))
			k=$((k + 1))
		done
	done
done

# 2. At random moments, spread over the time a whole write takes.
cp "$T/start.img" "$T/c.img"
t0=$(date +%s%N); write || fail "a write without kill failed"; t1=$(date +%s%N)
span=$(( (t1 - t0) / 1000 )) # microseconds
i=0
while [ $i -lt "$TRIES" ]; do
	cp "$T/start.img" "$T/c.img"
	delay=$(awk -v s="$span" -v seed="$i$$" 'BEGIN { srand(seed); printf "%.6f", rand() * s * 1.2 / 1e6 }')
	(write_bg) & pid=$!
	sleep "$delay"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	# Only ratos-setup is killed: its child stops at the next safe point and
	# an mtools step it started runs to its end, as it would on the Pi. The
	# card is judged once nothing holds it any more (judge waits).
	judge "random kill after ${delay}s"
	i=$((i + 1))
done
echo "sd_kill: $steps kills at steps, $TRIES at random (write takes ${span}us): old kept $old, new complete $new, broken $bad"
[ $bad -eq 0 ] || fail "$bad kills left the card without a complete firmware.bin or unclean"
echo "sd_kill: all passed"
