// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for user/meshmark.c: every MUE, class score and MeshMark pinned
 * to the hand-computed values of docs/meshmark.md's worked examples.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "meshmark.h"
#include "meshmark_out.h"
#include "weights.h"

#define NS 1000000000ULL
#define MIB_B (1024ULL * 1024)
#define EPS 1e-9
#define ERR_LEN 512

/* A component with metrics @m, as record would have folded it. */
static void add_comp(struct run *run, const char *name, enum role role,
		     const struct metrics *m)
{
	struct component *c = run_add_component(run);

	assert_non_null(c);
	snprintf(c->id, sizeof(c->id), "pod/%s", name);
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->role = role;
	c->mesh = role == ROLE_APP ? MESH_NONE : MESH_ISTIO;
	c->m = *m;
}

/*
 * The mesh run of the worked example: 10 s, 4 CPUs, 20000 requests.
 * Workload (app + mesh): cpu 10 s, switches 10000, runq 0.5 s, rss 250 MiB,
 * bytes 100e6, calls 80000, connections 500. Mesh: cpu 4 s (sidecar 3 +
 * agent 1), switches 3000, runq 0.2 s, rss 50 MiB, bytes 60e6, calls 60000,
 * connections 300. kubelet and sshd must not count.
 */
static void mesh_run(struct run *run)
{
	memset(run, 0, sizeof(*run));
	run->seconds = 10;
	run->cpus = 4;
	run->requests = 20000;
	run->latency_p50_s = 0.0015;
	run->latency_p99_s = 0.008;
	add_comp(run, "frontend", ROLE_APP, &(struct metrics){
		.cpu_ns = 6 * NS, .vol_switches = 6000, .invol_switches = 1000,
		.runq_ns = 300000000, .rss_avg_bytes = 200 * MIB_B,
		.bytes_sent = 30000000, .bytes_recv = 10000000,
		.send_calls = 10000, .recv_calls = 10000,
		.tcp_connects = 100, .tcp_accepts = 100 });
	add_comp(run, "kubelet", ROLE_SYSTEM, &(struct metrics){
		.cpu_ns = 5 * NS, .vol_switches = 9999,
		.rss_avg_bytes = 500 * MIB_B, .bytes_sent = 1000000000,
		.tcp_connects = 77 });
	add_comp(run, "istio-cni", ROLE_NODE_AGENT, &(struct metrics){
		.cpu_ns = 1 * NS });
	add_comp(run, "istio-proxy", ROLE_SIDECAR, &(struct metrics){
		.cpu_ns = 3 * NS, .vol_switches = 2000, .invol_switches = 1000,
		.runq_ns = 200000000, .rss_avg_bytes = 50 * MIB_B,
		.bytes_sent = 30000000, .bytes_recv = 30000000,
		.send_calls = 30000, .recv_calls = 30000,
		.tcp_connects = 150, .tcp_accepts = 150 });
	add_comp(run, "sshd", ROLE_OTHER, &(struct metrics){
		.cpu_ns = 2 * NS, .send_calls = 5 });
}

/*
 * The baseline: 5 s, 10000 requests (the same 2000 rps), the app alone:
 * cpu 2 s, switches 4000, runq 0.1 s, rss 200 MiB, bytes 20e6,
 * calls 20000, connections 100; p50 1 ms, p99 4 ms.
 */
static void base_run(struct run *run)
{
	memset(run, 0, sizeof(*run));
	run->seconds = 5;
	run->cpus = 4;
	run->requests = 10000;
	run->latency_p50_s = 0.001;
	run->latency_p99_s = 0.004;
	add_comp(run, "frontend", ROLE_APP, &(struct metrics){
		.cpu_ns = 2 * NS, .vol_switches = 3000, .invol_switches = 1000,
		.runq_ns = 100000000, .rss_avg_bytes = 200 * MIB_B,
		.bytes_sent = 15000000, .bytes_recv = 5000000,
		.send_calls = 10000, .recv_calls = 10000,
		.tcp_connects = 50, .tcp_accepts = 50 });
}

static const struct mm_mue_result *mue(const struct meshmark *mm,
				       enum mm_mue id)
{
	for (int c = 0; c < MM_CLASS_MAX; c++)
		for (size_t i = 0; i < mm->classes[c].nmues; i++)
			if (mm->classes[c].mues[i].id == id)
				return &mm->classes[c].mues[i];
	return NULL;
}

