/* SPDX-License-Identifier: GPL-2.0 */
/* The accounting skeleton's state, shared by accounting.c (choosing,
 * loading, attaching) and acct_maps.c (its maps). */
#ifndef MESHPROF_ACCOUNTING_INT_H
#define MESHPROF_ACCOUNTING_INT_H

#include "accounting.h"
#include "meshprof.skel.h"

#define MAX_PROGS 32

/* A tracepoint's tp_btf and raw_tp flavours, or one syscall program. */
struct prog_choice {
	struct bpf_program *btf;	/* NULL for syscall programs */
	struct bpf_program *raw;	/* raw_tp, or the syscall program */
	const char *tp;
	uint32_t lost;			/* GAP_BIT()s lost without it */
	unsigned int flags;
	struct bpf_program *chosen;	/* NULL: not loaded */
	unsigned int rejected;		/* REJECTED_*: the kernel refused */
};

enum { REJECTED_BTF = 1, REJECTED_RAW = 2 };

struct accounting {
	struct meshprof_bpf *skel;
	const struct accounting_opts *opts;
	struct prog_choice progs[MAX_PROGS];
	int nprogs;
	bool local_storage;		/* may state live in local storage */
	int ncpus;
	void *percpu;			/* room for one per-CPU value */
	struct lat_proc *lat;
};

/* Fills the free slot queues: every slot is free at the start. */
int accounting_fill_slots(struct accounting *a);

#endif
