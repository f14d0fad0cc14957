// SPDX-License-Identifier: GPL-2.0
/*
 * meshlab-load: the mesh lab's HTTP/1.1 load generator.
 *
 * Constant-rate mode (the default) works like fortio: --rps requests per
 * second spread evenly over --conns keep-alive connections, one thread per
 * connection, each sending on its own schedule and catching up when late.
 * Latency is measured from the moment a request is sent, as fortio does.
 * --closed sends each connection's next request as soon as the previous
 * answer is in. Results are JSON with SMP-style names.
 *
 * Latencies go into a per-thread log-linear histogram: exact to 1 us below
 * 2.048 ms, then 1024 sub-buckets per power of two (< 0.1% error).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "common.h"

#define HIST_LINEAR 2048			/* exact 1 us buckets */
#define HIST_SUB 1024				/* sub-buckets per octave */
#define HIST_OCTAVES 19				/* up to 2^30 us (18 min) */
#define HIST_BUCKETS (HIST_LINEAR + HIST_OCTAVES * HIST_SUB)
#define HIST_MAX_US ((1ULL << 30) - 1)

#define RESP_HDR_LEN 16384
#define BODY_BUF_LEN 65536
#define MAX_CONNS 256
#define SLEEP_SLICE_NS (100 * NSEC_PER_MSEC)

struct hist {
	uint64_t counts[HIST_BUCKETS];
	uint64_t n;
	uint64_t sum_ns;
	uint64_t min_ns;
	uint64_t max_ns;
};

enum err_kind { ERR_CONNECT, ERR_TIMEOUT, ERR_STATUS, ERR_IO, ERR_MAX };
static const char *const err_names[ERR_MAX] = {
	"connect", "timeout", "http_status", "io",
};

struct worker {
	pthread_t th;
	unsigned int id;
	struct conn c;
	struct hist hist;
	uint64_t requests;
	uint64_t errors[ERR_MAX];
	uint64_t bytes;
	char *buf;		/* RESP_HDR_LEN + BODY_BUF_LEN */
};

struct opts {
	struct sockaddr_in addr;
	char host[256];
	const char *path;
	bool tls;
	double rps;
	uint64_t conns;
	double duration_s;
	bool closed;
	const char *json;
	const char *cert;
	const char *key;
	const char *ca;
	const char *server_name;
	uint64_t timeout_ms;
	uint64_t max_requests;
	const char *url;
};

static struct opts opts = {
	.rps = 100,
	.conns = 8,
	.duration_s = 10,
	.timeout_ms = 5000,
};
static SSL_CTX *tls_ctx;
static char request[2048];
static size_t request_len;
static uint64_t start_ns, end_ns, interval_ns;
static atomic_int_fast64_t budget;	/* --requests left; <0 unlimited */
static volatile sig_atomic_t stopping;

static void usage(void)
{
	fprintf(stderr,
		"usage: meshlab-load --url http[s]://IP:PORT/PATH [--rps N] [--conns C]\n"
		"       [--duration S] [--closed] [--requests N] [--json FILE]\n"
		"       [--cert PEM --key PEM] [--ca PEM] [--server-name NAME]\n"
		"       [--timeout-ms MS]\n"
		"  constant rate by default (--rps over --conns connections);\n"
		"  --closed: each connection sends as fast as answers come back.\n");
	exit(2);
}

/* "http[s]://A.B.C.D[:PORT][/path]": the lab never needs DNS. */
static void parse_url(const char *url)
{
	const char *p = url, *slash, *colon;
	char addr[300];
	size_t hlen;

	opts.url = url;
	if (!strncmp(p, "https://", 8)) {
		opts.tls = true;
		p += 8;
	} else if (!strncmp(p, "http://", 7)) {
		p += 7;
	} else {
		die("meshlab-load: bad --url %s (want http[s]://IP:PORT/PATH)", url);
	}
	slash = strchr(p, '/');
	opts.path = slash ? slash : "/";
	hlen = slash ? (size_t)(slash - p) : strlen(p);
	if (hlen == 0 || hlen >= sizeof(opts.host))
		die("meshlab-load: bad host in --url %s", url);
	memcpy(opts.host, p, hlen);
	opts.host[hlen] = '\0';
	colon = strchr(opts.host, ':');
	snprintf(addr, sizeof(addr), "%s%s", opts.host,
		 colon ? "" : opts.tls ? ":443" : ":80");
	if (parse_addr(addr, &opts.addr))
		die("meshlab-load: --url host must be IPv4:PORT, got %s", opts.host);
}

