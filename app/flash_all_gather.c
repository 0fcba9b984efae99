#include "app/flash_all.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "platform/doctor_files.h"
#include "platform/fw_status.h"
#include "platform/klipper_tree.h"
#include "platform/paths.h"

static enum rs_fw_verdict built_verdict(void *vctx, const struct rs_board *b)
{
	struct flash_all *fa = vctx;
	char *fw = fa->o.firmware_dir ? rs_xasprintf("%s/firmware-%s.bin", fa->o.firmware_dir, b->id)
				      : NULL;
	struct rs_fw_status s;
	rs_fw_status_read(b, fw, fa->tree_version, &s);
	enum rs_fw_verdict v = s.cur.verdict;
	rs_fw_status_free(&s);
	free(fw);
	return v;
}

static char *join(const char *dir, const char *name)
{
	return rs_xasprintf("%s%s", dir, name);
}

/* The job (table and context) each route runs. */
static void prepare(struct flash_all *fa, struct flash_all_mcu *m)
{
	const struct rs_mcu_plan_item *it = m->it;
	if (it->board) {
		struct rs_flash_ctx_opts co = {
			.klipper_dir = fa->o.klipper,
			.firmware_dir = fa->o.firmware_dir,
			.wait_seconds = fa->o.wait_seconds,
			.device = it->device && it->device->kind == RS_HW_KLIPPER ? it->device->by_id
										   : NULL,
		};
		enum rs_route r = it->route == RS_MCU_ROUTE_BOARD ? it->board_route : RS_ROUTE_USB;
		rs_flash_ctx_init(&m->flash, it->board, r, &co);
		m->has_flash = true;
		/* Klipper is stopped once for all MCUs: the route's own stop and
		 * start steps stay out. */
		m->flash.service = fa->svc;
		m->flash.service.state = RS_SERVICE_STOPPED;
		m->flash.tree_version = fa->tree_version ? rs_xstrdup(fa->tree_version) : NULL;
		m->uf2_path = rs_xasprintf("%.*s.uf2",
					   (int)(strlen(m->flash.firmware_path) -
						 strlen(strrchr(m->flash.firmware_path, '.'))),
					   m->flash.firmware_path);
		m->bin_path = join(m->flash.out_dir, "klipper.bin");
	}
	m->build = it->needs_build && it->board && !it->blocked;
	if (!it->needs_flash || it->blocked)
		return;
	switch (it->route) {
	case RS_MCU_ROUTE_BOARD:
		m->table = rs_flash_table(it->board_route); /* NULL for the card */
		m->ctx = &m->flash;
		break;
	case RS_MCU_ROUTE_RP2040_UF2:
		/* The installed build's UF2, checked as current before the copy;
		 * OUT's klipper.uf2 may be another build's. */
		m->uf2.volume = it->device->boot_volume;
		m->uf2.uf2 = m->uf2_path;
		m->uf2.board = it->board;
		m->uf2.firmware = m->flash.firmware_path;
		m->uf2.tree_version = fa->tree_version;
		m->table = &rs_uf2_job;
		m->ctx = &m->uf2;
		break;
	case RS_MCU_ROUTE_KATAPULT_USB:
	case RS_MCU_ROUTE_KATAPULT_CAN:
		m->kat.tool = fa->katapult_tool;
		m->kat.firmware = m->bin_path;
		if (it->route == RS_MCU_ROUTE_KATAPULT_USB) {
			m->kat.device = it->device->by_id ? it->device->by_id : it->device->devnode;
		} else {
			m->kat.uuid = it->address;
			m->kat.request_first = true; /* it runs Klipper until asked */
		}
		m->table = &rs_katapult_job;
		m->ctx = &m->kat;
		break;
	case RS_MCU_ROUTE_HOST:
		m->host.klipper_dir = fa->klipper_dir;
		m->host.work_dir = fa->host_work;
		m->host.jobs = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
		m->table = &rs_host_mcu_job;
		m->ctx = &m->host;
		break;
	case RS_MCU_ROUTE_NONE:
		break;
	}
}

