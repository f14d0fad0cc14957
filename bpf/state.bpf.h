/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-thread and per-socket state. Where the kernel has task-local and
 * socket-local storage (5.11+), the state is a pointer away from the task
 * or the socket; elsewhere, and where a program only has the socket's
 * address (raw_tp, syscall tracepoints), it lives in hash maps keyed by
 * thread id and socket address. User space chooses before load
 * (task_local, sock_local) and shrinks the maps it does not use to one
 * entry; every program of one load uses the same kind, so state written
 * by one is found by the others.
 */
#ifndef MESHPROF_STATE_BPF_H
#define MESHPROF_STATE_BPF_H

/* Thread state in task-local storage (else the threads hash). */
const volatile bool task_local = false;
/* Socket state in socket-local storage (else the sockets LRU hash): only
 * when every program that touches it has the socket's BTF pointer. */
const volatile bool sock_local = false;

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct thread_state);
} thread_store SEC(".maps");

/* tid -> thread state, without task-local storage */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32768);
	__type(key, __u32);
	__type(value, struct thread_state);
} threads SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sock_state);
} sock_store SEC(".maps");

/* struct sock * -> socket state, without socket-local storage */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct sock_state);
} sockets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DROP_MAX);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

static __always_inline void count_drop(__u32 reason)
{
	percpu_count(&drops, reason);
}

/* The current thread's tgid << 32 | tid. Where task-local storage is
 * used, the kernel has bpf_get_current_task_btf(), whose fields load
 * directly: cheaper than the helper bpf_get_current_pid_tgid(). */
static __always_inline __u64 current_pid_tgid(void)
{
	struct task_struct *t;

	if (!task_local)
		return bpf_get_current_pid_tgid();
	t = bpf_get_current_task_btf();
	return (__u64)t->tgid << 32 | (__u32)t->pid;
}

/* The current thread's state (@tid), made when @create; NULL when absent
 * or when there is no room. At sched_switch the current thread is the
 * one leaving the CPU. */
static __always_inline struct thread_state *thread_state(__u32 tid,
							 bool create)
{
	static const struct thread_state fresh;
	struct thread_state *ts;

	if (task_local)
		ts = bpf_task_storage_get(&thread_store,
					  bpf_get_current_task_btf(), 0,
					  create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
	else if (create)
		ts = bpf_map_lookup_or_try_init(&threads, &tid, &fresh);
	else
		return bpf_map_lookup_elem(&threads, &tid);
	if (!ts && create)
		count_drop(DROP_THREAD_MAP);
	return ts;
}

/* The current thread is dying: its state goes. */
static __always_inline void thread_state_drop(__u32 tid)
{
	if (task_local)
		bpf_task_storage_delete(&thread_store,
					bpf_get_current_task_btf());
	else
		bpf_map_delete_elem(&threads, &tid);
}

/* @sk's state, made when @create; NULL when absent or out of room. */
static __always_inline struct sock_state *sock_state(struct sock *sk,
						     bool create)
{
	static const struct sock_state fresh;
	struct sock_state *ss;
	__u64 key = (__u64)sk;

	if (sock_local)
		ss = bpf_sk_storage_get(&sock_store, sk, 0,
					create ? BPF_SK_STORAGE_GET_F_CREATE : 0);
	else if (create)
		ss = bpf_map_lookup_or_try_init(&sockets, &key, &fresh);
	else
		return bpf_map_lookup_elem(&sockets, &key);
	if (!ss && create)
		count_drop(DROP_SOCK_MAP);
	return ss;
}

static __always_inline void sock_state_drop(struct sock *sk)
{
	__u64 key = (__u64)sk;

	if (sock_local)
		bpf_sk_storage_delete(&sock_store, sk);
	else
		bpf_map_delete_elem(&sockets, &key);
}

#endif
