// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include "shares.h"

#define Z95 1.959964

/*
 * Wilson's interval rather than the normal one: it stays honest at 0 and
 * 1 of few samples (a category never hit in 10 samples may still hold a
 * quarter of the time), where p(1-p)/n would claim certainty.
 */
struct share share_of(uint64_t k, uint64_t n)
{
	double p, z2n, half;

	if (!n)
		return (struct share){ 0, 1 };
	p = (double)k / n;
	z2n = Z95 * Z95 / n;
	half = Z95 * sqrt(p * (1 - p) / n + z2n / (4.0 * n)) / (1 + z2n);
	return (struct share){ p, half };
}

void shares_derive(struct metrics *m)
{
	uint64_t group[GROUP_MAX] = {}, cat[CAT_MAX] = {};

	for (int c = 0; c < CAT_MAX; c++) {
		cat[category_parent(c)] += m->cat_samples[c];
		if (category_parent(c) != (enum cpu_category)c)
			cat[c] += m->cat_samples[c];
		group[category_group(c)] += m->cat_samples[c];
	}
	for (int c = 0; c < CAT_MAX; c++)
		m->cat_share[c] = share_of(cat[c], m->cpu_samples);
	for (int g = 0; g < GROUP_MAX; g++)
		m->group_share[g] = share_of(group[g], m->cpu_samples);
}
