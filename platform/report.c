/* Putting a help report together (see report.h): collect, redact, archive,
 * write. */
#include "platform/report.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/redact.h"
#include "core/sidecar.h"
#include "core/targz.h"
#include "core/xalloc.h"
#include "platform/doctor.h"
#include "platform/doctor_files.h"
#include "platform/fsutil.h"
#include "core/fw_image.h"
#include "platform/fw_previous.h"
#include "platform/klipper_tree.h"
#include "platform/log.h"
#include "platform/paths.h"
#include "platform/report_collect.h"
#include "platform/state_file.h"

#define DIR_NAME "ratos-setup-report/"
#define KLIPPY_TAIL (1024u * 1024)
#define OWN_LOG_TAIL (256u * 1024)
#define BUILD_LOG_TAIL (256u * 1024)
#define BUILD_LOGS_MAX 8
#define RUN_MAX (256u * 1024)
#define BOARD_FILE_MAX (256u * 1024)
#define RECORD_MAX (64u * 1024)

struct member {
	char *name;
	struct rs_report_blob blob;
};

struct report {
	struct member items[64];
	size_t count;
	char *notes; /* what could not be read, for README.txt */
};

static void add(struct report *r, char *name, struct rs_report_blob *b)
{
	if (r->count == sizeof(r->items) / sizeof(r->items[0])) {
		free(name);
		rs_report_blob_free(b);
		return;
	}
	r->items[r->count].name = name;
	r->items[r->count++].blob = *b;
	memset(b, 0, sizeof(*b));
}

static void note(struct report *r, const char *fmt, const char *a, const char *b)
{
	char *line = rs_xasprintf(fmt, a, b);
	char *all = rs_xasprintf("%s  %s\n", r->notes ? r->notes : "", line);
	free(line);
	free(r->notes);
	r->notes = all;
}

static void add_text(struct report *r, const char *name, char *text)
{
	struct rs_report_blob b = { .data = text, .len = strlen(text) };
	add(r, rs_xstrdup(name), &b);
}

static void add_tail(struct report *r, const char *name, const char *path, size_t max)
{
	struct rs_report_blob b;
	if (rs_report_tail(path, max, &b))
		add(r, rs_xstrdup(name), &b);
	else
		note(r, "%s: cannot read it: %s", path, strerror(errno));
}

static void add_run(struct report *r, const char *name, const struct rs_report_opts *o,
		    const char *const args[])
{
	struct rs_report_blob b;
	if (rs_report_run_self(o->boards_dir, args, RUN_MAX, &b))
		add(r, rs_xstrdup(name), &b);
	else
		note(r, "%s: cannot run ratos-setup: %s", args[0], strerror(errno));
}

static void add_versions(struct report *r, const struct rs_report_opts *o,
			 const struct rs_doctor_report *d)
{
	struct rs_klipper_tree tree;
	bool found = rs_klipper_tree_find(o->klipper_dir, &tree);
	char *where = found ? NULL : o->klipper_dir ? rs_xstrdup(o->klipper_dir)
						 : rs_path_klipper_dir();
	char *text = rs_xasprintf("ratos-setup   %s\n"
				  "Klipper tree  %s  %s\n"
				  "Klipper host  %s (the last start in klippy.log)\n",
				  o->version ? o->version : "unknown",
				  found ? tree.path : where,
				  found ? (tree.version ? tree.version : "version unknown")
					: "(no Klipper tree there)",
				  d->host_version[0] ? d->host_version : "unknown");
	for (size_t i = 0; i < d->count; i++) {
		const struct rs_doctor_entry *e = &d->entries[i];
		char *more = rs_xasprintf("%sMCU '%s'  firmware %s%s%s, board %s\n", text, e->name,
					  e->mcu_version[0] ? e->mcu_version : "unknown",
					  e->chip[0] ? ", " : "", e->chip,
					  e->board ? e->board->id : "unknown");
		free(text);
		text = more;
	}
	add_text(r, DIR_NAME "versions.txt", text);
	free(where);
	if (found)
		rs_klipper_tree_free(&tree);
}

/* The configured boards: the MCUs' in printer.cfg, and the wizard's. */
static size_t configured(const struct rs_report_opts *o, const struct rs_doctor_report *d,
			 const struct rs_board **out, size_t max)
{
	size_t n = 0;
	const struct rs_board *saved = o->saved_board ? rs_catalog_find(o->cat, o->saved_board) : NULL;
	for (size_t i = 0; i <= d->count && n < max; i++) {
		const struct rs_board *b = i < d->count ? d->entries[i].board : saved;
		bool seen = !b;
		for (size_t k = 0; k < n && !seen; k++)
			seen = out[k] == b;
		if (!seen)
			out[n++] = b;
	}
	return n;
}

