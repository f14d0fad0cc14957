// SPDX-License-Identifier: GPL-2.0
/*
 * make bench's calibration: what a BPF program costs on this machine
 * before it does anything, and what each helper meshprof's socket
 * handlers call adds. Every program runs on the same event
 * (sock_send_length), so their run times differ by their bodies alone;
 * the empty one is the cost of running a program at all, as
 * kernel.bpf_stats_enabled measures it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} counter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} sk_store SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} task_store SEC(".maps");

/* Where results go, so that no call is optimised away. */
__u64 sink;

SEC("tp_btf/sock_send_length")
int BPF_PROG(empty, struct sock *sk, int ret, int flags)
{
	return 0;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(ktime, struct sock *sk, int ret, int flags)
{
	sink = bpf_ktime_get_ns();
	return 0;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(pid_tgid, struct sock *sk, int ret, int flags)
{
	sink = bpf_get_current_pid_tgid();
	return 0;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(current_task, struct sock *sk, int ret, int flags)
{
	sink = bpf_get_current_task_btf()->tgid;
	return 0;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(sk_storage, struct sock *sk, int ret, int flags)
{
	__u64 *v = bpf_sk_storage_get(&sk_store, sk, 0,
				      BPF_SK_STORAGE_GET_F_CREATE);

	if (v)
		(*v)++;
	return 0;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(task_storage, struct sock *sk, int ret, int flags)
{
	__u64 *v = bpf_task_storage_get(&task_store,
					bpf_get_current_task_btf(), 0,
					BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (v)
		(*v)++;
	return 0;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(atomic_add, struct sock *sk, int ret, int flags)
{
	__u32 zero = 0;
	__u64 *v = bpf_map_lookup_elem(&counter, &zero);

	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}
