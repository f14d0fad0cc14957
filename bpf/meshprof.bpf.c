// SPDX-License-Identifier: GPL-2.0
/*
 * meshprof's always-on accounting: on-CPU time, context switches and
 * run-queue waits from the scheduler; bytes and calls of socket I/O and TCP
 * connection lifecycle from the socket layer. Everything is summed in the
 * kernel per process (tgid); user space folds processes into components.
 *
 * Each tracepoint has a tp_btf and a raw_tp entry point sharing one handler;
 * user space autoloads the flavour the kernel supports. Socket bytes come
 * from sock:sock_{send,recv}_length, or from syscall tracepoints on kernels
 * that lack them.
 *
 * The handlers run on every context switch and every socket operation, so
 * none hashes anything on its common path: per-thread state lives in
 * task-local storage and per-socket state in socket-local storage, a
 * pointer away from the task and the socket, where the kernel has them
 * (state.bpf.h); a process's counters and histograms are in arrays, at a
 * slot each thread remembers (slots.bpf.h).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "meshprof.h"
#include "latency.h"
#include "maps.bpf.h"
#include "bits.bpf.h"
#include "task.bpf.h"

#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define MSG_PEEK 2
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define TCP_SYN_SENT 2
#define TCP_SYN_RECV 3
#define TCP_CLOSE 7
#define TASK_RUNNING 0
#define TASK_DEAD 0x80

char LICENSE[] SEC("license") = "GPL";

/*
 * The tp_btf and raw_tp entry points of a tracepoint whose handler reads
 * everything through CO-RE: NAME_btf and NAME_raw (user space picks one).
 */
#define TP_BTF_AND_RAW(name, tp, call, args...)				\
SEC("tp_btf/" #tp)							\
int BPF_PROG(name##_btf, args)						\
{									\
	return call;							\
}									\
SEC("raw_tp/" #tp)							\
int BPF_PROG(name##_raw, args)						\
{									\
	return call;							\
}

/* User space opens and closes the window with this, so that the window is
 * exact however long attaching and detaching take. */
volatile bool counting;
/* When the window opened: a thread born after it is charged its whole
 * life at its first switch-out. */
volatile __u64 window_start_ns;

/* Off (--no-latency): no per-socket turn tracking, the costliest part of
 * the socket handlers; bytes and calls are still counted. */
const volatile bool track_latency = true;

#include "state.bpf.h"
#include "slots.bpf.h"

#define PEER_LOOKUP(map, key) bpf_map_lookup_elem(map, key)
#include "peer.h"

/* Sizes are set by user space before load (--max-procs): the slot
 * families hold that many processes, the arrays one more (slot 0). */
SLOT_FAMILY(proc, 8192);

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 8193);
	__type(key, __u32);
	__type(value, struct proc_stats);
} proc_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8193);
	__type(key, __u32);
	__type(value, struct runq_hist);
} runq_hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cpu_slice);
} cpu_slice SEC(".maps");

/*
 * When each flow's current turn was sent, 0 once the peer saw it arrive:
 * a direct-mapped table indexed by a hash of the flow, whose entries
 * name their flow. Two flows meeting in one entry push each other out,
 * as an LRU would, at the cost of an array index rather than a hash
 * table's lookup on every turn.
 */
#define IN_FLIGHT_SLOTS 16384	/* a power of two */

struct flight {
	struct flow_key flow;
	__u64 sent_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, IN_FLIGHT_SLOTS);
	__type(key, __u32);
	__type(value, struct flight);
} in_flight SEC(".maps");

/* A process's latency histograms, every measure at one slot: only the
 * processes whose sockets have turns get one. */
SLOT_FAMILY(lat, 512);

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 513);
	__type(key, __u32);
	__type(value, struct lat_proc);
} lat_hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} lifecycle SEC(".maps");

/* What user space knows of endpoints, ports and processes (peer.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PEER_RULES_MAX);
	__type(key, struct peer_key);
	__type(value, __u8);
} peer_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct peer_proc);
} peer_procs SEC(".maps");

/* @tgid's counters, trying the slot remembered in *@cached first (a
 * thread's or a socket's; NULL for none). NULL when no slot is free. */
static __always_inline struct proc_stats *stats_of(__u32 tgid, __u32 *cached)
{
	__u32 slot = slot_of(&proc_slots, &proc_tgids, &proc_free, tgid,
			     cached);
	struct proc_stats *st = bpf_map_lookup_elem(&proc_stats, &slot);

	if (!slot || !st) {
		count_drop(DROP_PROC_MAP);
		return NULL;
	}
	return st;
}

