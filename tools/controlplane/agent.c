// SPDX-License-Identifier: GPL-2.0
/*
 * meshlab-agent: the agent of a sidecar pod in the lab (docs/lab.md), as
 * pilot-agent is in istio-proxy. It keeps a connection to the control
 * plane (reconnecting when it drops), and applies each configuration it
 * is pushed: parses and checks it, writes the proxy's configuration file,
 * acknowledges it. It counts every byte it sends and receives and the
 * CPU time it spends applying (its thread's clock around parse and
 * apply), and writes them to --stats after every push.
 *
 *   meshlab-agent --connect ADDR:PORT|unix:PATH --pod NAME --out FILE
 *                 --stats FILE
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "config.h"
#include "push.h"

#define MAX_PUSH (64u << 20)

struct agent {
	const char *pod, *out, *stats;
	struct counted io;		/* every connection's */
	uint64_t pushes, version, apply_ns;
	size_t last_bytes;
	bool connected;
};

static uint64_t thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static void write_stats(const struct agent *ag)
{
	char text[512];
	int n = snprintf(text, sizeof(text),
		"{\"pid\":%d,\"pod\":\"%s\",\"connected\":%s,\"pushes\":%" PRIu64
		",\"version\":%" PRIu64 ",\"config_bytes\":%zu,\"bytes_sent\":%" PRIu64
		",\"bytes_received\":%" PRIu64 ",\"apply_cpu_ns\":%" PRIu64 "}\n",
		getpid(), ag->pod, ag->connected ? "true" : "false", ag->pushes,
		ag->version, ag->last_bytes, ag->io.sent, ag->io.received,
		ag->apply_ns);

	if (write_file(ag->stats, text, n))
		fprintf(stderr, "meshlab-agent: %s: %s\n", ag->stats,
			strerror(errno));
}

/* Parses and applies one push; its hash in *@hash. */
static int apply(struct agent *ag, const char *body, size_t len,
		 uint64_t *hash)
{
	uint64_t t0 = thread_ns();
	struct config *cfg;
	char err[256];
	int ret = -1;

	cfg = meshlab_config_parse(body, len, err, sizeof(err));
	if (cfg)
		ret = meshlab_config_apply(cfg, ag->out, hash, err, sizeof(err));
	meshlab_config_free(cfg);
	ag->apply_ns += thread_ns() - t0;
	if (ret)
		fprintf(stderr, "meshlab-agent: push %" PRIu64 ": %s\n",
			ag->version, err);
	return ret;
}

/* One push: its header line is read, its body follows. */
static int on_push(struct agent *ag, struct reader *rd, int fd,
		   const char *line)
{
	char ack[PUSH_LINE_MAX], *body;
	uint64_t version, len, hash = 0;
	int n, ret;

	if (sscanf(line, "PUSH %" SCNu64 " %" SCNu64, &version, &len) != 2 ||
	    len > MAX_PUSH)
		return -1;
	body = malloc(len ? len : 1);
	if (!body || reader_exact(rd, body, len)) {
		free(body);
		return -1;
	}
	ag->version = version;
	ag->last_bytes = len;
	ret = apply(ag, body, len, &hash);
	free(body);
	ag->pushes++;
	n = snprintf(ack, sizeof(ack), "ACK %" PRIu64 " %016" PRIx64 " %s\n",
		     version, hash, ret ? "rejected" : "applied");
	if (send_counted(fd, ack, n, &ag->io))
		return -1;
	write_stats(ag);
	return 0;
}

/* One connection, until it drops. */
static void session(struct agent *ag, int fd)
{
	static struct reader rd;
	char hello[PUSH_LINE_MAX];
	char *line;
	int n;

	reader_init(&rd, fd, &ag->io);
	n = snprintf(hello, sizeof(hello), "HELLO %s\n", ag->pod);
	if (send_counted(fd, hello, n, &ag->io))
		return;
	ag->connected = true;
	write_stats(ag);
	for (;;) {
		while ((line = reader_line(&rd)))
			if (on_push(ag, &rd, fd, line))
				return;
		n = reader_fill(&rd);
		if (n <= 0 && !(n < 0 && errno == EINTR))
			return;
	}
}

static void usage(void)
{
	die("usage: meshlab-agent --connect ADDR:PORT|unix:PATH --pod NAME --out FILE --stats FILE");
}

int main(int argc, char **argv)
{
	struct agent ag = { 0 };
	const char *connect_to = NULL;
	struct endpoint ep;
	int fd;

	for (int i = 1; i < argc; i += 2) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			usage();
		if (!strcmp(argv[i], "--connect"))
			connect_to = v;
		else if (!strcmp(argv[i], "--pod"))
			ag.pod = v;
		else if (!strcmp(argv[i], "--out"))
			ag.out = v;
		else if (!strcmp(argv[i], "--stats"))
			ag.stats = v;
		else
			usage();
	}
	if (!connect_to || !ag.pod || !ag.out || !ag.stats ||
	    strlen(ag.pod) > 63 || strchr(ag.pod, '"'))
		usage();
	if (endpoint_parse(connect_to, &ep))
		die("meshlab-agent: bad --connect %s", connect_to);
	signal(SIGPIPE, SIG_IGN);
	write_stats(&ag);
	/* A real agent keeps trying: the control plane may restart. */
	for (;;) {
		fd = endpoint_connect(&ep);
		if (fd >= 0) {
			session(&ag, fd);
			close(fd);
			ag.connected = false;
			write_stats(&ag);
		}
		sleep(1);
	}
}
