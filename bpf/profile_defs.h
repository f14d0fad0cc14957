/* SPDX-License-Identifier: GPL-2.0 */
/* Layouts shared by profile.bpf.c (the CPU sampler) and user/profile.c.
 * Not "profile.h": that name is user/profile.h, the sampler's API. */
#ifndef MESHPROF_PROFILE_DEFS_H
#define MESHPROF_PROFILE_DEFS_H

/* Frames kept per stack: the kernel's default perf_event_max_stack. */
#define PROFILE_STACK_DEPTH 127

/*
 * One aggregated stack of one process. A negative stack id is the error
 * bpf_get_stackid() returned: -EFAULT (14) means there was no such stack
 * (a kernel thread has no user stack, a sample taken in user mode has no
 * kernel stack); -EEXIST and -ENOMEM mean the stack was lost (counted in
 * the drops array) but the sample still counts.
 */
struct profile_key {
	__u32 tgid;
	__s32 user_stack_id;
	__s32 kern_stack_id;
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
	PROFILE_DROP_STACK_COLLISION,	/* stack map bucket held another stack */
	PROFILE_DROP_STACK_NOMEM,	/* stack map had no free entry */
	PROFILE_DROP_COUNTS_FULL,	/* counts map full: sample not counted */
	PROFILE_DROP_MAX,
};

#endif
