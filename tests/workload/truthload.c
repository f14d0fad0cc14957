// SPDX-License-Identifier: GPL-2.0
/*
 * A workload whose costs are known from outside meshprof: a sender burns a
 * given amount of CPU, blocks a given number of times and sends a given
 * number of bytes over loopback TCP to a receiver. Both are children of
 * the process started. What the kernel says about each (schedstat,
 * getrusage) and the bytes it moved are written as one JSON object per
 * line: the receiver's by itself at its end, the sender's by the parent
 * once the sender has exited, so that its numbers include its exit (which
 * meshprof counts too, up to the last context switch), however slow.
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

static void read_schedstat(const char *path, unsigned long long *oncpu,
			   unsigned long long *runq)
{
	unsigned long long slices;
	FILE *f = fopen(path, "r");

	if (!f || fscanf(f, "%llu %llu %llu", oncpu, runq, &slices) != 3)
		die(path);
	fclose(f);
}

static void print_line(FILE *out, const char *role, pid_t pid,
		       unsigned long long oncpu, unsigned long long runq,
		       const struct rusage *ru, unsigned long long bytes)
{
	fprintf(out,
		"{\"role\":\"%s\",\"pid\":%d,\"oncpu_ns\":%llu,\"runq_ns\":%llu,"
		"\"nvcsw\":%ld,\"nivcsw\":%ld,\"bytes\":%llu}\n",
		role, pid, oncpu, runq, ru->ru_nvcsw, ru->ru_nivcsw, bytes);
	fflush(out);
}

/* The calling process, as it is now. */
static void report_self(FILE *out, const char *role, unsigned long long bytes)
{
	unsigned long long oncpu, runq;
	struct rusage ru;

	read_schedstat("/proc/self/schedstat", &oncpu, &runq);
	getrusage(RUSAGE_SELF, &ru);
	print_line(out, role, getpid(), oncpu, runq, &ru, bytes);
}

/* Child @pid, whole, once it has exited: its schedstat is read while it is
 * a zombie, before wait4() reaps it and gives its rusage. */
static void report_exited(FILE *out, const char *role, pid_t pid,
			  unsigned long long bytes)
{
	unsigned long long oncpu, runq;
	struct rusage ru;
	siginfo_t info;
	char path[64];
	int status;

	if (waitid(P_PID, pid, &info, WEXITED | WNOWAIT))
		die("waitid");
	snprintf(path, sizeof(path), "/proc/%d/schedstat", pid);
	read_schedstat(path, &oncpu, &runq);
	if (wait4(pid, &status, 0, &ru) != pid)
		die("wait4");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		exit(1);	/* it said why */
	print_line(out, role, pid, oncpu, runq, &ru, bytes);
}

static unsigned long long receive_all(int lfd)
{
	struct linger linger = { .l_onoff = 1, .l_linger = 10 };
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
	/* Closing waits for the ack of our FIN, which the sender's end sends
	 * as it closes: both ends are closed before anyone reports, even
	 * where softirqs run late (a slow or emulated machine). */
	if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, sizeof(linger)) ||
	    close(fd))
		die("close");
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
	pid_t receiver, sender;
	FILE *out;
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
	receiver = fork();
	if (receiver < 0)
		die("fork");
	if (!receiver) {
		unsigned long long got = receive_all(lfd);

		report_self(out, "receiver", got);
		_exit(0);
	}
	close(lfd);
	sender = fork();
	if (sender < 0)
		die("fork");
	if (!sender) {
		burn(cpu_ms);
		block(blocks);
		send_all(&addr, bytes);
		_exit(0);
	}
	report_exited(out, "sender", sender, bytes);
	if (waitpid(receiver, NULL, 0) != receiver)
		die("waitpid");
	return 0;
}
