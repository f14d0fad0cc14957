// SPDX-License-Identifier: GPL-2.0
/* Unit tests for user/rules.c: the rules file format and matching. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "rules.h"

#define ERR_LEN 256

static const struct rule *match3(const struct ruleset *rs, const char *comm,
				 const char *exe, const char *cgroup)
{
	struct proc_facts p = { .comm = comm, .exe = exe, .cgroup = cgroup };

	return rules_match(rs, &p);
}

static const struct rule *match_pod(const struct ruleset *rs,
				    const char *namespace, const char *pod,
				    const char *container, const char *comm)
{
	struct proc_facts p = { .comm = comm, .exe = "/usr/sbin/haproxy",
				.cgroup = "", .namespace = namespace,
				.pod = pod, .container = container };

	return rules_match(rs, &p);
}

/* Parse @text into a fresh ruleset, expecting success. */
static void parse_ok(struct ruleset *rs, const char *text)
{
	char err[ERR_LEN];

	memset(rs, 0, sizeof(*rs));
	if (rules_parse(rs, text, "t.rules", err, sizeof(err)))
		fail_msg("unexpected error: %s", err);
	assert_string_equal(err, "");
}

/* Parse @text, expecting exactly the message @want and no rules. */
static void parse_err(const char *text, const char *want)
{
	struct ruleset rs = { 0 };
	char err[ERR_LEN];

	assert_int_equal(rules_parse(&rs, text, "t.rules", err, sizeof(err)),
			 -1);
	assert_string_equal(err, want);
	assert_int_equal(rs.len, 0);
	rules_free(&rs);
}

static void test_names(void **state)
{
	static const char *const roles[] = {
		"app", "sidecar", "node-proxy", "node-agent", "system", "other",
	};
	static const char *const meshes[] = {
		"none", "istio", "istio-ambient", "linkerd", "cilium",
	};
	int i;

	for (i = 0; i < ROLE_MAX; i++) {
		assert_string_equal(role_name(i), roles[i]);
		assert_int_equal(role_parse(roles[i]), i);
	}
	for (i = 0; i < MESH_MAX; i++) {
		assert_string_equal(mesh_name(i), meshes[i]);
		assert_int_equal(mesh_parse(meshes[i]), i);
	}
	assert_int_equal(role_parse("proxy"), -1);
	assert_int_equal(role_parse("Sidecar"), -1);
	assert_int_equal(role_parse(""), -1);
	assert_int_equal(role_parse(NULL), -1);
	assert_int_equal(mesh_parse("consul"), -1);
	assert_int_equal(mesh_parse("istio-"), -1);
	assert_int_equal(mesh_parse(NULL), -1);
	assert_string_equal(role_name(ROLE_MAX), "unknown");
	assert_string_equal(mesh_name(MESH_MAX), "unknown");
}

static void test_parse_valid(void **state)
{
	struct ruleset rs;
	const struct rule *r;

	parse_ok(&rs,
		 "# meshprof rules\n"
		 "\n"
		 "   \t\n"
		 "comm=haproxy cgroup=*kubepods*pod* role=sidecar mesh=istio name=haproxy-sidecar\n"
		 "  # indented comment\n"
		 "\texe=/usr/sbin/nginx\trole=app   # trailing comment\n"
		 "comm=kubelet role=node-agent\r\n"
		 "cgroup=/system.slice/* role=system mesh=none name=sys");
	assert_int_equal(rs.len, 4);

	r = &rs.rules[0];
	assert_string_equal(r->comm, "haproxy");
	assert_null(r->exe);
	assert_string_equal(r->cgroup, "*kubepods*pod*");
	assert_int_equal(r->role, ROLE_SIDECAR);
	assert_int_equal(r->mesh, MESH_ISTIO);
	assert_string_equal(r->name, "haproxy-sidecar");
	assert_int_equal(r->line, 4);

	r = &rs.rules[1];
	assert_null(r->comm);
	assert_string_equal(r->exe, "/usr/sbin/nginx");
	assert_null(r->cgroup);
	assert_int_equal(r->role, ROLE_APP);
	assert_int_equal(r->mesh, MESH_NONE);
	assert_string_equal(r->name, "");
	assert_int_equal(r->line, 6);

	r = &rs.rules[2];
	assert_string_equal(r->comm, "kubelet");
	assert_int_equal(r->role, ROLE_NODE_AGENT);
	assert_int_equal(r->line, 7);

	r = &rs.rules[3];
	assert_string_equal(r->cgroup, "/system.slice/*");
	assert_int_equal(r->role, ROLE_SYSTEM);
	assert_string_equal(r->name, "sys");
	assert_int_equal(r->line, 8);
	rules_free(&rs);
	assert_int_equal(rs.len, 0);
	assert_null(rs.rules);
}

