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
/* Reads and validates a run; on error "FILE: what is wrong" in @err. */
int run_read_json(struct run *run, const char *path, char *err,
		  size_t err_len);

#endif
