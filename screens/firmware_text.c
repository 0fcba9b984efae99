#include "screens/firmware_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "platform/paths.h"

void rs_fwtext_target(const struct rs_board *b, char *buf, size_t len)
{
	char pins[32];
	size_t n = (size_t)snprintf(buf, len, "%s", b->mcu);
	unsigned kib = rs_board_bootloader_kib(b), mhz = rs_board_crystal_mhz(b);
	if (n < len)
		n += (size_t)(kib ? snprintf(buf + n, len - n, ", %u KiB bootloader", kib)
				  : snprintf(buf + n, len - n, ", no bootloader offset"));
	if (n < len && mhz)
		n += (size_t)snprintf(buf + n, len - n, ", %u MHz crystal", mhz);
	if (n < len && rs_board_usb_pins(b, pins, sizeof(pins)))
		snprintf(buf + n, len - n, ", USB on %s", pins);
}

void rs_fwtext_clock(long seconds, char *buf, size_t len)
{
	/* Clamped, so the text always fits the callers' buffers. */
	unsigned s = seconds < 0 ? 0u : seconds > 359999 ? 359999u : (unsigned)seconds;
	if (s >= 3600)
		snprintf(buf, len, "%u:%02u:%02u", s / 3600 % 100, s / 60 % 60, s % 60);
	else
		snprintf(buf, len, "%u:%02u", s / 60 % 60, s % 60);
}