/* The current thread's (@pid_tgid) state and its process's counters. */
static __always_inline struct proc_stats *my_stats(__u64 pid_tgid,
						   struct thread_state **tsp)
{
	struct thread_state *ts = thread_state((__u32)pid_tgid, true);

	if (tsp)
		*tsp = ts;
	return stats_of(pid_tgid >> 32, ts ? &ts->proc_slot : NULL);
}

static __always_inline __u32 current_tgid(void)
{
	return current_pid_tgid() >> 32;
}

static __always_inline struct cpu_slice *this_cpu_slice(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&cpu_slice, &zero);
}

/* ---- scheduler ---- */

static __always_inline void record_wait(struct proc_stats *st, __u32 pslot,
					__u64 wait)
{
	struct runq_hist *hist;
	__u64 slot;

	st->runq_ns += wait;
	st->runq_waits++;
	hist = bpf_map_lookup_elem(&runq_hists, &pslot);
	if (!hist)
		return;
	slot = log2_u64(wait);
	clamp_index(slot, MAX_SLOTS - 1);
	__sync_fetch_and_add(&hist->slots[slot], 1);
}

/* What the switch handler needs of the task leaving the CPU (which is
 * still current) and of the one coming. Each entry point reads it the
 * cheapest way its program type allows: tp_btf loads fields directly,
 * raw_tp goes through bpf_probe_read_kernel. */
struct switch_info {
	__u32 prev_tid;
	__u32 prev_tgid;
	__u32 next_tgid;	/* 0: the idle task */
	long prev_state;	/* TASK_RUNNING when preempted */
	__u64 prev_start_ns;	/* when prev was born */
	__u64 oncpu_ns;		/* prev's se.sum_exec_runtime */
	__u64 run_delay_ns;	/* prev's sched_info.run_delay */
};

/*
 * The slice prev is leaving and the run-queue wait before it. The
 * scheduler's own per-thread totals (the numbers behind
 * /proc/PID/schedstat) give both exactly, counted from prev's last
 * switch-out; a thread born in the window from zero; any other thread not
 * seen since attach from this CPU's last switch.
 */
static __always_inline void charge_slice(const struct switch_info *si,
					 struct proc_stats *st,
					 struct thread_state *ts,
					 const struct cpu_slice *slice, __u64 now)
{
	__u64 oncpu = 0, delay = 0;

	if (ts && ts->marked) {
		oncpu = ts->oncpu_ns;
		delay = ts->run_delay_ns;
	} else if (!ts || si->prev_start_ns < window_start_ns) {
		if (slice->since_ns && now > slice->since_ns)
			st->cpu_ns += now - slice->since_ns;
		return;
	}
	st->cpu_ns += si->oncpu_ns - oncpu;
	if (si->run_delay_ns > delay)
		record_wait(st, ts->proc_slot, si->run_delay_ns - delay);
}

/* The turn prev began receiving in its slice, kept on this CPU, goes
 * with it (to its thread state, where a send on another CPU finds it). */
static __always_inline void hand_over_pending(struct cpu_slice *slice,
					      struct thread_state *ts)
{
	if (ts) {
		ts->pending_sk = slice->pend_sk;
		ts->pending_ns = slice->pend_ns;
		ts->pending_passive = slice->pend_passive;
	}
	slice->pend_tid = 0;
}

static __always_inline void charge_prev(const struct switch_info *si,
					struct cpu_slice *slice, __u64 now)
{
	struct thread_state *ts;
	struct proc_stats *st;

	st = my_stats((__u64)si->prev_tgid << 32 | si->prev_tid, &ts);
	if (slice->pend_tid == si->prev_tid)
		hand_over_pending(slice, ts);
	if (st) {
		charge_slice(si, st, ts, slice, now);
		/* getrusage() counts a switch as voluntary only when the
		 * task blocked on its own; a preempted one is runnable. */
		if (si->prev_state == TASK_RUNNING)
			st->invol_switches++;
		else
			st->vol_switches++;
	}
	if (si->prev_state & TASK_DEAD) {
		thread_state_drop(si->prev_tid);
		return;
	}
	if (!ts)
		return;
	ts->oncpu_ns = si->oncpu_ns;
	ts->run_delay_ns = si->run_delay_ns;
	ts->marked = 1;
}

