/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output files written whole or not at all: into a temporary file beside
 * the target, renamed over it only once everything is written, so a
 * failed run leaves an earlier result intact.
 */
#ifndef MESHPROF_OUTFILE_H
#define MESHPROF_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

/*
 * Checks, before any work, that @path can be written this way: its
 * folder takes new files, and @path is absent or a regular file. -1 with
 * "PATH: reason" in @err.
 */
int outfile_check(const char *path, char *err, size_t err_len);
/* Writes @len bytes of @data to @path; -1 with "PATH: reason" in @err. */
int outfile_write(const char *path, const char *data, size_t len, char *err,
		  size_t err_len);
/*
 * Renders with @print(f, @arg) into memory, then writes the whole of it as
 * outfile_write() does; -1 with "PATH: reason" in @err, also when @print
 * returns non-zero.
 */
int outfile_print(const char *path, int (*print)(FILE *f, const void *arg),
		  const void *arg, char *err, size_t err_len);

#endif
