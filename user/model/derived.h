/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Results derived from a run's measurements (score/): the request path
 * hop by hop, and the MUEs and MeshMark (docs/meshmark.md). Computed once
 * into the model; outputs only render them.
 */
#ifndef MESHPROF_DERIVED_H
#define MESHPROF_DERIVED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kinds.h"

#define COMPONENT_ID_LEN 128
#define COMPONENT_NAME_LEN 64

/* ---- the request path through the node (docs/latency.md) ---- */

#define MAX_HOPS 16

struct hop {
	int comp;		/* index into run->comps */
	enum lat_kind kind;
	uint64_t p50_ns, p90_ns, p99_ns;
	uint64_t mean_ns;
};

struct waterfall {
	int client, server;	/* -1 when not found */
	uint64_t client_p50_ns, client_p99_ns, client_mean_ns;
	struct hop hops[MAX_HOPS];
	int nhops;
	uint64_t kernel_p50_ns;	/* transit + queue where data arrived */
	uint64_t sum_p50_ns;	/* hops + kernel: what the client waited */
	uint64_t kernel_mean_ns;
	uint64_t sum_mean_ns;	/* means add up exactly; p50s do not */
};

/* ---- MUE and MeshMark ---- */

enum mm_mode {
	MM_SINGLE,
	MM_COMPARE,
};

enum mm_class {
	MM_COMPUTE,
	MM_MEMORY,
	MM_NETWORK,
	MM_LATENCY,
	MM_CLASS_MAX,
};

/*
 * Every MUE either mode knows; weights are given by these names. MM_CPU is
 * compare mode's CPU MUE, MM_CPU_SHARE and MM_CPU_CAPACITY single mode's,
 * MM_P50 and MM_P99 exist only in compare mode.
 */
enum mm_mue {
	MM_CPU_SHARE,
	MM_CPU_CAPACITY,
	MM_CPU,
	MM_CONTEXT_SWITCHES,
	MM_RUNQ_DELAY,
	MM_RSS,
	MM_BYTES_COPIED,
	MM_SOCKET_CALLS,
	MM_STACK_TRAVERSALS,
	MM_P50,
	MM_P99,
	MM_MUE_MAX,
};

/* SMP: "weight in range -50% : +50%". */
#define MM_WEIGHT_MIN (-0.5)
#define MM_WEIGHT_MAX 0.5

/* One weight per MUE; a zeroed struct is all neutral. */
struct mm_weights {
	double w[MM_MUE_MAX];
};

#define MM_CLASS_MUES 4		/* the most MUEs one class holds */
#define MM_REASON_LEN 192
#define MM_NOTE_LEN 192
#define MM_NOTES_MAX 24

struct mm_mue_result {
	enum mm_mue id;
	bool available;
	char reason[MM_REASON_LEN];	/* why not available; "" when it is */
	double value;			/* in [0, 1], 1 = no mesh overhead */
	double raw;			/* before clamping to [0, 1] */
	double weight;
	/*
	 * The inputs, in @unit. Single mode: @mesh (the mesh components'
	 * amount) and @total (the workload's; for cpu_capacity the capacity).
	 * Compare mode: @base and @mesh (each run's cost per unit of work)
	 * and @overhead (mesh - base). The other mode's fields are NAN.
	 */
	double mesh;
	double total;
	double base;
	double overhead;
	const char *unit;
};

struct mm_class_result {
	enum mm_class id;
	bool included;
	char reason[MM_REASON_LEN];	/* why left out; "" when included */
	double score;			/* in [0, 1]; NAN when left out */
	size_t nmues;
	struct mm_mue_result mues[MM_CLASS_MUES];
};

/* Where the mesh's cost went: one mesh component of the (mesh) run. */
struct mm_component {
	char id[COMPONENT_ID_LEN];
	char name[COMPONENT_NAME_LEN];
	enum role role;
	enum mesh mesh;
	double cpu_seconds;
	double rss_bytes;		/* mean resident memory */
	double bytes;			/* sent + received */
	/* Per 1000 requests (rss: per 1000 rps), or per second when
	 * struct meshmark.per_request is false; NAN when neither is known. */
	double cpu_cost;
	double rss_cost;
	double bytes_cost;
	double cpu_fraction;		/* of the run's workload CPU; NAN if 0 */
	double cpu_overhead_fraction;	/* compare: of the CPU overhead; NAN
					 * in single mode or without overhead */
};

/*
 * The control plane's part of the mesh (docs/meshmark.md): the
 * control-plane components' CPU plus what the rest of the mesh spends
 * applying their configuration (CPU category config), and the rest of
 * the mesh's traffic with a control plane, per 1000 pods the mesh serves
 * on the node.
 */
struct mm_control {
	size_t pods;			/* app and sidecar pods; 0: none */
	double cpu_seconds;		/* control plane + config */
	double control_plane_seconds;
	double config_seconds;		/* NAN without a CPU profile */
	double bytes;			/* sent + received, control peers */
	double vcpu_per_1000_pods;	/* NAN when no pods or no window */
	double mibps_per_1000_pods;
	double share;			/* of the mesh's CPU (single) or of the
					 * workload's CPU overhead (compare);
					 * NAN when there is none */
};

struct meshmark {
	enum mm_mode mode;
	double score;			/* 0..100; NAN on error */
	bool per_request;		/* costs per 1000 requests, else per second */
	struct mm_class_result classes[MM_CLASS_MAX];
	struct mm_component *comps;	/* sorted by cpu_seconds, descending */
	size_t ncomps;
	/* Cores per 1000 requests per second; NAN when unknown or when the
	 * run has no component of that role. total: all mesh components. */
	double vcpu_sidecar;
	double vcpu_node_proxy;
	double vcpu_node_agent;
	double vcpu_total;
	double mib_per_proxy;		/* mean rss of sidecars/node proxies */
	struct mm_control control;
	char notes[MM_NOTES_MAX][MM_NOTE_LEN];
	size_t nnotes;
	char error[MM_NOTE_LEN];	/* set when a function returns -1 */
};

/* Frees what @mm holds (its components); @mm may be zeroed or unset. */
void meshmark_free(struct meshmark *mm);

const char *mm_mue_name(enum mm_mue mue);
int mm_mue_parse(const char *s);
const char *mm_class_name(enum mm_class class);
int mm_class_parse(const char *s);

#endif
