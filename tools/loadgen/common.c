// SPDX-License-Identifier: GPL-2.0
/* Shared by meshlab-load and meshlab-server: time, parsing, TCP and TLS. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <openssl/err.h>

#include "common.h"

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

void sleep_until_ns(uint64_t t)
{
	struct timespec ts = {
		.tv_sec = t / NSEC_PER_SEC,
		.tv_nsec = t % NSEC_PER_SEC,
	};

	/* Retry on EINTR only; any other error means the time has passed. */
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int parse_double(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int parse_addr(const char *s, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	uint64_t port;

	if (!colon || colon == s || (size_t)(colon - s) >= sizeof(host))
		return -1;
	memcpy(host, s, colon - s);
	host[colon - s] = '\0';
	if (parse_u64(colon + 1, 1, 65535, &port))
		return -1;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons(port);
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return -1;
	return 0;
}

int set_timeouts(int fd, uint64_t timeout_ms)
{
	struct timeval tv = {
		.tv_sec = timeout_ms / 1000,
		.tv_usec = (timeout_ms % 1000) * 1000,
	};

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		return -1;
	return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static void tls_die(const char *what, const char *file)
{
	char buf[256];

	ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
	die("%s %s: %s", what, file ? file : "", buf);
}

static void tls_load_identity(SSL_CTX *ctx, const char *cert, const char *key)
{
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1)
		tls_die("cannot load certificate", cert);
	if (SSL_CTX_use_PrivateKey_file(ctx, key ? key : cert,
					SSL_FILETYPE_PEM) != 1)
		tls_die("cannot load key", key ? key : cert);
	if (SSL_CTX_check_private_key(ctx) != 1)
		tls_die("key does not match certificate", cert);
}

SSL_CTX *tls_ctx_new(bool server, const char *cert, const char *key,
		     const char *ca)
{
	SSL_CTX *ctx;

	ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
	if (!ctx)
		tls_die("SSL_CTX_new", NULL);
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (cert)
		tls_load_identity(ctx, cert, key);
	else if (server)
		die("TLS server needs a certificate");
	if (ca && SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1)
		tls_die("cannot load CA", ca);
	if (server && ca)
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
				   SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	if (!server)
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	return ctx;
}

ssize_t conn_read(struct conn *c, void *buf, size_t len)
{
	if (!c->ssl)
		return read(c->fd, buf, len);
	return SSL_read(c->ssl, buf, len > INT32_MAX ? INT32_MAX : (int)len);
}

int conn_write_all(struct conn *c, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		if (c->ssl)
			n = SSL_write(c->ssl, p, len > 65536 ? 65536 : (int)len);
		else
			n = write(c->fd, p, len);
		if (n < 0 && !c->ssl && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

void conn_close(struct conn *c)
{
	if (c->ssl) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}
