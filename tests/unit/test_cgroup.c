// SPDX-License-Identifier: GPL-2.0
/* Unit tests for user/cgroup.c: real /proc/PID/cgroup layouts. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cgroup.h"

/* The same pod UID as the kubelet writes it for each driver. */
#define UID "8f1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
#define UID_ "8f1b2c3d_4e5f_6a7b_8c9d_0e1f2a3b4c5d"
#define CID "3f4e8a1b9c2d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f"
#define NODE "b1946ac92492d2347c6235b4d2611184e5a1f1b3c4d5e6f708192a3b4c5d6e7f"

#define SYSD_BURST "/kubepods.slice/kubepods-burstable.slice/" \
	"kubepods-burstable-pod" UID_ ".slice"
#define SYSD_BE "/kubepods.slice/kubepods-besteffort.slice/" \
	"kubepods-besteffort-pod" UID_ ".slice"
#define SYSD_GUAR "/kubepods.slice/kubepods-pod" UID_ ".slice"

struct cg_case {
	const char *text;
	int ret;
	const char *uid;
	const char *cid;
	enum runtime rt;
	enum qos_class qos;
	const char *path;
};

static void check(const struct cg_case *c)
{
	struct pod_ident id;
	char path[CGROUP_PATH_LEN];

	memset(&id, 0x5a, sizeof(id));
	memset(path, 0x5a, sizeof(path));
	assert_int_equal(cgroup_parse(c->text, &id, path, sizeof(path)),
			 c->ret);
	assert_string_equal(path, c->path);
	if (c->ret != 1) {
		assert_string_equal(id.pod_uid, "");
		assert_string_equal(id.container_id, "");
		assert_int_equal(id.runtime, RUNTIME_NONE);
		assert_int_equal(id.qos, QOS_NONE);
		return;
	}
	assert_string_equal(id.pod_uid, c->uid);
	assert_string_equal(id.container_id, c->cid);
	assert_int_equal(id.runtime, c->rt);
	assert_int_equal(id.qos, c->qos);
}

/* --- cgroup v2, systemd driver --- */

static void test_v2_systemd_containerd_burstable(void **state)
{
	struct cg_case c = {
		"0::" SYSD_BURST "/cri-containerd-" CID ".scope\n",
		1, UID, CID, RUNTIME_CONTAINERD, QOS_BURSTABLE,
		SYSD_BURST "/cri-containerd-" CID ".scope",
	};

	check(&c);
}

static void test_v2_systemd_containerd_guaranteed(void **state)
{
	struct cg_case c = {
		"0::" SYSD_GUAR "/cri-containerd-" CID ".scope\n",
		1, UID, CID, RUNTIME_CONTAINERD, QOS_GUARANTEED,
		SYSD_GUAR "/cri-containerd-" CID ".scope",
	};

	check(&c);
}

static void test_v2_systemd_containerd_besteffort(void **state)
{
	struct cg_case c = {
		"0::" SYSD_BE "/cri-containerd-" CID ".scope\n",
		1, UID, CID, RUNTIME_CONTAINERD, QOS_BESTEFFORT,
		SYSD_BE "/cri-containerd-" CID ".scope",
	};

	check(&c);
}

static void test_v2_systemd_crio(void **state)
{
	struct cg_case c = {
		"0::" SYSD_BURST "/crio-" CID ".scope\n",
		1, UID, CID, RUNTIME_CRIO, QOS_BURSTABLE,
		SYSD_BURST "/crio-" CID ".scope",
	};

	check(&c);
}

static void test_v2_systemd_crio_guaranteed(void **state)
{
	struct cg_case c = {
		"0::" SYSD_GUAR "/crio-" CID ".scope\n",
		1, UID, CID, RUNTIME_CRIO, QOS_GUARANTEED,
		SYSD_GUAR "/crio-" CID ".scope",
	};

	check(&c);
}

