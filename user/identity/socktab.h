/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A network namespace's sockets and addresses as procfs shows them
 * (/proc/PID/net/tcp, tcp6, fib_trie, if_inet6), and the TCP endpoints a
 * process listens on: where a control plane on this node is reached.
 */
#ifndef MESHPROF_SOCKTAB_H
#define MESHPROF_SOCKTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kinds.h"

#define SOCKTAB_LISTEN 10	/* TCP_LISTEN in the st column */

/* One socket of /proc/net/tcp or tcp6: addresses IPv6 (IPv4 mapped),
 * ports in host order, peer_key's mesh 0. */
struct sock_entry {
	struct peer_key local, remote;
	unsigned int state;
	unsigned long inode;
};

typedef int (*sock_entry_fn)(const struct sock_entry *e, void *ctx);
typedef int (*addr_fn)(const __u8 addr[16], void *ctx);

/* Calls @fn for each socket of @text, a tcp (@v6 false) or tcp6 table;
 * stops when it returns non-zero and returns that; -1 when malformed. */
int socktab_parse(const char *text, bool v6, sock_entry_fn fn, void *ctx);
/* Calls @fn for each local IPv4 address of a fib_trie text (/32 host
 * LOCAL), once each, loopback included. */
int socktab_v4_addrs(const char *fib_trie, addr_fn fn, void *ctx);
/* Calls @fn for each global-scope address of an if_inet6 text. */
int socktab_v6_addrs(const char *if_inet6, addr_fn fn, void *ctx);

/* What a network namespace's procfs says, for socktab_listeners(). */
struct netns_text {
	const char *tcp, *tcp6, *fib_trie, *if_inet6;	/* NULL: none */
};

/*
 * The TCP endpoints listened on by the sockets whose inodes are in
 * @inodes, a wildcard address standing for each of the namespace's own
 * addresses (an IPv6 one for the IPv4 ones too). Loopback is left out:
 * it is every namespace's own, and the peer rules are the node's. Sets
 * *@out (free it) and *@n; -ENOMEM, or -1 on a malformed text.
 */
int socktab_listeners(const struct netns_text *t, const unsigned long *inodes,
		      size_t ninodes, struct peer_key **out, size_t *n);
/* The same for the live process @pid, from its own procfs files and
 * descriptors; -1 when it is gone. */
int proc_listeners(uint32_t pid, struct peer_key **out, size_t *n);

#endif
