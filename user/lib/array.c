// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include "array.h"

void *array_push(void **arr, size_t *len, size_t *cap, size_t size)
{
	char *p;

	if (*len == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;

		p = realloc(*arr, ncap * size);
		if (!p)
			return NULL;
		*arr = p;
		*cap = ncap;
	}
	p = (char *)*arr + (*len)++ * size;
	memset(p, 0, size);
	return p;
}