/* conmon, CRI-O's monitor process, sits in a scope beside the container. */
static void test_v2_systemd_crio_conmon(void **state)
{
	struct cg_case c = {
		"0::" SYSD_BE "/crio-conmon-" CID ".scope\n",
		1, UID, CID, RUNTIME_CRIO, QOS_BESTEFFORT,
		SYSD_BE "/crio-conmon-" CID ".scope",
	};

	check(&c);
}

/* crun on cgroup v2 puts the container's processes one level deeper. */
static void test_v2_systemd_crio_crun_subcgroup(void **state)
{
	struct cg_case c = {
		"0::" SYSD_BURST "/crio-" CID ".scope/container\n",
		1, UID, CID, RUNTIME_CRIO, QOS_BURSTABLE,
		SYSD_BURST "/crio-" CID ".scope/container",
	};

	check(&c);
}

static void test_v2_systemd_docker(void **state)
{
	struct cg_case c = {
		"0::" SYSD_BURST "/docker-" CID ".scope\n",
		1, UID, CID, RUNTIME_DOCKER, QOS_BURSTABLE,
		SYSD_BURST "/docker-" CID ".scope",
	};

	check(&c);
}

/* A process in the pod's own slice (no container scope). */
static void test_v2_systemd_pod_cgroup(void **state)
{
	struct cg_case c = {
		"0::" SYSD_BURST "\n",
		1, UID, "", RUNTIME_UNKNOWN, QOS_BURSTABLE, SYSD_BURST,
	};

	check(&c);
}

/* The QoS-class slice holds no pod. */
static void test_v2_systemd_qos_slice_not_pod(void **state)
{
	struct cg_case c = {
		"0::/kubepods.slice/kubepods-burstable.slice\n",
		0, NULL, NULL, 0, 0, "/kubepods.slice/kubepods-burstable.slice",
	};

	check(&c);
}

/* Static pods: the UID is the manifest hash, 32 hex chars, no dashes. */
static void test_v2_systemd_static_pod(void **state)
{
	struct cg_case c = {
		"0::/kubepods.slice/kubepods-burstable.slice/"
		"kubepods-burstable-pod0fa2b6c35c5fba1c7c6f0cba0e07d1e2.slice/"
		"cri-containerd-" CID ".scope\n",
		1, "0fa2b6c35c5fba1c7c6f0cba0e07d1e2", CID, RUNTIME_CONTAINERD,
		QOS_BURSTABLE,
		"/kubepods.slice/kubepods-burstable.slice/"
		"kubepods-burstable-pod0fa2b6c35c5fba1c7c6f0cba0e07d1e2.slice/"
		"cri-containerd-" CID ".scope",
	};

	check(&c);
}

static void test_uid_lower_cased(void **state)
{
	struct cg_case c = {
		"0::/kubepods/pod8F1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D/" CID "\n",
		1, UID, CID, RUNTIME_UNKNOWN, QOS_GUARANTEED,
		"/kubepods/pod8F1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D/" CID,
	};

	check(&c);
}

/* --- cgroup v2, cgroupfs driver --- */

/* k3s and kubeadm clusters with cgroupDriver: cgroupfs. */
static void test_v2_cgroupfs_besteffort(void **state)
{
	struct cg_case c = {
		"0::/kubepods/besteffort/pod" UID "/" CID "\n",
		1, UID, CID, RUNTIME_UNKNOWN, QOS_BESTEFFORT,
		"/kubepods/besteffort/pod" UID "/" CID,
	};

	check(&c);
}

static void test_v2_cgroupfs_guaranteed(void **state)
{
	struct cg_case c = {
		"0::/kubepods/pod" UID "/" CID "\n",
		1, UID, CID, RUNTIME_UNKNOWN, QOS_GUARANTEED,
		"/kubepods/pod" UID "/" CID,
	};

	check(&c);
}

