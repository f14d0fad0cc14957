// SPDX-License-Identifier: GPL-2.0
/* Unit tests for user/component.c: folding processes into components. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cgroup.h"
#include "component.h"

#define POD_A "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1b4e28ba_2fa1_11d2_883f_0016d3cca427.slice/cri-containerd-"
#define POD_B "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod9a0c1d2e_0000_4000_8000_000000000001.slice/cri-containerd-"
#define CTR_APP "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define CTR_PROXY "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define CTR_ZT "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

struct fixture {
	struct run run;
	struct ruleset rules;
};

/* A process with @cpu_ms of CPU and @bytes sent, in @cgroup ("" = host). */
static struct process *add(struct run *run, uint32_t pid, uint32_t ppid,
			   const char *comm, const char *exe,
			   const char *cgroup, uint64_t cpu_ms, uint64_t bytes)
{
	struct process *p = run_add_process(run);
	char text[1024];

	assert_non_null(p);
	p->pid = pid;
	p->ppid = ppid;
	snprintf(p->comm, sizeof(p->comm), "%s", comm);
	snprintf(p->exe, sizeof(p->exe), "%s", exe);
	snprintf(text, sizeof(text), "0::%s\n", cgroup[0] ? cgroup : "/user.slice");
	p->in_pod = cgroup_parse(text, &p->pod, p->cgroup, sizeof(p->cgroup)) == 1;
	p->m.cpu_ns = cpu_ms * 1000000;
	p->m.bytes_sent = bytes;
	return p;
}

static const struct component *by_id_prefix(const struct run *run,
					    const char *prefix)
{
	for (size_t i = 0; i < run->ncomps; i++)
		if (!strncmp(run->comps[i].id, prefix, strlen(prefix)))
			return &run->comps[i];
	return NULL;
}

static const struct component *by_name(const struct run *run, const char *name)
{
	for (size_t i = 0; i < run->ncomps; i++)
		if (!strcmp(run->comps[i].name, name))
			return &run->comps[i];
	return NULL;
}

static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	assert_int_equal(rules_add_builtin(&f.rules), 0);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	run_free(&f->run);
	rules_free(&f->rules);
	return 0;
}

static void test_istio_pod(void **state)
{
	struct fixture *f = *state;
	struct run *run = &f->run;
	const struct component *side, *app;

	/* The shell comes first: the container still becomes a sidecar. */
	add(run, 10, 1, "sh", "/bin/sh", POD_A CTR_PROXY ".scope", 1, 0);
	add(run, 11, 10, "pilot-agent", "/usr/local/bin/pilot-agent",
	    POD_A CTR_PROXY ".scope", 20, 100);
	add(run, 12, 11, "envoy", "/usr/local/bin/envoy",
	    POD_A CTR_PROXY ".scope", 300, 5000);
	add(run, 20, 1, "python3", "/usr/bin/python3",
	    POD_A CTR_APP ".scope", 100, 4000);
	assert_int_equal(attribute(run, &f->rules), 0);
	assert_int_equal(run->ncomps, 2);

	side = &run->comps[0];	/* mesh components sort first */
	assert_string_equal(side->id,
			    "pod/1b4e28ba-2fa1-11d2-883f-0016d3cca427/bbbbbbbbbbbb");
	assert_int_equal(side->role, ROLE_SIDECAR);
	assert_int_equal(side->mesh, MESH_ISTIO);
	/* pilot-agent, seen before Envoy, is its agent: Envoy names it. */
	assert_string_equal(side->name, "envoy");
	assert_int_equal(side->npids, 3);
	assert_int_equal(side->m.cpu_ns, 321000000);
	assert_int_equal(side->m.bytes_sent, 5100);

	app = &run->comps[1];
	assert_int_equal(app->role, ROLE_APP);
	assert_int_equal(app->mesh, MESH_ISTIO);	/* from its sidecar */
	assert_string_equal(app->name, "python3");
	assert_string_equal(app->pod.container_id, CTR_APP);
	assert_int_equal(app->pod.runtime, RUNTIME_CONTAINERD);
	assert_int_equal(app->pod.qos, QOS_BURSTABLE);

	for (size_t i = 0; i < run->nprocs; i++) {
		assert_ptr_equal(&run->comps[run->procs[i].component],
				 run->procs[i].pid == 20 ? app : side);
		assert_int_equal(run->procs[i].agent, run->procs[i].pid == 11);
	}
}

/* A container seen only through its agent is named after it, until its
 * proxy shows up; the control plane is a mesh component of its own. */
static void test_agent_and_control_plane(void **state)
{
	struct fixture *f = *state;
	struct run *run = &f->run;
	const struct component *c;

	add(run, 11, 1, "pilot-agent", "/usr/local/bin/pilot-agent",
	    POD_A CTR_PROXY ".scope", 20, 0);
	add(run, 40, 1, "pilot-discovery", "/usr/local/bin/pilot-discovery",
	    POD_B CTR_ZT ".scope", 900, 0);
	add(run, 41, 1, "nginx", "/usr/sbin/nginx", POD_B CTR_APP ".scope", 999, 0);
	assert_int_equal(attribute(run, &f->rules), 0);
	c = by_id_prefix(run, "pod/1b4e28ba");
	assert_string_equal(c->name, "pilot-agent");
	assert_int_equal(c->role, ROLE_SIDECAR);
	c = by_name(run, "istiod");
	assert_non_null(c);
	assert_int_equal(c->role, ROLE_CONTROL_PLANE);
	assert_int_equal(c->mesh, MESH_ISTIO);
	/* After the sidecar, before the apps, whatever their CPU. */
	assert_ptr_equal(c, &run->comps[1]);
	assert_string_equal(run->comps[2].name, "nginx");
}

