/* SPDX-License-Identifier: GPL-2.0 */
/* Strings to the order they were first met in (0, 1, 2...): open
 * addressing over FNV-1a. */
#ifndef MESHPROF_STRMAP_H
#define MESHPROF_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap {
	char **keys;		/* by index: the copy of each string */
	size_t len, keys_cap;
	uint32_t *slots;	/* index + 1; 0 marks an empty slot */
	size_t cap;		/* 0 or a power of two */
};

/* The index of @key, or -1 when absent. */
long strmap_get(const struct strmap *m, const char *key);
/* The index of @key, which gets the next one when it is new (*@added,
 * if not NULL); -1 when memory runs out. */
long strmap_add(struct strmap *m, const char *key, bool *added);
void strmap_free(struct strmap *m);

#endif
