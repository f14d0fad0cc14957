// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for sockets' peer classes (bpf/peer.h, classify/peers.c) and
 * the procfs socket tables they are learned from (identity/socktab.c): a
 * sidecar pod's TCP sockets, IPv4 and IPv6, as /proc/net/tcp and tcp6
 * print them, classified against the built-in control-plane ports, a
 * rules file's overrides, and a control plane on the node whose endpoints
 * are learned from its own tables; and Unix sockets by their peer process.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "peers.h"
#include "rules.h"
#include "socktab.h"

#define HDR4 "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
#define HDR6 "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
#define TAIL " 00000000:00000000 00:00000000 00000000  1337        0 "

/* A control plane on the node, pod 10.244.1.20 (fd00:10:244:1::20):
 * its netns's tables. It owns inodes 5001-5003; 6000 is another
 * process's in the same pod. */
static const char cp_tcp[] = HDR4
	/* 0.0.0.0:15110 LISTEN: its xDS port, not a well-known one */
	"   0: 00000000:3B06 00000000:0000 0A" TAIL "5001 1 0000000000000000 100 0 0 10 0\n"
	/* 127.0.0.1:9876 LISTEN: loopback, every pod's own */
	"   1: 0100007F:2694 00000000:0000 0A" TAIL "5002 1 0000000000000000 100 0 0 10 0\n"
	/* 0.0.0.0:8080 LISTEN, not the control plane's socket */
	"   2: 00000000:1F90 00000000:0000 0A" TAIL "6000 1 0000000000000000 100 0 0 10 0\n"
	/* 10.244.1.20:15110 <- 10.244.1.7:45000, an accepted stream */
	"   3: 1401F40A:3B06 0701F40A:AFC8 01" TAIL "5010 1 0000000000000000 20 4 30 10 -1\n";
static const char cp_tcp6[] = HDR6
	/* [::]:15014 LISTEN: IPv6 and IPv4 */
	"   0: 00000000000000000000000000000000:3AA6 00000000000000000000000000000000:0000 0A" TAIL "5003 1 0000000000000000 100 0 0 10 0\n";
static const char cp_fib_trie[] =
	"Main:\n"
	"  +-- 0.0.0.0/0 3 0 5\n"
	"     |-- 0.0.0.0\n"
	"        /0 universe UNICAST\n"
	"     +-- 10.244.1.0/24 2 0 2\n"
	"        |-- 10.244.1.0\n"
	"           /24 link UNICAST\n"
	"        |-- 10.244.1.20\n"
	"           /32 host LOCAL\n"
	"     +-- 127.0.0.0/8 2 0 2\n"
	"        +-- 127.0.0.0/31 1 0 0\n"
	"           |-- 127.0.0.0\n"
	"              /8 host LOCAL\n"
	"           |-- 127.0.0.1\n"
	"              /32 host LOCAL\n"
	"        |-- 127.255.255.255\n"
	"           /32 link BROADCAST\n"
	"Local:\n"
	"  +-- 0.0.0.0/0 3 0 5\n"
	"     +-- 10.244.1.0/24 2 0 2\n"
	"        |-- 10.244.1.20\n"
	"           /32 host LOCAL\n"
	"     +-- 127.0.0.0/8 2 0 2\n"
	"           |-- 127.0.0.1\n"
	"              /32 host LOCAL\n";
static const char cp_if_inet6[] =
	"fd000010024400010000000000000020 02 40 00 80     eth0\n"
	"00000000000000000000000000000001 01 80 10 80       lo\n"
	"fe800000000000000000000000000020 02 40 20 80     eth0\n";

