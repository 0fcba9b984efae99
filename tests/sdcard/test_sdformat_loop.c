/* format on a real block device: a loop device over an image with a GPT
 * table, held exclusively the way `sdcard format` holds a card. The new DOS
 * table is written through that open file, the kernel re-reads it (the
 * partition device changes size), the filesystem mkfs.fat built in memory
 * lands on the partition and fsck.fat finds it clean, and both GPT headers
 * are gone. Needs root and loop devices; skipped (77) otherwise. The policy
 * that refuses loop devices for `--device` is tested elsewhere: here the
 * card is opened by hand. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "platform/sdformat.h"

static char img[] = "/tmp/rs-sdloop-XXXXXX";
static char loopdev[64];

static int sh(const char *cmd)
{
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static unsigned long long part1_sectors(const char *name)
{
	char path[128], buf[32] = "";
	snprintf(path, sizeof(path), "/sys/class/block/%sp1/size", name);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strtoull(buf, NULL, 10);
}

#define FAIL(...) do { fprintf(stderr, "FAIL: " __VA_ARGS__); fputc('\n', stderr); goto out; } while (0)

int main(void)
{
	if (geteuid() != 0 || sh("command -v losetup sfdisk mkfs.fat fsck.fat >/dev/null") != 0) {
		fprintf(stderr, "SKIP: needs root, losetup, sfdisk and dosfstools\n");
		return 77;
	}
	int tmp = mkstemp(img);
	if (tmp < 0 || ftruncate(tmp, 64 << 20) != 0)
		return 1;
	close(tmp);
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "printf 'label: gpt\\nsize=16M\\n' | sfdisk -q %s", img);
	if (sh(cmd) != 0)
		return 1;
	snprintf(cmd, sizeof(cmd), "losetup -fP --show %s", img);
	FILE *p = popen(cmd, "r");
	if (!p || !fgets(loopdev, sizeof(loopdev), p) || pclose(p) != 0) {
		fprintf(stderr, "SKIP: no loop device here\n");
		unlink(img);
		return 77;
	}
	loopdev[strcspn(loopdev, "\n")] = '\0';
	const char *name = strrchr(loopdev, '/') + 1;
	int rc = 1;
	struct rs_sdcard c = { 0 };
	struct rs_errors errs = { 0 };
	for (int i = 0; i < 100 && part1_sectors(name) == 0; i++)
		usleep(10000);
	/* Some containers give loop devices without partition scanning; the
	 * re-read can then not be seen, the rest still can. */
	bool partscan = part1_sectors(name) == 32768;
	if (!partscan)
		printf("note: no partition scanning on %s here; the re-read is not checked\n",
		       loopdev);

	c.fd = open(loopdev, O_RDWR | O_EXCL | O_CLOEXEC);
	if (c.fd < 0)
		FAIL("open %s: %s", loopdev, strerror(errno));
	struct stat st;
	fstat(c.fd, &st);
	c.has_fd = c.exclusive = c.block = true;
	c.path = rs_xstrdup(loopdev);
	c.disk = rs_xstrdup(name);
	c.kind = RS_SD_DISK;
	c.gpt = true;
	c.major = major(st.st_rdev);
	c.minor = minor(st.st_rdev);
	c.size = 64 << 20;
	/* While we hold it, nobody else gets it exclusively (a mount, mkfs). */
	int other = open(loopdev, O_RDWR | O_EXCL | O_CLOEXEC);
	if (other >= 0 || errno != EBUSY)
		FAIL("a second exclusive open was allowed");
	enum rs_sd_status s = rs_sd_format(&c, "RATOS", &errs);
	if (s != RS_SD_OK)
		FAIL("format: %s: %s", rs_sd_status_name(s), errs.count ? errs.items[0].msg : "");
	/* The kernel re-read the table: p1 now spans 2048 .. end. */
	if (partscan && part1_sectors(name) != 131072 - 2048)
		FAIL("the kernel still sees p1 with %llu sectors", part1_sectors(name));
	close(c.fd);
	c.has_fd = false;
	if (partscan)
		snprintf(cmd, sizeof(cmd), "fsck.fat -n %sp1 >/dev/null", loopdev);
	else
		snprintf(cmd, sizeof(cmd), "dd if=%s of=%s.p1 bs=512 skip=2048 2>/dev/null && "
					   "fsck.fat -n %s.p1 >/dev/null; r=$?; rm -f %s.p1; exit $r",
			 loopdev, img, img, img);
	if (sh(cmd) != 0)
		FAIL("fsck.fat -n on partition 1");
	snprintf(cmd, sizeof(cmd), "! tail -c 512 %s | grep -q 'EFI PART' && "
				   "! dd if=%s bs=512 skip=1 count=1 2>/dev/null | grep -q 'EFI PART'",
		 img, img);
	if (sh(cmd) != 0)
		FAIL("a GPT header survived");
	printf("PASS: %s formatted through the exclusive open%s\n", loopdev,
	       partscan ? ", table re-read" : "");
	rc = 0;
out:
	if (c.has_fd)
		close(c.fd);
	free(c.path);
	free(c.disk);
	rs_errors_clear(&errs);
	snprintf(cmd, sizeof(cmd), "losetup -d %s", loopdev);
	sh(cmd);
	unlink(img);
	return rc;
}
