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

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define MSG_PEEK 2
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define TCP_SYN_SENT 2
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

/* Off (--no-latency): no per-socket turn tracking, the costliest part of
 * the socket handlers; bytes and calls are still counted. */
const volatile bool track_latency = true;

/* Sizes are set by user space before load (--max-procs). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct proc_stats);
} proc_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct runq_hist);
} runq_hists SEC(".maps");

/* tid -> the scheduler's own totals when the thread last left a CPU */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32768);
	__type(key, __u32);
	__type(value, struct thread_mark);
} thread_marks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cpu_slice);
} cpu_slice SEC(".maps");

/* struct sock * -> owning tgid, for events that fire outside its context */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, __u32);
} conn_owner SEC(".maps");

/* struct sock * -> which way its data last moved */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct sock_turn);
} sock_turns SEC(".maps");

/* tid -> where its last received turn started, until it forwards it */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct pending_recv);
} pending_recvs SEC(".maps");

/* flow -> when its current turn was sent; 0 once the peer saw it arrive */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct flow_key);
	__type(value, __u64);
} in_flight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2048);
	__type(key, struct lat_key);
	__type(value, struct lat_hist);
} lat_hists SEC(".maps");

/* syscall fallback: tid -> the socket I/O syscall in flight */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct inflight_io);
} inflight_io SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DROP_MAX);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} lifecycle SEC(".maps");

static const struct proc_stats zero_stats;
static const struct runq_hist zero_hist;
static const struct lat_hist zero_lat;

static __always_inline void count_drop(__u32 reason)
{
	percpu_count(&drops, reason);
}

static __always_inline struct proc_stats *stats_of(__u32 tgid)
{
	struct proc_stats *st;

	st = bpf_map_lookup_or_try_init(&proc_stats, &tgid, &zero_stats);
	if (!st)
		count_drop(DROP_PROC_MAP);
	return st;
}

static __always_inline __u32 current_tgid(void)
{
	return bpf_get_current_pid_tgid() >> 32;
}

/* ---- scheduler ---- */

static __always_inline void record_wait(__u32 tgid, struct proc_stats *st,
					__u64 wait)
{
	struct runq_hist *hist;
	__u64 slot;

	st->runq_ns += wait;
	st->runq_waits++;
	hist = bpf_map_lookup_or_try_init(&runq_hists, &tgid, &zero_hist);
	if (!hist) {
		count_drop(DROP_HIST_MAP);
		return;
	}
	slot = log2_u64(wait);
	clamp_index(slot, MAX_SLOTS - 1);
	__sync_fetch_and_add(&hist->slots[slot], 1);
}

/* What the switch handler needs of the two tasks. Each entry point reads
 * it the cheapest way its program type allows: tp_btf loads fields
 * directly, raw_tp goes through bpf_probe_read_kernel. */
struct switch_info {
	__u32 prev_tid;
	__u32 prev_tgid;
	__u32 next_tgid;	/* 0: the idle task */
	long prev_state;		/* TASK_RUNNING when preempted */
	struct thread_mark prev_mark;
};

/*
 * Charges the slice that the previous task is leaving and the run-queue
 * wait that came before it. The scheduler's own per-thread totals (the
 * numbers behind /proc/PID/schedstat) give both exactly; a thread not seen
 * since attach falls back to the time since this CPU's last switch.
 */
static __always_inline void charge_prev(const struct switch_info *si,
					struct cpu_slice *slice, __u64 now)
{
	const struct thread_mark *cur = &si->prev_mark;
	__u32 tid = si->prev_tid, tgid = si->prev_tgid;
	struct thread_mark *last;
	struct proc_stats *st;

