/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The HTTP side of `meshprof serve` (libmicrohttpd, in its own thread):
 * GET or HEAD of /metrics and /healthz, served from the exposition the
 * collecting thread last published, so clients never wait on collection
 * and collection never waits on clients.
 */
#ifndef MESHPROF_SERVE_HTTP_H
#define MESHPROF_SERVE_HTTP_H

#include <stddef.h>

struct http_server;

/* Listens on @listen ("ADDR:PORT", "[V6ADDR]:PORT"). /healthz says 503
 * once nothing was published for @stale_s seconds. -1 with a reason. */
int http_start(struct http_server **hp, const char *listen, double stale_s,
	       char *err, size_t err_len);
/* Replaces the exposition: @text (text format 0.0.4) and @om
 * (OpenMetrics), both malloc'ed and then owned by the server. */
void http_publish(struct http_server *h, char *text, size_t text_len,
		  char *om, size_t om_len);
void http_stop(struct http_server *h);

#endif