static void parse_opts(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "rps", required_argument, NULL, 'r' },
		{ "conns", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "closed", no_argument, NULL, 'C' },
		{ "requests", required_argument, NULL, 'n' },
		{ "json", required_argument, NULL, 'j' },
		{ "cert", required_argument, NULL, 'e' },
		{ "key", required_argument, NULL, 'k' },
		{ "ca", required_argument, NULL, 'a' },
		{ "server-name", required_argument, NULL, 's' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *url = NULL;
	int o;

	while ((o = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (o) {
		case 'u': url = optarg; break;
		case 'r':
			if (parse_double(optarg, 0.001, 1e7, &opts.rps))
				die("meshlab-load: bad --rps %s", optarg);
			break;
		case 'c':
			if (parse_u64(optarg, 1, MAX_CONNS, &opts.conns))
				die("meshlab-load: bad --conns %s (1..%d)", optarg,
				    MAX_CONNS);
			break;
		case 'd':
			if (parse_double(optarg, 0.001, 86400, &opts.duration_s))
				die("meshlab-load: bad --duration %s", optarg);
			break;
		case 'C': opts.closed = true; break;
		case 'n':
			if (parse_u64(optarg, 1, UINT32_MAX, &opts.max_requests))
				die("meshlab-load: bad --requests %s", optarg);
			break;
		case 'j': opts.json = optarg; break;
		case 'e': opts.cert = optarg; break;
		case 'k': opts.key = optarg; break;
		case 'a': opts.ca = optarg; break;
		case 's': opts.server_name = optarg; break;
		case 't':
			if (parse_u64(optarg, 1, 600000, &opts.timeout_ms))
				die("meshlab-load: bad --timeout-ms %s", optarg);
			break;
		default:
			usage();
		}
	}
	if (!url || optind != argc)
		usage();
	parse_url(url);
	if (opts.cert && !opts.tls)
		die("meshlab-load: --cert needs an https:// --url");
}

static unsigned int hist_index(uint64_t us)
{
	unsigned int m;

	if (us < HIST_LINEAR)
		return us;
	if (us > HIST_MAX_US)
		us = HIST_MAX_US;
	/* m: how far to shift @us so that it falls in [1024, 2048). */
	m = 63 - __builtin_clzll(us) - 10;
	return HIST_LINEAR + (m - 1) * HIST_SUB + (us >> m) - HIST_SUB;
}

/* Middle of bucket @i, in microseconds. */
static double hist_value_us(unsigned int i)
{
	unsigned int j, m;

	if (i < HIST_LINEAR)
		return i + 0.5;
	j = i - HIST_LINEAR;
	m = j / HIST_SUB + 1;
	return (double)((uint64_t)(j % HIST_SUB + HIST_SUB) << m) +
	       (double)(1ULL << m) / 2;
}

static void hist_record(struct hist *h, uint64_t ns)
{
	h->counts[hist_index(ns / NSEC_PER_USEC)]++;
	if (h->n == 0 || ns < h->min_ns)
		h->min_ns = ns;
	if (ns > h->max_ns)
		h->max_ns = ns;
	h->n++;
	h->sum_ns += ns;
}

static void hist_merge(struct hist *dst, const struct hist *src)
{
	unsigned int i;

	if (src->n == 0)
		return;
	for (i = 0; i < HIST_BUCKETS; i++)
		dst->counts[i] += src->counts[i];
	if (dst->n == 0 || src->min_ns < dst->min_ns)
		dst->min_ns = src->min_ns;
	if (src->max_ns > dst->max_ns)
		dst->max_ns = src->max_ns;
	dst->n += src->n;
	dst->sum_ns += src->sum_ns;
}

/* Nearest-rank percentile in ms, clamped to the exact min and max. */
static double hist_percentile_ms(const struct hist *h, double pct)
{
	uint64_t rank, seen = 0;
	double us = 0;
	unsigned int i;

	if (h->n == 0)
		return 0;
	rank = (uint64_t)ceil(pct / 100.0 * h->n);
	if (rank < 1)
		rank = 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->counts[i];
		if (seen >= rank) {
			us = hist_value_us(i);
			break;
		}
	}
	us = fmax(us, h->min_ns / 1e3);
	us = fmin(us, h->max_ns / 1e3);
	return us / 1e3;
}