	st = stats_of(tgid);
	last = bpf_map_lookup_elem(&thread_marks, &tid);
	if (st && last) {
		st->cpu_ns += cur->oncpu_ns - last->oncpu_ns;
		if (cur->run_delay_ns > last->run_delay_ns)
			record_wait(tgid, st, cur->run_delay_ns - last->run_delay_ns);
	} else if (st && slice->since_ns && now > slice->since_ns) {
		st->cpu_ns += now - slice->since_ns;
	}
	if (st) {
		/* getrusage() counts a switch as voluntary only when the
		 * task blocked on its own; a preempted one is runnable. */
		if (si->prev_state == TASK_RUNNING)
			st->invol_switches++;
		else
			st->vol_switches++;
	}
	if (si->prev_state & TASK_DEAD) {
		bpf_map_delete_elem(&thread_marks, &tid);
		bpf_map_delete_elem(&pending_recvs, &tid);
		return;
	}
	if (last)
		*last = *cur;
	else if (bpf_map_update_elem(&thread_marks, &tid, cur, BPF_ANY))
		count_drop(DROP_THREAD_MAP);
}

static __always_inline int on_switch(const struct switch_info *si)
{
	__u64 now = bpf_ktime_get_ns();
	struct cpu_slice *slice;
	__u32 zero = 0;

	slice = bpf_map_lookup_elem(&cpu_slice, &zero);
	if (!slice)
		return 0;
	if (si->prev_tid)
		charge_prev(si, slice, now);
	slice->since_ns = now;
	slice->tgid = si->next_tgid;
	return 0;
}

static __always_inline int on_wakeup(__u32 tgid)
{
	struct proc_stats *st;

	st = stats_of(tgid);
	if (st)
		st->wakeups++;
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
		.prev_mark.oncpu_ns = prev->se.sum_exec_runtime,
		.prev_mark.run_delay_ns = task_run_delay_btf(prev),
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
		.prev_mark.oncpu_ns = BPF_CORE_READ(prev, se.sum_exec_runtime),
		.prev_mark.run_delay_ns = task_run_delay(prev),
	};
	return on_switch(&si);
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(wakeup_btf, struct task_struct *p)
{
	return counting ? on_wakeup(p->tgid) : 0;
}