static void assert_mue(const struct meshmark *mm, enum mm_mue id, double v)
{
	const struct mm_mue_result *r = mue(mm, id);

	assert_non_null(r);
	if (!r->available)
		fail_msg("%s unavailable: %s", mm_mue_name(id), r->reason);
	assert_float_equal(r->value, v, EPS);
}

static bool has_note(const struct meshmark *mm, const char *part)
{
	for (size_t i = 0; i < mm->nnotes; i++)
		if (strstr(mm->notes[i], part))
			return true;
	return false;
}

static void test_single(void **state)
{
	struct run run;
	struct meshmark mm;
	const struct mm_mue_result *r;

	mesh_run(&run);
	assert_int_equal(meshmark_single(&run, NULL, &mm), 0);
	assert_int_equal(mm.mode, MM_SINGLE);
	assert_true(mm.per_request);

	assert_mue(&mm, MM_CPU_SHARE, 0.6);		/* 1 - 4/10 */
	assert_mue(&mm, MM_CPU_CAPACITY, 0.9);		/* 1 - 4/(4 x 10) */
	assert_mue(&mm, MM_CONTEXT_SWITCHES, 0.7);	/* 1 - 3000/10000 */
	assert_mue(&mm, MM_RUNQ_DELAY, 0.6);		/* 1 - 0.2/0.5 */
	assert_mue(&mm, MM_RSS, 0.8);			/* 1 - 50/250 */
	assert_mue(&mm, MM_BYTES_COPIED, 0.4);		/* 1 - 60/100 */
	assert_mue(&mm, MM_SOCKET_CALLS, 0.25);		/* 1 - 60000/80000 */
	assert_mue(&mm, MM_STACK_TRAVERSALS, 0.4);	/* 1 - 300/500 */
	assert_null(mue(&mm, MM_CPU));

	r = mue(&mm, MM_CPU_SHARE);
	assert_float_equal(r->mesh, 4, EPS);
	assert_float_equal(r->total, 10, EPS);
	assert_true(isnan(r->base));
	r = mue(&mm, MM_CPU_CAPACITY);
	assert_float_equal(r->total, 40, EPS);
	assert_true(has_note(&mm, "capacity is the node's 4 CPUs"));

	assert_float_equal(mm.classes[MM_COMPUTE].score, 0.7, EPS);
	assert_float_equal(mm.classes[MM_MEMORY].score, 0.8, EPS);
	assert_float_equal(mm.classes[MM_NETWORK].score, 1.05 / 3, EPS);
	assert_false(mm.classes[MM_LATENCY].included);
	assert_true(isnan(mm.classes[MM_LATENCY].score));
	assert_non_null(strstr(mm.classes[MM_LATENCY].reason,
			       "single run cannot tell the latency"));
	/* 100 x (0.7 + 0.8 + 0.35) / 3 */
	assert_float_equal(mm.score, 185.0 / 3, EPS);

	assert_float_equal(mm.vcpu_sidecar, 0.15, EPS);	/* 3 / 20000 x 1000 */
	assert_float_equal(mm.vcpu_node_agent, 0.05, EPS);
	assert_true(isnan(mm.vcpu_node_proxy));
	assert_float_equal(mm.vcpu_total, 0.2, EPS);
	assert_float_equal(mm.mib_per_proxy, 50, EPS);

	assert_int_equal(mm.ncomps, 2);
	assert_string_equal(mm.comps[0].name, "istio-proxy");
	assert_string_equal(mm.comps[1].name, "istio-cni");
	assert_float_equal(mm.comps[0].cpu_cost, 0.15, EPS);
	/* 50 MiB x 10 s / 20000 requests x 1000: MiB per 1000 rps */
	assert_float_equal(mm.comps[0].rss_cost, 25.0 * MIB_B, 1e-3);
	assert_float_equal(mm.comps[0].bytes_cost, 3e6, 1e-6);
	assert_float_equal(mm.comps[0].cpu_fraction, 0.3, EPS);
	assert_true(isnan(mm.comps[0].cpu_overhead_fraction));
	meshmark_free(&mm);
	run_free(&run);
}

static void test_single_assigned_capacity(void **state)
{
	struct run run;
	struct meshmark mm;

	mesh_run(&run);
	run.cpu_capacity_cores = 2;
	assert_int_equal(meshmark_single(&run, NULL, &mm), 0);
	assert_mue(&mm, MM_CPU_CAPACITY, 0.8);		/* 1 - 4/(2 x 10) */
	assert_true(has_note(&mm, "the 2 assigned cores"));
	meshmark_free(&mm);
	run_free(&run);
}

