/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared libraries loaded when a command first needs them, not at start:
 * libmicrohttpd (serve), libcurl (query) and libdebuginfod (remote debug
 * files) bring TLS stacks, Kerberos and LDAP with them, megabytes of
 * resident memory that recording has no use for (docs/design.md,
 * "Overhead").
 */
#ifndef MESHPROF_DYNLIB_H
#define MESHPROF_DYNLIB_H

#include <stddef.h>

/* A function to resolve: its name, and the function pointer to set. */
struct dynlib_fn {
	const char *name;
	void **addr;
};

/*
 * Loads @soname, whose handle then stays open, and sets every one of the
 * @n functions @fns; 0, or -1 with the reason in @err (dlerror's).
 */
int dynlib_load(const char *soname, const struct dynlib_fn *fns, size_t n,
		char *err, size_t err_len);

#endif
