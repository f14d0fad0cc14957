// SPDX-License-Identifier: GPL-2.0
/* MeshMark weight specs (--weights, score/weights.c). */
#include "fuzz.h"
#include <math.h>
#include <stdio.h>
#include "weights.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mm_weights w = { 0 };
	char *spec = fuzz_string(data, size), err[256];

	if (!spec)
		return 0;
	if (!mm_weights_parse(&w, spec, err, sizeof(err)))
		for (int m = 0; m < MM_MUE_MAX; m++)
			if (!(w.w[m] >= MM_WEIGHT_MIN && w.w[m] <= MM_WEIGHT_MAX))
				abort();
	free(spec);
	return 0;
}