static void test_parse_empty(void **state)
{
	struct ruleset rs;

	parse_ok(&rs, "");
	assert_int_equal(rs.len, 0);
	parse_ok(&rs, "# only comments\n\n# here\n");
	assert_int_equal(rs.len, 0);
	rules_free(&rs);
	rules_free(&rs);
}

static void test_parse_all_roles_and_meshes(void **state)
{
	struct ruleset rs;

	parse_ok(&rs,
		 "comm=a role=app mesh=none\n"
		 "comm=b role=sidecar mesh=istio\n"
		 "comm=c role=node-proxy mesh=istio-ambient\n"
		 "comm=d role=node-agent mesh=linkerd\n"
		 "comm=e role=system mesh=cilium\n"
		 "comm=f role=other\n");
	assert_int_equal(rs.len, 6);
	assert_int_equal(rs.rules[0].role, ROLE_APP);
	assert_int_equal(rs.rules[1].role, ROLE_SIDECAR);
	assert_int_equal(rs.rules[2].role, ROLE_NODE_PROXY);
	assert_int_equal(rs.rules[3].role, ROLE_NODE_AGENT);
	assert_int_equal(rs.rules[4].role, ROLE_SYSTEM);
	assert_int_equal(rs.rules[5].role, ROLE_OTHER);
	assert_int_equal(rs.rules[0].mesh, MESH_NONE);
	assert_int_equal(rs.rules[1].mesh, MESH_ISTIO);
	assert_int_equal(rs.rules[2].mesh, MESH_ISTIO_AMBIENT);
	assert_int_equal(rs.rules[3].mesh, MESH_LINKERD);
	assert_int_equal(rs.rules[4].mesh, MESH_CILIUM);
	assert_int_equal(rs.rules[5].mesh, MESH_NONE);
	rules_free(&rs);
}

static void test_quoting(void **state)
{
	struct ruleset rs;

	parse_ok(&rs,
		 "exe=\"/opt/my app/bin/*\" role=app name=\"my app\"\n"
		 "comm=\"x\" role=\"other\" mesh=\"linkerd\"\n"
		 "comm=\"#not a comment\" role=app\n"
		 "comm='single' role=app\n");
	assert_int_equal(rs.len, 4);
	assert_string_equal(rs.rules[0].exe, "/opt/my app/bin/*");
	assert_string_equal(rs.rules[0].name, "my app");
	assert_string_equal(rs.rules[1].comm, "x");
	assert_int_equal(rs.rules[1].role, ROLE_OTHER);
	assert_int_equal(rs.rules[1].mesh, MESH_LINKERD);
	assert_string_equal(rs.rules[2].comm, "#not a comment");
	/* Only double quotes quote. */
	assert_string_equal(rs.rules[3].comm, "'single'");
	assert_non_null(match3(&rs, "x", "/opt/my app/bin/srv", ""));
	assert_ptr_equal(match3(&rs, "y", "/opt/my app/bin/srv", ""),
			 &rs.rules[0]);
	rules_free(&rs);
}

