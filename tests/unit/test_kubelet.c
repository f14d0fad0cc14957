// SPDX-License-Identifier: GPL-2.0
/* Unit tests for user/identity/kubelet.c: the kubelet's log directories. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "shell.h"

#include "kubelet.h"

#define UID "8f1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
#define UID2 "0a1b2c3d-4e5f-4a7b-9c9d-0e1f2a3b4c5e"
#define HASH "d41d8cd98f00b204e9800998ecf8427e"	/* a static pod */
#define CID "3f4e8a1b9c2d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f"
#define CID2 "b1946ac92492d2347c6235b4d2611184e5a1f1b3c4d5e6f708192a3b4c5d6e7f"
/* 63 characters: the longest DNS label. */
#define NS63 "a-namespace-with-a-name-as-long-as-a-dns-label-may-be-012345678"
#define CTR63 "c23456789-123456789-123456789-123456789-123456789-123456789-123"

static void test_pod_dirs(void **state)
{
	struct kubelet_pod p;

	assert_int_equal(kubelet_parse_pod_dir("istio-system_ztunnel-x7k2p_" UID,
					       &p), 0);
	assert_string_equal(p.namespace, "istio-system");
	assert_string_equal(p.name, "ztunnel-x7k2p");
	assert_string_equal(p.uid, UID);
	/* Dots in pod names, a static pod's hash UID. */
	assert_int_equal(kubelet_parse_pod_dir(
		"kube-system_etcd-node-1.example.com_" HASH, &p), 0);
	assert_string_equal(p.name, "etcd-node-1.example.com");
	assert_string_equal(p.uid, HASH);
	assert_int_equal(strlen(NS63), 63);
	assert_int_equal(kubelet_parse_pod_dir(NS63 "_web-0_" UID, &p), 0);
	assert_string_equal(p.namespace, NS63);
}

static void test_pod_dirs_rejected(void **state)
{
	static const char *bad[] = {
		"default_web_" UID "_x",		/* a fourth part */
		"default_" UID,				/* two parts */
		"default__" UID,			/* empty pod */
		"_web_" UID,				/* empty namespace */
		"default_web_" UID "0",			/* uid too long */
		"default_web_8F1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D",
		"default_web_8f1b2c3d_4e5f_6a7b_8c9d_0e1f2a3b4c5d",
		"Default_web_" UID,			/* upper case */
		"default_-web_" UID,			/* starts with '-' */
		"my.ns_web_" UID,			/* dot in a namespace */
		NS63 "x_web_" UID,			/* 64-char namespace */
		".", "..", "",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kubelet_pod p;

		if (!kubelet_parse_pod_dir(bad[i], &p))
			fail_msg("accepted '%s'", bad[i]);
	}
}

static void test_container_logs(void **state)
{
	struct kubelet_container c;

	assert_int_equal(kubelet_parse_container_log(
		"reviews-v1-5b8d9c7f4-xk2pl_bookinfo_istio-proxy-" CID ".log",
		"/var/log/pods/bookinfo_reviews-v1-5b8d9c7f4-xk2pl_" UID
		"/istio-proxy/0.log", &c), 0);
	assert_string_equal(c.pod, "reviews-v1-5b8d9c7f4-xk2pl");
	assert_string_equal(c.namespace, "bookinfo");
	assert_string_equal(c.name, "istio-proxy");
	assert_string_equal(c.id, CID);
	assert_string_equal(c.uid, UID);
	/* 63-char container, dotted pod, no target: no UID. */
	assert_int_equal(kubelet_parse_container_log(
		"api.v2-0_" NS63 "_" CTR63 "-" CID2 ".log", NULL, &c), 0);
	assert_string_equal(c.name, CTR63);
	assert_string_equal(c.namespace, NS63);
	assert_string_equal(c.pod, "api.v2-0");
	assert_string_equal(c.uid, "");
	/* A target of another pod or container gives no UID. */
	assert_int_equal(kubelet_parse_container_log(
		"web_default_app-" CID ".log",
		"/var/log/pods/default_other_" UID "/app/0.log", &c), 0);
	assert_string_equal(c.uid, "");
	assert_int_equal(kubelet_parse_container_log(
		"web_default_app-" CID ".log",
		"/var/log/pods/default_web_" UID "/sidecar/0.log", &c), 0);
	assert_string_equal(c.uid, "");
	assert_int_equal(kubelet_parse_container_log(
		"web_default_app-" CID ".log", "0.log", &c), 0);
	assert_string_equal(c.uid, "");
}