/* CRI-O with cgroup_manager = "cgroupfs" prefixes the ID, no ".scope". */
static void test_v2_cgroupfs_crio(void **state)
{
	struct cg_case c = {
		"0::/kubepods/burstable/pod" UID "/crio-" CID "\n",
		1, UID, CID, RUNTIME_CRIO, QOS_BURSTABLE,
		"/kubepods/burstable/pod" UID "/crio-" CID,
	};

	check(&c);
}

static void test_v2_cgroupfs_pod_cgroup(void **state)
{
	struct cg_case c = {
		"0::/kubepods/besteffort/pod" UID "\n",
		1, UID, "", RUNTIME_UNKNOWN, QOS_BESTEFFORT,
		"/kubepods/besteffort/pod" UID,
	};

	check(&c);
}

/* --- cgroup v1 --- */

static void test_v1_systemd_docker(void **state)
{
	struct cg_case c = {
		"12:pids:" SYSD_BURST "/docker-" CID ".scope\n"
		"11:hugetlb:" SYSD_BURST "/docker-" CID ".scope\n"
		"10:net_cls,net_prio:" SYSD_BURST "/docker-" CID ".scope\n"
		"9:perf_event:" SYSD_BURST "/docker-" CID ".scope\n"
		"8:cpu,cpuacct:" SYSD_BURST "/docker-" CID ".scope\n"
		"7:freezer:" SYSD_BURST "/docker-" CID ".scope\n"
		"6:memory:" SYSD_BURST "/docker-" CID ".scope\n"
		"5:devices:" SYSD_BURST "/docker-" CID ".scope\n"
		"4:blkio:" SYSD_BURST "/docker-" CID ".scope\n"
		"3:cpuset:" SYSD_BURST "/docker-" CID ".scope\n"
		"2:rdma:/\n"
		"1:name=systemd:" SYSD_BURST "/docker-" CID ".scope\n",
		1, UID, CID, RUNTIME_DOCKER, QOS_BURSTABLE,
		SYSD_BURST "/docker-" CID ".scope",
	};

	check(&c);
}

/* The first v1 line is not in the pod; the path comes from one that is. */
static void test_v1_systemd_containerd_first_pod_line(void **state)
{
	struct cg_case c = {
		"13:rdma:/\n"
		"12:misc:/\n"
		"11:memory:" SYSD_GUAR "/cri-containerd-" CID ".scope\n"
		"1:name=systemd:" SYSD_GUAR "/cri-containerd-" CID ".scope\n",
		1, UID, CID, RUNTIME_CONTAINERD, QOS_GUARANTEED,
		SYSD_GUAR "/cri-containerd-" CID ".scope",
	};

	check(&c);
}

static void test_v1_systemd_crio_besteffort(void **state)
{
	struct cg_case c = {
		"11:cpuset:" SYSD_BE "/crio-" CID ".scope\n"
		"10:memory:" SYSD_BE "/crio-" CID ".scope\n"
		"1:name=systemd:" SYSD_BE "/crio-" CID ".scope\n",
		1, UID, CID, RUNTIME_CRIO, QOS_BESTEFFORT,
		SYSD_BE "/crio-" CID ".scope",
	};

	check(&c);
}

static void test_v1_cgroupfs_containerd_burstable(void **state)
{
	struct cg_case c = {
		"12:freezer:/kubepods/burstable/pod" UID "/" CID "\n"
		"11:memory:/kubepods/burstable/pod" UID "/" CID "\n"
		"10:cpu,cpuacct:/kubepods/burstable/pod" UID "/" CID "\n"
		"2:pids:/kubepods/burstable/pod" UID "/" CID "\n"
		"1:name=systemd:/kubepods/burstable/pod" UID "/" CID "\n",
		1, UID, CID, RUNTIME_UNKNOWN, QOS_BURSTABLE,
		"/kubepods/burstable/pod" UID "/" CID,
	};

	check(&c);
}

