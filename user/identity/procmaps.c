// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE	/* O_PATH */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/openat2.h>
#include "procmaps.h"

#define DELETED " (deleted)"

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

bool procmaps_parse_line(char *line, struct proc_mapping *m)
{
	unsigned long long start, end, off;
	char perms[8];
	int n = 0;

	if (sscanf(line, "%llx-%llx %7s %llx %*s %*u %n", &start, &end, perms,
		   &off, &n) < 4 || !n || !strchr(perms, 'x') || end <= start)
		return false;
	line[strcspn(line, "\n")] = '\0';
	*m = (struct proc_mapping){ start, end, off, line + n };
	return true;
}

int procmaps_read(uint32_t pid, procmaps_fn fn, void *arg)
{
	struct proc_mapping m;
	char path[64], *line = NULL;
	size_t cap = 0;
	int ret = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (!ret && getline(&line, &cap, f) > 0)
		if (procmaps_parse_line(line, &m))
			ret = fn(arg, &m);
	free(line);
	fclose(f);
	return ret;
}

/* The path inside the process's root, never leaving it: a container
 * controls its paths and may point them at the node's files. */
static int open_in_root(uint32_t pid, const char *path)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	char root[64];
	int dfd, fd, err;

	snprintf(root, sizeof(root), "/proc/%u/root", pid);
	dfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	fd = syscall(SYS_openat2, dfd, path, &how, sizeof(how));
	err = errno;
	close(dfd);
	errno = err;
	return fd;
}

int procmaps_open(uint32_t pid, const struct proc_mapping *m)
{
	char p[96];
	struct stat st;
	int fd;

	snprintf(p, sizeof(p), "/proc/%u/map_files/%llx-%llx", pid,
		 (unsigned long long)m->start, (unsigned long long)m->end);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && (m->path[0] != '/' || ends_with(m->path, DELETED))) {
		errno = ENOENT;
		return -1;
	}
	if (fd < 0)
		fd = open_in_root(pid, m->path);
	if (fd < 0)
		return -1;
	/* Only a regular file is code: never wait on a FIFO or a device. */
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

void procmaps_module(const char *path, char *out, size_t len)
{
	const char *slash = strrchr(path, '/');

	snprintf(out, len, "%s", slash ? slash + 1 : path);
	if (ends_with(out, DELETED))
		out[strlen(out) - strlen(DELETED)] = '\0';
}