static __always_inline int on_switch(const struct switch_info *si)
{
	__u64 now = bpf_ktime_get_ns();
	struct cpu_slice *slice = this_cpu_slice();

	if (!slice)
		return 0;
	if (si->prev_tid)
		charge_prev(si, slice, now);
	slice->since_ns = now;
	slice->tgid = si->next_tgid;
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(switch_btf, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	struct switch_info si;

	if (!counting)
		return 0;
	si = (struct switch_info){
		.prev_tid = prev->pid,
		.prev_tgid = prev->tgid,
		.next_tgid = next->tgid,
		.prev_state = preempt ? TASK_RUNNING : task_state_btf(prev),
		.prev_start_ns = prev->start_time,
		.oncpu_ns = prev->se.sum_exec_runtime,
		.run_delay_ns = task_run_delay_btf(prev),
	};
	return on_switch(&si);
}

SEC("raw_tp/sched_switch")
int BPF_PROG(switch_raw, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	struct switch_info si;

	if (!counting)
		return 0;
	si = (struct switch_info){
		.prev_tid = BPF_CORE_READ(prev, pid),
		.prev_tgid = BPF_CORE_READ(prev, tgid),
		.next_tgid = BPF_CORE_READ(next, tgid),
		.prev_state = preempt ? TASK_RUNNING : task_state(prev),
		.prev_start_ns = BPF_CORE_READ(prev, start_time),
		.oncpu_ns = BPF_CORE_READ(prev, se.sum_exec_runtime),
		.run_delay_ns = task_run_delay(prev),
	};
	return on_switch(&si);
}

/* ---- process lifecycle: one ring buffer record per fork/exec/exit ---- */

static __always_inline void emit(__u32 kind, struct task_struct *t)
{
	struct lifecycle_event *ev;

	ev = bpf_ringbuf_reserve(&lifecycle, sizeof(*ev), 0);
	if (!ev) {
		count_drop(DROP_EVENTS);
		return;
	}
	ev->kind = kind;
	ev->pid = BPF_CORE_READ(t, tgid);
	ev->ppid = BPF_CORE_READ(t, real_parent, tgid);
	ev->pad = 0;
	ev->ts_ns = bpf_ktime_get_ns();
	BPF_CORE_READ_STR_INTO(&ev->comm, t, comm);
	bpf_ringbuf_submit(ev, 0);
}

static __always_inline int on_fork(struct task_struct *child)
{
	if (!counting)
		return 0;
	/* Threads share their process's entry; only new processes matter. */
	if (BPF_CORE_READ(child, pid) != BPF_CORE_READ(child, tgid))
		return 0;
	emit(EV_FORK, child);
	return 0;
}

static __always_inline int on_exec(struct task_struct *p)
{
	if (!counting)
		return 0;
	emit(EV_EXEC, p);
	return 0;
}

static __always_inline int on_exit(struct task_struct *p)
{
	if (!counting)
		return 0;
	if (task_group_dead(p))
		emit(EV_EXIT, p);
	return 0;
}

TP_BTF_AND_RAW(fork, sched_process_fork, on_fork(child),
	       struct task_struct *parent, struct task_struct *child)

TP_BTF_AND_RAW(exec, sched_process_exec, on_exec(p),
	       struct task_struct *p)

TP_BTF_AND_RAW(exit, sched_process_exit, on_exit(p),
	       struct task_struct *p)

/* ---- socket I/O ---- */

static __always_inline bool is_inet(struct sock *sk)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	return family == AF_INET || family == AF_INET6;
}

static __always_inline __u64 lat_slot(__u64 ns)
{
	__u64 msb;

	if (ns < LAT_SUB)
		return ns;
	msb = log2_u64(ns);
	if (msb > LAT_MAX_MSB)
		return LAT_SLOTS - 1;
	return LAT_SLOT_OF(ns, msb);
}

static __always_inline void record_latency(struct lat_proc *lp, __u32 kind,
					   __u64 ns)
{
	struct lat_hist *h;
	__u64 slot;

	if (!lp || kind >= LAT_KINDS)
		return;
	h = &lp->h[kind];
	slot = lat_slot(ns);
	clamp_index(slot, LAT_SLOTS - 1);	/* no-op: for the verifier */
	__sync_fetch_and_add(&h->slots[slot], 1);
	__sync_fetch_and_add(&h->sum_ns, ns);
	/* Racy but monotone enough: a lost update only lowers the max
	 * when two CPUs set a new maximum for one process at once. */
	if (ns > h->max_ns)
		h->max_ns = ns;
}

/*
 * One socket operation in the current thread's context: the socket and
 * its state, who, when, and what the steps fetch once they need it. @btf:
 * the entry point is tp_btf, whose socket pointer may be read directly
 * (a constant: each program keeps only its own way).
 */
struct sock_op {
	struct sock *sk;
	struct sock_state *ss;
	__u64 pid_tgid;
	__u64 now;
	bool btf;
	struct thread_state *ts;
	struct lat_proc *lp;
};

