// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for user/query/: a run made from Prometheus's answers,
 * recorded over the mesh lab with two nodes (tests/fixtures/
 * prom_two_nodes.json, remade by prom_two_nodes.sh). Components summed
 * across nodes are the sums of the nodes' own, histograms merged by
 * bucket, and both agree with the answers read directly.
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

#include "promrun.h"

#define FIXTURE "tests/fixtures/prom_two_nodes.json"

static struct json_object *fixture;

/* What a test changes in the answers before the run is built. */
struct recording {
	void (*edit)(const char *name, struct prom_vector *v);
};

static struct json_object *answer_of(const char *name)
{
	struct json_object *answers, *a;

	json_object_object_get_ex(fixture, "answers", &answers);
	return json_object_object_get_ex(answers, name, &a) ? a : NULL;
}

static double fixture_number(const char *key)
{
	struct json_object *v;

	assert_true(json_object_object_get_ex(fixture, key, &v));
	return json_object_get_double(v);
}

/* cmocka's assert_float_equal() compares floats: too coarse for times
 * since the epoch. */
static void assert_near(double a, double b, double eps)
{
	if (fabs(a - b) > eps)
		fail_msg("%.9f is not %.9f within %g", a, b, eps);
}

static int replay(void *ctx, const char *name, const char *expr, double time,
		  struct prom_vector *out, char *err, size_t err_len)
{
	const struct recording *r = ctx;
	struct json_object *a = answer_of(name);
	size_t len;
	const char *text;

	/* every question is asked at the window's end */
	assert_near(time, fixture_number("end"), 1e-6);
	if (!a) {
		snprintf(err, err_len, "no answer to %s", name);
		return -1;
	}
	text = json_object_to_json_string_length(a, JSON_C_TO_STRING_PLAIN, &len);
	if (prom_answer_parse(text, len, out, err, err_len))
		return -1;
	if (r && r->edit)
		r->edit(name, out);
	return 0;
}

static int build(struct run *run, bool by_node, const struct recording *r,
		 char *err, size_t err_len)
{
	struct json_object *m;
	struct prom_window w = {
		.start = fixture_number("start"),
		.end = fixture_number("end"),
		.by_node = by_node,
	};

	json_object_object_get_ex(fixture, "match", &m);
	w.match = json_object_get_string(m);
	int rc;

	memset(run, 0, sizeof(*run));
	rc = prom_run_build(run, &w, replay, (void *)r, err, err_len);
	if (rc)
		fprintf(stderr, "prom_run_build: %s\n", err);
	return rc;
}

static int setup(void **state)
{
	fixture = json_object_from_file(FIXTURE);
	if (!fixture)
		fprintf(stderr, "%s: cannot read it (run from the top of the tree)\n",
			FIXTURE);
	return fixture ? 0 : -1;
}

static int teardown(void **state)
{
	json_object_put(fixture);
	return 0;
}

static const struct component *find(const struct run *run, const char *id)
{
	for (size_t i = 0; i < run->ncomps; i++)
		if (!strcmp(run->comps[i].id, id))
			return &run->comps[i];
	return NULL;
}

/* Each histogram slot of @c is those of @a and @b, give or take the one
 * observation that splitting an odd count over two slots moves. */
static void assert_merged(const struct latency_hist *c,
			  const struct latency_hist *a,
			  const struct latency_hist *b)
{
	assert_int_equal(c->count, a->count + b->count);
	assert_int_equal(c->sum_ns, a->sum_ns + b->sum_ns);
	for (uint32_t s = 0; c->count && s < LAT_SLOTS; s++) {
		int64_t want = (a->slots ? a->slots[s] : 0) +
			       (b->slots ? b->slots[s] : 0);

		assert_true(llabs((int64_t)c->slots[s] - want) <= 1);
	}
}

