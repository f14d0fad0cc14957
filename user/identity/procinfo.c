// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "procinfo.h"

static ssize_t read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* ppid is the 4th field of /proc/PID/stat, after "(comm)" which may itself
 * contain spaces and parentheses. */
static int read_ppid(uint32_t pid, uint32_t *ppid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %u", ppid) != 1)
		return -1;
	return 0;
}

int procinfo_fill(struct process *p)
{
	char path[64], text[4096];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%u/comm", p->pid);
	n = read_file(path, text, sizeof(text));
	if (n < 0)
		return -1;
	text[strcspn(text, "\n")] = '\0';
	snprintf(p->comm, sizeof(p->comm), "%.15s", text);
	read_ppid(p->pid, &p->ppid);

	snprintf(path, sizeof(path), "/proc/%u/exe", p->pid);
	n = readlink(path, p->exe, sizeof(p->exe) - 1);
	p->exe[n > 0 ? n : 0] = '\0';

	snprintf(path, sizeof(path), "/proc/%u/cgroup", p->pid);
	if (read_file(path, text, sizeof(text)) > 0)
		p->in_pod = cgroup_parse(text, &p->pod, p->cgroup,
					 sizeof(p->cgroup)) == 1;
	return 0;
}

int procinfo_rss(uint32_t pid, uint64_t *rss)
{
	unsigned long long size, resident;
	char path[64], buf[256];

	snprintf(path, sizeof(path), "/proc/%u/statm", pid);
	if (read_file(path, buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "%llu %llu", &size, &resident) != 2)
		return -1;
	*rss = resident * (uint64_t)sysconf(_SC_PAGESIZE);
	return 0;
}

int procinfo_scan(int (*fn)(uint32_t pid, void *ctx), void *ctx)
{
	struct dirent *de;
	DIR *dir;
	int err = 0;

	dir = opendir("/proc");
	if (!dir)
		return -1;
	while (!err && (de = readdir(dir))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		err = fn(strtoul(de->d_name, NULL, 10), ctx);
	}
	closedir(dir);
	return err;
}
