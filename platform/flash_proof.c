#include "platform/flash_proof.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/fw_current.h"
#include "core/xalloc.h"
#include "platform/doctor_files.h"
#include "platform/paths.h"

/* At most this much of what the log gained is read per poll: a poll must
 * stay brief on the wizard's loop; the rest comes with the next one. */
#define READ_PER_POLL (1024 * 1024)

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int wait_ms(void)
{
	const char *v = getenv("RATOS_SETUP_TEST_VERSION_WAIT_MS");
	if (!v || !*v)
		return RS_FLASH_PROOF_WAIT_MS;
	char *end;
	long ms = strtol(v, &end, 10);
	if (*end || ms < 0)
		return RS_FLASH_PROOF_WAIT_MS;
	return ms > 600000 ? 600000 : (int)ms;
}

void rs_flash_proof_begin(struct rs_flash_proof *p, const char *log_path)
{
	memset(p, 0, sizeof(*p));
	p->log_path = log_path ? rs_xstrdup(log_path) : rs_doctor_default_log();
	p->klog = rs_xmalloc(sizeof(*p->klog));
	rs_klog_init(p->klog);
	p->wait_ms = wait_ms();
	struct stat st;
	if (stat(p->log_path, &st) == 0 && S_ISREG(st.st_mode)) {
		p->had_log = true;
		p->dev = st.st_dev;
		p->ino = st.st_ino;
		p->offset = st.st_size;
	}
}

void rs_flash_proof_free(struct rs_flash_proof *p)
{
	free(p->log_path);
	free(p->klog);
	memset(p, 0, sizeof(*p));
}

static void settle(struct rs_flash_proof *p, enum rs_proof_state s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void settle(struct rs_flash_proof *p, enum rs_proof_state s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->message, sizeof(p->message), fmt, ap);
	va_end(ap);
	p->state = s;
}

bool rs_flash_proof_arm(struct rs_flash_proof *p, const struct rs_flash_ctx *c,
			const struct rs_job_result *r)
{
	const char *later = "`ratos-setup doctor` reads the version the board reports from "
			    "klippy.log once Klipper has connected to it.";
	if (r->state != RS_JOB_SUCCEEDED) {
		settle(p, RS_PROOF_UNKNOWN, "%s", "");
		return false;
	}
	if (c->route == RS_ROUTE_DFU || c->service.state != RS_SERVICE_RUNNING) {
		settle(p, RS_PROOF_UNKNOWN, "%s %s",
		       c->service.state == RS_SERVICE_RUNNING
			       ? "Klipper kept running during the DFU flash: restart it "
				 "(FIRMWARE_RESTART in the web interface)."
			       : "The Klipper service was not running: start it.",
		       later);
		return false;
	}
	if (r->finally_failed) {
		settle(p, RS_PROOF_UNKNOWN, "Klipper did not start again: start it with sudo "
		       "systemctl start klipper. %s", later);
		return false;
	}
	char *shown = rs_path_pretty(p->log_path);
	if (!p->had_log) {
		settle(p, RS_PROOF_UNKNOWN, "There was no klippy.log at %s before the flash, so the "
		       "version the board runs cannot be read here (this is not a failure of "
		       "the flash). %s", shown, later);
		free(shown);
		return false;
	}
	free(shown);
	p->state = RS_PROOF_WAITING;
	p->started = now_s();
	p->deadline = p->started + p->wait_ms / 1000.0;
	return true;
}

/* What the log gained since the last look; a rotated or truncated log is
 * read from its beginning. */
