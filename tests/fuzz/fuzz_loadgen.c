// SPDX-License-Identifier: GPL-2.0
/* Load generator reports (record --loadgen, attribute/workload.c),
 * mutated one field at a time (json_mutator.c). */
#include "fuzz.h"
#include <math.h>
#include <stdio.h>
#include "workload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size), err[512];
	struct run run = { 0 };

	if (!text)
		abort();
	if (!workload_parse_loadgen(&run, text, size, "fuzz.json", err,
				    sizeof(err)) &&
	    (!isfinite(run.latency_p50_s) || run.latency_p99_s < 0 ||
	     run.load_seconds < 0))
		abort();
	free(text);
	return 0;
}
