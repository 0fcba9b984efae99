/* ratos-setup devices [--all] [--json] [--watch [SECONDS]] [--mountinfo FILE]
 *                     | --can [--json] [--klipper DIR] [--config FILE]
 *                       [--timeout SECONDS] [--sys-net DIR]
 *
 * Connected boards (matched against the board files) and the SD cards that
 * could be written; --all adds every refused disk with its reason. --watch
 * then reports devices as they come and go. --can lists the nodes on the CAN
 * bus instead (app/devices_can.c). */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/commands.h"
#include "app/devices_can.h"
#include "core/board_match.h"
#include "core/card_policy.h"
#include "core/json_out.h"
#include "platform/discovery.h"
#include "platform/loop.h"

struct devices_opts {
	bool all, json, watch, can;
	long seconds; /* < 0: until interrupted */
	const char *mountinfo;
	struct rs_devices_can_opts can_opts;
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void usage(void)
{
	fputs("usage: ratos-setup devices [--all] [--json] [--watch [SECONDS]] "
	      "[--mountinfo FILE]\n"
	      "       ratos-setup devices --can [--json] [--klipper DIR] [--config FILE] "
	      "[--timeout SECONDS]\n",
	      stderr);
}

/* Read-only cards are listed (so the user learns about the switch) but never
 * selectable; everything else refused shows only under --all. */
static bool shown(const struct rs_hw_card *c, bool all)
{
	return all || c->refusal == RS_CARD_OK || c->refusal == RS_CARD_READ_ONLY;
}

static const char *size_text(unsigned long long bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	size_t u = 0;
	while (v >= 1024.0 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", bytes);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

static const char *or_dash(const char *s)
{
	return s ? s : "-";
}

/* ---- human-readable output ---- */

static void print_match(const struct rs_catalog *cat, const struct rs_hw_board *b)
{
	struct rs_board_match m;
	rs_board_match(cat, b, &m);
	switch (m.kind) {
	case RS_MATCH_NONE:
		printf("    no matching board file%s\n", b->mcu ? "" : " (MCU unknown)");
		break;
	case RS_MATCH_SERIAL:
		printf("    board: %s (by USB serial)%s\n", m.boards[0]->id,
		       m.mcu_conflict ? "; WARNING: it reports another MCU than that board has" : "");
		break;
	case RS_MATCH_MCU:
	case RS_MATCH_MCU_SEVERAL:
		printf("    could be (by MCU, %zu board%s):", m.count, m.count == 1 ? "" : "s");
		for (size_t i = 0; i < m.count; i++)
			printf("%s %s", i ? "," : "", m.boards[i]->id);
		printf("\n");
		break;
	}
	rs_board_match_free(&m);
}

static void print_parts(const struct rs_hw_card *c);

/* The text printers below show display-safe copies: device nodes, by-id
 * links and mount points come from udev and the mount table raw. */
static void print_board_line(const struct rs_hw_board *raw, bool with_link)
{
	struct rs_hw_board b;
	rs_hw_board_copy_shown(&b, raw);
	printf("%s  %s  %04x:%04x  mcu %s  serial %s\n", or_dash(b.devnode),
	       rs_hw_board_kind_title(b.kind), b.vid, b.pid, or_dash(b.mcu), or_dash(b.serial));
	if (with_link && b.by_id)
		printf("    %s\n", b.by_id);
	if (with_link && b.kind == RS_HW_RP2040_BOOT)
		printf(b.boot_volume ? "    boot drive %s \"%s\": klipper.uf2 copied there is flashed\n"
				     : "    boot drive not there yet%s%s\n",
		       b.boot_volume ? b.boot_volume : "", b.boot_label ? b.boot_label : "");
	rs_hw_board_free(&b);
}

static void print_card_line(const struct rs_hw_card *raw, bool with_parts)
{
	struct rs_hw_card shown_card;
	rs_hw_card_copy_shown(&shown_card, raw);
	const struct rs_hw_card *c = &shown_card;
	char sz[32];
	printf("%s  %s %s  %s  %s", or_dash(c->devnode), or_dash(c->vendor), or_dash(c->model),
	       size_text(c->size, sz, sizeof(sz)), rs_card_bus_name(c->bus));
	if (c->refusal != RS_CARD_OK) {
		printf("  NOT OFFERED: %s", rs_card_refusal_text(c->refusal));
		if (c->refusal == RS_CARD_SYSTEM && c->system_path)
			printf(" (%s)", c->system_path);
	}
	printf("\n");
	if (with_parts)
		print_parts(c);
	rs_hw_card_free(&shown_card);
}

static void print_parts(const struct rs_hw_card *c)
{
	char sz[32];
	for (size_t i = 0; i < c->part_count; i++) {
		const struct rs_hw_part *p = &c->parts[i];
		printf("    %s  %s %s", or_dash(p->devnode), or_dash(p->fs_type),
		       p->fs_version ? p->fs_version : "");
		if (p->fs_label)
			printf("  \"%s\"", p->fs_label);
		printf("  %s  %s%s\n", size_text(p->size, sz, sizeof(sz)),
		       p->mountpoint ? "mounted on " : "not mounted",
		       p->mountpoint ? p->mountpoint : "");
	}
}

static void print_human(const struct rs_hw_list *l, const struct rs_catalog *cat, bool all)
{
	printf("Boards:\n");
	if (l->board_count == 0)
		printf("  none found (is the board connected by USB and powered?)\n");
	for (size_t i = 0; i < l->board_count; i++) {
		printf("  ");
		print_board_line(&l->boards[i], true);
		print_match(cat, &l->boards[i]);
	}
	printf("SD cards:\n");
	size_t n = 0;
	for (size_t i = 0; i < l->card_count; i++) {
		const struct rs_hw_card *c = &l->cards[i];
		if (!shown(c, all))
			continue;
		n++;
		printf("  ");
		print_card_line(c, true);
	}
	if (n == 0)
		printf("  none found (insert the card into a USB card reader on the Pi)\n");
}

/* ---- JSON ---- */

static void json_board(struct rs_json *j, const struct rs_hw_board *b, const struct rs_catalog *cat)
{
	char id[8];
	rs_json_object_begin(j);
	rs_json_kv_string(j, "kind", rs_hw_board_kind_name(b->kind));
	snprintf(id, sizeof(id), "%04x", b->vid);
	rs_json_kv_string(j, "vid", id);
	snprintf(id, sizeof(id), "%04x", b->pid);
	rs_json_kv_string(j, "pid", id);
	rs_json_kv_string(j, "devnode", b->devnode);
	rs_json_kv_string(j, "by_id", b->by_id);
	rs_json_kv_string(j, "manufacturer", b->manufacturer);
	rs_json_kv_string(j, "product", b->product);
	rs_json_kv_string(j, "serial", b->serial);
	rs_json_kv_string(j, "mcu", b->mcu);
	rs_json_kv_string(j, "syspath", b->syspath);
	rs_json_kv_string(j, "boot_disk", b->boot_disk);
	rs_json_kv_string(j, "boot_volume", b->boot_volume);
	rs_json_kv_string(j, "boot_label", b->boot_label);
	struct rs_board_match m;
	rs_board_match(cat, b, &m);
	rs_json_kv_string(j, "match", rs_match_kind_name(m.kind));
	rs_json_kv_bool(j, "mcu_conflict", m.mcu_conflict);
	rs_json_key(j, "boards");
	rs_json_array_begin(j);
	for (size_t i = 0; i < m.count; i++)
		rs_json_string(j, m.boards[i]->id);
	rs_json_array_end(j);
	rs_board_match_free(&m);
	rs_json_object_end(j);
}

static void json_card(struct rs_json *j, const struct rs_hw_card *c)
{
	rs_json_object_begin(j);
	rs_json_kv_string(j, "name", c->name);
	rs_json_kv_string(j, "devnode", c->devnode);
	rs_json_kv_string(j, "bus", rs_card_bus_name(c->bus));
	rs_json_kv_string(j, "vendor", c->vendor);
	rs_json_kv_string(j, "model", c->model);
	rs_json_kv_uint(j, "size", c->size);
	rs_json_kv_bool(j, "removable", c->removable);
	rs_json_kv_bool(j, "hotplug", c->hotplug);
	rs_json_kv_bool(j, "read_only", c->read_only);
	rs_json_kv_string(j, "mountpoint", c->mountpoint);
	rs_json_kv_string(j, "system_path", c->system_path);
	rs_json_kv_bool(j, "selectable", c->refusal == RS_CARD_OK);
	rs_json_kv_string(j, "refusal", rs_card_refusal_name(c->refusal));
	rs_json_kv_string(j, "reason", c->refusal == RS_CARD_OK ? NULL
								: rs_card_refusal_text(c->refusal));
	rs_json_key(j, "reasons");
	rs_json_array_begin(j);
	for (int r = RS_CARD_SYSTEM; r < RS_CARD_REFUSAL_COUNT; r++)
		if (c->refusal_mask & (1u << r))
			rs_json_string(j, rs_card_refusal_name((enum rs_card_refusal)r));
	rs_json_array_end(j);
	rs_json_kv_string(j, "syspath", c->syspath);
	rs_json_key(j, "partitions");
	rs_json_array_begin(j);
	for (size_t i = 0; i < c->part_count; i++) {
		const struct rs_hw_part *p = &c->parts[i];
		rs_json_object_begin(j);
		rs_json_kv_string(j, "name", p->name);
		rs_json_kv_string(j, "devnode", p->devnode);
		rs_json_kv_uint(j, "number", p->number);
		rs_json_kv_uint(j, "size", p->size);
		rs_json_kv_string(j, "fs_type", p->fs_type);
		rs_json_kv_string(j, "fs_version", p->fs_version);
		rs_json_kv_string(j, "fs_label", p->fs_label);
		rs_json_kv_string(j, "mountpoint", p->mountpoint);
		rs_json_object_end(j);
	}
	rs_json_array_end(j);
	rs_json_object_end(j);
}

static void print_json(const struct rs_hw_list *l, const struct rs_catalog *cat, bool all)
{
	struct rs_json j;
	rs_json_init(&j, stdout);
	rs_json_object_begin(&j);
	rs_json_key(&j, "boards");
	rs_json_array_begin(&j);
	for (size_t i = 0; i < l->board_count; i++)
		json_board(&j, &l->boards[i], cat);
	rs_json_array_end(&j);
	rs_json_key(&j, "cards");
	rs_json_array_begin(&j);
	for (size_t i = 0; i < l->card_count; i++)
		if (shown(&l->cards[i], all))
			json_card(&j, &l->cards[i]);
	rs_json_array_end(&j);
	const struct rs_board *best = NULL;
	enum rs_match_kind how = rs_board_match_best(cat, l->boards, l->board_count, &best, NULL);
	rs_json_key(&j, "preselect");
	rs_json_object_begin(&j);
	rs_json_kv_string(&j, "board", best ? best->id : NULL);
	rs_json_kv_string(&j, "match", rs_match_kind_name(how));
	rs_json_object_end(&j);
	rs_json_object_end(&j);
	rs_json_finish(&j);
}

/* ---- --watch ---- */

struct watch_ctx {
	const struct rs_catalog *cat;
	bool all, json;
};

static void on_change(void *ctx, const struct rs_hw_event *ev)
{
	const struct watch_ctx *w = ctx;
	struct rs_hw_event e = *ev;
	/* A card that becomes (un)usable in place, like media put into a reader
	 * that was already there, comes or goes as far as the listing goes. */
	if (e.card) {
		bool was = e.change != RS_HW_ADDED && shown(e.old_card ? e.old_card : e.card, w->all);
		bool is = e.change != RS_HW_REMOVED && shown(e.card, w->all);
		if (!was && !is)
			return;
		if (was != is)
			e.change = is ? RS_HW_ADDED : RS_HW_REMOVED;
	}
	ev = &e;
	if (w->json) {
		struct rs_json j;
		rs_json_init(&j, stdout);
		rs_json_object_begin(&j);
		rs_json_kv_string(&j, "event", rs_hw_change_name(ev->change));
		rs_json_key(&j, ev->board ? "board" : "card");
		if (ev->board)
			json_board(&j, ev->board, w->cat);
		else
			json_card(&j, ev->card);
		rs_json_object_end(&j);
		rs_json_finish(&j);
	} else if (ev->board) {
		printf("%s board ", rs_hw_change_name(ev->change));
		print_board_line(ev->board, false);
	} else {
		printf("%s card ", rs_hw_change_name(ev->change));
		print_card_line(ev->card, false);
	}
	fflush(stdout);
}

struct watcher {
	struct rs_discovery *d;
	struct watch_ctx w;
	long end_ms; /* --watch SECONDS: when to stop; 0: never */
	bool ended;
};

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static bool on_udev(int fd, short revents, void *data)
{
	(void)fd;
	struct watcher *wt = data;
	if (!(revents & POLLIN))
		return false;
	struct rs_hw_list before;
	rs_hw_list_copy(&before, rs_discovery_list(wt->d));
	if (rs_discovery_process(wt->d))
		rs_hw_list_diff(&before, rs_discovery_list(wt->d), on_change, &wt->w);
	rs_hw_list_free(&before);
	return false;
}

/* Checked often rather than one long timer: a year of seconds does not fit
 * a timer's interval. */
static bool time_is_up(void *data)
{
	struct watcher *wt = data;
	wt->ended = now_ms() >= wt->end_ms;
	return false;
}

static int watch(struct rs_discovery *d, const struct rs_catalog *cat,
		 const struct devices_opts *o)
{
	int fd = rs_discovery_fd(d);
	if (fd < 0) {
		fprintf(stderr, "ratos-setup: cannot watch for devices here (no udev monitor)\n");
		return RS_EXIT_FAIL;
	}
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	struct watcher wt = { .d = d, .w = { .cat = cat, .all = o->all, .json = o->json } };
	struct rs_loop *loop = rs_loop_new();
	rs_loop_add_fd(loop, fd, POLLIN, on_udev, &wt);
	if (o->seconds >= 0) {
		wt.end_ms = now_ms() + o->seconds * 1000L;
		rs_loop_add_timer(loop, o->seconds ? 50 : 0, true, time_is_up, &wt);
	}
	while (!interrupted && !wt.ended)
		rs_loop_wait(loop, -1, -1);
	rs_loop_free(loop);
	return RS_EXIT_OK;
}

static bool parse(int argc, char **argv, struct devices_opts *o)
{
	*o = (struct devices_opts){ .seconds = -1 };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--all") == 0) {
			o->all = true;
		} else if (strcmp(a, "--json") == 0) {
			o->json = true;
		} else if (strcmp(a, "--watch") == 0) {
			o->watch = true;
			if (i + 1 < argc && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9') {
				char *end;
				errno = 0;
				o->seconds = strtol(argv[++i], &end, 10);
				if (*end || errno || o->seconds > 86400L * 365) {
					fprintf(stderr, "ratos-setup: --watch wants whole seconds, "
							"not '%s'\n", argv[i]);
					return false;
				}
			}
		} else if (strcmp(a, "--mountinfo") == 0 && i + 1 < argc) {
			o->mountinfo = argv[++i];
		} else if (strcmp(a, "--can") == 0) {
			o->can = true;
		} else if (strcmp(a, "--klipper") == 0 && i + 1 < argc) {
			o->can_opts.klipper = argv[++i];
		} else if (strcmp(a, "--config") == 0 && i + 1 < argc) {
			o->can_opts.config = argv[++i];
		} else if (strcmp(a, "--sys-net") == 0 && i + 1 < argc) {
			o->can_opts.sys_net = argv[++i];
		} else if (strcmp(a, "--timeout") == 0 && i + 1 < argc) {
			char *end;
			errno = 0;
			o->can_opts.timeout = strtol(argv[++i], &end, 10);
			if (*end || errno || argv[i][0] < '0' || argv[i][0] > '9' ||
			    o->can_opts.timeout < 1 || o->can_opts.timeout > 3600) {
				fprintf(stderr, "ratos-setup: --timeout wants whole seconds "
						"(1 to 3600), not '%s'\n", argv[i]);
				return false;
			}
		} else {
			return false;
		}
	}
	/* The CAN query and the USB listing take options of their own. */
	bool can_only = o->can_opts.klipper || o->can_opts.config || o->can_opts.sys_net ||
			o->can_opts.timeout;
	if (o->can ? o->all || o->watch || o->mountinfo : can_only)
		return false;
	o->can_opts.json = o->json;
	if (!o->can_opts.timeout)
		o->can_opts.timeout = RS_DEVICES_CAN_TIMEOUT;
	return true;
}

int rs_cmd_devices(struct rs_app *app, int argc, char **argv)
{
	struct devices_opts o;
	if (!parse(argc, argv, &o)) {
		usage();
		return RS_EXIT_USAGE;
	}
	if (o.can)
		return rs_devices_can(&o.can_opts);
	/* Without board data devices are still listed, just not matched. */
	const struct rs_catalog *cat = rs_app_catalog(app);

	struct rs_discovery_config cfg = { .mountinfo_path = o.mountinfo };
	char *why = NULL;
	struct rs_discovery *d = rs_discovery_open(&cfg, &why);
	if (!d) {
		fprintf(stderr, "ratos-setup: %s\n", why);
		free(why);
		return RS_EXIT_FAIL;
	}
	if (o.json)
		print_json(rs_discovery_list(d), cat, o.all);
	else
		print_human(rs_discovery_list(d), cat, o.all);
	fflush(stdout);
	int rc = o.watch ? watch(d, cat, &o) : RS_EXIT_OK;
	rs_discovery_close(d);
	return rc;
}
