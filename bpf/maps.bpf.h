/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MESHPROF_MAPS_BPF_H
#define MESHPROF_MAPS_BPF_H

#include <bpf/bpf_helpers.h>

#define EEXIST 17

/* Inserts @val under @key unless the key is there: 0 when the key is in
 * the map afterwards, whoever put it there; non-zero when the map is full. */
static __always_inline int bpf_map_try_insert(void *map, const void *key,
					      const void *val)
{
	/* Older kernels pass the map's int result back without sign
	 * extension: as a long, -EEXIST would read as 4294967279. */
	int err = bpf_map_update_elem(map, key, val, BPF_NOEXIST);

	return err == -EEXIST ? 0 : err;
}

/* Returns the value for @key, inserting @init first when absent; NULL when
 * the map is full (the caller counts the drop). */
static __always_inline void *
bpf_map_lookup_or_try_init(void *map, const void *key, const void *init)
{
	void *val;

	val = bpf_map_lookup_elem(map, key);
	if (val)
		return val;
	if (bpf_map_try_insert(map, key, init))
		return NULL;
	return bpf_map_lookup_elem(map, key);
}

/* Adds one to slot @idx of a per-CPU array of counters. */
static __always_inline void percpu_count(void *map, __u32 idx)
{
	__u64 *cnt = bpf_map_lookup_elem(map, &idx);

	if (cnt)
		(*cnt)++;
}

#endif
