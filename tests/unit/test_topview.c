// SPDX-License-Identifier: GPL-2.0
/* Unit tests for user/output/topview.c: the live view's lines fit the
 * screen, sort, filter and expand, and tell too few samples apart. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "derive.h"
#include "topview.h"

static struct component *add(struct run *run, const char *name,
			     enum role role, double vcpu, uint64_t samples)
{
	struct component *c = run_add_component(run);
	struct process *p = run_add_process(run);

	assert_non_null(c);
	assert_non_null(p);
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(c->id, sizeof(c->id), "host/%s", name);
	c->role = role;
	c->mesh = role == ROLE_SIDECAR ? MESH_ISTIO : MESH_NONE;
	c->m.cpu_ns = vcpu * run->seconds * 1e9;
	c->m.cpu_samples = samples;
	c->m.cat_samples[CAT_TLS] = samples / 4;
	c->m.cat_samples[CAT_OTHER] = samples - samples / 4;
	c->m.vol_switches = 100;
	p->pid = 100 + run->nprocs;
	snprintf(p->comm, sizeof(p->comm), "%.10s", name);
	p->component = run->ncomps - 1;
	p->m = c->m;
	return c;
}

static void make_run(struct run *run)
{
	memset(run, 0, sizeof(*run));
	run->seconds = 2;
	run->cpus = 2;
	run->profile.hz = 49;
	snprintf(run->hostname, sizeof(run->hostname), "node-1");
	add(run, "zeta-sidecar", ROLE_SIDECAR, 0.30, 400);
	add(run, "alpha", ROLE_APP, 0.50, 500);
	add(run, "mid-sidecar", ROLE_SIDECAR, 0.10, 5);	/* too few */
	run_derive(run, NULL);
}

static const struct top_status st = { .interval_s = 2, .window = "last 2.0 s" };

/* The component names of the rows, in order, ","-joined. */
static void rows(const struct top_lines *l, char *out, size_t len)
{
	bool table = false;

	out[0] = '\0';
	for (size_t i = 0; i < l->n; i++) {
		const char *t = l->lines[i].text;

		if (!strncmp(t, "COMPONENT", 9)) {
			table = true;
			continue;
		}
		if (!table || t[0] == ' ' || l->lines[i].style == TOP_HEAD)
			continue;
		snprintf(out + strlen(out), len - strlen(out), "%s%.*s",
			 out[0] ? "," : "", (int)strcspn(t, " "), t);
	}
}

static void test_fits_and_sorts(void **state)
{
	struct top_view v = { .sort = TOP_VCPU, .width = 80, .height = 24 };
	struct top_lines l;
	struct run run;
	char order[256];

	make_run(&run);
	assert_int_equal(topview_render(&run, &v, &st, &l), 0);
	assert_true(l.n <= 24);
	for (size_t i = 0; i < l.n; i++)
		assert_true(strlen(l.lines[i].text) <= 80);
	rows(&l, order, sizeof(order));
	assert_string_equal(order, "alpha,zeta-sidecar,mid-sidecar");
	top_lines_free(&l);

	v.sort = TOP_NAME;
	assert_int_equal(topview_render(&run, &v, &st, &l), 0);
	rows(&l, order, sizeof(order));
	assert_string_equal(order, "alpha,mid-sidecar,zeta-sidecar");
	top_lines_free(&l);

	v.reverse = true;
	assert_int_equal(topview_render(&run, &v, &st, &l), 0);
	rows(&l, order, sizeof(order));
	assert_string_equal(order, "zeta-sidecar,mid-sidecar,alpha");
	top_lines_free(&l);
	run_free(&run);
}

