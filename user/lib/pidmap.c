// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include "pidmap.h"

static size_t home(const struct pidmap *m, uint32_t pid)
{
	return (pid * 2654435761u) & (m->cap - 1);	/* Knuth */
}

static size_t slot_of(const struct pidmap *m, uint32_t pid)
{
	size_t i = home(m, pid);

	while (m->pids[i] && m->pids[i] != pid)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static int grow(struct pidmap *m)
{
	struct pidmap big = { .cap = m->cap ? m->cap * 2 : 256 };
	size_t i, s;

	big.pids = calloc(big.cap, sizeof(*big.pids));
	big.vals = calloc(big.cap, sizeof(*big.vals));
	if (!big.pids || !big.vals) {
		pidmap_free(&big);
		return -ENOMEM;
	}
	for (i = 0; i < m->cap; i++) {
		if (!m->pids[i])
			continue;
		s = slot_of(&big, m->pids[i]);
		big.pids[s] = m->pids[i];
		big.vals[s] = m->vals[i];
		big.len++;
	}
	pidmap_free(m);
	*m = big;
	return 0;
}

int pidmap_get(const struct pidmap *m, uint32_t pid)
{
	size_t s;

	if (!m->cap || !pid)
		return -1;
	s = slot_of(m, pid);
	return m->pids[s] ? m->vals[s] : -1;
}

int pidmap_set(struct pidmap *m, uint32_t pid, int val)
{
	size_t s;

	if (!pid)
		return -EINVAL;
	if (2 * (m->len + 1) > m->cap && grow(m))
		return -ENOMEM;
	s = slot_of(m, pid);
	if (!m->pids[s])
		m->len++;
	m->pids[s] = pid;
	m->vals[s] = val;
	return 0;
}

/* Backward-shift deletion: no tombstones, so lookups stay short however
 * many processes come and go. */
void pidmap_del(struct pidmap *m, uint32_t pid)
{
	size_t hole, i, want;

	if (!m->cap || !pid)
		return;
	hole = slot_of(m, pid);
	if (!m->pids[hole])
		return;
	m->pids[hole] = 0;
	m->len--;
	for (i = (hole + 1) & (m->cap - 1); m->pids[i];
	     i = (i + 1) & (m->cap - 1)) {
		want = home(m, m->pids[i]);
		/* Moves back only what the hole separates from its home. */
		if (((i - want) & (m->cap - 1)) < ((i - hole) & (m->cap - 1)))
			continue;
		m->pids[hole] = m->pids[i];
		m->vals[hole] = m->vals[i];
		m->pids[i] = 0;
		hole = i;
	}
}

void pidmap_free(struct pidmap *m)
{
	free(m->pids);
	free(m->vals);
	m->pids = NULL;
	m->vals = NULL;
	m->cap = m->len = 0;
}
