/* SPDX-License-Identifier: GPL-2.0 */
/* What this kernel and this process can do, found out before loading. */
#ifndef MESHPROF_PROBES_H
#define MESHPROF_PROBES_H

#include <stdbool.h>
#include <stddef.h>

#define KERNEL_BTF "/sys/kernel/btf/vmlinux"

/* 0 when we may load and attach BPF programs; else -1 with a message. */
int probe_privileges(char *err, size_t err_len);
/* 0 when @btf_path (or the kernel's own BTF when NULL) is readable. */
int probe_btf(const char *btf_path, char *err, size_t err_len);
/* Mounts tracefs when it is missing; 0 on success. */
int ensure_tracefs(char *err, size_t err_len);
bool probe_tp_btf(const char *tp);
/* Frees what probe_tp_btf() keeps between calls. */
void probe_release(void);
bool probe_raw_tp(const char *tp);
bool tracepoint_exists(const char *category, const char *name);
/* Whether this kernel has task-local storage maps (5.11+). */
bool probe_task_storage(void);

#endif
