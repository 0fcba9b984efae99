/* ratos-setup flash BOARD: new firmware onto the board without carrying a
 * card, over the best route possible with what is connected now (or the one
 * asked for): USB, Klipper's remote SD update, DFU; the card route points at
 * `sdcard write`. The routes are job tables (platform/flash_job.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/commands.h"
#include "app/flash_all.h"
#include "app/flash_report.h"
#include "app/fw_gate.h"
#include "core/fw_image.h"
#include "core/xalloc.h"
#include "platform/discovery.h"
#include "platform/flash_job.h"
#include "platform/flash_previous.h"
#include "platform/flash_proof.h"
#include "platform/fw_status.h"
#include "platform/klipper_tree.h"
#include "platform/paths.h"
#include "platform/proc.h"

#define ACK_FLAG "--flash-manual-board"

struct flash_opts {
	const char *board, *route, *device, *klipper, *firmware_dir, *timeout;
	bool dry_run, yes, json, ack_manual, previous;
};

static void usage(FILE *out)
{
	fputs("usage: ratos-setup flash BOARD [--route usb|remote-sd|dfu|sdcard] [--device PATH]\n"
	      "                         [--klipper DIR] [--firmware-dir DIR] [--timeout SECONDS]\n"
	      "                         [--previous] [--dry-run] [--yes] [" ACK_FLAG "] [--json]\n"
	      "Puts the board's current build on it: over USB with Klipper's make flash,\n"
	      "with Klipper's remote SD update (flash-sdcard.sh), or in DFU mode; the card\n"
	      "route is `ratos-setup sdcard write`. Without --route, the best route possible\n"
	      "with what is connected now. The Klipper service is stopped first and started\n"
	      "again at the end, also after a failure or Ctrl-C. --dry-run prints the routes\n"
	      "and the plan and changes nothing. --device names the board's serial device;\n"
	      "--timeout is how long to wait for the board (DFU, power cycle; default 300).\n"
	      "Boards marked manual ask for their id typed back; " ACK_FLAG " does\n"
	      "that without a terminal. --yes skips the final question.\n"
	      "--previous puts back the firmware the board's last build replaced\n"
	      "(firmware-BOARD.prev.bin, .hex or .uf2) with what make flash runs; it must be\n"
	      "for the board's MCU and match the Klipper tree: roll Klipper back to its\n"
	      "version first.\n",
	      out);
	rs_flash_all_usage(out);
}

static int parse(int argc, char **argv, struct flash_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = strcmp(a, "--route") == 0	       ? &o->route
				    : strcmp(a, "--device") == 0       ? &o->device
				    : strcmp(a, "--klipper") == 0      ? &o->klipper
				    : strcmp(a, "--firmware-dir") == 0 ? &o->firmware_dir
				    : strcmp(a, "--timeout") == 0      ? &o->timeout
								       : NULL;
		if (slot) {
			if (i + 1 >= argc) {
				fprintf(stderr, "ratos-setup flash: %s needs a value\n", a);
				return RS_EXIT_USAGE;
			}
			*slot = argv[++i];
		} else if (strcmp(a, "--dry-run") == 0) {
			o->dry_run = true;
		} else if (strcmp(a, "--yes") == 0) {
			o->yes = true;
		} else if (strcmp(a, "--json") == 0) {
			o->json = true;
		} else if (strcmp(a, "--previous") == 0) {
			o->previous = true;
		} else if (strcmp(a, ACK_FLAG) == 0) {
			o->ack_manual = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return RS_EXIT_OK;
		} else if (a[0] == '-' || o->board) {
			fprintf(stderr, "ratos-setup flash: unexpected argument '%s'\n", a);
			usage(stderr);
			return RS_EXIT_USAGE;
		} else {
			o->board = a;
		}
	}
	if (!o->board) {
		usage(stderr);
		return RS_EXIT_USAGE;
	}
	return -1;
}

/* What is connected now, as one snapshot (a warning when it cannot be had:
 * routes that need a device then say so). */
void rs_flash_snapshot(struct rs_hw_list *hw)
{
	char *why = NULL;
	struct rs_discovery *d = rs_discovery_open(NULL, &why);
	if (!d) {
		fprintf(stderr, "ratos-setup flash: warning: cannot list USB devices: %s\n",
			why ? why : "?");
		free(why);
		return;
	}
	rs_hw_list_copy(hw, rs_discovery_list(d));
	rs_discovery_close(d);
}

