/* SPDX-License-Identifier: GPL-2.0 */
/* FNV-1a, 64 bits: the hash of every table meshprof keeps in user space. */
#ifndef MESHPROF_HASH_H
#define MESHPROF_HASH_H

#include <stddef.h>
#include <stdint.h>

#define FNV1A_BASIS 14695981039346656037ULL
#define FNV1A_PRIME 1099511628211ULL

/* Continues hash @h over @n bytes at @p; start with FNV1A_BASIS. */
static inline uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		h = (h ^ *b++) * FNV1A_PRIME;
	return h;
}

static inline uint64_t fnv1a_str(uint64_t h, const char *s)
{
	while (*s)
		h = (h ^ (unsigned char)*s++) * FNV1A_PRIME;
	return h;
}

#endif
