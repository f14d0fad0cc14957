/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lab's control plane and its agents (docs/lab.md): endpoints, the
 * push protocol, and I/O that counts every byte it moves, so that each
 * side knows exactly what it sent and received.
 *
 *	agent -> control	HELLO <pod>\n
 *	control -> agent	PUSH <version> <length>\n<length bytes>
 *	agent -> control	ACK <version> <hash>\n
 */
#ifndef MESHLAB_PUSH_H
#define MESHLAB_PUSH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#define PUSH_LINE_MAX 256

/* What one side moved through its sockets: the sum of what send() and
 * recv() returned. */
struct counted {
	uint64_t sent;
	uint64_t received;
};

/* "ADDR:PORT" (TCP, IPv4) or "unix:PATH". */
struct endpoint {
	struct sockaddr_storage sa;
	socklen_t len;
};

int endpoint_parse(const char *s, struct endpoint *ep);
/* A listening socket; -1 with errno. */
int endpoint_listen(const struct endpoint *ep);
/* A connected socket; -1 with errno. */
int endpoint_connect(const struct endpoint *ep);

/* Sends all of @buf, retrying after signals; -1 on error. */
int send_counted(int fd, const void *buf, size_t len, struct counted *c);

/* A buffered reader that counts what it receives. */
struct reader {
	int fd;
	struct counted *c;
	char buf[65536];
	size_t start, end;
};

void reader_init(struct reader *r, int fd, struct counted *c);
/* Fills the buffer with what the socket has (one recv); 0 at EOF, -1 on
 * error (EINTR and EAGAIN too). */
ssize_t reader_fill(struct reader *r);
/* The next whole line in the buffer without its newline, or NULL. */
char *reader_line(struct reader *r);
/* Reads exactly @len bytes into @dst, blocking; -1 on error or EOF. */
int reader_exact(struct reader *r, void *dst, size_t len);

/* Writes @text to @path whole: a temporary file renamed over it. */
int write_file(const char *path, const char *text, size_t len);

#endif
