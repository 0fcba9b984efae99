/* ratos-setup sdcard write|check|format: firmware onto a card for boards
 * that flash from an SD card, and the proof afterwards that the board took it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/commands.h"
#include "app/fw_gate.h"
#include "app/sd_device.h"
#include "app/sd_report.h"
#include "core/text_safe.h"
#include "core/xalloc.h"
#include "core/fw_image.h"
#include "platform/fw_previous.h"
#include "platform/paths.h"
#include "platform/sdcard.h"
#include "platform/proc.h"
#include "platform/sdformat.h"
#include "platform/sdjob.h"
#include "platform/sdwrite.h"

struct sd_opts {
	const char *board;
	const char *device;
	const char *file;
	const char *confirm; /* format: the device name typed back, for scripts */
	const char *mountinfo; /* mount table for finding the system disk (tests) */
	const char *klipper;   /* the tree the firmware must match; NULL: ~/klipper */
	bool allow_stale;
	bool previous; /* the image the last install replaced */
	bool yes;
	bool json;
};

static void usage(FILE *out)
{
	fputs("usage: ratos-setup sdcard write --board ID [--device PATH] [--file FIRMWARE] "
	      "[--klipper DIR]\n"
	      "                                [--previous] [--allow-stale-firmware] [--yes] [--json]\n"
	      "       ratos-setup sdcard check --board ID [--device PATH] [--file FIRMWARE] "
	      "[--previous] [--json]\n"
	      "       ratos-setup sdcard format --device PATH [--confirm PATH]\n"
	      "PATH is a partition (/dev/sda1), a whole card (/dev/sda) or an image file.\n"
	      "Without --device, write and check use the one card found in a card reader;\n"
	      "with none or several they say so and ask for --device.\n"
	      "check exits 0 when the board flashed the firmware, 1 when it did not,\n"
	      "2 on usage errors or an unreadable card.\n"
	      "write refuses (exit 1) firmware built for another Klipper version than the\n"
	      "tree's (~/klipper or --klipper DIR) or from another board config, and names\n"
	      "the command that rebuilds it; --allow-stale-firmware writes it anyway.\n"
	      "--previous uses the firmware the board's last build replaced\n"
	      "(firmware-ID.prev.bin), for a Klipper tree rolled back to its version; it\n"
	      "must match the tree as strictly as the current one.\n",
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
				    : strcmp(a, "--klipper") == 0   ? &o->klipper
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
		} else if (strcmp(a, "--allow-stale-firmware") == 0) {
			o->allow_stale = true;
		} else if (strcmp(a, "--previous") == 0) {
			o->previous = true;
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

/* A card that cannot be read is a usage error (2); the system disk is a
 * refusal (1). */
static int open_exit(enum rs_sd_status st)
{
	return st == RS_SD_SYSTEM_DISK || st == RS_SD_NOT_CARD || st == RS_SD_BUSY ? RS_EXIT_FAIL
										   : RS_EXIT_USAGE;
}

static char *default_firmware(const struct rs_board *b)
{
	char *dir = rs_path_firmware_dir();
	char *p = rs_xasprintf("%s/firmware-%s.bin", dir, b->id);
	free(dir);
	return p;
}

/* What write and check start from: the board, which must flash from a
 * card, and the firmware (--file, else the one the build installs). NULL
 * with *rc set when there is no such board. Caller frees *fw. */
static const struct rs_board *board_and_firmware(struct rs_app *app, const struct sd_opts *o,
						 struct rs_errors *errs, char **fw, int *rc)
{
	const struct rs_board *b = rs_app_board(app, o->board);
	if (!b)
		return NULL;
	enum rs_sd_status st = rs_sd_board_check(b, errs);
	if (st != RS_SD_OK) {
		*rc = rs_sd_report_fail(o->json, st, errs, RS_EXIT_USAGE);
		return NULL;
	}
	if (o->previous) {
		struct rs_fw_previous prev;
		if (!rs_fw_previous_find(NULL, b->id, rs_fw_image_ext(b->mcu), &prev)) {
			char *dir = rs_path_firmware_dir(), *shown = rs_path_pretty(dir);
			fprintf(stderr, "ratos-setup sdcard: no previous firmware for %s in %s: a build "
					"keeps the image it replaces as firmware-%s.prev.bin, so there is "
					"one from the second installed build on.\n",
				b->id, shown, b->id);
			free(dir);
			free(shown);
			*rc = RS_EXIT_FAIL;
			return NULL;
		}
		*fw = prev.image;
		prev.image = NULL;
		rs_fw_previous_free(&prev);
		return b;
	}
	*fw = o->file ? rs_xstrdup(o->file) : default_firmware(b);
	return b;
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

/* The write itself: the same job the wizard runs (platform/sdjob.h), here
 * blocking. Ctrl-C (or SIGTERM, SIGHUP) stops it at a safe point and says
 * what state the card is in. */
static int run_write(const struct sd_opts *o, const struct rs_board *b, struct rs_sdcard *card,
		     const char *fw, const struct rs_fwinfo *info, bool large)
{
	struct rs_sdjob sj;
	rs_sdjob_init(&sj, b, fw);
	sj.card = card;
	sj.on_step = o->json ? NULL : rs_sd_report_progress;
	sj.echo_other = true;
	struct rs_job *job = rs_sdjob_new(&sj);
	static volatile sig_atomic_t cancel;
	cancel = 0;
	rs_proc_catch_signals(&cancel);
	rs_job_run(job, &cancel);
	rs_proc_restore_signals();
	rs_sdjob_finish(&sj, job);
	rs_job_free(job);
	int rc = RS_EXIT_OK;
	if (sj.status != RS_SD_OK)
		rc = rs_sd_report_fail(o->json, sj.status, &sj.errs, RS_EXIT_FAIL);
	else
		rs_sd_report_written(o->json, b, card, fw, info, &sj.res, large);
	rs_sdjob_free(&sj);
	return rc;
}

static int cmd_write(struct rs_app *app, const struct sd_opts *o)
{
	struct rs_errors errs = { 0 };
	struct rs_sdcard card = { 0 };
	struct rs_fwinfo info = { 0 };
	struct rs_strv remove = { 0 };
	char *fw = NULL, *dev = NULL, *desc = NULL;
	enum rs_sd_status st;
	int rc = RS_EXIT_USAGE;

	const struct rs_board *b = board_and_firmware(app, o, &errs, &fw, &rc);
	if (!b)
		goto out;
	if ((rc = rs_fw_gate("sdcard write", b, fw, o->klipper, o->allow_stale, o->previous,
			     o->json)) >= 0)
		goto out;
	rc = RS_EXIT_USAGE;
	if ((st = rs_sd_firmware_check(b, fw, &info, &errs)) != RS_SD_OK) {
		rc = rs_sd_report_fail(o->json, st, &errs, RS_EXIT_FAIL);
		goto out;
	}
	if (!(dev = rs_sd_device_choose(o->device, o->mountinfo, false)))
		goto out;
	if ((st = rs_sdcard_open(dev, RS_SD_WRITE, o->mountinfo, &card, &errs)) != RS_SD_OK) {
		rc = rs_sd_report_fail(o->json, st, &errs, open_exit(st));
		goto out;
	}
	if ((st = rs_sdcard_check_writable(&card, &errs)) != RS_SD_OK) {
		rc = rs_sd_report_fail(o->json, st, &errs, RS_EXIT_FAIL);
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
			rc = rs_sd_report_fail(o->json, st, &errs, RS_EXIT_FAIL);
			goto out;
		}
		for (size_t i = 0; i < remove.count; i++) {
			char *shown = rs_text_safe(remove.items[i]); /* a name from the card */
			fprintf(stderr, "Will remove %s from the card.\n", shown);
			free(shown);
		}
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
	rc = run_write(o, b, &card, fw, &info, large);
out:
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

	const struct rs_board *b = board_and_firmware(app, o, &errs, &fw, &rc);
	if (!b)
		goto out;
	if (!(dev = rs_sd_device_choose(o->device, o->mountinfo, true)))
		goto out;
	if ((st = rs_sdcard_open(dev, RS_SD_READ, o->mountinfo, &card, &errs)) != RS_SD_OK) {
		rc = rs_sd_report_fail(o->json, st, &errs, open_exit(st));
		goto out;
	}
	if ((st = rs_sd_check(&card, b, fw, &res, &errs)) != RS_SD_OK) {
		rc = rs_sd_report_fail(o->json, st, &errs, RS_EXIT_USAGE);
		goto out;
	}
	rc = res.flashed ? RS_EXIT_OK : RS_EXIT_FAIL;
	rs_sd_report_checked(o->json, b, &card, fw, &res);
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
	if ((st = rs_sdcard_open(o->device, RS_SD_FORMAT, o->mountinfo, &card, &errs)) !=
	    RS_SD_OK) {
		rc = rs_sd_report_fail(o->json, st, &errs, open_exit(st));
		goto out;
	}
	if ((st = rs_sd_format_allowed(&card, &errs)) != RS_SD_OK) {
		rc = rs_sd_report_fail(o->json, st, &errs, RS_EXIT_FAIL);
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
		rc = rs_sd_report_fail(o->json, st, &errs, RS_EXIT_FAIL);
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
	/* Writing and formatting take the lock; check only reads. */
	if (strcmp(sub, "format") == 0)
		return (rc = rs_app_lock(app, "sdcard", "sdcard format")) ? rc : cmd_format(&o);
	if (strcmp(sub, "write") != 0 && strcmp(sub, "check") != 0) {
		fprintf(stderr, "ratos-setup sdcard: unknown action '%s'\n", sub);
		usage(stderr);
		return RS_EXIT_USAGE;
	}
	if (o.previous && o.file) {
		fprintf(stderr, "ratos-setup sdcard: --previous and --file both name the firmware; "
				"give one\n");
		return RS_EXIT_USAGE;
	}
	if (!o.board) {
		fprintf(stderr, "ratos-setup sdcard %s: --board ID is required ('ratos-setup boards' "
				"lists them)\n", sub);
		return RS_EXIT_USAGE;
	}
	/* Under sudo this runs as the invoking user; the card code alone
	 * switches to root around the device (platform/identity.h). */
	if (strcmp(sub, "write") == 0)
		return (rc = rs_app_lock(app, "sdcard", "sdcard write")) ? rc : cmd_write(app, &o);
	return cmd_check(app, &o);
}
