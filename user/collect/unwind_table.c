// SPDX-License-Identifier: GPL-2.0
/*
 * .eh_frame to unwind rows (unwind_table.h).
 *
 * libdw interprets the call frame information. Here the FDEs are listed
 * from .eh_frame_hdr's binary search table and each is walked row by row:
 * dwarf_cfi_addrframe() gives the row holding a pc and where that row
 * ends, the FDE's last row ending at the FDE's end. Each row is reduced to
 * what the in-kernel unwinder evaluates; a rule it cannot evaluate becomes
 * UNWIND_NONE, which ends the walk there: a stack cut short, never a
 * wrong frame.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <endian.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "elfscn.h"
#include "unwind_table.h"

/* x86-64 DWARF register numbers */
#define REG_RBP 6
#define REG_RSP 7
#define REG_MAX_GP 15	/* rax..r15 */

/* .eh_frame_hdr: version, eh_frame_ptr_enc, fde_count_enc, table_enc,
 * eh_frame_ptr and fde_count (4 bytes each in the encodings linkers
 * write), then the table of (initial_location, fde_address) pairs. */
#define HDR_TABLE 12
#define HDR_ENTRY 8

/* Caps on what one file may make meshprof build: more FDEs than half the
 * default rows map could hold even at one row each, and rows for a
 * 48 MiB table. A file over either is refused, not loaded. */
#define MAX_FDES (1u << 19)
#define MAX_ROWS (1u << 22)

/* .eh_frame_hdr's search table: FDE start addresses, sorted. */
struct hdr_table {
	const unsigned char *entries;
	size_t n;
	GElf_Addr base;		/* the section's address: entries are datarel */
};

struct builder {
	struct unwind_table *t;
	size_t cap;
	Dwarf_CFI *cfi;
	char *err;
	size_t errlen;
};


/* How a register's caller value is found, as far as the unwinder cares. */
enum reg_rule {
	RULE_UNDEFINED,
	RULE_SAME,
	RULE_OFFSET,		/* saved at CFA + offset */
	RULE_OTHER,
};

/* The .eh_frame_hdr section's contents and address, or NULL. */
static Elf_Data *find_hdr(Elf *elf, GElf_Addr *addr)
{
	GElf_Shdr sh;
	Elf_Scn *scn = elf_section_named(elf, ".eh_frame_hdr", &sh);

	if (!scn || sh.sh_type != SHT_PROGBITS)
		return NULL;
	*addr = sh.sh_addr;
	return elf_getdata(scn, NULL);
}

static int read_hdr(Elf *elf, struct hdr_table *h, struct unwind_table *t,
		    char *err, size_t errlen)
{
	const unsigned char *p;
	uint32_t count;
	Elf_Data *d;
	int ptr_fmt;

	d = find_hdr(elf, &h->base);
	if (!d || !d->d_buf) {
		snprintf(err, errlen, "no .eh_frame_hdr");
		return -1;
	}
	p = d->d_buf;
	t->refusal = REFUSE_CFI_MALFORMED;
	if (d->d_size < HDR_TABLE) {
		snprintf(err, errlen, "truncated .eh_frame_hdr");
		return -1;
	}
	ptr_fmt = p[1] & 0x0f;
	if (p[0] != 1 ||
	    (ptr_fmt != DW_EH_PE_udata4 && ptr_fmt != DW_EH_PE_sdata4) ||
	    p[2] != DW_EH_PE_udata4 ||
	    p[3] != (DW_EH_PE_datarel | DW_EH_PE_sdata4)) {
		snprintf(err, errlen,
			 "unsupported .eh_frame_hdr: version %u, encodings 0x%02x 0x%02x 0x%02x",
			 p[0], p[1], p[2], p[3]);
		return -1;
	}
	memcpy(&count, p + 8, sizeof(count));
	count = le32toh(count);
	if (count > (d->d_size - HDR_TABLE) / HDR_ENTRY) {
		snprintf(err, errlen, "truncated .eh_frame_hdr");
		return -1;
	}
	if (count > MAX_FDES) {
		t->refusal = REFUSE_CFI_TOO_LARGE;
		snprintf(err, errlen, "%u FDEs, more than meshprof reads (%u)",
			 count, MAX_FDES);
		return -1;
	}
	t->refusal = -1;
	h->entries = p + HDR_TABLE;
	h->n = count;
	return 0;
}

static uint64_t fde_start(const struct hdr_table *h, size_t i)
{
	uint32_t loc;

	memcpy(&loc, h->entries + i * HDR_ENTRY, sizeof(loc));
	return h->base + (int64_t)(int32_t)le32toh(loc);
}