static void test_name_length(void **state)
{
	struct ruleset rs;
	char text[256];
	char name[RULE_NAME_LEN + 1];

	memset(name, 'n', RULE_NAME_LEN - 1);
	name[RULE_NAME_LEN - 1] = '\0';
	snprintf(text, sizeof(text), "comm=x role=app name=%s\n", name);
	parse_ok(&rs, text);
	assert_string_equal(rs.rules[0].name, name);
	rules_free(&rs);

	strcat(name, "n");
	snprintf(text, sizeof(text), "\ncomm=x role=app name=%s\n", name);
	parse_err(text, "t.rules:2: name longer than 63 characters");
}

static void test_errors(void **state)
{
	parse_err("comm=x role=app colour=red\n",
		  "t.rules:1: unknown key 'colour'");
	parse_err("# c\ncomm=x comm=y role=app\n",
		  "t.rules:2: duplicate key 'comm'");
	parse_err("comm=x role=app role=app\n",
		  "t.rules:1: duplicate key 'role'");
	parse_err("\n\n\ncomm=x mesh=istio\n",
		  "t.rules:4: missing role=");
	parse_err("comm=x role=proxy\n",
		  "t.rules:1: unknown role 'proxy' (expected app, sidecar, "
		  "node-proxy, node-agent, system or other)");
	parse_err("comm=x role=app mesh=consul\n",
		  "t.rules:1: unknown mesh 'consul' (expected none, istio, "
		  "istio-ambient, linkerd or cilium)");
	parse_err("comm=a role=app\nrole=app mesh=istio name=x\n",
		  "t.rules:2: no match key (need comm=, exe=, cgroup=, namespace=, pod= or container=)");
	parse_err("name=x\n",
		  "t.rules:1: no match key (need comm=, exe=, cgroup=, namespace=, pod= or container=)");
	parse_err("comm= role=app\n", "t.rules:1: empty value for comm=");
	parse_err("comm=x role=app exe=\n", "t.rules:1: empty value for exe=");
	parse_err("cgroup=\"\" role=app\n",
		  "t.rules:1: empty value for cgroup=");
	parse_err("comm=x role=app name=\"a b\n",
		  "t.rules:1: unterminated quote in name=");
	/* A quote does not run on into the next line. */
	parse_err("comm=\"x\nrole=app\"\n",
		  "t.rules:1: unterminated quote in comm=");
	parse_err("comm=x role=app sidecar\n",
		  "t.rules:1: expected key=value, got 'sidecar'");
	parse_err("comm=x =app\n", "t.rules:1: expected key=value, got '=app'");
	parse_err("comm=a\"b role=app\n",
		  "t.rules:1: unexpected '\"' inside comm= (quote the whole value)");
	parse_err("comm=\"a\"b role=app\n",
		  "t.rules:1: unexpected 'b' after closing quote of comm=");
	parse_err("COMM=x role=app\n", "t.rules:1: unknown key 'COMM'");
}

/* The first bad line is reported and the ruleset is left as it was. */
static void test_error_adds_nothing(void **state)
{
	struct ruleset rs;
	char err[ERR_LEN];

	parse_ok(&rs, "comm=keep role=app\n");
	assert_int_equal(rules_parse(&rs, "comm=a role=app\ncomm=b\ncomm=c\n",
				     "more.rules", err, sizeof(err)), -1);
	assert_string_equal(err, "more.rules:2: missing role=");
	assert_int_equal(rs.len, 1);
	assert_string_equal(rs.rules[0].comm, "keep");
	rules_free(&rs);
}

static void test_error_buffer(void **state)
{
	struct ruleset rs = { 0 };
	char err[12];

	memset(err, 'x', sizeof(err));
	assert_int_equal(rules_parse(&rs, "comm=x\n", "t.rules", err,
				     sizeof(err)), -1);
	assert_string_equal(err, "t.rules:1: ");
	assert_int_equal(rules_parse(&rs, "comm=x\n", "t.rules", NULL, 0), -1);
	assert_int_equal(rs.len, 0);
	rules_free(&rs);
}

