// SPDX-License-Identifier: GPL-2.0
/*
 * The accounting maps read back: each process's counters and histograms
 * at its slots (bpf/slots.bpf.h), cumulative since it was first counted;
 * a process that exited is read a last time, its slots cleared and given
 * back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "accounting_int.h"

/* A family of per-process slots (bpf/slots.bpf.h). */
struct slot_family {
	int slots, tgids, free;		/* map fds */
};

static struct slot_family procs_of(const struct accounting *a)
{
	return (struct slot_family){ bpf_map__fd(a->skel->maps.proc_slots),
				     bpf_map__fd(a->skel->maps.proc_tgids),
				     bpf_map__fd(a->skel->maps.proc_free) };
}

static struct slot_family lats_of(const struct accounting *a)
{
	return (struct slot_family){ bpf_map__fd(a->skel->maps.lat_slots),
				     bpf_map__fd(a->skel->maps.lat_tgids),
				     bpf_map__fd(a->skel->maps.lat_free) };
}

/* Every slot but 0 is free at the start. */
static int fill_free(struct slot_family f, uint32_t n)
{
	for (uint32_t slot = 1; slot <= n; slot++)
		if (bpf_map_update_elem(f.free, NULL, &slot, BPF_ANY))
			return -errno;
	return 0;
}

int accounting_fill_slots(struct accounting *a)
{
	int e = fill_free(procs_of(a), a->opts->max_procs);

	return e ? e : fill_free(lats_of(a),
				 bpf_map__max_entries(a->skel->maps.lat_free));
}

/* @tgid's slot in @f; 0 for none. */
static uint32_t slot_of(struct slot_family f, uint32_t tgid)
{
	uint32_t slot;

	return bpf_map_lookup_elem(f.slots, &tgid, &slot) ? 0 : slot;
}

/* Gives @tgid's slot back once its data are read and cleared: threads
 * that remember it see it is no longer their process's. */
static void slot_release(struct slot_family f, uint32_t tgid, uint32_t slot)
{
	uint32_t none = 0;

	bpf_map_delete_elem(f.slots, &tgid);
	bpf_map_update_elem(f.tgids, &slot, &none, BPF_ANY);
	bpf_map_update_elem(f.free, NULL, &slot, BPF_ANY);
}

static void read_counters(struct accounting *a, uint32_t tgid, uint32_t slot,
			  const struct accounting_reader *r)
{
	struct metrics sum;

	if (bpf_map_lookup_elem(bpf_map__fd(a->skel->maps.proc_stats), &slot,
				a->percpu))
		return;
	memset(sum.kcounter, 0, sizeof(sum.kcounter));
	metrics_add_percpu(&sum, a->percpu, a->ncpus);
	r->counters(r->ctx, tgid, sum.kcounter);
}

static void read_runq(struct accounting *a, uint32_t tgid, uint32_t slot,
		      const struct accounting_reader *r)
{
	struct runq_hist h;

	if (!bpf_map_lookup_elem(bpf_map__fd(a->skel->maps.runq_hists), &slot,
				 &h))
		r->runq(r->ctx, tgid, h.slots);
}

static void read_proc(struct accounting *a, uint32_t tgid, uint32_t slot,
		      const struct accounting_reader *r)
{
	read_counters(a, tgid, slot, r);
	read_runq(a, tgid, slot, r);
}

static void read_lat(struct accounting *a, uint32_t tgid, uint32_t slot,
		     const struct accounting_reader *r)
{
	if (bpf_map_lookup_elem(bpf_map__fd(a->skel->maps.lat_hists), &slot,
				a->lat))
		return;
	for (int k = 0; k < LAT_KINDS; k++)
		r->lat(r->ctx, tgid, k, &a->lat->h[k]);
}

typedef void (*slot_fn)(struct accounting *a, uint32_t tgid, uint32_t slot,
			const struct accounting_reader *r);

