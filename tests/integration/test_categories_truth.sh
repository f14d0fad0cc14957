#!/usr/bin/env bash
# CPU categories against a test proxy whose truth is known per thread:
# tlshttp (tests/workload/tlshttp.c) runs mutual TLS 1.3 with OpenSSL in
# one thread and HTTP/1.1 parsing with http-parser in another
# (tests/integration/twinlib.sh has the checks).
#
# Bias: meshprof describes the libraries of a process it saw exec at its
# next poll after they are first sampled (once a second). Until then
# stacks are walked by frame pointers, and the tls thread's samples whose
# leaf is in libc (malloc, memmove, locks called by OpenSSL, about 14% of
# them) lose their TLS caller. Runs here had up to 1.6 s of such walks
# (the next poll, then the files' CFI tables built on a loaded machine):
# over S seconds up to 1.6 / S * 14% of the tls thread's samples, half as
# many points of the process's tls share, 0.75 points at S = 15. The test
# prints how many samples were walked so.
source "$(dirname "$0")/twinlib.sh"

if twin_record tlshttp "$TOP/build/tests/tlshttp" 15; then
	ok "tlshttp: ran under meshprof"
	twin_shares tlshttp
	# A complete walk reaches the thread's start (__clone3).
	awk '/^twin;/ { a += $NF
		if (index($0, ";__clone3;start_thread;run_tls;")) t += $NF
		if (index($0, ";__clone3;start_thread;run_http;")) h += $NF }
		END { printf "# stacks: %d reach run_tls, %d run_http, of %d\n", t, h, a }' \
		"$twin_dir/tlshttp.folded"
	twin_walks tlshttp 0.95
fi
finish
