/* SPDX-License-Identifier: GPL-2.0 */
/* Reads of task_struct that differ between kernel versions (CO-RE). */
#ifndef MESHPROF_TASK_BPF_H
#define MESHPROF_TASK_BPF_H

#include <bpf/bpf_core_read.h>

/* Before 5.14 the field was "long state". */
struct task_struct___pre514 {
	long state;
} __attribute__((preserve_access_index));

static __always_inline long task_state(struct task_struct *t)
{
	struct task_struct___pre514 *old = (void *)t;

	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ(old, state);
}

/* The same, for tp_btf programs: direct loads from trusted pointers. */
static __always_inline long task_state_btf(struct task_struct *t)
{
	struct task_struct___pre514 *old = (void *)t;

	if (bpf_core_field_exists(t->__state))
		return t->__state;
	return old->state;
}

static __always_inline __u64 task_run_delay_btf(struct task_struct *t)
{
	if (!bpf_core_field_exists(t->sched_info))
		return 0;
	return t->sched_info.run_delay;
}

/* Cumulative run-queue wait; 0 on kernels built without CONFIG_SCHED_INFO. */
static __always_inline __u64 task_run_delay(struct task_struct *t)
{
	if (!bpf_core_field_exists(t->sched_info))
		return 0;
	return BPF_CORE_READ(t, sched_info.run_delay);
}

/* True once the last thread of the process is exiting. */
static __always_inline bool task_group_dead(struct task_struct *t)
{
	return BPF_CORE_READ(t, signal, live.counter) == 0;
}

#endif