static enum reg_rule reg_rule(Dwarf_Frame *f, int reg, int64_t *off)
{
	Dwarf_Op mem[3], *ops;
	size_t n;

	if (dwarf_frame_register(f, reg, mem, &ops, &n))
		return RULE_OTHER;
	if (!n)
		return ops ? RULE_UNDEFINED : RULE_SAME;
	/* libdw spells offset(N) as [DW_OP_call_frame_cfa; DW_OP_plus_uconst N],
	 * the second op left out when N is 0. */
	if (ops[0].atom != DW_OP_call_frame_cfa)
		return RULE_OTHER;
	if (n == 1) {
		*off = 0;
		return RULE_OFFSET;
	}
	if (n == 2 && ops[1].atom == DW_OP_plus_uconst) {
		*off = (int64_t)ops[1].number;
		return RULE_OFFSET;
	}
	return RULE_OTHER;
}

/* Whether @op is register + offset: DW_OP_bregN in expressions, DW_OP_bregx
 * as libdw gives DW_CFA_def_cfa. */
static bool op_breg(const Dwarf_Op *op, unsigned int *reg, int64_t *off)
{
	if (op->atom >= DW_OP_breg0 && op->atom <= DW_OP_breg31) {
		*reg = op->atom - DW_OP_breg0;
		*off = (int64_t)op->number;
		return true;
	}
	if (op->atom == DW_OP_bregx) {
		*reg = op->number;
		*off = (int64_t)op->number2;
		return true;
	}
	return false;
}

/*
 * The CFA of a .plt entry as the linkers describe it: rsp + 8, and 8 more
 * once the entry has pushed its relocation index, at (rip & 15) >= K:
 * [breg7 8; breg16 0; lit15; and; litK; ge; lit3; shl; plus].
 */
static bool plt_cfa(const Dwarf_Op *ops, size_t n, int32_t *k)
{
	static const uint8_t atoms[] = {
		DW_OP_breg7, DW_OP_breg16, DW_OP_lit15, DW_OP_and, DW_OP_lit0,
		DW_OP_ge, DW_OP_lit3, DW_OP_shl, DW_OP_plus,
	};
	const size_t lit_k = 4;
	size_t i;

	if (n != sizeof(atoms) || ops[0].number != 8 || ops[1].number != 0)
		return false;
	for (i = 0; i < n; i++)
		if (i != lit_k && ops[i].atom != atoms[i])
			return false;
	if (ops[lit_k].atom < DW_OP_lit0 || ops[lit_k].atom > DW_OP_lit31)
		return false;
	*k = ops[lit_k].atom - DW_OP_lit0;
	return true;
}

/* Sets @r's kind and cfa_off from the CFA rule; false when the unwinder
 * cannot evaluate it. */
static bool cfa_rule(Dwarf_Frame *f, struct unwind_row *r)
{
	unsigned int reg;
	Dwarf_Op *ops;
	int64_t off;
	int32_t k;
	size_t n;

	if (dwarf_frame_cfa(f, &ops, &n) || !n)
		return false;
	if (plt_cfa(ops, n, &k)) {
		r->kind = UNWIND_PLT;
		r->cfa_off = k;
		return true;
	}
	if (!op_breg(&ops[0], &reg, &off) || off < INT16_MIN || off > INT16_MAX)
		return false;
	if (n == 1 && reg == REG_RSP)
		r->kind = UNWIND_RSP;
	else if (n == 1 && reg == REG_RBP)
		r->kind = UNWIND_RBP;
	else if (n == 2 && reg == REG_RBP && ops[1].atom == DW_OP_deref)
		r->kind = UNWIND_RBP_DEREF;
	else if (n == 1 && reg <= REG_MAX_GP)
		r->kind = UNWIND_REG;
	else
		return false;
	r->reg = r->kind == UNWIND_REG ? reg : 0;
	r->cfa_off = off;
	return true;
}

/*
 * The row @f as the unwinder evaluates it: the return address (column
 * @ra) at CFA - 8, the caller's rbp at CFA + rbp_off or unchanged (0).
 */
static struct unwind_row reduce(Dwarf_Frame *f, int ra)
{
	struct unwind_row none = { .kind = UNWIND_NONE }, r = none;
	int64_t ra_off, rbp_off = 0;

	switch (reg_rule(f, ra, &ra_off)) {
	case RULE_UNDEFINED:
		r.kind = UNWIND_END;
		return r;
	case RULE_OFFSET:
		if (ra_off == -8)
			break;
		return none;
	default:
		return none;
	}
	switch (reg_rule(f, REG_RBP, &rbp_off)) {
	case RULE_UNDEFINED:
	case RULE_SAME:
		break;
	case RULE_OFFSET:
		/* 0 would read as "unchanged" */
		if (rbp_off && rbp_off >= INT8_MIN && rbp_off <= INT8_MAX)
			break;
		return none;
	default:
		/* e.g. gcc's stack realignment saves rbp at *rbp, which a
		 * row cannot say */
		return none;
	}
	if (!cfa_rule(f, &r))
		return none;
	r.rbp_off = rbp_off;
	return r;
}