static const struct rs_route_option *choose(const struct flash_opts *o,
					    const struct rs_route_list *l, const struct rs_board *b)
{
	if (!o->route) {
		const struct rs_route_option *best = rs_route_list_best(l);
		if (!best) {
			fprintf(stderr, "ratos-setup flash: no route for %s is possible with what is "
					"connected now:\n", b->id);
			rs_flash_report_routes(stderr, l);
			if (rs_route_list_find(l, RS_ROUTE_DFU))
				fprintf(stderr, "--route dfu waits for the board in DFU mode.\n");
		}
		return best;
	}
	enum rs_route r;
	if (!rs_route_from_name(o->route, &r)) {
		fprintf(stderr, "ratos-setup flash: unknown route '%s' (usb, remote-sd, dfu, sdcard)\n",
			o->route);
		return NULL;
	}
	const struct rs_route_option *opt = rs_route_list_find(l, r);
	if (!opt) {
		fprintf(stderr, "ratos-setup flash: %s cannot be flashed over %s. Its routes:\n",
			b->id, rs_route_title(r));
		rs_flash_report_routes(stderr, l);
	} else if (!opt->possible && !opt->can_wait && r != RS_ROUTE_SDCARD) {
		fprintf(stderr, "ratos-setup flash: %s is not possible now: %s\n",
			rs_route_title(r), opt->why_not);
		return NULL;
	}
	return opt;
}

/* The firmware must be current (the same rule as the card write). */
static int gate(const struct flash_opts *o, const struct rs_board *b, const char *fw)
{
	if (o->previous) /* the same rule, and the refusal says to roll the tree back */
		return rs_fw_gate("flash", b, fw, o->klipper, false, true, o->json);
	if (rs_route_mcu_is_avr(b->mcu))
		return -1; /* the job compares the AVR build with the tree itself */
	struct rs_fw_status s;
	rs_fw_status_read(b, fw, NULL, &s);
	bool missing = s.cur.verdict == RS_FWCUR_NO_FIRMWARE || s.cur.verdict == RS_FWCUR_UNREADABLE;
	rs_fw_status_free(&s);
	if (missing) {
		char *rebuild = rs_fw_status_rebuild_command(b, o->klipper);
		fprintf(stderr, "ratos-setup flash: no firmware built for %s yet (%s). Build it "
				"first:\n  %s\n", b->id, fw, rebuild);
		free(rebuild);
		return RS_EXIT_FAIL;
	}
	return rs_fw_gate("flash", b, fw, o->klipper, false, false, o->json);
}

/* --previous: the kept image, and which Klipper it is for. */
static bool use_previous(const struct flash_opts *o, const struct rs_board *b,
			 struct rs_flash_ctx *ctx)
{
	struct rs_fw_previous prev;
	if (!rs_fw_previous_find(o->firmware_dir, b->id, rs_fw_image_ext(b->mcu), &prev)) {
		char *dir = o->firmware_dir ? rs_xstrdup(o->firmware_dir) : rs_path_firmware_dir();
		char *shown = rs_path_pretty(dir);
		fprintf(stderr, "ratos-setup flash: no previous firmware for %s in %s: a build keeps "
				"the image it replaces as firmware-%s.prev.%s, so there is one from "
				"the second installed build on.\n",
			b->id, shown, b->id, rs_fw_image_ext(b->mcu));
		free(dir);
		free(shown);
		return false;
	}
	rs_flash_ctx_use_previous(ctx, &prev);
	struct rs_fw_status s;
	rs_fw_status_read(b, prev.image, NULL, &s);
	char *shown = rs_path_pretty(prev.image);
	/* Said before the gate: the host must run the same Klipper. */
	fprintf(stderr, "Previous firmware: %s, Klipper %s. The host's Klipper must be that "
			"version too (the tree at %s is %s).\n",
		shown, s.image_version ? s.image_version : "(version unknown)", ctx->klipper_dir,
		ctx->tree_version ? ctx->tree_version : "of unknown version");
	free(shown);
	rs_fw_status_free(&s);
	rs_fw_previous_free(&prev);
	return true;
}

static bool read_answer(char *buf, size_t len)
{
	if (!fgets(buf, (int)len, stdin))
		return false;
	buf[strcspn(buf, "\r\n")] = '\0';
	return true;
}

