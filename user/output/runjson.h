/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MESHPROF_RUNJSON_H
#define MESHPROF_RUNJSON_H

#include <stddef.h>
#include "run.h"

#define RUN_SCHEMA "meshprof.run/1"

struct json_object;
struct json_piece;
struct json_scan;

struct json_object *run_to_json(const struct run *run);
/* Writes @root (pretty) to @path, whole or not at all (outfile.h);
 * "FILE: cannot write: why" on error. */
int json_write_file(struct json_object *root, const char *path, char *err,
		    size_t err_len);
/* The run's folded stacks (docs/json.md "stacks"); NULL when it has none
 * or memory runs out. */
struct json_object *stacks_to_json(const struct run *run);
/*
 * Adds the stacks of @v, the run's "stacks" member in @scan's text, to
 * the processes of @run (read first), a process's stacks at a time; the
 * names they expand to take at most *@budget bytes, which is lowered. -1
 * with "FILE: stacks...: what is wrong" in @err.
 */
int stacks_from_json(struct run *run, const struct json_scan *scan,
		     const struct json_piece *v, size_t *budget,
		     const char *file, char *err, size_t err_len);
/* The largest run file read; docs/json.md gives the memory it may take. */
#define RUN_JSON_MAX (256u << 20)

/*
 * Reads and validates a run, reading @path once (a FIFO works); on error
 * "FILE: what is wrong" in @err.
 */
int run_read_json(struct run *run, const char *path, char *err,
		  size_t err_len);
/* The same from @text, @len bytes followed by a NUL; @name is the file's
 * name in messages. */
int run_read_json_text(struct run *run, const char *text, size_t len,
		       const char *name, char *err, size_t err_len);

#endif
