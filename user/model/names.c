// SPDX-License-Identifier: GPL-2.0
/* The names of the model's enumerations: one table each, read both ways. */
#include <string.h>
#include "derived.h"
#include "kinds.h"
#include "run.h"

static const char *name_of(const char *const *names, int n, int v,
			   const char *invalid)
{
	return v >= 0 && v < n && names[v] ? names[v] : invalid;
}

static int index_of(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (names[i] && !strcmp(names[i], s))
			return i;
	return -1;
}

/* @invalid names values out of range. */
#define NAMES(type, prefix, max, invalid, ...)				\
	static const char *const prefix##_names[max] = { __VA_ARGS__ };	\
	const char *prefix##_name(type v)				\
	{								\
		return name_of(prefix##_names, max, v, invalid);	\
	}								\
	int prefix##_parse(const char *s)				\
	{								\
		return index_of(prefix##_names, max, s);		\
	}

NAMES(enum role, role, ROLE_MAX, "unknown",
	[ROLE_APP] = "app",
	[ROLE_SIDECAR] = "sidecar",
	[ROLE_NODE_PROXY] = "node-proxy",
	[ROLE_NODE_AGENT] = "node-agent",
	[ROLE_CONTROL_PLANE] = "control-plane",
	[ROLE_SYSTEM] = "system",
	[ROLE_OTHER] = "other")

NAMES(enum mesh, mesh, MESH_MAX, "unknown",
	[MESH_NONE] = "none",
	[MESH_ISTIO] = "istio",
	[MESH_ISTIO_AMBIENT] = "istio-ambient",
	[MESH_LINKERD] = "linkerd",
	[MESH_CILIUM] = "cilium")

/* "unknown" is a category of its own. */
NAMES(enum cpu_category, category, CAT_MAX, "invalid",
	[CAT_TLS] = "tls",
	[CAT_HTTP] = "http",
	[CAT_L7] = "l7",
	[CAT_L4] = "l4",
	[CAT_KNET] = "kernel-net",
	[CAT_KNET_LOOPBACK] = "kernel-net/loopback",
	[CAT_KNET_NETFILTER] = "kernel-net/netfilter",
	[CAT_KNET_COPY] = "kernel-net/copy",
	[CAT_SYSCALL] = "syscall",
	[CAT_SCHED] = "sched",
	[CAT_ALLOC] = "alloc",
	[CAT_CONFIG] = "config",
	[CAT_OTHER] = "other",
	[CAT_UNKNOWN] = "unknown")

NAMES(enum unnamed_reason, unnamed, UNNAMED_MAX, "unknown",
	[UNNAMED_STRIPPED] = "stripped",
	[UNNAMED_NO_SYMBOL] = "no_symbol",
	[UNNAMED_ANON] = "anonymous",
	[UNNAMED_UNREADABLE] = "unreadable",
	[UNNAMED_UNMAPPED] = "unmapped",
	[UNNAMED_LOST] = "lost",
	[UNNAMED_NO_STACK] = "no_stack",
	[UNNAMED_KERNEL] = "kernel_hidden")

static const char *const unnamed_texts[UNNAMED_MAX] = {
	[UNNAMED_STRIPPED] = "binary stripped, no debug file found",
	[UNNAMED_NO_SYMBOL] = "no symbol holds the address",
	[UNNAMED_ANON] = "anonymous code (JIT)",
	[UNNAMED_UNREADABLE] = "file not readable",
	[UNNAMED_UNMAPPED] = "address in no mapping",
	[UNNAMED_LOST] = "stack lost: map full",
	[UNNAMED_NO_STACK] = "no frame taken",
	[UNNAMED_KERNEL] = "kernel addresses hidden",
};

const char *unnamed_text(enum unnamed_reason r)
{
	return name_of(unnamed_texts, UNNAMED_MAX, r, "unknown");
}

NAMES(enum runtime, runtime, RUNTIME_MAX, "unknown",
	[RUNTIME_NONE] = "none",
	[RUNTIME_CONTAINERD] = "containerd",
	[RUNTIME_CRIO] = "cri-o",
	[RUNTIME_DOCKER] = "docker",
	[RUNTIME_UNKNOWN] = "unknown")

NAMES(enum qos_class, qos, QOS_MAX, "none",
	[QOS_NONE] = "none",
	[QOS_GUARANTEED] = "guaranteed",
	[QOS_BURSTABLE] = "burstable",
	[QOS_BESTEFFORT] = "besteffort")

NAMES(enum lat_kind, lat_kind, LAT_KINDS, "unknown",
	[LAT_SERVICE] = "service",
	[LAT_DWELL_REQUEST] = "dwell_request",
	[LAT_DWELL_RESPONSE] = "dwell_response",
	[LAT_CLIENT] = "client",
	[LAT_QUEUE] = "queue",
	[LAT_TRANSIT] = "transit")

NAMES(enum peer_class, peer, PEER_MAX, "unknown",
	[PEER_APP] = "app",
	[PEER_MESH] = "mesh",
	[PEER_CONTROL] = "control",
	[PEER_OTHER] = "other")

NAMES(enum drop_reason, drop, DROP_MAX, "unknown",
	[DROP_PROC_MAP] = "proc_map_full",
	[DROP_THREAD_MAP] = "thread_map_full",
	[DROP_SOCK_MAP] = "socket_map_full",
	[DROP_EVENTS] = "lifecycle_events_lost",
	[DROP_LAT_MAP] = "latency_map_full",
	[UNOWNED_RETRANSMIT] = "retransmits_unattributed",
	[UNOWNED_CLOSE] = "closes_unattributed")

NAMES(enum profile_drop, profile_drop, PROFILE_DROP_MAX, "unknown",
	[PROFILE_DROP_STACKS_FULL] = "stacks_map_full",
	[PROFILE_DROP_COUNTS_FULL] = "counts_map_full")

NAMES(enum file_refusal, refusal, REFUSE_MAX, "unknown",
	[REFUSE_SYMBOLS_TOO_LARGE] = "symbols_too_large",
	[REFUSE_MINIDEBUG_TOO_LARGE] = "minidebuginfo_too_large",
	[REFUSE_CFI_TOO_LARGE] = "cfi_too_large",
	[REFUSE_CFI_MALFORMED] = "cfi_malformed")

NAMES(enum gap, gap, GAP_MAX, "unknown",
	[GAP_STARTS] = "processes started in the window",
	[GAP_EXITS] = "processes exited in the window",
	[GAP_NET] = "net",
	[GAP_LATENCY] = "latency",
	[GAP_LAT_QUEUE] = "latency.queue",
	[GAP_LAT_TRANSIT] = "latency.transit",
	[GAP_TCP_CONNECTS] = "tcp.connects",
	[GAP_TCP_ACCEPTS] = "tcp.accepts",
	[GAP_TCP_RETRANSMITS] = "tcp.retransmits",
	[GAP_PEERS_UNIX] = "peers.unix")

NAMES(enum mm_mue, mm_mue, MM_MUE_MAX, "unknown",
	[MM_CPU_SHARE] = "cpu_share",
	[MM_CPU_CAPACITY] = "cpu_capacity",
	[MM_CPU] = "cpu",
	[MM_CONTEXT_SWITCHES] = "context_switches",
	[MM_RUNQ_DELAY] = "runq_delay",
	[MM_RSS] = "rss",
	[MM_BYTES_COPIED] = "bytes_copied",
	[MM_SOCKET_CALLS] = "socket_calls",
	[MM_STACK_TRAVERSALS] = "stack_traversals",
	[MM_P50] = "p50",
	[MM_P99] = "p99")

NAMES(enum mm_class, mm_class, MM_CLASS_MAX, "unknown",
	[MM_COMPUTE] = "compute",
	[MM_MEMORY] = "memory",
	[MM_NETWORK] = "network",
	[MM_LATENCY] = "latency")

NAMES(enum cpu_group, cpu_group, GROUP_MAX, "invalid",
	[GROUP_TLS] = "tls",
	[GROUP_HTTP] = "http",
	[GROUP_L7] = "l7",
	[GROUP_L4] = "l4",
	[GROUP_KERNEL] = "kernel",
	[GROUP_OTHER] = "other")

enum cpu_group category_group(enum cpu_category c)
{
	switch (category_parent(c)) {
	case CAT_TLS:
		return GROUP_TLS;
	case CAT_HTTP:
		return GROUP_HTTP;
	case CAT_L7:
		return GROUP_L7;
	case CAT_L4:
		return GROUP_L4;
	case CAT_KNET:
	case CAT_SYSCALL:
		return GROUP_KERNEL;
	default:
		return GROUP_OTHER;
	}
}

enum cpu_category category_parent(enum cpu_category c)
{
	if (c == CAT_KNET_LOOPBACK || c == CAT_KNET_NETFILTER ||
	    c == CAT_KNET_COPY)
		return CAT_KNET;
	return c;
}
