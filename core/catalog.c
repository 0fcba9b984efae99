#include "core/catalog.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

void rs_catalog_add_board(struct rs_catalog *cat, struct rs_board *b)
{
	cat->boards = rs_xrealloc(cat->boards, (cat->board_count + 1) * sizeof(*cat->boards));
	cat->boards[cat->board_count++] = *b;
	memset(b, 0, sizeof(*b));
}

void rs_catalog_add_driver(struct rs_catalog *cat, struct rs_driver *d)
{
	cat->drivers = rs_xrealloc(cat->drivers, (cat->driver_count + 1) * sizeof(*cat->drivers));
	cat->drivers[cat->driver_count++] = *d;
	memset(d, 0, sizeof(*d));
}

static int board_order(const void *pa, const void *pb)
{
	const struct rs_board *a = pa, *b = pb;
	if (a->kind != b->kind)
		return a->kind == RS_KIND_CONTROL ? -1 : 1;
	int c = strcmp(a->manufacturer, b->manufacturer);
	if (c)
		return c;
	c = strcmp(a->name, b->name);
	return c ? c : strcmp(a->id, b->id);
}

/* A board that references something missing is dropped, so everything
 * downstream can trust the references it follows. */
static bool board_refs_ok(struct rs_catalog *cat, const struct rs_board *b)
{
	bool ok = true;
	for (size_t i = 0; i < b->integrated_drivers.count; i++) {
		if (!rs_catalog_find_driver(cat, b->integrated_drivers.items[i])) {
			rs_errors_add(&cat->errors, RS_ERR_VALUE, b->source_file, 0, 0,
				      "integrated driver '%s' is not in drivers.yaml",
				      b->integrated_drivers.items[i]);
			ok = false;
		}
	}
	return ok;
}

void rs_catalog_finish(struct rs_catalog *cat)
{
	size_t kept = 0;
	for (size_t i = 0; i < cat->board_count; i++) {
		bool dup = false;
		for (size_t j = 0; j < kept; j++)
			dup |= strcmp(cat->boards[j].id, cat->boards[i].id) == 0;
		if (dup)
			rs_errors_add(&cat->errors, RS_ERR_VALUE, cat->boards[i].source_file, 0, 0,
				      "board id '%s' is defined twice", cat->boards[i].id);
		if (dup || (cat->driver_count && !board_refs_ok(cat, &cat->boards[i])))
			rs_board_free(&cat->boards[i]);
		else
			cat->boards[kept++] = cat->boards[i];
	}
	cat->board_count = kept;
	for (size_t i = 0; i < cat->board_count; i++) {
		const struct rs_board *b = &cat->boards[i];
		if (b->recommended && !rs_catalog_find(cat, b->recommended))
			rs_errors_add(&cat->errors, RS_ERR_VALUE, b->source_file, 0, 0,
				      "recommended board '%s' does not exist", b->recommended);
	}
	if (cat->board_count > 1)
		qsort(cat->boards, cat->board_count, sizeof(*cat->boards), board_order);
}

void rs_catalog_free(struct rs_catalog *cat)
{
	for (size_t i = 0; i < cat->board_count; i++)
		rs_board_free(&cat->boards[i]);
	free(cat->boards);
	for (size_t i = 0; i < cat->driver_count; i++)
		rs_driver_free(&cat->drivers[i]);
	free(cat->drivers);
	rs_errors_clear(&cat->errors);
	free(cat->dir);
	memset(cat, 0, sizeof(*cat));
}

const struct rs_board *rs_catalog_find(const struct rs_catalog *cat, const char *id)
{
	for (size_t i = 0; i < cat->board_count; i++)
		if (strcmp(cat->boards[i].id, id) == 0)
			return &cat->boards[i];
	return NULL;
}

const struct rs_driver *rs_catalog_find_driver(const struct rs_catalog *cat, const char *id)
{
	for (size_t i = 0; i < cat->driver_count; i++)
		if (strcmp(cat->drivers[i].id, id) == 0)
			return &cat->drivers[i];
	return NULL;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return (size_t)-1;
	size_t row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

size_t rs_catalog_suggest(const struct rs_catalog *cat, const char *id, const char **out,
			  size_t max)
{
	size_t n = 0, limit = strlen(id) / 3 + 2;
	/* Two passes: near misses first, then ids that merely contain the text. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < cat->board_count && n < max; i++) {
			const char *cand = cat->boards[i].id;
			bool hit = pass == 0 ? edit_distance(id, cand) <= limit
					     : (*id && strstr(cand, id) && edit_distance(id, cand) > limit);
			if (hit)
				out[n++] = cand;
		}
	}
	return n;
}
