// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include "hash.h"
#include "intern.h"

struct interned {
	struct interned *next;
	char s[];
};

const char *intern(struct intern_table *t, const char *s)
{
	size_t len = strlen(s);
	size_t b = fnv1a(FNV1A_BASIS, s, len) % INTERN_BUCKETS;
	struct interned *i;

	for (i = t->buckets[b]; i; i = i->next)
		if (!strcmp(i->s, s))
			return i->s;
	i = malloc(sizeof(*i) + len + 1);
	if (!i)
		return NULL;
	memcpy(i->s, s, len + 1);
	i->next = t->buckets[b];
	t->buckets[b] = i;
	return i->s;
}

void intern_free(struct intern_table *t)
{
	struct interned *i, *next;

	for (size_t b = 0; b < INTERN_BUCKETS; b++) {
		for (i = t->buckets[b]; i; i = next) {
			next = i->next;
			free(i);
		}
		t->buckets[b] = NULL;
	}
}
