/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Crafted ELF files for the tests of meshprof's caps on what a container
 * can make it read: an x86-64 header, one PT_LOAD, and the sections
 * asked for. A section without data is a hole of its size (a sparse
 * file), so a 65 MiB symbol table costs no disk.
 */
#ifndef MESHPROF_TEST_ELFCRAFT_H
#define MESHPROF_TEST_ELFCRAFT_H

#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

struct craft_section {
	const char *name;
	uint32_t type;
	const void *data;	/* NULL: zeros */
	uint64_t size;
	uint64_t addr;
	uint64_t entsize;
	uint32_t link;		/* section index, 1-based as in the file */
};

/* Writes the file; the sections are numbered from 1 in the order given,
 * .shstrtab last. Returns 0, or -1 with errno. */
static int craft_elf(const char *path, const struct craft_section *sec,
		     int n)
{
	Elf64_Ehdr eh = {
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64,
			     ELFDATA2LSB, EV_CURRENT },
		.e_type = ET_DYN, .e_machine = EM_X86_64,
		.e_version = EV_CURRENT, .e_phoff = sizeof(Elf64_Ehdr),
		.e_ehsize = sizeof(Elf64_Ehdr),
		.e_phentsize = sizeof(Elf64_Phdr), .e_phnum = 1,
		.e_shentsize = sizeof(Elf64_Shdr), .e_shnum = n + 2,
		.e_shstrndx = n + 1,
	};
	Elf64_Phdr ph = { .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
			  .p_filesz = 4096, .p_memsz = 4096, .p_align = 4096 };
	Elf64_Shdr sh[64] = { { 0 } };
	char names[1024] = "";
	size_t names_len = 1;
	uint64_t off;
	int fd, i;

	if (n + 2 > 64)
		return -1;
	eh.e_shoff = sizeof(eh) + sizeof(ph);
	off = eh.e_shoff + (n + 2) * sizeof(Elf64_Shdr);
	for (i = 0; i <= n; i++) {
		const char *name = i < n ? sec[i].name : ".shstrtab";

		sh[i + 1].sh_name = names_len;
		names_len += snprintf(names + names_len,
				      sizeof(names) - names_len, "%s", name) + 1;
	}
	for (i = 0; i < n; i++) {
		sh[i + 1] = (Elf64_Shdr){
			.sh_name = sh[i + 1].sh_name, .sh_type = sec[i].type,
			.sh_flags = SHF_ALLOC, .sh_addr = sec[i].addr,
			.sh_offset = off, .sh_size = sec[i].size,
			.sh_link = sec[i].link, .sh_addralign = 8,
			.sh_entsize = sec[i].entsize,
		};
		off += (sec[i].size + 7) & ~7ULL;
	}
	sh[n + 1].sh_type = SHT_STRTAB;
	sh[n + 1].sh_offset = off;
	sh[n + 1].sh_size = names_len;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	if (pwrite(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    pwrite(fd, &ph, sizeof(ph), sizeof(eh)) != sizeof(ph) ||
	    pwrite(fd, sh, (n + 2) * sizeof(*sh), eh.e_shoff) < 0 ||
	    pwrite(fd, names, names_len, off) != (ssize_t)names_len)
		goto fail;
	for (i = 0; i < n; i++)
		if (sec[i].data && pwrite(fd, sec[i].data, sec[i].size,
					  sh[i + 1].sh_offset) < 0)
			goto fail;
	return close(fd);
fail:
	close(fd);
	return -1;
}

#endif
