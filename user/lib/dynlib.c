// SPDX-License-Identifier: GPL-2.0
/* Shared libraries loaded on first use (dynlib.h). */
#include <dlfcn.h>
#include <stdio.h>

#include "dynlib.h"

int dynlib_load(const char *soname, const struct dynlib_fn *fns, size_t n,
		char *err, size_t err_len)
{
	void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	size_t i;

	if (!lib) {
		snprintf(err, err_len, "%s", dlerror());
		return -1;
	}
	for (i = 0; i < n; i++) {
		*fns[i].addr = dlsym(lib, fns[i].name);
		if (!*fns[i].addr) {
			snprintf(err, err_len, "%s: no %s", soname,
				 fns[i].name);
			return -1;
		}
	}
	return 0;
}