static __always_inline __u32 op_tgid(const struct sock_op *op)
{
	return op->pid_tgid >> 32;
}

static __always_inline struct thread_state *op_thread(struct sock_op *op)
{
	if (!op->ts)
		op->ts = thread_state((__u32)op->pid_tgid, true);
	return op->ts;
}

/* The process's counters: through the slot the socket remembers when
 * the process owns it, else through the thread's. */
static __always_inline struct proc_stats *op_stats(struct sock_op *op)
{
	struct thread_state *ts;

	if (op->ss && op->ss->owner == op_tgid(op))
		return stats_of(op_tgid(op), &op->ss->owner_slot);
	ts = op_thread(op);
	return stats_of(op_tgid(op), ts ? &ts->proc_slot : NULL);
}

/* The process's histograms: through the slot the socket remembers when
 * the process owns it, else through the thread's. */
static __always_inline void op_latency(struct sock_op *op, __u32 kind,
				       __u64 ns)
{
	struct thread_state *ts;
	__u32 slot, *cached = NULL;

	if (!op->lp) {
		if (op->ss && op->ss->owner == op_tgid(op))
			cached = &op->ss->owner_lat_slot;
		else if ((ts = op_thread(op)))
			cached = &ts->lat_slot;
		slot = slot_of(&lat_slots, &lat_tgids, &lat_free, op_tgid(op),
			       cached);
		op->lp = bpf_map_lookup_elem(&lat_hists, &slot);
		if (!slot || !op->lp) {
			count_drop(DROP_LAT_MAP);
			op->lp = NULL;
			return;
		}
	}
	record_latency(op->lp, kind, ns);
}

/* A thread starts receiving a turn on the socket: remember it until it
 * forwards it, on this CPU while its slice lasts (a thread mostly
 * forwards what it read before it sleeps: no thread state to fetch). */
static __always_inline void note_pending(struct sock_op *op)
{
	struct cpu_slice *slice = this_cpu_slice();

	if (!slice)
		return;
	slice->pend_tid = (__u32)op->pid_tgid;
	slice->pend_sk = (__u64)op->sk;
	slice->pend_ns = op->now;
	slice->pend_passive = op->ss->passive;
}

/*
 * Proxy dwell: the first send on another socket after a thread started
 * receiving a turn is taken as forwarding what it received. Data received
 * on an accepted connection travels toward the upstream (request path);
 * data from a connection it opened travels back (response path).
 */
static __always_inline void forward_dwell(struct sock_op *op)
{
	struct cpu_slice *slice = this_cpu_slice();
	struct thread_state *ts;
	__u64 *sk, since;
	bool passive;

	/* This CPU holds the thread's latest turn if it began one in this
	 * slice; else its thread state does. */
	if (slice && slice->pend_tid == (__u32)op->pid_tgid) {
		sk = &slice->pend_sk;
		since = slice->pend_ns;
		passive = slice->pend_passive;
	} else {
		ts = op_thread(op);
		if (!ts)
			return;
		sk = &ts->pending_sk;
		since = ts->pending_ns;
		passive = ts->pending_passive;
	}
	if (!*sk || *sk == (__u64)op->sk)
		return;
	*sk = 0;	/* forwarded */
	op_latency(op, passive ? LAT_DWELL_REQUEST : LAT_DWELL_RESPONSE,
		   op->now - since);
}

/* The flow that @sk sends on (@sending) or receives from. */
static __always_inline struct flow_key flow_of(struct sock *sk, bool passive,
					       bool sending, bool btf)
{
	struct flow_key k = { .from_active = sending != passive };

	if (btf && passive) {
		k.addr = sk->__sk_common.skc_daddr;
		k.port = bpf_ntohs(sk->__sk_common.skc_dport);
	} else if (btf) {
		k.addr = sk->__sk_common.skc_rcv_saddr;
		k.port = sk->__sk_common.skc_num;
	} else if (passive) {
		k.addr = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		k.port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	} else {
		k.addr = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		k.port = BPF_CORE_READ(sk, __sk_common.skc_num);
	}
	return k;
}

static __always_inline struct flight *flight_of(const struct flow_key *k)
{
	__u32 h = (k->addr ^ ((__u32)k->port << 16 | k->from_active)) *
		  2654435761u;	/* Knuth's multiplicative hash */
	__u32 idx = h >> (32 - 14);

	_Static_assert(IN_FLIGHT_SLOTS == 1 << 14, "14 bits index the table");
	return bpf_map_lookup_elem(&in_flight, &idx);
}

