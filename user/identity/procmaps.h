/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The executable mappings of a process (/proc/PID/maps) and safe access to
 * the files behind them: the files belong to containers, whose paths must
 * not lead meshprof anywhere else on the node.
 */
#ifndef MESHPROF_PROCMAPS_H
#define MESHPROF_PROCMAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROCMAPS_PATH_MAX 4096

struct proc_mapping {
	uint64_t start, end;	/* [start, end) */
	uint64_t pgoff;		/* file offset of start */
	const char *path;	/* "" for anonymous code, "[vdso]" and the
				 * like for the kernel's, else the file as
				 * the process sees it, maybe " (deleted)" */
};

/*
 * Parses one line of /proc/PID/maps into @m (@m->path points into @line,
 * which loses its newline). False when the line is malformed or the
 * mapping is not executable.
 */
bool procmaps_parse_line(char *line, struct proc_mapping *m);

typedef int (*procmaps_fn)(void *arg, const struct proc_mapping *m);
/*
 * Calls @fn for each executable mapping of @pid in file order; stops at
 * the first non-zero return and returns it. -1 with errno when the
 * process is gone.
 */
int procmaps_read(uint32_t pid, procmaps_fn fn, void *arg);

/*
 * Opens the regular file mapped at [@start, @end) in @pid, read-only:
 * through /proc/PID/map_files (the very file, even deleted or in another
 * mount namespace), else by @path resolved inside the process's root with
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), never by following
 * links out of it. -1 with errno otherwise (a deleted file has no path).
 */
int procmaps_open(uint32_t pid, const struct proc_mapping *m);

/* "libssl.so.3" of "/usr/lib/x86_64-linux-gnu/libssl.so.3 (deleted)". */
void procmaps_module(const char *path, char *out, size_t len);

#endif