static void thousands(size_t v, char *buf, size_t len)
{
	char digits[32];
	int n = snprintf(digits, sizeof(digits), "%zu", v);
	size_t o = 0;
	for (int i = 0; i < n && o + 2 < len; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
}

static void pretty(FILE *f, const char *path)
{
	char *p = rs_path_pretty(path);
	fputs(p, f);
	free(p);
}

/* The USB device id of the chip's ROM bootloader, for `make flash`. */
static const char *rom_dfu_id(const char *mcu)
{
	if (strncmp(mcu, "stm32", 5) == 0)
		return "0483:df11";
	if (strncmp(mcu, "rp2040", 6) == 0)
		return "2e8a:0003";
	return NULL;
}

/* A path for a command line the user copies: $HOME rather than ~, which
 * not every shell expands after "=". */
static char *shell_path(const char *path)
{
	char *p = rs_path_pretty(path);
	if (strncmp(p, "~/", 2) == 0) {
		char *h = rs_xasprintf("$HOME%s", p + 1);
		free(p);
		return h;
	}
	free(p);
	return rs_xstrdup(path);
}

static void flash_yourself(FILE *f, const struct rs_board *b, const struct rs_fwbuild_result *r)
{
	/* make flash must see the same config and output directory the image
	 * was built from, or it would rebuild from ~/klipper/.config. */
	char *workdir = rs_xstrdup(r->config_path ? r->config_path : "");
	char *slash = strrchr(workdir, '/');
	if (slash)
		*slash = '\0';
	if (b->flash_method == RS_FLASH_MANUAL) {
		fputs("This board has no automatic flashing route: follow its own steps below "
		      "and the documentation.\n",
		      f);
	} else {
		char *tree = shell_path(r->klipper_dir ? r->klipper_dir : "~/klipper");
		char *wd = shell_path(workdir);
		fprintf(f, "Flashing over USB is a later step of ratos-setup, not done here. For "
			   "now, flash it yourself with the board connected over USB (ls "
			   "/dev/serial/by-id/ shows its name):\n"
			   "    cd %s && make flash \\\n"
			   "      KCONFIG_CONFIG=%s/board.config \\\n"
			   "      OUT=%s/out/ \\\n"
			   "      FLASH_DEVICE=/dev/serial/by-id/usb-Klipper_%s_...-if00\n",
			tree, wd, wd, b->mcu);
		free(tree);
		free(wd);
		const char *dfu = rom_dfu_id(b->mcu);
		if (b->has_dfu && dfu)
			fprintf(f, "or put the board in DFU mode (steps below) and use "
				   "FLASH_DEVICE=%s instead; or follow the steps below.\n",
				dfu);
		else
			fputs("or follow the steps below.\n", f);
	}
	free(workdir);
	if (b->flash_notes)
		fprintf(f, "\nNote: %s\n", b->flash_notes);
	if (b->has_dfu && b->dfu_steps.count) {
		fputs("\nDFU mode:\n", f);
		for (size_t i = 0; i < b->dfu_steps.count; i++)
			fprintf(f, "  %zu. %s\n", i + 1, b->dfu_steps.items[i]);
	}
	if (b->docs_url)
		fprintf(f, "\nDocs: %s\n", b->docs_url);
}

static void how_to_flash(FILE *f, const struct rs_board *b, const struct rs_fwbuild_result *r,
			 const char *next_title)
{
	fputc('\n', f);
	switch (b->flash_method) {
	case RS_FLASH_SDCARD:
		fprintf(f, "This board takes its firmware from an SD card (as %s).",
			b->sd_file ? b->sd_file : "firmware.bin");
		if (!next_title)
			fprintf(f, " Copy the file to the card's FAT32 partition under that name, "
				   "or run: ratos-setup sdcard write --board %s",
				b->id);
		fputc('\n', f);
		if (b->flash_notes)
			fprintf(f, "\nNote: %s\n", b->flash_notes);
		break;
	case RS_FLASH_FLASH_SDCARD:
		fputs("This board is flashed with Klipper's scripts/flash-sdcard.sh while its card "
		      "stays in the board; ratos-setup does not run it yet.\n",
		      f);
		if (b->flash_notes)
			fprintf(f, "\nNote: %s\n", b->flash_notes);
		if (b->docs_url)
			fprintf(f, "\nDocs: %s\n", b->docs_url);
		break;
	case RS_FLASH_USB:
	case RS_FLASH_DFU:
	case RS_FLASH_MANUAL:
		flash_yourself(f, b, r);
		break;
	}
	if (next_title)
		fprintf(f, "\nEnter continues to \"%s\".", next_title);
	else
		fputs("\nEnter finishes the wizard.", f);
}

static void built(FILE *f, const struct rs_board *b, const struct rs_fwbuild_result *r,
		  const char *next_title)
{
	char size[32], clock[32];
	thousands(r->size, size, sizeof(size));
	if (r->step == RS_FWB_DONE) {
		rs_fwtext_clock((long)(r->seconds + 0.5), clock, sizeof(clock));
		fprintf(f, "Firmware built in %s:\n", clock);
	} else {
		fputs("Firmware up to date (same Klipper version and config as the installed "
		      "image, so make did not run; r rebuilds anyway):\n",
		      f);
	}
	fputs("  ", f);
	pretty(f, r->firmware_path);
	fprintf(f, "\n  Size     %s bytes\n  Version  %s\n  MCU      %s\n  sha256   %.16s...\n",
		size, r->version ? r->version : "?", r->mcu ? r->mcu : "?", r->sha256);
	how_to_flash(f, b, r, next_title);
}

static bool before_make(enum rs_fwbuild_fail fail)
{
	return fail == RS_FWF_NO_TREE || fail == RS_FWF_BROKEN_TREE || fail == RS_FWF_TOOLCHAIN ||
	       fail == RS_FWF_WORKDIR;
}

static void failed(FILE *f, const struct rs_fwbuild_result *r)
{
	fprintf(f, "!! %s: %s\n", before_make(r->fail) ? "Cannot build yet" : "Build failed",
		r->message ? r->message : "unknown error");
	if (r->error_lines.count) {
		fputc('\n', f);
		for (size_t i = 0; i < r->error_lines.count; i++)
			fprintf(f, "  | %s\n", r->error_lines.items[i]);
	}
	if (r->hint)
		fprintf(f, "\nWhat to try: %s\n", r->hint);
	if (r->log_path) {
		fputs("\nFull log: ", f);
		pretty(f, r->log_path);
		fputc('\n', f);
	}
	fputs("\nr tries again, Esc goes back. Next is locked until the firmware is built.", f);
}

char *rs_fwtext_result(const struct rs_board *b, const struct rs_fwbuild_result *r,
		       const char *next_title)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	switch (r->step) {
	case RS_FWB_DONE:
	case RS_FWB_UP_TO_DATE:
		built(f, b, r, next_title);
		break;
	case RS_FWB_CANCELLED:
		fputs("Build cancelled: ", f);
		pretty(f, r->firmware_path);
		fputs(" was not changed and no compiler is left running.\n\nr starts the build "
		      "again. Next is locked until the firmware is built.",
		      f);
		break;
	case RS_FWB_NOT_BUILT:
		fputs("No up-to-date firmware for this board yet: ", f);
		pretty(f, r->firmware_path);
		fputs(" is missing, or does not match this Klipper tree and config.\n\n"
		      "Enter builds it (a few minutes on a Raspberry Pi). Next is locked until the "
		      "firmware is built.",
		      f);
		break;
	default:
		failed(f, r);
		break;
	}
	fclose(f);
	return buf;
}
