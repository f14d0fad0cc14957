// SPDX-License-Identifier: GPL-2.0
/* The lab's pushed configuration: rendered, parsed, applied (config.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "push.h"

#define MAX_ENDPOINTS 8

struct cluster {
	char *name;
	const char *lb;
	unsigned long timeout_ms, max_requests;
	struct sockaddr_in ep[MAX_ENDPOINTS];
	int nep;
};

struct route {
	char *name, *prefix, *cluster;
	unsigned long timeout_ms, retries;
	const struct cluster *to;
};

struct config {
	char *text;			/* a copy, cut into the fields */
	struct cluster *clusters;
	size_t nclusters, ccap;
	struct route *routes;
	size_t nroutes, rcap;
};

/* One service's two lines: its cluster and its route. */
static int render_service(char *p, size_t room, uint64_t version,
			  const char *pod, unsigned int i)
{
	return snprintf(p, room,
		"cluster outbound|8080||svc-%05u.ns-%03u.svc.cluster.local v=%" PRIu64
		" lb=%s connect_timeout_ms=%u max_requests=%u"
		" endpoints=198.18.%u.%u:8080,198.18.%u.%u:8080,198.18.%u.%u:8080\n"
		"route %s-r%05u v=%" PRIu64 " prefix=/api/v1/svc-%05u/"
		" cluster=outbound|8080||svc-%05u.ns-%03u.svc.cluster.local"
		" timeout_ms=%u retries=%u\n",
		i, i % 997, version, i % 3 ? "round_robin" : "least_request",
		1000 + i % 7, 1024 << (i % 4),
		2 + i % 200, 1 + i % 250, 2 + (i + 1) % 200, 1 + (i + 7) % 250,
		2 + (i + 2) % 200, 1 + (i + 13) % 250,
		pod, i, version, i, i, i % 997, 15000 + i % 5, i % 3);
}

void meshlab_config_render(char *buf, size_t len, uint64_t version,
			   const char *pod)
{
	char line[1024];
	size_t at = 0;
	unsigned int i = 0;
	int n;

	/* Whole services while they fit, then a comment to the exact size. */
	for (;; i++) {
		n = render_service(line, sizeof(line), version, pod, i);
		if (at + n + 2 > len)
			break;
		memcpy(buf + at, line, n);
		at += n;
	}
	if (at < len) {
		memset(buf + at, '#', len - at);
		buf[len - 1] = '\n';
	}
}

static char *next_token(char **p)
{
	char *tok;

	*p += strspn(*p, " ");
	if (!**p)
		return NULL;
	tok = *p;
	*p += strcspn(*p, " ");
	if (**p)
		*(*p)++ = '\0';
	return tok;
}

static int parse_ulong(const char *s, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno || !*s || *end ? -1 : 0;
}

static int parse_endpoints(char *list, struct cluster *c)
{
	char *ep, *save = NULL;

	for (ep = strtok_r(list, ",", &save); ep; ep = strtok_r(NULL, ",", &save)) {
		char *colon = strrchr(ep, ':');
		unsigned long port;

		if (c->nep == MAX_ENDPOINTS || !colon)
			return -1;
		*colon = '\0';
		c->ep[c->nep].sin_family = AF_INET;
		if (inet_pton(AF_INET, ep, &c->ep[c->nep].sin_addr) != 1 ||
		    parse_ulong(colon + 1, &port) || port > 65535)
			return -1;
		c->ep[c->nep++].sin_port = htons(port);
	}
	return c->nep ? 0 : -1;
}

/* key=value of a cluster line. */
static int cluster_field(struct cluster *c, const char *key, char *val)
{
	unsigned long v;

	if (!strcmp(key, "lb")) {
		c->lb = !strcmp(val, "round_robin") ? "roundrobin" :
			!strcmp(val, "least_request") ? "leastconn" : NULL;
		return c->lb ? 0 : -1;
	}
	if (!strcmp(key, "connect_timeout_ms"))
		return parse_ulong(val, &c->timeout_ms);
	if (!strcmp(key, "max_requests"))
		return parse_ulong(val, &c->max_requests);
	if (!strcmp(key, "endpoints"))
		return parse_endpoints(val, c);
	return strcmp(key, "v") ? -1 : parse_ulong(val, &v);
}

static int route_field(struct route *r, const char *key, char *val)
{
	unsigned long v;

	if (!strcmp(key, "prefix"))
		r->prefix = val;
	else if (!strcmp(key, "cluster"))
		r->cluster = val;
	else if (!strcmp(key, "timeout_ms"))
		return parse_ulong(val, &r->timeout_ms);
	else if (!strcmp(key, "retries"))
		return parse_ulong(val, &r->retries);
	else
		return strcmp(key, "v") ? -1 : parse_ulong(val, &v);
	return 0;
}