/* Every component summed across nodes is node-a's plus node-b's. */
static void test_cluster_sums_nodes(void **state)
{
	struct run cluster, nodes;
	char err[512], id[COMPONENT_ID_LEN + 32];
	size_t measured = 0;

	assert_int_equal(build(&cluster, false, NULL, err, sizeof(err)), 0);
	assert_int_equal(build(&nodes, true, NULL, err, sizeof(err)), 0);
	assert_true(cluster.ncomps >= 3);
	assert_int_equal(nodes.ncomps, 2 * cluster.ncomps);
	for (size_t i = 0; i < cluster.ncomps; i++) {
		const struct component *c = &cluster.comps[i], *a, *b;

		snprintf(id, sizeof(id), "node/node-a/%s", c->id);
		a = find(&nodes, id);
		snprintf(id, sizeof(id), "node/node-b/%s", c->id);
		b = find(&nodes, id);
		assert_non_null(a);
		assert_non_null(b);
		assert_int_equal(a->role, c->role);
		assert_string_equal(a->pod.container, c->pod.container);
		for (int k = 0; k < NCOUNTERS; k++)
			assert_int_equal(c->m.counter[k],
					 a->m.counter[k] + b->m.counter[k]);
		for (int k = 0; k < MAX_SLOTS; k++)
			assert_int_equal(c->m.runq_hist[k],
					 a->m.runq_hist[k] + b->m.runq_hist[k]);
		for (int k = 0; k < CAT_MAX; k++)
			assert_int_equal(c->m.cat_samples[k],
					 a->m.cat_samples[k] + b->m.cat_samples[k]);
		assert_int_equal(c->m.rss_avg_bytes,
				 a->m.rss_avg_bytes + b->m.rss_avg_bytes);
		for (int k = 0; k < LAT_KINDS; k++) {
			assert_merged(&c->m.lat[k], &a->m.lat[k], &b->m.lat[k]);
			measured += c->m.lat[k].count > 0;
		}
	}
	assert_true(measured >= 4);	/* apps' and sidecars' latency */
	run_free(&cluster);
	run_free(&nodes);
}

/* Label @name of a sample's @metric; "" when it has none, as in PromQL. */
static const char *label_of(struct json_object *metric, const char *name)
{
	struct json_object *v;

	return json_object_object_get_ex(metric, name, &v) ?
	       json_object_get_string(v) : "";
}

/* The sum of the values of @name's samples whose labels match. */
static double answered(const char *name, const char *pod, const char *container,
		       const char *le)
{
	struct json_object *a = answer_of(name), *data, *result;
	double sum = 0;

	assert_non_null(a);
	json_object_object_get_ex(a, "data", &data);
	json_object_object_get_ex(data, "result", &result);
	for (size_t i = 0; i < json_object_array_length(result); i++) {
		struct json_object *s = json_object_array_get_idx(result, i);
		struct json_object *metric, *value;

		json_object_object_get_ex(s, "metric", &metric);
		if (strcmp(label_of(metric, "pod"), pod) ||
		    strcmp(label_of(metric, "container"), container) ||
		    (le && strcmp(label_of(metric, "le"), le)))
			continue;
		json_object_object_get_ex(s, "value", &value);
		sum += atof(json_object_get_string(json_object_array_get_idx(value, 1)));
	}
	return sum;
}

/* The run holds what the answers say, read directly: CPU, bytes, the
 * latency counts of the merged histograms, the nodes, the window. */
static void test_answers_read_directly(void **state)
{
	static const char *const pods[][2] = {
		{ "client", "app" }, { "server", "app" },
		{ "client", "istio-proxy" }, { "server", "istio-proxy" },
	};
	const struct component *kernel;
	struct run run;
	char err[512], id[COMPONENT_ID_LEN], name[64];

	assert_int_equal(build(&run, false, NULL, err, sizeof(err)), 0);
	for (size_t i = 0; i < 4; i++) {
		const struct component *c;

		snprintf(id, sizeof(id), "pod/default/%s/%s", pods[i][0], pods[i][1]);
		c = find(&run, id);
		assert_non_null(c);
		assert_true(c->m.cpu_ns > 0);
		assert_true(llabs((int64_t)c->m.cpu_ns -
				  llround(1e9 * answered("cpu_seconds_total",
							 pods[i][0], pods[i][1],
							 NULL))) <= 2);
		assert_true(llabs((int64_t)(c->m.bytes_sent + c->m.bytes_recv) -
				  llround(answered("socket_bytes_total",
						   pods[i][0], pods[i][1],
						   NULL))) <= 2);
		for (int k = 0; k < LAT_KINDS; k++) {
			snprintf(name, sizeof(name), "latency_seconds_bucket:%s",
				 lat_kind_name(k));
			if (!answer_of(name))
				continue;
			assert_true(llabs((int64_t)c->m.lat[k].count -
					  llround(answered(name, pods[i][0],
							   pods[i][1], "+Inf"))) <= 2);
		}
	}
	kernel = find(&run, "host/kernel");
	assert_non_null(kernel);
	assert_string_equal(kernel->name, "kernel");
	assert_false(kernel->in_pod);
	assert_int_equal(run.nnodes, 2);
	assert_string_equal(run.nodes[0].name, "node-a");
	assert_string_equal(run.nodes[1].name, "node-b");
	assert_int_equal(run.cpus, run.nodes[0].cpus + run.nodes[1].cpus);
	assert_string_equal(run.hostname, "2 nodes");
	assert_near(run.seconds, fixture_number("end") - fixture_number("start"),
		    1e-9);
	assert_int_equal(run.nprocs, 0);
	run_free(&run);
}