static __always_inline bool same_flow(const struct flow_key *a,
				      const struct flow_key *b)
{
	return a->addr == b->addr && a->port == b->port &&
	       a->from_active == b->from_active;
}

/* At a read, the data's time in the kernel: from the peer's send to its
 * arrival here (transit), and from arrival to this read (queue). */
static __always_inline void account_arrival(struct sock_op *op)
{
	struct sock_state *ss = op->ss;

	if (!ss->ready_ns)
		return;
	if (op->now > ss->ready_ns)
		op_latency(op, LAT_QUEUE, op->now - ss->ready_ns);
	if (ss->sent_ns && ss->ready_ns > ss->sent_ns)
		op_latency(op, LAT_TRANSIT, ss->ready_ns - ss->sent_ns);
	ss->ready_ns = 0;
	ss->sent_ns = 0;
}

/*
 * A thread starts sending on the socket: the end of the request it served
 * (service time) or forwarded (dwell), and the start of data in flight.
 */
static __always_inline void begin_send(struct sock_op *op,
				       struct proc_stats *st)
{
	struct sock_state *ss = op->ss;
	struct flow_key flow = flow_of(op->sk, ss->passive, true, op->btf);
	struct flight *fl;

	forward_dwell(op);
	if (ss->dir == TURN_RECV && ss->passive) {
		if (!st)
			st = op_stats(op);
		if (st)
			st->exchanges++;
		op_latency(op, LAT_SERVICE, op->now - ss->turn_ns);
	}
	ss->dir = TURN_SEND;
	ss->turn_ns = op->now;
	ss->awaiting = 1;
	fl = flight_of(&flow);
	if (!fl)
		return;
	fl->flow = flow;
	fl->sent_ns = op->now;
}

/* A thread reads data that ended a round trip it waited for as a client. */
static __always_inline void begin_recv(struct sock_op *op)
{
	struct sock_state *ss = op->ss;

	if (ss->dir == TURN_SEND && !ss->passive)
		op_latency(op, LAT_CLIENT, op->now - ss->turn_ns);
	ss->dir = TURN_RECV;
	ss->turn_ns = op->now;
	note_pending(op);
}

/*
 * Request/response turns, whatever the protocol, even encrypted: data
 * received on an accepted connection followed by data sent back on it is
 * one exchange served; data sent on a connection the process opened
 * followed by data received is one round trip it waited for. A send turn
 * normally begins in on_tcp_send(), at the entry of tcp_sendmsg; here only
 * when that tracepoint is missing.
 */
static __always_inline void track_turn(struct sock_op *op, bool send,
				       struct proc_stats *st)
{
	if (send) {
		if (op->ss->dir != TURN_SEND) {
			op->now = bpf_ktime_get_ns();
			begin_send(op, st);
		}
		return;
	}
	/* A read that goes on with a turn whose arrival is counted needs
	 * no clock. */
	if (!op->ss->ready_ns && op->ss->dir == TURN_RECV)
		return;
	op->now = bpf_ktime_get_ns();
	account_arrival(op);
	if (op->ss->dir != TURN_RECV)
		begin_recv(op);
}

/* ---- peers: who each socket talks to (peer.h) ---- */

/* An inet socket's two ends; read once per socket, so CO-RE reads
 * whatever the entry point. */
static __always_inline void inet_ends(struct sock *sk, struct peer_key *local,
				      struct peer_key *remote)
{
	if (BPF_CORE_READ(sk, __sk_common.skc_family) == AF_INET6) {
		bpf_core_read(local->addr, 16,
			      &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(remote->addr, 16, &sk->__sk_common.skc_v6_daddr);
	} else {
		peer_addr_v4(local->addr,
			     BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr));
		peer_addr_v4(remote->addr,
			     BPF_CORE_READ(sk, __sk_common.skc_daddr));
	}
	local->port = BPF_CORE_READ(sk, __sk_common.skc_num);
	remote->port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
}

/* The process at the other end of a Unix socket: who connected to it,
 * or where it connected (SO_PEERCRED's process). */
static __always_inline struct peer_proc *unix_peer(struct sock *sk)
{
	struct pid *pid = BPF_CORE_READ(sk, sk_peer_pid);
	__u32 tgid;

	if (!pid)
		return NULL;
	tgid = BPF_CORE_READ(pid, numbers[0].nr);
	return bpf_map_lookup_elem(&peer_procs, &tgid);
}

static __always_inline __u8 classify_peer(struct sock_op *op, bool unix_sock)
{
	struct peer_key local = {}, remote = {}, scratch;
	__u32 tgid = op_tgid(op);
	struct peer_proc *me;

	if (unix_sock)
		return peer_of_unix(unix_peer(op->sk));
	inet_ends(op->sk, &local, &remote);
	me = bpf_map_lookup_elem(&peer_procs, &tgid);
	return peer_of_inet(&peer_rules, &local, &remote, me ? me->mesh : 0,
			    &scratch);
}