SEC("raw_tp/sched_wakeup")
int BPF_PROG(wakeup_raw, struct task_struct *p)
{
	return counting ? on_wakeup(BPF_CORE_READ(p, tgid)) : 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(wakeup_new_btf, struct task_struct *p)
{
	return counting ? on_wakeup(p->tgid) : 0;
}

SEC("raw_tp/sched_wakeup_new")
int BPF_PROG(wakeup_new_raw, struct task_struct *p)
{
	return counting ? on_wakeup(BPF_CORE_READ(p, tgid)) : 0;
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

/*
 * Connections opened before the window: the server side is the one whose
 * local port is the lower (a listening port against an ephemeral one).
 * Connections made in the window are known exactly from connect/accept.
 */
static __always_inline __u8 guess_passive(struct sock *sk)
{
	__u16 local = BPF_CORE_READ(sk, __sk_common.skc_num);
	__u16 remote = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));

	return local < remote;
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

static __always_inline void record_latency(__u32 tgid, __u32 kind, __u64 ns)
{
	struct lat_key key = { .tgid = tgid, .kind = kind };
	struct lat_hist *h;
	__u64 slot;

	h = bpf_map_lookup_or_try_init(&lat_hists, &key, &zero_lat);
	if (!h) {
		count_drop(DROP_LAT_MAP);
		return;
	}
	slot = lat_slot(ns);
	clamp_index(slot, LAT_SLOTS - 1);	/* no-op: for the verifier */
	__sync_fetch_and_add(&h->slots[slot], 1);
	__sync_fetch_and_add(&h->sum_ns, ns);
	/* Racy but monotone enough: a lost update only lowers the max
	 * when two CPUs set a new maximum for one process at once. */
	if (ns > h->max_ns)
		h->max_ns = ns;
}

/* A thread starts receiving a turn on @sk: remember it until it forwards.
 * Entries are rewritten in place: an insert costs more than a lookup. */
static __always_inline void note_pending(__u64 sk, bool passive, __u64 now)
{
	__u32 tid = bpf_get_current_pid_tgid();
	struct pending_recv *p, fresh = { .sk = sk, .ts_ns = now,
					  .passive = passive };

	p = bpf_map_lookup_elem(&pending_recvs, &tid);
	if (!p) {
		if (bpf_map_update_elem(&pending_recvs, &tid, &fresh, BPF_ANY))
			count_drop(DROP_PENDING_MAP);
		return;
	}
	p->sk = sk;
	p->ts_ns = now;
	p->passive = passive;
}

/*
 * Proxy dwell: the first send on another socket after a thread started
 * receiving a turn is taken as forwarding what it received. Data received
 * on an accepted connection travels toward the upstream (request path);
 * data from a connection it opened travels back (response path).
 */
static __always_inline void forward_dwell(__u32 tgid, __u64 sk, __u64 now)
{
	__u32 tid = bpf_get_current_pid_tgid();
	struct pending_recv *p;

	p = bpf_map_lookup_elem(&pending_recvs, &tid);
	if (!p || !p->sk || p->sk == sk)
		return;
	record_latency(tgid, p->passive ? LAT_DWELL_REQUEST : LAT_DWELL_RESPONSE,
		       now - p->ts_ns);
	p->sk = 0;	/* forwarded */
}

/* The flow that @sk sends on (@sending) or receives from. */
static __always_inline struct flow_key flow_of(struct sock *sk, bool passive,
					       bool sending)
{
	struct flow_key k = { .from_active = sending != passive };

	if (passive) {
		k.addr = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		k.port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	} else {
		k.addr = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		k.port = BPF_CORE_READ(sk, __sk_common.skc_num);
	}
	return k;
}


/* At a read, the data's time in the kernel: from the peer's send to its
 * arrival here (transit), and from arrival to this read (queue). */
static __always_inline void account_arrival(struct sock_turn *turn,
					    __u32 tgid, __u64 now)
{
	if (!turn->ready_ns)
		return;
	if (now > turn->ready_ns)
		record_latency(tgid, LAT_QUEUE, now - turn->ready_ns);
	if (turn->sent_ns && turn->ready_ns > turn->sent_ns)
		record_latency(tgid, LAT_TRANSIT, turn->ready_ns - turn->sent_ns);
	turn->ready_ns = 0;
	turn->sent_ns = 0;
}

/*
 * A thread starts sending on @sk: the end of the request it served
 * (service time) or forwarded (dwell), and the start of data in flight.
 */
static __always_inline void begin_send(struct sock *sk, struct sock_turn *turn,
				       __u32 tgid, __u64 now)
{
	struct flow_key flow = flow_of(sk, turn->passive, true);
	struct proc_stats *st;
	__u64 *sent;

	forward_dwell(tgid, (__u64)sk, now);
	if (turn->dir == TURN_RECV && turn->passive) {
		st = stats_of(tgid);
		if (st)
			st->exchanges++;
		record_latency(tgid, LAT_SERVICE, now - turn->turn_ns);
	}
	turn->dir = TURN_SEND;
	turn->turn_ns = now;
	sent = bpf_map_lookup_elem(&in_flight, &flow);
	if (sent)
		*sent = now;
	else
		bpf_map_update_elem(&in_flight, &flow, &now, BPF_ANY);
}

/* A thread reads data that ended a round trip it waited for as a client. */
static __always_inline void begin_recv(struct sock *sk, struct sock_turn *turn,
				       __u32 tgid, __u64 now)
{
	if (turn->dir == TURN_SEND && !turn->passive)
		record_latency(tgid, LAT_CLIENT, now - turn->turn_ns);
	turn->dir = TURN_RECV;
	turn->turn_ns = now;
	note_pending((__u64)sk, turn->passive, now);
}

/*
 * Request/response turns, whatever the protocol, even encrypted: data
 * received on an accepted connection followed by data sent back on it is
 * one exchange served; data sent on a connection the process opened
 * followed by data received is one round trip it waited for. A send turn
 * normally begins in on_tcp_send(), at the entry of tcp_sendmsg; here only
 * when that tracepoint is missing.
 */
static __always_inline void track_turn(struct sock *sk, bool send, __u32 tgid)
{
	struct sock_turn *turn, fresh = {};
	__u64 key = (__u64)sk, now = bpf_ktime_get_ns();

	turn = bpf_map_lookup_elem(&sock_turns, &key);
	if (!turn) {
		fresh.passive = guess_passive(sk);
		bpf_map_update_elem(&sock_turns, &key, &fresh, BPF_NOEXIST);
		turn = bpf_map_lookup_elem(&sock_turns, &key);
		if (!turn)
			return;
	}
	if (send) {
		if (turn->dir != TURN_SEND)
			begin_send(sk, turn, tgid, now);
		return;
	}
	account_arrival(turn, tgid, now);
	if (turn->dir != TURN_RECV)
		begin_recv(sk, turn, tgid, now);
}

static __always_inline void account_io(struct sock *sk, bool send, long ret)
{
	struct proc_stats *st;
	__u32 tgid;

	if (ret < 0)
		return;
	tgid = current_tgid();
	st = stats_of(tgid);
	if (!st)
		return;
	if (send) {
		st->bytes_sent += ret;
		st->send_calls++;
	} else {
		st->bytes_recv += ret;
		st->recv_calls++;
	}
	if (ret > 0 && track_latency)
		track_turn(sk, send, tgid);
}

/* @family is read by the entry point, directly where tp_btf allows. */
static __always_inline int on_sock_io(bool send, struct sock *sk, __u16 family,
				      int ret, int flags)
{
	if (!counting)
		return 0;
	/* A peek copies nothing out of the queue: the real read follows. */
	if (!send && (flags & MSG_PEEK))
		return 0;
	if (family != AF_INET && family != AF_INET6)
		return 0;
	account_io(sk, send, ret);
	return 0;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(send_btf, struct sock *sk, int ret, int flags)
{
	return on_sock_io(true, sk, sk->__sk_common.skc_family, ret, flags);
}

SEC("raw_tp/sock_send_length")
int BPF_PROG(send_raw, struct sock *sk, int ret, int flags)
{
	return on_sock_io(true, sk, BPF_CORE_READ(sk, __sk_common.skc_family),
			  ret, flags);
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(recv_btf, struct sock *sk, int ret, int flags)
{
	return on_sock_io(false, sk, sk->__sk_common.skc_family, ret, flags);
}

SEC("raw_tp/sock_recv_length")
int BPF_PROG(recv_raw, struct sock *sk, int ret, int flags)
{
	return on_sock_io(false, sk, BPF_CORE_READ(sk, __sk_common.skc_family),
			  ret, flags);
}

/*
 * TCP starts sending: the first data of a turn is stamped here, at the
 * entry of tcp_sendmsg, because on loopback and veth the peer's
 * sk_data_ready runs inside this very call, before sock_send_length.
 */
static __always_inline int on_tcp_send(struct sock *sk)
{
	__u64 key = (__u64)sk;
	struct sock_turn *turn;

	if (!counting)
		return 0;
	turn = bpf_map_lookup_elem(&sock_turns, &key);
	if (!turn || turn->dir == TURN_SEND)
		return 0;
	begin_send(sk, turn, current_tgid(), bpf_ktime_get_ns());
	return 0;
}

TP_BTF_AND_RAW(tcp_send, tcp_sendmsg_locked, on_tcp_send(sk),
	       struct sock *sk)

/* Data arrived in the socket's receive queue; the reader is told to wake. */
static __always_inline int on_data_ready(struct sock *sk)
{
	__u64 key = (__u64)sk, *sent;
	struct sock_turn *turn;
	struct flow_key flow;

	if (!counting)
		return 0;
	turn = bpf_map_lookup_elem(&sock_turns, &key);
	if (!turn || turn->ready_ns)
		return 0;
	turn->ready_ns = bpf_ktime_get_ns();
	flow = flow_of(sk, turn->passive, false);
	sent = bpf_map_lookup_elem(&in_flight, &flow);
	if (!sent || !*sent)
		return 0;
	turn->sent_ns = *sent;
	*sent = 0;	/* seen: later segments of the turn are not new */
	return 0;
}

TP_BTF_AND_RAW(data_ready, sk_data_ready, on_data_ready(sk),
	       struct sock *sk)

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

/* Syscall fallback: remember which direction a socket syscall moves data
 * at entry, when the descriptor is still valid, and count at exit. */
static __always_inline int io_enter(bool send, long fd)
{
	struct inflight_io io = { .send = send };
	__u32 tid;

	if (!counting)
		return 0;
	tid = bpf_get_current_pid_tgid();
	io.sk = (__u64)fd_inet_sock(fd);
	if (!io.sk)
		return 0;
	if (bpf_map_update_elem(&inflight_io, &tid, &io, BPF_ANY))
		count_drop(DROP_FD_MAP);
	return 0;
}

static __always_inline int io_exit(long ret)
{
	struct inflight_io *inflight, io;
	__u32 tid;

	if (!counting)
		return 0;
	tid = bpf_get_current_pid_tgid();
	inflight = bpf_map_lookup_elem(&inflight_io, &tid);
	if (!inflight)
		return 0;
	io = *inflight;
	bpf_map_delete_elem(&inflight_io, &tid);
	account_io((struct sock *)io.sk, io.send, ret);
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

static __always_inline void own_conn(struct sock *sk, __u32 tgid)
{
	__u64 key = (__u64)sk;

	if (bpf_map_update_elem(&conn_owner, &key, &tgid, BPF_ANY))
		count_drop(DROP_CONN_MAP);
}

static __always_inline int on_state(struct sock *sk, int oldstate,
				    int newstate)
{
	struct sock_turn connected = { .passive = 0 };
	struct proc_stats *st;
	__u64 key = (__u64)sk;
	__u32 *owner;

	if (!counting)
		return 0;
	if (BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	/* connect() makes this transition in the caller's context. */
	if (newstate == TCP_SYN_SENT) {
		st = stats_of(current_tgid());
		if (st)
			st->tcp_connects++;
		own_conn(sk, current_tgid());
		bpf_map_update_elem(&sock_turns, &key, &connected, BPF_ANY);
		return 0;
	}
	if (newstate != TCP_CLOSE)
		return 0;
	/* Closes often happen in softirq context: credit the owner. */
	owner = bpf_map_lookup_elem(&conn_owner, &key);
	if (!owner)
		return 0;
	st = stats_of(*owner);
	if (st)
		st->tcp_closes++;
	bpf_map_delete_elem(&conn_owner, &key);
	bpf_map_delete_elem(&sock_turns, &key);
	return 0;
}

static __always_inline int on_retransmit(struct sock *sk)
{
	struct proc_stats *st;
	__u64 key = (__u64)sk;
	__u32 *owner;

	if (!counting)
		return 0;
	owner = bpf_map_lookup_elem(&conn_owner, &key);
	if (!owner) {
		count_drop(UNOWNED_RETRANSMIT);
		return 0;
	}
	st = stats_of(*owner);
	if (st)
		st->tcp_retransmits++;
	return 0;
}

TP_BTF_AND_RAW(state, inet_sock_set_state, on_state(sk, oldstate, newstate),
	       struct sock *sk, int oldstate, int newstate)

TP_BTF_AND_RAW(retransmit, tcp_retransmit_skb, on_retransmit(sk),
	       struct sock *sk)

/* Passive opens complete in softirq; the owner is whoever accepts. */
static __always_inline int on_accept(long fd)
{
	struct sock_turn accepted = { .passive = 1 };
	struct proc_stats *st;
	struct sock *sk;
	__u64 key;

	if (!counting)
		return 0;
	if (fd < 0)
		return 0;
	sk = fd_inet_sock(fd);
	if (!sk || BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	st = stats_of(current_tgid());
	if (st)
		st->tcp_accepts++;
	own_conn(sk, current_tgid());
	key = (__u64)sk;
	bpf_map_update_elem(&sock_turns, &key, &accepted, BPF_ANY);
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