static void test_compare(void **state)
{
	struct run base, mesh;
	struct meshmark mm;
	const struct mm_mue_result *r;

	base_run(&base);
	mesh_run(&mesh);
	assert_int_equal(meshmark_compare(&base, &mesh, NULL, &mm), 0);
	assert_int_equal(mm.mode, MM_COMPARE);
	assert_true(mm.per_request);

	assert_mue(&mm, MM_CPU, 0.4);			/* 0.2 / 0.5 s */
	assert_mue(&mm, MM_CONTEXT_SWITCHES, 0.8);	/* 400 / 500 */
	assert_mue(&mm, MM_RUNQ_DELAY, 0.4);		/* 0.01 / 0.025 s */
	assert_mue(&mm, MM_RSS, 0.8);			/* 100 / 125 MiB */
	assert_mue(&mm, MM_BYTES_COPIED, 0.4);		/* 2e6 / 5e6 */
	assert_mue(&mm, MM_SOCKET_CALLS, 0.5);		/* 2000 / 4000 */
	assert_mue(&mm, MM_STACK_TRAVERSALS, 0.4);	/* 10 / 25 */
	assert_mue(&mm, MM_P50, 1.0 / 1.5);
	assert_mue(&mm, MM_P99, 0.5);
	assert_null(mue(&mm, MM_CPU_SHARE));
	assert_null(mue(&mm, MM_CPU_CAPACITY));

	r = mue(&mm, MM_CPU);
	assert_float_equal(r->base, 0.2, EPS);
	assert_float_equal(r->mesh, 0.5, EPS);
	assert_float_equal(r->overhead, 0.3, EPS);
	assert_true(isnan(r->total));
	r = mue(&mm, MM_RSS);
	assert_float_equal(r->base, 100.0 * MIB_B, 1e-3);
	assert_float_equal(r->mesh, 125.0 * MIB_B, 1e-3);
	r = mue(&mm, MM_P99);
	assert_float_equal(r->overhead, 0.004, EPS);

	assert_float_equal(mm.classes[MM_COMPUTE].score, 1.6 / 3, EPS);
	assert_float_equal(mm.classes[MM_MEMORY].score, 0.8, EPS);
	assert_float_equal(mm.classes[MM_NETWORK].score, 1.3 / 3, EPS);
	assert_float_equal(mm.classes[MM_LATENCY].score, (2.0 / 3 + 0.5) / 2,
			   EPS);
	assert_float_equal(mm.score, 58.75, EPS);

	/* where it went: the sidecar is half the 0.3 s CPU overhead */
	assert_int_equal(mm.ncomps, 2);
	assert_string_equal(mm.comps[0].name, "istio-proxy");
	assert_float_equal(mm.comps[0].cpu_cost, 0.15, EPS);
	assert_float_equal(mm.comps[0].cpu_overhead_fraction, 0.5, EPS);
	assert_float_equal(mm.comps[1].cpu_overhead_fraction, 0.05 / 0.3, EPS);
	assert_float_equal(mm.vcpu_sidecar, 0.15, EPS);
	meshmark_free(&mm);
	run_free(&base);
	run_free(&mesh);
}

static void set_conns(struct run *run, uint64_t n)
{
	for (size_t i = 0; i < run->ncomps; i++) {
		run->comps[i].m.tcp_connects = n;
		run->comps[i].m.tcp_accepts = 0;
	}
}

static void test_compare_zero_baseline(void **state)
{
	struct run base, mesh;
	struct meshmark mm;

	base_run(&base);
	mesh_run(&mesh);
	set_conns(&base, 0);
	assert_int_equal(meshmark_compare(&base, &mesh, NULL, &mm), 0);
	assert_mue(&mm, MM_STACK_TRAVERSALS, 0);	/* 0 / 25 */
	assert_float_equal(mm.classes[MM_NETWORK].score, 0.9 / 3, EPS);
	meshmark_free(&mm);

	set_conns(&mesh, 0);
	assert_int_equal(meshmark_compare(&base, &mesh, NULL, &mm), 0);
	assert_mue(&mm, MM_STACK_TRAVERSALS, 1);	/* 0 / 0 */
	assert_float_equal(mue(&mm, MM_STACK_TRAVERSALS)->overhead, 0, EPS);
	meshmark_free(&mm);
	run_free(&base);
	run_free(&mesh);
}

