#include "platform/fw_status.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/fw_image.h"
#include "core/fwinfo.h"
#include "core/sha256.h"
#include "core/xalloc.h"
#include "platform/fsutil.h"
#include "platform/paths.h"

#define FW_IMAGE_MAX (16u * 1024 * 1024)

void rs_fw_status_read(const struct rs_board *b, const char *firmware, const char *tree_version,
		       struct rs_fw_status *out)
{
	memset(out, 0, sizeof(*out));
	if (firmware) {
		out->firmware_path = rs_xstrdup(firmware);
	} else {
		char *dir = rs_path_firmware_dir();
		out->firmware_path =
			rs_xasprintf("%s/firmware-%s.%s", dir, b->id, rs_fw_image_ext(b->mcu));
		free(dir);
	}
	if (tree_version)
		out->tree_version = rs_xstrdup(tree_version);

	unsigned char *img = NULL;
	size_t len = 0;
	struct rs_fwinfo info = { 0 };
	struct rs_errors errs = { 0 };
	struct rs_sidecar rec = { 0 };
	bool have_rec = false;
	char img_sha[RS_SHA256_HEX_LEN] = "", frag_sha[RS_SHA256_HEX_LEN];
	/* A file too large to read is still "there"; it just has no version. */
	bool present = rs_fs_read_file(out->firmware_path, FW_IMAGE_MAX, &img, &len) ||
		       errno == EFBIG;
	if (img && len) {
		rs_sha256_hex(img, len, img_sha);
		if (rs_fwinfo_parse(out->firmware_path, img, len, &info, &errs)) {
			out->image_version = rs_xstrdup(info.version);
			out->image_mcu = rs_xstrdup(info.mcu);
		}
		char *meta = rs_xasprintf("%s%s", out->firmware_path, RS_SIDECAR_SUFFIX);
		rs_errors_clear(&errs);
		have_rec = rs_sidecar_load_file(meta, &rec, &errs);
		free(meta);
		if (have_rec && rec.built_at)
			out->built_at = rs_xstrdup(rec.built_at);
	}
	rs_fw_fragment_sha256(b, frag_sha);
	struct rs_fw_facts f = {
		.image_present = present && len > 0,
		.image_version = out->image_version,
		.image_sha256 = img_sha,
		.record = have_rec ? &rec : NULL,
		.tree_version = out->tree_version,
		.board_id = b->id,
		.fragment_sha256 = frag_sha,
	};
	rs_fw_current_judge(&f, &out->cur);
	rs_fw_current_reason(&f, &out->cur, out->reason, sizeof(out->reason));
	if (have_rec)
		rs_sidecar_free(&rec);
	rs_fwinfo_free(&info);
	rs_errors_clear(&errs);
	free(img);
}

char *rs_fw_status_rebuild_command(const struct rs_board *b, const char *klipper_dir)
{
	if (!klipper_dir)
		return rs_xasprintf("ratos-setup build %s", b->id);
	return rs_xasprintf("ratos-setup build %s --klipper %s", b->id, klipper_dir);
}

void rs_fw_status_free(struct rs_fw_status *s)
{
	free(s->firmware_path);
	free(s->image_version);
	free(s->image_mcu);
	free(s->tree_version);
	free(s->built_at);
	memset(s, 0, sizeof(*s));
}
