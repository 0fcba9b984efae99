#include "app/fw_gate.h"

#include <stdio.h>
#include <stdlib.h>

#include "app/commands.h"
#include "core/json_out.h"
#include "platform/fw_status.h"
#include "platform/klipper_tree.h"
#include "platform/paths.h"

#define ALLOW_FLAG "--allow-stale-firmware"

static void refuse_json(const struct rs_fw_status *s, const char *rebuild, bool previous)
{
	struct rs_json j;
	rs_json_init(&j, stdout);
	rs_json_object_begin(&j);
	rs_json_kv_bool(&j, "ok", false);
	rs_json_kv_string(&j, "error", "stale-firmware");
	rs_json_kv_string(&j, "verdict", rs_fw_verdict_name(s->cur.verdict));
	rs_json_kv_string(&j, "firmware", s->firmware_path);
	rs_json_kv_string(&j, "firmware_version", s->image_version);
	rs_json_kv_string(&j, "klipper_version", s->tree_version);
	rs_json_kv_string(&j, "reason", s->reason);
	rs_json_kv_string(&j, "rebuild", rebuild);
	rs_json_kv_bool(&j, "previous", previous);
	rs_json_object_end(&j);
	rs_json_finish(&j);
}

int rs_fw_gate(const char *cmd, const struct rs_board *b, const char *fw, const char *klipper_dir,
	       bool allow_stale, bool previous, bool json)
{
	struct rs_klipper_tree tree;
	bool found = rs_klipper_tree_find(klipper_dir, &tree);
	struct rs_fw_status s;
	rs_fw_status_read(b, fw, found ? tree.version : NULL, &s);
	int rc = -1;
	char *pretty = rs_path_pretty(s.firmware_path);
	if (s.cur.verdict == RS_FWCUR_NO_TREE && s.image_version) {
		char *where = klipper_dir ? NULL : rs_path_klipper_dir();
		if (!found)
			fprintf(stderr, "ratos-setup: warning: no Klipper tree at %s, so %s (%s) "
					"cannot be compared with the Klipper that will talk to the "
					"board; pass --klipper DIR to check it.\n",
				klipper_dir ? klipper_dir : where, pretty, s.image_version);
		else
			fprintf(stderr, "ratos-setup: warning: %s.\n", s.reason);
		free(where);
	} else if (rs_fw_current_blocks(s.cur.verdict) && s.cur.verdict != RS_FWCUR_NO_FIRMWARE &&
		   s.cur.verdict != RS_FWCUR_UNREADABLE) {
		/* Missing and unreadable files are the writer's own refusals. */
		char *rebuild = rs_fw_status_rebuild_command(b, klipper_dir);
		if (allow_stale) {
			fprintf(stderr, "ratos-setup: warning: %s is stale (%s); writing it anyway "
					"because of " ALLOW_FLAG ".\n", pretty, s.reason);
		} else if (json) {
			refuse_json(&s, rebuild, previous);
			rc = RS_EXIT_FAIL;
		} else if (previous) {
			/* Rebuilding would replace the current image, not this one: the
			 * previous firmware fits only a tree rolled back to it. */
			fprintf(stderr, "ratos-setup %s: the previous firmware %s does not match the "
					"Klipper tree: %s. Nothing was written: the board would stop "
					"with \"MCU Protocol error\".\n"
					"It is for a Klipper rolled back to %s; roll the tree back first, "
					"or write the current firmware (without --previous).\n"
					"(" ALLOW_FLAG " writes it anyway)\n",
				cmd, pretty, s.reason, s.image_version ? s.image_version : "its version");
			rc = RS_EXIT_FAIL;
		} else {
			fprintf(stderr, "ratos-setup %s: %s is stale: %s. Nothing was written: "
					"the board would stop with \"MCU Protocol error\".\n"
					"Rebuild it first:\n  %s\n"
					"(" ALLOW_FLAG " writes it anyway)\n",
				cmd, pretty, s.reason, rebuild);
			rc = RS_EXIT_FAIL;
		}
		free(rebuild);
	}
	free(pretty);
	rs_fw_status_free(&s);
	if (found)
		rs_klipper_tree_free(&tree);
	return rc;
}