/* A sidecar pod, 10.244.1.7 (fd00:10:244:1::7), its proxy's sockets. */
static const char sidecar_tcp[] = HDR4
	/* 127.0.0.1:15001 <- 10.244.1.7:40000: its app's captured call */
	"   0: 0100007F:3A99 0701F40A:9C40 01" TAIL "7001 1 0000000000000000 20 4 30 10 -1\n"
	/* 10.244.1.7:41000 -> 10.244.2.9:8080: another pod's sidecar */
	"   1: 0701F40A:A028 0902F40A:1F90 01" TAIL "7002 1 0000000000000000 20 4 30 10 -1\n"
	/* -> 10.96.0.10:15012: istiod's ClusterIP, mTLS xDS */
	"   2: 0701F40A:A410 0A00600A:3AA4 01" TAIL "7003 1 0000000000000000 20 4 30 10 -1\n"
	/* 10.244.1.7:15006 <- 10.244.2.9:50000: a peer sidecar's call */
	"   3: 0701F40A:3A9E 0902F40A:C350 01" TAIL "7004 1 0000000000000000 20 4 30 10 -1\n"
	/* 127.0.0.6:43000 -> 10.244.1.7:8080: inbound, to its app */
	"   4: 0600007F:A7F8 0701F40A:1F90 01" TAIL "7005 1 0000000000000000 20 4 30 10 -1\n"
	/* 127.0.0.1:44000 -> 127.0.0.1:15000: pilot-agent to Envoy's admin */
	"   5: 0100007F:ABE0 0100007F:3A98 01" TAIL "7006 1 0000000000000000 20 4 30 10 -1\n"
	/* -> 10.244.1.20:15110: the control plane on this node */
	"   6: 0701F40A:AFC8 1401F40A:3B06 01" TAIL "7007 1 0000000000000000 20 4 30 10 -1\n"
	/* -> 10.244.3.3:15110: the same port elsewhere */
	"   7: 0701F40A:B3B0 0303F40A:3B06 01" TAIL "7008 1 0000000000000000 20 4 30 10 -1\n"
	/* -> 10.244.2.9:9090, -> 10.1.1.1:9901: named by the rules file */
	"   8: 0701F40A:B798 0902F40A:2382 01" TAIL "7009 1 0000000000000000 20 4 30 10 -1\n"
	"   9: 0701F40A:BB80 0101010A:26AD 01" TAIL "7010 1 0000000000000000 20 4 30 10 -1\n"
	/* 0.0.0.0:15001 LISTEN: no I/O, never classified */
	"  10: 00000000:3A99 00000000:0000 0A" TAIL "7011 1 0000000000000000 100 0 0 10 0\n";
static const char sidecar_tcp6[] = HDR6
	/* [fd00:10:244:1::7]:47000 -> [fd00:10:96::10]:15012 */
	"   0: 100000FD010044020000000007000000:B798 100000FD000096000000000010000000:3AA4 01" TAIL "8001 1 0000000000000000 20 4 30 10 -1\n"
	/* [::ffff:127.0.0.1]:15001 <- [::ffff:10.244.1.7]:48000 */
	"   1: 0000000000000000FFFF00000100007F:3A99 0000000000000000FFFF00000701F40A:BB80 01" TAIL "8002 1 0000000000000000 20 4 30 10 -1\n"
	/* [::1]:49000 -> [::1]:15020 */
	"   2: 00000000000000000000000001000000:BF68 00000000000000000000000001000000:3AAC 01" TAIL "8003 1 0000000000000000 20 4 30 10 -1\n"
	/* -> [fd00:10:244:1::20]:15014: the control plane, over IPv6 */
	"   3: 100000FD010044020000000007000000:C350 100000FD010044020000000020000000:3AA6 01" TAIL "8004 1 0000000000000000 20 4 30 10 -1\n"
	/* -> [fd00:10:244:2::9]:8080 */
	"   4: 100000FD010044020000000007000000:C738 100000FD020044020000000009000000:1F90 01" TAIL "8005 1 0000000000000000 20 4 30 10 -1\n";

static const char user_rules[] =
	"peer=control addr=10.244.2.9 port=9090\n"
	"peer=app port=9901\n";

struct want {
	unsigned long inode;
	enum peer_class istio, linkerd;	/* owned by a proxy of each mesh */
};

static const struct want wants[] = {
	{ 7001, PEER_APP, PEER_APP },
	{ 7002, PEER_MESH, PEER_CONTROL },	/* 8080: linkerd-identity */
	{ 7003, PEER_CONTROL, PEER_MESH },	/* 15012: istiod */
	{ 7004, PEER_MESH, PEER_MESH },
	{ 7005, PEER_APP, PEER_APP },
	{ 7006, PEER_APP, PEER_APP },		/* known error: same pod */
	{ 7007, PEER_CONTROL, PEER_CONTROL },	/* learned */
	{ 7008, PEER_MESH, PEER_MESH },
	{ 7009, PEER_CONTROL, PEER_CONTROL },	/* addr= rule */
	{ 7010, PEER_APP, PEER_APP },		/* port= rule */
	{ 8001, PEER_CONTROL, PEER_MESH },
	{ 8002, PEER_APP, PEER_APP },
	{ 8003, PEER_APP, PEER_APP },
	{ 8004, PEER_CONTROL, PEER_CONTROL },
	{ 8005, PEER_MESH, PEER_CONTROL },
};

struct classify_ctx {
	const struct peer_table *t;
	int seen;
};

static const struct want *want_of(unsigned long inode)
{
	for (size_t i = 0; i < sizeof(wants) / sizeof(wants[0]); i++)
		if (wants[i].inode == inode)
			return &wants[i];
	return NULL;
}

