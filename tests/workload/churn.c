// SPDX-License-Identifier: GPL-2.0
/*
 * churn: short-lived processes and threads at a steady rate, as a busy
 * node has them (cron jobs, probes, shells of exec'd health checks), for
 * meshprof's memory and CPU under churn (make churn, docs/hardening.md).
 *
 *	churn [-n PROCESSES] [-t THREADS] [-d SECONDS] [-e EXE]
 *
 * Starts PROCESSES processes and THREADS threads spread evenly over
 * SECONDS: every other process execs EXE (default /bin/true), the others
 * exit after a little work; at most 64 run at once. Prints one JSON line:
 * what it started, how long it took, and the CPU time it and its children
 * used (getrusage).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define MAX_CHILDREN 64

static volatile unsigned long sink;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A little work: about 20 us. */
static void work(void)
{
	for (unsigned long i = 0; i < 20000; i++)
		sink += i;
}

static void *thread_main(void *arg)
{
	work();
	return NULL;
}

static double cpu_s(const struct rusage *ru)
{
	return ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6 +
	       ru->ru_stime.tv_sec + ru->ru_stime.tv_usec / 1e6;
}

static int start_process(int i, const char *exe)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		if (i & 1)
			execl(exe, exe, (char *)NULL);
		work();
		_exit(0);
	}
	return 0;
}

static int start_thread(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, thread_main, NULL))
		return -1;
	return pthread_join(t, NULL) ? -1 : 0;
}

/* Reaps what exited; waits for one when @full. */
static int reap(int running, int full)
{
	while (running > 0 && waitpid(-1, NULL, full ? 0 : WNOHANG) > 0) {
		running--;
		full = 0;
	}
	return running;
}

int main(int argc, char **argv)
{
	long nproc = 20000, nthread = 3000, procs = 0, threads = 0;
	double secs = 80, start, due;
	const char *exe = "/bin/true";
	struct rusage self, children;
	int c, running = 0;

	while ((c = getopt(argc, argv, "n:t:d:e:")) != -1) {
		switch (c) {
		case 'n': nproc = atol(optarg); break;
		case 't': nthread = atol(optarg); break;
		case 'd': secs = atof(optarg); break;
		case 'e': exe = optarg; break;
		default:
			fprintf(stderr, "usage: churn [-n PROCESSES] [-t THREADS] [-d SECONDS] [-e EXE]\n");
			return 2;
		}
	}
	if (nproc < 0 || nthread < 0 || !(secs > 0) || nproc > 1000000) {
		fprintf(stderr, "churn: bad arguments\n");
		return 2;
	}
	start = now_s();
	while (procs < nproc || threads < nthread) {
		/* The next start is due when its share of the time has come. */
		due = start + secs * (procs + threads) / (double)(nproc + nthread);
		while (now_s() < due)
			usleep(200);
		running = reap(running, running >= MAX_CHILDREN);
		if (procs * (nproc + nthread) <= (procs + threads) * nproc &&
		    procs < nproc) {
			if (start_process(procs, exe)) {
				fprintf(stderr, "churn: fork: %s\n", strerror(errno));
				return 1;
			}
			procs++;
			running++;
		} else {
			if (start_thread()) {
				fprintf(stderr, "churn: thread: %s\n", strerror(errno));
				return 1;
			}
			threads++;
		}
	}
	while (running > 0)
		running = reap(running, 1);
	/* The truth meshprof's numbers are held to: the CPU time of this
	 * process and of every child, from the kernel's own accounting. */
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &children);
	printf("{\"processes\": %ld, \"threads\": %ld, \"seconds\": %.3f, \"pid\": %d, \"cpu_seconds\": %.6f, \"children_cpu_seconds\": %.6f}\n",
	       procs, threads, now_s() - start, getpid(), cpu_s(&self),
	       cpu_s(&children));
	return 0;
}