static int tls_connect(struct conn *c)
{
	const char *name = opts.server_name ? opts.server_name : NULL;

	c->ssl = SSL_new(tls_ctx);
	if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1)
		return -1;
	if (name) {
		SSL_set_tlsext_host_name(c->ssl, name);
		if (SSL_set1_host(c->ssl, name) != 1)
			return -1;
	}
	return SSL_connect(c->ssl) == 1 ? 0 : -1;
}

static int conn_open(struct conn *c)
{
	int one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* On Linux SO_SNDTIMEO bounds connect() too. */
	set_timeouts(c->fd, opts.timeout_ms);
	if (connect(c->fd, (struct sockaddr *)&opts.addr, sizeof(opts.addr)) ||
	    (tls_ctx && tls_connect(c))) {
		conn_close(c);
		return -1;
	}
	return 0;
}

static enum err_kind io_error_kind(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK ? ERR_TIMEOUT : ERR_IO;
}

struct resp_head {
	size_t header_len;
	size_t have;		/* bytes read so far, header included */
	uint64_t body_len;
	int status;
	bool close;
};

/* Read and parse the status line and headers. 0, or -1 with errno set. */
static int read_head(struct worker *w, struct resp_head *rh)
{
	char *end = NULL, *cl;
	ssize_t n;

	rh->have = 0;
	while (!end) {
		if (rh->have == RESP_HDR_LEN) {
			errno = EPROTO;
			return -1;
		}
		errno = 0;
		n = conn_read(&w->c, w->buf + rh->have, RESP_HDR_LEN - rh->have);
		if (n <= 0) {
			if (n == 0 && errno == 0)
				errno = ECONNRESET;
			return -1;
		}
		rh->have += n;
		end = memmem(w->buf, rh->have, "\r\n\r\n", 4);
	}
	rh->header_len = end + 4 - w->buf;
	*end = '\0';	/* the header is now a string: strcasestr is safe */
	if (sscanf(w->buf, "HTTP/1.%*d %d", &rh->status) != 1) {
		errno = EPROTO;
		return -1;
	}
	cl = strcasestr(w->buf, "\r\nContent-Length:");
	if (!cl || sscanf(cl + 17, " %llu",
			  (unsigned long long *)&rh->body_len) != 1) {
		errno = EPROTO;	/* chunked answers never come from the lab */
		return -1;
	}
	rh->close = strcasestr(w->buf, "\r\nConnection: close") != NULL;
	return 0;
}

static int read_body(struct worker *w, const struct resp_head *rh)
{
	uint64_t left = rh->body_len;
	size_t extra = rh->have - rh->header_len;
	ssize_t n;

	if (extra > left) {
		errno = EPROTO;	/* bytes beyond the body: nothing was pipelined */
		return -1;
	}
	left -= extra;
	while (left > 0) {
		errno = 0;
		n = conn_read(&w->c, w->buf + RESP_HDR_LEN,
			      left < BODY_BUF_LEN ? left : BODY_BUF_LEN);
		if (n <= 0) {
			if (n == 0 && errno == 0)
				errno = ECONNRESET;
			return -1;
		}
		left -= n;
	}
	w->bytes += rh->header_len + rh->body_len;
	return 0;
}

/*
 * One exchange on an open connection. Returns 0, -1 with errno set for an
 * I/O error, or -2 when the connection was found closed before any answer
 * (a stale keep-alive connection, which HTTP clients retry).
 */
static int exchange(struct worker *w, struct resp_head *rh)
{
	if (conn_write_all(&w->c, request, request_len))
		return -2;
	if (read_head(w, rh))
		return rh->have == 0 && errno != EAGAIN && errno != EWOULDBLOCK ?
		       -2 : -1;
	return read_body(w, rh);
}

/* Send one request (reconnecting when needed); 0 or an error kind + 1. */
static int do_request(struct worker *w)
{
	struct resp_head rh = { 0 };
	bool fresh = false;
	int rc;

	if (w->c.fd < 0) {
		if (conn_open(&w->c))
			return ERR_CONNECT + 1;
		fresh = true;
	}
	rc = exchange(w, &rh);
	if (rc == -2 && !fresh) {
		conn_close(&w->c);
		if (conn_open(&w->c))
			return ERR_CONNECT + 1;
		rc = exchange(w, &rh);
	}
	if (rc) {
		rc = io_error_kind() + 1;
		conn_close(&w->c);
		return rc;
	}
	if (rh.close)
		conn_close(&w->c);
	if (rh.status < 200 || rh.status > 399)
		return ERR_STATUS + 1;
	return 0;
}

