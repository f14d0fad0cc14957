/* SPDX-License-Identifier: GPL-2.0 */
/* Layouts shared by meshprof.bpf.c and the user side. */
#ifndef MESHPROF_H
#define MESHPROF_H

#define TASK_COMM_LEN 16
#define MAX_SLOTS 32		/* log2 slots of nanoseconds: up to ~4 s */

/* Per-process counters, summed over threads; one copy per CPU. */
struct proc_stats {
	__u64 cpu_ns;		/* on-CPU time */
	__u64 runq_ns;		/* time runnable but waiting for a CPU */
	__u64 runq_waits;	/* number of run-queue waits measured */
	__u64 vol_switches;	/* switched out while blocking */
	__u64 invol_switches;	/* switched out while still runnable */
	__u64 wakeups;		/* times a thread of it was woken */
	__u64 bytes_sent;	/* user->kernel bytes of inet socket sends */
	__u64 bytes_recv;	/* kernel->user bytes of inet socket receives */
	__u64 send_calls;
	__u64 recv_calls;
	__u64 tcp_connects;	/* active opens (connect) */
	__u64 tcp_accepts;	/* passive opens (accept) */
	__u64 tcp_closes;	/* connections it owned that reached CLOSE */
	__u64 tcp_retransmits;	/* retransmitted segments of its connections */
	__u64 exchanges;	/* request/response turns it served */
};

enum turn_dir {
	TURN_NONE,
	TURN_RECV,
	TURN_SEND,
};

struct sock_turn {
	__u8 dir;		/* enum turn_dir: the last data movement */
	__u8 passive;		/* accepted (server side) */
	__u8 pad[6];
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

/* Per thread: the socket it last started receiving on, not yet forwarded. */
struct pending_recv {
	__u64 sk;
	__u64 ts_ns;
	__u32 passive;
	__u32 pad;
};

struct inflight_io {
	__u64 sk;
	__u32 send;
	__u32 pad;
};

/* log2 histogram of run-queue waits, one per process. */
struct runq_hist {
	__u32 slots[MAX_SLOTS];
};

/* Per thread: the scheduler's cumulative totals at its last switch-out. */
struct thread_mark {
	__u64 oncpu_ns;		/* se.sum_exec_runtime */
	__u64 run_delay_ns;	/* sched_info.run_delay */
};

/* Per-CPU: when the running task was switched in, and who it is. */
struct cpu_slice {
	__u64 since_ns;
	__u32 tgid;
	__u32 pad;
};

enum drop_reason {
	DROP_PROC_MAP,		/* proc_stats full: process not counted */
	DROP_HIST_MAP,		/* runq_hists full */
	DROP_THREAD_MAP,	/* thread_marks full: slices timed, waits lost */
	DROP_CONN_MAP,		/* conn_owner full: connection not attributed */
	DROP_EVENTS,		/* lifecycle ring buffer full */
	DROP_FD_MAP,		/* syscall fallback: in-flight fd table full */
	DROP_LAT_MAP,		/* latency histograms full */
	UNOWNED_RETRANSMIT,	/* retransmit on a connection opened before us */
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
