// SPDX-License-Identifier: GPL-2.0
/* Sockets and addresses of a network namespace from procfs (socktab.h). */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "array.h"
#include "socktab.h"
#include "textfile.h"
#include "peer.h"		/* after the types socktab.h brings */

/* @hex, @words 32-bit words as the kernel prints them (each in host
 * order, "%08X"), into @addr in network order. */
static int parse_addr(const char *hex, int words, __u8 *addr)
{
	for (int i = 0; i < words; i++) {
		char word[9];
		uint32_t v;
		char *end;

		memcpy(word, hex + 8 * i, 8);
		word[8] = '\0';
		v = strtoul(word, &end, 16);
		if (*end)
			return -1;
		memcpy(addr + 4 * i, &v, 4);
	}
	return 0;
}

/* "ADDR:PORT" of a tcp (@v6 false) or tcp6 line into @k. */
static int parse_end(const char *s, bool v6, struct peer_key *k)
{
	int words = v6 ? 4 : 1;
	__u8 a[16];
	char *end;
	unsigned long port;

	if (strlen(s) != (size_t)words * 8 + 5 || s[words * 8] != ':' ||
	    parse_addr(s, words, a))
		return -1;
	port = strtoul(s + words * 8 + 1, &end, 16);
	if (*end || port > 65535)
		return -1;
	memset(k, 0, sizeof(*k));
	if (v6) {
		memcpy(k->addr, a, 16);
	} else {
		uint32_t v4;

		memcpy(&v4, a, 4);
		peer_addr_v4(k->addr, v4);
	}
	k->port = port;
	return 0;
}

static int parse_line(const char *line, bool v6, struct sock_entry *e)
{
	char local[48], remote[48];
	unsigned int state;
	unsigned long inode;

	/* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
	if (sscanf(line, " %*[0-9]: %47s %47s %x %*s %*s %*s %*u %*u %lu",
		   local, remote, &state, &inode) != 4)
		return -1;
	if (parse_end(local, v6, &e->local) || parse_end(remote, v6, &e->remote))
		return -1;
	e->state = state;
	e->inode = inode;
	return 0;
}

int socktab_parse(const char *text, bool v6, sock_entry_fn fn, void *ctx)
{
	struct sock_entry e;
	const char *line = text, *nl;
	char buf[512];
	int ret;

	/* The first line is the header. */
	for (nl = strchr(line, '\n'); nl; line = nl + 1, nl = strchr(line, '\n')) {
		size_t len = nl - line;

		if (line == text || !len)
			continue;
		if (len >= sizeof(buf))
			return -1;
		memcpy(buf, line, len);
		buf[len] = '\0';
		if (parse_line(buf, v6, &e))
			return -1;
		ret = fn(&e, ctx);
		if (ret)
			return ret;
	}
	return 0;
}

