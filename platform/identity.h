/* Who ratos-setup acts as. Writing a card needs root, so it is run with sudo;
 * everything else it does touches the invoking user's own files (Klipper
 * tree, ~/.cache, the build, firmware_binaries, the wizard's state). Root is a
 * guest there: a symlink planted in those folders by anything running as the
 * user must never make root truncate, create, chown or delete a file.
 *
 * So under sudo the process acts as the invoking user by default: from
 * rs_identity_init() on, its effective uid, gid and supplementary groups are
 * the user's (the real uid stays 0 so it can switch back). Files are created,
 * opened, renamed and removed with the user's rights and belong to the user
 * without any chown. Only what needs root switches, explicitly and briefly:
 *
 *     if (!rs_identity_as_root_begin()) ...error...;
 *     fd = open("/dev/sda", O_RDWR | O_EXCL);   // and tools that need the device
 *     rs_identity_as_root_end();
 *
 * or, for one open(), rs_identity_open_as_root(). Children that work on the
 * user's files (make, git, the compilers) drop to the user for good before
 * exec: platform/proc.c calls rs_identity_drop_in_child(). A child forked
 * inside an as-root section (a tool that must open the device) runs as root.
 *
 * Without sudo (a normal user, or root logged in as root) nothing switches
 * and every function here is a cheap no-op. */
#ifndef RS_PLATFORM_IDENTITY_H
#define RS_PLATFORM_IDENTITY_H

#include <stdbool.h>
#include <sys/types.h>

/* Reads SUDO_UID, SUDO_GID and SUDO_USER when running as root, checks them
 * against the passwd and group databases (a uid that is no user, a name that
 * does not match it, a gid that is not one of the user's: refused), and
 * switches to the user. False, with a message for the user in *why (caller
 * frees), when the variables are nonsense or the switch failed; nothing is
 * changed then. Call once, before any file is touched. */
bool rs_identity_init(char **why);

/* The same switch for a root process that no sudo started (a system unit
 * acting for the user it is an instance of): as root, with no SUDO_*
 * variables, act as user (from the passwd database, with the user's own
 * primary group and groups). False, with *why, otherwise. Call once,
 * instead of rs_identity_init. */
bool rs_identity_init_as(const char *user, char **why);

/* True when running under sudo (or --as-user) for a user other than root. */
bool rs_identity_is_sudo(void);
/* The invoking user's name and home (from the passwd database) under
 * sudo; NULL otherwise. */
const char *rs_identity_user_name(void);
const char *rs_identity_user_home(void);

/* Switches to root for work that needs it: opening a block device and the
 * tools that must read or write that device. Sections nest; every successful
 * begin needs one end. Returns false (and stays the user) when root cannot
 * be regained. Always true without sudo. */
bool rs_identity_as_root_begin(void);
/* Back to the user. Aborts when that fails: continuing as root in the user's
 * files is the one thing that must not happen. */
void rs_identity_as_root_end(void);
/* open(2) as root under sudo, as ourselves otherwise. */
int rs_identity_open_as_root(const char *path, int flags, mode_t mode);

/* In a forked child, before exec: become the invoking user for good
 * (supplementary groups, gid, uid, in that order, each checked, and checked
 * that root cannot be regained). Async-signal-safe. True without sudo. */
bool rs_identity_drop_in_child(void);

#endif
