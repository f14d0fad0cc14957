/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The data model of one recording: processes folded into components, with
 * what the window measured and what was derived from it. Every stage reads
 * and fills this; outputs only render it.
 */
#ifndef MESHPROF_RUN_H
#define MESHPROF_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "derived.h"
#include "kinds.h"
#include "metrics.h"
#include "pod.h"

#define COMM_LEN 16
#define EXE_LEN 256

/*
 * Metrics this kernel or this configuration cannot give; a run keeps them
 * as a bitmask. Their names are those of JSON's probes.unavailable.
 */
enum gap {
	GAP_STARTS,		/* processes started in the window */
	GAP_EXITS,		/* processes exited in the window */
	GAP_NET,		/* socket bytes and calls */
	GAP_LATENCY,		/* per-hop latency and exchanges (--no-latency) */
	GAP_LAT_QUEUE,		/* latency.queue */
	GAP_LAT_TRANSIT,	/* latency.transit */
	GAP_TCP_CONNECTS,	/* tcp.connects (and closes) */
	GAP_TCP_ACCEPTS,	/* tcp.accepts */
	GAP_TCP_RETRANSMITS,	/* tcp.retransmits */
	GAP_PEERS_UNIX,		/* Unix sockets by peer (socket-local storage) */
	GAP_MAX,
};

#define GAP_BIT(g) (1u << (g))

const char *gap_name(enum gap g);
int gap_parse(const char *s);

/* One distinct folded stack of a process's CPU profile. */
struct stack_count {
	char *frames;		/* root to leaf, ';'-separated; kernel frames
				 * end in "_[k]" */
	uint64_t samples;
	enum cpu_category category;
};

struct process {
	uint32_t pid;
	uint32_t ppid;
	uint64_t serial;		/* one per process the engine saw: a
					 * reused pid gets another */
	char comm[COMM_LEN];
	char exe[EXE_LEN];
	char cgroup[CGROUP_PATH_LEN];
	struct pod_ident pod;
	bool in_pod;
	bool exited;
	bool agent;			/* its component's agent, not its proxy
					 * (set by attribution) */
	bool gone;			/* exited, and its last numbers read */
	uint64_t exit_ns;		/* monotonic; 0 while alive */
	uint64_t folded;		/* 0: one process; else this many exited
					 * processes of one component folded
					 * (attribute_fold), serial their key */
	int component;			/* index into run.components, -1 unset */
	struct metrics m;
	struct stack_count *stacks;	/* sorted by frames */
	size_t nstacks, stacks_cap;
};

struct component {
	char id[COMPONENT_ID_LEN];
	char name[COMPONENT_NAME_LEN];
	enum role role;
	enum mesh mesh;
	bool in_pod;
	bool agent_named;		/* named after its agent: a proxy seen
					 * later names it */
	struct pod_ident pod;
	uint32_t *pids;
	size_t npids, pids_cap;
	uint64_t folded;		/* exited processes beyond pids, folded */
	struct metrics m;
};

/* What the CPU profile saw, beyond the samples of each process. */
struct run_profile {
	unsigned int hz;		/* 0: CPU profile not taken */
	uint64_t drops[PROFILE_DROP_MAX];
	double symbolized_share;	/* of user and kernel frames */
	uint64_t frames, frames_named;	/* behind it, while reads are merged */
	bool cfi;			/* user stacks walked with CFI */
	uint64_t cfi_samples;		/* samples whose user stack was */
	uint64_t cfi_complete;		/* ... to the outermost frame */
	uint64_t cfi_no_room;		/* files without CFI: rows map full */
	uint64_t refused[REFUSE_MAX];	/* files refused (so far), by reason */
	uint64_t handler_ns;		/* the sampler's own time, all CPUs */
	bool stopped;			/* it stopped itself, over its bound */
	double stopped_after_s;		/* ... this long into the window */
};

/* One node of a run made from Prometheus (query), as its exporter
 * described it (meshprof_node_info). */
struct run_node {
	char name[256];
	char kernel[128];
	int cpus;
	char version[64];		/* of its meshprof serve */
};

struct run {
	double start;			/* seconds since the epoch */
	double end;
	double seconds;
	char hostname[256];
	char kernel[128];
	int cpus;
	char probe_sched[16];		/* "tp_btf" or "raw_tp" */
	char probe_sock[16];		/* "tp_btf", "raw_tp" or "syscalls" */
	uint32_t unavailable;		/* GAP_BIT()s */
	double cpu_capacity_cores;	/* assigned CPU; 0 = node CPUs */
	uint64_t requests;		/* work done in the window; 0 unknown */
	char requests_source[24];	/* "load-generator" or "sockets" */
	double load_seconds;		/* how long the load ran; 0 unknown */
	double latency_p50_s;		/* client-observed; < 0 unknown */
	double latency_p99_s;
	struct run_profile profile;
	uint64_t drops[DROP_MAX];
	uint64_t mem_rounds;		/* resident memory sampling rounds */
	uint64_t folded;		/* exited processes folded, all told */
	struct process *procs;
	size_t nprocs, procs_cap;
	struct component *comps;
	size_t ncomps, comps_cap;
	/* The nodes of a run made from Prometheus, whose header (hostname,
	 * kernel, cpus) sums them up; none for a run recorded here. */
	struct run_node *nodes;
	size_t nnodes, nodes_cap;

	/* Derived (score/derive.c): computed once, rendered by outputs. */
	bool has_path;
	struct waterfall path;		/* the request path, when has_path */
	struct meshmark mm;		/* single-run MeshMark */
};

/* Sorts @n stacks and merges those with the same frames and category. */
void stacks_merge(struct stack_count *st, size_t *n);
struct process *run_add_process(struct run *run);
struct component *run_add_component(struct run *run);
struct run_node *run_add_node(struct run *run);
/* Appends @n samples of @frames in @category to @p's stacks (a copy of
 * @frames), which the samples of @p->m already count; -ENOMEM. */
int process_add_stack(struct process *p, const char *frames,
		      uint64_t n, enum cpu_category category);
/* Sorts @p's stacks and merges those with the same frames and category. */
void process_merge_stacks(struct process *p);
/*
 * Adds @delta, the next read of the same process (same serial), into @p:
 * counts add up, the peak is the higher, identity is the latest. -ENOMEM
 * when memory runs out.
 */
int process_merge(struct process *p, const struct process *delta);
/*
 * Adds @delta, the next read of an engine (collect/engine.h), into @run:
 * the window grows, counts add up, processes are merged by serial. @delta
 * keeps its own memory. -ENOMEM when memory runs out.
 */
int run_merge(struct run *run, const struct run *delta);
/* What merged reads leave to compute at the end: each process's mean
 * resident memory over the run's mem_rounds, the symbolized share. */
void run_finish(struct run *run);
void process_free(struct process *p);
void run_free(struct run *run);

#endif