static void test_identical_is_100(void **state)
{
	struct mm_weights w = { 0 };
	struct run base, mesh;
	struct meshmark mm;
	char err[ERR_LEN];

	base_run(&base);
	mesh_run(&mesh);
	assert_int_equal(meshmark_compare(&mesh, &mesh, NULL, &mm), 0);
	assert_true(mm.score == 100.0);
	meshmark_free(&mm);
	assert_int_equal(meshmark_compare(&base, &base, NULL, &mm), 0);
	assert_true(mm.score == 100.0);
	meshmark_free(&mm);

	assert_int_equal(mm_weights_parse(&w, "cpu=0.37,rss=-0.5,p99=0.5,"
					  "bytes_copied=-0.13", err,
					  sizeof(err)), 0);
	assert_int_equal(meshmark_compare(&mesh, &mesh, &w, &mm), 0);
	assert_true(mm.score == 100.0);
	for (int c = 0; c < MM_CLASS_MAX; c++)
		assert_true(mm.classes[c].score == 1.0);
	meshmark_free(&mm);

	/* per second of the window too */
	mesh.requests = 0;
	assert_int_equal(meshmark_compare(&mesh, &mesh, &w, &mm), 0);
	assert_false(mm.per_request);
	assert_true(mm.score == 100.0);
	meshmark_free(&mm);
	run_free(&base);
	run_free(&mesh);
}

static void test_missing_classes(void **state)
{
	struct run run;
	struct meshmark mm;

	mesh_run(&run);
	for (size_t i = 0; i < run.ncomps; i++)
		run.comps[i].m.rss_avg_bytes = 0;
	assert_int_equal(meshmark_single(&run, NULL, &mm), 0);
	assert_false(mm.classes[MM_MEMORY].included);
	assert_string_equal(mm.classes[MM_MEMORY].reason,
			    "no resident memory recorded for the workload");
	assert_false(mm.classes[MM_LATENCY].included);
	assert_string_equal(mm.classes[MM_LATENCY].reason,
			    "a single run cannot tell the latency the mesh adds: compare with a baseline (meshprof diff)");
	/* 100 x (0.7 + 0.35) / 2 */
	assert_float_equal(mm.score, 52.5, EPS);
	assert_true(isnan(mm.mib_per_proxy));
	assert_true(has_note(&mm, "MiB per proxy omitted"));
	meshmark_free(&mm);
	run_free(&run);
}

static void test_compare_latency_unknown(void **state)
{
	struct run base, mesh;
	struct meshmark mm;

	base_run(&base);
	mesh_run(&mesh);
	base.latency_p50_s = -1;
	base.latency_p99_s = 0;
	assert_int_equal(meshmark_compare(&base, &mesh, NULL, &mm), 0);
	assert_false(mm.classes[MM_LATENCY].included);
	assert_string_equal(mm.classes[MM_LATENCY].reason,
			    "p50 latency unknown in the baseline run; p99 latency unknown in the baseline run");
	/* 100 x (1.6/3 + 0.8 + 1.3/3) / 3 */
	assert_float_equal(mm.score, 100 * (1.6 / 3 + 0.8 + 1.3 / 3) / 3, EPS);
	meshmark_free(&mm);

	/* one percentile is enough for the class */
	base.latency_p99_s = 0.004;
	mesh.latency_p50_s = -1;
	assert_int_equal(meshmark_compare(&base, &mesh, NULL, &mm), 0);
	assert_true(mm.classes[MM_LATENCY].included);
	assert_float_equal(mm.classes[MM_LATENCY].score, 0.5, EPS);
	assert_string_equal(mue(&mm, MM_P50)->reason,
			    "p50 latency unknown in the baseline run");
	meshmark_free(&mm);
	run_free(&base);
	run_free(&mesh);
}

static void test_all_overhead(void **state)
{
	struct run run;
	struct meshmark mm;

	mesh_run(&run);
	run.comps[0].m.cpu_ns = 0;	/* the app used no CPU at all */
	assert_int_equal(meshmark_single(&run, NULL, &mm), 0);
	assert_mue(&mm, MM_CPU_SHARE, 0);	/* 1 - 4/4 */
	assert_true(mue(&mm, MM_CPU_SHARE)->value == 0);
	meshmark_free(&mm);
	run_free(&run);
}

