#include "core/catalog_cache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/board_rules.h"
#include "core/xalloc.h"

/* Bump when the layout below changes; the struct sizes catch most misses. */
#define CACHE_MAGIC "ratos-setup catalog 3" /* 3: flash.katapult */
#define LAYOUT ((uint32_t)(sizeof(struct rs_board) * 1000 + sizeof(struct rs_driver)))
#define NO_STRING UINT32_MAX

/* One codec serves both directions, so the field order is written once. */
struct codec {
	bool decoding;
	bool bad;
	char *buf; /* encoding: grows */
	size_t len, cap, pos;
	const char *in; /* decoding */
};

static void put(struct codec *c, const void *p, size_t n)
{
	if (c->len + n > c->cap) {
		c->cap = (c->len + n) * 2;
		c->buf = rs_xrealloc(c->buf, c->cap);
	}
	memcpy(c->buf + c->len, p, n);
	c->len += n;
}

static bool take(struct codec *c, void *p, size_t n)
{
	if (c->bad || n > c->len - c->pos) {
		c->bad = true;
		return false;
	}
	memcpy(p, c->in + c->pos, n);
	c->pos += n;
	return true;
}

static void io_u32(struct codec *c, uint32_t *v)
{
	if (c->decoding) {
		if (!take(c, v, sizeof(*v)))
			*v = 0;
	} else {
		put(c, v, sizeof(*v));
	}
}

static void io_uint(struct codec *c, unsigned *v)
{
	uint32_t u = *v;
	io_u32(c, &u);
	*v = u;
}

static void io_bool(struct codec *c, bool *v)
{
	uint32_t u = *v;
	io_u32(c, &u);
	c->bad |= u > 1;
	*v = u == 1;
}

/* Enums are checked against their last value so a damaged cache cannot
 * smuggle an out-of-range one into a switch. */
static void io_enum(struct codec *c, void *v, uint32_t last)
{
	int i;
	memcpy(&i, v, sizeof(i));
	uint32_t u = (uint32_t)i;
	io_u32(c, &u);
	c->bad |= u > last;
	i = (int)(u > last ? 0 : u);
	memcpy(v, &i, sizeof(i));
}

static void io_double(struct codec *c, double *v)
{
	if (c->decoding) {
		if (!take(c, v, sizeof(*v)))
			*v = 0;
	} else {
		put(c, v, sizeof(*v));
	}
}

static void io_str(struct codec *c, char **s)
{
	/* Decoding: *s is output only and may hold garbage until set here. */
	uint32_t n = !c->decoding && *s ? (uint32_t)strlen(*s) : NO_STRING;
	io_u32(c, &n);
	if (!c->decoding) {
		if (*s)
			put(c, *s, n);
		return;
	}
	*s = NULL;
	if (c->bad || n == NO_STRING)
		return;
	if (n > c->len - c->pos || memchr(c->in + c->pos, '\0', n)) {
		c->bad = true;
		return;
	}
	*s = rs_xstrndup(c->in + c->pos, n);
	c->pos += n;
}

/* A count that cannot exceed what is left of the input (each item takes at
 * least four bytes), so a damaged count cannot ask for a huge allocation. */
static size_t io_count(struct codec *c, size_t n)
{
	uint32_t u = (uint32_t)n;
	io_u32(c, &u);
	if (c->decoding && u > (c->len - c->pos) / 4)
		c->bad = true;
	return c->bad ? 0 : u;
}

static void io_strv(struct codec *c, struct rs_strv *v)
{
	size_t n = io_count(c, v->count);
	if (c->decoding) {
		v->items = n ? rs_xcalloc(n, sizeof(*v->items)) : NULL;
		v->count = n;
	}
	for (size_t i = 0; i < n; i++)
		io_str(c, &v->items[i]);
}

static void io_voltages(struct codec *c, unsigned *v, size_t *count)
{
	size_t n = io_count(c, *count);
	if (n > RS_MAX_VOLTAGES) {
		c->bad = true;
		n = 0;
	}
	*count = n;
	for (size_t i = 0; i < n; i++)
		io_uint(c, &v[i]);
}

