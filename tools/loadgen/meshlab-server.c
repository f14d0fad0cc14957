// SPDX-License-Identifier: GPL-2.0
/*
 * meshlab-server: the mesh lab's HTTP/1.1 application. Every request gets a
 * 200 with a body of --size bytes after --delay-ms of "service time", over
 * plain TCP, TLS or mTLS. One thread per connection: the lab drives a few
 * dozen keep-alive connections, and blocking I/O keeps the code obvious.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
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

#include "common.h"

#define REQ_BUF_LEN 16384
#define MAX_BODY_LEN (64ULL << 20)
#define DISCARD_LEN 65536

struct opts {
	struct sockaddr_in addr;
	uint64_t delay_ns;
	uint64_t size;
	const char *cert;
	const char *key;
	const char *ca;
	uint64_t lifetime_s;
	uint64_t max_conns;
	uint64_t idle_ms;
};

/* A response is built once per kind; threads only read it. */
struct response {
	char *data;
	size_t len;
};

struct req_buf {
	char data[REQ_BUF_LEN];
	size_t len;
};

static struct opts opts = {
	.size = 64,
	.lifetime_s = 86400,
	.max_conns = 1024,
	.idle_ms = 120000,
};
static SSL_CTX *tls_ctx;
static struct response resp_keep, resp_close;
static volatile sig_atomic_t stopping;
static atomic_uint_fast64_t nr_conns_live, nr_conns_total, nr_requests;

static void usage(void)
{
	fprintf(stderr,
		"usage: meshlab-server --listen ADDR:PORT [--delay-ms MS] [--size BYTES]\n"
		"       [--cert PEM --key PEM [--ca PEM]] [--lifetime S] [--max-conns N]\n"
		"  --ca makes the client certificate mandatory (mTLS).\n"
		"  The server exits by itself after --lifetime seconds (default 86400).\n");
	exit(2);
}

static void parse_opts(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "delay-ms", required_argument, NULL, 'd' },
		{ "size", required_argument, NULL, 's' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "ca", required_argument, NULL, 'a' },
		{ "lifetime", required_argument, NULL, 't' },
		{ "max-conns", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool have_addr = false;
	double ms;
	int o;

	while ((o = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (o) {
		case 'l':
			if (parse_addr(optarg, &opts.addr))
				die("meshlab-server: bad --listen %s", optarg);
			have_addr = true;
			break;
		case 'd':
			if (parse_double(optarg, 0, 600000, &ms))
				die("meshlab-server: bad --delay-ms %s", optarg);
			opts.delay_ns = (uint64_t)(ms * NSEC_PER_MSEC);
			break;
		case 's':
			if (parse_u64(optarg, 0, MAX_BODY_LEN, &opts.size))
				die("meshlab-server: bad --size %s", optarg);
			break;
		case 'c': opts.cert = optarg; break;
		case 'k': opts.key = optarg; break;
		case 'a': opts.ca = optarg; break;
		case 't':
			if (parse_u64(optarg, 1, 365 * 86400ULL, &opts.lifetime_s))
				die("meshlab-server: bad --lifetime %s", optarg);
			break;
		case 'm':
			if (parse_u64(optarg, 1, 65536, &opts.max_conns))
				die("meshlab-server: bad --max-conns %s", optarg);
			break;
		default:
			usage();
		}
	}
	if (!have_addr || optind != argc)
		usage();
	if (opts.ca && !opts.cert)
		die("meshlab-server: --ca needs --cert and --key");
}

static struct response build_response(uint64_t size, bool close)
{
	struct response r;
	char hdr[256];
	int n;

	n = snprintf(hdr, sizeof(hdr),
		     "HTTP/1.1 200 OK\r\n"
		     "Server: meshlab-server\r\n"
		     "Content-Type: application/octet-stream\r\n"
		     "Content-Length: %llu\r\n"
		     "%s\r\n",
		     (unsigned long long)size,
		     close ? "Connection: close\r\n" : "");
	r.len = n + size;
	r.data = malloc(r.len);
	if (!r.data)
		die("meshlab-server: out of memory for a %llu byte body",
		    (unsigned long long)size);
	memcpy(r.data, hdr, n);
	memset(r.data + n, 'x', size);
	return r;
}

static const char *find_header_end(const struct req_buf *rb)
{
	return memmem(rb->data, rb->len, "\r\n\r\n", 4);
}

/* Read until a whole request header is buffered. */
static int read_header(struct conn *c, struct req_buf *rb)
{
	ssize_t n;

	while (!find_header_end(rb)) {
		if (rb->len == sizeof(rb->data))
			return -1;	/* header too large for a lab request */
		n = conn_read(c, rb->data + rb->len, sizeof(rb->data) - rb->len);
		if (n <= 0)
			return -1;
		rb->len += n;
	}
	return 0;
}

/* Header value of @name in the header block [p, end), or NULL. */
static const char *header_value(const char *p, const char *end,
				const char *name)
{
	size_t nlen = strlen(name);
	const char *eol;

	for (; p < end; p = eol + 2) {
		eol = memmem(p, end - p, "\r\n", 2);
		if (!eol)
			eol = end;
		if ((size_t)(eol - p) > nlen && p[nlen] == ':' &&
		    !strncasecmp(p, name, nlen)) {
			p += nlen + 1;
			while (p < eol && (*p == ' ' || *p == '\t'))
				p++;
			return p;
		}
	}
	return NULL;
}

struct request {
	size_t header_len;
	uint64_t body_len;
	bool keep_alive;
};

static int parse_request(const struct req_buf *rb, struct request *req)
{
	const char *end = find_header_end(rb);
	const char *line_end = memmem(rb->data, end - rb->data + 2, "\r\n", 2);
	const char *v;
	bool http11;

	req->header_len = end + 4 - rb->data;
	http11 = memmem(rb->data, line_end - rb->data, "HTTP/1.1", 8) != NULL;
	req->keep_alive = http11;
	v = header_value(line_end + 2, end + 2, "Connection");
	if (v && !strncasecmp(v, "close", 5))
		req->keep_alive = false;
	if (v && !strncasecmp(v, "keep-alive", 10))
		req->keep_alive = true;
	/* Chunked request bodies are not needed by the lab: refuse them. */
	if (header_value(line_end + 2, end + 2, "Transfer-Encoding"))
		return -1;
	req->body_len = 0;
	v = header_value(line_end + 2, end + 2, "Content-Length");
	if (v && sscanf(v, "%llu", (unsigned long long *)&req->body_len) != 1)
		return -1;
	return 0;
}

/* Drop the request (header and body) from the buffer, reading what is left. */
static int consume_request(struct conn *c, struct req_buf *rb,
			   const struct request *req)
{
	uint64_t left = req->body_len;
	size_t have = rb->len - req->header_len;
	size_t take = have < left ? have : left;
	char discard[4096];
	ssize_t n;

	memmove(rb->data, rb->data + req->header_len + take,
		have - take);
	rb->len = have - take;
	left -= take;
	while (left > 0) {
		n = conn_read(c, discard,
			      left < sizeof(discard) ? left : sizeof(discard));
		if (n <= 0)
			return -1;
		left -= n;
	}
	return 0;
}

/* Serve one request; returns 1 to keep the connection, 0 to close it. */
static int serve_one(struct conn *c, struct req_buf *rb)
{
	const struct response *r;
	struct request req;

	if (read_header(c, rb) || parse_request(rb, &req) ||
	    consume_request(c, rb, &req))
		return 0;
	if (opts.delay_ns)
		sleep_until_ns(now_ns() + opts.delay_ns);
	r = req.keep_alive ? &resp_keep : &resp_close;
	if (conn_write_all(c, r->data, r->len))
		return 0;
	atomic_fetch_add(&nr_requests, 1);
	return req.keep_alive;
}

static int tls_accept(struct conn *c)
{
	c->ssl = SSL_new(tls_ctx);
	if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1)
		return -1;
	if (SSL_accept(c->ssl) != 1)
		return -1;
	return 0;
}

