/* ratos-setup boards [--json] */
#include <stdio.h>
#include <string.h>

#include "app/commands.h"
#include "core/json_out.h"

static void print_json(const struct rs_catalog *cat)
{
	struct rs_json j;
	rs_json_init(&j, stdout);
	rs_json_object_begin(&j);
	rs_json_key(&j, "boards");
	rs_json_array_begin(&j);
	for (size_t i = 0; i < cat->board_count; i++) {
		const struct rs_board *b = &cat->boards[i];
		rs_json_object_begin(&j);
		rs_json_kv_string(&j, "id", b->id);
		rs_json_kv_string(&j, "name", b->name);
		rs_json_kv_string(&j, "manufacturer", b->manufacturer);
		rs_json_kv_string(&j, "kind", rs_board_kind_name(b->kind));
		rs_json_kv_string(&j, "mcu", b->mcu);
		rs_json_kv_string(&j, "flash_method", rs_flash_method_name(b->flash_method));
		rs_json_object_end(&j);
	}
	rs_json_array_end(&j);
	rs_json_key(&j, "rejected");
	rs_json_array_begin(&j);
	for (size_t i = 0; i < cat->errors.count; i++) {
		char line[1024];
		rs_json_string(&j, rs_error_format(&cat->errors.items[i], line, sizeof(line)));
	}
	rs_json_array_end(&j);
	rs_json_object_end(&j);
	rs_json_finish(&j);
}

int rs_cmd_boards(struct rs_app *app, int argc, char **argv)
{
	bool json = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else {
			fprintf(stderr, "usage: ratos-setup boards [--json]\n");
			return RS_EXIT_USAGE;
		}
	}
	const struct rs_catalog *cat = rs_app_catalog(app);
	if (!cat)
		return RS_EXIT_FAIL;
	if (json) {
		print_json(cat);
	} else {
		for (size_t i = 0; i < cat->board_count; i++) {
			const struct rs_board *b = &cat->boards[i];
			printf("%-28s %-22s %-12s %-9s %-12s %s\n", b->id, b->name, b->manufacturer,
			       rs_board_kind_name(b->kind), b->mcu,
			       rs_flash_method_name(b->flash_method));
		}
		/* Rejected files go to stderr so the list stays machine-readable. */
		rs_app_report_rejected(cat);
	}
	return RS_EXIT_OK;
}