/* Calls @fn for each process holding a slot of @f. */
static void each_slot(struct slot_family f, slot_fn fn, struct accounting *a,
		      const struct accounting_reader *r)
{
	uint32_t key, next, slot, *prev = NULL;

	while (!bpf_map_get_next_key(f.slots, prev, &next)) {
		key = next;
		if (!bpf_map_lookup_elem(f.slots, &key, &slot))
			fn(a, key, slot, r);
		prev = &key;
	}
}

int accounting_read_all(struct accounting *a, const struct accounting_reader *r)
{
	each_slot(procs_of(a), read_proc, a, r);
	each_slot(lats_of(a), read_lat, a, r);
	return 0;
}

/* Zeroes slot @slot of @map (a per-CPU one when @percpu). */
static void clear(struct accounting *a, struct bpf_map *map, uint32_t slot,
		  bool percpu)
{
	size_t size = bpf_map__value_size(map) * (percpu ? a->ncpus : 1);
	void *zero = calloc(1, size);

	if (zero)
		bpf_map_update_elem(bpf_map__fd(map), &slot, zero, BPF_ANY);
	free(zero);
}

int accounting_harvest(struct accounting *a, uint32_t tgid,
		       const struct accounting_reader *r)
{
	struct slot_family procs = procs_of(a), lats = lats_of(a);
	uint32_t slot = slot_of(procs, tgid);

	if (slot) {
		read_proc(a, tgid, slot, r);
		clear(a, a->skel->maps.proc_stats, slot, true);
		clear(a, a->skel->maps.runq_hists, slot, false);
		slot_release(procs, tgid, slot);
	}
	slot = slot_of(lats, tgid);
	if (slot) {
		read_lat(a, tgid, slot, r);
		clear(a, a->skel->maps.lat_hists, slot, false);
		slot_release(lats, tgid, slot);
	}
	return 0;
}

int accounting_peer_rule(struct accounting *a, const struct peer_key *key,
			 int class)
{
	int fd = bpf_map__fd(a->skel->maps.peer_rules);
	__u8 c = class;

	if (class < 0)
		return bpf_map_delete_elem(fd, key) && errno != ENOENT ?
		       -errno : 0;
	return bpf_map_update_elem(fd, key, &c, BPF_ANY) ? -errno : 0;
}

int accounting_peer_proc(struct accounting *a, uint32_t tgid,
			 const struct peer_proc *p)
{
	int fd = bpf_map__fd(a->skel->maps.peer_procs);

	if (!p)
		return bpf_map_delete_elem(fd, &tgid) && errno != ENOENT ?
		       -errno : 0;
	return bpf_map_update_elem(fd, &tgid, p, BPF_ANY) ? -errno : 0;
}

void accounting_drops(struct accounting *a, uint64_t drops[DROP_MAX])
{
	int fd = bpf_map__fd(a->skel->maps.drops);
	uint64_t *vals = a->percpu;

	for (uint32_t r = 0; r < DROP_MAX; r++) {
		drops[r] = 0;
		if (bpf_map_lookup_elem(fd, &r, vals))
			continue;
		for (int cpu = 0; cpu < a->ncpus; cpu++)
			drops[r] += vals[cpu];
	}
}

void accounting_start_slices(struct accounting *a, uint64_t now_ns)
{
	struct cpu_slice *slices = a->percpu;
	uint32_t zero = 0;

	memset(slices, 0, a->ncpus * sizeof(*slices));
	for (int cpu = 0; cpu < a->ncpus; cpu++)
		slices[cpu].since_ns = now_ns;
	bpf_map_update_elem(bpf_map__fd(a->skel->maps.cpu_slice), &zero,
			    slices, BPF_ANY);
}

int accounting_slices(struct accounting *a, struct cpu_slice *slices)
{
	uint32_t zero = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(a->skel->maps.cpu_slice), &zero,
				slices))
		return 0;
	return a->ncpus;
}
