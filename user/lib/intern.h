/* SPDX-License-Identifier: GPL-2.0 */
/* Interned strings: one copy of each, alive until the table is freed. */
#ifndef MESHPROF_INTERN_H
#define MESHPROF_INTERN_H

#define INTERN_BUCKETS 1024

struct interned;

struct intern_table {
	struct interned *buckets[INTERN_BUCKETS];
};

/* The table's copy of @s; NULL when out of memory. */
const char *intern(struct intern_table *t, const char *s);
void intern_free(struct intern_table *t);

#endif