/* Appends @r at @pc, unless it says what the last row says. */
static int push_row(struct builder *b, uint64_t pc, struct unwind_row r)
{
	struct unwind_table *t = b->t;
	struct unwind_row *last = t->n ? &t->rows[t->n - 1] : NULL, *row;

	if (pc > UINT32_MAX) {
		t->refusal = REFUSE_CFI_TOO_LARGE;
		snprintf(b->err, b->errlen, "address 0x%llx beyond 4 GiB",
			 (unsigned long long)pc);
		return -1;
	}
	if (last && last->kind == r.kind && last->cfa_off == r.cfa_off &&
	    last->rbp_off == r.rbp_off && last->reg == r.reg)
		return 0;
	if (t->n >= MAX_ROWS) {
		t->refusal = REFUSE_CFI_TOO_LARGE;
		snprintf(b->err, b->errlen, "more than %u rows", MAX_ROWS);
		return -1;
	}
	row = array_push((void **)&t->rows, &t->n, &b->cap, sizeof(*row));
	if (!row) {
		snprintf(b->err, b->errlen, "out of memory");
		return -1;
	}
	r.pc = pc;
	*row = r;
	return 0;
}

/*
 * The rows of the FDE starting at @start, up to @limit (the next FDE's
 * start), then an UNWIND_NONE row where it ends short of @limit.
 */
static int walk_fde(struct builder *b, uint64_t start, uint64_t limit)
{
	const struct unwind_row none = { .kind = UNWIND_NONE };
	uint64_t pc = start;
	Dwarf_Addr lo, hi;
	struct unwind_row r;
	Dwarf_Frame *f;
	int ra;

	while (pc < limit) {
		/* Fails past the FDE's end, and on CFI that libdw cannot
		 * read: no rows from there. */
		if (dwarf_cfi_addrframe(b->cfi, pc, &f))
			break;
		ra = dwarf_frame_info(f, &lo, &hi, NULL);
		r = reduce(f, ra);
		free(f);
		if (ra < 0 || hi <= pc)
			break;
		if (push_row(b, pc, r))
			return -1;
		pc = hi;
	}
	return pc < limit ? push_row(b, pc, none) : 0;
}

int unwind_table_build(int fd, struct unwind_table *t, char *err, size_t errlen)
{
	struct builder b = { .t = t, .err = err, .errlen = errlen };
	uint64_t start, limit;
	struct hdr_table h;
	GElf_Ehdr eh;
	int ret = -1;
	Elf *elf;
	size_t i;

	t->rows = NULL;
	t->n = 0;
	t->refusal = -1;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		snprintf(err, errlen, "not an ELF file");
		goto cleanup;
	}
	if (!gelf_getehdr(elf, &eh) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_machine != EM_X86_64) {
		snprintf(err, errlen, "not an x86-64 ELF file");
		goto cleanup;
	}
	if (read_hdr(elf, &h, t, err, errlen))
		goto cleanup;
	b.cfi = dwarf_getcfi_elf(elf);
	if (!b.cfi) {
		t->refusal = REFUSE_CFI_MALFORMED;
		snprintf(err, errlen, "no .eh_frame: %s", dwarf_errmsg(-1));
		goto cleanup;
	}
	for (i = 0; i < h.n; i++) {
		start = fde_start(&h, i);
		limit = i + 1 < h.n ? fde_start(&h, i + 1) : UINT64_MAX;
		if (limit < start) {
			t->refusal = REFUSE_CFI_MALFORMED;
			snprintf(err, errlen, "unsorted .eh_frame_hdr");
			goto cleanup;
		}
		if (walk_fde(&b, start, limit))
			goto cleanup;
	}
	ret = 0;
cleanup:
	if (b.cfi)
		dwarf_cfi_end(b.cfi);
	elf_end(elf);
	if (ret)
		unwind_table_free(t);
	else
		t->refusal = -1;
	return ret;
}

const struct unwind_row *unwind_table_find(const struct unwind_table *t,
					   uint64_t pc)
{
	size_t lo = 0, hi = t->n, mid;

	/* the first row past @pc */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->rows[mid].pc <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &t->rows[lo - 1] : NULL;
}

void unwind_table_free(struct unwind_table *t)
{
	free(t->rows);
	t->rows = NULL;
	t->n = 0;
}
