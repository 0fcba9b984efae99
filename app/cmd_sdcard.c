/* ratos-setup sdcard write|check|format: firmware onto a card for boards
 * that flash from an SD card, and the proof afterwards that the board took it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/commands.h"
#include "core/hw.h"
#include "core/json_out.h"
#include "core/xalloc.h"
#include "platform/discovery.h"
#include "platform/paths.h"
#include "platform/sdcard.h"
#include "platform/sdformat.h"
#include "platform/sdwrite.h"

struct sd_opts {
	const char *board;
	const char *device;
	const char *file;
	const char *confirm; /* format: the device name typed back, for scripts */
	const char *mountinfo; /* mount table for finding the system disk (tests) */
	bool yes;
	bool json;
};

static void usage(FILE *out)
{
	fputs("usage: ratos-setup sdcard write --board ID [--device PATH] [--file FIRMWARE] "
	      "[--yes] [--json]\n"
	      "       ratos-setup sdcard check --board ID [--device PATH] [--file FIRMWARE] [--json]\n"
	      "       ratos-setup sdcard format --device PATH [--confirm PATH]\n"
	      "PATH is a partition (/dev/sda1), a whole card (/dev/sda) or an image file.\n"
	      "Without --device, write and check use the one card found in a card reader;\n"
	      "with none or several they say so and ask for --device.\n"
	      "check exits 0 when the board flashed the firmware, 1 when it did not,\n"
	      "2 on usage errors or an unreadable card.\n",
	      out);
}

static int parse(int argc, char **argv, struct sd_opts *o)
{
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = strcmp(a, "--board") == 0    ? &o->board
				    : strcmp(a, "--device") == 0 ? &o->device
				    : strcmp(a, "--file") == 0   ? &o->file
				    : strcmp(a, "--confirm") == 0 ? &o->confirm
				    : strcmp(a, "--mountinfo") == 0 ? &o->mountinfo
								  : NULL;
		if (slot) {
			if (i + 1 >= argc) {
				fprintf(stderr, "ratos-setup sdcard: %s needs a value\n", a);
				return RS_EXIT_USAGE;
			}
			*slot = argv[++i];
		} else if (strcmp(a, "--yes") == 0 || strcmp(a, "-y") == 0) {
			o->yes = true;
		} else if (strcmp(a, "--json") == 0) {
			o->json = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return -1;
		} else {
			fprintf(stderr, "ratos-setup sdcard: unknown argument '%s'\n", a);
			usage(stderr);
			return RS_EXIT_USAGE;
		}
	}
	return RS_EXIT_OK;
}

static void list_cards(const struct rs_hw_card *const *cards, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char size[32];
		const struct rs_hw_part *p = rs_hw_card_target_part(cards[i]);
		rs_sd_format_size(p && p->size ? p->size : cards[i]->size, size, sizeof(size));
		fprintf(stderr, "  %-12s %s %s, %s%s\n", rs_hw_card_target(cards[i]),
			cards[i]->vendor ? cards[i]->vendor : "", cards[i]->model ? cards[i]->model : "",
			size, cards[i]->refusal == RS_CARD_READ_ONLY ? ", write-protected" : "");
	}
}

/* The card to use: --device, else the one card discovery offers. A card is
 * never picked when there is a choice to make. check also takes a
 * write-protected card (it only reads). Caller frees. */
static char *choose_device(const struct sd_opts *o, bool reading)
{
	if (o->device)
		return rs_xstrdup(o->device);
	char *why = NULL, *dev = NULL;
	struct rs_discovery_config cfg = { .mountinfo_path = o->mountinfo };
	struct rs_discovery *d = rs_discovery_open(&cfg, &why);
	if (!d) {
		fprintf(stderr, "ratos-setup sdcard: cannot look for cards (%s); pass --device with "
				"the card's partition (e.g. --device /dev/sda1) or an image file\n",
			why ? why : "unknown error");
		free(why);
		return NULL;
	}
	const struct rs_hw_list *l = rs_discovery_list(d);
	const struct rs_hw_card **ok = rs_xcalloc(l->card_count + 1, sizeof(*ok));
	const struct rs_hw_card **ro = rs_xcalloc(l->card_count + 1, sizeof(*ro));
	size_t n_ok = 0, n_ro = 0;
	for (size_t i = 0; i < l->card_count; i++) {
		if (l->cards[i].refusal == RS_CARD_OK)
			ok[n_ok++] = &l->cards[i];
		else if (l->cards[i].refusal == RS_CARD_READ_ONLY)
			ro[n_ro++] = &l->cards[i];
	}
	if (reading)
		for (size_t i = 0; i < n_ro; i++)
			ok[n_ok++] = ro[i];
	if (n_ok == 1) {
		dev = rs_xstrdup(rs_hw_card_target(ok[0]));
		fprintf(stderr, "Using %s, the only SD card in a card reader.\n", dev);
	} else if (n_ok > 1) {
		fprintf(stderr, "ratos-setup sdcard: %zu SD cards found; pass --device with the one "
				"to use:\n", n_ok);
		list_cards(ok, n_ok);
	} else {
		fprintf(stderr, "ratos-setup sdcard: no SD card found in a card reader. Insert the "
				"card into a USB card reader on the Pi, or pass --device with the card's "
				"partition or an image file.\n");
		if (n_ro) {
			fprintf(stderr, "Write-protected (slide the lock switch away from LOCK):\n");
			list_cards(ro, n_ro);
		}
	}
	free(ok);
	free(ro);
	rs_discovery_close(d);
	return dev;
}

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

