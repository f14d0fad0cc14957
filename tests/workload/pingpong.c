// SPDX-License-Identifier: GPL-2.0
/*
 * The worst case for meshprof's hot paths: two processes bounce one byte
 * over loopback TCP, so every round trip is two context switches and four
 * socket operations. Prints round trips per second.
 *
 *   pingpong ROUNDS
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loopback.h"

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void bounce(int fd, long rounds, int first)
{
	char b = 0;

	for (long i = 0; i < rounds; i++) {
		if (first && send(fd, &b, 1, 0) != 1)
			die("send");
		if (recv(fd, &b, 1, 0) != 1)
			die("recv");
		if (!first && send(fd, &b, 1, 0) != 1)
			die("send");
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr;
	long rounds = argc > 1 ? atol(argv[1]) : 0;
	struct timespec t0, t1;
	int lfd, fd, one = 1;
	pid_t child;

	if (rounds <= 0 || rounds > 100000000) {
		fprintf(stderr, "usage: pingpong ROUNDS\n");
		return 2;
	}
	lfd = loopback_listen(&addr);
	if (lfd < 0)
		die("listen");
	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			die("accept");
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		bounce(fd, rounds, 0);
		_exit(0);
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
		die("connect");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	bounce(fd, rounds, 1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	waitpid(child, NULL, 0);
	printf("%.0f\n", rounds / (t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9));
	return 0;
}
