/* SPDX-License-Identifier: GPL-2.0 */
/* Growable arrays: one way to append, shared by every list meshprof keeps. */
#ifndef MESHPROF_ARRAY_H
#define MESHPROF_ARRAY_H

#include <stddef.h>

/*
 * Appends one zeroed element of @size to *@arr, which holds *@len elements
 * and has room for *@cap, doubling the room when it is full. Returns the
 * new element, or NULL (the array unchanged) when memory runs out.
 */
void *array_push(void **arr, size_t *len, size_t *cap, size_t size);

#endif
