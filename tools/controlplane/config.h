/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The configuration the lab's control plane pushes: clusters with their
 * endpoints and the routes to them, one per line, as text of an exact
 * size. The control plane renders it for each agent, as istiod generates
 * each proxy's; the agent parses, checks and applies it (writes the
 * proxy's configuration file), as pilot-agent and Envoy do. Their
 * functions are named meshlab_config_* so that meshprof's config CPU
 * category knows them (classify/categories.conf).
 */
#ifndef MESHLAB_CONFIG_H
#define MESHLAB_CONFIG_H

#include <stddef.h>
#include <stdint.h>

/* Renders @len bytes of version @version for @pod into @buf. */
void meshlab_config_render(char *buf, size_t len, uint64_t version,
			   const char *pod);

struct config;

/* Parses @len bytes of @text; NULL with a reason in @err. */
struct config *meshlab_config_parse(const char *text, size_t len, char *err,
				    size_t err_len);
/* Checks that every route has its cluster and writes the configuration
 * a proxy would load to @path; its hash in *@hash. -1 with a reason. */
int meshlab_config_apply(struct config *cfg, const char *path, uint64_t *hash,
			 char *err, size_t err_len);
void meshlab_config_free(struct config *cfg);

#endif
