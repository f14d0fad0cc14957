// SPDX-License-Identifier: GPL-2.0
/*
 * wirecheck: request/response times as seen on the wire, independently of
 * meshprof. Captures TCP on one interface with libpcap; for every
 * connection to PORT, the time from the first payload packet of a request
 * (toward PORT) to the first payload packet of the response (from PORT).
 * Prints count and percentiles as JSON.
 *
 *   wirecheck -i IFACE -p PORT -d SECONDS
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_CONNS 4096
#define MAX_SAMPLES (1 << 20)

struct conn {
	uint32_t client_addr;
	uint16_t client_port;
	int in_request;		/* request seen, response not yet */
	double request_ts;
};

static struct conn conns[MAX_CONNS];
static int nconns;
static double *samples;
static size_t nsamples;
static uint16_t server_port;

static struct conn *conn_of(uint32_t addr, uint16_t port)
{
	for (int i = 0; i < nconns; i++)
		if (conns[i].client_addr == addr && conns[i].client_port == port)
			return &conns[i];
	if (nconns == MAX_CONNS)
		return NULL;
	conns[nconns] = (struct conn){ .client_addr = addr, .client_port = port };
	return &conns[nconns++];
}

/* Offset of the IPv4 header for the link types we capture on. */
static int ip_offset(int linktype)
{
	switch (linktype) {
	case DLT_EN10MB:
		return 14;
	case DLT_LINUX_SLL:
		return 16;
	case DLT_RAW:
		return 0;
	default:
		return -1;
	}
}

static int linktype;

static void on_packet(u_char *user, const struct pcap_pkthdr *h,
		      const u_char *pkt)
{
	int off = ip_offset(linktype);
	const struct iphdr *ip;
	const struct tcphdr *tcp;
	unsigned int ihl, thl, payload;
	double ts = h->ts.tv_sec + h->ts.tv_usec / 1e6;
	struct conn *c;

	if (off < 0 || h->caplen < (unsigned int)off + sizeof(*ip))
		return;
	ip = (const struct iphdr *)(pkt + off);
	if (ip->version != 4 || ip->protocol != IPPROTO_TCP)
		return;
	ihl = ip->ihl * 4;
	if (h->caplen < off + ihl + sizeof(*tcp))
		return;
	tcp = (const struct tcphdr *)(pkt + off + ihl);
	thl = tcp->doff * 4;
	payload = ntohs(ip->tot_len) - ihl - thl;
	if (!payload)
		return;
	if (ntohs(tcp->dest) == server_port) {
		c = conn_of(ip->saddr, ntohs(tcp->source));
		if (c && !c->in_request) {
			c->in_request = 1;
			c->request_ts = ts;
		}
	} else if (ntohs(tcp->source) == server_port) {
		c = conn_of(ip->daddr, ntohs(tcp->dest));
		if (c && c->in_request) {
			c->in_request = 0;
			if (nsamples < MAX_SAMPLES)
				samples[nsamples++] = ts - c->request_ts;
		}
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(double p)
{
	size_t rank;

	if (!nsamples)
		return 0;
	rank = (size_t)(p / 100.0 * nsamples + 0.999999);
	return samples[(rank ? rank : 1) - 1];
}

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE], filter[64];
	const char *iface = NULL;
	double duration = 0, end;
	struct bpf_program prog;
	struct pollfd pfd;
	struct timespec now;
	pcap_t *pc;
	int c;

	while ((c = getopt(argc, argv, "i:p:d:")) != -1) {
		switch (c) {
		case 'i': iface = optarg; break;
		case 'p': server_port = atoi(optarg); break;
		case 'd': duration = atof(optarg); break;
		default:
			fprintf(stderr, "usage: wirecheck -i IFACE -p PORT -d SECONDS\n");
			return 2;
		}
	}
	if (!iface || !server_port || duration <= 0 || duration > 3600) {
		fprintf(stderr, "usage: wirecheck -i IFACE -p PORT -d SECONDS\n");
		return 2;
	}
	samples = malloc(MAX_SAMPLES * sizeof(*samples));
	pc = pcap_create(iface, errbuf);
	if (!pc || pcap_set_snaplen(pc, 128) || pcap_set_timeout(pc, 100) ||
	    pcap_set_immediate_mode(pc, 1) || pcap_activate(pc) < 0 ||
	    pcap_setnonblock(pc, 1, errbuf) < 0) {
		fprintf(stderr, "wirecheck: %s: %s\n", iface,
			pc ? pcap_geterr(pc) : errbuf);
		return 1;
	}
	snprintf(filter, sizeof(filter), "tcp port %u", server_port);
	if (pcap_compile(pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) ||
	    pcap_setfilter(pc, &prog)) {
		fprintf(stderr, "wirecheck: filter: %s\n", pcap_geterr(pc));
		return 1;
	}
	linktype = pcap_datalink(pc);
	clock_gettime(CLOCK_MONOTONIC, &now);
	end = now.tv_sec + now.tv_nsec / 1e9 + duration;
	/* Immediate mode ignores the read timeout: poll so that a quiet
	 * interface cannot hold us past the deadline. */
	pfd.fd = pcap_get_selectable_fd(pc);
	pfd.events = POLLIN;
	while (now.tv_sec + now.tv_nsec / 1e9 < end) {
		if (poll(&pfd, 1, 100) > 0 &&
		    pcap_dispatch(pc, -1, on_packet, NULL) < 0)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
	}
	qsort(samples, nsamples, sizeof(*samples), cmp_double);
	printf("{\"count\": %zu, \"p50_seconds\": %.9f, \"p90_seconds\": %.9f, "
	       "\"p99_seconds\": %.9f, \"max_seconds\": %.9f}\n", nsamples,
	       pct(50), pct(90), pct(99), nsamples ? samples[nsamples - 1] : 0);
	pcap_close(pc);
	free(samples);
	return 0;
}
