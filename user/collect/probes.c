// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "probes.h"

#define TRACEFS "/sys/kernel/tracing"
#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static bool has_cap(const struct __user_cap_data_struct *d, int cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

int probe_privileges(char *err, size_t err_len)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = {};

	if (geteuid() == 0)
		return 0;
	if (syscall(SYS_capget, &hdr, data) == 0 &&
	    (has_cap(data, CAP_SYS_ADMIN) ||
	     (has_cap(data, CAP_BPF) && has_cap(data, CAP_PERFMON))))
		return 0;
	snprintf(err, err_len,
		 "need root or CAP_BPF and CAP_PERFMON to load BPF programs");
	return -1;
}

int probe_btf(const char *btf_path, char *err, size_t err_len)
{
	const char *path = btf_path ? btf_path : KERNEL_BTF;
	struct btf *btf;

	if (access(path, R_OK)) {
		if (btf_path)
			snprintf(err, err_len, "cannot read BTF file %s: %s",
				 path, strerror(errno));
		else
			snprintf(err, err_len,
				 "kernel has no BTF at %s (CONFIG_DEBUG_INFO_BTF); pass --btf FILE",
				 path);
		return -1;
	}
	btf = btf__parse(path, NULL);
	if (!btf) {
		snprintf(err, err_len, "%s is not valid BTF", path);
		return -1;
	}
	btf__free(btf);
	return 0;
}

int ensure_tracefs(char *err, size_t err_len)
{
	if (access(TRACEFS "/events", F_OK) == 0)
		return 0;
	if (mount("nodev", TRACEFS, "tracefs", 0, NULL) == 0 ||
	    access(TRACEFS "/events", F_OK) == 0)
		return 0;
	snprintf(err, err_len, "tracefs is not mounted and mounting it at %s failed: %s",
		 TRACEFS, strerror(errno));
	return -1;
}

/* Tests pretend a tracepoint is missing to exercise the fallbacks:
 * MESHPROF_TEST_MISSING_TP=name[,name...] */
static bool hidden_for_test(const char *tp)
{
	const char *list = getenv("MESHPROF_TEST_MISSING_TP");
	size_t n = strlen(tp);

	for (const char *p = list; p && *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
		if (!strncmp(p, tp, n) && (p[n] == ',' || !p[n]))
			return true;
	}
	return false;
}

bool tracepoint_exists(const char *category, const char *name)
{
	char path[256];

	if (hidden_for_test(name))
		return false;
	snprintf(path, sizeof(path), TRACEFS "/events/%s/%s/id", category,
		 name);
	return access(path, F_OK) == 0;
}

/* The kernel's BTF while tracepoints are probed: 5 MiB or more, let go
 * of before the programs load (libbpf parses its own). */
static struct btf *vmlinux;

void probe_release(void)
{
	btf__free(vmlinux);
	vmlinux = NULL;
}

/* "return 0": enough to ask the verifier and the attach point. */
static const struct bpf_insn ret0[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

static bool attach_and_close(int prog_fd, const char *tp)
{
	int link_fd;

	if (prog_fd < 0)
		return false;
	link_fd = bpf_raw_tracepoint_open(tp, prog_fd);
	close(prog_fd);
	if (link_fd < 0)
		return false;
	close(link_fd);
	return true;
}

bool probe_tp_btf(const char *tp)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = BPF_TRACE_RAW_TP);
	char name[128];
	int id;

	if (hidden_for_test(tp))
		return false;
	if (!vmlinux)
		vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		return false;
	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf__find_by_name_kind(vmlinux, name, BTF_KIND_TYPEDEF);
	if (id <= 0)
		return false;
	opts.attach_btf_id = id;
	return attach_and_close(bpf_prog_load(BPF_PROG_TYPE_TRACING, NULL,
					      "GPL", ret0, 2, &opts),
				NULL);
}

bool probe_raw_tp(const char *tp)
{
	if (hidden_for_test(tp))
		return false;
	return attach_and_close(bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT,
					      NULL, "GPL", ret0, 2, NULL),
				tp);
}

bool probe_task_storage(void)
{
	return libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE, NULL) > 0;
}
