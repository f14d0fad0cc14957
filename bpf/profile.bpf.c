// SPDX-License-Identifier: GPL-2.0
/*
 * meshprof's CPU sampler: runs on every tick of the software cpu-clock
 * (one perf event per CPU, opened by user space), takes the user and kernel
 * stack of whatever runs and counts it in the kernel, keyed by
 * (tgid, user stack, kernel stack). Nothing goes to user space per sample:
 * user space reads the counts and the stacks once, at the end of the
 * window, and attributes them to categories (docs/attribution.md).
 *
 * Stacks are kept in a hash map keyed by a 64-bit hash of their frames
 * rather than in a BPF_MAP_TYPE_STACK_TRACE map: that map has one slot per
 * hash bucket and no chaining, so a new stack whose bucket is taken is lost
 * (-EEXIST) long before the map is full. Measured on nginx and haproxy at
 * 999 Hz for 5 s, 16384 slots lost the stacks of 4-9% of the samples; the
 * same memory as a hash map loses none until 16384 distinct stacks.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "profile_defs.h"
#include "maps.bpf.h"

#define PF_KTHREAD 0x00200000

#include "unwind.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by user space before load: sample only the tgids in allowed_tgids
 * (`--only mesh`), so the maps hold the processes that matter. */
const volatile bool filter_tgids = false;
/* Walk user stacks with the CFI tables user space loaded, where it loaded
 * them; frame pointers elsewhere. Off where bpf_loop is missing (< 5.17). */
const volatile bool cfi_unwind = false;

/* Sizes are set by user space before load. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u8);
} allowed_tgids SEC(".maps");

/* stack id (hash of the frames) -> frames; user and kernel stacks alike */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct profile_stack_buf);
} stacks SEC(".maps");

/* A plain hash with atomic adds: at tens to hundreds of samples per second
 * per CPU contention is negligible, and a per-CPU hash would multiply the
 * map by the number of CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32768);
	__type(key, struct profile_key);
	__type(value, __u64);
} counts SEC(".maps");

/* Where bpf_get_stack() writes: too big for the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct profile_stack_buf);
} scratch SEC(".maps");

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

/* FNV-1a over the frames; the top bit keeps ids clear of NONE and LOST. */
static __always_inline __u64 hash_frames(const struct profile_stack_buf *b,
					 long n)
{
	__u64 h = 14695981039346656037ULL;
	int i;

	for (i = 0; i < PROFILE_STACK_DEPTH && i < n; i++)
		h = (h ^ b->ips[i]) * 1099511628211ULL;
	return h | PROFILE_STACK_ID_BIT;
}

/* Stores the @len frames in @buf once; returns the stack's id. The rest of
 * @buf is zero, so it is stored whole. */
static __always_inline __u64 store_stack(struct profile_stack_buf *buf,
					 long len)
{
	__u64 id;

	if (len <= 0)
		return PROFILE_STACK_NONE;
	id = hash_frames(buf, len);
	if (bpf_map_lookup_elem(&stacks, &id))
		return id;
	if (bpf_map_try_insert(&stacks, &id, buf)) {
		percpu_count(&drops, PROFILE_DROP_STACKS_FULL);
		return PROFILE_STACK_LOST;
	}
	return id;
}

/* bpf_get_stack() zero-fills the rest of @buf. */
static __always_inline __u64 kernel_stack(struct bpf_perf_event_data *ctx,
					  struct profile_stack_buf *buf)
{
	long len = bpf_get_stack(ctx, buf->ips, sizeof(buf->ips), 0);

	return store_stack(buf, len > 0 ? (__u64)len / sizeof(__u64) : 0);
}

static __always_inline __u64 user_stack(struct bpf_perf_event_data *ctx,
					struct profile_stack_buf *buf,
					__u32 tgid)
{
	bool complete = false;
	long len = -1;

	if (cfi_unwind)
		len = unwind_user(bpf_get_current_task_btf(), tgid, buf,
				  &complete);
	if (len >= 0) {
		percpu_count(&totals, PROFILE_CFI);
		if (complete)
			percpu_count(&totals, PROFILE_CFI_COMPLETE);
		return store_stack(buf, len);
	}
	len = bpf_get_stack(ctx, buf->ips, sizeof(buf->ips),
			    BPF_F_USER_STACK);
	return store_stack(buf, len > 0 ? (__u64)len / sizeof(__u64) : 0);
}

static __always_inline void take_sample(struct bpf_perf_event_data *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct profile_key key = { .tgid = id >> 32 };
	struct profile_stack_buf *buf;
	__u32 zero_idx = 0;
	__u64 *cnt;

	percpu_count(&totals, PROFILE_SEEN);
	/* pid 0 is the idle task: no process spent that CPU. */
	if (!(__u32)id) {
		percpu_count(&totals, PROFILE_IDLE);
		return;
	}
	if (filter_tgids && !bpf_map_lookup_elem(&allowed_tgids, &key.tgid)) {
		percpu_count(&totals, PROFILE_FILTERED);
		return;
	}
	buf = bpf_map_lookup_elem(&scratch, &zero_idx);
	if (!buf)
		return;
	key.kern_stack = kernel_stack(ctx, buf);
	key.user_stack = user_stack(ctx, buf, key.tgid);
	cnt = bpf_map_lookup_or_try_init(&counts, &key, &zero);
	if (!cnt) {
		percpu_count(&drops, PROFILE_DROP_COUNTS_FULL);
		return;
	}
	__sync_fetch_and_add(cnt, 1);
}

/* Timed: user space stops the sampler when it takes more of the CPUs
 * than its bound (docs/hardening.md). */
SEC("perf_event")
int sample(struct bpf_perf_event_data *ctx)
{
	__u64 start = bpf_ktime_get_ns(), *ns;
	__u32 idx = PROFILE_HANDLER_NS;

	take_sample(ctx);
	ns = bpf_map_lookup_elem(&totals, &idx);
	if (ns)
		*ns += bpf_ktime_get_ns() - start;
	return 0;
}
