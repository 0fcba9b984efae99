#include "platform/board_dir.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/board_loader.h"
#include "core/xalloc.h"

#define DRIVERS_FILE "drivers.yaml"

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *rs_boards_dir_find(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		const char *rel[] = { "boards", "../share/ratos-setup/boards" };
		for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			char *cand = rs_xasprintf("%s/%s", exe, rel[i]);
			if (is_dir(cand))
				return cand;
			free(cand);
		}
	}
	if (is_dir(RS_DATA_DIR "/boards"))
		return rs_xstrdup(RS_DATA_DIR "/boards");
	return NULL;
}

static bool has_yaml_suffix(const char *name)
{
	size_t n = strlen(name);
	return n > 5 && strcmp(name + n - 5, ".yaml") == 0 && name[0] != '.';
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **rs_boards_dir_list(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (!has_yaml_suffix(e->d_name))
			continue;
		names = rs_xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = rs_xstrdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), compare_names);
	*count = n;
	return names ? names : rs_xcalloc(1, sizeof(*names));
}

void rs_boards_dir_list_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

bool rs_catalog_load_dir(const char *dir, struct rs_catalog *cat)
{
	size_t n = 0;
	char **names = rs_boards_dir_list(dir, &n);
	if (!names)
		return false;
	cat->dir = rs_xstrdup(dir);

	char *drivers = rs_xasprintf("%s/%s", dir, DRIVERS_FILE);
	if (access(drivers, F_OK) == 0)
		rs_drivers_load_file(drivers, cat, &cat->errors);
	else
		rs_errors_add(&cat->errors, RS_ERR_IO, drivers, 0, 0,
			      "missing: the jumper check needs the driver list");
	free(drivers);

	for (size_t i = 0; i < n; i++) {
		if (strcmp(names[i], DRIVERS_FILE) == 0)
			continue;
		char *path = rs_xasprintf("%s/%s", dir, names[i]);
		struct rs_board b;
		if (rs_board_load_file(path, &b, &cat->errors))
			rs_catalog_add_board(cat, &b);
		free(path);
	}
	rs_boards_dir_list_free(names, n);
	rs_catalog_finish(cat);
	return true;
}

unsigned rs_validate_path(const char *path, struct rs_errors *errs)
{
	if (is_dir(path)) {
		struct rs_catalog cat = { 0 };
		unsigned files = 0;
		size_t n = 0;
		char **names = rs_boards_dir_list(path, &n);
		if (names) {
			files = (unsigned)n;
			rs_boards_dir_list_free(names, n);
		}
		if (!rs_catalog_load_dir(path, &cat))
			rs_errors_add(errs, RS_ERR_IO, path, 0, 0, "cannot read this directory");
		rs_errors_move(errs, &cat.errors);
		rs_catalog_free(&cat);
		return files;
	}
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (strcmp(base, DRIVERS_FILE) == 0) {
		struct rs_catalog cat = { 0 };
		rs_drivers_load_file(path, &cat, errs);
		rs_catalog_free(&cat);
	} else {
		struct rs_board b;
		if (rs_board_load_file(path, &b, errs))
			rs_board_free(&b);
	}
	return 1;
}