/*
 * Bytes, calls and connections by peer class. The class is decided at
 * the socket's first I/O, with a few map lookups, and kept in its state:
 * every later message is an index into the process's counters.
 */
static __always_inline void count_peer(struct sock_op *op,
				       struct proc_stats *st, bool send,
				       long ret, bool unix_sock)
{
	struct peer_counters *pc;
	__u8 class = op->ss->peer;
	bool first = !class;

	_Static_assert(PEER_MAX == 4, "a mask bounds the class");
	if (first) {
		class = classify_peer(op, unix_sock) + 1;
		op->ss->peer = class;
	}
	pc = &st->peer[(class - 1) & (PEER_MAX - 1)];
	if (first)
		pc->connections++;
	if (send) {
		pc->bytes_sent += ret;
		pc->send_calls++;
	} else {
		pc->bytes_recv += ret;
		pc->recv_calls++;
	}
}

/*
 * Bytes and calls of the process; with latency on, the socket's turns.
 * The owner of a socket is the first process seen moving data on it (an
 * accepted connection gets its owner here).
 */
static __always_inline void account_io(struct sock_op *op, bool send,
				       long ret)
{
	struct proc_stats *st;

	if (ret < 0)
		return;
	op->pid_tgid = current_pid_tgid();
	if (op->ss && !op->ss->owner)
		op->ss->owner = op_tgid(op);
	st = op_stats(op);
	if (st) {
		if (send) {
			st->bytes_sent += ret;
			st->send_calls++;
		} else {
			st->bytes_recv += ret;
			st->recv_calls++;
		}
		if (op->ss)
			count_peer(op, st, send, ret, false);
	}
	if (op->ss && ret > 0 && track_latency)
		track_turn(op, send, st);
}

/*
 * Connections opened before the window: the server side is the one whose
 * local port is the lower (a listening port against an ephemeral one).
 * Connections made in the window are known exactly from their handshake.
 */
static __always_inline __u8 guess_passive(struct sock *sk, bool btf)
{
	__u16 local, remote;

	if (btf) {
		local = sk->__sk_common.skc_num;
		remote = bpf_ntohs(sk->__sk_common.skc_dport);
	} else {
		local = BPF_CORE_READ(sk, __sk_common.skc_num);
		remote = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	}
	return local < remote;
}

/*
 * The socket's state for accounting I/O, made on first sight: it keeps
 * the socket's owner and peer class, and with latency on its turns, its
 * side guessed for a connection opened before the window.
 */
static __always_inline struct sock_state *io_state(struct sock *sk, bool btf)
{
	struct sock_state *ss = sock_state(sk, true);

	if (ss && track_latency && !ss->sided) {
		ss->passive = guess_passive(sk, btf);
		ss->sided = 1;
	}
	return ss;
}

/*
 * Unix sockets count by peer only: net.* stays inet's. Their state needs
 * socket-local storage, which goes with the socket; a hash map would
 * keep every short-lived Unix socket until evicted, pushing out the TCP
 * sockets' state.
 */
static __always_inline void account_unix(struct sock_op *op, bool send,
					 long ret)
{
	struct proc_stats *st;

	if (!sock_local)
		return;
	op->ss = sock_state(op->sk, true);
	if (!op->ss)
		return;
	op->pid_tgid = current_pid_tgid();
	if (!op->ss->owner)
		op->ss->owner = op_tgid(op);
	st = op_stats(op);
	if (st)
		count_peer(op, st, send, ret, true);
}