/* node-b runs another version of meshprof serve ("node_info:all" holds
 * the nodes when --match names only what components have). */
static void other_version(const char *name, struct prom_vector *v)
{
	if (strncmp(name, "node_info", strlen("node_info")))
		return;
	for (size_t i = 0; i < v->n; i++) {
		struct prom_sample *s = &v->samples[i];

		if (strcmp(prom_label(s, "node"), "node-b"))
			continue;
		for (size_t k = 0; k < s->nlabels; k++) {
			if (strcmp(s->labels[k].name, "version"))
				continue;
			free(s->labels[k].value);
			s->labels[k].value = strdup("0.0-other");
		}
	}
}

static void test_versions_differ(void **state)
{
	struct recording r = { other_version };
	struct run run;
	char err[512];

	assert_int_equal(build(&run, false, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "different meshprof versions"));
	assert_non_null(strstr(err, "0.0-other on node node-b"));
	assert_int_equal(run.ncomps, 0);
}

/* A role this meshprof does not know, with a newline in it. */
static void odd_role(const char *name, struct prom_vector *v)
{
	for (size_t i = 0; i < v->n; i++)
		for (size_t k = 0; k < v->samples[i].nlabels; k++) {
			struct prom_label *l = &v->samples[i].labels[k];

			if (strcmp(l->name, "role"))
				continue;
			free(l->value);
			l->value = strdup("queen\nof hearts");
		}
}

static void test_unknown_label_value(void **state)
{
	struct recording r = { odd_role };
	struct run run;
	char err[512];

	assert_int_equal(build(&run, false, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "role \"queen of hearts\", unknown to this meshprof"));
}

/* Answers as Prometheus gives them, and what is not one. */
static void test_answer_parse(void **state)
{
	static const char ok[] =
		"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		"\"result\":[{\"metric\":{\"a\":\"1\"},\"value\":[1.5,\"2.5\"]},"
		"{\"metric\":{},\"value\":[1.5,\"NaN\"]}]}}\n";
	static const char matrix[] =
		"{\"status\":\"success\",\"data\":"
		"{\"resultType\":\"matrix\",\"result\":[]}}";
	static const char refused[] =
		"{\"status\":\"error\",\"errorType\":\"bad_data\","
		"\"error\":\"1:5: parse\\nerror\"}";
	struct prom_vector v;
	char err[256];

	assert_int_equal(prom_answer_parse(ok, strlen(ok), &v, err, sizeof(err)), 0);
	assert_int_equal(v.n, 1);	/* NaN left out */
	assert_string_equal(prom_label(&v.samples[0], "a"), "1");
	assert_string_equal(prom_label(&v.samples[0], "b"), "");
	assert_float_equal(v.samples[0].value, 2.5, 0);
	prom_vector_free(&v);
	assert_int_equal(prom_answer_parse(refused, strlen(refused), &v, err,
					   sizeof(err)), PROM_ANSWER_REFUSED);
	assert_string_equal(err, "bad_data: 1:5: parse error");
	assert_int_equal(prom_answer_parse(ok, 20, &v, err, sizeof(err)), -1);
	assert_string_equal(err, "not JSON: the answer ends early");
	assert_int_equal(prom_answer_parse("<html>", 6, &v, err, sizeof(err)), -1);
	assert_int_equal(prom_answer_parse(matrix, strlen(matrix), &v, err,
					   sizeof(err)), -1);
	assert_string_equal(err, "expected an instant vector, got matrix");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cluster_sums_nodes),
		cmocka_unit_test(test_answers_read_directly),
		cmocka_unit_test(test_versions_differ),
		cmocka_unit_test(test_unknown_label_value),
		cmocka_unit_test(test_answer_parse),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
