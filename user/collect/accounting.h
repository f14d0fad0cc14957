/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The always-on accounting programs (bpf/meshprof.bpf.c): which of them
 * this kernel runs, loading and attaching them, opening and closing the
 * window, and reading their maps.
 */
#ifndef MESHPROF_ACCOUNTING_H
#define MESHPROF_ACCOUNTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "metrics.h"
#include "run.h"

enum attach_mode {
	ATTACH_AUTO,		/* tp_btf where the kernel has it, else raw_tp */
	ATTACH_RAW_TP,		/* never tp_btf */
};

enum sock_source {
	SOCK_AUTO,		/* sock tracepoints, else syscall tracepoints */
	SOCK_SYSCALLS,		/* syscall tracepoints only */
};

struct accounting_opts {
	const char *btf_path;	/* NULL: the kernel's own */
	unsigned int max_procs;
	enum attach_mode attach;
	enum sock_source sock;
	bool no_latency;	/* skip per-hop latency (and exchange counts) */
};

/* What the loaded programs measure on this kernel. */
struct accounting_probes {
	char sched[16];		/* "tp_btf" or "raw_tp" */
	char sock[16];		/* "tp_btf", "raw_tp" or "syscalls" */
	uint32_t unavailable;	/* GAP_BIT()s */
};

struct accounting;

/*
 * Chooses a flavour of every program the kernel can run, loads them and
 * attaches them, with the window closed. An optional program that the
 * kernel rejects is left out and its metric reported unavailable (and the
 * rejection said on stderr); only sched_switch is required. -1 with a
 * one-line reason in @err.
 */
int accounting_open(struct accounting **ap, const struct accounting_opts *o,
		    struct accounting_probes *probes, char *err,
		    size_t err_len);
/* Opens (@on) or closes the window: the programs count only inside it. */
void accounting_count(struct accounting *a, bool on);
/* Stops the programs for good (the window is closed first). */
void accounting_detach(struct accounting *a);
void accounting_close(struct accounting *a);

/* The loaded object: its maps and programs, for meshprof's own health. */
struct bpf_object *accounting_object(const struct accounting *a);
/* The lifecycle ring buffer (struct lifecycle_event records). */
int accounting_lifecycle_fd(const struct accounting *a);

/* Each process the maps hold, with what they hold of it: cumulative since
 * it was first counted. Unset parts are left as they are. */
typedef void (*counters_fn)(void *ctx, uint32_t tgid, const uint64_t *counter);
typedef void (*runq_fn)(void *ctx, uint32_t tgid, const uint32_t *slots);
typedef void (*lat_fn)(void *ctx, uint32_t tgid, enum lat_kind kind,
		       const struct lat_hist *h);
struct accounting_reader {
	counters_fn counters;
	runq_fn runq;
	lat_fn lat;
	void *ctx;
};

/* Calls the reader for every process in the maps. */
int accounting_read_all(struct accounting *a, const struct accounting_reader *r);
/* Calls the reader for @tgid alone, then deletes its entries: its final
 * numbers, once it has exited. */
int accounting_harvest(struct accounting *a, uint32_t tgid,
		       const struct accounting_reader *r);
/* Cumulative drops by reason, summed over CPUs. */
void accounting_drops(struct accounting *a, uint64_t drops[DROP_MAX]);
/* Starts every CPU's slice at @now_ns, for threads not seen yet. */
void accounting_start_slices(struct accounting *a, uint64_t now_ns);
/* The process on each CPU and when its slice began; returns the number of
 * CPUs filled in @slices (room for accounting_ncpus()). */
int accounting_slices(struct accounting *a, struct cpu_slice *slices);
int accounting_ncpus(const struct accounting *a);

#endif
