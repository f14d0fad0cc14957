/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Separate debug files, found by GNU build ID (docs/attribution.md,
 * "Stripped binaries"): DIR/.build-id/xx/rest.debug in each --debug-dir,
 * then in /usr/lib/debug, then from debuginfod when the user has set
 * DEBUGINFOD_URLS.
 */
#ifndef MESHPROF_DEBUGFILES_H
#define MESHPROF_DEBUGFILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEBUG_DIRS_MAX 8	/* --debug-dir given this many times at most */

struct debug_files_stats {
	uint64_t local;		/* debug files found in a directory */
	uint64_t remote;	/* ... from debuginfod */
};

struct debug_files;

/* Looks in @dirs (may be NULL), then /usr/lib/debug. NULL when out of
 * memory. */
struct debug_files *debug_files_new(const char *const *dirs, size_t ndirs);
void debug_files_free(struct debug_files *df);
/*
 * Opens the debug file of build ID @id (@len bytes), and writes its path
 * into @path. With @remote, debuginfod is asked when no directory has
 * it. -1 when none was found.
 */
int debug_files_open(struct debug_files *df, const unsigned char *id,
		     size_t len, bool remote, char *path, size_t path_len);
/* Where debug files are looked for, for messages. */
const char *debug_files_where(const struct debug_files *df);
const struct debug_files_stats *debug_files_stats(const struct debug_files *df);

#endif
