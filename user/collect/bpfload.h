/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading BPF objects and saying why a load failed: libbpf's messages are
 * captured while an object loads, so a rejected program can be named,
 * with the verifier's one line that matters (and the whole log on stderr
 * with -v), rather than a bare "Permission denied".
 */
#ifndef MESHPROF_BPFLOAD_H
#define MESHPROF_BPFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* libbpf's messages go to stderr only when @on; call before any libbpf use. */
void bpfload_set_verbose(bool on);
bool bpfload_verbose(void);

/* Starts capturing libbpf's messages (the last few tens of KiB). */
void bpfload_capture_begin(void);
/* Stops capturing. */
void bpfload_capture_end(void);

struct load_failure {
	char prog[64];		/* the program libbpf failed on; "" if none */
	char reason[256];	/* the verifier's or libbpf's last word */
	bool verifier;		/* the verifier rejected it (it left a log) */
};

/*
 * What the captured messages say of a failed load that returned @err
 * (negative errno): which program failed and why.
 */
void bpfload_failure(int err, struct load_failure *f);
struct bpf_object;

/* The memory a loaded object's maps charge, in bytes. */
uint64_t bpfload_memlock(const struct bpf_object *obj);

/* One line for the user: "the kernel's verifier rejected PROG: REASON",
 * or a privilege or kernel problem in words. */
void bpfload_describe(const struct load_failure *f, int err, char *out,
		      size_t len);

#endif
