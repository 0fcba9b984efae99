/* ratos-setup board ID [--json] [--qr [--ascii]]: everything known about
 * one board, or its documentation link as a QR code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/commands.h"
#include "core/json_out.h"
#include "core/qr.h"
#include "platform/qrcode.h"

static void json_strv(struct rs_json *j, const char *key, const struct rs_strv *v)
{
	rs_json_key(j, key);
	rs_json_array_begin(j);
	for (size_t i = 0; i < v->count; i++)
		rs_json_string(j, v->items[i]);
	rs_json_array_end(j);
}

static void print_json(const struct rs_board *b)
{
	struct rs_json j;
	rs_json_init(&j, stdout);
	rs_json_object_begin(&j);
	rs_json_kv_string(&j, "id", b->id);
	rs_json_kv_string(&j, "name", b->name);
	rs_json_kv_string(&j, "manufacturer", b->manufacturer);
	rs_json_kv_string(&j, "kind", rs_board_kind_name(b->kind));
	rs_json_kv_string(&j, "mcu", b->mcu);
	rs_json_key(&j, "support");
	rs_json_object_begin(&j);
	rs_json_kv_string(&j, "level", rs_support_level_name(b->support));
	rs_json_kv_string(&j, "reason", b->support_reason);
	rs_json_kv_string(&j, "recommended", b->recommended);
	rs_json_object_end(&j);
	json_strv(&j, "klipper", &b->klipper);
	rs_json_kv_string(&j, "usb_serial", b->usb_serial);
	rs_json_kv_uint(&j, "flash_start", rs_board_flash_start(b));
	rs_json_kv_uint(&j, "bootloader_kib", rs_board_bootloader_kib(b));
	rs_json_kv_uint(&j, "crystal_mhz", rs_board_crystal_mhz(b));
	rs_json_key(&j, "flash");
	rs_json_object_begin(&j);
	rs_json_kv_string(&j, "method", rs_flash_method_name(b->flash_method));
	rs_json_kv_string(&j, "sd_file", b->sd_file);
	rs_json_kv_string(&j, "sd_renamed_to", b->sd_renamed);
	rs_json_kv_string(&j, "notes", b->flash_notes);
	rs_json_kv_bool(&j, "dfu", b->has_dfu);
	rs_json_kv_bool(&j, "boot0_jumper", b->dfu_boot0_jumper);
	json_strv(&j, "dfu_steps", &b->dfu_steps);
	rs_json_object_end(&j);
	rs_json_key(&j, "drivers");
	rs_json_object_begin(&j);
	rs_json_kv_uint(&j, "count", b->driver_count);
	json_strv(&j, "sockets", &b->sockets);
	rs_json_kv_bool(&j, "power_jumpers", b->power_jumpers);
	rs_json_key(&j, "motor_voltages");
	rs_json_array_begin(&j);
	for (size_t i = 0; i < b->motor_voltage_count; i++)
		rs_json_uint(&j, b->motor_voltages[i]);
	rs_json_array_end(&j);
	json_strv(&j, "integrated", &b->integrated_drivers);
	rs_json_object_end(&j);
	rs_json_kv_string(&j, "endstop_rail", rs_endstop_rail_name(b->endstop_rail));
	rs_json_kv_string(&j, "docs", b->docs_url);
	rs_json_kv_string(&j, "file", b->source_file);
	rs_json_object_end(&j);
	rs_json_finish(&j);
}

static void print_list(const char *label, const struct rs_strv *v, const char *sep)
{
	if (!v->count)
		return;
	printf("%-16s", label);
	for (size_t i = 0; i < v->count; i++)
		printf("%s%s", i ? sep : "", v->items[i]);
	printf("\n");
}

static void print_text(const struct rs_board *b)
{
	char pins[32];
	printf("%-16s%s\n", "Board", b->id);
	printf("%-16s%s %s (%s)\n", "Name", b->manufacturer, b->name, rs_board_kind_name(b->kind));
	printf("%-16s%s\n", "MCU", b->mcu);
	unsigned long start = rs_board_flash_start(b), boot = start & 0xfffffful;
	if (start && boot % 1024)
		printf("%-16s0x%08lx (%lu-byte bootloader)\n", "Flash start", start, boot);
	else if (start)
		printf("%-16s0x%08lx (%lu KiB bootloader)\n", "Flash start", start, boot / 1024);
	if (rs_board_crystal_mhz(b))
		printf("%-16s%u MHz\n", "Crystal", rs_board_crystal_mhz(b));
	if (rs_board_usb_pins(b, pins, sizeof(pins)))
		printf("%-16sUSB on %s\n", "Connection", pins);
	printf("%-16s%s%s%s\n", "Support", rs_support_level_name(b->support),
	       b->support_reason ? ": " : "", b->support_reason ? b->support_reason : "");
	if (b->recommended)
		printf("%-16s%s\n", "Recommended", b->recommended);
	printf("%-16s%s\n", "Flashing", rs_flash_method_name(b->flash_method));
	if (b->sd_file)
		printf("%-16s%s on the card, renamed to %s once flashed\n", "SD card", b->sd_file,
		       b->sd_renamed);
	if (b->flash_notes)
		printf("%-16s%s\n", "Notes", b->flash_notes);
	if (b->has_dfu) {
		printf("%-16s%s\n", "DFU", b->dfu_boot0_jumper ? "BOOT0 jumper" : "buttons");
		for (size_t i = 0; i < b->dfu_steps.count; i++)
			printf("%-16s%zu. %s\n", "", i + 1, b->dfu_steps.items[i]);
	}
	printf("%-16s%u%s\n", "Drivers", b->driver_count,
	       b->power_jumpers ? ", VIN/V_MOT jumper per socket" : "");
	print_list("Sockets", &b->sockets, " ");
	printf("%-16s", "Motor voltage");
	for (size_t i = 0; i < b->motor_voltage_count; i++)
		printf("%s%u", i ? " / " : "", b->motor_voltages[i]);
	printf(" V\n");
	print_list("Integrated", &b->integrated_drivers, ", ");
	printf("%-16s%s\n", "Endstop rail", rs_endstop_rail_name(b->endstop_rail));
	if (b->usb_serial)
		printf("%-16s%s\n", "USB serial", b->usb_serial);
	if (b->docs_url)
		printf("%-16s%s\n", "Docs", b->docs_url);
}

/* The code is ink on dark modules; on a terminal it gets its own black on
 * white, since a dark theme would show it inverted, which many phones do not
 * read. Into a file or pipe it goes plain. */