/* Take one request from the --requests budget; false when it is spent. */
static bool take_budget(void)
{
	if (atomic_load(&budget) < 0)
		return true;
	return atomic_fetch_sub(&budget, 1) > 0;
}

/* Sleep until @t in slices, so that a signal stops a slow schedule too. */
static void pace_until(uint64_t t)
{
	uint64_t now;

	while (!stopping && (now = now_ns()) < t)
		sleep_until_ns(t - now > SLEEP_SLICE_NS ? now + SLEEP_SLICE_NS : t);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint64_t next = start_ns + interval_ns * w->id / opts.conns;
	uint64_t t0;
	int rc;

	pace_until(start_ns);
	/* Each pass either advances @next or checks the clock: both end. */
	while (!stopping) {
		if (!opts.closed) {
			if (next >= end_ns)
				break;
			pace_until(next);
			next += interval_ns;
		} else if (now_ns() >= end_ns) {
			break;
		}
		if (stopping || !take_budget())
			break;
		t0 = now_ns();
		rc = do_request(w);
		w->requests++;
		if (!rc) {
			hist_record(&w->hist, now_ns() - t0);
			continue;
		}
		w->errors[rc - 1]++;
		/* A closed loop would spin on a dead server: back off a bit. */
		if (opts.closed)
			pace_until(now_ns() + 10 * NSEC_PER_MSEC);
	}
	conn_close(&w->c);
	return NULL;
}

static void build_request(void)
{
	int n = snprintf(request, sizeof(request),
			 "GET %s HTTP/1.1\r\n"
			 "Host: %s\r\n"
			 "User-Agent: meshlab-load\r\n"
			 "Accept: */*\r\n"
			 "\r\n", opts.path, opts.host);

	if (n < 0 || (size_t)n >= sizeof(request))
		die("meshlab-load: URL too long");
	request_len = n;
}

/* The v2 (or first) cgroup path of this process, for the report. */
static void read_own_cgroup(char *out, size_t len)
{
	FILE *f = fopen("/proc/self/cgroup", "r");
	char line[1024], first[1024] = "";
	char *p;
	int i;

	snprintf(out, len, "%s", "");
	if (!f)
		return;
	for (i = 0; i < 64 && fgets(line, sizeof(line), f); i++) {
		line[strcspn(line, "\n")] = '\0';
		p = strchr(line, ':');
		p = p ? strchr(p + 1, ':') : NULL;
		if (!p)
			continue;
		if (!strncmp(line, "0::", 3)) {
			snprintf(out, len, "%s", p + 1);
			break;
		}
		if (!first[0])
			snprintf(first, sizeof(first), "%s", p + 1);
	}
	fclose(f);
	if (!out[0])
		snprintf(out, len, "%s", first);
}

struct totals {
	struct hist hist;
	uint64_t requests;
	uint64_t errors[ERR_MAX];
	uint64_t nr_errors;
	uint64_t bytes;
	double duration_s;
};

static void sum_workers(struct worker *ws, struct totals *t)
{
	unsigned int i, k;

	for (i = 0; i < opts.conns; i++) {
		hist_merge(&t->hist, &ws[i].hist);
		t->requests += ws[i].requests;
		t->bytes += ws[i].bytes;
		for (k = 0; k < ERR_MAX; k++) {
			t->errors[k] += ws[i].errors[k];
			t->nr_errors += ws[i].errors[k];
		}
	}
}

