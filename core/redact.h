/* What a help report must not give away. Text going into `ratos-setup
 * report` passes through here first:
 *  - a line that may hold a secret is replaced whole: a key whose name
 *    contains psk, passw(or)d, passphrase, secret, token, api_key/apikey,
 *    credential, private_key or authorization followed by '=' or ':'
 *    ("psk=...", "password: ...", "\"token\": ..."), "wpa-psk ...",
 *    "Bearer ...", and URLs with a user:password@ part;
 *  - the user's home (and any /home/NAME) becomes "~";
 *  - serial numbers of devices that are not the configured boards' are
 *    masked: every one the caller lists, and any in a /dev/serial/by-id
 *    name (usb-<vendor>_<product>_<SERIAL>-ifNN) that is not kept;
 *  - IPv4 addresses other than loopback and MAC addresses are masked.
 * Host names are left alone: RatOS names every Pi "RatOS", the same word as
 * the product, and none of the collected files holds another by design. */
#ifndef RS_CORE_REDACT_H
#define RS_CORE_REDACT_H

#include <stdbool.h>
#include <stddef.h>

#define RS_REDACT_REMOVED_LINE "[line removed: it may hold a secret]"
#define RS_REDACT_SERIAL "<serial>"

struct rs_redact_rules {
	const char *home; /* the user's home, NULL: none besides /home/NAME */
	/* Serials of the configured boards: shown as they are. */
	const char *const *keep_serials;
	size_t keep_count;
	/* Serials of every other device seen: masked wherever they appear
	 * (shorter than 4 characters: ignored, they would hit ordinary words). */
	const char *const *mask_serials;
	size_t mask_count;
};

/* The redacted copy of text (len bytes, need not end in NUL), NUL-terminated,
 * its length in *out_len when not NULL. Caller frees. */
char *rs_redact(const struct rs_redact_rules *r, const char *text, size_t len, size_t *out_len);
/* Whether one line (without its newline) may hold a secret. */
bool rs_redact_line_is_secret(const char *line, size_t len);
/* The serial inside a /dev/serial/by-id path or name ("...usb-Klipper_
 * stm32f446xx_3E0047001851-if00" -> "3E0047001851") into buf; false when
 * it has none. */
bool rs_redact_serial_of(const char *path, char *buf, size_t len);

#endif