static void test_filter_expand(void **state)
{
	struct top_view v = { .sort = TOP_NAME, .width = 120, .height = 30 };
	struct top_lines l;
	struct run run;
	char order[256];
	bool proc = false;

	make_run(&run);
	snprintf(v.filter, sizeof(v.filter), "role=sidecar");
	assert_int_equal(topview_render(&run, &v, &st, &l), 0);
	rows(&l, order, sizeof(order));
	assert_string_equal(order, "mid-sidecar,zeta-sidecar");
	assert_int_equal(l.rows, 2);
	top_lines_free(&l);

	snprintf(v.filter, sizeof(v.filter), "role=sidecar zeta");
	topview_toggle_expand(&v, "host/zeta-sidecar");
	assert_int_equal(topview_render(&run, &v, &st, &l), 0);
	for (size_t i = 0; i < l.n; i++)
		proc |= !strncmp(l.lines[i].text, " 101 zeta-sidec ", 16);
	assert_true(proc);
	top_lines_free(&l);
	topview_toggle_expand(&v, "host/zeta-sidecar");
	assert_int_equal(v.nexpanded, 0);
	run_free(&run);
}

/* A split of few samples is not told: '.' and "few" on screen, null in
 * JSON; one of many samples is, with its interval. */
static void test_few_samples(void **state)
{
	struct top_view v = { .sort = TOP_NAME };
	struct json_object *o, *comps, *split;
	struct top_lines l;
	struct run run;
	bool few = false;

	make_run(&run);
	assert_int_equal(topview_render(&run, &v, &st, &l), 0);
	for (size_t i = 0; i < l.n; i++)
		if (!strncmp(l.lines[i].text, "mid-sidecar", 11))
			few = strstr(l.lines[i].text, " few ") &&
			      strstr(l.lines[i].text, "    . ");
	assert_true(few);
	top_lines_free(&l);
	o = topview_json(&run, &st);
	assert_true(json_object_object_get_ex(o, "components", &comps));
	for (size_t i = 0; i < json_object_array_length(comps); i++) {
		struct json_object *c = json_object_array_get_idx(comps, i), *n;

		json_object_object_get_ex(c, "name", &n);
		json_object_object_get_ex(c, "split", &split);
		if (!strcmp(json_object_get_string(n), "mid-sidecar")) {
			assert_null(split);
		} else {
			struct json_object *tls, *share, *margin;

			assert_non_null(split);
			json_object_object_get_ex(split, "tls", &tls);
			json_object_object_get_ex(tls, "share", &share);
			json_object_object_get_ex(tls, "margin", &margin);
			assert_float_equal(json_object_get_double(share), 0.25, 0.01);
			assert_true(json_object_get_double(margin) > 0.01 &&
				    json_object_get_double(margin) < 0.06);
		}
	}
	json_object_put(o);
	run_free(&run);
}

/* The same stack in two processes of a component is one line. */
static void test_stacks_pane(void **state)
{
	struct top_view v = { .sort = TOP_NAME, .width = 100, .height = 30,
			      .stacks = true };
	struct top_lines l;
	struct run run;
	struct process *p;
	int hits = 0;

	make_run(&run);
	p = run_add_process(&run);
	p->component = 0;	/* zeta-sidecar's second process */
	assert_int_equal(process_add_stack(&run.procs[0], "main;SSL_write", 3, CAT_TLS), 0);
	assert_int_equal(process_add_stack(p, "main;SSL_write", 1, CAT_TLS), 0);
	assert_int_equal(process_add_stack(p, "main;poll", 4, CAT_SCHED), 0);
	snprintf(v.filter, sizeof(v.filter), "zeta");
	assert_int_equal(topview_render(&run, &v, &st, &l), 0);
	for (size_t i = 0; i < l.n; i++) {
		hits += !strcmp(l.lines[i].text, " 50.0% tls         main;SSL_write");
		hits += !strcmp(l.lines[i].text, " 50.0% sched       main;poll");
		hits += !strncmp(l.lines[i].text, "top stacks of zeta-sidecar: 8 samples", 37);
	}
	assert_int_equal(hits, 3);
	top_lines_free(&l);
	run_free(&run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fits_and_sorts),
		cmocka_unit_test(test_filter_expand),
		cmocka_unit_test(test_few_samples),
		cmocka_unit_test(test_stacks_pane),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
