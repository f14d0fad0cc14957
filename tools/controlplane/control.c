// SPDX-License-Identifier: GPL-2.0
/*
 * meshlab-control: the lab's control plane (docs/lab.md). It keeps a
 * long-lived connection from the agent of every sidecar pod and pushes
 * each of them a configuration of --push-kb KiB, rendered for that pod,
 * every --push-every seconds (0: never): the cost grows with pods x size
 * x rate, as istiod's full pushes do. It counts every byte it sends and
 * receives, per agent, and writes the counts to --stats after every push
 * and acknowledgement. SIGUSR1 pauses the pushes, SIGUSR2 resumes them.
 *
 *   meshlab-control --listen ADDR:PORT|unix:PATH --push-kb N
 *                   --push-every SECONDS --stats FILE [--lifetime S]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "common.h"
#include "config.h"
#include "push.h"

#define MAX_AGENTS 64
#define SEND_TIMEOUT_MS 5000

struct agent {
	int fd;				/* -1: gone */
	char pod[64];			/* "" until its HELLO */
	struct counted io;
	struct reader rd;
	uint64_t pushes, acks;
};

struct control {
	struct agent agents[MAX_AGENTS];
	int nagents;
	struct counted gone;		/* of agents that left */
	uint64_t version;
	size_t push_bytes;
	char *body;
	const char *stats;
};

static volatile sig_atomic_t paused, stopping;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		paused = 1;
	else if (sig == SIGUSR2)
		paused = 0;
	else
		stopping = 1;
}

static void write_stats(const struct control *cp)
{
	struct counted all = cp->gone;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	const char *sep = "";

	if (!f)
		return;
	for (int i = 0; i < cp->nagents; i++) {
		all.sent += cp->agents[i].io.sent;
		all.received += cp->agents[i].io.received;
	}
	fprintf(f, "{\"pid\":%d,\"paused\":%s,\"version\":%" PRIu64
		",\"push_bytes\":%zu,\"bytes_sent\":%" PRIu64
		",\"bytes_received\":%" PRIu64 ",\"agents\":[",
		getpid(), paused ? "true" : "false", cp->version,
		cp->push_bytes, all.sent, all.received);
	for (int i = 0; i < cp->nagents; i++) {
		const struct agent *a = &cp->agents[i];

		fprintf(f, "%s{\"pod\":\"%s\",\"connected\":%s,\"pushes\":%" PRIu64
			",\"acks\":%" PRIu64 ",\"bytes_sent\":%" PRIu64
			",\"bytes_received\":%" PRIu64 "}", sep, a->pod,
			a->fd >= 0 ? "true" : "false", a->pushes, a->acks,
			a->io.sent, a->io.received);
		sep = ",";
	}
	fputs("]}\n", f);
	fclose(f);
	if (text && write_file(cp->stats, text, len))
		fprintf(stderr, "meshlab-control: %s: %s\n", cp->stats,
			strerror(errno));
	free(text);
}

static void drop(struct control *cp, struct agent *a, const char *why)
{
	fprintf(stderr, "meshlab-control: agent %s: %s\n",
		a->pod[0] ? a->pod : "?", why);
	close(a->fd);
	a->fd = -1;
}

