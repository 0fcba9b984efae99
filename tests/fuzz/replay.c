/* Runs every file of a regression directory once through a fuzz target's
 * entry point, in an ordinary build (gcc or clang, with or without ASan), so
 * an input that once crashed a fuzz target is checked by every ctest run.
 * Each input gets a buffer of exactly its size, as under libFuzzer, so ASan
 * sees any read past its end.
 * usage: <target>_replay DIR... */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_file(const char *path, size_t size)
{
	/* Exactly size bytes: malloc(0) still gives a pointer ASan guards. */
	uint8_t *data = malloc(size);
	FILE *f = fopen(path, "rb");
	if (!data || !f || fread(data, 1, size, f) != size) {
		fprintf(stderr, "%s: cannot read: %s\n", path, strerror(errno));
		free(data);
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	printf("%s (%zu bytes)\n", path, size);
	fflush(stdout); /* the name is out before a crash */
	LLVMFuzzerTestOneInput(data, size);
	free(data);
	return 0;
}

static int replay_dir(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(path, (size_t)st.st_size) < 0)
				rc = -1;
			else
				(*count)++;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	int rc = 0;
	for (int i = 1; i < argc; i++)
		if (replay_dir(argv[i], &count) < 0)
			rc = 1;
	if (count == 0) {
		fprintf(stderr, "no inputs to replay\n");
		return 1;
	}
	printf("%zu inputs replayed, none crashed\n", count);
	return rc;
}