static void test_v1_cgroupfs_guaranteed(void **state)
{
	struct cg_case c = {
		"4:memory:/kubepods/pod" UID "/" CID "\n"
		"1:name=systemd:/kubepods/pod" UID "/" CID "\n",
		1, UID, CID, RUNTIME_UNKNOWN, QOS_GUARANTEED,
		"/kubepods/pod" UID "/" CID,
	};

	check(&c);
}

/* dockershim/cri-dockerd with cgroupfs: a bare ID, runtime unknown. */
static void test_v1_cgroupfs_docker_besteffort(void **state)
{
	struct cg_case c = {
		"5:cpu,cpuacct:/kubepods/besteffort/pod" UID "/" CID "\n"
		"1:name=systemd:/kubepods/besteffort/pod" UID "/" CID "\n",
		1, UID, CID, RUNTIME_UNKNOWN, QOS_BESTEFFORT,
		"/kubepods/besteffort/pod" UID "/" CID,
	};

	check(&c);
}

static void test_v1_not_pod_first_line(void **state)
{
	struct cg_case c = {
		"12:pids:/system.slice/sshd.service\n"
		"3:memory:/system.slice/sshd.service\n"
		"1:name=systemd:/system.slice/sshd.service\n",
		0, NULL, NULL, 0, 0, "/system.slice/sshd.service",
	};

	check(&c);
}

/*
 * containerd's "slice:prefix:id" form appears verbatim in v1 hierarchies
 * systemd does not manage, under containerd's own service.
 */
static void test_v1_containerd_colon_form(void **state)
{
	struct cg_case c = {
		"13:misc:/system.slice/containerd.service/kubepods-burstable-pod"
		UID_ ".slice:cri-containerd:" CID "\n"
		"12:memory:" SYSD_BURST "/cri-containerd-" CID ".scope\n"
		"1:name=systemd:" SYSD_BURST "/cri-containerd-" CID ".scope\n",
		1, UID, CID, RUNTIME_CONTAINERD, QOS_BURSTABLE,
		"/system.slice/containerd.service/kubepods-burstable-pod" UID_
		".slice:cri-containerd:" CID,
	};

	check(&c);
}

static void test_v2_containerd_colon_form(void **state)
{
	struct cg_case c = {
		"0::/system.slice/containerd.service/kubepods-besteffort-pod" UID_
		".slice:cri-containerd:" CID "\n",
		1, UID, CID, RUNTIME_CONTAINERD, QOS_BESTEFFORT,
		"/system.slice/containerd.service/kubepods-besteffort-pod" UID_
		".slice:cri-containerd:" CID,
	};

	check(&c);
}

static void test_colon_form_guaranteed_crio(void **state)
{
	struct cg_case c = {
		"0::/kubepods-pod" UID_ ".slice:crio:" CID "\n",
		1, UID, CID, RUNTIME_CRIO, QOS_GUARANTEED,
		"/kubepods-pod" UID_ ".slice:crio:" CID,
	};

	check(&c);
}

/* --- hybrid: v1 controllers plus the v2 unified line --- */

static void test_hybrid_systemd_containerd(void **state)
{
	struct cg_case c = {
		"12:memory:" SYSD_BURST "/cri-containerd-" CID ".scope\n"
		"11:cpu,cpuacct:" SYSD_BURST "/cri-containerd-" CID ".scope\n"
		"1:name=systemd:" SYSD_BURST "/cri-containerd-" CID ".scope\n"
		"0::" SYSD_BURST "/cri-containerd-" CID ".scope\n",
		1, UID, CID, RUNTIME_CONTAINERD, QOS_BURSTABLE,
		SYSD_BURST "/cri-containerd-" CID ".scope",
	};

	check(&c);
}

/* The v2 line wins when both name the pod, even if they differ. */
static void test_hybrid_v2_line_preferred(void **state)
{
	struct cg_case c = {
		"4:memory:/kubepods/burstable/pod" UID "/" CID "\n"
		"0::" SYSD_BE "/crio-" CID ".scope\n",
		1, UID, CID, RUNTIME_CRIO, QOS_BESTEFFORT,
		SYSD_BE "/crio-" CID ".scope",
	};

	check(&c);
}