static void test_match_semantics(void **state)
{
	struct ruleset rs;
	const struct rule *r;

	parse_ok(&rs,
		 "comm=haproxy cgroup=*kubepods*pod* role=sidecar mesh=istio name=haproxy-sidecar\n"
		 "comm=haproxy role=app\n"
		 "exe=*/nginx role=app name=web\n"
		 "comm=nginx* role=other\n"
		 "cgroup=/system.slice/* role=system\n");

	/* All keys of a rule must match; "*" spans "/". */
	r = match3(&rs, "haproxy", "/usr/sbin/haproxy",
		   "/kubepods.slice/kubepods-pod1_2.slice/cri-containerd-a.scope");
	assert_ptr_equal(r, &rs.rules[0]);
	assert_string_equal(r->name, "haproxy-sidecar");
	r = match3(&rs, "haproxy", "/usr/sbin/haproxy", "/system.slice/x");
	assert_ptr_equal(r, &rs.rules[1]);

	/* First match wins over a later, also matching, rule. */
	r = match3(&rs, "nginx", "/usr/sbin/nginx", "");
	assert_ptr_equal(r, &rs.rules[2]);
	r = match3(&rs, "nginx: worker", "", "");
	assert_ptr_equal(r, &rs.rules[3]);

	/* An empty exe (kernel thread) never matches an exe glob. */
	r = match3(&rs, "kworker/0:1", "", "/system.slice/foo.service");
	assert_ptr_equal(r, &rs.rules[4]);
	assert_null(match3(&rs, "kworker/0:1", "", ""));
	assert_null(match3(&rs, "bash", "/bin/bash", "/user.slice"));
	/* NULL facts act as "". */
	assert_null(match3(&rs, NULL, NULL, NULL));
	assert_null(rules_match(&rs, NULL));
	rules_free(&rs);
}

static void test_builtin(void **state)
{
	static const struct {
		const char *comm, *exe;
		enum role role;
		enum mesh mesh;
		const char *name;
	} cases[] = {
		{ "cilium-envoy", "", ROLE_NODE_PROXY, MESH_CILIUM, "cilium-envoy" },
		{ "x", "/usr/bin/cilium-envoy", ROLE_NODE_PROXY, MESH_CILIUM, "cilium-envoy" },
		{ "wrk:worker_0", "/usr/bin/cilium-envoy", ROLE_NODE_PROXY, MESH_CILIUM, "cilium-envoy" },
		{ "envoy", "", ROLE_SIDECAR, MESH_ISTIO, "envoy" },
		{ "envoy", "/usr/local/bin/envoy", ROLE_SIDECAR, MESH_ISTIO, "envoy" },
		{ "wrk:worker_0", "/usr/local/bin/envoy", ROLE_SIDECAR, MESH_ISTIO, "envoy" },
		{ "pilot-agent", "", ROLE_SIDECAR, MESH_ISTIO, "pilot-agent" },
		{ "x", "/usr/local/bin/pilot-agent", ROLE_SIDECAR, MESH_ISTIO, "pilot-agent" },
		{ "linkerd2-proxy", "", ROLE_SIDECAR, MESH_LINKERD, "linkerd2-proxy" },
		{ "x", "/usr/lib/linkerd/linkerd2-proxy", ROLE_SIDECAR, MESH_LINKERD, "linkerd2-proxy" },
		{ "ztunnel", "", ROLE_NODE_PROXY, MESH_ISTIO_AMBIENT, "ztunnel" },
		{ "x", "/usr/local/bin/ztunnel", ROLE_NODE_PROXY, MESH_ISTIO_AMBIENT, "ztunnel" },
		{ "cilium-agent", "", ROLE_NODE_AGENT, MESH_CILIUM, "cilium-agent" },
		{ "x", "/usr/bin/cilium-agent", ROLE_NODE_AGENT, MESH_CILIUM, "cilium-agent" },
	};
	struct ruleset rs = { 0 };
	const struct rule *r;
	size_t i;

	assert_int_equal(rules_add_builtin(&rs), 0);
	assert_true(rs.len > 0);
	for (i = 0; i < rs.len; i++) {
		assert_int_equal(rs.rules[i].line, 0);
		/* The kernel truncates comm to 15 chars. */
		if (rs.rules[i].comm)
			assert_true(strlen(rs.rules[i].comm) <= 15);
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = match3(&rs, cases[i].comm, cases[i].exe, "");
		assert_non_null(r);
		assert_int_equal(r->role, cases[i].role);
		assert_int_equal(r->mesh, cases[i].mesh);
		assert_string_equal(r->name, cases[i].name);
	}
	/* Not an istio sidecar, whichever way it is matched. */
	r = match3(&rs, "cilium-envoy", "/usr/bin/cilium-envoy", "");
	assert_int_equal(r->mesh, MESH_CILIUM);
	assert_int_not_equal(r->role, ROLE_SIDECAR);
	/* Names must match whole, not as a suffix. */
	assert_null(match3(&rs, "myenvoy", "/usr/bin/myenvoy", ""));
	assert_null(match3(&rs, "haproxy", "/usr/sbin/haproxy", ""));
	assert_null(match3(&rs, "envoy-helper", "/bin/envoy-helper", ""));
	rules_free(&rs);
}

