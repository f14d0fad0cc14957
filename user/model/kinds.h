/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The enumerations of meshprof's data model, and their names as they
 * appear in JSON, tables, rule files and Prometheus labels (names.c).
 */
#ifndef MESHPROF_KINDS_H
#define MESHPROF_KINDS_H

#include <linux/types.h>
#include "meshprof.h"
#include "latency.h"
#include "profile_defs.h"

/* What a component is to the mesh (docs/rules.md). */
enum role {
	ROLE_APP,
	ROLE_SIDECAR,
	ROLE_NODE_PROXY,
	ROLE_NODE_AGENT,
	ROLE_CONTROL_PLANE,	/* istiod, linkerd's controllers, cilium-operator */
	ROLE_SYSTEM,
	ROLE_OTHER,
	ROLE_MAX,
};

enum mesh {
	MESH_NONE,
	MESH_ISTIO,
	MESH_ISTIO_AMBIENT,
	MESH_LINKERD,
	MESH_CILIUM,
	MESH_MAX,
};

/* Where a CPU sample's time went (docs/attribution.md). */
enum cpu_category {
	CAT_TLS,		/* handshakes and record crypto */
	CAT_HTTP,		/* HTTP/1 and HTTP/2 parsing and codecs */
	CAT_L7,			/* HTTP filters, routing, telemetry */
	CAT_L4,			/* user-space proxy I/O and buffer shuffling */
	CAT_KNET,		/* kernel TCP/IP */
	CAT_KNET_LOOPBACK,	/* loopback, veth and bridge delivery */
	CAT_KNET_NETFILTER,	/* netfilter: redirect, NAT, conntrack */
	CAT_KNET_COPY,		/* user <-> kernel copies */
	CAT_SYSCALL,		/* syscall entry/exit, non-network syscalls */
	CAT_SCHED,		/* scheduler, wakeups, event loops */
	CAT_ALLOC,		/* user-space memory allocators */
	CAT_CONFIG,		/* applying the control plane's configuration */
	CAT_OTHER,		/* symbolized, but no rule matched */
	CAT_UNKNOWN,		/* no frame could be symbolized */
	CAT_MAX,
};

/* The categories grouped for a narrow view (top): kernel is kernel-net
 * with its sub-buckets and syscalls; other is the rest. */
enum cpu_group {
	GROUP_TLS,
	GROUP_HTTP,
	GROUP_L7,
	GROUP_L4,
	GROUP_KERNEL,
	GROUP_OTHER,
	GROUP_MAX,
};

/* Why a sample's leaf frame has no name (docs/attribution.md,
 * "Unnamed samples"). */
enum unnamed_reason {
	UNNAMED_STRIPPED,	/* binary stripped, no debug file found */
	UNNAMED_NO_SYMBOL,	/* symbols, but none holds the address */
	UNNAMED_ANON,		/* code in no file (JIT) */
	UNNAMED_UNREADABLE,	/* the mapped file could not be read */
	UNNAMED_UNMAPPED,	/* in no mapping of the process */
	UNNAMED_LOST,		/* the stack was lost: its map was full */
	UNNAMED_NO_STACK,	/* no frame was taken */
	UNNAMED_KERNEL,		/* kernel addresses hidden (kptr_restrict) */
	UNNAMED_MAX,
};

enum runtime {
	RUNTIME_NONE,		/* not in a Kubernetes pod */
	RUNTIME_CONTAINERD,
	RUNTIME_CRIO,
	RUNTIME_DOCKER,
	RUNTIME_UNKNOWN,	/* in a pod, runtime not recognised */
	RUNTIME_MAX,
};

enum qos_class {
	QOS_NONE,
	QOS_GUARANTEED,
	QOS_BURSTABLE,
	QOS_BESTEFFORT,
	QOS_MAX,
};

/* Why meshprof left a file that a process maps unread (docs/hardening.md):
 * its functions go unnamed, its frames are walked by frame pointers. */
enum file_refusal {
	REFUSE_SYMBOLS_TOO_LARGE,	/* a symbol table or its names over
					 * their caps */
	REFUSE_MINIDEBUG_TOO_LARGE,	/* .gnu_debugdata decompresses to more
					 * than its cap */
	REFUSE_CFI_TOO_LARGE,		/* more FDEs or rows than kept */
	REFUSE_CFI_MALFORMED,		/* .eh_frame_hdr or .eh_frame unreadable */
	REFUSE_MAX,
};

/* Each *_name() returns "unknown" out of range ("invalid" for categories,
 * where "unknown" is a name); each *_parse() the value of a name, or -1. */
const char *role_name(enum role role);
int role_parse(const char *s);
const char *mesh_name(enum mesh mesh);
int mesh_parse(const char *s);
const char *category_name(enum cpu_category c);
int category_parse(const char *s);
/* kernel-net for its sub-buckets, else @c itself: for roll-ups. */
enum cpu_category category_parent(enum cpu_category c);
enum cpu_group category_group(enum cpu_category c);
const char *cpu_group_name(enum cpu_group g);
int cpu_group_parse(const char *s);
const char *unnamed_name(enum unnamed_reason r);
int unnamed_parse(const char *s);
/* What a person reads: "binary stripped, no debug file found". */
const char *unnamed_text(enum unnamed_reason r);
const char *runtime_name(enum runtime rt);
int runtime_parse(const char *s);
const char *qos_name(enum qos_class qos);
int qos_parse(const char *s);
const char *lat_kind_name(enum lat_kind kind);
int lat_kind_parse(const char *s);
const char *peer_name(enum peer_class peer);
int peer_parse(const char *s);
const char *drop_name(enum drop_reason reason);
int drop_parse(const char *s);
const char *profile_drop_name(enum profile_drop d);
int profile_drop_parse(const char *s);
const char *refusal_name(enum file_refusal r);
int refusal_parse(const char *s);

#endif
