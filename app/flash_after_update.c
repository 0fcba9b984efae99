#include "app/flash_after_update.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/after_update_conf.h"
#include "core/autoflash.h"
#include "core/print_check.h"
#include "core/text_safe.h"
#include "platform/identity.h"
#include "platform/klippy_socket.h"
#include "platform/log.h"
#include "platform/proc.h"
#include "platform/root_conf.h"

/* One line for the journal (stdout of the unit; stderr with --json, whose
 * stdout is the document) and the same in the log. */
static void say(const struct flash_all_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say(const struct flash_all_opts *o, const char *fmt, ...)
{
	char line[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	FILE *out = o->json ? stderr : stdout;
	fprintf(out, "after-update: %s\n", line);
	fflush(out);
	rs_log("after-update: %s", line);
}

bool rs_after_update_enabled(const struct flash_all_opts *o, int *rc)
{
	const char *path = o->settings ? o->settings : RS_AFTER_UPDATE_CONF;
	size_t len;
	bool missing;
	char *why;
	char *text = rs_root_conf_read(path, RS_AFTER_UPDATE_CONF_MAX_BYTES, &len, &missing, &why);
	struct rs_after_update_conf conf;
	rs_after_update_conf_defaults(&conf);
	*rc = 0;
	if (!text && missing) {
		say(o, "no settings file %s: flashing after updates is off", path);
		free(why);
		return false;
	}
	if (!text) {
		fprintf(stderr, "ratos-setup flash: %s\n", why);
		rs_log("after-update: %s", why);
		free(why);
		*rc = 1;
		return false;
	}
	struct rs_errors errs = { 0 };
	bool ok = rs_after_update_conf_parse(text, len, path, &conf, &errs);
	for (size_t i = 0; i < errs.count; i++) {
		char buf[700];
		fprintf(stderr, "%s\n", rs_error_format(&errs.items[i], buf, sizeof(buf)));
		rs_log("after-update: %s", buf);
	}
	rs_errors_clear(&errs);
	free(text);
	if (!ok) {
		fprintf(stderr, "ratos-setup flash: nothing flashed: fix %s (auto_flash_usb = yes "
				"or no)\n",
			path);
		*rc = 1;
		return false;
	}
	if (!conf.auto_flash_usb) {
		say(o, "auto_flash_usb is off in %s: nothing flashed", path);
		return false;
	}
	say(o, "auto_flash_usb is on (%s): USB boards running Klipper are flashed", path);
	return true;
}

void rs_after_update_limit(struct flash_all *fa)
{
	for (size_t i = 0; i < fa->plan.count; i++) {
		struct flash_all_mcu *m = &fa->mcus[i];
		char why[sizeof(m->left_alone)];
		if (rs_autoflash_pick(m->it, why, sizeof(why)) != RS_AUTOFLASH_LEFT_ALONE)
			continue;
		snprintf(m->left_alone, sizeof(m->left_alone), "%s", why);
		m->build = false;
		m->table = NULL;
		say(&fa->o, "%s (%s) left alone: %s", m->it->name,
		    m->it->board ? m->it->board->id : rs_mcu_route_name(m->it), why);
	}
}

void rs_after_update_results(struct flash_all *fa, char (*results)[512])
{
	for (size_t i = 0; i < fa->plan.count; i++) {
		struct flash_all_mcu *m = &fa->mcus[i];
		if (!m->left_alone[0])
			continue;
		snprintf(results[i], 512, "left alone: %s", m->left_alone);
		m->failed = true;
	}
}

/* Klipper's make flash runs as the user and calls `sudo dfu-util` itself
 * (flash_usb.py), after it has already sent the board to its bootloader:
 * with nobody there to type a password that sudo fails and leaves the board
 * in the bootloader. So, acting for a user, make sure first that the user's
 * sudo needs no password (AVR boards flash with avrdude, without sudo). */
static bool sudo_ready(const struct flash_all *fa, char *why, size_t len)
{
	bool wanted = false;
	for (size_t i = 0; i < fa->plan.count; i++)
		wanted |= fa->mcus[i].table && fa->mcus[i].it->board &&
			  !rs_route_mcu_is_avr(fa->mcus[i].it->board->mcu);
	if (!wanted || !rs_identity_is_sudo())
		return true;
	char *argv[] = { "sudo", "-n", "true", NULL };
	struct rs_proc_output out;
	rs_proc_capture(argv, NULL, 4096, 4096, &out);
	bool ok = out.status == 0;
	if (!ok) {
		char said[200] = "";
		if (out.err) {
			out.err[strcspn(out.err, "\n")] = '\0';
			rs_text_safe_copy(said, sizeof(said), out.err, strlen(out.err));
		}
		snprintf(why, len,
			 "Klipper's make flash calls sudo as %s, and `sudo -n true` %s%s%s%s: "
			 "flashing unattended needs sudo without a password for %s",
			 rs_identity_user_name(), out.exec_errno ? "cannot run: " : "failed",
			 out.exec_errno ? strerror(out.exec_errno) : "", said[0] ? ": " : "", said,
			 rs_identity_user_name());
	}
	rs_proc_output_free(&out);
	return ok;
}

bool rs_after_update_may_flash(const struct flash_all *fa, int *rc)
{
	char sudo_why[400];
	if (!sudo_ready(fa, sudo_why, sizeof(sudo_why))) {
		*rc = 1;
		say(&fa->o, "%s: nothing flashed, Klipper left as it is", sudo_why);
		return false;
	}
	char *def = fa->o.klippy_socket ? NULL : rs_klippy_default_socket();
	const char *path = fa->o.klippy_socket ? fa->o.klippy_socket : def;
	struct rs_print_check pc;
	rs_klippy_ask_print(path, RS_KLIPPY_TIMEOUT_MS, &pc);
	if (!pc.answered)
		rs_print_check_unanswered(&pc, fa->svc.state);
	free(def);
	*rc = pc.verdict == RS_PRINT_RUNNING ? 0 : 1;
	if (pc.verdict == RS_PRINT_NONE) {
		say(&fa->o, "%s: flashing", pc.why);
		return true;
	}
	say(&fa->o, "%s: nothing flashed, Klipper left as it is; flash later with sudo ratos-setup "
	    "flash --all",
	    pc.why);
	return false;
}
