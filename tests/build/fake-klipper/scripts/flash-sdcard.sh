#!/bin/sh
# The fake flash-sdcard.sh: records its arguments in FAKE_FLASH_LOG; fails
# the upload when FAKE_SDCARD_FAIL=upload, the -c check when =check.
[ -n "$FAKE_FLASH_LOG" ] && echo "flash-sdcard.sh $*" >>"$FAKE_FLASH_LOG"
case " $* " in
*" -c "*) what=check ;;
*) what=upload ;;
esac
if [ "$FAKE_SDCARD_FAIL" = "$what" ]; then
	echo "SD Card Flash Error: fake $what failure"
	exit 255
fi
echo "fake flash-sdcard.sh: $what done"
