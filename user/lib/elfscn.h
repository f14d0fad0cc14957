/* SPDX-License-Identifier: GPL-2.0 */
/* Finding an ELF file's section by name (libelf). */
#ifndef MESHPROF_ELFSCN_H
#define MESHPROF_ELFSCN_H

#include <gelf.h>

/* The first section of @e named @name that holds data in the file (not
 * SHT_NOBITS, not empty), with its header in *@sh; NULL when none. */
Elf_Scn *elf_section_named(Elf *e, const char *name, GElf_Shdr *sh);

#endif
