// SPDX-License-Identifier: GPL-2.0
/*
 * A test proxy whose CPU split is known per thread. Thread "tls" runs real
 * mutual TLS 1.3 with OpenSSL between a client and a server that talk
 * through an in-memory BIO pair: full handshakes and 16 KiB records each
 * way. Thread "http" parses in-memory HTTP/1.1 requests and responses
 * with http-parser (nodejs/http-parser, Debian's libhttp-parser), fed in
 * segment-sized slices. Neither thread waits, and neither makes system
 * calls of its own (OpenSSL calls getpid() on each random draw to detect a
 * fork, and malloc may grow its arena), so each thread's CPU clock is the
 * CPU of its kind of work.
 *
 *   tlshttp --seconds S
 *
 * The main thread sleeps for S seconds, stops and joins both threads, and
 * prints one JSON object on stdout:
 *   {"pid":N,"tls_ns":N,"http_ns":N,"other_ns":N,"total_ns":N}
 * tls_ns and http_ns are the threads' CLOCK_THREAD_CPUTIME_ID read as they
 * finish, total_ns the process's CLOCK_PROCESS_CPUTIME_ID read last (it
 * counts the exited threads), other_ns = total_ns - tls_ns - http_ns: start
 * up, thread creation and exit.
 *
 * The key and certificate are made in the tls thread, so that every call
 * into OpenSSL, its initialisation included, is on the tls thread's clock.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <http_parser.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#define RECORD 16384		/* bytes each way per exchange: one record */
#define EXCHANGES 64		/* per connection, then a new handshake */
#define SEGMENT 1448		/* HTTP bytes per parser call, a TCP MSS */

static atomic_bool stop;

struct worker {
	const char *name;
	void *(*run)(void *);
	pthread_t thread;
	long long cpu_ns;
};

static void die(const char *what)
{
	fprintf(stderr, "tlshttp: %s\n", what);
	ERR_print_errors_fp(stderr);
	exit(1);
}

static long long clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---------------------------------------------------------------- TLS */

static X509 *self_signed(EVP_PKEY *key)
{
	X509 *x = X509_new();
	X509_NAME *name;

	if (!x || !X509_set_version(x, X509_VERSION_3) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(x), 1) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), -60) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), 86400) ||
	    !X509_set_pubkey(x, key))
		die("certificate");
	name = X509_get_subject_name(x);
	if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					(const unsigned char *)"tlshttp", -1,
					-1, 0) ||
	    !X509_set_issuer_name(x, name) || !X509_sign(x, key, EVP_sha256()))
		die("certificate");
	return x;
}

/* Both ends present @cert and trust only it: mutual TLS 1.3, as between
 * two sidecars. */
static SSL_CTX *tls_context(const SSL_METHOD *method, X509 *cert,
			    EVP_PKEY *key)
{
	SSL_CTX *ctx = SSL_CTX_new(method);

	if (!ctx || !SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
	    SSL_CTX_use_certificate(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
	    !X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), cert))
		die("SSL_CTX");
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
			   SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	/* Every connection is a full handshake. */
	SSL_CTX_set_num_tickets(ctx, 0);
	return ctx;
}

/* Whether @ssl only waits for its peer's next flight. */
static int wants_peer(SSL *ssl, int rc)
{
	int err = SSL_get_error(ssl, rc);

	return err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE;
}

static void handshake(SSL *client, SSL *server)
{
	int c = 0, s = 0, flights;

	/* ClientHello, the server's flight, the client's certificate and
	 * Finished: a few steps each. */
	for (flights = 0; flights < 8 && (c != 1 || s != 1); flights++) {
		if (c != 1) {
			c = SSL_do_handshake(client);
			if (c != 1 && !wants_peer(client, c))
				die("client handshake");
		}
		if (s != 1) {
			s = SSL_do_handshake(server);
			if (s != 1 && !wants_peer(server, s))
				die("server handshake");
		}
	}
	if (c != 1 || s != 1)
		die("handshake did not finish");
}

