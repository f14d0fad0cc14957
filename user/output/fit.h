/* SPDX-License-Identifier: GPL-2.0 */
/* Text output that fits the terminal it goes to. */
#ifndef MESHPROF_FIT_H
#define MESHPROF_FIT_H

#include <stddef.h>
#include <stdio.h>

/* Columns of the terminal @f writes to; 0 when it is not one. */
int terminal_width(FILE *f);
/*
 * Prints the lines of @text within @width columns: a table's line (one
 * with columns: two blanks in a row after its indent) is cut at a blank,
 * any other line is wrapped at blanks with an indent of two.
 */
void fit_print(FILE *out, const char *text, size_t len, int width);

#endif