/*
 * Hybrid with the cgroupfs driver: only the v1 hierarchies hold the pod,
 * the unified line shows the runtime's service; the pod path is kept.
 */
static void test_hybrid_cgroupfs_pod_only_in_v1(void **state)
{
	struct cg_case c = {
		"12:memory:/kubepods/besteffort/pod" UID "/" CID "\n"
		"1:name=systemd:/kubepods/besteffort/pod" UID "/" CID "\n"
		"0::/system.slice/containerd.service\n",
		1, UID, CID, RUNTIME_UNKNOWN, QOS_BESTEFFORT,
		"/kubepods/besteffort/pod" UID "/" CID,
	};

	check(&c);
}

static void test_hybrid_not_pod(void **state)
{
	struct cg_case c = {
		"12:memory:/user.slice\n"
		"1:name=systemd:/user.slice/user-1000.slice/session-3.scope\n"
		"0::/user.slice/user-1000.slice/session-3.scope\n",
		0, NULL, NULL, 0, 0, "/user.slice/user-1000.slice/session-3.scope",
	};

	check(&c);
}

/* --- nested: kind, k3s, nodes that are themselves containers --- */

/* kind with the systemd driver: kubelet cgroup root "/kubelet". */
static void test_kind_systemd(void **state)
{
	struct cg_case c = {
		"0::/kubelet.slice/kubelet-kubepods.slice/"
		"kubelet-kubepods-besteffort.slice/"
		"kubelet-kubepods-besteffort-pod" UID_ ".slice/"
		"cri-containerd-" CID ".scope\n",
		1, UID, CID, RUNTIME_CONTAINERD, QOS_BESTEFFORT,
		"/kubelet.slice/kubelet-kubepods.slice/"
		"kubelet-kubepods-besteffort.slice/"
		"kubelet-kubepods-besteffort-pod" UID_ ".slice/"
		"cri-containerd-" CID ".scope",
	};

	check(&c);
}

static void test_kind_systemd_guaranteed(void **state)
{
	struct cg_case c = {
		"0::/kubelet.slice/kubelet-kubepods.slice/"
		"kubelet-kubepods-pod" UID_ ".slice/cri-containerd-" CID ".scope\n",
		1, UID, CID, RUNTIME_CONTAINERD, QOS_GUARANTEED,
		"/kubelet.slice/kubelet-kubepods.slice/"
		"kubelet-kubepods-pod" UID_ ".slice/cri-containerd-" CID ".scope",
	};

	check(&c);
}

/* A node running as a Docker container, seen from the host (v1). */
static void test_nested_docker_node_cgroupfs(void **state)
{
	struct cg_case c = {
		"7:memory:/docker/" NODE "/kubepods/burstable/pod" UID "/" CID "\n"
		"1:name=systemd:/docker/" NODE "/kubepods/burstable/pod" UID "/"
		CID "\n",
		1, UID, CID, RUNTIME_UNKNOWN, QOS_BURSTABLE,
		"/docker/" NODE "/kubepods/burstable/pod" UID "/" CID,
	};

	check(&c);
}

/* k3s (in k3d) with a cgroup namespace: the path starts above the root. */
static void test_k3s_cgroupns_relative(void **state)
{
	struct cg_case c = {
		"0::/../../kubepods/besteffort/pod" UID "/" CID "\n",
		1, UID, CID, RUNTIME_UNKNOWN, QOS_BESTEFFORT,
		"/../../kubepods/besteffort/pod" UID "/" CID,
	};

	check(&c);
}

/* --- not in a pod --- */

