/* ratos-setup fwinfo FILE: what a klipper.bin says about itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/commands.h"
#include "core/fwinfo.h"
#include "core/json_out.h"

static void print_json(const char *path, const struct rs_fwinfo *fw)
{
	struct rs_json j;
	rs_json_init(&j, stdout);
	rs_json_object_begin(&j);
	rs_json_kv_string(&j, "file", path);
	rs_json_kv_uint(&j, "size", fw->size);
	rs_json_kv_string(&j, "version", fw->version);
	rs_json_kv_string(&j, "mcu", fw->mcu);
	rs_json_kv_string(&j, "build_versions", fw->build_versions);
	rs_json_key(&j, "config");
	rs_json_object_begin(&j);
	for (size_t i = 0; i < fw->config.count; i++) {
		const char *kv = fw->config.items[i];
		const char *eq = strchr(kv, '=');
		char *key = strndup(kv, (size_t)(eq - kv));
		rs_json_kv_string(&j, key, eq + 1);
		free(key);
	}
	rs_json_object_end(&j);
	rs_json_object_end(&j);
	rs_json_finish(&j);
}

int rs_cmd_fwinfo(struct rs_app *app, int argc, char **argv)
{
	(void)app;
	const char *path = NULL;
	bool json = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			puts("Usage: ratos-setup fwinfo FILE [--json]\n"
			     "Prints the Klipper version, MCU and build settings stored in a firmware\n"
			     "image (klipper.bin or an installed firmware-<board>.bin).");
			return RS_EXIT_OK;
		} else if (argv[i][0] == '-' || path) {
			fprintf(stderr, "ratos-setup fwinfo: unexpected '%s'\n"
					"Usage: ratos-setup fwinfo FILE [--json]\n",
				argv[i]);
			return RS_EXIT_USAGE;
		} else {
			path = argv[i];
		}
	}
	if (!path) {
		fputs("Usage: ratos-setup fwinfo FILE [--json]\n", stderr);
		return RS_EXIT_USAGE;
	}
	struct rs_fwinfo fw;
	struct rs_errors errs = { 0 };
	if (!rs_fwinfo_read_file(path, &fw, &errs)) {
		char buf[1024];
		for (size_t i = 0; i < errs.count; i++)
			fprintf(stderr, "ratos-setup: %s\n",
				rs_error_format(&errs.items[i], buf, sizeof(buf)));
		rs_errors_clear(&errs);
		return RS_EXIT_FAIL;
	}
	if (json) {
		print_json(path, &fw);
	} else {
		printf("File:     %s\nSize:     %zu bytes\nVersion:  %s\nMCU:      %s\n", path,
		       fw.size, fw.version, fw.mcu);
		if (fw.build_versions)
			printf("Built by: %s\n", fw.build_versions);
		if (fw.config.count)
			puts("Config:");
		for (size_t i = 0; i < fw.config.count; i++)
			printf("  %s\n", fw.config.items[i]);
	}
	rs_fwinfo_free(&fw);
	return RS_EXIT_OK;
}
