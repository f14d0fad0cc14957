/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU attribution by category from sampled stacks (docs/attribution.md):
 * loads profile.bpf.c, samples every CPU on the software cpu-clock, and at
 * the end turns the in-kernel counts into per-process category shares and
 * folded stacks.
 *
 * Use:
 *	profile_start()			sampling starts
 *	profile_poll()			every second or so
 *	profile_read()			what was sampled since the last read,
 *					symbolized and classified
 *	profile_stop()			sampling stops (read once more after)
 *	cpu_profile_free(), profile_free()
 */
#ifndef MESHPROF_SAMPLER_H
#define MESHPROF_SAMPLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <linux/types.h>

#include "kinds.h"
#include "run.h"
#include "profile_defs.h"

#define PROFILE_DEFAULT_HZ 49	/* production: off the 100/1000 Hz beats */
#define PROFILE_LAB_HZ 999	/* short lab runs */
/*
 * What the sampler may cost (docs/hardening.md): at most this many
 * samples per second on one CPU (the handler takes 3-8 us, so 4-8% of
 * it) and over all CPUs (what a read symbolizes); and its handler at most
 * this share of the node's CPU time over any second, past which it stops
 * itself.
 */
#define PROFILE_MAX_HZ 10000
#define PROFILE_MAX_NODE_HZ 100000
#define PROFILE_MAX_SHARE 0.10

struct profile_opts {
	unsigned int frequency_hz;	/* 0: PROFILE_DEFAULT_HZ */
	const pid_t *tgids;		/* described at start (maps, CFI), */
	size_t ntgids;			/* before the window opens */
	bool only_tgids;		/* sample only these (--only mesh) */
	unsigned int max_tgids;		/* 0: 4096; room for profile_allow() */
	unsigned int max_stacks;	/* 0: 16384 distinct stacks */
	unsigned int max_counts;	/* 0: 32768 (tgid, stacks) entries */
	unsigned int max_cfi_rows;	/* 0: 1M rows of CFI (16 MiB) */
	bool no_cfi;			/* frame pointers only: no CFI walk */
	const char *categories;		/* --categories FILE, tried before
					 * the built-in rules; NULL: none */
	const char *const *debug_dirs;	/* --debug-dir: looked in before
					 * /usr/lib/debug */
	size_t ndebug_dirs;
	bool no_inline;			/* no inlined calls from DWARF */
	bool verbose;			/* per-CPU and symbolization notes on
					 * stderr */
};

struct profile_proc {
	pid_t tgid;
	char comm[16];			/* at its last capture; "" if none */
	uint64_t samples;
	uint64_t by_category[CAT_MAX];
	uint64_t unnamed[UNNAMED_MAX];	/* samples whose leaf has no name */
	struct stack_count *stacks;	/* sorted by frames */
	size_t nstacks, stacks_cap;
};

struct cpu_profile {
	unsigned int frequency_hz;
	uint64_t period_ns;		/* CPU time one sample stands for */
	double window_s;		/* since the last read (or the start) */
	uint64_t samples;		/* counted, all processes */
	uint64_t seen;			/* every sample taken, idle included */
	uint64_t idle;			/* CPUs idle */
	uint64_t filtered;		/* processes outside the filter */
	uint64_t drops[PROFILE_DROP_MAX];
	uint64_t cfi;			/* user stacks walked with CFI */
	uint64_t cfi_complete;		/* ... to the outermost frame */
	bool cfi_on;			/* the CFI walk was loaded */
	uint64_t cfi_no_room;		/* files left without CFI: the rows
					 * map was full (so far) */
	uint64_t refused[REFUSE_MAX];	/* files refused so far, by reason */
	uint64_t handler_ns;		/* the sampler's own time, all CPUs */
	double stopped_after_s;		/* it stopped itself this long after
					 * the start, over its bound; < 0:
					 * it did not */
	uint64_t by_category[CAT_MAX];	/* all processes */
	uint64_t frames;		/* user and kernel frames resolved */
	uint64_t frames_symbolized;	/* ... with a function name */
	uint64_t user_frames, user_frames_symbolized;
	struct profile_proc *procs;	/* sorted by tgid */
	size_t nprocs;
};

struct profiler;

/*
 * The highest frequency this node takes with @ncpus online: the lowest of
 * PROFILE_MAX_HZ, PROFILE_MAX_NODE_HZ / @ncpus and the kernel's
 * perf_event_max_sample_rate, which @why names.
 */
unsigned int profile_max_hz(int ncpus, char *why, size_t why_len);

/*
 * Loads the sampler, opens one cpu-clock perf event per online CPU and
 * starts sampling. On error returns -1, leaves *@pp NULL and writes a
 * message in @err (for example when perf_event_open is not permitted).
 */
int profile_start(struct profiler **pp, const struct profile_opts *o,
		  char *err, size_t err_len);
/*
 * Adds @tgid to the filter (a mesh process that started in the window).
 * No-op without a filter. Returns -1 when the filter map is full.
 */
int profile_allow(struct profiler *p, pid_t tgid);
/*
 * Describes again the processes whose maps changed (exec, dlopen), and,
 * once a second, processes sampled for the first time, so that their
 * frames resolve even if they exit before the window ends. Call every
 * 100 ms or so.
 */
void profile_poll(struct profiler *p);
/* Captures @pid's memory maps now (for example on its exec event). */
void profile_snapshot(struct profiler *p, pid_t pid);
/* The same for a forked @child: a copy of its @parent's capture. */
void profile_inherit(struct profiler *p, pid_t child, pid_t parent);
/* Forgets @pid, which exited and whose samples were read: its maps, its
 * CFI description, its place in the filter. */
void profile_forget(struct profiler *p, pid_t pid);
/* Stops sampling (the window ends). Idempotent. */
int profile_stop(struct profiler *p);
/*
 * Takes what was sampled since the last read (or the start) out of the
 * kernel's maps into @out (zeroed first): symbolized, classified, folded.
 * The maps stay small however long sampling runs.
 */
int profile_read(struct profiler *p, struct cpu_profile *out);
/* The memory its maps charge, in bytes (CFI rows included). */
uint64_t profile_memlock(const struct profiler *p);
void profile_free(struct profiler *p);
/* The sampler's loaded object, for meshprof's own health. */
struct bpf_object *profile_object(const struct profiler *p);
void cpu_profile_free(struct cpu_profile *cp);

#endif