/* Boards marked manual: their notes, and the id typed back. */
static bool acknowledge_manual(const struct flash_opts *o, const struct rs_board *b)
{
	fprintf(stderr, "WARNING: %s is marked for flashing by hand only.\n%s\n", b->name,
		b->flash_notes ? b->flash_notes : "");
	if (o->ack_manual) {
		fprintf(stderr, "Acknowledged with " ACK_FLAG ".\n");
		return true;
	}
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "ratos-setup flash: refusing without a terminal to acknowledge this; "
				"pass " ACK_FLAG " if you have made it safe.\n");
		return false;
	}
	fprintf(stderr, "Type the board id (%s) to flash it anyway: ", b->id);
	char ans[128];
	if (read_answer(ans, sizeof(ans)) && strcmp(ans, b->id) == 0)
		return true;
	fprintf(stderr, "Not acknowledged: nothing was flashed.\n");
	return false;
}

static bool confirm(const struct flash_opts *o, const struct rs_board *b,
		    const struct rs_route_option *r, const struct rs_klipper_service *svc)
{
	if (o->yes)
		return true;
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "ratos-setup flash: pass --yes to flash without a terminal.\n");
		return false;
	}
	fprintf(stderr, "Flash %s%s over %s now?%s [y/N] ", o->previous ? "the previous firmware onto " : "",
		b->id, rs_route_title(r->route),
		svc->state == RS_SERVICE_RUNNING && r->route != RS_ROUTE_DFU
			? " Klipper is stopped meanwhile and started again afterwards." : "");
	char ans[16];
	return read_answer(ans, sizeof(ans)) && (ans[0] == 'y' || ans[0] == 'Y');
}

static void say_before(const struct rs_board *b, const struct rs_route_option *r)
{
	if (r->route == RS_ROUTE_DFU && !r->possible) {
		fprintf(stderr, "Put %s in DFU mode:\n", b->name);
		for (size_t i = 0; i < b->dfu_steps.count; i++)
			fprintf(stderr, "  %zu. %s\n", i + 1, b->dfu_steps.items[i]);
	} else if (r->route == RS_ROUTE_REMOTE_SD) {
		fprintf(stderr, "The board's own SD slot must hold a FAT32 card (32 GB or smaller); "
				"flash-sdcard.sh writes %s to it.\n", b->sd_file ? b->sd_file : "the firmware");
	}
}

static void on_output(void *data, const char *line)
{
	FILE *out = data;
	fprintf(out, "%s\n", line);
	fflush(out);
}

static int run(const struct flash_opts *o, const struct rs_board *b,
	       const struct rs_route_list *l, const struct rs_route_option *r,
	       struct rs_flash_ctx *ctx)
{
	const struct rs_job_table *t = rs_flash_table(r->route);
	struct rs_strv plan = { 0 };
	rs_job_plan(t, ctx, &plan);
	if (o->dry_run) {
		if (o->json)
			rs_flash_report_json(b, l, &ctx->service, r, &plan, NULL);
		else
			rs_flash_report_plan(stdout, b, r->route, &plan);
		rs_strv_free(&plan);
		return RS_EXIT_OK;
	}
	say_before(b, r);
	struct rs_job_opts jo = { .on_output = on_output, .data = o->json ? stderr : stdout };
	struct rs_job *job = rs_job_new(t, ctx, &jo);
	static volatile sig_atomic_t cancel;
	cancel = 0;
	/* Where klippy.log ends before Klipper is stopped: its next start there
	 * says which version the flashed board reports. */
	struct rs_flash_proof proof;
	rs_flash_proof_begin(&proof, NULL);
	rs_proc_catch_signals(&cancel);
	enum rs_job_state st = rs_job_run(job, &cancel);
	const struct rs_job_result *res = rs_job_result(job);
	if (o->json) {
		rs_flash_report_json(b, l, &ctx->service, r, &plan, res);
	} else if (st == RS_JOB_SUCCEEDED) {
		printf("Flashed %s%s over %s.%s\n", o->previous ? "the previous firmware onto " : "",
		       b->id, rs_route_title(r->route),
		       res->finally_failed ? " But Klipper did not start again: start it with "
					     "sudo systemctl start klipper." : "");
	} else {
		fprintf(stderr, "ratos-setup flash: %s%s%s\n",
			st == RS_JOB_CANCELLED ? "cancelled; nothing more was written"
					       : res->status.message ? res->status.message : "failed",
			res->status.hint ? "\n" : "", res->status.hint ? res->status.hint : "");
		if (ctx->service.state == RS_SERVICE_RUNNING && r->route != RS_ROUTE_DFU)
			fprintf(stderr, "%s\n", res->finally_failed
				? "Klipper could not be started again: sudo systemctl start klipper"
				: "Klipper was started again.");
	}
	if (st == RS_JOB_SUCCEEDED)
		rs_flash_proof_run(&proof, ctx, res, &cancel, o->json ? stderr : stdout);
	rs_flash_proof_free(&proof);
	rs_proc_restore_signals();
	rs_job_free(job);
	rs_strv_free(&plan);
	return st == RS_JOB_SUCCEEDED ? RS_EXIT_OK : RS_EXIT_FAIL;
}

