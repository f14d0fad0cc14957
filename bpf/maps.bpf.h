/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MESHPROF_MAPS_BPF_H
#define MESHPROF_MAPS_BPF_H

#include <bpf/bpf_helpers.h>

#define EEXIST 17

/* Returns the value for @key, inserting @init first when absent; NULL when
 * the map is full (the caller counts the drop). */
static __always_inline void *
bpf_map_lookup_or_try_init(void *map, const void *key, const void *init)
{
	void *val;
	long err;

	val = bpf_map_lookup_elem(map, key);
	if (val)
		return val;
	err = bpf_map_update_elem(map, key, init, BPF_NOEXIST);
	if (err && err != -EEXIST)	/* another CPU won the race */
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