static int check_socket(const struct sock_entry *e, void *arg)
{
	struct classify_ctx *c = arg;
	const struct want *w = want_of(e->inode);
	enum peer_class got;

	if (e->state == SOCKTAB_LISTEN)
		return 0;
	assert_non_null(w);
	got = peer_classify_inet(c->t, &e->local, &e->remote, MESH_ISTIO);
	if (got != w->istio)
		fail_msg("inode %lu, istio: got %s, want %s", e->inode,
			 peer_name(got), peer_name(w->istio));
	got = peer_classify_inet(c->t, &e->local, &e->remote, MESH_LINKERD);
	if (got != w->linkerd)
		fail_msg("inode %lu, linkerd: got %s, want %s", e->inode,
			 peer_name(got), peer_name(w->linkerd));
	c->seen++;
	return 0;
}

/* The node's table: the rules file's, the built-ins, what was learned. */
static void node_table(struct peer_table *t, const char *rules_text)
{
	static const unsigned long owned[] = { 5001, 5002, 5003 };
	const struct netns_text cp = { cp_tcp, cp_tcp6, cp_fib_trie,
				       cp_if_inet6 };
	struct ruleset rs = { 0 };
	struct peer_key *keys;
	char err[256];
	size_t n;

	assert_int_equal(rules_parse(&rs, rules_text, "t.rules", err,
				     sizeof(err)), 0);
	assert_int_equal(rules_add_builtin(&rs), 0);
	memset(t, 0, sizeof(*t));
	assert_int_equal(peer_table_from_rules(t, &rs), 0);
	assert_int_equal(socktab_listeners(&cp, owned, 3, &keys, &n), 0);
	for (size_t i = 0; i < n; i++)
		assert_true(peer_table_add(t, &keys[i], PEER_CONTROL) >= 0);
	free(keys);
	rules_free(&rs);
}

static void test_sidecar_sockets(void **state)
{
	struct peer_table t;
	struct classify_ctx c = { .t = &t };

	node_table(&t, user_rules);
	assert_int_equal(socktab_parse(sidecar_tcp, false, check_socket, &c), 0);
	assert_int_equal(socktab_parse(sidecar_tcp6, true, check_socket, &c), 0);
	assert_int_equal(c.seen, sizeof(wants) / sizeof(wants[0]));
	peer_table_free(&t);
}

static void key_of(struct peer_key *k, const char *addr, __u16 port)
{
	struct in_addr v4;

	memset(k, 0, sizeof(*k));
	if (inet_pton(AF_INET6, addr, k->addr) != 1) {
		assert_int_equal(inet_pton(AF_INET, addr, &v4), 1);
		k->addr[10] = k->addr[11] = 0xff;
		memcpy(k->addr + 12, &v4, 4);
	}
	k->port = port;
}

static void test_listeners(void **state)
{
	static const unsigned long owned[] = { 5001, 5002, 5003 };
	const struct netns_text cp = { cp_tcp, cp_tcp6, cp_fib_trie,
				       cp_if_inet6 };
	struct peer_key *keys, want[3];
	size_t n;

	key_of(&want[0], "10.244.1.20", 15110);
	key_of(&want[1], "10.244.1.20", 15014);
	key_of(&want[2], "fd00:10:244:1::20", 15014);
	assert_int_equal(socktab_listeners(&cp, owned, 3, &keys, &n), 0);
	/* Not loopback, not link-local, not another process's 8080; each
	 * address once though Main and Local both list it. */
	assert_int_equal(n, 3);
	for (int i = 0; i < 3; i++)
		assert_memory_equal(&keys[i], &want[i], sizeof(want[i]));
	free(keys);
	/* None owned, none listened on. */
	assert_int_equal(socktab_listeners(&cp, NULL, 0, &keys, &n), 0);
	assert_int_equal(n, 0);
	free(keys);
}

/* Overrides: the rules file's ports and addresses beat the built-ins,
 * as its process rules do. */
