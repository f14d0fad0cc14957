/* SPDX-License-Identifier: GPL-2.0 */
/* Layouts shared by meshprof.bpf.c and the user side. */
#ifndef MESHPROF_H
#define MESHPROF_H

#define TASK_COMM_LEN 16
#define MAX_SLOTS 32		/* log2 slots of nanoseconds: up to ~4 s */

/*
 * The per-process counters, declared once: the kernel's struct proc_stats
 * and everything user space does with them (summing, JSON, the table, the
 * exporter) is generated from this list (user/model/metrics.h). Adding a
 * counter is one line here plus its increment in meshprof.bpf.c.
 *
 *   X(field, JSON group, JSON key, unit,
 *     table column, its width, how it shows, Prometheus name, label)
 *
 * Columns appear in the table in this order; NULL for none. A counter
 * with no Prometheus name is exported as part of something else (the
 * run-queue histogram's _sum and _count).
 */
#define PROC_COUNTERS(X)						\
	X(cpu_ns, "cpu", "seconds", NS,					\
	  "CPU_S", 9, SECONDS, "cpu_seconds_total", "")			\
	X(vol_switches, "sched", "voluntary_switches", COUNT,		\
	  "VCSW", 8, COUNT, "context_switches_total", "kind=\"voluntary\"") \
	X(invol_switches, "sched", "involuntary_switches", COUNT,	\
	  "IVCSW", 7, COUNT, "context_switches_total",			\
	  "kind=\"involuntary\"")					\
	X(runq_ns, "sched", "runq_wait_seconds", NS,			\
	  "RUNQ_MS", 9, MILLIS, NULL, "")				\
	X(runq_waits, "sched", "runq_waits", COUNT,			\
	  NULL, 0, NONE, NULL, "")					\
	X(bytes_sent, "net", "bytes_sent", BYTES,			\
	  "SENT", 9, BYTES, "socket_bytes_total", "direction=\"sent\"")	\
	X(bytes_recv, "net", "bytes_received", BYTES,			\
	  "RECV", 9, BYTES, "socket_bytes_total",			\
	  "direction=\"received\"")					\
	X(send_calls, "net", "send_calls", COUNT,			\
	  "SENDS", 8, COUNT, "socket_calls_total", "direction=\"sent\"")	\
	X(recv_calls, "net", "recv_calls", COUNT,			\
	  "RECVS", 8, COUNT, "socket_calls_total",			\
	  "direction=\"received\"")					\
	X(exchanges, "net", "exchanges_served", COUNT,			\
	  NULL, 0, NONE, "exchanges_total", "")				\
	X(tcp_connects, "tcp", "connects", COUNT,			\
	  NULL, 0, NONE, "tcp_connections_total", "event=\"connect\"")	\
	X(tcp_accepts, "tcp", "accepts", COUNT,				\
	  NULL, 0, NONE, "tcp_connections_total", "event=\"accept\"")	\
	X(tcp_closes, "tcp", "closes", COUNT,				\
	  NULL, 0, NONE, "tcp_connections_total", "event=\"close\"")	\
	X(tcp_retransmits, "tcp", "retransmits", COUNT,			\
	  NULL, 0, NONE, "tcp_retransmits_total", "")

#define PROC_COUNTER_FIELD(field, ...) __u64 field;

/*
 * Who a socket talks to, from a mesh process's point of view (bpf/peer.h,
 * docs/metrics.md): its own pod's application, another proxy, the control
 * plane, or none of these (a Unix socket's peer that is no process meshprof
 * knows, an unconnected UDP socket).
 */
enum peer_class {
	PEER_APP,
	PEER_MESH,
	PEER_CONTROL,
	PEER_OTHER,
	PEER_MAX,
};

/*
 * What user space tells the kernel about peers (peer.h), in two small
 * maps filled before the window opens and kept current while it runs:
 *
 *	peer_rules	struct peer_key -> class: endpoints (a control plane
 *			listening on this node, an address of the rules
 *			file) and ports (well-known control-plane ports of a
 *			mesh, the rules file's)
 *	peer_procs	tgid -> struct peer_proc: what each process user
 *			space knows is to the others, and its mesh
 */
#define PEER_RULES_MAX 1024

/*
 * An endpoint as the rules name it: an IPv6 address (IPv4 mapped,
 * ::ffff:a.b.c.d; all zeros: any address), a port in host order, and the
 * mesh of the processes it applies to (enum mesh; 0: every process; only
 * with any address).
 */
struct peer_key {
	__u8 addr[16];
	__u16 port;
	__u8 mesh;
	__u8 pad;
};

/* What a process is to its peers, and the mesh whose ports it knows. */
struct peer_proc {
	__u8 kind;		/* enum peer_class */
	__u8 mesh;		/* enum mesh */
	__u16 pad;
};

/*
 * The counters kept per process and peer class, declared once like
 * PROC_COUNTERS: TCP, UDP and Unix sockets alike, beside (not inside) the
 * inet-only net counters above. Each process has them once per class.
 *
 *   X(field, JSON key, unit, table column, its width, how it shows,
 *     Prometheus name, label)
 *
 * Prometheus adds peer="CLASS" to the label.
 */
