/* SPDX-License-Identifier: GPL-2.0 */
/* The request path through the node, hop by hop, from per-component
 * latency histograms. */
#ifndef MESHPROF_WATERFALL_H
#define MESHPROF_WATERFALL_H

#include "run.h"

/*
 * The dominant path: the app that waited for most responses (client), the
 * app that served most (server), and the proxies with dwell times between
 * them: the client's sidecar, node proxies, the server's sidecar. Returns
 * -1 when there is no client or server to anchor a path.
 */
int waterfall_build(const struct run *run, struct waterfall *w);

#endif
