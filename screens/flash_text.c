/* The route step's run in words (screens/flash_text.h). */
#include "screens/flash_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* What a step does, as the run's "Now:" line says it. */
static const struct {
	const char *step, *words;
} steps[] = {
	{ "firmware", "checking the build is the installed, current firmware" },
	{ "stop-klipper", "stopping the Klipper service" },
	{ "flash", "Klipper's make flash writes the firmware" },
	{ "dfu-appeared", "make flash failed: looking for the board in DFU mode" },
	{ "dfu-util", "checking dfu-util" },
	{ "wait-dfu", "waiting for the board in DFU mode (" RS_DFU_DEVICE ")" },
	{ "flash-dfu", "Klipper's make flash writes the firmware over DFU" },
	{ "back-on-usb", "waiting for the board back on USB running Klipper" },
	{ "flash-sdcard", "flash-sdcard.sh writes the firmware to the board's own card" },
	{ "power-cycle", "waiting for the power cycle" },
	{ "check", "flash-sdcard.sh -c checks what the board runs" },
	{ "start-klipper", "starting the Klipper service again" },
};

const char *rs_flash_text_step(const char *step)
{
	if (!step)
		return "starting";
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (strcmp(steps[i].step, step) == 0)
			return steps[i].words;
	return step;
}

void rs_flash_text_command(const struct rs_board *b, enum rs_route route, const char *device,
			   char *buf, size_t len)
{
	bool named = device && route != RS_ROUTE_DFU;
	snprintf(buf, len, "sudo ratos-setup flash %s --route %s%s%s", b->id, rs_route_name(route),
		 named ? " --device " : "", named ? device : "");
}

static bool stops_klipper(enum rs_route route, const struct rs_klipper_service *svc)
{
	return route != RS_ROUTE_DFU && svc->state == RS_SERVICE_RUNNING;
}

/* The device on a line of its own, the long by-id directory apart: a path
 * is not broken mid-word in the box. */
static void device_line(FILE *f, const char *device)
{
	const char *dir = "/dev/serial/by-id/";
	if (device && strncmp(device, dir, strlen(dir)) == 0)
		fprintf(f, "\nDevice: %s (in %s)", device + strlen(dir), dir);
	else
		fprintf(f, "\nDevice: %s", device ? device : "(none)");
}

void rs_flash_text_confirm(const struct rs_board *b, enum rs_route route, const char *device,
			   bool can_wait, const struct rs_klipper_service *svc, char *buf,
			   size_t len)
{
	FILE *f = fmemopen(buf, len, "w");
	if (!f) {
		snprintf(buf, len, "Flash %s now?", b->name);
		return;
	}
	switch (route) {
	case RS_ROUTE_USB:
		fprintf(f, "Klipper's make flash writes the new firmware to the %s over USB.",
			b->name);
		device_line(f, device);
		break;
	case RS_ROUTE_REMOTE_SD:
		fprintf(f, "Klipper's flash-sdcard.sh writes %s to the card in the %s's own SD slot "
			"over USB: it must hold a FAT32 card (32 GB or smaller).%s",
			b->sd_file ? b->sd_file : "the firmware", b->name,
			b->remote_sd_power_cycle ? " Then you power-cycle the board when asked." : "");
		device_line(f, device);
		break;
	case RS_ROUTE_DFU:
		fprintf(f, "The %s is flashed in DFU mode (%s) with Klipper's make flash.", b->name,
			RS_DFU_DEVICE);
		if (can_wait) {
			fprintf(f, " Put it in DFU mode now:");
			for (size_t i = 0; i < b->dfu_steps.count; i++)
				fprintf(f, "\n%zu. %s", i + 1, b->dfu_steps.items[i]);
			fprintf(f, "\nThe wizard waits for it.");
		}
		fprintf(f, " Afterwards: %s and reset the board.",
			b->dfu_boot0_jumper ? "remove the BOOT0 jumper" : "release BOOT");
		break;
	case RS_ROUTE_SDCARD:
		break;
	}
	if (stops_klipper(route, svc))
		fprintf(f, "\nThe Klipper service is stopped meanwhile and started again "
			   "afterwards, also after a failure or a stop.");
	fprintf(f, "\nThe output shows here as it runs; c stops it (asks first).");
	fclose(f);
}