static void transfer(SSL *from, SSL *to, unsigned char *buf)
{
	int got = 0, n;

	if (SSL_write(from, buf, RECORD) != RECORD)
		die("SSL_write");
	while (got < RECORD) {
		n = SSL_read(to, buf + got, RECORD - got);
		if (n <= 0)
			die("SSL_read");
		got += n;
	}
}

static void connection(SSL_CTX *cctx, SSL_CTX *sctx, unsigned char *buf)
{
	SSL *client = SSL_new(cctx), *server = SSL_new(sctx);
	BIO *cbio, *sbio;
	int i;

	/* Room for a whole handshake flight or record in either direction. */
	if (!client || !server || !BIO_new_bio_pair(&cbio, 65536, &sbio, 65536))
		die("SSL_new");
	SSL_set_bio(client, cbio, cbio);
	SSL_set_bio(server, sbio, sbio);
	SSL_set_connect_state(client);
	SSL_set_accept_state(server);
	handshake(client, server);
	for (i = 0; i < EXCHANGES; i++) {
		transfer(client, server, buf);
		transfer(server, client, buf);
	}
	SSL_shutdown(client);
	SSL_shutdown(server);
	SSL_free(client);
	SSL_free(server);
}

static void *run_tls(void *arg)
{
	static unsigned char buf[RECORD];
	struct worker *w = arg;
	SSL_CTX *cctx, *sctx;
	EVP_PKEY *key;
	X509 *cert;

	if (!OPENSSL_init_ssl(OPENSSL_INIT_NO_ATEXIT, NULL))
		die("OPENSSL_init_ssl");
	key = EVP_EC_gen("P-256");
	if (!key)
		die("EVP_EC_gen");
	cert = self_signed(key);
	cctx = tls_context(TLS_client_method(), cert, key);
	sctx = tls_context(TLS_server_method(), cert, key);
	memset(buf, 'x', sizeof(buf));
	while (!atomic_load_explicit(&stop, memory_order_relaxed))
		connection(cctx, sctx, buf);
	SSL_CTX_free(cctx);
	SSL_CTX_free(sctx);
	X509_free(cert);
	EVP_PKEY_free(key);
	w->cpu_ns = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	return NULL;
}

/* ---------------------------------------------------------------- HTTP */

/* What a sidecar sees on one keep-alive connection: requests from the
 * application, responses from upstream, Content-Length and chunked. */
static const char requests[] =
	"GET /api/v1/orders?customer=1842&fields=items,total HTTP/1.1\r\n"
	"Host: orders.shop.svc.cluster.local\r\n"
	"User-Agent: tlshttp/1.0\r\n"
	"Accept: application/json\r\n"
	"Accept-Encoding: gzip, deflate\r\n"
	"x-request-id: 0b4f6c1e-5d2a-4c8e-9f31-7a6d2e8b1c90\r\n"
	"x-b3-traceid: 80f198ee56343ba864fe8b2a57d3eff7\r\n"
	"x-b3-spanid: e457b5a2e4d86bd1\r\n"
	"x-b3-sampled: 1\r\n"
	"\r\n"
	"POST /api/v1/orders HTTP/1.1\r\n"
	"Host: orders.shop.svc.cluster.local\r\n"
	"Content-Type: application/json\r\n"
	"Content-Length: 43\r\n"
	"x-request-id: 3c9d2b7a-1e4f-4a6b-8c2d-5f7e9a0b1d3c\r\n"
	"\r\n"
	"{\"customer\":1842,\"item\":\"book\",\"count\":3}\r\n"
	"DELETE /api/v1/carts/1842/items/77 HTTP/1.1\r\n"
	"Host: carts.shop.svc.cluster.local\r\n"
	"Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxODQyIn0.c2ln\r\n"
	"\r\n";