static void test_container_logs_rejected(void **state)
{
	static const char *bad[] = {
		"web_default_app-" CID ".log.20240101-120000",	/* rotated */
		"web_default_app-" CID,				/* no .log */
		"web_default_app" CID ".log",			/* no '-' */
		"web_default_app-3F4E8A1B9C2D7E6F5A4B3C2D1E0F9A8B7C6D5E4F3A2B1C0D9E8F7A6B5C4D3E2F.log",
		"web_default_app-" CID "0.log",			/* 65 hex */
		"web_default-" CID ".log",			/* two parts */
		"web_default_app_x-" CID ".log",		/* four parts */
		"web_default_-" CID ".log",			/* empty container */
		"-" CID ".log", ".log", "",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kubelet_container c;

		if (!kubelet_parse_container_log(bad[i], NULL, &c))
			fail_msg("accepted '%s'", bad[i]);
	}
}

static char root[] = "/tmp/meshprof-kubelet-XXXXXX";

static int setup(void **state)
{
	if (!mkdtemp(root))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	sh("rm -rf %s", root);
	return 0;
}

static void add_container(const char *ns, const char *pod, const char *uid,
			  const char *ctr, const char *id)
{
	sh("mkdir -p %s/pods/%s_%s_%s/%s %s/containers && "
	   "touch %s/pods/%s_%s_%s/%s/0.log && "
	   "ln -sf /var/log/pods/%s_%s_%s/%s/0.log %s/containers/%s_%s_%s-%s.log",
	   root, ns, pod, uid, ctr, root, root, ns, pod, uid, ctr,
	   ns, pod, uid, ctr, root, pod, ns, ctr, id);
}

/* The index joins cgroup IDs to names, follows changes, and skips stale
 * and malformed entries. */
static void test_index(void **state)
{
	struct kubelet_index ki;
	struct pod_ident id = { .pod_uid = UID, .container_id = CID };

	kubelet_init(&ki, root);
	assert_int_equal(kubelet_refresh(&ki), 0);
	kubelet_name(&ki, &id);
	assert_string_equal(id.namespace, "");
	assert_string_equal(id.container, "");

	add_container("default", "client", UID, "istio-proxy", CID);
	/* Stale: a link whose pod directory is gone. */
	sh("ln -sf /var/log/pods/default_gone_%s/app/0.log "
	   "%s/containers/gone_default_app-%s.log", UID2, root, CID2);
	sh("touch %s/containers/junk.log %s/pods/not-a-pod", root, root);
	assert_int_equal(kubelet_refresh(&ki), 0);
	kubelet_name(&ki, &id);
	assert_string_equal(id.namespace, "default");
	assert_string_equal(id.pod_name, "client");
	assert_string_equal(id.container, "istio-proxy");
	assert_int_equal(ki.nctrs, 1);

	/* A container ID of another pod UID is not taken. */
	memset(&id, 0, sizeof(id));
	strcpy(id.pod_uid, UID2);
	strcpy(id.container_id, CID);
	kubelet_name(&ki, &id);
	assert_string_equal(id.container, "");
	assert_string_equal(id.pod_name, "");

	/* The pod comes: found at the next refresh. */
	add_container("default", "gone", UID2, "app", CID2);
	assert_int_equal(kubelet_refresh(&ki), 0);
	strcpy(id.container_id, CID2);
	kubelet_name(&ki, &id);
	assert_string_equal(id.pod_name, "gone");
	assert_string_equal(id.container, "app");

	/* And goes: what was named keeps its names, the rest has none. */
	sh("rm -rf %s/pods/default_gone_%s %s/containers/gone_*", root, UID2,
	   root);
	assert_int_equal(kubelet_refresh(&ki), 0);
	assert_int_equal(ki.npods, 1);
	assert_int_equal(ki.nctrs, 1);
	kubelet_name(&ki, &id);
	assert_string_equal(id.pod_name, "gone");
	memset(id.pod_name, 0, sizeof(id.pod_name));
	kubelet_name(&ki, &id);
	assert_string_equal(id.pod_name, "");
	kubelet_free(&ki);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pod_dirs),
		cmocka_unit_test(test_pod_dirs_rejected),
		cmocka_unit_test(test_container_logs),
		cmocka_unit_test(test_container_logs_rejected),
		cmocka_unit_test(test_index),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
