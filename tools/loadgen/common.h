/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by meshlab-load and meshlab-server: time, parsing, TCP and TLS. */
#ifndef MESHLAB_COMMON_H
#define MESHLAB_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <openssl/ssl.h>

#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_USEC 1000ULL

/* A TCP connection, with TLS on top when ssl is not NULL. */
struct conn {
	int fd;
	SSL *ssl;
};

void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

uint64_t now_ns(void);
/* Sleep until the CLOCK_MONOTONIC time @t (ns). */
void sleep_until_ns(uint64_t t);

/* Strict parsers: the whole string must be a number within the bounds. */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int parse_double(const char *s, double min, double max, double *out);
/* "ADDR:PORT" (IPv4 only: the lab uses 198.18.0.0/15). */
int parse_addr(const char *s, struct sockaddr_in *sa);

/* Send and receive timeouts bound every blocking call on the socket. */
int set_timeouts(int fd, uint64_t timeout_ms);

/*
 * @server: a context for accepting (cert and key required; a CA makes the
 * client certificate mandatory, i.e. mTLS). Otherwise a client context that
 * verifies the server against @ca and presents @cert/@key when given.
 */
SSL_CTX *tls_ctx_new(bool server, const char *cert, const char *key,
		     const char *ca);

/* Blocking I/O on either kind of conn; return bytes done, <= 0 on error. */
ssize_t conn_read(struct conn *c, void *buf, size_t len);
int conn_write_all(struct conn *c, const void *buf, size_t len);
void conn_close(struct conn *c);

#endif