/* Failure: the messages on stderr, or one JSON document on stdout. */
static int fail(const struct sd_opts *o, enum rs_sd_status st, const struct rs_errors *errs, int rc)
{
	if (!o->json) {
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

/* A card that cannot be read is a usage error (2); the system disk is a
 * refusal (1). */
static int open_exit(enum rs_sd_status st)
{
	return st == RS_SD_SYSTEM_DISK ? RS_EXIT_FAIL : RS_EXIT_USAGE;
}

static char *default_firmware(const struct rs_board *b)
{
	char *dir = rs_path_firmware_dir();
	char *p = rs_xasprintf("%s/firmware-%s.bin", dir, b->id);
	free(dir);
	return p;
}

static bool ask_yes(const char *question)
{
	fprintf(stderr, "%s [y/N] ", question);
	fflush(stderr);
	char answer[32];
	if (!fgets(answer, sizeof(answer), stdin))
		return false;
	return answer[0] == 'y' || answer[0] == 'Y';
}

/* The board's steps after a successful write. */
static void steps(const struct rs_board *b, const struct rs_sdcard *c, struct rs_strv *out)
{
	char *check = rs_xasprintf("Run: ratos-setup sdcard check --board %s --device %s", b->id,
				   c->path);
	rs_sd_after_write_steps(b, c->mountpoint, check, out);
	free(check);
}

static void progress(void *ud, enum rs_sd_step step, const char *detail)
{
	(void)ud;
	switch (step) {
	case RS_SD_STEP_REMOVE: printf("  removing old %s\n", detail); break;
	case RS_SD_STEP_COPY: printf("  copying to %s\n", detail); break;
	case RS_SD_STEP_RENAME: printf("  renaming to %s\n", detail); break;
	case RS_SD_STEP_VERIFY: printf("  reading %s back (SHA-256)\n", detail); break;
	case RS_SD_STEP_DONE: break;
	}
	fflush(stdout);
}

static int print_written(const struct sd_opts *o, const struct rs_board *b,
			 const struct rs_sdcard *c, const char *fw, const struct rs_fwinfo *info,
			 const struct rs_sd_write_result *res, bool large)
{
	char hex[RS_SHA256_HEX_LEN];
	rs_sha256_to_hex(res->sha256, hex);
	struct rs_strv st = { 0 };
	steps(b, c, &st);
	if (o->json) {
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
		rs_json_key(&j, "removed");
		rs_json_array_begin(&j);
		for (size_t i = 0; i < res->removed.count; i++)
			rs_json_string(&j, res->removed.items[i]);
		rs_json_array_end(&j);
		rs_json_key(&j, "steps");
		rs_json_array_begin(&j);
		for (size_t i = 0; i < st.count; i++)
			rs_json_string(&j, st.items[i]);
		rs_json_array_end(&j);
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
	return RS_EXIT_OK;
}

static int cmd_write(struct rs_app *app, const struct sd_opts *o)
{
	struct rs_errors errs = { 0 };
	struct rs_sdcard card = { 0 };
	struct rs_fwinfo info = { 0 };
	struct rs_strv remove = { 0 };
	struct rs_sd_write_result res = { 0 };
	char *fw = NULL, *dev = NULL, *desc = NULL;
	enum rs_sd_status st;
	int rc = RS_EXIT_USAGE;

	const struct rs_board *b = rs_app_board(app, o->board);
	if (!b)
		goto out;
	if ((st = rs_sd_board_check(b, &errs)) != RS_SD_OK) {
		rc = fail(o, st, &errs, RS_EXIT_USAGE);
		goto out;
	}
	fw = o->file ? rs_xstrdup(o->file) : default_firmware(b);
	if ((st = rs_sd_firmware_check(b, fw, &info, &errs)) != RS_SD_OK) {
		rc = fail(o, st, &errs, RS_EXIT_FAIL);
		goto out;
	}
	if (!(dev = choose_device(o, false)))
		goto out;
	if ((st = rs_sdcard_open(dev, &card, &errs)) != RS_SD_OK) {
		rc = fail(o, st, &errs, open_exit(st));
		goto out;
	}
	if ((st = rs_sdcard_check_writable(&card, &errs)) != RS_SD_OK) {
		rc = fail(o, st, &errs, RS_EXIT_FAIL);
		goto out;
	}
	bool large = rs_sdcard_is_large(&card);
	if (large)
		fprintf(stderr, "ratos-setup: warning: this card is larger than 32 GB; many board "
				"bootloaders cannot read such cards. If the board does not take the "
				"firmware, use a card of 32 GB or less.\n");
	desc = rs_sdcard_describe(&card);
	if (!o->yes) {
		if (!isatty(STDIN_FILENO)) {
			fprintf(stderr, "ratos-setup: not writing without confirmation; pass --yes to "
					"write %s to %s (%s)\n", b->sd_file, dev, desc);
			goto out;
		}
		if ((st = rs_sd_plan(&card, b, &remove, &errs)) != RS_SD_OK) {
			rc = fail(o, st, &errs, RS_EXIT_FAIL);
			goto out;
		}
		for (size_t i = 0; i < remove.count; i++)
			fprintf(stderr, "Will remove %s from the card.\n", remove.items[i]);
		char *q = rs_xasprintf("Write %s to %s (%s)?", b->sd_file, dev, desc);
		bool yes = ask_yes(q);
		free(q);
		if (!yes) {
			fprintf(stderr, "Nothing written.\n");
			rc = RS_EXIT_FAIL;
			goto out;
		}
	}
	if (!o->json)
		printf("Writing %s to %s (%s)%s\n", b->sd_file, dev, desc,
		       card.mountpoint ? " through its mount point" : "");
	struct rs_sd_progress pr = { .fn = o->json ? NULL : progress };
	if ((st = rs_sd_write_firmware(&card, b, fw, &pr, &res, &errs)) != RS_SD_OK) {
		rc = fail(o, st, &errs, RS_EXIT_FAIL);
		goto out;
	}
	rc = print_written(o, b, &card, fw, &info, &res, large);
out:
	rs_sd_write_result_free(&res);
	rs_strv_free(&remove);
	rs_fwinfo_free(&info);
	rs_sdcard_close(&card);
	rs_errors_clear(&errs);
	free(desc);
	free(dev);
	free(fw);
	return rc;
}

static int cmd_check(struct rs_app *app, const struct sd_opts *o)
{
	struct rs_errors errs = { 0 };
	struct rs_sdcard card = { 0 };
	struct rs_sdcheck_result res;
	char *fw = NULL, *dev = NULL;
	enum rs_sd_status st;
	int rc = RS_EXIT_USAGE;

	const struct rs_board *b = rs_app_board(app, o->board);
	if (!b)
		goto out;
	if ((st = rs_sd_board_check(b, &errs)) != RS_SD_OK) {
		rc = fail(o, st, &errs, RS_EXIT_USAGE);
		goto out;
	}
	if (!(dev = choose_device(o, true)))
		goto out;
	fw = o->file ? rs_xstrdup(o->file) : default_firmware(b);
	if ((st = rs_sdcard_open(dev, &card, &errs)) != RS_SD_OK ||
	    (st = rs_sd_check(&card, b, fw, &res, &errs)) != RS_SD_OK) {
		rc = fail(o, st, &errs, RS_EXIT_USAGE);
		goto out;
	}
	rc = res.flashed ? RS_EXIT_OK : RS_EXIT_FAIL;
	if (o->json) {
		struct rs_json j;
		rs_json_init(&j, stdout);
		rs_json_object_begin(&j);
		rs_json_kv_bool(&j, "ok", true);
		rs_json_kv_string(&j, "board", b->id);
		rs_json_kv_string(&j, "device", card.path);
		rs_json_kv_string(&j, "state", rs_sdcheck_state_name(res.state));
		rs_json_kv_bool(&j, "flashed", res.flashed);
		rs_json_kv_bool(&j, "compared", res.compared);
		rs_json_kv_string(&j, "summary", res.summary);
		rs_json_key(&j, "causes");
		rs_json_array_begin(&j);
		for (unsigned i = 0; i < res.cause_count; i++)
			rs_json_string(&j, res.causes[i]);
		rs_json_array_end(&j);
		rs_json_object_end(&j);
		rs_json_finish(&j);
		goto out;
	}
	printf("%s: %s.\n", card.path, res.summary);
	if (res.flashed && !res.compared)
		printf("(The firmware it was built from, %s, was not there to compare with.)\n", fw);
	if (res.cause_count) {
		printf("Likely causes:\n");
		for (unsigned i = 0; i < res.cause_count; i++)
			printf("  - %s\n", res.causes[i]);
	}
out:
	rs_sdcard_close(&card);
	rs_errors_clear(&errs);
	free(dev);
	free(fw);
	return rc;
}

static int cmd_format(const struct sd_opts *o)
{
	struct rs_errors errs = { 0 };
	struct rs_sdcard card = { 0 };
	char *desc = NULL;
	enum rs_sd_status st;
	int rc = RS_EXIT_USAGE;
	if (!o->device) {
		fprintf(stderr, "ratos-setup sdcard format: --device PATH is required (this erases "
				"the card; 'lsblk' lists the cards)\n");
		return RS_EXIT_USAGE;
	}
	if ((st = rs_sdcard_open(o->device, &card, &errs)) != RS_SD_OK) {
		rc = fail(o, st, &errs, open_exit(st));
		goto out;
	}
	if ((st = rs_sd_format_allowed(&card, &errs)) != RS_SD_OK) {
		rc = fail(o, st, &errs, RS_EXIT_FAIL);
		goto out;
	}
	desc = rs_sdcard_describe(&card);
	fprintf(stderr, "Formatting ERASES EVERYTHING on %s (%s).\n", o->device, desc);
	bool confirmed = o->confirm && strcmp(o->confirm, o->device) == 0;
	if (!confirmed && o->confirm) {
		fprintf(stderr, "ratos-setup: --confirm %s does not match --device %s; nothing "
				"changed\n", o->confirm, o->device);
		goto out;
	}
	if (!confirmed) {
		if (!isatty(STDIN_FILENO)) {
			fprintf(stderr, "ratos-setup: not formatting without confirmation; pass "
					"--confirm %s\n", o->device);
			goto out;
		}
		fprintf(stderr, "Type the device name (%s) to format it, or press Enter to cancel: ",
			o->device);
		char answer[4096];
		if (fgets(answer, sizeof(answer), stdin))
			answer[strcspn(answer, "\n")] = '\0';
		else
			answer[0] = '\0';
		if (strcmp(answer, o->device) != 0) {
			fprintf(stderr, "Not formatted.\n");
			rc = RS_EXIT_FAIL;
			goto out;
		}
	}
	if ((st = rs_sd_format(&card, "RATOS", &errs)) != RS_SD_OK) {
		rc = fail(o, st, &errs, RS_EXIT_FAIL);
		goto out;
	}
	printf("Formatted %s as FAT32 \"RATOS\".\n", o->device);
	rc = RS_EXIT_OK;
out:
	rs_sdcard_close(&card);
	rs_errors_clear(&errs);
	free(desc);
	return rc;
}

int rs_cmd_sdcard(struct rs_app *app, int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return RS_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return RS_EXIT_OK;
	}
	struct sd_opts o = { 0 };
	int rc = parse(argc, argv, &o);
	if (rc != RS_EXIT_OK)
		return rc < 0 ? RS_EXIT_OK : rc;
	const char *sub = argv[1];
	if (strcmp(sub, "format") == 0)
		return cmd_format(&o);
	if (strcmp(sub, "write") != 0 && strcmp(sub, "check") != 0) {
		fprintf(stderr, "ratos-setup sdcard: unknown action '%s'\n", sub);
		usage(stderr);
		return RS_EXIT_USAGE;
	}
	if (!o.board) {
		fprintf(stderr, "ratos-setup sdcard %s: --board ID is required ('ratos-setup boards' "
				"lists them)\n", sub);
		return RS_EXIT_USAGE;
	}
	return strcmp(sub, "write") == 0 ? cmd_write(app, &o) : cmd_check(app, &o);
}