static void add_board_files(struct report *r, const struct rs_board *const *boards, size_t n)
{
	char *fwdir = rs_path_firmware_dir();
	for (size_t i = 0; i < n; i++) {
		const struct rs_board *b = boards[i];
		struct rs_report_blob blob;
		if (b->source_file && rs_report_tail(b->source_file, BOARD_FILE_MAX, &blob))
			add(r, rs_xasprintf(DIR_NAME "boards/%s.yaml", b->id), &blob);
		static const char *const kinds[] = { "", RS_FW_PREVIOUS_INFIX };
		for (size_t k = 0; k < 2; k++) {
			const char *ext = rs_fw_image_ext(b->mcu);
			char *rec = rs_xasprintf("%s/firmware-%s%s.%s" RS_SIDECAR_SUFFIX, fwdir, b->id,
						 kinds[k], ext);
			if (rs_report_tail(rec, RECORD_MAX, &blob))
				add(r, rs_xasprintf(DIR_NAME "firmware/firmware-%s%s.%s" RS_SIDECAR_SUFFIX,
						    b->id, kinds[k], ext),
				    &blob);
			free(rec);
		}
	}
	free(fwdir);
}

static void add_build_logs(struct report *r)
{
	char *ids[BUILD_LOGS_MAX];
	size_t n = rs_report_build_logs(ids, BUILD_LOGS_MAX);
	char *cache = rs_path_cache_dir();
	for (size_t i = 0; i < n; i++) {
		char *path = rs_xasprintf("%s/%s/build.log", cache, ids[i]);
		char *name = rs_xasprintf(DIR_NAME "build/%s.build.log", ids[i]);
		if (strlen(name) <= RS_TAR_NAME_MAX)
			add_tail(r, name, path, BUILD_LOG_TAIL);
		free(name);
		free(path);
		free(ids[i]);
	}
	free(cache);
}

static void collect(const struct rs_report_opts *o, struct report *r, struct rs_doctor_report *d)
{
	const char *doctor[12] = { "doctor" };
	size_t k = 1;
	if (o->klipper_dir)
		doctor[k++] = "--klipper", doctor[k++] = o->klipper_dir;
	if (o->klippy_log)
		doctor[k++] = "--log", doctor[k++] = o->klippy_log;
	if (o->config)
		doctor[k++] = "--config", doctor[k++] = o->config;
	add_run(r, DIR_NAME "doctor.txt", o, doctor);
	add_run(r, DIR_NAME "devices.txt", o, (const char *const[]){ "devices", "--all", NULL });
	add_versions(r, o, d);

	const struct rs_board *boards[RS_DOCTOR_MAX_MCUS + 1];
	size_t n = configured(o, d, boards, RS_DOCTOR_MAX_MCUS + 1);
	add_board_files(r, boards, n);
	add_build_logs(r);

	char *klog = o->klippy_log ? rs_xstrdup(o->klippy_log) : rs_doctor_default_log();
	add_tail(r, DIR_NAME "klippy.log", klog, KLIPPY_TAIL);
	free(klog);
	char *own = rs_log_path() ? rs_xstrdup(rs_log_path()) : rs_log_default_path();
	add_tail(r, DIR_NAME "ratos-setup.log", own, OWN_LOG_TAIL);
	free(own);
	char *state = rs_state_file_path();
	if (access(state, F_OK) == 0)
		add_tail(r, DIR_NAME "wizard-state", state, RECORD_MAX);
	else
		note(r, "%s: none saved%s", state, "");
	free(state);
}

static char *readme(const struct report *r)
{
	char *list = rs_xstrdup("");
	for (size_t i = 0; i < r->count; i++) {
		char *more = rs_xasprintf("%s  %s\n", list, r->items[i].name + strlen(DIR_NAME));
		free(list);
		list = more;
	}
	char *text = rs_xasprintf(
		"A ratos-setup report, for asking for help with a RatOS printer's firmware.\n\n"
		"Inside:\n%s  README.txt\n\n"
		"Left out or masked in every file: the home directory (shown as ~), serial\n"
		"numbers of devices that are not the configured boards' (" RS_REDACT_SERIAL "),\n"
		"every line that may hold a password, Wi-Fi key, token or other secret\n"
		"(" RS_REDACT_REMOVED_LINE "), IPv4 addresses other than loopback\n"
		"(<ip>) and MAC addresses (<mac>). printer.cfg itself is not included;\n"
		"klippy.log holds the config Klipper started with, redacted the same way.\n"
		"%s%s",
		list, r->notes ? "\nNot included:\n" : "", r->notes ? r->notes : "");
	free(list);
	return text;
}