int socktab_v4_addrs(const char *fib_trie, addr_fn fn, void *ctx)
{
	__u8 seen[64][16], addr[16];
	const char *p = fib_trie;
	char ip[16] = "";
	size_t nseen = 0;
	int ret;

	/* "|-- ADDR" names a leaf; its "/32 host LOCAL" line says the
	 * address is the namespace's own. Main and Local list it twice. */
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		char word[16];

		if (sscanf(p, " |-- %15s", word) == 1) {
			snprintf(ip, sizeof(ip), "%s", word);
		} else if (!strncmp(p + strspn(p, " "), "/32 host LOCAL", 14) &&
			   ip[0]) {
			struct in_addr v4;

			if (inet_pton(AF_INET, ip, &v4) != 1)
				return -1;
			peer_addr_v4(addr, v4.s_addr);
			for (size_t i = 0; i < nseen; i++)
				if (!memcmp(seen[i], addr, 16))
					goto next;
			if (nseen < sizeof(seen) / sizeof(seen[0]))
				memcpy(seen[nseen++], addr, 16);
			ret = fn(addr, ctx);
			if (ret)
				return ret;
		}
next:
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

int socktab_v6_addrs(const char *if_inet6, addr_fn fn, void *ctx)
{
	const char *p = if_inet6;
	__u8 addr[16];
	int ret;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		char hex[33];
		unsigned int idx, plen, scope;

		/* ADDR IFINDEX PREFIXLEN SCOPE FLAGS NAME: scope 0 is
		 * global; link-local is a per-link address. */
		if (sscanf(p, "%32s %x %x %x", hex, &idx, &plen, &scope) != 4 ||
		    strlen(hex) != 32)
			return -1;
		for (int i = 0; i < 16; i++) {
			unsigned int byte;

			if (sscanf(hex + 2 * i, "%2x", &byte) != 1)
				return -1;
			addr[i] = byte;
		}
		if (!scope) {
			ret = fn(addr, ctx);
			if (ret)
				return ret;
		}
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

struct listen_ctx {
	const struct netns_text *t;
	const unsigned long *inodes;
	size_t ninodes;
	struct peer_key *out;
	size_t n, cap;
	uint16_t port;		/* of the wildcard being expanded */
	bool v6;		/* its socket's family */
};

static bool any_addr(const __u8 *a, bool v6)
{
	static const __u8 any[16], any4[16] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(a, v6 ? any : any4, 16);
}

static int add_endpoint(const __u8 addr[16], void *arg)
{
	struct listen_ctx *c = arg;
	struct peer_key *k;

	if (peer_loopback(addr))
		return 0;
	for (size_t i = 0; i < c->n; i++)
		if (!memcmp(c->out[i].addr, addr, 16) && c->out[i].port == c->port)
			return 0;
	k = array_push((void **)&c->out, &c->n, &c->cap, sizeof(*k));
	if (!k)
		return -ENOMEM;
	memcpy(k->addr, addr, 16);
	k->port = c->port;
	return 0;
}

static bool owned(const struct listen_ctx *c, unsigned long inode)
{
	for (size_t i = 0; i < c->ninodes; i++)
		if (c->inodes[i] == inode)
			return true;
	return false;
}

static int on_socket(const struct sock_entry *e, void *arg)
{
	struct listen_ctx *c = arg;
	int ret;

	if (e->state != SOCKTAB_LISTEN || !owned(c, e->inode))
		return 0;
	c->port = e->local.port;
	if (!any_addr(e->local.addr, c->v6))
		return add_endpoint(e->local.addr, c);
	/* A wildcard IPv6 socket also takes IPv4, as mapped addresses. */
	ret = socktab_v4_addrs(c->t->fib_trie, add_endpoint, c);
	if (!ret && c->v6)
		ret = socktab_v6_addrs(c->t->if_inet6, add_endpoint, c);
	return ret;
}

int socktab_listeners(const struct netns_text *t, const unsigned long *inodes,
		      size_t ninodes, struct peer_key **out, size_t *n)
{
	struct listen_ctx c = { .t = t, .inodes = inodes, .ninodes = ninodes };
	int ret = 0;

	if (t->tcp)
		ret = socktab_parse(t->tcp, false, on_socket, &c);
	c.v6 = true;
	if (!ret && t->tcp6)
		ret = socktab_parse(t->tcp6, true, on_socket, &c);
	if (ret) {
		free(c.out);
		return ret;
	}
	*out = c.out;
	*n = c.n;
	return 0;
}

/* The inodes of @pid's sockets, from its descriptors. */
static int socket_inodes(uint32_t pid, unsigned long **out, size_t *n)
{
	size_t cap = 0;
	struct dirent *d;
	char path[64];
	DIR *dir;

	*out = NULL;
	*n = 0;
	snprintf(path, sizeof(path), "/proc/%" PRIu32 "/fd", pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		char link[320], target[64];
		unsigned long *slot, inode;
		ssize_t len;

		snprintf(link, sizeof(link), "%s/%s", path, d->d_name);
		len = readlink(link, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		if (sscanf(target, "socket:[%lu]", &inode) != 1)
			continue;
		slot = array_push((void **)out, n, &cap, sizeof(*slot));
		if (!slot)
			break;
		*slot = inode;
	}
	closedir(dir);
	return 0;
}

/* /proc/@pid/net/@name, or NULL. */
static char *net_file(uint32_t pid, const char *name)
{
	char path[64], *text;

	snprintf(path, sizeof(path), "/proc/%" PRIu32 "/net/%s", pid, name);
	return text_read(path, &text, NULL, 0) ? NULL : text;
}

int proc_listeners(uint32_t pid, struct peer_key **out, size_t *n)
{
	struct netns_text t;
	unsigned long *inodes;
	size_t ninodes;
	int ret;

	*out = NULL;
	*n = 0;
	if (socket_inodes(pid, &inodes, &ninodes))
		return -1;
	t = (struct netns_text){ net_file(pid, "tcp"), net_file(pid, "tcp6"),
				 net_file(pid, "fib_trie"),
				 net_file(pid, "if_inet6") };
	ret = ninodes ? socktab_listeners(&t, inodes, ninodes, out, n) : 0;
	free((void *)t.tcp);
	free((void *)t.tcp6);
	free((void *)t.fib_trie);
	free((void *)t.if_inet6);
	free(inodes);
	return ret;
}
