// SPDX-License-Identifier: GPL-2.0
/*
 * Answers of Prometheus's API as meshprof query reads them
 * (query/promanswer.c), then a whole run built with the input as the
 * answer to every question (query/promrun.c): labels, values and
 * histogram bounds of any shape.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "promrun.h"

struct input {
	const char *data;
	size_t size;
};

static int answer(void *ctx, const char *name, const char *expr, double time,
		  struct prom_vector *out, char *err, size_t err_len)
{
	const struct input *in = ctx;

	return prom_answer_parse(in->data, in->size, out, err, err_len) ? -1 : 0;
}

/* A message is one line, and says something. */
static void check_message(const char *err)
{
	if (!*err || strchr(err, '\n'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { (const char *)data, size };
	struct prom_window w = { .start = 1e9, .end = 1e9 + 30,
				 .by_node = size & 1 };
	struct prom_vector v;
	struct run run = { 0 };
	char err[1024] = "";

	if (prom_answer_parse(in.data, size, &v, err, sizeof(err))) {
		check_message(err);
	} else {
		for (size_t i = 0; i < v.n; i++)
			if (!isfinite(v.samples[i].value))
				abort();
		prom_vector_free(&v);
	}
	err[0] = '\0';
	if (prom_run_build(&run, &w, answer, &in, err, sizeof(err))) {
		check_message(err);
		return 0;
	}
	if (!run.ncomps || !run.nnodes || run.seconds != 30)
		abort();
	run_free(&run);
	return 0;
}
