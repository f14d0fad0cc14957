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
	PROFILE_CFI,		/* user stack walked with CFI (.eh_frame) */
	PROFILE_CFI_COMPLETE,	/* ... up to the outermost frame */
	PROFILE_HANDLER_NS,	/* time the sampler itself took, in ns */
	PROFILE_TOTAL_MAX,
};

/* Per-CPU counters of what was lost, indexes into `drops`. */
enum profile_drop {
	PROFILE_DROP_STACKS_FULL,	/* stacks map full: stack not kept */
	PROFILE_DROP_COUNTS_FULL,	/* counts map full: sample not counted */
	PROFILE_DROP_MAX,
};

/* DWARF call frame information (.eh_frame), compacted into rows that the
 * sampler evaluates in the kernel to walk user stacks built without frame
 * pointers (x86-64). A row holds from its pc up to the next row's pc. */
enum unwind_kind {
	UNWIND_NONE,		/* no CFI here, or a rule the sampler does not
				 * evaluate: the walk stops */
	UNWIND_RSP,		/* CFA = rsp + cfa_off */
	UNWIND_RBP,		/* CFA = rbp + cfa_off */
	UNWIND_RBP_DEREF,	/* CFA = *(rbp + cfa_off): stack realignment */
	UNWIND_PLT,		/* .plt entry: CFA = rsp + 8, plus 8 when
				 * (rip & 15) >= cfa_off */
	UNWIND_END,		/* return address undefined: outermost frame */
	UNWIND_REG,		/* CFA = reg[reg] + cfa_off: hand-written
				 * assembly (OpenSSL) anchoring its frame in
				 * another general register */
};

/* 8 bytes: a million rows lock 8 MiB. Offsets out of the fields' range
 * (a frame over 32 KiB, rbp saved more than 128 bytes from the CFA) make
 * UNWIND_NONE rows, as rules the sampler does not evaluate do. */
struct unwind_row {
	__u32 pc;	/* ELF virtual address where the row starts */
	__s16 cfa_off;
	__s8 rbp_off;	/* caller's rbp saved at CFA + rbp_off; 0: rbp unchanged */
	__u8 kind : 4;	/* enum unwind_kind */
	__u8 reg : 4;	/* UNWIND_REG: DWARF register number (0-15) */
};

/* Executable mappings of one process, sorted by start, as the unwinder
 * sees them: pc - bias is the ELF virtual address the rows are keyed by. */
#define UNWIND_MAX_MAPPINGS 64

struct unwind_mapping {
	__u64 start, end;	/* [start, end) of the mapping */
	__u64 bias;
	__u32 row_first;	/* the module's rows in unwind_rows */
	__u32 row_count;	/* 0: no CFI (the walk stops here) */
};

struct unwind_proc {
	__u32 nmaps;
	__u32 pad;
	struct unwind_mapping maps[UNWIND_MAX_MAPPINGS];
};

#endif
