// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "cpucat.h"

/* The latest record of @pid: a reused pid's newest holder. */
static struct process *latest(const struct run *run, uint32_t pid)
{
	for (size_t i = run->nprocs; i-- > 0;)
		if (run->procs[i].pid == pid)
			return &run->procs[i];
	return NULL;
}

void cpucat_fold(struct run *run, const struct cpu_profile *cp)
{
	for (size_t i = 0; i < cp->nprocs; i++) {
		const struct profile_proc *pp = &cp->procs[i];
		struct process *p = latest(run, pp->tgid);

		if (!p)
			continue;
		p->m.cpu_samples += pp->samples;
		for (int c = 0; c < CAT_MAX; c++)
			p->m.cat_samples[c] += pp->by_category[c];
	}
	run->profile_hz = cp->frequency_hz;
	memcpy(run->profile_drops, cp->drops, sizeof(run->profile_drops));
	run->profile_cfi = cp->cfi_on;
	run->cfi_samples = cp->cfi;
	run->cfi_complete = cp->cfi_complete;
	run->symbolized_share = cp->frames ?
		(double)cp->frames_symbolized / cp->frames : 0;
}

/* The kernel-net total includes its sub-buckets. */
static uint64_t samples_in(const struct metrics *m, enum cpu_category c)
{
	uint64_t n = m->cat_samples[c];

	if (c != CAT_KNET)
		return n;
	for (int k = 0; k < CAT_MAX; k++)
		if (k != CAT_KNET && category_parent(k) == CAT_KNET)
			n += m->cat_samples[k];
	return n;
}

double cpucat_share(const struct metrics *m, enum cpu_category c)
{
	return m->cpu_samples ? (double)samples_in(m, c) / m->cpu_samples : 0;
}

double cpucat_seconds(const struct metrics *m, enum cpu_category c)
{
	return cpucat_share(m, c) * m->cpu_ns / 1e9;
}

struct namer {
	const struct run *run;
};

static const char *component_name(void *arg, pid_t tgid)
{
	const struct namer *n = arg;
	const struct process *p = latest(n->run, tgid);

	if (!p || p->component < 0)
		return NULL;
	return n->run->comps[p->component].name;
}

int cpucat_write_folded(const struct run *run, const struct cpu_profile *cp,
			const char *path, char *err, size_t err_len)
{
	struct namer n = { run };
	FILE *f = fopen(path, "w");
	int rc;

	if (!f) {
		snprintf(err, err_len, "%s: cannot write: %s", path, strerror(errno));
		return -1;
	}
	rc = profile_write_folded(f, cp, component_name, &n);
	if (fclose(f) || rc) {
		snprintf(err, err_len, "%s: write failed", path);
		return -1;
	}
	return 0;
}
