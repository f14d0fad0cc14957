/* SPDX-License-Identifier: GPL-2.0 */
/* How sure a CPU profile's shares are: each with its 95% interval. */
#ifndef MESHPROF_SHARES_H
#define MESHPROF_SHARES_H

#include <stdint.h>
#include "metrics.h"

/* @k of @n samples as a share with its Wilson 95% half-width; a share of
 * no samples is 0 +- 1 (nothing is known). */
struct share share_of(uint64_t k, uint64_t n);
/* Fills @m's cat_share and group_share from its samples. */
void shares_derive(struct metrics *m);

#endif