/* JSON-escape the few strings we print (paths and URLs). */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void write_json(FILE *f, const struct totals *t)
{
	const struct hist *h = &t->hist;
	char cg[1024];
	unsigned int k;

	read_own_cgroup(cg, sizeof(cg));
	fprintf(f, "{\n  \"tool\": \"meshlab-load\",\n  \"url\": ");
	json_str(f, opts.url);
	fprintf(f, ",\n  \"mode\": \"%s\",\n", opts.closed ? "closed" : "constant");
	fprintf(f, "  \"requested_qps\": %.3f,\n", opts.closed ? 0 : opts.rps);
	fprintf(f, "  \"connections\": %llu,\n", (unsigned long long)opts.conns);
	fprintf(f, "  \"actual_qps\": %.3f,\n",
		t->duration_s > 0 ? t->requests / t->duration_s : 0);
	fprintf(f, "  \"requests\": %llu,\n", (unsigned long long)t->requests);
	fprintf(f, "  \"errors\": %llu,\n", (unsigned long long)t->nr_errors);
	fprintf(f, "  \"duration_seconds\": %.3f,\n", t->duration_s);
	fprintf(f, "  \"latencies_ms\": {\"min\": %.3f, \"average\": %.3f, "
		"\"p50\": %.3f, \"p90\": %.3f, \"p99\": %.3f, \"p999\": %.3f, "
		"\"max\": %.3f},\n",
		h->min_ns / 1e6, h->n ? h->sum_ns / 1e6 / h->n : 0,
		hist_percentile_ms(h, 50), hist_percentile_ms(h, 90),
		hist_percentile_ms(h, 99), hist_percentile_ms(h, 99.9),
		h->max_ns / 1e6);
	fprintf(f, "  \"error_kinds\": {");
	for (k = 0; k < ERR_MAX; k++)
		fprintf(f, "%s\"%s\": %llu", k ? ", " : "", err_names[k],
			(unsigned long long)t->errors[k]);
	fprintf(f, "},\n  \"bytes_received\": %llu,\n  \"cgroup\": ",
		(unsigned long long)t->bytes);
	json_str(f, cg);
	fprintf(f, "\n}\n");
}

static void print_summary(const struct totals *t)
{
	const struct hist *h = &t->hist;

	printf("meshlab-load: %.1f rps (%s), %llu requests, %llu errors, "
	       "%.1f s; latency ms: p50 %.3f p90 %.3f p99 %.3f max %.3f\n",
	       t->duration_s > 0 ? t->requests / t->duration_s : 0,
	       opts.closed ? "closed loop" : "constant rate",
	       (unsigned long long)t->requests,
	       (unsigned long long)t->nr_errors, t->duration_s,
	       hist_percentile_ms(h, 50), hist_percentile_ms(h, 90),
	       hist_percentile_ms(h, 99), h->max_ns / 1e6);
}

static void report(struct worker *ws, uint64_t t_end)
{
	struct totals *t = calloc(1, sizeof(*t));
	FILE *f;

	if (!t)
		die("meshlab-load: out of memory");
	sum_workers(ws, t);
	t->duration_s = (t_end - start_ns) / 1e9;
	if (!opts.json) {
		write_json(stdout, t);
		free(t);
		return;
	}
	f = fopen(opts.json, "w");
	if (!f)
		die("meshlab-load: cannot write %s: %s", opts.json,
		    strerror(errno));
	write_json(f, t);
	if (fclose(f))
		die("meshlab-load: cannot write %s", opts.json);
	print_summary(t);
	free(t);
}

static void on_signal(int sig)
{
	stopping = 1;
}

static void setup(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Wake-ups within a microsecond or so keep the schedule honest. */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	if (opts.tls)
		tls_ctx = tls_ctx_new(false, opts.cert, opts.key, opts.ca);
	if (tls_ctx && !opts.ca)
		SSL_CTX_set_default_verify_paths(tls_ctx);
	build_request();
	atomic_store(&budget, opts.max_requests ? (int64_t)opts.max_requests : -1);
	interval_ns = (uint64_t)(opts.conns * 1e9 / opts.rps);
	if (interval_ns == 0)
		interval_ns = 1;
}

int main(int argc, char **argv)
{
	struct worker *ws;
	unsigned int i;

	parse_opts(argc, argv);
	setup();
	ws = calloc(opts.conns, sizeof(*ws));
	if (!ws)
		die("meshlab-load: out of memory");
	/* Connect first, so that the measured window starts warm. */
	for (i = 0; i < opts.conns; i++) {
		ws[i].id = i;
		ws[i].c.fd = -1;
		ws[i].buf = malloc(RESP_HDR_LEN + BODY_BUF_LEN);
		if (!ws[i].buf)
			die("meshlab-load: out of memory");
		conn_open(&ws[i].c);
	}
	start_ns = now_ns() + 10 * NSEC_PER_MSEC;
	end_ns = start_ns + (uint64_t)(opts.duration_s * 1e9);
	for (i = 0; i < opts.conns; i++)
		if (pthread_create(&ws[i].th, NULL, worker_main, &ws[i]))
			die("meshlab-load: cannot start thread %u", i);
	for (i = 0; i < opts.conns; i++)
		pthread_join(ws[i].th, NULL);
	report(ws, now_ns());
	return 0;
}
