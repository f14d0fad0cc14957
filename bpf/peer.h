/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A socket's peer class (enum peer_class in meshprof.h), decided once per
 * socket at its first I/O and kept in its state. The decision is shared
 * by the kernel (meshprof.bpf.c, with its maps) and user space
 * (classify/peers.c, with a table, for the unit tests): define
 * PEER_LOOKUP(table, key) to what returns a __u8 * class or NULL before
 * including this file; without it, only the address helpers are here.
 * The maps' layouts are in meshprof.h.
 */
#ifndef MESHPROF_PEER_H
#define MESHPROF_PEER_H

/* @v4 (network byte order) as a peer address: IPv4 mapped. */
static __always_inline void peer_addr_v4(__u8 *addr, __u32 v4)
{
	for (int i = 0; i < 10; i++)
		addr[i] = 0;
	addr[10] = 0xff;
	addr[11] = 0xff;
	__builtin_memcpy(&addr[12], &v4, 4);
}

/* 127.0.0.0/8 (mapped) or ::1. */
static __always_inline bool peer_loopback(const __u8 *a)
{
	__u8 zero = 0;

	for (int i = 0; i < 10; i++)
		zero |= a[i];
	if (zero)
		return false;
	if (a[10] == 0xff && a[11] == 0xff)
		return a[12] == 127;
	return !a[10] && !a[11] && !a[12] && !a[13] && !a[14] && a[15] == 1;
}

static __always_inline bool peer_same_addr(const __u8 *a, const __u8 *b)
{
	__u8 diff = 0;

	for (int i = 0; i < 16; i++)
		diff |= a[i] ^ b[i];
	return !diff;
}

#ifdef PEER_LOOKUP

/*
 * An inet socket from its @local and @remote ends (ports in host order),
 * owned by a process of @mesh. An unconnected UDP socket has a peer per
 * datagram and none here. Else: an endpoint the rules name; then the
 * socket's own pod, where only loopback or the pod's own address lead
 * (the capture of an app's outbound traffic arrives from the pod's address
 * at a loopback one); then a port the rules name for the owner's mesh or
 * for every process; else another proxy. @key is scratch.
 */
static __always_inline __u8 peer_of_inet(void *rules,
					 const struct peer_key *local,
					 const struct peer_key *remote,
					 __u8 mesh, struct peer_key *key)
{
	const __u8 *class;

	if (!remote->port)
		return PEER_OTHER;
	*key = *remote;
	key->mesh = 0;
	key->pad = 0;
	class = PEER_LOOKUP(rules, key);
	if (class)
		return *class;
	if (peer_loopback(local->addr) || peer_loopback(remote->addr) ||
	    peer_same_addr(local->addr, remote->addr))
		return PEER_APP;
	for (int i = 0; i < 16; i++)
		key->addr[i] = 0;
	if (mesh) {
		key->mesh = mesh;
		class = PEER_LOOKUP(rules, key);
		if (class)
			return *class;
		key->mesh = 0;
	}
	class = PEER_LOOKUP(rules, key);
	return class ? *class : PEER_MESH;
}

/* A Unix socket, from what user space knows of the process at its other
 * end (NULL: nothing, or no peer credentials). */
static __always_inline __u8 peer_of_unix(const struct peer_proc *peer)
{
	return peer && peer->kind < PEER_MAX ? peer->kind : PEER_OTHER;
}

#endif

#endif
