/* Keeping the image an install replaces (see fw_previous.h). */
#include "platform/fw_previous.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/sha256.h"
#include "core/sidecar.h"
#include "core/xalloc.h"
#include "platform/fsutil.h"
#include "platform/paths.h"

#define IMAGE_MAX (16u * 1024 * 1024)
#define RECORD_MAX (64u * 1024)

bool rs_fw_previous_keep(const char *dir, const char *board_id, const char *new_sha256)
{
	char *cur = rs_xasprintf("%s/firmware-%s.bin", dir, board_id);
	char *cur_rec = rs_xasprintf("%s%s", cur, RS_SIDECAR_SUFFIX);
	char *name = rs_xasprintf("firmware-%s" RS_FW_PREVIOUS_INFIX ".bin", board_id);
	char *rec_name = rs_xasprintf("%s%s", name, RS_SIDECAR_SUFFIX);
	char *rec_path = rs_xasprintf("%s/%s", dir, rec_name);
	unsigned char *img = NULL, *rec = NULL;
	size_t len = 0, rec_len = 0;
	char *timg = NULL, *trec = NULL;
	bool ok = false;
	int e = 0;

	if (!rs_fs_read_file(cur, IMAGE_MAX, &img, &len)) {
		e = errno;
		ok = e == ENOENT; /* a first install has nothing to keep */
		goto out;
	}
	char sha[RS_SHA256_HEX_LEN];
	rs_sha256_hex(img, len, sha);
	if (len == 0 || (new_sha256 && strcmp(sha, new_sha256) == 0)) {
		ok = true; /* the same image again: the older previous stays */
		goto out;
	}
	bool have_rec = rs_fs_read_file(cur_rec, RECORD_MAX, &rec, &rec_len);
	if (!have_rec && errno != ENOENT) {
		e = errno;
		goto out;
	}
	if (!(timg = rs_fs_write_temp(dir, name, img, len)) ||
	    (have_rec && !(trec = rs_fs_write_temp(dir, rec_name, rec, rec_len)))) {
		e = errno;
		goto out;
	}
	/* The old record goes first: a record must never describe another image. */
	if (unlink(rec_path) != 0 && errno != ENOENT) {
		e = errno;
		goto out;
	}
	if (!rs_fs_commit(timg, dir, name)) {
		e = errno;
		goto out;
	}
	free(timg);
	timg = NULL;
	if (trec && !rs_fs_commit(trec, dir, rec_name)) {
		e = errno;
		free(trec);
		trec = NULL;
		goto out;
	}
	ok = true;
out:
	if (timg)
		unlink(timg);
	if (trec)
		unlink(trec);
	free(timg);
	free(trec);
	free(img);
	free(rec);
	free(cur);
	free(cur_rec);
	free(name);
	free(rec_name);
	free(rec_path);
	errno = e;
	return ok;
}

bool rs_fw_previous_find(const char *dir, const char *board_id, struct rs_fw_previous *out)
{
	memset(out, 0, sizeof(*out));
	char *fwdir = dir ? rs_xstrdup(dir) : rs_path_firmware_dir();
	out->image = rs_xasprintf("%s/firmware-%s" RS_FW_PREVIOUS_INFIX ".bin", fwdir, board_id);
	free(fwdir);
	if (access(out->image, F_OK) != 0) {
		rs_fw_previous_free(out);
		return false;
	}
	char *rec = rs_xasprintf("%s%s", out->image, RS_SIDECAR_SUFFIX);
	if (access(rec, F_OK) == 0)
		out->record = rec;
	else
		free(rec);
	return true;
}

void rs_fw_previous_free(struct rs_fw_previous *p)
{
	free(p->image);
	free(p->record);
	p->image = p->record = NULL;
}