void rs_flash_all_gather(struct flash_all *fa, struct rs_app *app)
{
	fa->cat = rs_app_catalog(app);
	fa->klipper_dir = fa->o.klipper ? rs_xstrdup(fa->o.klipper) : rs_path_klipper_dir();
	struct rs_klipper_tree tree;
	if (rs_klipper_tree_find(fa->klipper_dir, &tree)) {
		fa->tree_version = tree.version ? rs_xstrdup(tree.version) : NULL;
		rs_klipper_tree_free(&tree);
	}
	char *home = rs_path_home();
	fa->katapult_tool = rs_katapult_find_tool(home);
	free(home);
	char *cache = rs_path_cache_dir();
	fa->host_work = rs_xasprintf("%s/linux-host", cache);
	free(cache);
	rs_klipper_service_detect(&fa->svc);
	rs_flash_snapshot(&fa->hw);

	fa->cfg = rs_xcalloc(1, sizeof(*fa->cfg));
	char *cfg_path = fa->o.config ? rs_xstrdup(fa->o.config) : rs_doctor_default_config();
	rs_pcfg_read_file(cfg_path, fa->cfg, &fa->cfg_errs);
	free(cfg_path);

	/* What each MCU runs, from the last Klipper start (doctor's reading). */
	fa->rep = rs_xcalloc(1, sizeof(*fa->rep));
	struct rs_doctor_opts dopt = { .cat = fa->cat, .klipper_dir = fa->o.klipper,
				       .log_path = fa->o.log, .config_path = fa->o.config,
				       .hw = &fa->hw };
	rs_doctor_gather(&dopt, fa->rep);
	for (size_t i = 0; i < fa->rep->count; i++)
		fa->running[i] = (struct rs_mcu_running){ fa->rep->entries[i].name,
							  fa->rep->entries[i].mcu_version,
							  fa->rep->entries[i].chip };

	struct rs_mcu_plan_in in = {
		.cat = fa->cat,
		.cfg = fa->cfg,
		.hw = &fa->hw,
		.tree_version = fa->tree_version,
		.running = fa->running,
		.running_count = fa->rep->count,
		.built = built_verdict,
		.ctx = fa,
		.can_up = rs_net_interface_exists(NULL, RS_CAN_INTERFACE),
		.klipper = fa->svc.state,
	};
	rs_mcu_plan_make(&in, &fa->plan);
	for (size_t i = 0; i < fa->plan.count; i++) {
		fa->mcus[i].it = &fa->plan.items[i];
		prepare(fa, &fa->mcus[i]);
	}
}

void rs_flash_all_build_plan(const struct flash_all_mcu *m, struct rs_strv *lines)
{
	if (!m->build)
		return;
	char *l = rs_xasprintf("%s: build: ratos-setup build %s", m->it->name, m->it->board->id);
	rs_strv_push(lines, l);
	free(l);
}

void rs_flash_all_mcu_plan(const struct flash_all_mcu *m, struct rs_strv *lines)
{
	const struct rs_mcu_plan_item *it = m->it;
	char *l;
	if (!m->table)
		return;
	struct rs_strv steps = { 0 };
	rs_job_plan(m->table, m->ctx, &steps);
	for (size_t i = 0; i < steps.count; i++) {
		l = rs_xasprintf("%s: %s", it->name, steps.items[i]);
		rs_strv_push(lines, l);
		free(l);
	}
	rs_strv_free(&steps);
}

void rs_flash_all_free(struct flash_all *fa)
{
	for (size_t i = 0; i < fa->plan.count; i++) {
		struct flash_all_mcu *m = &fa->mcus[i];
		if (m->has_flash)
			rs_flash_ctx_free(&m->flash);
		free(m->uf2_path);
		free(m->bin_path);
	}
	if (fa->rep)
		rs_doctor_report_free(fa->rep);
	free(fa->rep);
	free(fa->cfg);
	rs_errors_clear(&fa->cfg_errs);
	rs_hw_list_free(&fa->hw);
	free(fa->klipper_dir);
	free(fa->tree_version);
	free(fa->katapult_tool);
	free(fa->host_work);
}
