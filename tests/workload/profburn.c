// SPDX-License-Identifier: GPL-2.0
/*
 * A workload whose CPU split is known from outside the profiler: it
 * alternates between encrypting with OpenSSL (AES-128-GCM, the cipher of
 * most TLS connections) in burn_tls_like() and plain arithmetic in
 * burn_plain(), for the given CPU times, and writes how much CPU each phase
 * took (per-thread CPU clock) and /proc/self/schedstat as one JSON line.
 *
 *   profburn --tls-ms N --plain-ms M --out FILE [--linger]
 *
 * libcrypto is dlopen()ed, so the binary links nothing but libc and its
 * frames are in libcrypto.so.3 as in a real proxy. It closes stdout when
 * done; with --linger it then waits for stdin to close before exiting, so
 * a profiler sees it alive at the end of its window.
 */
#include <dlfcn.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SLICE_NS 20000000LL	/* alternate phases every 20 ms of CPU */
#define CHUNK 16384

struct evp {
	void *(*ctx_new)(void);
	const void *(*aes_128_gcm)(void);
	int (*init)(void *ctx, const void *cipher, void *engine,
		    const unsigned char *key, const unsigned char *iv);
	int (*update)(void *ctx, unsigned char *out, int *outl,
		      const unsigned char *in, int inl);
};

static void die(const char *what)
{
	fprintf(stderr, "profburn: %s: %s\n", what,
		errno ? strerror(errno) : dlerror());
	exit(1);
}

static long long thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *sym(void *lib, const char *name)
{
	void *p = dlsym(lib, name);

	if (!p)
		die(name);
	return p;
}

static void *load_evp(struct evp *e)
{
	static const unsigned char key[16], iv[12];
	void *lib = dlopen("libcrypto.so.3", RTLD_NOW);
	void *ctx;

	if (!lib)
		die("dlopen libcrypto.so.3");
	e->ctx_new = sym(lib, "EVP_CIPHER_CTX_new");
	e->aes_128_gcm = sym(lib, "EVP_aes_128_gcm");
	e->init = sym(lib, "EVP_EncryptInit_ex");
	e->update = sym(lib, "EVP_EncryptUpdate");
	ctx = e->ctx_new();
	if (!ctx || e->init(ctx, e->aes_128_gcm(), NULL, key, iv) != 1)
		die("EVP_EncryptInit_ex");
	return ctx;
}

/* Encrypts for @ns of CPU; the time goes to libcrypto. */
__attribute__((noinline))
static long long burn_tls_like(const struct evp *e, void *ctx, long long ns)
{
	static unsigned char in[CHUNK], out[CHUNK + 16];
	long long start = thread_ns(), now = start;
	int len, i;

	while (now - start < ns) {
		for (i = 0; i < 64; i++)
			e->update(ctx, out, &len, in, CHUNK);
		now = thread_ns();
	}
	return now - start;
}

/* Arithmetic for @ns of CPU, without calls in the loop: a leaf. */
__attribute__((noinline))
static long long burn_plain(long long ns)
{
	long long start = thread_ns(), now = start;
	volatile unsigned long long x = 88172645463325252ULL;
	int i;

	while (now - start < ns) {
		for (i = 0; i < 200000; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
		}
		now = thread_ns();
	}
	return now - start;
}

static unsigned long long schedstat_ns(void)
{
	unsigned long long oncpu = 0;
	FILE *f = fopen("/proc/self/schedstat", "r");

	if (!f || fscanf(f, "%llu", &oncpu) != 1)
		die("/proc/self/schedstat");
	fclose(f);
	return oncpu;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tls-ms", required_argument, NULL, 't' },
		{ "plain-ms", required_argument, NULL, 'p' },
		{ "out", required_argument, NULL, 'o' },
		{ "linger", no_argument, NULL, 'l' },
		{ 0 },
	};
	long long tls_goal = 0, plain_goal = 0, tls = 0, plain = 0;
	const char *out_path = NULL;
	int c, linger = 0;
	struct evp e;
	void *ctx;
	FILE *out;
	char buf;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 't')
			tls_goal = atoll(optarg) * 1000000LL;
		else if (c == 'p')
			plain_goal = atoll(optarg) * 1000000LL;
		else if (c == 'o')
			out_path = optarg;
		else if (c == 'l')
			linger = 1;
		else
			return 2;
	}
	if (!out_path) {
		fprintf(stderr,
			"usage: profburn --tls-ms N --plain-ms M --out FILE [--linger]\n");
		return 2;
	}
	ctx = load_evp(&e);
	while (tls < tls_goal || plain < plain_goal) {
		if (tls < tls_goal)
			tls += burn_tls_like(&e, ctx, SLICE_NS);
		if (plain < plain_goal)
			plain += burn_plain(SLICE_NS);
	}
	out = fopen(out_path, "w");
	if (!out)
		die(out_path);
	fprintf(out,
		"{\"pid\":%d,\"tls_ns\":%lld,\"plain_ns\":%lld,\"schedstat_ns\":%llu}\n",
		getpid(), tls, plain, schedstat_ns());
	fclose(out);
	fclose(stdout);
	while (linger && read(0, &buf, 1) > 0)
		;
	return 0;
}