static void test_not_pod_v2(void **state)
{
	static const char *const paths[] = {
		"/system.slice/sshd.service",
		"/user.slice/user-1000.slice/user@1000.service/app.slice/x.scope",
		"/",
		"/init.scope",
		"/k8s.io/" CID,				/* containerd, no kubelet */
		"/system.slice/docker-" CID ".scope",	/* plain Docker */
		"/docker/" CID,
		"/kubepods",
		"/kubepods/burstable",
		"/kubepods.slice",
		"/kubepods/burstable/podnot-a-uid/" CID,
		"/kubepods/burstable/pod" UID "x/" CID,
		"/kubepods/other/pod" UID "/" CID,	/* unknown QoS dir */
		"/foo/pod" UID "/" CID,			/* no kubepods */
		"/xkubepods-pod" UID_ ".slice/crio-" CID ".scope",
		"/kubepods-other-pod" UID_ ".slice/crio-" CID ".scope",
		"/kubepods-pod" UID_ ".scope",
		"/system.slice/foo.service/x:y",	/* colon, no pod */
	};
	struct pod_ident id;
	char text[CGROUP_PATH_LEN], path[CGROUP_PATH_LEN];
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		snprintf(text, sizeof(text), "0::%s\n", paths[i]);
		memset(&id, 0x5a, sizeof(id));
		assert_int_equal(cgroup_parse(text, &id, path, sizeof(path)), 0);
		assert_string_equal(path, paths[i]);
		assert_string_equal(id.pod_uid, "");
		assert_string_equal(id.container_id, "");
		assert_int_equal(id.runtime, RUNTIME_NONE);
		assert_int_equal(id.qos, QOS_NONE);
	}
}

/* A container part that is not a container ID leaves it unnamed. */
static void test_unrecognised_container_part(void **state)
{
	struct cg_case c = {
		"0::/kubepods/burstable/pod" UID "/not-an-id\n",
		1, UID, "", RUNTIME_UNKNOWN, QOS_BURSTABLE,
		"/kubepods/burstable/pod" UID "/not-an-id",
	};
	struct cg_case d = {
		"0::" SYSD_BURST "/kata-" CID ".scope\n",
		1, UID, CID, RUNTIME_UNKNOWN, QOS_BURSTABLE,
		SYSD_BURST "/kata-" CID ".scope",
	};

	check(&c);
	check(&d);
}

/* --- text handling --- */

static void test_no_trailing_newline(void **state)
{
	struct cg_case c = {
		"0::/kubepods/pod" UID "/" CID,
		1, UID, CID, RUNTIME_UNKNOWN, QOS_GUARANTEED,
		"/kubepods/pod" UID "/" CID,
	};

	check(&c);
}

static void test_malformed(void **state)
{
	static const char *const texts[] = {
		"",
		"\n",
		"\n\n",
		"garbage\n",
		"0:/kubepods\n",		/* one colon */
		"::/x\n",			/* no hierarchy ID */
		"x::/x\n",			/* non-numeric ID */
		"0::\n",			/* no path */
		"0::relative/path\n",
		" 0::/x\n",
		"0::/x\n" "garbage\n",		/* one bad line spoils all */
		"1:name=systemd:/x\n" "2\n",
	};
	struct pod_ident id;
	char path[CGROUP_PATH_LEN];
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		memset(&id, 0x5a, sizeof(id));
		memset(path, 0x5a, sizeof(path));
		assert_int_equal(cgroup_parse(texts[i], &id, path, sizeof(path)),
				 -1);
		assert_string_equal(path, "");
		assert_string_equal(id.pod_uid, "");
		assert_int_equal(id.runtime, RUNTIME_NONE);
	}
	assert_int_equal(cgroup_parse(NULL, &id, path, sizeof(path)), -1);
}