/* What the board holds when the run ended during step (failed or stopped). */
static const char *board_state(const struct rs_flash_ctx *c, const char *step)
{
	if (!step || !strcmp(step, "firmware") || !strcmp(step, "stop-klipper") ||
	    !strcmp(step, "dfu-util"))
		return "Nothing was written: the board still runs its old firmware.";
	if (!strcmp(step, "wait-dfu"))
		return "Nothing was written. If the board is in DFU mode now, remove the jumper "
		       "(or release BOOT) and reset it: it runs its old firmware again.";
	if (!strcmp(step, "flash") && c->flash_code != 0 && !c->dfu_fallback)
		return "The board still runs its old firmware unless the output says otherwise.";
	if (!strcmp(step, "flash") || !strcmp(step, "flash-dfu") || !strcmp(step, "dfu-appeared"))
		return "The flash did not finish: the board may hold incomplete firmware and wait "
		       "in its bootloader (DFU mode), not running Klipper. Flash it again: this "
		       "route, DFU, or an SD card.";
	if (!strcmp(step, "back-on-usb"))
		return "The new firmware was written, but the board was not seen back on USB: "
		       "power-cycle it, then check with `ratos-setup doctor`.";
	if (!strcmp(step, "flash-sdcard"))
		return "The upload to the board's own card did not finish: run this route again "
		       "before the board is power-cycled (its bootloader flashes that card's "
		       "file at power-on).";
	if (!strcmp(step, "power-cycle") || !strcmp(step, "check"))
		return "The firmware file is on the board's own card: its bootloader flashes it "
		       "at the next power-on. Power-cycle the board, then check it again.";
	return "See the output (l) for what was done.";
}

static void klipper_state(FILE *f, const struct rs_flash_ctx *c, const struct rs_job_result *res)
{
	if (c->route == RS_ROUTE_DFU && c->service.state == RS_SERVICE_RUNNING)
		fprintf(f, "Klipper kept running: restart it (FIRMWARE_RESTART) once the board is "
			   "back on USB.\n");
	else if (c->service.state != RS_SERVICE_RUNNING)
		fprintf(f, "The Klipper service was not running (%s); it was left alone.\n",
			rs_service_state_name(c->service.state));
	else if (!c->passed_check)
		fprintf(f, "Klipper was not stopped: it runs as before.\n");
	else if (res->finally_failed)
		fprintf(f, "!! Klipper could not be started again: sudo systemctl start klipper\n");
	else
		fprintf(f, "Klipper was stopped for the flash and started again.\n");
}

char *rs_flash_text_result(const struct rs_flash_ctx *c, const struct rs_job_result *res,
			   const struct rs_flash_proof *proof)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	const struct rs_board *b = c->board;
	if (res->state == RS_JOB_SUCCEEDED) {
		fprintf(f, "Flashed the %s over %s.\n\n", b->name, rs_route_title(c->route));
		if (c->route != RS_ROUTE_REMOTE_SD || !b->remote_sd_power_cycle)
			fprintf(f, "The board is back on USB running Klipper.\n");
		klipper_state(f, c, res);
		if (proof->message[0])
			fprintf(f, "%s%s\n", proof->state == RS_PROOF_OTHER ? "!! " : "",
				proof->message);
		fprintf(f, "\nEnter goes on; l shows the output.\n");
	} else {
		bool stopped = res->state == RS_JOB_CANCELLED;
		if (stopped)
			fprintf(f, "!! Stopped while %s.\n\n", rs_flash_text_step(res->failed_step));
		else
			fprintf(f, "!! Flashing failed while %s: %s\n\n",
				rs_flash_text_step(res->failed_step),
				res->status.message ? res->status.message : "failed");
		fprintf(f, "%s\n", board_state(c, res->failed_step));
		klipper_state(f, c, res);
		if (!stopped && res->status.hint)
			fprintf(f, "\nWhat to do: %s\n", res->status.hint);
		fprintf(f, "\nr tries again, Enter goes back to the routes, l shows the output, "
			   "p writes a report for help.\n");
	}
	fclose(f);
	return buf;
}

void rs_flash_text_stop(const struct rs_flash_ctx *c, const char *step, char *buf, size_t len)
{
	bool writing = step && (!strcmp(step, "flash") || !strcmp(step, "flash-dfu") ||
				!strcmp(step, "flash-sdcard"));
	snprintf(buf, len, "%s%s",
		 writing ? "The firmware is being written now: stopping may leave the board "
			   "without working firmware until it is flashed again."
			 : "Nothing is being written at this moment.",
		 c->route != RS_ROUTE_DFU && c->service.state == RS_SERVICE_RUNNING
			 ? " Klipper is started again either way." : "");
}
