/* SPDX-License-Identifier: GPL-2.0 */
/* Small reads of /proc/PID files, parsed once here. */
#ifndef MESHPROF_PROCFS_H
#define MESHPROF_PROCFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PROCFS_COMM_LEN 16

/* What /proc/PID/stat says of a process. */
struct proc_stat {
	char comm[PROCFS_COMM_LEN];
	uint32_t ppid;
	unsigned long long start_time;	/* clock ticks after boot: with the
					 * pid, names one process for good */
};

/* Reads /proc/@pid/@name into @buf (NUL-terminated, at most @len - 1
 * bytes); the length, or -1 with errno. */
ssize_t procfs_read(uint32_t pid, const char *name, char *buf, size_t len);
/* Parses /proc/@pid/stat; -1 when the process is gone. */
int procfs_stat(uint32_t pid, struct proc_stat *st);
/* A process names itself: control characters (a terminal's escapes) in
 * @comm become '?', as ps shows them. */
void procfs_clean_comm(char *comm);
/* Parses the text of a /proc/PID/stat file; -1 when malformed. */
int procfs_parse_stat(const char *text, struct proc_stat *st);

#endif
