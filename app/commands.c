#include "app/commands.h"

/* Order here is the order of `ratos-setup --help`. */
const struct rs_command rs_commands[] = {
	{ "boards", "[--json]", "list every known board", rs_cmd_boards },
	{ "board", "ID [--json | --qr [--ascii]]",
	  "everything known about one board, or its docs link as a QR code", rs_cmd_board },
	{ "config", "ID", "the Klipper config fragment the build uses", rs_cmd_config },
	{ "devices", "[--all] [--json] [--watch [SECONDS]] | --can [--json] [--klipper DIR] "
	  "[--config FILE] [--timeout SECONDS]",
	  "connected boards and SD cards that can be written; --can: the nodes on the CAN bus",
	  rs_cmd_devices },
	{ "validate", "[PATH...]", "check board files; errors as file:line:col", rs_cmd_validate },
	{ "build", "ID [--klipper DIR] [--force]", "build and install the board's Klipper firmware",
	  rs_cmd_build },
	{ "fwinfo", "FILE [--json]", "version, MCU and settings inside a klipper.bin", rs_cmd_fwinfo },
	{ "sdcard", "write|check|format ...", "firmware onto an SD card, and the proof it was flashed", rs_cmd_sdcard },
	{ "flash", "BOARD [--route usb|remote-sd|dfu|sdcard] [--device PATH] [--dry-run] [--yes] [--json] | --all [--dry-run] [--yes] [--json]",
	  "firmware onto the board over USB, remote SD update or DFU", rs_cmd_flash },
	{ "doctor", "[--klipper DIR] [--log FILE] [--config FILE] [--json]",
	  "after a Klipper update: which MCU needs new firmware, and the fix", rs_cmd_doctor },
	{ "report", "[--output FILE] [--force]", "one archive to post when asking for help, "
	  "secrets left out", rs_cmd_report },
};
const unsigned rs_command_count = sizeof(rs_commands) / sizeof(rs_commands[0]);
