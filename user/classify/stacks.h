/* SPDX-License-Identifier: GPL-2.0 */
/* A sampled pair of stacks (user and kernel program counters) made into
 * what a person reads: folded frame names and a CPU category. */
#ifndef MESHPROF_STACKS_H
#define MESHPROF_STACKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "categories.h"
#include "symbolize.h"

/* How many frames got a name, for the symbolized share. */
struct frame_counts {
	uint64_t frames;		/* user and kernel frames resolved */
	uint64_t named;			/* ... with a function name */
	uint64_t user_frames, user_named;
};

/* One sample's stacks, leaf first; a lost stack (its map was full) is
 * kept as one "[lost]" frame. */
struct stack_pair {
	pid_t tgid;
	const uint64_t *user;
	size_t nuser;
	bool user_lost;
	const uint64_t *kern;
	size_t nkern;
	bool kern_lost;
};

/* What a person reads of one sample. */
struct stack_desc {
	char *folded;		/* root to leaf, ';'-separated; kernel frames
				 * marked "_[k]", inlined calls "_[i]"
				 * (malloc()ed) */
	enum cpu_category cat;
	bool unnamed;		/* the leaf has no name ... */
	enum unnamed_reason why;	/* ... for this reason */
	const char *module;	/* ... in this file; NULL when none */
};

/* Symbolizes and classifies @sp into @d; adds to @fc. -1 when out of
 * memory. */
int stack_describe(struct symbolizer *s, struct classifier *c,
		   const struct stack_pair *sp, struct stack_desc *d,
		   struct frame_counts *fc);

#endif
