/* SPDX-License-Identifier: GPL-2.0 */
/* What the fuzz targets share: the input as a string or as a file. */
#ifndef MESHPROF_FUZZ_H
#define MESHPROF_FUZZ_H

#define _GNU_SOURCE	/* memfd_create: include this first */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

/* A NUL-terminated copy of the input: text parsers take strings (the
 * input may hold NULs of its own, which end the string early). */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		return NULL;
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A file holding the input, as the parsers of ELF files are given:
 * a descriptor, never a path. */
static inline int fuzz_memfd(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return -1;
	}
	return fd;
}

#endif