static void accept_agent(struct control *cp, int lfd)
{
	struct timeval tv = { SEND_TIMEOUT_MS / 1000, 0 };
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	struct agent *a;

	if (fd < 0)
		return;
	if (cp->nagents == MAX_AGENTS) {
		close(fd);
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	a = &cp->agents[cp->nagents++];
	memset(a, 0, sizeof(*a));
	a->fd = fd;
	reader_init(&a->rd, fd, &a->io);
}

/* HELLO and ACK lines, as they come. */
static void on_readable(struct control *cp, struct agent *a)
{
	ssize_t n = reader_fill(&a->rd);
	uint64_t version;
	char *line;

	if (n <= 0) {
		if (n < 0 && errno == EINTR)
			return;
		drop(cp, a, n ? strerror(errno) : "closed");
		return;
	}
	while ((line = reader_line(&a->rd))) {
		if (!strncmp(line, "HELLO ", 6))
			snprintf(a->pod, sizeof(a->pod), "%s", line + 6);
		else if (sscanf(line, "ACK %" SCNu64, &version) == 1)
			a->acks++;
		else
			fprintf(stderr, "meshlab-control: agent %s: bad line\n",
				a->pod);
	}
	write_stats(cp);
}

/* One push round: every agent that said hello gets its own rendering. */
static void push_all(struct control *cp)
{
	char head[PUSH_LINE_MAX];
	int n;

	cp->version++;
	for (int i = 0; i < cp->nagents; i++) {
		struct agent *a = &cp->agents[i];

		if (a->fd < 0 || !a->pod[0])
			continue;
		meshlab_config_render(cp->body, cp->push_bytes, cp->version,
				      a->pod);
		n = snprintf(head, sizeof(head), "PUSH %" PRIu64 " %zu\n",
			     cp->version, cp->push_bytes);
		if (send_counted(a->fd, head, n, &a->io) ||
		    send_counted(a->fd, cp->body, cp->push_bytes, &a->io)) {
			drop(cp, a, strerror(errno));
			continue;
		}
		a->pushes++;
	}
	write_stats(cp);
}

/* Agents gone for good leave their counts behind, and their slot: the
 * stats say so. */
static void compact(struct control *cp)
{
	int kept = 0, n = cp->nagents;

	for (int i = 0; i < cp->nagents; i++) {
		struct agent *a = &cp->agents[i];

		if (a->fd >= 0) {
			if (kept != i) {
				cp->agents[kept] = *a;
				cp->agents[kept].rd.c = &cp->agents[kept].io;
			}
			kept++;
			continue;
		}
		cp->gone.sent += a->io.sent;
		cp->gone.received += a->io.received;
	}
	cp->nagents = kept;
	if (kept != n)
		write_stats(cp);
}

static int poll_ms(uint64_t next, uint64_t every)
{
	uint64_t now = now_ns();

	if (!every || paused)
		return 1000;
	return next > now ? (next - now) / NSEC_PER_MSEC + 1 : 0;
}

static void serve(struct control *cp, int lfd, uint64_t every, uint64_t end)
{
	struct pollfd pfd[MAX_AGENTS + 1];
	uint64_t next = now_ns() + every;
	int was_paused = paused;

	while (!stopping && now_ns() < end) {
		pfd[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (int i = 0; i < cp->nagents; i++)
			pfd[i + 1] = (struct pollfd){ .fd = cp->agents[i].fd,
						      .events = POLLIN };
		if (poll(pfd, cp->nagents + 1, poll_ms(next, every)) < 0 &&
		    errno != EINTR)
			die("meshlab-control: poll: %s", strerror(errno));
		if (was_paused != paused) {
			was_paused = paused;
			next = now_ns() + every;
			write_stats(cp);
		}
		for (int i = 0; i < cp->nagents; i++)
			if (pfd[i + 1].revents)
				on_readable(cp, &cp->agents[i]);
		if (pfd[0].revents & POLLIN)
			accept_agent(cp, lfd);
		compact(cp);
		if (every && !paused && now_ns() >= next) {
			push_all(cp);
			next += every;
			if (next < now_ns())	/* fell behind: no burst */
				next = now_ns() + every;
		}
	}
}

static void usage(void)
{
	die("usage: meshlab-control --listen ADDR:PORT|unix:PATH --push-kb N --push-every SECONDS --stats FILE [--lifetime S]");
}

/* One option and its value; -1 when either is bad. */
static int option(struct control *cp, const char *opt, const char *v,
		  const char **listen_at, uint64_t *kb, double *every,
		  double *lifetime)
{
	if (!strcmp(opt, "--listen"))
		*listen_at = v;
	else if (!strcmp(opt, "--stats"))
		cp->stats = v;
	else if (!strcmp(opt, "--push-kb"))
		return parse_u64(v, 1, 65536, kb);
	else if (!strcmp(opt, "--push-every"))
		return parse_double(v, 0, 3600, every);
	else if (!strcmp(opt, "--lifetime"))
		return parse_double(v, 0.1, 864000, lifetime);
	else
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct control cp = { 0 };
	const char *listen_at = NULL;
	double every = -1, lifetime = 86400;
	struct endpoint ep;
	uint64_t kb = 0;
	int lfd;

	for (int i = 1; i < argc; i += 2)
		if (i + 1 == argc || option(&cp, argv[i], argv[i + 1], &listen_at,
					    &kb, &every, &lifetime))
			usage();
	if (!listen_at || !kb || every < 0 || !cp.stats)
		usage();
	if (endpoint_parse(listen_at, &ep))
		die("meshlab-control: bad --listen %s", listen_at);
	cp.push_bytes = kb * 1024;
	cp.body = malloc(cp.push_bytes);
	if (!cp.body)
		die("meshlab-control: out of memory");
	/* No SA_RESTART: a signal ends poll() at once. */
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	lfd = endpoint_listen(&ep);
	if (lfd < 0)
		die("meshlab-control: listen %s: %s", listen_at, strerror(errno));
	write_stats(&cp);
	serve(&cp, lfd, every * NSEC_PER_SEC, now_ns() + lifetime * NSEC_PER_SEC);
	write_stats(&cp);
	return 0;
}
