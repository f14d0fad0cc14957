/* SPDX-License-Identifier: GPL-2.0 */
/* Layouts shared by profile.bpf.c (the CPU sampler) and user/profile.c.
 * Not "profile.h": that name is user/profile.h, the sampler's API. */
#ifndef MESHPROF_PROFILE_DEFS_H
#define MESHPROF_PROFILE_DEFS_H

/* Frames kept per stack, from the leaf: the kernel's default
 * perf_event_max_stack. */
#define PROFILE_STACK_DEPTH 127

/* Stack ids are hashes of the frames with the top bit set; these two
 * values, which no hash takes, say there is no stack. */
#define PROFILE_STACK_NONE 0ULL	/* empty: a kernel thread has no user
				 * stack, a sample in user mode no kernel one */
#define PROFILE_STACK_LOST 1ULL	/* the stacks map was full */
#define PROFILE_STACK_ID_BIT (1ULL << 63)

struct profile_stack_buf {
	__u64 ips[PROFILE_STACK_DEPTH];	/* leaf first, zero-filled */
};

/* One aggregated stack pair of one process. */
struct profile_key {
	__u32 tgid;
	__u32 pad;
	__u64 user_stack;
	__u64 kern_stack;
};

/* Per-CPU counters of what the sampler saw, indexes into `totals`. */
enum profile_total {
	PROFILE_SEEN,		/* every sample, whoever ran */
	PROFILE_IDLE,		/* the CPU was idle (pid 0) */
	PROFILE_FILTERED,	/* a process outside the tgid filter */
	PROFILE_TOTAL_MAX,
};

/* Per-CPU counters of what was lost, indexes into `drops`. */
enum profile_drop {
	PROFILE_DROP_STACKS_FULL,	/* stacks map full: stack not kept */
	PROFILE_DROP_COUNTS_FULL,	/* counts map full: sample not counted */
	PROFILE_DROP_MAX,
};

#endif
