// SPDX-License-Identifier: GPL-2.0
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "procfs.h"

ssize_t procfs_read(uint32_t pid, const char *name, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/%s", pid, name);
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

void procfs_clean_comm(char *comm)
{
	for (; *comm; comm++)
		if ((unsigned char)*comm < 0x20 || *comm == 0x7f)
			*comm = '?';
}

/*
 * "pid (comm) state ppid ... starttime ...": comm may hold spaces and
 * parentheses, so the fields after it start at the last ')'. starttime is
 * field 22; after comm, the 20th.
 */
int procfs_parse_stat(const char *text, struct proc_stat *st)
{
	const char *open = strchr(text, '('), *close = strrchr(text, ')');
	size_t n;

	if (!open || !close || close < open)
		return -1;
	n = close - open - 1;
	if (n >= sizeof(st->comm))
		n = sizeof(st->comm) - 1;
	memcpy(st->comm, open + 1, n);
	st->comm[n] = '\0';
	procfs_clean_comm(st->comm);
	if (sscanf(close + 1, " %*c %u %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
		   &st->ppid, &st->start_time) != 2)
		return -1;
	return 0;
}

int procfs_stat(uint32_t pid, struct proc_stat *st)
{
	char buf[1024];

	if (procfs_read(pid, "stat", buf, sizeof(buf)) < 0)
		return -1;
	return procfs_parse_stat(buf, st);
}