static int parse_fields(char **p, void *obj, bool cluster)
{
	char *tok, *eq;

	while ((tok = next_token(p))) {
		eq = strchr(tok, '=');
		if (!eq)
			return -1;
		*eq = '\0';
		if (cluster ? cluster_field(obj, tok, eq + 1) :
			      route_field(obj, tok, eq + 1))
			return -1;
	}
	return 0;
}

static void *grow(void **arr, size_t *n, size_t *cap, size_t size)
{
	void *p;

	if (*n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 256;

		p = realloc(*arr, ncap * size);
		if (!p)
			return NULL;
		*arr = p;
		*cap = ncap;
	}
	p = (char *)*arr + (*n)++ * size;
	memset(p, 0, size);
	return p;
}

static int parse_line(struct config *cfg, char *line)
{
	char *kind = next_token(&line), *name = next_token(&line);
	struct cluster *c;
	struct route *r;

	if (!kind || kind[0] == '#')
		return 0;
	if (!name)
		return -1;
	if (!strcmp(kind, "cluster")) {
		c = grow((void **)&cfg->clusters, &cfg->nclusters, &cfg->ccap,
			 sizeof(*c));
		if (!c)
			return -1;
		c->name = name;
		return parse_fields(&line, c, true) || !c->lb ? -1 : 0;
	}
	if (strcmp(kind, "route"))
		return -1;
	r = grow((void **)&cfg->routes, &cfg->nroutes, &cfg->rcap, sizeof(*r));
	if (!r)
		return -1;
	r->name = name;
	return parse_fields(&line, r, false) || !r->prefix || !r->cluster ?
	       -1 : 0;
}

struct config *meshlab_config_parse(const char *text, size_t len, char *err,
				    size_t err_len)
{
	struct config *cfg = calloc(1, sizeof(*cfg));
	char *line, *save = NULL;
	int n = 0;

	if (!cfg || !(cfg->text = malloc(len + 1))) {
		free(cfg);
		snprintf(err, err_len, "out of memory");
		return NULL;
	}
	memcpy(cfg->text, text, len);
	cfg->text[len] = '\0';
	for (line = strtok_r(cfg->text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		n++;
		if (parse_line(cfg, line)) {
			snprintf(err, err_len, "line %d: malformed", n);
			meshlab_config_free(cfg);
			return NULL;
		}
	}
	return cfg;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct cluster *)a)->name,
		      ((const struct cluster *)b)->name);
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		h = (h ^ *b++) * 1099511628211ULL;
	return h;
}

/* The proxy's view: a backend per cluster, routes in front of them. */
static int render_applied(const struct config *cfg, FILE *out)
{
	char addr[INET_ADDRSTRLEN];

	for (size_t i = 0; i < cfg->nclusters; i++) {
		const struct cluster *c = &cfg->clusters[i];

		fprintf(out, "backend %s\n\tbalance %s\n\ttimeout connect %lums\n",
			c->name, c->lb, c->timeout_ms);
		for (int e = 0; e < c->nep; e++)
			fprintf(out, "\tserver e%d %s:%u maxconn %lu\n", e,
				inet_ntop(AF_INET, &c->ep[e].sin_addr, addr,
					  sizeof(addr)),
				ntohs(c->ep[e].sin_port), c->max_requests);
	}
	for (size_t i = 0; i < cfg->nroutes; i++) {
		const struct route *r = &cfg->routes[i];

		fprintf(out, "use_backend %s if { path_beg %s } # %s %lums x%lu\n",
			r->to->name, r->prefix, r->name, r->timeout_ms,
			r->retries);
	}
	return ferror(out) ? -1 : 0;
}

int meshlab_config_apply(struct config *cfg, const char *path, uint64_t *hash,
			 char *err, size_t err_len)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out;
	int ret;

	qsort(cfg->clusters, cfg->nclusters, sizeof(*cfg->clusters), by_name);
	for (size_t i = 0; i < cfg->nroutes; i++) {
		struct cluster key = { .name = cfg->routes[i].cluster };

		cfg->routes[i].to = bsearch(&key, cfg->clusters, cfg->nclusters,
					    sizeof(key), by_name);
		if (!cfg->routes[i].to) {
			snprintf(err, err_len, "route %s: no cluster %s",
				 cfg->routes[i].name, key.name);
			return -1;
		}
	}
	out = open_memstream(&text, &len);
	if (!out || render_applied(cfg, out)) {
		if (out)
			fclose(out);
		free(text);
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	fclose(out);
	*hash = fnv(14695981039346656037ULL, text, len);
	ret = write_file(path, text, len);
	if (ret)
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
	free(text);
	return ret;
}

void meshlab_config_free(struct config *cfg)
{
	if (!cfg)
		return;
	free(cfg->clusters);
	free(cfg->routes);
	free(cfg->text);
	free(cfg);
}
