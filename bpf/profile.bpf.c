// SPDX-License-Identifier: GPL-2.0
/*
 * meshprof's CPU sampler: runs on every tick of the software cpu-clock
 * (one perf event per CPU, opened by user space), takes the user and kernel
 * stack of whatever runs and counts it in the kernel, keyed by
 * (tgid, user stack, kernel stack). Nothing goes to user space per sample:
 * user space reads the counts and the stacks once, at the end of the
 * window, and attributes them to categories (docs/attribution.md).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "profile_defs.h"
#include "maps.bpf.h"

#define EEXIST 17
#define ENOMEM 12

char LICENSE[] SEC("license") = "GPL";

/* Set by user space before load: sample only the tgids in allowed_tgids
 * (`--only mesh`), so the maps hold the processes that matter. */
const volatile bool filter_tgids = false;

/* Sizes are set by user space before load. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u8);
} allowed_tgids SEC(".maps");

/* User and kernel stacks share one map: a stack id names either. */
struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 16384);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, PROFILE_STACK_DEPTH * sizeof(__u64));
} stacks SEC(".maps");

/* A plain hash with atomic adds: at tens to hundreds of samples per second
 * per CPU contention is negligible, and a per-CPU hash would multiply the
 * largest map by the number of CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32768);
	__type(key, struct profile_key);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PROFILE_TOTAL_MAX);
	__type(key, __u32);
	__type(value, __u64);
} totals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PROFILE_DROP_MAX);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

static const __u64 zero;

static __always_inline void bump(void *map, __u32 idx)
{
	__u64 *cnt = bpf_map_lookup_elem(map, &idx);

	if (cnt)
		(*cnt)++;
}

/*
 * The stack id, or the negative error: -EFAULT only says the stack is
 * empty, the others lose the stack (not the sample) and are counted.
 */
static __always_inline __s32 stack_of(struct bpf_perf_event_data *ctx,
				      __u64 flags)
{
	long id = bpf_get_stackid(ctx, &stacks, flags);

	if (id == -EEXIST)
		bump(&drops, PROFILE_DROP_STACK_COLLISION);
	else if (id == -ENOMEM)
		bump(&drops, PROFILE_DROP_STACK_NOMEM);
	return id;
}

SEC("perf_event")
int sample(struct bpf_perf_event_data *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct profile_key key = { .tgid = id >> 32 };
	__u64 *cnt;

	bump(&totals, PROFILE_SEEN);
	/* pid 0 is the idle task: no process spent that CPU. */
	if (!(__u32)id) {
		bump(&totals, PROFILE_IDLE);
		return 0;
	}
	if (filter_tgids && !bpf_map_lookup_elem(&allowed_tgids, &key.tgid)) {
		bump(&totals, PROFILE_FILTERED);
		return 0;
	}
	key.kern_stack_id = stack_of(ctx, 0);
	key.user_stack_id = stack_of(ctx, BPF_F_USER_STACK);
	cnt = bpf_map_lookup_or_try_init(&counts, &key, &zero);
	if (!cnt) {
		bump(&drops, PROFILE_DROP_COUNTS_FULL);
		return 0;
	}
	__sync_fetch_and_add(cnt, 1);
	return 0;
}
