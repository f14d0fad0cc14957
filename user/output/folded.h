/* SPDX-License-Identifier: GPL-2.0 */
/* The CPU profile as folded stacks: the input of flamegraph.pl and
 * speedscope. */
#ifndef MESHPROF_FOLDED_H
#define MESHPROF_FOLDED_H

#include <stddef.h>
#include <stdio.h>
#include "run.h"

/* "component;category;frame;...;leaf count" lines of every process's
 * stacks, rooted at its component's name (else its comm). */
int folded_print(FILE *f, const struct run *run);
/* The same into @path, whole or not at all; -1 with a message. */
int folded_write(const struct run *run, const char *path, char *err,
		 size_t err_len);

#endif
