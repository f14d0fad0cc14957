// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include "folded.h"
#include "outfile.h"

/* ';' separates frames: a name holding one is written with ':'. */
static void put_root(FILE *f, const char *name)
{
	for (; *name; name++)
		fputc(*name == ';' ? ':' : *name, f);
}

static void print_process(FILE *f, const struct run *run,
			  const struct process *p)
{
	const char *root = p->component >= 0 ? run->comps[p->component].name :
			   p->comm;

	for (size_t j = 0; j < p->nstacks; j++) {
		const struct stack_count *st = &p->stacks[j];

		if (root[0])
			put_root(f, root);
		else
			fprintf(f, "[pid %u]", p->pid);
		fprintf(f, ";%s%s%s %llu\n", category_name(st->category),
			st->frames[0] ? ";" : "", st->frames,
			(unsigned long long)st->samples);
	}
}

int folded_print(FILE *f, const struct run *run)
{
	for (size_t i = 0; i < run->nprocs; i++)
		print_process(f, run, &run->procs[i]);
	return ferror(f) ? -1 : 0;
}

static int print_run(FILE *f, const void *run)
{
	return folded_print(f, run);
}

int folded_write(const struct run *run, const char *path, char *err,
		 size_t err_len)
{
	return outfile_print(path, print_run, run, err, err_len);
}
