/* SPDX-License-Identifier: GPL-2.0 */
/* Identity of a live process from /proc. */
#ifndef MESHPROF_PROCINFO_H
#define MESHPROF_PROCINFO_H

#include "run.h"

/*
 * Fill comm, exe, ppid, cgroup path and pod identity of @p->pid. Fields that
 * cannot be read keep their value (an exec event's comm outlives the
 * process). Returns -1 when the process is gone.
 */
int procinfo_fill(struct process *p);
/* What an exec changes of @p: exe, cgroup path and pod identity (runtimes
 * put a container's first process in its cgroup before it execs). */
void procinfo_exec(struct process *p);
/* Resident memory of @pid in bytes; -1 when it is gone. */
int procinfo_rss(uint32_t pid, uint64_t *rss);
/* Calls @fn for every process (tgid) in /proc; stops early when it fails. */
int procinfo_scan(int (*fn)(uint32_t pid, void *ctx), void *ctx);

#endif