static const char responses[] =
	"HTTP/1.1 200 OK\r\n"
	"Content-Type: application/json\r\n"
	"Content-Length: 61\r\n"
	"Cache-Control: no-store\r\n"
	"Date: Tue, 04 Mar 2025 10:12:31 GMT\r\n"
	"server: envoy\r\n"
	"x-envoy-upstream-service-time: 3\r\n"
	"\r\n"
	"{\"items\":[{\"id\":77,\"item\":\"book\",\"count\":3}],\"total\":36.50}\r\n"
	"HTTP/1.1 201 Created\r\n"
	"Content-Type: application/json\r\n"
	"Transfer-Encoding: chunked\r\n"
	"Location: /api/v1/orders/9001\r\n"
	"\r\n"
	"b\r\n{\"id\":9001,\r\n"
	"e\r\n\"state\":\"new\"}\r\n"
	"0\r\n\r\n"
	"HTTP/1.1 204 No Content\r\n"
	"Date: Tue, 04 Mar 2025 10:12:32 GMT\r\n"
	"\r\n";

#define MESSAGES 3		/* in each of the two streams */
#define STREAM_COPIES 32	/* copies of a stream parsed per connection */

struct http_stream {
	enum http_parser_type type;
	char *data;
	size_t len;
};

static int on_message_complete(http_parser *p)
{
	(*(unsigned long *)p->data)++;
	return 0;
}

static const http_parser_settings settings = {
	.on_message_complete = on_message_complete,
};

static void stream_init(struct http_stream *s, enum http_parser_type type,
			const char *messages)
{
	size_t n = strlen(messages), i;

	s->type = type;
	s->len = n * STREAM_COPIES;
	s->data = malloc(s->len);
	if (!s->data)
		die("malloc");
	for (i = 0; i < STREAM_COPIES; i++)
		memcpy(s->data + i * n, messages, n);
}

/* One connection's worth of @s, in segments as they come off a socket. */
static void parse_stream(const struct http_stream *s)
{
	unsigned long messages = 0;
	http_parser parser;
	size_t off, n;

	http_parser_init(&parser, s->type);
	parser.data = &messages;
	for (off = 0; off < s->len; off += n) {
		n = s->len - off < SEGMENT ? s->len - off : SEGMENT;
		if (http_parser_execute(&parser, &settings, s->data + off, n) != n)
			die(http_errno_name(HTTP_PARSER_ERRNO(&parser)));
	}
	if (messages != MESSAGES * STREAM_COPIES)
		die("wrong message count");
}

static void *run_http(void *arg)
{
	struct http_stream req, resp;
	struct worker *w = arg;

	stream_init(&req, HTTP_REQUEST, requests);
	stream_init(&resp, HTTP_RESPONSE, responses);
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		parse_stream(&req);
		parse_stream(&resp);
	}
	free(req.data);
	free(resp.data);
	w->cpu_ns = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	return NULL;
}

/* ---------------------------------------------------------------- main */

static double parse_seconds(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ 0 }
	};
	double seconds = -1;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 's')
			goto usage;
		errno = 0;
		seconds = strtod(optarg, &end);
		if (errno || *end || seconds <= 0)
			goto usage;
	}
	if (seconds > 0 && optind == argc)
		return seconds;
usage:
	fprintf(stderr, "usage: tlshttp --seconds S\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct worker workers[] = {
		{ .name = "tls", .run = run_tls },
		{ .name = "http", .run = run_http },
	};
	double seconds = parse_seconds(argc, argv);
	struct timespec window = {
		.tv_sec = (time_t)seconds,
		.tv_nsec = (long)((seconds - (time_t)seconds) * 1e9),
	};
	long long total;
	size_t i;

	for (i = 0; i < 2; i++) {
		errno = pthread_create(&workers[i].thread, NULL, workers[i].run,
				       &workers[i]);
		if (errno)
			die(strerror(errno));
		pthread_setname_np(workers[i].thread, workers[i].name);
	}
	while (nanosleep(&window, &window) && errno == EINTR)
		;
	atomic_store(&stop, true);
	for (i = 0; i < 2; i++)
		pthread_join(workers[i].thread, NULL);
	total = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	printf("{\"pid\":%d,\"tls_ns\":%lld,\"http_ns\":%lld,"
	       "\"other_ns\":%lld,\"total_ns\":%lld}\n", (int)getpid(),
	       workers[0].cpu_ns, workers[1].cpu_ns,
	       total - workers[0].cpu_ns - workers[1].cpu_ns, total);
	return 0;
}
