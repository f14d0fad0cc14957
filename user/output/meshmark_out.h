/* SPDX-License-Identifier: GPL-2.0 */
/* The MUEs and MeshMark of a run or a comparison, as JSON and as text. */
#ifndef MESHPROF_MESHMARK_OUT_H
#define MESHPROF_MESHMARK_OUT_H

#include <stdio.h>
#include "derived.h"

struct json_object;

/* The "meshmark" block of meshprof's JSON (docs/meshmark.md). */
struct json_object *meshmark_to_json(const struct meshmark *mm);
/* The "mue" block: every MUE of the mode by name, its value in [0, 1], or
 * null when it could not be computed. */
struct json_object *mue_to_json(const struct meshmark *mm);
/* The breakdown by class and MUE, where the cost went, and the figures to
 * set beside published ones. */
void meshmark_print(FILE *out, const struct meshmark *mm);

#endif