/* The built-ins by the names the meshes deploy their pods and containers
 * with, whatever program runs there. */
static void test_builtin_pods(void **state)
{
	static const struct {
		const char *ns, *pod, *container;
		enum role role;
		enum mesh mesh;
		const char *name;
	} cases[] = {
		{ "default", "reviews-v1-5b8d9c7f4-xk2pl", "istio-proxy",
		  ROLE_SIDECAR, MESH_ISTIO, "istio-proxy" },
		{ "emojivoto", "web-7f8d9-abcde", "linkerd-proxy",
		  ROLE_SIDECAR, MESH_LINKERD, "linkerd-proxy" },
		/* ztunnel's container is istio-proxy too. */
		{ "istio-system", "ztunnel-x7k2p", "istio-proxy",
		  ROLE_NODE_PROXY, MESH_ISTIO_AMBIENT, "ztunnel" },
		{ "kube-system", "cilium-envoy-4kq9z", "cilium-envoy",
		  ROLE_NODE_PROXY, MESH_CILIUM, "cilium-envoy" },
		{ "kube-system", "cilium-8xw2m", "cilium-agent",
		  ROLE_NODE_AGENT, MESH_CILIUM, "cilium-agent" },
		{ "kube-system", "cilium-operator-6d9f7-q2x4z", "cilium-operator",
		  ROLE_OTHER, MESH_CILIUM, "cilium-operator" },
	};
	struct ruleset rs = { 0 };
	const struct rule *r;

	assert_int_equal(rules_add_builtin(&rs), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = match_pod(&rs, cases[i].ns, cases[i].pod,
			      cases[i].container, "haproxy");
		assert_non_null(r);
		assert_int_equal(r->role, cases[i].role);
		assert_int_equal(r->mesh, cases[i].mesh);
		assert_string_equal(r->name, cases[i].name);
	}
	/* Node proxies only in their mesh's namespace; apps are no one's. */
	assert_null(match_pod(&rs, "default", "ztunnel-x7k2p", "app", "haproxy"));
	assert_null(match_pod(&rs, "default", "cilium-8xw2m", "app", "haproxy"));
	assert_null(match_pod(&rs, "default", "client", "app", "meshlab-load"));
	assert_null(match_pod(&rs, "", "", "", "haproxy"));
	rules_free(&rs);
}

/* User rules may match pod names too. */
static void test_pod_keys(void **state)
{
	struct ruleset rs;
	const struct rule *r;

	parse_ok(&rs, "namespace=team-* pod=gw-* container=proxy "
		      "role=node-proxy mesh=istio name=gateway\n");
	r = match_pod(&rs, "team-a", "gw-1", "proxy", "haproxy");
	assert_non_null(r);
	assert_string_equal(r->name, "gateway");
	assert_null(match_pod(&rs, "team-a", "gw-1", "app", "haproxy"));
	assert_null(match_pod(&rs, "other", "gw-1", "proxy", "haproxy"));
	rules_free(&rs);
}

