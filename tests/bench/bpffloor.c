// SPDX-License-Identifier: GPL-2.0
/*
 * bpffloor SECONDS: attaches make bench's calibration programs
 * (floor.bpf.c), says "ready" and stays attached for SECONDS or until a
 * signal; bench.sh reads their run times from the kernel's BPF stats.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "floor.skel.h"

static void on_signal(int sig)
{
}

int main(int argc, char **argv)
{
	struct floor_bpf *obj;
	int err = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: bpffloor SECONDS\n");
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	obj = floor_bpf__open_and_load();
	if (!obj) {
		fprintf(stderr, "bpffloor: the calibration programs did not load\n");
		return 1;
	}
	if (floor_bpf__attach(obj)) {
		fprintf(stderr, "bpffloor: the calibration programs did not attach\n");
		goto cleanup;
	}
	printf("ready\n");
	fflush(stdout);
	sleep(atoi(argv[1]));
	err = 0;
cleanup:
	floor_bpf__destroy(obj);
	return err;
}
