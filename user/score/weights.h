/* SPDX-License-Identifier: GPL-2.0 */
/* MeshMark weights from the command line (docs/meshmark.md). */
#ifndef MESHPROF_WEIGHTS_H
#define MESHPROF_WEIGHTS_H

#include <stddef.h>
#include "derived.h"

/*
 * Apply @spec ("cpu_share=0.2,p99=-0.5", values may end in '%') over @w.
 * Returns -1 and a message in @err, leaving @w untouched, for an unknown
 * MUE, a malformed item or number, a repeated name or a value out of
 * MM_WEIGHT_MIN..MM_WEIGHT_MAX. NULL or "" changes nothing.
 */
int mm_weights_parse(struct mm_weights *w, const char *spec, char *err,
		     size_t err_len);

#endif