static void test_weights_effect(void **state)
{
	struct mm_weights w = { 0 };
	struct run run;
	struct meshmark mm;
	char err[ERR_LEN];

	mesh_run(&run);
	assert_int_equal(mm_weights_parse(&w, "cpu_share=-0.5, cpu_capacity=0.5,"
					  "bytes_copied=50%", err, sizeof(err)),
			 0);
	assert_int_equal(meshmark_single(&run, &w, &mm), 0);
	assert_float_equal(mue(&mm, MM_CPU_SHARE)->weight, -0.5, EPS);
	/* (0.6 x 0.5 + 0.9 x 1.5 + 0.7 + 0.6) / (0.5 + 1.5 + 1 + 1) */
	assert_float_equal(mm.classes[MM_COMPUTE].score, 2.95 / 4, EPS);
	/* (0.4 x 1.5 + 0.25 + 0.4) / 3.5 */
	assert_float_equal(mm.classes[MM_NETWORK].score, 1.25 / 3.5, EPS);
	assert_float_equal(mm.score, 100 * (2.95 / 4 + 0.8 + 1.25 / 3.5) / 3,
			   EPS);
	meshmark_free(&mm);

	/* a weight for a compare-only MUE changes nothing here, and says so */
	assert_int_equal(mm_weights_parse(&w, "cpu=0.5", err, sizeof(err)), 0);
	assert_int_equal(meshmark_single(&run, &w, &mm), 0);
	assert_true(has_note(&mm, "weight for cpu unused"));
	meshmark_free(&mm);
	run_free(&run);
}

static void parse_err(const char *spec, const char *want)
{
	struct mm_weights w = { 0 };
	char err[ERR_LEN];

	w.w[MM_P99] = 0.25;
	assert_int_equal(mm_weights_parse(&w, spec, err, sizeof(err)), -1);
	assert_string_equal(err, want);
	/* untouched on error */
	assert_true(w.w[MM_P99] == 0.25);
	assert_true(w.w[MM_CPU_SHARE] == 0);
}