static void test_overrides(void **state)
{
	struct peer_key local, remote;
	struct peer_table t;

	node_table(&t, "peer=mesh port=15012 mesh=istio\n"
		       "peer=mesh port=8080\n"
		       "peer=app addr=10.96.0.10 port=15012\n"
		       "peer=control addr=127.0.0.1 port=15000\n");
	key_of(&local, "10.244.1.7", 42000);
	key_of(&remote, "10.96.0.11", 15012);
	assert_int_equal(peer_classify_inet(&t, &local, &remote, MESH_ISTIO),
			 PEER_MESH);
	/* The istio-ambient built-in still holds for its own mesh. */
	assert_int_equal(peer_classify_inet(&t, &local, &remote,
					    MESH_ISTIO_AMBIENT), PEER_CONTROL);
	/* A rule for any mesh comes after the owner's mesh's own. */
	key_of(&remote, "10.244.2.9", 8080);
	assert_int_equal(peer_classify_inet(&t, &local, &remote, MESH_LINKERD),
			 PEER_CONTROL);
	assert_int_equal(peer_classify_inet(&t, &local, &remote, MESH_NONE),
			 PEER_MESH);
	/* An address rule comes first of all, loopback included. */
	key_of(&remote, "10.96.0.10", 15012);
	assert_int_equal(peer_classify_inet(&t, &local, &remote, MESH_ISTIO),
			 PEER_APP);
	key_of(&local, "127.0.0.1", 44000);
	key_of(&remote, "127.0.0.1", 15000);
	assert_int_equal(peer_classify_inet(&t, &local, &remote, MESH_ISTIO),
			 PEER_CONTROL);
	/* No process's mesh: only rules for any mesh apply. */
	key_of(&local, "10.244.1.7", 42000);
	key_of(&remote, "10.96.0.10", 15010);
	assert_int_equal(peer_classify_inet(&t, &local, &remote, MESH_NONE),
			 PEER_MESH);
	assert_int_equal(peer_classify_inet(&t, &local, &remote, MESH_ISTIO),
			 PEER_CONTROL);
	peer_table_free(&t);
}

/* An unconnected UDP socket (DNS from an unbound socket) has no peer. */
static void test_unconnected(void **state)
{
	struct peer_key local, remote;
	struct peer_table t;

	node_table(&t, "");
	key_of(&local, "0.0.0.0", 39999);
	key_of(&remote, "0.0.0.0", 0);
	assert_int_equal(peer_classify_inet(&t, &local, &remote, MESH_ISTIO),
			 PEER_OTHER);
	peer_table_free(&t);
}

/*
 * Unix sockets, as `ss -xp` shows an Istio node's: each by the process
 * at its other end, which the engine told the kernel of (its role), or
 * none that it knows.
 */
static void test_unix_sockets(void **state)
{
	static const struct {
		const char *socket;	/* what the socket is */
		int peer_role;		/* -1: not a process meshprof knows */
		enum peer_class want;
	} cases[] = {
		{ "envoy -> /etc/istio/proxy/XDS (pilot-agent)", ROLE_SIDECAR,
		  PEER_MESH },
		{ "pilot-agent <- envoy, SDS", ROLE_SIDECAR, PEER_MESH },
		{ "cilium-envoy -> /var/run/cilium/xds.sock (cilium-agent)",
		  ROLE_NODE_AGENT, PEER_MESH },
		{ "a proxy -> a control plane's socket on the node",
		  ROLE_CONTROL_PLANE, PEER_CONTROL },
		{ "envoy <- its app over a shared socket", ROLE_APP, PEER_APP },
		{ "envoy -> /dev/log (journald)", ROLE_SYSTEM, PEER_OTHER },
		{ "unconnected datagram socket: no peer credentials", -1,
		  PEER_OTHER },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int kind = cases[i].peer_role < 0 ? -1 :
			   peer_kind(cases[i].peer_role);
		struct peer_proc pp = { .kind = kind, .mesh = MESH_ISTIO };
		enum peer_class got = peer_classify_unix(kind < 0 ? NULL : &pp);

		if (got != cases[i].want)
			fail_msg("%s: got %s, want %s", cases[i].socket,
				 peer_name(got), peer_name(cases[i].want));
	}
}

static int count(const struct sock_entry *e, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static void test_malformed(void **state)
{
	int n = 0;

	assert_int_equal(socktab_parse(HDR4, false, count, &n), 0);
	assert_int_equal(n, 0);
	/* An IPv6 line read as IPv4, a short address, a bad port. */
	assert_int_equal(socktab_parse(sidecar_tcp6, false, count, &n), -1);
	assert_int_equal(socktab_parse(HDR4 "   0: 0100007:3A99 0701F40A:9C40 01"
				       TAIL "1 1\n", false, count, &n), -1);
	assert_int_equal(socktab_parse(HDR4 "   0: 0100007F:3G99 0701F40A:9C40 01"
				       TAIL "1 1\n", false, count, &n), -1);
	assert_int_equal(socktab_v6_addrs("fd00 02 40 00 80 eth0\n", NULL, NULL),
			 -1);
}

static void test_names(void **state)
{
	static const char *const names[] = { "app", "mesh", "control", "other" };

	for (int i = 0; i < PEER_MAX; i++) {
		assert_string_equal(peer_name(i), names[i]);
		assert_int_equal(peer_parse(names[i]), i);
	}
	assert_int_equal(peer_parse("data"), -1);
	assert_int_equal(peer_kind(ROLE_OTHER), -1);
	assert_int_equal(peer_kind(ROLE_NODE_PROXY), PEER_MESH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_listeners),
		cmocka_unit_test(test_sidecar_sockets),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_unconnected),
		cmocka_unit_test(test_unix_sockets),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