/* @family is read by the entry point, directly where tp_btf allows. */
static __always_inline int on_sock_io(bool send, struct sock *sk, __u16 family,
				      int ret, int flags, bool btf)
{
	struct sock_op op = { .sk = sk, .btf = btf };

	/* A failed call (a non-blocking read with nothing queued: -EAGAIN)
	 * moved nothing; a peek copies nothing out of the queue, the real
	 * read follows. Neither needs the socket's state. */
	if (!counting || ret < 0 || (!send && (flags & MSG_PEEK)))
		return 0;
	if (family == AF_UNIX) {
		account_unix(&op, send, ret);
		return 0;
	}
	if (family != AF_INET && family != AF_INET6)
		return 0;
	op.ss = io_state(sk, btf);
	account_io(&op, send, ret);
	return 0;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(send_btf, struct sock *sk, int ret, int flags)
{
	return on_sock_io(true, sk, sk->__sk_common.skc_family, ret, flags,
			  true);
}

SEC("raw_tp/sock_send_length")
int BPF_PROG(send_raw, struct sock *sk, int ret, int flags)
{
	return on_sock_io(true, sk, BPF_CORE_READ(sk, __sk_common.skc_family),
			  ret, flags, false);
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(recv_btf, struct sock *sk, int ret, int flags)
{
	return on_sock_io(false, sk, sk->__sk_common.skc_family, ret, flags,
			  true);
}

SEC("raw_tp/sock_recv_length")
int BPF_PROG(recv_raw, struct sock *sk, int ret, int flags)
{
	return on_sock_io(false, sk, BPF_CORE_READ(sk, __sk_common.skc_family),
			  ret, flags, false);
}

/*
 * TCP starts sending: the first data of a turn is stamped here, at the
 * entry of tcp_sendmsg, because on loopback and veth the peer's
 * sk_data_ready runs inside this very call, before sock_send_length.
 */
static __always_inline int on_tcp_send(struct sock *sk, bool btf)
{
	struct sock_op op = { .sk = sk, .btf = btf };

	if (!counting)
		return 0;
	op.ss = sock_state(sk, false);
	if (!op.ss || op.ss->dir == TURN_SEND)
		return 0;
	op.pid_tgid = current_pid_tgid();
	op.now = bpf_ktime_get_ns();
	begin_send(&op, NULL);
	return 0;
}

SEC("tp_btf/tcp_sendmsg_locked")
int BPF_PROG(tcp_send_btf, struct sock *sk)
{
	return on_tcp_send(sk, true);
}

SEC("raw_tp/tcp_sendmsg_locked")
int BPF_PROG(tcp_send_raw, struct sock *sk)
{
	return on_tcp_send(sk, false);
}

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/*
 * When data arriving on @sk was taken in. TCP's receive path has just
 * read the clock (tcp_mstamp_refresh, at the start of processing the
 * segment) into tcp_clock_cache, on the clock bpf_ktime_get_ns() reads:
 * a load instead of a helper call where a BTF pointer can be cast (tp_btf,
 * 6.2+; sk_data_ready itself is 6.6+).
 */
static __always_inline __u64 arrival_ns(struct sock *sk, bool btf)
{
	struct tcp_sock *tp;
	__u64 ns;

	if (!btf || !bpf_rdonly_cast || sk->sk_protocol != IPPROTO_TCP)
		return bpf_ktime_get_ns();
	tp = bpf_rdonly_cast(sk, bpf_core_type_id_kernel(struct tcp_sock));
	ns = tp->tcp_clock_cache;
	return ns ? ns : bpf_ktime_get_ns();
}

/*
 * Data arrived in the socket's receive queue; the reader is told to wake.
 * Only the first arrival after the socket itself sent can be a new turn
 * of the peer's, whose send time is looked up.
 */
static __always_inline int on_data_ready(struct sock *sk, bool btf)
{
	struct sock_state *ss;
	struct flow_key flow;
	struct flight *fl;

	if (!counting)
		return 0;
	ss = sock_state(sk, false);
	if (!ss || ss->ready_ns)
		return 0;
	ss->ready_ns = arrival_ns(sk, btf);
	if (!ss->awaiting && ss->dir)
		return 0;
	ss->awaiting = 0;
	flow = flow_of(sk, ss->passive, false, btf);
	fl = flight_of(&flow);
	if (!fl || !fl->sent_ns || !same_flow(&fl->flow, &flow))
		return 0;
	ss->sent_ns = fl->sent_ns;
	fl->sent_ns = 0;	/* seen: later segments of the turn are not new */
	return 0;
}

SEC("tp_btf/sk_data_ready")
int BPF_PROG(data_ready_btf, struct sock *sk)
{
	return on_data_ready(sk, true);
}

SEC("raw_tp/sk_data_ready")
int BPF_PROG(data_ready_raw, struct sock *sk)
{
	return on_data_ready(sk, false);
}

/* The inet socket behind descriptor @fd of the current task, or NULL. */
static __always_inline struct sock *fd_inet_sock(long fd)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct file **fds, *file;
	struct socket *sock;
	struct sock *sk;
	umode_t mode;

	if (fd < 0 || fd >= BPF_CORE_READ(task, files, fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(task, files, fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) || !file)
		return NULL;
	mode = BPF_CORE_READ(file, f_inode, i_mode);
	if ((mode & S_IFMT) != S_IFSOCK)
		return NULL;
	sock = BPF_CORE_READ(file, private_data);
	sk = BPF_CORE_READ(sock, sk);
	if (!sk || !is_inet(sk))
		return NULL;
	return sk;
}

/* Syscall fallback: remember which socket a socket I/O syscall moves data
 * on at entry, when the descriptor is still valid, and count at exit. */
static __always_inline int io_enter(bool send, long fd)
{
	struct thread_state *ts;
	struct sock *sk;

	if (!counting)
		return 0;
	sk = fd_inet_sock(fd);
	if (!sk)
		return 0;
	ts = thread_state((__u32)current_pid_tgid(), true);
	if (!ts)
		return 0;
	ts->io_sk = (__u64)sk;
	ts->io_send = send;
	return 0;
}

static __always_inline int io_exit(long ret)
{
	struct sock_op op = {};
	struct thread_state *ts;

	if (!counting)
		return 0;
	ts = thread_state((__u32)current_pid_tgid(), false);
	if (!ts || !ts->io_sk)
		return 0;
	op.sk = (struct sock *)ts->io_sk;
	op.ss = io_state(op.sk, false);
	op.ts = ts;
	ts->io_sk = 0;
	account_io(&op, ts->io_send, ret);
	return 0;
}

#define SYSCALL_IO(name, send)						\
SEC("tracepoint/syscalls/sys_enter_" #name)				\
int name##_enter_sys(struct trace_event_raw_sys_enter *ctx)		\
{									\
	return io_enter(send, ctx->args[0]);				\
}									\
SEC("tracepoint/syscalls/sys_exit_" #name)				\
int name##_exit_sys(struct trace_event_raw_sys_exit *ctx)		\
{									\
	return io_exit(ctx->ret);					\
}

SYSCALL_IO(write, true)
SYSCALL_IO(writev, true)
SYSCALL_IO(sendto, true)
SYSCALL_IO(sendmsg, true)
SYSCALL_IO(read, false)
SYSCALL_IO(readv, false)
SYSCALL_IO(recvfrom, false)
SYSCALL_IO(recvmsg, false)

/* ---- TCP connections ---- */

static __always_inline int on_state(struct sock *sk, int oldstate,
				    int newstate)
{
	struct sock_state *ss;
	struct proc_stats *st;

	if (!counting)
		return 0;
	if (BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	/* connect() makes this transition in the caller's context; a
	 * passive open makes its socket in SYN_RECV, in softirq. */
	if (newstate == TCP_SYN_SENT || newstate == TCP_SYN_RECV) {
		ss = sock_state(sk, true);
		if (!ss)
			return 0;
		*ss = (struct sock_state){ .passive = newstate == TCP_SYN_RECV,
					   .sided = 1 };
		if (newstate == TCP_SYN_RECV)
			return 0;
		ss->owner = current_tgid();
		st = stats_of(ss->owner, &ss->owner_slot);
		if (st)
			st->tcp_connects++;
		return 0;
	}
	if (newstate != TCP_CLOSE)
		return 0;
	/* Closes often happen in softirq context: credit the owner. */
	ss = sock_state(sk, false);
	if (!ss)
		return 0;
	if (!ss->owner)
		count_drop(UNOWNED_CLOSE);
	else if ((st = stats_of(ss->owner, &ss->owner_slot)))
		st->tcp_closes++;
	sock_state_drop(sk);
	return 0;
}

static __always_inline int on_retransmit(struct sock *sk)
{
	struct sock_state *ss;
	struct proc_stats *st;

	if (!counting)
		return 0;
	ss = sock_state(sk, false);
	if (!ss || !ss->owner) {
		count_drop(UNOWNED_RETRANSMIT);
		return 0;
	}
	st = stats_of(ss->owner, &ss->owner_slot);
	if (st)
		st->tcp_retransmits++;
	return 0;
}

TP_BTF_AND_RAW(state, inet_sock_set_state, on_state(sk, oldstate, newstate),
	       struct sock *sk, int oldstate, int newstate)

TP_BTF_AND_RAW(retransmit, tcp_retransmit_skb, on_retransmit(sk),
	       struct sock *sk)

/* Passive opens complete in softirq; accept() counts them for the
 * process that takes them. */
static __always_inline int on_accept(long fd)
{
	struct proc_stats *st;
	struct sock *sk;

	if (!counting || fd < 0)
		return 0;
	sk = fd_inet_sock(fd);
	if (!sk || BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	st = my_stats(current_pid_tgid(), NULL);
	if (st)
		st->tcp_accepts++;
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept")
int accept_exit_sys(struct trace_event_raw_sys_exit *ctx)
{
	return on_accept(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int accept4_exit_sys(struct trace_event_raw_sys_exit *ctx)
{
	return on_accept(ctx->ret);
}
