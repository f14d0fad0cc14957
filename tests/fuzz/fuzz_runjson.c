// SPDX-License-Identifier: GPL-2.0
/*
 * Runs as report and diff read them (output/runjson_read.c), and what
 * they do with a run the reader accepts: derive, print the table, write
 * SMP and JSON, compare it with itself. Mutated one field at a time
 * (json_mutator.c).
 */
#include "fuzz.h"
#include <math.h>
#include <stdio.h>
#include <json-c/json.h>
#include "commands.h"
#include "derive.h"
#include "meshmark.h"
#include "meshmark_out.h"
#include "runjson.h"
#include "smp.h"

static FILE *devnull;

/* What report and diff make of a run that was read. */
static void use(struct run *run, struct run *again)
{
	struct meshmark mm = { 0 };
	struct json_object *o;

	run_derive(run, NULL);
	run_derive(again, NULL);
	print_run(devnull, run);
	o = smp_json(run, isnan(run->mm.score) ? NULL : &run->mm);
	json_object_to_json_string(o);
	json_object_put(o);
	o = run_to_json(run);
	json_object_to_json_string(o);
	json_object_put(o);
	if (!meshmark_compare(again, run, NULL, &mm)) {
		meshmark_print(devnull, &mm);
		o = meshmark_to_json(&mm);
		json_object_put(o);
		o = smp_json(run, &mm);
		json_object_put(o);
	}
	meshmark_free(&mm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size), err[512];
	struct run run, again;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	if (!text || !devnull)
		abort();
	if (!run_read_json_text(&run, text, size, "fuzz.json", err, sizeof(err))) {
		if (run_read_json_text(&again, text, size, "fuzz.json", err,
				       sizeof(err)))
			abort();
		use(&run, &again);
		run_free(&again);
		run_free(&run);
	}
	free(text);
	return 0;
}
