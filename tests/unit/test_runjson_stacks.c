// SPDX-License-Identifier: GPL-2.0
/* Unit tests for user/output/runjson_stacks.c: the folded stacks of a run
 * survive the JSON unchanged, and broken "stacks" blocks are refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "runjson.h"

static void add_proc(struct run *run, uint32_t pid)
{
	struct process *p = run_add_process(run);

	assert_non_null(p);
	p->pid = pid;
	snprintf(p->comm, sizeof(p->comm), "proc%u", pid);
}

static void make_run(struct run *run)
{
	memset(run, 0, sizeof(*run));
	run->seconds = 1;
	run->cpus = 2;		/* the reader checks it (docs/json.md) */
	run->profile.hz = 99;
	snprintf(run->probe_sched, sizeof(run->probe_sched), "tp_btf");
	snprintf(run->probe_sock, sizeof(run->probe_sock), "tp_btf");
	add_proc(run, 10);
	add_proc(run, 11);	/* no stacks: not in the block */
	add_proc(run, 12);
	assert_int_equal(process_add_stack(&run->procs[0],
		"main;SSL_read;aesni_gcm_encrypt", 7, CAT_TLS), 0);
	assert_int_equal(process_add_stack(&run->procs[0],
		"main;http_parser_execute", 3, CAT_HTTP), 0);
	assert_int_equal(process_add_stack(&run->procs[0], "", 1,
					   CAT_UNKNOWN), 0);
	assert_int_equal(process_add_stack(&run->procs[2],
		"main;tcp_sendmsg_[k];ip_output_[k]", 5, CAT_KNET), 0);
	process_merge_stacks(&run->procs[0]);
	process_merge_stacks(&run->procs[2]);
}

static char tmp[64];

static void write_json(struct json_object *root)
{
	char err[256];

	snprintf(tmp, sizeof(tmp), "/tmp/test_stacks.%d.json", getpid());
	assert_int_equal(json_write_file(root, tmp, err, sizeof(err)), 0);
}

static void test_round_trip(void **state)
{
	struct run run, back;
	struct json_object *root, *st, *frames;
	char err[256];

	make_run(&run);
	root = run_to_json(&run);
	assert_true(json_object_object_get_ex(root, "stacks", &st));
	assert_true(json_object_object_get_ex(st, "frames", &frames));
	/* "main" is written once for both processes */
	assert_int_equal(json_object_array_length(frames), 6);
	write_json(root);
	json_object_put(root);
	assert_int_equal(run_read_json(&back, tmp, err, sizeof(err)), 0);
	unlink(tmp);
	assert_int_equal(back.nprocs, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(back.procs[i].nstacks, run.procs[i].nstacks);
		for (size_t j = 0; j < run.procs[i].nstacks; j++) {
			const struct stack_count *a = &run.procs[i].stacks[j];
			const struct stack_count *b = &back.procs[i].stacks[j];

			assert_string_equal(a->frames, b->frames);
			assert_int_equal(a->samples, b->samples);
			assert_int_equal(a->category, b->category);
		}
	}
	run_free(&run);
	run_free(&back);
}

static void test_no_profile_no_block(void **state)
{
	struct run run;
	struct json_object *root, *st;

	make_run(&run);
	run.profile.hz = 0;
	root = run_to_json(&run);
	assert_false(json_object_object_get_ex(root, "stacks", &st));
	json_object_put(root);
	run_free(&run);
}

/* A valid run whose "stacks" is replaced by @block must be refused with
 * an error that names @what. */
static void refused(const char *block, const char *what)
{
	struct run run, back;
	struct json_object *root;
	char err[256] = "";

	make_run(&run);
	root = run_to_json(&run);
	json_object_object_add(root, "stacks", json_tokener_parse(block));
	write_json(root);
	json_object_put(root);
	assert_int_not_equal(run_read_json(&back, tmp, err, sizeof(err)), 0);
	unlink(tmp);
	if (!strstr(err, what))
		fail_msg("error \"%s\" does not name %s", err, what);
	run_free(&run);
}

static void test_broken(void **state)
{
	refused("{\"frames\": [\"a\"]}", "processes");
	refused("{\"frames\": [\"a\"], \"processes\": [{\"process\": 9, \"folded\": []}]}",
		"process is not in processes");
	refused("{\"frames\": [\"a\"], \"processes\": [{\"process\": 0, \"folded\": [\"3 tls 0;1\"]}]}",
		"frame ids");
	refused("{\"frames\": [\"a\"], \"processes\": [{\"process\": 0, \"folded\": [\"3 nosuch 0\"]}]}",
		"unknown category");
	refused("{\"frames\": [\"a\"], \"processes\": [{\"process\": 0, \"folded\": [\"x tls 0\"]}]}",
		"SAMPLES CATEGORY IDS");
	refused("{\"frames\": [\"a;b\"], \"processes\": []}", "frames[0]");
	refused("{\"frames\": [\"a\"], \"processes\": [{\"process\": 0, \"folded\": [\"3 tls 0;\"]}]}",
		"frame ids");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_no_profile_no_block),
		cmocka_unit_test(test_broken),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
