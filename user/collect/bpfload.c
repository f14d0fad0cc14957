// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE	/* vasprintf, memmem */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <bpf/libbpf.h>
#include "bpfload.h"

/* Enough for the end of any verifier log: the failure is its last word. */
#define CAPTURE_MAX (64 * 1024)

static bool verbose;
static bool capturing;
static char capture[2 * CAPTURE_MAX + 1];
static size_t capture_len;

/* Keeps the last CAPTURE_MAX bytes at least. */
static void keep(const char *s, size_t n)
{
	if (n > CAPTURE_MAX) {
		s += n - CAPTURE_MAX;
		n = CAPTURE_MAX;
	}
	if (capture_len + n > 2 * CAPTURE_MAX) {
		memmove(capture, capture + capture_len - CAPTURE_MAX,
			CAPTURE_MAX);
		capture_len = CAPTURE_MAX;
	}
	memcpy(capture + capture_len, s, n);
	capture_len += n;
	capture[capture_len] = '\0';
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	char *msg;
	int n;

	n = vasprintf(&msg, fmt, args);
	if (n < 0)
		return 0;
	if (verbose)
		fputs(msg, stderr);
	if (capturing)
		keep(msg, n);
	free(msg);
	return n;
}

void bpfload_set_verbose(bool on)
{
	verbose = on;
	libbpf_set_print(libbpf_print);
}

bool bpfload_verbose(void)
{
	return verbose;
}

void bpfload_capture_begin(void)
{
	capture_len = 0;
	capture[0] = '\0';
	capturing = true;
}

void bpfload_capture_end(void)
{
	capturing = false;
}

/* The start of the line holding @p in the capture. */
static const char *line_start(const char *p)
{
	while (p > capture && p[-1] != '\n')
		p--;
	return p;
}

/* The program named by the last "prog 'NAME': ..." line that failed. */
static void failed_prog(struct load_failure *f)
{
	const char *p = capture + capture_len, *line, *q, *end;

	while (p > capture) {
		line = line_start(p - 1);
		end = p;
		p = line;
		q = memmem(line, end - line, "prog '", 6);
		if (!q || (!memmem(line, end - line, "fail", 4) &&
			   !memmem(line, end - line, "error", 5)))
			continue;
		q += 6;
		snprintf(f->prog, sizeof(f->prog), "%.*s",
			 (int)strcspn(q, "'\n"), q);
		return;
	}
}

/* Verifier logs end with statistics; the reason is the line before. */
static bool boring(const char *line, size_t n)
{
	static const char *const skip[] = {
		"processed ", "verification time", "stack depth",
		"-- END PROG LOAD LOG --", "libbpf: ",
	};

	if (!n)
		return true;
	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (!strncmp(line, skip[i], strlen(skip[i])))
			return true;
	return false;
}

static void verifier_reason(struct load_failure *f)
{
	const char *log = strstr(capture, "-- BEGIN PROG LOAD LOG --");
	const char *end, *p, *line;

	if (!log)
		return;
	end = strstr(log, "-- END PROG LOAD LOG --");
	if (!end)
		end = capture + capture_len;
	for (p = end; p > log;) {
		line = line_start(p - 1);
		if (!boring(line, p - 1 - line)) {
			snprintf(f->reason, sizeof(f->reason), "%.*s",
				 (int)(p - 1 - line), line);
			f->verifier = true;
			return;
		}
		p = line;
	}
}

void bpfload_failure(int err, struct load_failure *f)
{
	memset(f, 0, sizeof(*f));
	failed_prog(f);
	verifier_reason(f);
	if (!f->reason[0])
		snprintf(f->reason, sizeof(f->reason), "%s", strerror(-err));
}

void bpfload_describe(const struct load_failure *f, int err, char *out,
		      size_t len)
{
	if (f->verifier) {
		snprintf(out, len, "the kernel's verifier rejected %s: %s%s",
			 f->prog[0] ? f->prog : "a program", f->reason,
			 verbose ? "" : " (-v shows its log)");
		return;
	}
	if (err == -EPERM || err == -EACCES) {
		snprintf(out, len,
			 "the kernel refused to load BPF programs (%s): it needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN on kernels before 5.8; kernel lockdown also refuses",
			 strerror(-err));
		return;
	}
	snprintf(out, len, "loading BPF program %s failed: %s",
		 f->prog[0] ? f->prog : "(unknown)", f->reason);
}

/* The memory a map charges (memlock in its fdinfo); 0 when unknown. */
static uint64_t map_memlock(int fd)
{
	char path[64], line[128];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %llu", &v) == 1)
			break;
	fclose(f);
	return v;
}

uint64_t bpfload_memlock(const struct bpf_object *obj)
{
	struct bpf_map *map;
	uint64_t sum = 0;

	bpf_object__for_each_map(map, obj)
		if (bpf_map__fd(map) >= 0)
			sum += map_memlock(bpf_map__fd(map));
	return sum;
}
