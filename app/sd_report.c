/* Output of `ratos-setup sdcard write|check|format`. */
#include "app/sd_report.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/json_out.h"
#include "core/text_safe.h"
#include "core/xalloc.h"

static void print_errors(const struct rs_errors *errs)
{
	char line[1024];
	for (size_t i = 0; i < errs->count; i++)
		fprintf(stderr, "ratos-setup: %s\n", rs_error_format(&errs->items[i], line, sizeof(line)));
}

static void json_errors(struct rs_json *j, const struct rs_errors *errs)
{
	char line[1024];
	rs_json_key(j, "messages");
	rs_json_array_begin(j);
	for (size_t i = 0; i < errs->count; i++)
		rs_json_string(j, rs_error_format(&errs->items[i], line, sizeof(line)));
	rs_json_array_end(j);
}

static void json_strings(struct rs_json *j, const char *key, const char *const *items, size_t n)
{
	rs_json_key(j, key);
	rs_json_array_begin(j);
	for (size_t i = 0; i < n; i++)
		rs_json_string(j, items[i]);
	rs_json_array_end(j);
}

int rs_sd_report_fail(bool json, enum rs_sd_status st, const struct rs_errors *errs, int rc)
{
	if (!json) {
		print_errors(errs);
		return rc;
	}
	struct rs_json j;
	rs_json_init(&j, stdout);
	rs_json_object_begin(&j);
	rs_json_kv_bool(&j, "ok", false);
	rs_json_kv_string(&j, "error", rs_sd_status_name(st));
	json_errors(&j, errs);
	rs_json_object_end(&j);
	rs_json_finish(&j);
	return rc;
}

void rs_sd_report_progress(void *ud, enum rs_sd_step step, const char *detail)
{
	(void)ud;
	/* detail can be a file name found on the card. */
	char *shown = rs_text_safe(detail);
	detail = shown;
	switch (step) {
	case RS_SD_STEP_REMOVE: printf("  removing old %s\n", detail); break;
	case RS_SD_STEP_COPY: printf("  copying to %s\n", detail); break;
	case RS_SD_STEP_RENAME: printf("  renaming to %s\n", detail); break;
	case RS_SD_STEP_VERIFY: printf("  reading %s back (SHA-256)\n", detail); break;
	case RS_SD_STEP_DONE: break;
	}
	free(shown);
	fflush(stdout);
}

/* The board's steps after a successful write. */
static void steps(const struct rs_board *b, const struct rs_sdcard *c, struct rs_strv *out)
{
	char *check = rs_xasprintf("Run: ratos-setup sdcard check --board %s --device %s", b->id,
				   c->path);
	rs_sd_after_write_steps(b, c->mountpoint, check, out);
	free(check);
}

void rs_sd_report_written(bool json, const struct rs_board *b, const struct rs_sdcard *c,
			  const char *fw, const struct rs_fwinfo *info,
			  const struct rs_sd_write_result *res, bool large)
{
	char hex[RS_SHA256_HEX_LEN];
	rs_sha256_to_hex(res->sha256, hex);
	struct rs_strv st = { 0 };
	steps(b, c, &st);
	if (json) {
		struct rs_json j;
		rs_json_init(&j, stdout);
		rs_json_object_begin(&j);
		rs_json_kv_bool(&j, "ok", true);
		rs_json_kv_string(&j, "board", b->id);
		rs_json_kv_string(&j, "device", c->path);
		rs_json_kv_uint(&j, "offset", c->offset);
		rs_json_kv_string(&j, "filesystem", rs_fs_kind_name(c->fs.kind));
		rs_json_kv_string(&j, "label", c->fs.label);
		rs_json_kv_bool(&j, "via_mount", res->via_mount);
		rs_json_kv_bool(&j, "large_card", large);
		rs_json_kv_string(&j, "firmware", fw);
		rs_json_kv_string(&j, "firmware_version", info->version);
		rs_json_kv_string(&j, "mcu", info->mcu);
		rs_json_kv_string(&j, "file", res->final_name);
		rs_json_kv_uint(&j, "bytes", res->bytes);
		rs_json_kv_string(&j, "sha256", hex);
		rs_json_kv_bool(&j, "verified", res->verified);
		json_strings(&j, "removed", (const char *const *)res->removed.items,
			     res->removed.count);
		json_strings(&j, "steps", (const char *const *)st.items, st.count);
		rs_json_object_end(&j);
		rs_json_finish(&j);
	} else {
		printf("Wrote %s (%llu bytes, %s) to %s and read it back: identical (SHA-256 %s).\n",
		       res->final_name, (unsigned long long)res->bytes,
		       info->version ? info->version : "unknown version", c->path, hex);
		printf("\nNext steps:\n");
		for (size_t i = 0; i < st.count; i++)
			printf("  %zu. %s\n", i + 1, st.items[i]);
	}
	rs_strv_free(&st);
}

void rs_sd_report_checked(bool json, const struct rs_board *b, const struct rs_sdcard *c,
			  const char *fw, const struct rs_sdcheck_result *res)
{
	if (json) {
		struct rs_json j;
		rs_json_init(&j, stdout);
		rs_json_object_begin(&j);
		rs_json_kv_bool(&j, "ok", true);
		rs_json_kv_string(&j, "board", b->id);
		rs_json_kv_string(&j, "device", c->path);
		rs_json_kv_string(&j, "state", rs_sdcheck_state_name(res->state));
		rs_json_kv_bool(&j, "flashed", res->flashed);
		rs_json_kv_bool(&j, "compared", res->compared);
		rs_json_kv_string(&j, "summary", res->summary);
		json_strings(&j, "causes", res->causes, res->cause_count);
		rs_json_object_end(&j);
		rs_json_finish(&j);
		return;
	}
	printf("%s: %s.\n", c->path, res->summary);
	if (res->flashed && !res->compared)
		printf("(The firmware it was built from, %s, was not there to compare with.)\n", fw);
	if (res->cause_count) {
		printf("Likely causes:\n");
		for (unsigned i = 0; i < res->cause_count; i++)
			printf("  - %s\n", res->causes[i]);
	}
}