#define PEER_COUNTERS(X)						\
	X(bytes_sent, "bytes_sent", BYTES, "SENT", 9, BYTES,		\
	  "socket_peer_bytes_total", "direction=\"sent\"")		\
	X(bytes_recv, "bytes_received", BYTES, "RECV", 9, BYTES,	\
	  "socket_peer_bytes_total", "direction=\"received\"")		\
	X(send_calls, "send_calls", COUNT, "SENDS", 8, COUNT,		\
	  "socket_peer_calls_total", "direction=\"sent\"")		\
	X(recv_calls, "recv_calls", COUNT, "RECVS", 8, COUNT,		\
	  "socket_peer_calls_total", "direction=\"received\"")		\
	X(connections, "connections", COUNT, "CONNS", 6, COUNT,	\
	  "socket_peer_connections_total", "")

struct peer_counters {
	PEER_COUNTERS(PROC_COUNTER_FIELD)
};

/* Per-process counters, summed over threads; one copy per CPU. */
struct proc_stats {
	PROC_COUNTERS(PROC_COUNTER_FIELD)
	struct peer_counters peer[PEER_MAX];
};

enum turn_dir {
	TURN_NONE,
	TURN_RECV,
	TURN_SEND,
};

/* Per socket: who owns it and where its conversation is. */
struct sock_state {
	__u8 dir;		/* enum turn_dir: the last data movement */
	__u8 passive;		/* accepted (server side) */
	__u8 sided;		/* passive is known (or guessed once) */
	__u8 awaiting;		/* it sent: the peer's next data is a new turn */
	__u32 owner;		/* tgid of the process it belongs to; 0 until
				 * that process connects or moves data */
	__u32 owner_slot;	/* the owner's process slot, as last found */
	__u8 peer;		/* enum peer_class + 1, decided at its first
				 * I/O; 0 until then */
	__u8 pad[3];
	__u32 owner_lat_slot;	/* the owner's latency slot, as last found */
	__u32 pad2;
	__u64 turn_ns;		/* first data movement of the current turn */
	__u64 ready_ns;		/* unread data arrived (sk_data_ready), or 0 */
	__u64 sent_ns;		/* when the peer sent that data, or 0 */
};

/*
 * One direction of a connection, named the same from both ends: by the
 * address and port of its active (connecting) end, which NAT REDIRECT to
 * a sidecar leaves intact on the accepting side.
 */
struct flow_key {
	__u32 addr;
	__u16 port;
	__u8 from_active;	/* data travels from the active end */
	__u8 pad;
};

/* Per thread. */
struct thread_state {
	__u64 oncpu_ns;		/* se.sum_exec_runtime at its last switch-out */
	__u64 run_delay_ns;	/* sched_info.run_delay then */
	__u64 pending_sk;	/* the socket it last began receiving a turn
				 * on, until it forwards it; 0: none */
	__u64 pending_ns;
	__u64 io_sk;		/* syscall fallback: the socket I/O syscall
				 * in flight; 0: none */
	__u32 proc_slot;	/* its process's slots, as last found */
	__u32 lat_slot;
	__u8 marked;		/* oncpu_ns and run_delay_ns are set */
	__u8 pending_passive;
	__u8 io_send;
	__u8 pad[5];
};

/* log2 histogram of run-queue waits, one per process. */
struct runq_hist {
	__u32 slots[MAX_SLOTS];
};

/*
 * Per-CPU: when the running task was switched in, and who it is; and the
 * turn a thread began receiving in its slice here, until it forwards it
 * (its thread state takes it over when it is switched out).
 */
struct cpu_slice {
	__u64 since_ns;
	__u32 tgid;
	__u32 pend_tid;		/* whose pend_* these are; 0: nobody's */
	__u64 pend_sk;		/* as thread_state.pending_sk */
	__u64 pend_ns;
	__u8 pend_passive;
	__u8 pad[7];
};

enum drop_reason {
	DROP_PROC_MAP,		/* no process slot free: process not counted */
	DROP_THREAD_MAP,	/* thread state full: slices timed by the CPU's
				 * clock, waits, dwells and syscall bytes lost */
	DROP_SOCK_MAP,		/* socket state full: a turn or an owner lost */
	DROP_EVENTS,		/* lifecycle ring buffer full */
	DROP_LAT_MAP,		/* no latency slot free: latency not timed */
	UNOWNED_RETRANSMIT,	/* retransmit on a connection opened before us */
	UNOWNED_CLOSE,		/* close of a connection nobody was seen use */
	DROP_MAX,
};

enum lifecycle_kind {
	EV_FORK,
	EV_EXEC,
	EV_EXIT,
};

/* Sent to user space once per process fork, exec and exit; never per packet. */
struct lifecycle_event {
	__u32 kind;
	__u32 pid;		/* tgid of the process */
	__u32 ppid;
	__u32 pad;
	__u64 ts_ns;
	char comm[TASK_COMM_LEN];
};

#endif
