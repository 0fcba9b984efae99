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

#define IMAGE_MAX (32u * 1024 * 1024)
#define RECORD_MAX (64u * 1024)

struct kept {
	char *name; /* in dir */
	unsigned char *data;
	size_t len;
	char *tmp;
};

/* The installed UF2 when the record describes it (its sha256), with the
 * record rewritten to name the kept copy. Nothing kept otherwise: a UF2 of
 * another build must not pass for this image's. */
static void keep_uf2(const char *dir, const char *board_id, struct kept *rec, struct kept *uf2)
{
	struct rs_sidecar sc;
	struct rs_errors errs = { 0 };
	if (!rec->data || !rs_sidecar_parse(rec->name, (const char *)rec->data, rec->len, &sc, &errs)) {
		rs_errors_clear(&errs);
		return;
	}
	char *cur = rs_xasprintf("%s/firmware-%s.uf2", dir, board_id);
	char sha[RS_SHA256_HEX_LEN];
	if (sc.uf2 && sc.uf2_sha256 && rs_fs_read_file(cur, IMAGE_MAX, &uf2->data, &uf2->len)) {
		rs_sha256_hex(uf2->data, uf2->len, sha);
		if (strcmp(sha, sc.uf2_sha256) == 0) {
			uf2->name = rs_xasprintf("firmware-%s" RS_FW_PREVIOUS_INFIX ".uf2", board_id);
			free(sc.uf2);
			sc.uf2 = rs_xstrdup(uf2->name);
			free(rec->data);
			rec->data = (unsigned char *)rs_sidecar_format(&sc);
			rec->len = strlen((char *)rec->data);
		} else {
			free(uf2->data);
			uf2->data = NULL;
		}
	}
	free(cur);
	rs_sidecar_free(&sc);
}

bool rs_fw_previous_keep(const char *dir, const char *board_id, const char *ext,
			 const char *new_sha256)
{
	char *cur = rs_xasprintf("%s/firmware-%s.%s", dir, board_id, ext);
	char *cur_rec = rs_xasprintf("%s%s", cur, RS_SIDECAR_SUFFIX);
	char *prev_uf2 = rs_xasprintf("%s/firmware-%s" RS_FW_PREVIOUS_INFIX ".uf2", dir, board_id);
	struct kept k[3] = { { 0 } }; /* image, UF2, record: the record goes last */
	struct kept *img = &k[0], *uf2 = &k[1], *rec = &k[2];
	img->name = rs_xasprintf("firmware-%s" RS_FW_PREVIOUS_INFIX ".%s", board_id, ext);
	rec->name = rs_xasprintf("%s%s", img->name, RS_SIDECAR_SUFFIX);
	char *rec_path = rs_xasprintf("%s/%s", dir, rec->name);
	bool ok = false;
	int e = 0;

	if (!rs_fs_read_file(cur, IMAGE_MAX, &img->data, &img->len)) {
		e = errno;
		ok = e == ENOENT; /* a first install has nothing to keep */
		goto out;
	}
	char sha[RS_SHA256_HEX_LEN];
	rs_sha256_hex(img->data, img->len, sha);
	if (img->len == 0 || (new_sha256 && strcmp(sha, new_sha256) == 0)) {
		ok = true; /* the same image again: the older previous stays */
		goto out;
	}
	if (!rs_fs_read_file(cur_rec, RECORD_MAX, &rec->data, &rec->len) && errno != ENOENT) {
		e = errno;
		goto out;
	}
	keep_uf2(dir, board_id, rec, uf2);
	for (size_t i = 0; i < 3; i++)
		if (k[i].data && !(k[i].tmp = rs_fs_write_temp(dir, k[i].name, k[i].data, k[i].len))) {
			e = errno;
			goto out;
		}
	/* The old record goes first: a record must never describe another
	 * image; the old UF2 with it, it belongs to the image going away. */
	if ((unlink(rec_path) != 0 && errno != ENOENT) ||
	    (unlink(prev_uf2) != 0 && errno != ENOENT)) {
		e = errno;
		goto out;
	}
	for (size_t i = 0; i < 3; i++) {
		if (!k[i].tmp)
			continue;
		bool done = rs_fs_commit(k[i].tmp, dir, k[i].name);
		e = errno;
		free(k[i].tmp);
		k[i].tmp = NULL;
		if (!done)
			goto out;
	}
	ok = true;
	e = 0;
out:
	for (size_t i = 0; i < 3; i++) {
		if (k[i].tmp)
			unlink(k[i].tmp);
		free(k[i].tmp);
		free(k[i].data);
		free(k[i].name);
	}
	free(cur);
	free(cur_rec);
	free(prev_uf2);
	free(rec_path);
	errno = e;
	return ok;
}

bool rs_fw_previous_find(const char *dir, const char *board_id, const char *ext,
			 struct rs_fw_previous *out)
{
	memset(out, 0, sizeof(*out));
	char *fwdir = dir ? rs_xstrdup(dir) : rs_path_firmware_dir();
	out->image = rs_xasprintf("%s/firmware-%s" RS_FW_PREVIOUS_INFIX ".%s", fwdir, board_id, ext);
	char *uf2 = rs_xasprintf("%s/firmware-%s" RS_FW_PREVIOUS_INFIX ".uf2", fwdir, board_id);
	free(fwdir);
	if (access(out->image, F_OK) != 0) {
		free(uf2);
		rs_fw_previous_free(out);
		return false;
	}
	char *rec = rs_xasprintf("%s%s", out->image, RS_SIDECAR_SUFFIX);
	if (access(rec, F_OK) == 0)
		out->record = rec;
	else
		free(rec);
	if (access(uf2, F_OK) == 0)
		out->uf2 = uf2;
	else
		free(uf2);
	return true;
}

void rs_fw_previous_free(struct rs_fw_previous *p)
{
	free(p->image);
	free(p->record);
	free(p->uf2);
	p->image = p->record = p->uf2 = NULL;
}
