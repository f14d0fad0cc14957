/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The collector engine: everything meshprof measures on a node, behind one
 * interface that record (one window), serve (periodic reads for days) and
 * top use alike.
 *
 *	engine_open()		load, attach, learn the live processes; the
 *				window opens
 *	engine_poll()		often (every 100 ms or so): process starts and
 *				exits, memory samples, new processes' maps
 *	engine_read()		what happened since the last read
 *	engine_stop()		the window closes (a last read follows)
 *	engine_close()
 *
 * Each read hands over the processes that did something since the last
 * one, with their counters, histograms and sampled stacks for that
 * interval only; a process that exited is handed over one last time and
 * then forgotten, so memory stays bounded by what lives on the node.
 */
#ifndef MESHPROF_ENGINE_H
#define MESHPROF_ENGINE_H

#include <stdbool.h>
#include "accounting.h"
#include "bpfstats.h"
#include "debugfiles.h"
#include "rules.h"
#include "run.h"

struct engine_opts {
	struct accounting_opts acct;
	/* Processes of interest (in a pod, or matched by a rule) get their
	 * memory sampled and, with only_mesh, are all the profile samples. */
	const struct ruleset *rules;
	unsigned int frequency_hz;	/* CPU profile; 0: none */
	bool only_mesh;
	const char *categories;		/* --categories FILE, or NULL */
	const char *kubelet_logs;	/* names of pods (kubelet.h); NULL:
					 * /var/log */
	const char *debug_dirs[DEBUG_DIRS_MAX];	/* --debug-dir DIR... */
	size_t ndebug_dirs;
	bool no_cfi;			/* user stacks by frame pointers only */
	bool no_inline;			/* no inlined calls from DWARF */
	bool verbose;
};

struct engine;

/* -1 with a one-line reason in @err; engine_close() it either way. */
int engine_open(struct engine **ep, const struct engine_opts *o, char *err,
		size_t err_len);
/* Handles what the kernel reported, for up to @timeout_ms; < 0 on error. */
int engine_poll(struct engine *e, int timeout_ms);
/*
 * Fills @delta (which must be zeroed or freed) with what happened since
 * the last read: its window, probes, drops and profile figures, and the
 * processes active in it (identity, metrics, stacks). Node facts are the
 * caller's. -1 when memory runs out.
 */
int engine_read(struct engine *e, struct run *delta);
/* When the window opened (CLOCK_MONOTONIC, ns): -d is timed from it. */
uint64_t engine_opened_ns(const struct engine *e);
/* Fills @st (zeroed) with the fill of meshprof's BPF maps and the run
 * time of its programs; -ENOMEM. */
int engine_bpf_stats(struct engine *e, struct bpf_stats *st);
/* Closes the window: nothing is counted after. Idempotent. */
void engine_stop(struct engine *e);
void engine_close(struct engine *e);

#endif
