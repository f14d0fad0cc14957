/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A run, or a comparison of two, as one self-contained HTML page: the
 * page's script and style are built into meshprof, the data is the run's
 * JSON, and nothing is fetched when it is opened (docs/html.md).
 */
#ifndef MESHPROF_HTML_H
#define MESHPROF_HTML_H

#include <stddef.h>
#include "run.h"

struct json_object;

/* The run's JSON with its MUEs and MeshMark, as record -o writes it. */
struct json_object *run_document(const struct run *run);
/* Writes the page of @run (derived) to @path; -1 with "PATH: reason". */
int html_write_run(const struct run *run, const char *path, char *err,
		   size_t err_len);
/* The page of a comparison: @mm of @mesh (derived) against the baseline
 * named @bname; the mesh run's details below it. */
int html_write_diff(const struct run *mesh, const struct meshmark *mm,
		    const char *bname, const char *mname, const char *path,
		    char *err, size_t err_len);

#endif
