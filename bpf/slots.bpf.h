/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-process data in arrays, at a slot each process gets on its first
 * event and each thread remembers in its own state: the hot paths index
 * arrays instead of hashing the tgid on every context switch and socket
 * operation. A family of slots is
 *
 *	NAME_slots	hash: tgid -> slot, to find a process's slot
 *	NAME_tgids	array: slot -> tgid, to check a remembered slot
 *	NAME_free	queue: free slots (user space fills it, and refills
 *			it as it reads processes that exited)
 *
 * beside the arrays of data themselves. Slot 0 is never given: 0 means
 * none.
 */
#ifndef MESHPROF_SLOTS_BPF_H
#define MESHPROF_SLOTS_BPF_H

#define SLOT_FAMILY(name, n)						\
struct {								\
	__uint(type, BPF_MAP_TYPE_HASH);				\
	__uint(max_entries, n);						\
	__type(key, __u32);						\
	__type(value, __u32);						\
} name##_slots SEC(".maps");						\
struct {								\
	__uint(type, BPF_MAP_TYPE_ARRAY);				\
	__uint(max_entries, (n) + 1);					\
	__type(key, __u32);						\
	__type(value, __u32);						\
} name##_tgids SEC(".maps");						\
struct {								\
	__uint(type, BPF_MAP_TYPE_QUEUE);				\
	__uint(max_entries, n);						\
	__type(value, __u32);						\
} name##_free SEC(".maps")

/*
 * @tgid's slot in a family: its own, or a free one taken for it; 0 when
 * none is free. Two threads of a new process may race: the one whose
 * insert loses gives its slot back and takes the winner's.
 */
static __always_inline __u32 slot_find(void *slots, void *tgids, void *free,
				       __u32 tgid)
{
	__u32 *found, *owner, slot;

	found = bpf_map_lookup_elem(slots, &tgid);
	if (found)
		return *found;
	if (bpf_map_pop_elem(free, &slot))
		return 0;
	owner = bpf_map_lookup_elem(tgids, &slot);
	if (!owner)
		return 0;
	*owner = tgid;
	if (!bpf_map_update_elem(slots, &tgid, &slot, BPF_NOEXIST))
		return slot;
	*owner = 0;
	bpf_map_push_elem(free, &slot, 0);
	found = bpf_map_lookup_elem(slots, &tgid);
	return found ? *found : 0;
}

/*
 * @tgid's slot, trying first the one remembered in *@cached (a thread's
 * state; NULL for none): still its own while the family's tgids say so.
 * A slot given back when its process was read for the last time, and
 * maybe given again since, is not.
 */
static __always_inline __u32 slot_of(void *slots, void *tgids, void *free,
				     __u32 tgid, __u32 *cached)
{
	__u32 slot = cached ? *cached : 0, *owner;

	if (slot) {
		owner = bpf_map_lookup_elem(tgids, &slot);
		if (owner && *owner == tgid)
			return slot;
	}
	slot = slot_find(slots, tgids, free, tgid);
	if (cached)
		*cached = slot;
	return slot;
}

#endif