static void read_more(struct rs_flash_proof *p)
{
	struct stat st;
	if (stat(p->log_path, &st) != 0 || !S_ISREG(st.st_mode))
		return; /* rotated away and not yet created again */
	if (st.st_dev != p->dev || st.st_ino != p->ino || st.st_size < p->offset) {
		rs_klog_init(p->klog);
		p->dev = st.st_dev;
		p->ino = st.st_ino;
		p->offset = 0;
	}
	if (st.st_size == p->offset)
		return;
	int fd = open(p->log_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return;
	char buf[65536];
	size_t left = READ_PER_POLL;
	while (left > 0) {
		ssize_t n = pread(fd, buf, sizeof(buf) < left ? sizeof(buf) : left, p->offset);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		rs_klog_feed(p->klog, buf, (size_t)n);
		p->offset += n;
		left -= (size_t)n;
	}
	close(fd);
}

/* The board among the MCUs of the new start: the one with its chip (the
 * main "mcu" first when two have it); without any chip line, the only MCU. */
static const struct rs_klog_mcu *find_board(const struct rs_klog *k, const struct rs_board *b,
					    bool need_chip)
{
	const struct rs_klog_mcu *found = NULL;
	for (size_t i = 0; i < k->mcu_count; i++) {
		const struct rs_klog_mcu *m = &k->mcus[i];
		if (!m->version[0] || !m->chip[0] || strcasecmp(m->chip, b->mcu) != 0)
			continue;
		if (!found || strcmp(m->name, "mcu") == 0)
			found = m;
	}
	if (!found && !need_chip && k->mcu_count == 1 && !k->mcus[0].chip[0] &&
	    k->mcus[0].version[0])
		found = &k->mcus[0];
	return found;
}

static void judge(struct rs_flash_proof *p, const struct rs_klog_mcu *m, const char *tree)
{
	snprintf(p->version, sizeof(p->version), "%s", m->version);
	if (tree && rs_fw_version_matches(m->version, tree))
		settle(p, RS_PROOF_SAME, "Klipper started again: the board runs %s, the same as "
		       "Klipper's tree.", m->version);
	else if (tree)
		settle(p, RS_PROOF_OTHER, "Klipper started again, but the board ('%s') reports %s, "
		       "not the tree's %s: it may not have taken the new firmware. "
		       "`ratos-setup doctor` explains.", m->name, m->version, tree);
	else
		settle(p, RS_PROOF_OTHER, "Klipper started again: the board runs %s (the Klipper "
		       "tree's version is unknown).", m->version);
}

bool rs_flash_proof_poll(struct rs_flash_proof *p, const struct rs_board *b,
			 const char *tree_version)
{
	if (p->state != RS_PROOF_WAITING)
		return true;
	read_more(p);
	bool late = now_s() >= p->deadline;
	const struct rs_klog_mcu *m =
		p->klog->have_start ? find_board(p->klog, b, !late) : NULL;
	if (m) {
		judge(p, m, tree_version);
		return true;
	}
	if (!late)
		return false;
	int secs = (p->wait_ms + 999) / 1000;
	char *shown = rs_path_pretty(p->log_path);
	if (p->klog->have_start)
		settle(p, RS_PROOF_UNKNOWN, "Klipper started again, but had not connected to the "
		       "board within %d s, so the version it runs could not be read (this is not "
		       "a failure of the flash). `ratos-setup doctor` reads it from %s later.",
		       secs, shown);
	else
		settle(p, RS_PROOF_UNKNOWN, "Klipper's new start did not show in %s within %d s, so "
		       "the version the board runs could not be read (this is not a failure of the "
		       "flash). `ratos-setup doctor` reads it once Klipper has started.",
		       shown, secs);
	free(shown);
	return true;
}

void rs_flash_proof_stop(struct rs_flash_proof *p)
{
	if (p->state != RS_PROOF_WAITING)
		return;
	settle(p, RS_PROOF_UNKNOWN, "Not waited for Klipper's new start: the version the board "
	       "runs was not read (this is not a failure of the flash). `ratos-setup doctor` "
	       "reads it from klippy.log.");
}

int rs_flash_proof_seconds_left(const struct rs_flash_proof *p)
{
	double left = p->deadline - now_s();
	return left > 0 ? (int)(left + 0.999) : 0;
}

void rs_flash_proof_run(struct rs_flash_proof *p, const struct rs_flash_ctx *c,
			const struct rs_job_result *r, volatile sig_atomic_t *cancel, FILE *out)
{
	if (rs_flash_proof_arm(p, c, r)) {
		fprintf(out, "Waiting up to %d s for Klipper's new start in klippy.log, for the "
			"version the board reports...\n", (p->wait_ms + 999) / 1000);
		fflush(out);
		while (!rs_flash_proof_poll(p, c->board, c->tree_version)) {
			if (cancel && *cancel) {
				rs_flash_proof_stop(p);
				break;
			}
			struct timespec ts = { 0, 200 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
	}
	if (p->message[0])
		fprintf(out, "%s\n", p->message);
}
