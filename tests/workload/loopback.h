/* SPDX-License-Identifier: GPL-2.0 */
/* Loopback TCP for the test workloads. */
#ifndef MESHPROF_WORKLOAD_LOOPBACK_H
#define MESHPROF_WORKLOAD_LOOPBACK_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* A TCP socket listening on 127.0.0.1 at a port the kernel picks, whose
 * address goes to @addr; -1 on error. */
static int loopback_listen(struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	*addr = (struct sockaddr_in){ .sin_family = AF_INET };
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)addr, sizeof(*addr)) ||
	    listen(fd, 1) || getsockname(fd, (struct sockaddr *)addr, &len))
		return -1;
	return fd;
}

#endif
