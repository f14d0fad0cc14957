// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include "array.h"
#include "hash.h"
#include "strmap.h"

static size_t slot_of(const uint32_t *slots, size_t cap, char *const *keys,
		      const char *key)
{
	size_t i = fnv1a_str(FNV1A_BASIS, key) & (cap - 1);

	while (slots[i] && strcmp(keys[slots[i] - 1], key))
		i = (i + 1) & (cap - 1);
	return i;
}

static int grow(struct strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	uint32_t *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (size_t k = 0; k < m->len; k++)
		slots[slot_of(slots, cap, m->keys, m->keys[k])] = k + 1;
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

long strmap_get(const struct strmap *m, const char *key)
{
	size_t s;

	if (!m->cap)
		return -1;
	s = slot_of(m->slots, m->cap, m->keys, key);
	return m->slots[s] ? (long)m->slots[s] - 1 : -1;
}

long strmap_add(struct strmap *m, const char *key, bool *added)
{
	char **k, *copy;
	size_t s;

	if (added)
		*added = false;
	if (m->cap) {
		s = slot_of(m->slots, m->cap, m->keys, key);
		if (m->slots[s])
			return m->slots[s] - 1;
	}
	if ((2 * (m->len + 1) > m->cap && grow(m)) || m->len >= UINT32_MAX - 1)
		return -1;
	copy = strdup(key);
	k = copy ? array_push((void **)&m->keys, &m->len, &m->keys_cap,
			      sizeof(*k)) : NULL;
	if (!k) {
		free(copy);
		return -1;
	}
	*k = copy;
	m->slots[slot_of(m->slots, m->cap, m->keys, key)] = m->len;
	if (added)
		*added = true;
	return m->len - 1;
}

void strmap_free(struct strmap *m)
{
	for (size_t k = 0; k < m->len; k++)
		free(m->keys[k]);
	free(m->keys);
	free(m->slots);
	memset(m, 0, sizeof(*m));
}
