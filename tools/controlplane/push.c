// SPDX-License-Identifier: GPL-2.0
/* Endpoints and counted I/O of the lab's control plane (push.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "common.h"
#include "push.h"

int endpoint_parse(const char *s, struct endpoint *ep)
{
	struct sockaddr_un *un = (struct sockaddr_un *)&ep->sa;

	memset(ep, 0, sizeof(*ep));
	if (strncmp(s, "unix:", 5)) {
		ep->len = sizeof(struct sockaddr_in);
		return parse_addr(s, (struct sockaddr_in *)&ep->sa);
	}
	if (!s[5] || strlen(s + 5) >= sizeof(un->sun_path))
		return -1;
	un->sun_family = AF_UNIX;
	strcpy(un->sun_path, s + 5);
	ep->len = sizeof(*un);
	return 0;
}

int endpoint_listen(const struct endpoint *ep)
{
	int fd = socket(ep->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -1;
	if (ep->sa.ss_family == AF_UNIX)
		unlink(((const struct sockaddr_un *)&ep->sa)->sun_path);
	else
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&ep->sa, ep->len) ||
	    listen(fd, 64)) {
		close(fd);
		return -1;
	}
	return fd;
}

int endpoint_connect(const struct endpoint *ep)
{
	int fd = socket(ep->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)&ep->sa, ep->len)) {
		close(fd);
		return -1;
	}
	return fd;
}

int send_counted(int fd, const void *buf, size_t len, struct counted *c)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		c->sent += n;
		p += n;
		len -= n;
	}
	return 0;
}

void reader_init(struct reader *r, int fd, struct counted *c)
{
	r->fd = fd;
	r->c = c;
	r->start = r->end = 0;
}

ssize_t reader_fill(struct reader *r)
{
	ssize_t n;

	if (r->start == r->end) {
		r->start = r->end = 0;
	} else if (r->end == sizeof(r->buf)) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end == sizeof(r->buf))
		return -1;	/* a line longer than the buffer */
	n = recv(r->fd, r->buf + r->end, sizeof(r->buf) - r->end, 0);
	if (n > 0) {
		r->c->received += n;
		r->end += n;
	}
	return n;
}

char *reader_line(struct reader *r)
{
	char *line = r->buf + r->start;
	char *nl = memchr(line, '\n', r->end - r->start);

	if (!nl)
		return NULL;
	*nl = '\0';
	r->start = nl + 1 - r->buf;
	return line;
}

int reader_exact(struct reader *r, void *dst, size_t len)
{
	char *p = dst;

	while (len) {
		size_t have = r->end - r->start;
		ssize_t n;

		if (have) {
			if (have > len)
				have = len;
			memcpy(p, r->buf + r->start, have);
			r->start += have;
			p += have;
			len -= have;
			continue;
		}
		/* Large bodies go straight to their buffer. */
		n = recv(r->fd, p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		r->c->received += n;
		p += n;
		len -= n;
	}
	return 0;
}

int write_file(const char *path, const char *text, size_t len)
{
	char tmp[4096];
	int fd, ok;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	ok = write(fd, text, len) == (ssize_t)len;
	if (close(fd) || !ok || rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}
