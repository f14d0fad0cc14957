// SPDX-License-Identifier: GPL-2.0
/* ELF files as the symbolizer reads them (classify/elfsyms.c): any
 * container can map a crafted one. */
#include "fuzz.h"
#include <stdio.h>
#include "elfsyms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* No debug directory: a crafted build-id must not pick the
	 * node's files in a fuzz run. */
	struct elf_cache *c = elf_cache_new((const char *const[]){ "/nonexistent" }, 1);
	int fd = fuzz_memfd(data, size);
	struct elf_file *ef;
	uint64_t addr, bias;

	if (c && fd >= 0 && (ef = elf_of_fd(c, fd))) {
		for (uint64_t off = 0; off < 0x20000; off += 0x777) {
			if (elf_addr(ef, off, &addr))
				elf_symbol(ef, addr);
			elf_symbol(ef, off);
		}
		elf_bias(ef, 0x400000, 0, 0x1000, &bias);
		elf_symbol(ef, UINT64_MAX);
		/* The second time comes from the cache. */
		if (elf_of_fd(c, fd) != ef)
			abort();
	}
	if (fd >= 0)
		close(fd);
	elf_cache_free(c);
	return 0;
}
