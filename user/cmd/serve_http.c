// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <microhttpd.h>
#include "clock.h"
#include "dynlib.h"
#include "serve_http.h"

/* Bounds on what clients may take: Prometheus needs one connection and
 * a few hundred bytes of request. */
#define MAX_CONNS 32
#define CONN_TIMEOUT_S 10
#define CONN_MEMORY (16 * 1024)	/* request line and headers */

#define TEXT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define OM_TYPE "application/openmetrics-text; version=1.0.0; charset=utf-8"

struct http_server {
	struct MHD_Daemon *d;
	pthread_mutex_t lock;
	char *text, *om;
	size_t text_len, om_len;
	double published;	/* monotonic seconds; 0: never */
	double stale_s;
};

/* libmicrohttpd, loaded when serve starts (dynlib.h). */
static struct {
	__typeof__(MHD_start_daemon) *start_daemon;
	__typeof__(MHD_stop_daemon) *stop_daemon;
	__typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
	__typeof__(MHD_add_response_header) *add_response_header;
	__typeof__(MHD_queue_response) *queue_response;
	__typeof__(MHD_destroy_response) *destroy_response;
	__typeof__(MHD_lookup_connection_value) *lookup_connection_value;
} mhd;

static const struct dynlib_fn mhd_fns[] = {
	{ "MHD_start_daemon", (void **)&mhd.start_daemon },
	{ "MHD_stop_daemon", (void **)&mhd.stop_daemon },
	{ "MHD_create_response_from_buffer", (void **)&mhd.create_response_from_buffer },
	{ "MHD_add_response_header", (void **)&mhd.add_response_header },
	{ "MHD_queue_response", (void **)&mhd.queue_response },
	{ "MHD_destroy_response", (void **)&mhd.destroy_response },
	{ "MHD_lookup_connection_value", (void **)&mhd.lookup_connection_value },
};

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status,
			     const char *type, const char *body, size_t len,
			     bool allow)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = mhd.create_response_from_buffer(len, (void *)body,
					    MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (allow)
		mhd.add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = mhd.queue_response(c, status, r);
	mhd.destroy_response(r);
	return ret;
}

static enum MHD_Result error(struct MHD_Connection *c, unsigned int status,
			     const char *msg)
{
	return reply(c, status, "text/plain; charset=utf-8", msg, strlen(msg),
		     status == MHD_HTTP_METHOD_NOT_ALLOWED);
}

static bool wants_openmetrics(struct MHD_Connection *c)
{
	const char *accept = mhd.lookup_connection_value(c, MHD_HEADER_KIND,
							 MHD_HTTP_HEADER_ACCEPT);

	return accept && strstr(accept, "application/openmetrics-text");
}

static enum MHD_Result metrics(struct http_server *h, struct MHD_Connection *c)
{
	bool om = wants_openmetrics(c);
	enum MHD_Result ret;

	pthread_mutex_lock(&h->lock);
	if (!h->published)
		ret = error(c, MHD_HTTP_SERVICE_UNAVAILABLE,
			    "no read of the kernel's maps yet\n");
	else
		ret = reply(c, MHD_HTTP_OK, om ? OM_TYPE : TEXT_TYPE,
			    om ? h->om : h->text, om ? h->om_len : h->text_len,
			    false);
	pthread_mutex_unlock(&h->lock);
	return ret;
}

static enum MHD_Result healthz(struct http_server *h, struct MHD_Connection *c)
{
	double published;

	pthread_mutex_lock(&h->lock);
	published = h->published;
	pthread_mutex_unlock(&h->lock);
	if (!published)
		return error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "starting\n");
	if (mono_s() - published > h->stale_s)
		return error(c, MHD_HTTP_SERVICE_UNAVAILABLE,
			     "no read of the kernel's maps lately\n");
	return error(c, MHD_HTTP_OK, "ok\n");
}

/* A GET or HEAD has no body: one announced is refused before it is read. */
static bool has_body(struct MHD_Connection *c)
{
	const char *len = mhd.lookup_connection_value(c, MHD_HEADER_KIND,
						      MHD_HTTP_HEADER_CONTENT_LENGTH);
	const char *te = mhd.lookup_connection_value(c, MHD_HEADER_KIND,
					MHD_HTTP_HEADER_TRANSFER_ENCODING);

	return te || (len && strcmp(len, "0"));
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *upload_data,
			      size_t *upload_data_size, void **req)
{
	struct http_server *h = cls;

	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return error(c, MHD_HTTP_METHOD_NOT_ALLOWED,
			     "only GET and HEAD\n");
	if (has_body(c))
		return error(c, MHD_HTTP_CONTENT_TOO_LARGE,
			     "a request body is not accepted\n");
	if (!strcmp(url, "/metrics"))
		return metrics(h, c);
	if (!strcmp(url, "/healthz"))
		return healthz(h, c);
	return error(c, MHD_HTTP_NOT_FOUND, "not found: try /metrics\n");
}

/* "ADDR:PORT" or "[ADDR]:PORT" into @ss; -1 when it is neither. */
static int parse_listen(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	const char *colon = strrchr(s, ':');
	char host[64], *end;
	unsigned long port;
	size_t hlen;

	if (!colon || !colon[1])
		return -1;
	port = strtoul(colon + 1, &end, 10);
	if (*end || port > 65535 || colon[1] < '0' || colon[1] > '9')
		return -1;
	hlen = colon - s;
	if (hlen >= 2 && s[0] == '[' && s[hlen - 1] == ']') {
		s++;
		hlen -= 2;
	}
	if (hlen >= sizeof(host))
		return -1;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		return 0;
	}
	return -1;
}

int http_start(struct http_server **hp, const char *listen, double stale_s,
	       char *err, size_t err_len)
{
	struct http_server *h = calloc(1, sizeof(*h));
	struct sockaddr_storage ss;
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;

	*hp = h;
	if (!h) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	pthread_mutex_init(&h->lock, NULL);
	h->stale_s = stale_s;
	if (parse_listen(listen, &ss)) {
		snprintf(err, err_len, "invalid --listen '%s' (ADDR:PORT or [ADDR]:PORT)",
			 listen);
		return -1;
	}
	if (dynlib_load("libmicrohttpd.so.12", mhd_fns,
			sizeof(mhd_fns) / sizeof(mhd_fns[0]), err, err_len))
		return -1;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	h->d = mhd.start_daemon(flags, 0, NULL, NULL, handle, h,
				MHD_OPTION_SOCK_ADDR, &ss,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)MAX_CONNS,
				MHD_OPTION_CONNECTION_TIMEOUT,
				(unsigned int)CONN_TIMEOUT_S,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT,
				(size_t)CONN_MEMORY,
				MHD_OPTION_END);
	if (!h->d) {
		snprintf(err, err_len, "cannot listen on %s: %s", listen,
			 strerror(errno));
		return -1;
	}
	return 0;
}

void http_publish(struct http_server *h, char *text, size_t text_len,
		  char *om, size_t om_len)
{
	char *old_text, *old_om;

	pthread_mutex_lock(&h->lock);
	old_text = h->text;
	old_om = h->om;
	h->text = text;
	h->text_len = text_len;
	h->om = om;
	h->om_len = om_len;
	h->published = mono_s();
	pthread_mutex_unlock(&h->lock);
	free(old_text);
	free(old_om);
}

void http_stop(struct http_server *h)
{
	if (!h)
		return;
	if (h->d)
		mhd.stop_daemon(h->d);
	pthread_mutex_destroy(&h->lock);
	free(h->text);
	free(h->om);
	free(h);
}