static void test_path_truncated_and_optional(void **state)
{
	struct pod_ident id;
	char small[16];

	assert_int_equal(cgroup_parse("0::" SYSD_BURST "\n", &id, small,
				      sizeof(small)), 1);
	assert_string_equal(small, "/kubepods.slice");
	assert_string_equal(id.pod_uid, UID);
	assert_int_equal(cgroup_parse("0::" SYSD_BURST "\n", &id, NULL, 0), 1);
	assert_string_equal(id.pod_uid, UID);
	assert_int_equal(cgroup_parse("0::/init.scope\n", NULL, small,
				      sizeof(small)), 0);
	assert_string_equal(small, "/init.scope");
}

static void test_names(void **state)
{
	assert_string_equal(runtime_name(RUNTIME_NONE), "none");
	assert_string_equal(runtime_name(RUNTIME_CONTAINERD), "containerd");
	assert_string_equal(runtime_name(RUNTIME_CRIO), "cri-o");
	assert_string_equal(runtime_name(RUNTIME_DOCKER), "docker");
	assert_string_equal(runtime_name(RUNTIME_UNKNOWN), "unknown");
	assert_string_equal(runtime_name((enum runtime)99), "unknown");
	assert_string_equal(qos_name(QOS_NONE), "none");
	assert_string_equal(qos_name(QOS_GUARANTEED), "guaranteed");
	assert_string_equal(qos_name(QOS_BURSTABLE), "burstable");
	assert_string_equal(qos_name(QOS_BESTEFFORT), "besteffort");
	assert_string_equal(qos_name((enum qos_class)99), "none");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v2_systemd_containerd_burstable),
		cmocka_unit_test(test_v2_systemd_containerd_guaranteed),
		cmocka_unit_test(test_v2_systemd_containerd_besteffort),
		cmocka_unit_test(test_v2_systemd_crio),
		cmocka_unit_test(test_v2_systemd_crio_guaranteed),
		cmocka_unit_test(test_v2_systemd_crio_conmon),
		cmocka_unit_test(test_v2_systemd_crio_crun_subcgroup),
		cmocka_unit_test(test_v2_systemd_docker),
		cmocka_unit_test(test_v2_systemd_pod_cgroup),
		cmocka_unit_test(test_v2_systemd_qos_slice_not_pod),
		cmocka_unit_test(test_v2_systemd_static_pod),
		cmocka_unit_test(test_uid_lower_cased),
		cmocka_unit_test(test_v2_cgroupfs_besteffort),
		cmocka_unit_test(test_v2_cgroupfs_guaranteed),
		cmocka_unit_test(test_v2_cgroupfs_crio),
		cmocka_unit_test(test_v2_cgroupfs_pod_cgroup),
		cmocka_unit_test(test_v1_systemd_docker),
		cmocka_unit_test(test_v1_systemd_containerd_first_pod_line),
		cmocka_unit_test(test_v1_systemd_crio_besteffort),
		cmocka_unit_test(test_v1_cgroupfs_containerd_burstable),
		cmocka_unit_test(test_v1_cgroupfs_guaranteed),
		cmocka_unit_test(test_v1_cgroupfs_docker_besteffort),
		cmocka_unit_test(test_v1_not_pod_first_line),
		cmocka_unit_test(test_v1_containerd_colon_form),
		cmocka_unit_test(test_v2_containerd_colon_form),
		cmocka_unit_test(test_colon_form_guaranteed_crio),
		cmocka_unit_test(test_hybrid_systemd_containerd),
		cmocka_unit_test(test_hybrid_v2_line_preferred),
		cmocka_unit_test(test_hybrid_cgroupfs_pod_only_in_v1),
		cmocka_unit_test(test_hybrid_not_pod),
		cmocka_unit_test(test_kind_systemd),
		cmocka_unit_test(test_kind_systemd_guaranteed),
		cmocka_unit_test(test_nested_docker_node_cgroupfs),
		cmocka_unit_test(test_k3s_cgroupns_relative),
		cmocka_unit_test(test_not_pod_v2),
		cmocka_unit_test(test_unrecognised_container_part),
		cmocka_unit_test(test_no_trailing_newline),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_path_truncated_and_optional),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