static void test_user_overrides_builtin(void **state)
{
	struct ruleset rs;
	const struct rule *r;

	parse_ok(&rs,
		 "comm=envoy cgroup=*gateway* role=node-proxy mesh=istio name=gw\n"
		 "exe=*/ztunnel role=other\n");
	assert_int_equal(rules_add_builtin(&rs), 0);

	r = match3(&rs, "envoy", "/usr/local/bin/envoy", "/gateway/x");
	assert_int_equal(r->line, 1);
	assert_int_equal(r->role, ROLE_NODE_PROXY);
	assert_string_equal(r->name, "gw");
	/* Outside the user rule's scope the built-in applies. */
	r = match3(&rs, "envoy", "/usr/local/bin/envoy", "/kubepods/x");
	assert_int_equal(r->line, 0);
	assert_int_equal(r->role, ROLE_SIDECAR);
	/* The user's exe rule beats the built-in comm rule. */
	r = match3(&rs, "ztunnel", "/usr/local/bin/ztunnel", "");
	assert_int_equal(r->line, 2);
	assert_int_equal(r->role, ROLE_OTHER);
	rules_free(&rs);
}

static void test_load(void **state)
{
	char path[] = "/tmp/meshprof-rules-XXXXXX";
	const char *text = "# lab\n"
			   "comm=haproxy cgroup=*kubepods*pod* role=sidecar "
			   "mesh=istio name=haproxy-sidecar\n";
	struct ruleset rs = { 0 };
	char err[ERR_LEN], want[ERR_LEN];
	FILE *f;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);

	assert_int_equal(rules_load(&rs, path, err, sizeof(err)), 0);
	assert_int_equal(rs.len, 1);
	assert_int_equal(rs.rules[0].line, 2);
	assert_string_equal(rs.rules[0].name, "haproxy-sidecar");

	/* Errors name the file they come from. */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("comm=x role=bogus\n", f);
	fclose(f);
	assert_int_equal(rules_load(&rs, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:1: unknown role 'bogus' (expected "
		 "app, sidecar, node-proxy, node-agent, system or other)", path);
	assert_string_equal(err, want);
	assert_int_equal(rs.len, 1);
	unlink(path);
	rules_free(&rs);
}

/* A file larger than the first read buffer. */
static void test_load_large(void **state)
{
	char path[] = "/tmp/meshprof-rules-XXXXXX";
	struct ruleset rs = { 0 };
	char err[ERR_LEN];
	FILE *f;
	int fd, i;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	for (i = 0; i < 2000; i++)
		fprintf(f, "comm=proc%d role=app name=n%d\n", i, i);
	fclose(f);
	assert_int_equal(rules_load(&rs, path, err, sizeof(err)), 0);
	unlink(path);
	assert_int_equal(rs.len, 2000);
	assert_string_equal(rs.rules[1999].comm, "proc1999");
	assert_int_equal(rs.rules[1999].line, 2000);
	rules_free(&rs);
}

static void test_load_unreadable(void **state)
{
	struct ruleset rs = { 0 };
	char err[ERR_LEN];

	assert_int_equal(rules_load(&rs, "/nonexistent/meshprof.rules", err,
				    sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/meshprof.rules: "
			    "No such file or directory");
	assert_int_equal(rules_load(&rs, "/tmp", err, sizeof(err)), -1);
	assert_string_equal(err, "/tmp: Is a directory");
	assert_int_equal(rs.len, 0);
	rules_free(&rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_empty),
		cmocka_unit_test(test_parse_all_roles_and_meshes),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_name_length),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_adds_nothing),
		cmocka_unit_test(test_error_buffer),
		cmocka_unit_test(test_match_semantics),
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_builtin_pods),
		cmocka_unit_test(test_pod_keys),
		cmocka_unit_test(test_user_overrides_builtin),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_load_large),
		cmocka_unit_test(test_load_unreadable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