static void test_weights_parse(void **state)
{
	struct mm_weights w = { 0 };
	char err[ERR_LEN];

	assert_int_equal(mm_weights_parse(&w, " p99 = -0.5 ,cpu_share=20%",
					  err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_true(w.w[MM_P99] == -0.5);
	assert_float_equal(w.w[MM_CPU_SHARE], 0.2, EPS);
	assert_true(w.w[MM_RSS] == 0);
	assert_int_equal(mm_weights_parse(&w, "", err, sizeof(err)), 0);
	assert_int_equal(mm_weights_parse(&w, NULL, err, sizeof(err)), 0);
	assert_true(w.w[MM_P99] == -0.5);
	assert_int_equal(mm_weights_parse(&w, "rss=0.5,p50=-50%", err,
					  sizeof(err)), 0);
	assert_true(w.w[MM_RSS] == 0.5 && w.w[MM_P50] == -0.5);

	parse_err("cpu_share=0.6",
		  "weights: cpu_share=0.6: out of range -0.5..0.5 (-50%..+50%)");
	parse_err("p99=-51%",
		  "weights: p99=-51%: out of range -0.5..0.5 (-50%..+50%)");
	parse_err("cpu_share=0.1,bogus=0.1",
		  "weights: unknown MUE 'bogus' (known: cpu_share, cpu_capacity, cpu, context_switches, runq_delay, rss, bytes_copied, socket_calls, stack_traversals, p50, p99)");
	parse_err("cpu_share=abc", "weights: cpu_share=abc: not a number");
	parse_err("cpu_share=0.1x", "weights: cpu_share=0.1x: not a number");
	parse_err("cpu_share=", "weights: cpu_share=: not a number");
	parse_err("cpu_share=nan", "weights: cpu_share=nan: not a number");
	parse_err("cpu_share", "weights: 'cpu_share': expected NAME=VALUE");
	parse_err("rss=0.1,,p99=0.2", "weights: empty item");
	parse_err("rss=0.1,", "weights: empty item");
	parse_err("rss=0.1,rss=0.2", "weights: rss given twice");
}

static void test_requests_unknown(void **state)
{
	struct run base, mesh;
	struct meshmark mm;

	base_run(&base);
	mesh_run(&mesh);
	base.requests = 0;
	assert_int_equal(meshmark_compare(&base, &mesh, NULL, &mm), 0);
	assert_false(mm.per_request);
	assert_true(has_note(&mm, "requests unknown in the baseline run: costs are per second"));
	assert_mue(&mm, MM_CPU, 0.4);		/* 2/5 s against 10/10 s */
	assert_float_equal(mue(&mm, MM_CPU)->base, 0.4, EPS);
	assert_mue(&mm, MM_RSS, 0.8);		/* 200 / 250 MiB, as is */
	assert_float_equal(mm.score, 58.75, EPS);	/* same rps both runs */
	assert_float_equal(mm.comps[0].cpu_cost, 0.3, EPS);	/* 3 s / 10 s */
	meshmark_free(&mm);

	/* single mode: no vCPU per 1000 rps without requests */
	assert_int_equal(meshmark_single(&base, NULL, &mm), 0);
	meshmark_free(&mm);
	mesh.requests = 0;
	assert_int_equal(meshmark_single(&mesh, NULL, &mm), 0);
	assert_true(isnan(mm.vcpu_total) && isnan(mm.vcpu_sidecar));
	assert_true(has_note(&mm, "vCPU per 1000 rps omitted"));
	assert_true(has_note(&mm, "requests unknown: component costs are per second"));
	assert_float_equal(mm.mib_per_proxy, 50, EPS);
	meshmark_free(&mm);

	/* and without a window length there is no unit of work at all */
	mesh.seconds = 0;
	assert_int_equal(meshmark_compare(&base, &mesh, NULL, &mm), -1);
	assert_non_null(strstr(mm.error, "no common unit of work"));
	assert_true(isnan(mm.score));
	meshmark_free(&mm);
	run_free(&base);
	run_free(&mesh);
}

static void test_clamped(void **state)
{
	struct run base, mesh;
	struct meshmark mm;

	base_run(&base);
	mesh_run(&mesh);
	/* swapped: the "mesh" run is the cheaper one everywhere */
	assert_int_equal(meshmark_compare(&mesh, &base, NULL, &mm), 0);
	assert_true(mm.score == 100.0);
	assert_float_equal(mue(&mm, MM_CPU)->raw, 2.5, EPS);
	assert_true(has_note(&mm, "cpu: the mesh run cost less than the baseline (raw MUE 2.5), clamped to 1"));
	assert_true(has_note(&mm, "the baseline has 2 mesh component(s)"));
	meshmark_free(&mm);
	run_free(&base);
	run_free(&mesh);
}

static void test_unavailable_probes(void **state)
{
	struct run run;
	struct meshmark mm;

	mesh_run(&run);
	run.unavailable = GAP_BIT(GAP_LAT_TRANSIT) | GAP_BIT(GAP_NET);
	assert_int_equal(meshmark_single(&run, NULL, &mm), 0);
	assert_false(mue(&mm, MM_BYTES_COPIED)->available);
	assert_string_equal(mue(&mm, MM_BYTES_COPIED)->reason,
			    "socket bytes not recorded: this kernel lacks net");
	assert_false(mue(&mm, MM_SOCKET_CALLS)->available);
	assert_float_equal(mm.classes[MM_NETWORK].score, 0.4, EPS);
	meshmark_free(&mm);

	run.unavailable = GAP_BIT(GAP_NET) | GAP_BIT(GAP_TCP_ACCEPTS);
	assert_int_equal(meshmark_single(&run, NULL, &mm), 0);
	assert_false(mm.classes[MM_NETWORK].included);
	assert_string_equal(mm.classes[MM_NETWORK].reason,
			    "socket bytes not recorded: this kernel lacks net; socket calls not recorded: this kernel lacks net; TCP connections not recorded: this kernel lacks tcp.accepts");
	meshmark_free(&mm);
	run_free(&run);
}

static void test_errors(void **state)
{
	struct mm_weights w = { 0 };
	struct run run = { 0 };
	struct meshmark mm;

	run.seconds = 10;
	run.requests = 10;
	add_comp(&run, "kubelet", ROLE_SYSTEM, &(struct metrics){
		.cpu_ns = NS });
	assert_int_equal(meshmark_single(&run, NULL, &mm), -1);
	assert_string_equal(mm.error, "the run has no app or mesh components");
	meshmark_free(&mm);

	/* weights set by hand are checked too */
	add_comp(&run, "app", ROLE_APP, &(struct metrics){ .cpu_ns = NS });
	w.w[MM_RSS] = -1;
	assert_int_equal(meshmark_single(&run, &w, &mm), -1);
	assert_string_equal(mm.error,
			    "weight for rss out of range -0.5..0.5: -1");
	meshmark_free(&mm);
	w.w[MM_RSS] = NAN;
	assert_int_equal(meshmark_compare(&run, &run, &w, &mm), -1);
	meshmark_free(&mm);
	run.comps[1].role = ROLE_SYSTEM;

	/* a workload with nothing measured: no class can be computed */
	add_comp(&run, "idle", ROLE_APP, &(struct metrics){ 0 });
	run.cpus = 0;
	assert_int_equal(meshmark_single(&run, NULL, &mm), -1);
	assert_non_null(strstr(mm.error, "no MeshMark class"));
	meshmark_free(&mm);
	run_free(&run);
}

static struct json_object *get(struct json_object *o, const char *path)
{
	char buf[256], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok && o;
	     tok = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(o, tok, &o))
			fail_msg("no key %s in %s", tok, path);
	return o;
}

static double get_d(struct json_object *o, const char *path)
{
	struct json_object *v = get(o, path);

	assert_non_null(v);
	return json_object_get_double(v);
}

static void test_json(void **state)
{
	struct run base, mesh;
	struct meshmark mm;
	struct json_object *o;

	mesh_run(&mesh);
	assert_int_equal(meshmark_single(&mesh, NULL, &mm), 0);
	o = meshmark_to_json(&mm);
	assert_float_equal(get_d(o, "score"), 185.0 / 3, EPS);
	assert_string_equal(json_object_get_string(get(o, "mode")), "single");
	assert_null(get(o, "classes.latency.score"));
	assert_false(json_object_get_boolean(get(o, "classes.latency.included")));
	assert_non_null(get(o, "classes.latency.reason"));
	assert_null(get(o, "classes.compute.reason"));
	assert_float_equal(get_d(o, "classes.compute.score"), 0.7, EPS);
	assert_float_equal(get_d(o, "classes.compute.overhead"), 0.3, EPS);
	assert_float_equal(get_d(o, "classes.compute.mues.cpu_share.value"),
			   0.6, EPS);
	assert_float_equal(get_d(o, "classes.compute.mues.cpu_share.mesh"),
			   4, EPS);
	assert_float_equal(get_d(o, "classes.compute.mues.cpu_share.total"),
			   10, EPS);
	assert_null(get(o, "classes.latency.mues.p99.value"));
	assert_float_equal(get_d(o, "vcpu_per_1000rps.sidecar"), 0.15, EPS);
	assert_null(get(o, "vcpu_per_1000rps.node_proxy"));
	assert_float_equal(get_d(o, "mib_per_proxy"), 50, EPS);
	assert_int_equal(json_object_array_length(get(o, "components")), 2);
	assert_string_equal(json_object_get_string(get(
		json_object_array_get_idx(get(o, "components"), 0), "role")),
		"sidecar");
	assert_true(json_object_is_type(get(o, "notes"), json_type_array));
	json_object_put(o);
	meshmark_free(&mm);

	base_run(&base);
	assert_int_equal(meshmark_compare(&base, &mesh, NULL, &mm), 0);
	o = meshmark_to_json(&mm);
	assert_string_equal(json_object_get_string(get(o, "mode")), "compare");
	assert_string_equal(json_object_get_string(get(o, "normalization")),
			    "per_1000_requests");
	assert_float_equal(get_d(o, "classes.compute.mues.cpu.base"), 0.2, EPS);
	assert_float_equal(get_d(o, "classes.compute.mues.cpu.overhead"), 0.3,
			   EPS);
	assert_float_equal(get_d(o, "classes.latency.mues.p50.value"),
			   1.0 / 1.5, EPS);
	assert_float_equal(get_d(o, "score"), 58.75, EPS);
	/* it must survive a round trip through text */
	assert_non_null(json_object_to_json_string(o));
	json_object_put(o);
	meshmark_free(&mm);
	run_free(&base);
	run_free(&mesh);
}

static void test_print(void **state)
{
	struct run base, mesh;
	struct meshmark mm;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	base_run(&base);
	mesh_run(&mesh);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(meshmark_single(&mesh, NULL, &mm), 0);
	meshmark_print(f, &mm);
	meshmark_free(&mm);
	assert_int_equal(meshmark_compare(&base, &mesh, NULL, &mm), 0);
	meshmark_print(f, &mm);
	meshmark_free(&mm);
	fclose(f);
	assert_non_null(strstr(buf, "MeshMark 61.7 / 100"));
	assert_non_null(strstr(buf, "MeshMark 58.8 / 100"));
	assert_non_null(strstr(buf, "left out: a single run cannot"));
	assert_non_null(strstr(buf, "istio-proxy"));
	if (getenv("MESHMARK_SHOW"))
		fputs(buf, stdout);
	free(buf);
	run_free(&base);
	run_free(&mesh);
}

/* The worked example's mesh run, with a control plane: istiod (2 s of
 * CPU) in a pod of its own; the sidecar spent a fifth of its 3 s on
 * configuration and moved 10 MiB with control peers; the frontend's pod
 * (with the sidecar) and another app's: 2 pods served. */
static void control_run(struct run *run, bool profiled)
{
	struct component *c;

	mesh_run(run);
	for (size_t i = 0; i < run->ncomps; i++) {
		c = &run->comps[i];
		if (strcmp(c->name, "frontend") && strcmp(c->name, "istio-proxy"))
			continue;
		c->in_pod = true;
		snprintf(c->pod.pod_uid, sizeof(c->pod.pod_uid), "p1");
		if (c->role != ROLE_SIDECAR)
			continue;
		c->m.peer[PEER_CONTROL].bytes_sent = 1 * MIB_B;
		c->m.peer[PEER_CONTROL].bytes_recv = 9 * MIB_B;
		c->m.peer[PEER_MESH].bytes_recv = 50 * MIB_B;
		c->m.cpu_samples = profiled ? 100 : 0;
		c->m.cat_samples[CAT_CONFIG] = profiled ? 20 : 0;
	}
	add_comp(run, "istiod", ROLE_CONTROL_PLANE, &(struct metrics){
		.cpu_ns = 2 * NS });
	c = &run->comps[run->ncomps - 1];
	c->in_pod = true;
	snprintf(c->pod.pod_uid, sizeof(c->pod.pod_uid), "cp");
	add_comp(run, "other-app", ROLE_APP, &(struct metrics){ .cpu_ns = 0 });
	c = &run->comps[run->ncomps - 1];
	c->in_pod = true;
	snprintf(c->pod.pod_uid, sizeof(c->pod.pod_uid), "p2");
}

static void test_control(void **state)
{
	struct run base, mesh;
	struct meshmark mm;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	control_run(&mesh, true);
	assert_int_equal(meshmark_single(&mesh, NULL, &mm), 0);
	assert_int_equal(mm.control.pods, 2);
	assert_float_equal(mm.control.control_plane_seconds, 2, EPS);
	assert_float_equal(mm.control.config_seconds, 0.6, EPS);
	assert_float_equal(mm.control.cpu_seconds, 2.6, EPS);
	assert_float_equal(mm.control.bytes, 10.0 * MIB_B, EPS);
	/* 2.6 s / 10 s / 2 pods x 1000; 10 MiB / 10 s / 2 pods x 1000 */
	assert_float_equal(mm.control.vcpu_per_1000_pods, 130, EPS);
	assert_float_equal(mm.control.mibps_per_1000_pods, 500, EPS);
	/* of the mesh's 6 s: sidecar 3, node agent 1, istiod 2 */
	assert_float_equal(mm.control.share, 2.6 / 6, EPS);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	meshmark_print(f, &mm);
	fclose(f);
	assert_non_null(strstr(buf, "control: 130 vCPU, 500 MiB/s per 1000 pods (2 pods; control plane 2.000 s, config 0.6 s of CPU; 43.3% of the mesh's CPU)"));
	free(buf);
	meshmark_free(&mm);

	/* Compare: of the workload's CPU overhead, 0.6 - 0.2 s per 1000
	 * requests; the control plane's 2.6 s is 0.13 of them. */
	base_run(&base);
	assert_int_equal(meshmark_compare(&base, &mesh, NULL, &mm), 0);
	assert_float_equal(mm.control.share, 0.13 / 0.4, EPS);
	assert_float_equal(mm.control.vcpu_per_1000_pods, 130, EPS);
	meshmark_free(&mm);
	run_free(&mesh);

	/* Without a profile only the control plane's own CPU counts. */
	control_run(&mesh, false);
	assert_int_equal(meshmark_single(&mesh, NULL, &mm), 0);
	assert_true(isnan(mm.control.config_seconds));
	assert_float_equal(mm.control.cpu_seconds, 2, EPS);
	assert_true(has_note(&mm, "config CPU needs a CPU profile"));
	meshmark_free(&mm);
	run_free(&mesh);

	/* No pods served: no figure per 1000 pods, said so. */
	mesh_run(&mesh);
	assert_int_equal(meshmark_single(&mesh, NULL, &mm), 0);
	assert_int_equal(mm.control.pods, 0);
	assert_true(isnan(mm.control.vcpu_per_1000_pods));
	assert_true(has_note(&mm, "no pods served on this node"));
	meshmark_free(&mm);
	run_free(&mesh);
	run_free(&base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single),
		cmocka_unit_test(test_single_assigned_capacity),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_compare_zero_baseline),
		cmocka_unit_test(test_identical_is_100),
		cmocka_unit_test(test_missing_classes),
		cmocka_unit_test(test_compare_latency_unknown),
		cmocka_unit_test(test_all_overhead),
		cmocka_unit_test(test_weights_effect),
		cmocka_unit_test(test_weights_parse),
		cmocka_unit_test(test_requests_unknown),
		cmocka_unit_test(test_clamped),
		cmocka_unit_test(test_unavailable_probes),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_control),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