static void *conn_thread(void *arg)
{
	struct conn c = { .fd = (int)(intptr_t)arg };
	struct req_buf *rb = malloc(sizeof(*rb));
	int one = 1;

	setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* The receive timeout doubles as the keep-alive idle timeout. */
	set_timeouts(c.fd, opts.idle_ms);
	if (rb && (!tls_ctx || !tls_accept(&c))) {
		rb->len = 0;
		while (!stopping && serve_one(&c, rb))
			;
	}
	free(rb);
	conn_close(&c);
	atomic_fetch_sub(&nr_conns_live, 1);
	return NULL;
}

static void start_conn(int fd)
{
	pthread_attr_t attr;
	pthread_t th;

	if (atomic_load(&nr_conns_live) >= opts.max_conns) {
		close(fd);	/* over the limit: refuse rather than queue */
		return;
	}
	atomic_fetch_add(&nr_conns_live, 1);
	atomic_fetch_add(&nr_conns_total, 1);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 << 10);
	if (pthread_create(&th, &attr, conn_thread, (void *)(intptr_t)fd)) {
		atomic_fetch_sub(&nr_conns_live, 1);
		close(fd);
	}
	pthread_attr_destroy(&attr);
}

static int listen_on(const struct sockaddr_in *sa)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) ||
	    listen(fd, 1024)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void on_signal(int sig)
{
	stopping = 1;
}

static void setup_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* The default 50 us timer slack would inflate short service delays. */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
}

/* Accept until signalled or --lifetime is over: the loop always ends. */
static void accept_loop(int lfd)
{
	uint64_t deadline = now_ns() + opts.lifetime_s * NSEC_PER_SEC;
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };
	int fd;

	while (!stopping && now_ns() < deadline) {
		if (poll(&pfd, 1, 1000) <= 0)
			continue;
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0)
			start_conn(fd);
	}
}

int main(int argc, char **argv)
{
	char addr[64];
	int lfd;

	parse_opts(argc, argv);
	if (opts.cert)
		tls_ctx = tls_ctx_new(true, opts.cert, opts.key, opts.ca);
	resp_keep = build_response(opts.size, false);
	resp_close = build_response(opts.size, true);
	setup_signals();
	lfd = listen_on(&opts.addr);
	inet_ntop(AF_INET, &opts.addr.sin_addr, addr, sizeof(addr));
	if (lfd < 0)
		die("meshlab-server: cannot listen on %s:%u: %s", addr,
		    ntohs(opts.addr.sin_port), strerror(errno));
	fprintf(stderr, "meshlab-server: listening on %s:%u, %s, delay %.3f ms, "
		"%llu byte responses\n", addr, ntohs(opts.addr.sin_port),
		!tls_ctx ? "plaintext" : opts.ca ? "mTLS" : "TLS",
		opts.delay_ns / 1e6, (unsigned long long)opts.size);
	accept_loop(lfd);
	fprintf(stderr, "meshlab-server: exiting: %llu connections, "
		"%llu requests\n",
		(unsigned long long)atomic_load(&nr_conns_total),
		(unsigned long long)atomic_load(&nr_requests));
	return 0;
}