int rs_cmd_flash(struct rs_app *app, int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--all") == 0)
			return rs_cmd_flash_all(app, argc, argv);
	struct flash_opts o = { 0 };
	int rc = parse(argc, argv, &o);
	if (rc >= 0)
		return rc;
	const struct rs_board *b = rs_app_board(app, o.board);
	if (!b)
		return RS_EXIT_USAGE;
	int wait = 0;
	if (o.timeout && ((wait = atoi(o.timeout)) <= 0 || wait > 3600)) {
		fprintf(stderr, "ratos-setup flash: --timeout takes 1 to 3600 seconds\n");
		return RS_EXIT_USAGE;
	}
	struct rs_klipper_service svc;
	rs_klipper_service_detect(&svc);
	struct rs_hw_list hw = { 0 };
	rs_flash_snapshot(&hw);
	struct rs_route_input in = { .board = b, .hw = &hw, .klipper = svc.state, .device = o.device };
	struct rs_route_list l;
	rs_route_list_make(&in, &l);
	const struct rs_route_option *r = choose(&o, &l, b);
	struct rs_flash_ctx ctx = { 0 };
	bool have_ctx = false;
	rc = RS_EXIT_FAIL;
	if (!r)
		goto out;
	if (r->route == RS_ROUTE_SDCARD) {
		printf("%s takes its firmware from a card: put the card in a reader on the Pi and "
		       "run\n  ratos-setup sdcard write --board %s%s\n", b->id, b->id,
		       o.previous ? " --previous" : "");
		rc = RS_EXIT_OK;
		goto out;
	}
	struct rs_flash_ctx_opts co = { .klipper_dir = o.klipper, .firmware_dir = o.firmware_dir,
					.device = r->device, .wait_seconds = wait };
	rs_flash_ctx_init(&ctx, b, r->route, &co);
	have_ctx = true;
	ctx.service = svc;
	struct rs_klipper_tree tree;
	if (rs_klipper_tree_find(ctx.klipper_dir, &tree)) {
		ctx.tree_version = tree.version ? rs_xstrdup(tree.version) : NULL;
		rs_klipper_tree_free(&tree);
	}
	if (o.previous && !use_previous(&o, b, &ctx))
		goto out;
	/* The warning of a manual board comes before anything else is said. */
	if (!o.dry_run && l.manual && !acknowledge_manual(&o, b))
		goto out;
	int gate_rc = gate(&o, b, ctx.previous ? ctx.previous->image : ctx.firmware_path);
	if (gate_rc >= 0 && !o.dry_run) {
		rc = gate_rc;
		goto out;
	}
	if (!o.dry_run) {
		if (!confirm(&o, b, r, &svc))
			goto out;
		char lock_name[160], lock_what[160];
		snprintf(lock_name, sizeof(lock_name), "build-%s", b->id);
		snprintf(lock_what, sizeof(lock_what), "flash %s", b->id);
		if ((rc = rs_app_lock(app, lock_name, lock_what)) != RS_EXIT_OK)
			goto out;
	} else if (l.manual) {
		fprintf(stderr, "Note: %s is marked for flashing by hand only; a real run asks for "
				"its id typed back.\n", b->id);
	}
	rc = run(&o, b, &l, r, &ctx);
	if (rc == RS_EXIT_OK && gate_rc >= 0)
		rc = gate_rc; /* a dry run of firmware that would be refused */
out:
	if (have_ctx)
		rs_flash_ctx_free(&ctx);
	rs_hw_list_free(&hw);
	return rc;
}