static void io_board(struct codec *c, struct rs_board *b)
{
	io_str(c, &b->id);
	io_str(c, &b->name);
	io_str(c, &b->manufacturer);
	io_enum(c, &b->kind, RS_KIND_TOOLBOARD);
	io_str(c, &b->mcu);
	io_enum(c, &b->support, RS_SUPPORT_UNSUPPORTED);
	io_str(c, &b->support_reason);
	io_str(c, &b->recommended);
	io_strv(c, &b->klipper);
	io_str(c, &b->usb_serial);
	io_enum(c, &b->flash_method, RS_FLASH_MANUAL);
	io_str(c, &b->sd_file);
	io_str(c, &b->sd_renamed);
	io_str(c, &b->flash_notes);
	io_bool(c, &b->has_dfu);
	io_bool(c, &b->dfu_boot0_jumper);
	io_strv(c, &b->dfu_steps);
	io_str(c, &b->remote_sd_board);
	io_bool(c, &b->remote_sd_power_cycle);
	io_uint(c, &b->katapult_offset);
	io_uint(c, &b->driver_count);
	io_strv(c, &b->sockets);
	io_bool(c, &b->power_jumpers);
	io_voltages(c, b->motor_voltages, &b->motor_voltage_count);
	io_strv(c, &b->integrated_drivers);
	io_enum(c, &b->endstop_rail, RS_RAIL_3V3);
	io_str(c, &b->docs_url);
	io_str(c, &b->source_file);
	/* Everything the rest of the program dereferences without a check. */
	c->bad |= c->decoding && (!b->id || !b->name || !b->manufacturer || !b->mcu ||
				  !b->source_file);
}

static void io_driver(struct codec *c, struct rs_driver *d)
{
	io_str(c, &d->id);
	io_str(c, &d->name);
	io_str(c, &d->chip);
	io_str(c, &d->protocol);
	io_double(c, &d->sense_ohm);
	io_double(c, &d->max_current);
	io_voltages(c, d->voltages, &d->voltage_count);
	io_bool(c, &d->external);
	c->bad |= c->decoding && (!d->id || !d->name || !d->chip || !d->protocol);
}

static void io_error(struct codec *c, struct rs_error *e)
{
	io_enum(c, &e->code, RS_ERR_VALUE);
	io_str(c, &e->file);
	uint32_t line = (uint32_t)e->line, col = (uint32_t)e->col;
	io_u32(c, &line);
	io_u32(c, &col);
	e->line = (int)(line & 0x7fffffff);
	e->col = (int)(col & 0x7fffffff);
	io_str(c, &e->msg);
	c->bad |= c->decoding && (!e->file || !e->msg);
}

static void io_catalog(struct codec *c, struct rs_catalog *cat)
{
	io_str(c, &cat->dir);
	size_t n = io_count(c, cat->board_count);
	if (c->decoding) {
		cat->boards = rs_xcalloc(n, sizeof(*cat->boards));
		cat->board_count = n;
	}
	for (size_t i = 0; i < n && !c->bad; i++)
		io_board(c, &cat->boards[i]);
	n = io_count(c, cat->driver_count);
	if (c->decoding) {
		cat->drivers = rs_xcalloc(n, sizeof(*cat->drivers));
		cat->driver_count = n;
	}
	for (size_t i = 0; i < n && !c->bad; i++)
		io_driver(c, &cat->drivers[i]);
	n = io_count(c, cat->errors.count);
	if (c->decoding) {
		cat->errors.items = rs_xcalloc(n, sizeof(*cat->errors.items));
		cat->errors.count = cat->errors.cap = n;
	}
	for (size_t i = 0; i < n && !c->bad; i++)
		io_error(c, &cat->errors.items[i]);
}

static void io_header(struct codec *c, const char *fingerprint)
{
	char *magic = CACHE_MAGIC, *fp = (char *)fingerprint;
	uint32_t layout = LAYOUT;
	if (!c->decoding) {
		io_str(c, &magic);
		io_u32(c, &layout);
		io_str(c, &fp);
		return;
	}
	char *got_magic = NULL, *got_fp = NULL;
	io_str(c, &got_magic);
	io_u32(c, &layout);
	io_str(c, &got_fp);
	c->bad |= !got_magic || strcmp(got_magic, CACHE_MAGIC) != 0 || layout != LAYOUT ||
		  !got_fp || strcmp(got_fp, fingerprint) != 0;
	free(got_magic);
	free(got_fp);
}

char *rs_catalog_cache_encode(const struct rs_catalog *cat, const char *fingerprint,
			      size_t *len)
{
	struct codec c = { .decoding = false };
	io_header(&c, fingerprint);
	io_catalog(&c, (struct rs_catalog *)cat);
	*len = c.len;
	return c.buf;
}

bool rs_catalog_cache_decode(const char *buf, size_t len, const char *fingerprint,
			     struct rs_catalog *out)
{
	struct codec c = { .decoding = true, .in = buf, .len = len };
	memset(out, 0, sizeof(*out));
	io_header(&c, fingerprint);
	if (!c.bad)
		io_catalog(&c, out);
	/* The cache lives in the user's ~/.cache: what it says is held to the
	 * loader's rules, or a hand-edited id could name a folder elsewhere. */
	for (size_t i = 0; i < out->board_count && !c.bad; i++)
		c.bad = rs_board_rules_check(&out->boards[i], out->dir) != NULL;
	for (size_t i = 0; i < out->driver_count && !c.bad; i++)
		c.bad = rs_board_rules_check_driver(&out->drivers[i]) != NULL;
	if (c.bad || c.pos != len) {
		rs_catalog_free(out);
		return false;
	}
	return true;
}