static int print_qr(const struct rs_board *b, enum rs_qr_style style)
{
	if (!b->docs_url) {
		fprintf(stderr, "ratos-setup board: %s has no documentation link.\n", b->id);
		return RS_EXIT_FAIL;
	}
	struct rs_qr qr;
	char *why = NULL;
	if (!rs_qrcode_encode(b->docs_url, &qr, &why)) {
		fprintf(stderr, "ratos-setup board: %s. The link as text:\n", why);
		printf("%s\n", b->docs_url);
		free(why);
		return RS_EXIT_FAIL;
	}
	const char *term = getenv("TERM");
	bool colour = isatty(STDOUT_FILENO) && term && strcmp(term, "dumb") != 0;
	int rows, cols;
	rs_qr_text_size(&qr, style, &rows, &cols);
	for (int r = 0; r < rows; r++) {
		char *line = rs_qr_text_line(&qr, style, r);
		printf(colour ? "\033[30;47m%s\033[0m\n" : "%s\n", line);
		free(line);
	}
	printf("%s\n", b->docs_url);
	rs_qr_free(&qr);
	return RS_EXIT_OK;
}

int rs_cmd_board(struct rs_app *app, int argc, char **argv)
{
	const char *id = NULL;
	bool json = false, qr = false, ascii = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "--qr") == 0)
			qr = true;
		else if (strcmp(argv[i], "--ascii") == 0)
			ascii = true;
		else if (argv[i][0] != '-' && !id)
			id = argv[i];
		else
			id = NULL, argc = 0;
	}
	if (!id || (json && (qr || ascii)) || (ascii && !qr)) {
		fprintf(stderr, "usage: ratos-setup board ID [--json | --qr [--ascii]]\n");
		return RS_EXIT_USAGE;
	}
	const struct rs_board *b = rs_app_board(app, id);
	if (!b)
		return RS_EXIT_USAGE;
	if (qr)
		return print_qr(b, ascii ? RS_QR_ASCII : RS_QR_HALF_BLOCKS);
	if (json)
		print_json(b);
	else
		print_text(b);
	return RS_EXIT_OK;
}
