// SPDX-License-Identifier: GPL-2.0
/*
 * A workload whose costs are known from outside meshprof: it burns a given
 * amount of CPU, blocks a given number of times and sends a given number of
 * bytes over loopback TCP to a child that receives them. At the end each of
 * the two processes writes what the kernel says about it (/proc/self/schedstat,
 * getrusage) and the bytes it moved, as one JSON object per line.
 *
 *   truthload --cpu-ms N --blocks N --bytes N --out FILE
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loopback.h"

static void die(const char *what)
{
	fprintf(stderr, "truthload: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void burn(long ms)
{
	double until = cpu_seconds() + ms / 1e3;
	volatile unsigned long x = 0;

	while (cpu_seconds() < until)
		for (int i = 0; i < 10000; i++)
			x += i;
}

static void block(long times)
{
	struct timespec ms = { 0, 1000000 };

	for (long i = 0; i < times; i++)
		nanosleep(&ms, NULL);
}

static void report(FILE *out, const char *role, unsigned long long bytes)
{
	unsigned long long oncpu = 0, runq = 0, slices = 0;
	struct rusage ru;
	FILE *f;

	f = fopen("/proc/self/schedstat", "r");
	if (!f || fscanf(f, "%llu %llu %llu", &oncpu, &runq, &slices) != 3)
		die("/proc/self/schedstat");
	fclose(f);
	getrusage(RUSAGE_SELF, &ru);
	fprintf(out,
		"{\"role\":\"%s\",\"pid\":%d,\"oncpu_ns\":%llu,\"runq_ns\":%llu,"
		"\"nvcsw\":%ld,\"nivcsw\":%ld,\"bytes\":%llu}\n",
		role, getpid(), oncpu, runq, ru.ru_nvcsw, ru.ru_nivcsw, bytes);
	fflush(out);
}

static unsigned long long receive_all(int lfd)
{
	unsigned long long total = 0;
	char buf[65536];
	ssize_t n;
	int fd;

	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept");
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		total += n;
	if (n < 0)
		die("recv");
	close(fd);
	return total;
}

static void send_all(const struct sockaddr_in *addr, unsigned long long bytes)
{
	static char buf[16384];
	ssize_t n;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (const struct sockaddr *)addr, sizeof(*addr)))
		die("connect");
	while (bytes) {
		n = send(fd, buf, bytes < sizeof(buf) ? bytes : sizeof(buf), 0);
		if (n < 0)
			die("send");
		bytes -= n;
	}
	close(fd);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cpu-ms", required_argument, NULL, 'c' },
		{ "blocks", required_argument, NULL, 'b' },
		{ "bytes", required_argument, NULL, 'n' },
		{ "out", required_argument, NULL, 'o' },
		{}
	};
	struct sockaddr_in addr;
	long cpu_ms = 0, blocks = 0;
	unsigned long long bytes = 0;
	const char *out_path = NULL;
	FILE *out;
	pid_t child;
	int c, lfd;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c': cpu_ms = atol(optarg); break;
		case 'b': blocks = atol(optarg); break;
		case 'n': bytes = strtoull(optarg, NULL, 10); break;
		case 'o': out_path = optarg; break;
		default: return 2;
		}
	}
	if (!out_path) {
		fprintf(stderr, "usage: truthload --cpu-ms N --blocks N --bytes N --out FILE\n");
		return 2;
	}
	out = fopen(out_path, "w");
	if (!out)
		die(out_path);

	lfd = loopback_listen(&addr);
	if (lfd < 0)
		die("listen");
	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		unsigned long long got = receive_all(lfd);

		report(out, "receiver", got);
		_exit(0);
	}
	close(lfd);
	burn(cpu_ms);
	block(blocks);
	send_all(&addr, bytes);
	if (waitpid(child, NULL, 0) != child)
		die("waitpid");
	report(out, "sender", bytes);
	return 0;
}