static void test_node_and_host(void **state)
{
	struct fixture *f = *state;
	struct run *run = &f->run;
	const struct component *c;

	add(run, 30, 1, "ztunnel", "/usr/local/bin/ztunnel",
	    POD_B CTR_ZT ".scope", 50, 0);
	add(run, 40, 1, "nginx", "/usr/sbin/nginx", POD_B CTR_APP ".scope", 5, 0);
	add(run, 50, 2, "kworker/0:1", "", "", 7, 0);
	add(run, 51, 2, "ksoftirqd/0", "", "", 3, 0);
	add(run, 60, 1, "sshd", "/usr/sbin/sshd", "/system.slice/ssh.service", 2, 0);
	add(run, 70, 60, "vim", "/usr/bin/vim", "/user.slice/user-0.slice", 4, 0);
	add(run, 71, 60, "vim", "/usr/bin/vim", "/user.slice/user-0.slice", 6, 0);
	assert_int_equal(attribute(run, &f->rules), 0);

	c = by_name(run, "ztunnel");
	assert_non_null(c);
	assert_int_equal(c->role, ROLE_NODE_PROXY);
	assert_int_equal(c->mesh, MESH_ISTIO_AMBIENT);
	assert_ptr_equal(c, &run->comps[0]);

	c = by_name(run, "nginx");
	assert_int_equal(c->role, ROLE_APP);
	assert_int_equal(c->mesh, MESH_NONE);	/* no sidecar in its pod */

	c = by_id_prefix(run, "host/kernel");
	assert_non_null(c);
	assert_int_equal(c->role, ROLE_SYSTEM);
	assert_int_equal(c->npids, 2);
	assert_int_equal(c->m.cpu_ns, 10000000);

	c = by_id_prefix(run, "host/sshd");
	assert_int_equal(c->role, ROLE_SYSTEM);

	c = by_id_prefix(run, "host/vim");
	assert_int_equal(c->role, ROLE_OTHER);
	assert_int_equal(c->npids, 2);
	assert_int_equal(c->m.cpu_ns, 10000000);
}

static void test_user_rule_overrides(void **state)
{
	struct fixture *f = *state;
	struct run *run = &f->run;
	struct ruleset rules = { 0 };
	char err[256];
	const struct component *c;

	assert_int_equal(rules_parse(&rules,
		"comm=haproxy cgroup=*pod1b4e28ba* role=sidecar mesh=istio name=lab-sidecar\n"
		"comm=envoy role=node-agent mesh=cilium\n", "t", err, sizeof(err)), 0);
	assert_int_equal(rules_add_builtin(&rules), 0);
	add(run, 10, 1, "haproxy", "/usr/sbin/haproxy", POD_A CTR_PROXY ".scope", 9, 0);
	add(run, 11, 1, "haproxy", "/usr/sbin/haproxy", "/system.slice/haproxy.service", 1, 0);
	add(run, 12, 1, "envoy", "/usr/bin/envoy", "", 1, 0);
	assert_int_equal(attribute(run, &rules), 0);

	c = by_name(run, "lab-sidecar");
	assert_non_null(c);
	assert_int_equal(c->role, ROLE_SIDECAR);
	assert_int_equal(c->mesh, MESH_ISTIO);
	c = by_id_prefix(run, "host/haproxy");
	assert_int_equal(c->role, ROLE_SYSTEM);	/* outside the pod: no match */
	c = by_id_prefix(run, "host/envoy");
	assert_int_equal(c->role, ROLE_NODE_AGENT);	/* user rule wins */
	assert_int_equal(c->mesh, MESH_CILIUM);
	rules_free(&rules);
}

static void test_exited_keep_numbers(void **state)
{
	struct fixture *f = *state;
	struct run *run = &f->run;
	struct process *p;

	p = add(run, 80, 1, "curl", "", "/user.slice", 12, 777);
	p->exited = true;	/* exe unreadable once gone: not a kthread */
	assert_int_equal(attribute(run, &f->rules), 0);
	assert_int_equal(run->ncomps, 1);
	assert_string_equal(run->comps[0].id, "host/curl");
	assert_int_equal(run->comps[0].role, ROLE_OTHER);
	assert_int_equal(run->comps[0].m.bytes_sent, 777);
}

static void test_order_by_role_then_cpu(void **state)
{
	struct fixture *f = *state;
	struct run *run = &f->run;

	add(run, 101, 1, "a", "/a", "/user.slice", 1, 0);
	add(run, 102, 1, "b", "/b", "/user.slice", 9, 0);
	add(run, 3, 1, "linkerd2-proxy", "/usr/lib/linkerd/linkerd2-proxy",
	    POD_A CTR_PROXY ".scope", 2, 0);
	add(run, 4, 1, "app", "/app", POD_A CTR_APP ".scope", 5, 0);
	assert_int_equal(attribute(run, &f->rules), 0);
	assert_string_equal(run->comps[0].name, "linkerd2-proxy");
	assert_int_equal(run->comps[0].mesh, MESH_LINKERD);
	assert_string_equal(run->comps[1].name, "app");
	assert_int_equal(run->comps[1].mesh, MESH_LINKERD);
	assert_string_equal(run->comps[2].name, "b");
	assert_string_equal(run->comps[3].name, "a");
	for (size_t i = 0; i < run->nprocs; i++)
		assert_string_equal(run->comps[run->procs[i].component].name,
				    run->procs[i].comm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_istio_pod, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agent_and_control_plane, setup, teardown),
		cmocka_unit_test_setup_teardown(test_node_and_host, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_rule_overrides, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exited_keep_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order_by_role_then_cpu, setup, teardown),
	};

	return cmocka_run_group_tests_name("component", tests, NULL, NULL);
}
