/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MESHPROF_RUNJSON_H
#define MESHPROF_RUNJSON_H

#include <stddef.h>
#include "run.h"

#define RUN_SCHEMA "meshprof.run/1"

struct json_object;

struct json_object *run_to_json(const struct run *run);
/* Writes @root (pretty) to @path, whole or not at all (outfile.h);
 * "FILE: cannot write: why" on error. */
int json_write_file(struct json_object *root, const char *path, char *err,
		    size_t err_len);
/* The run's folded stacks (docs/json.md "stacks"); NULL when it has none
 * or memory runs out. */
struct json_object *stacks_to_json(const struct run *run);
/* Adds the stacks of @root, if it has any, to the processes of @run
 * (read first); -1 with "FILE: stacks...: what is wrong" in @err. */
int stacks_from_json(struct run *run, struct json_object *root,
		     const char *file, char *err, size_t err_len);
/* Reads and validates a run; on error "FILE: what is wrong" in @err. */
int run_read_json(struct run *run, const char *path, char *err,
		  size_t err_len);

#endif