/* dir/name, complete or absent; an existing file is replaced only with
 * force (link(2) fails on an existing name, so no race can overwrite). */
static enum rs_report_status write_file(const char *dir, const char *name, const void *data,
					size_t len, bool force, int *err)
{
	char *tmp = rs_fs_write_temp(dir, name, data, len);
	if (!tmp) {
		*err = errno;
		return RS_REPORT_FAILED;
	}
	/* It is the user's own business whom to show it to. */
	chmod(tmp, 0600);
	enum rs_report_status st = RS_REPORT_OK;
	if (force) {
		if (!rs_fs_commit(tmp, dir, name))
			st = RS_REPORT_FAILED, *err = errno;
	} else {
		char *final = rs_xasprintf("%s/%s", dir, name);
		if (link(tmp, final) != 0)
			st = errno == EEXIST ? RS_REPORT_EXISTS : RS_REPORT_FAILED, *err = errno;
		unlink(tmp);
		free(final);
		int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	free(tmp);
	return st;
}

static bool cannot_write_here(int e)
{
	return e == EACCES || e == EPERM || e == EROFS;
}

/* Where it goes: --output as a file or a directory, else the current
 * directory, else home. The default name gets -2, -3... when taken. */
static enum rs_report_status place(const struct rs_report_opts *o, const void *gz, size_t len,
				   struct rs_report_result *res)
{
	struct stat st;
	bool into_dir = o->output && stat(o->output, &st) == 0 && S_ISDIR(st.st_mode);
	if (o->output && !into_dir) {
		char *a = rs_xstrdup(o->output), *b = rs_xstrdup(o->output);
		int e = 0;
		enum rs_report_status s = write_file(dirname(a), basename(b), gz, len, o->force, &e);
		res->path = rs_xstrdup(o->output);
		if (s == RS_REPORT_FAILED)
			res->why = rs_xasprintf("cannot write %s: %s", o->output, strerror(e));
		free(a);
		free(b);
		return s;
	}
	char *dirs[2] = { NULL, NULL };
	dirs[0] = into_dir ? rs_xstrdup(o->output) : getcwd(NULL, 0);
	dirs[1] = into_dir ? NULL : rs_path_home();
	char *base = rs_report_default_name();
	enum rs_report_status s = RS_REPORT_FAILED;
	int e = ENOENT;
	for (size_t d = 0; d < 2 && s == RS_REPORT_FAILED; d++) {
		if (!dirs[d])
			continue; /* getcwd fails when the directory was removed */
		for (int n = 1; n <= 9; n++) {
			char *name = n == 1 ? rs_xstrdup(base)
					    : rs_xasprintf("%.*s-%d.tar.gz",
							   (int)(strlen(base) - 7), base, n);
			s = write_file(dirs[d], name, gz, len, false, &e);
			if (s == RS_REPORT_OK)
				res->path = rs_xasprintf("%s/%s", dirs[d], name);
			free(name);
			if (s != RS_REPORT_EXISTS)
				break;
		}
		if (s == RS_REPORT_FAILED && !cannot_write_here(e) && e != ENOENT)
			break;
	}
	if (s != RS_REPORT_OK) {
		s = RS_REPORT_FAILED;
		res->why = rs_xasprintf("cannot write the report in %s%s%s: %s", dirs[0] ? dirs[0] : ".",
					dirs[1] ? " or " : "", dirs[1] ? dirs[1] : "", strerror(e));
	}
	free(dirs[0]);
	free(dirs[1]);
	free(base);
	return s;
}

char *rs_report_default_name(void)
{
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	return rs_xasprintf("ratos-setup-report-%s.tar.gz", stamp);
}

/* Whether a connected board is one the printer uses: its by-id link or
 * its device is what an [mcu] serial: names (through /dev/RatOS links too). */
static bool is_configured(const struct rs_hw_board *hb, const struct rs_doctor_report *d)
{
	for (size_t i = 0; i < d->count; i++) {
		const char *cfg = d->entries[i].serial;
		if (!cfg[0])
			continue;
		if (hb->by_id && strcmp(hb->by_id, cfg) == 0)
			return true;
		/* The same file once links are followed (stat, not realpath:
		 * umockdev's realpath, in the udev tests, corrupts memory). */
		struct stat a, b;
		if (hb->devnode && stat(cfg, &a) == 0 && stat(hb->devnode, &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			return true;
	}
	return false;
}

/* Kept: the configured boards' serials, and serials that are a board id
 * (RatOS-built firmware's: the same on every printer with that board, and
 * masking them would mask the board's name everywhere). Masked: every
 * other connected board's. */
static void rules_for(const struct rs_report_opts *o, const struct rs_doctor_report *d,
		      struct rs_redact_rules *rules, char (*keep)[256], const char **keep_p,
		      size_t keep_max, const char **mask_p, size_t mask_max)
{
	size_t k = 0;
	for (size_t i = 0; i < d->count && k < keep_max; i++)
		if (rs_redact_serial_of(d->entries[i].serial, keep[k], 256))
			k++;
	for (size_t i = 0; o->hw && i < o->hw->board_count; i++) {
		const struct rs_hw_board *hb = &o->hw->boards[i];
		if (!hb->serial)
			continue;
		bool kept = rs_catalog_find(o->cat, hb->serial) || is_configured(hb, d);
		if (kept && k < keep_max)
			snprintf(keep[k++], 256, "%s", hb->serial);
		else if (!kept && rules->mask_count < mask_max)
			mask_p[rules->mask_count++] = hb->serial;
	}
	for (size_t i = 0; i < k; i++)
		keep_p[i] = keep[i];
	rules->keep_count = k;
	rules->keep_serials = keep_p;
	rules->mask_serials = mask_p;
}

enum rs_report_status rs_report_make(const struct rs_report_opts *o, struct rs_report_result *res)
{
	memset(res, 0, sizeof(*res));
	struct rs_doctor_report *d = rs_xcalloc(1, sizeof(*d));
	struct rs_doctor_opts dopts = { .cat = o->cat, .klipper_dir = o->klipper_dir,
					.log_path = o->klippy_log, .config_path = o->config,
					.hw = o->hw, .saved_board = o->saved_board };
	rs_doctor_gather(&dopts, d);
	struct report r = { 0 };
	collect(o, &r, d);
	add_text(&r, DIR_NAME "README.txt", readme(&r));

	enum { KEEP_MAX = RS_DOCTOR_MAX_MCUS + 32, MASK_MAX = 64 };
	char(*keep)[256] = rs_xcalloc(KEEP_MAX, 256);
	const char *keep_p[KEEP_MAX], *mask_p[MASK_MAX];
	char *home = rs_path_home();
	struct rs_redact_rules rules = { .home = home };
	rules_for(o, d, &rules, keep, keep_p, KEEP_MAX, mask_p, MASK_MAX);

	struct rs_tar tar = { 0 };
	long long now = (long long)time(NULL);
	for (size_t k = 0; k < r.count; k++) {
		size_t i = (k + r.count - 1) % r.count; /* README.txt, added last, first */
		size_t n = 0;
		char *clean = rs_redact(&rules, r.items[i].blob.data, r.items[i].blob.len, &n);
		char *name = rs_redact(&rules, r.items[i].name, strlen(r.items[i].name), NULL);
		rs_tar_add(&tar, name, clean, n, now);
		free(name);
		free(clean);
	}
	rs_tar_finish(&tar);
	unsigned char *gz = NULL;
	size_t gzlen = 0;
	enum rs_report_status s = RS_REPORT_FAILED;
	if (!rs_gzip(tar.data, tar.len, &gz, &gzlen)) {
		res->why = rs_xstrdup("cannot compress the report (zlib failed)");
	} else {
		s = place(o, gz, gzlen, res);
		res->members = tar.members;
		res->bytes = gzlen;
	}
	free(gz);
	rs_tar_free(&tar);
	free(keep);
	free(home);
	for (size_t i = 0; i < r.count; i++) {
		free(r.items[i].name);
		rs_report_blob_free(&r.items[i].blob);
	}
	free(r.notes);
	rs_doctor_report_free(d);
	free(d);
	return s;
}

void rs_report_result_free(struct rs_report_result *r)
{
	free(r->path);
	free(r->why);
	r->path = r->why = NULL;
}
