// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cgroup.h"
#include "procfs.h"
#include "procinfo.h"

int procinfo_fill(struct process *p)
{
	struct proc_stat st;

	if (procfs_stat(p->pid, &st))
		return -1;
	snprintf(p->comm, sizeof(p->comm), "%s", st.comm);
	p->ppid = st.ppid;
	procinfo_exec(p);
	return 0;
}

void procinfo_exec(struct process *p)
{
	char path[64], text[4096];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%u/exe", p->pid);
	n = readlink(path, p->exe, sizeof(p->exe) - 1);
	p->exe[n > 0 ? n : 0] = '\0';

	if (procfs_read(p->pid, "cgroup", text, sizeof(text)) > 0)
		p->in_pod = cgroup_parse(text, &p->pod, p->cgroup,
					 sizeof(p->cgroup)) == 1;
}

int procinfo_rss(uint32_t pid, uint64_t *rss)
{
	unsigned long long size, resident;
	char buf[256];

	if (procfs_read(pid, "statm", buf, sizeof(buf)) < 0 ||
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
