/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Walks a user stack with the DWARF call frame information of the mapped
 * files (x86-64), for code built without frame pointers: Debian's haproxy,
 * nginx, OpenSSL and glibc, Envoy, Rust proxies. User space turns each
 * file's .eh_frame into sorted rows (user/unwind_table.c) and describes
 * each process's executable mappings (user/unwind.c); here each frame is
 * one mapping search, one row search and one or two user reads.
 */
#ifndef MESHPROF_UNWIND_BPF_H
#define MESHPROF_UNWIND_BPF_H

#include "profile_defs.h"
#include "bits.bpf.h"

/* log2 of the rows one module may have, rounded up: the row search's
 * iterations. */
#define UNWIND_ROW_SEARCH 24
#define UNWIND_MAP_SEARCH 7	/* log2(UNWIND_MAX_MAPPINGS) + 1 */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);		/* sized by user space */
	__type(key, __u32);
	__type(value, struct unwind_row);
} unwind_rows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);	/* sized by user space */
	__type(key, __u32);
	__type(value, struct unwind_proc);
} unwind_procs SEC(".maps");

/* Processes whose user space description is out of date: a sample's pc
 * was in none of their mappings (a library loaded since, or an exec).
 * User space describes them again and deletes the entry. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);	/* sized by user space */
	__type(key, __u32);
	__type(value, __u8);
} unwind_stale SEC(".maps");

/* Where the walk is. In a map rather than on the stack: the verifier
 * treats values loaded from a map as unknown, so it checks one frame of
 * the walk, not one per value the frame counter can take. */
struct cfi_frame {
	__u64 ip, sp, bp;
	__u64 regs[16];		/* general registers by DWARF number, as
				 * the leaf had them (rsp, rbp unused) */
	__u32 n;		/* frames in buf after the leaf */
	__u32 complete;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cfi_frame);
} cfi_frames SEC(".maps");

struct cfi_walk {
	struct profile_stack_buf *buf;
	struct unwind_proc *proc;
	struct unwind_mapping *leaf;	/* found before the walk */
	struct cfi_frame *f;
};

/* The mapping holding @pc, or NULL. */
static __always_inline struct unwind_mapping *
unwind_mapping_of(struct unwind_proc *proc, __u64 pc)
{
	__u32 lo = 0, hi = proc->nmaps, mid;
	int i;

	if (hi > UNWIND_MAX_MAPPINGS)
		return NULL;
	for (i = 0; i < UNWIND_MAP_SEARCH && lo < hi; i++) {
		/* mid < hi <= UNWIND_MAX_MAPPINGS already; the mask shows the
		 * verifier, which the compiler would not let a test do. */
		mid = ((lo + hi) / 2) & (UNWIND_MAX_MAPPINGS - 1);
		if (pc < proc->maps[mid].start)
			hi = mid;
		else if (pc >= proc->maps[mid].end)
			lo = mid + 1;
		else
			return &proc->maps[mid];
	}
	return NULL;
}

/* The row holding ELF address @addr in the module's rows, or NULL. */
static __always_inline struct unwind_row *
unwind_row_of(const struct unwind_mapping *m, __u64 addr)
{
	__u32 lo = m->row_first, hi = m->row_first + m->row_count, mid;
	struct unwind_row *row, *best = NULL;
	int i;

	/* largest row whose pc <= addr */
	for (i = 0; i < UNWIND_ROW_SEARCH && lo < hi; i++) {
		mid = lo + (hi - lo) / 2;
		row = bpf_map_lookup_elem(&unwind_rows, &mid);
		if (!row)
			return NULL;
		if (row->pc <= addr) {
			best = row;
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo < hi ? NULL : best;
}

/* rbx, rbp, r12-r15 in DWARF numbers */
static __always_inline bool is_callee_saved(__u8 reg)
{
	return reg == 3 || reg == 6 || reg >= 12;
}

static __always_inline bool unwind_cfa(const struct unwind_row *row,
				       struct cfi_frame *st, __u64 *cfa)
{
	switch (row->kind) {
	case UNWIND_RSP:
		*cfa = st->sp + row->cfa_off;
		return true;
	case UNWIND_RBP:
		*cfa = st->bp + row->cfa_off;
		return true;
	case UNWIND_RBP_DEREF:
		return !bpf_probe_read_user(cfa, sizeof(*cfa),
					    (void *)(st->bp + row->cfa_off));
	case UNWIND_PLT:
		*cfa = st->sp + 8 + ((st->ip & 15) >= row->cfa_off ? 8 : 0);
		return true;
	case UNWIND_REG:
		/* Registers are not restored frame by frame: above the leaf,
		 * only a caller-saved register still holds the anchor, as
		 * the assembly that uses one leaves it alone in its callees
		 * (a callee-saved one may have been reused after saving). */
		if (st->n && is_callee_saved(row->reg))
			return false;
		*cfa = st->regs[row->reg & 15] + row->cfa_off;
		return true;
	default:
		return false;
	}
}

/* The caller by the frame-pointer chain: rbp points at the saved rbp,
 * with the return address above it. */
static __always_inline bool frame_pointer_step(struct cfi_frame *st,
					       __u64 *cfa, __u64 *ra)
{
	__u64 saved[2];

	if (!st->bp ||
	    bpf_probe_read_user(saved, sizeof(saved), (void *)st->bp))
		return false;
	*cfa = st->bp + 16;
	*ra = saved[1];
	st->bp = saved[0];
	return true;
}

/* One frame up; returns 1 (bpf_loop: stop) when the walk ends. */
static long unwind_step(__u64 i, void *arg)
{
	struct cfi_walk *w = arg;
	struct cfi_frame *st = w->f;
	struct unwind_mapping *m;
	struct unwind_row *row;
	__u64 cfa, ra, pc, n = st->n;

	if (n >= PROFILE_STACK_DEPTH - 1)
		return 1;
	/* A return address points after the call; look up the call. */
	pc = n ? st->ip - 1 : st->ip;
	m = n ? unwind_mapping_of(w->proc, pc) : w->leaf;
	if (!m)
		return 1;
	if (!m->row_count) {
		/* No CFI (Go, or a file without .eh_frame_hdr): one step
		 * by frame pointer, the only other record of the caller. A
		 * zero rbp is where the chain ends (_start, thread starts). */
		st->complete = !st->bp;
		if (!frame_pointer_step(st, &cfa, &ra))
			return 1;
		goto next;
	}
	row = unwind_row_of(m, pc - m->bias);
	if (!row)
		return 1;
	if (row->kind == UNWIND_END) {
		st->complete = 1;
		return 1;
	}
	if (!unwind_cfa(row, st, &cfa) ||
	    bpf_probe_read_user(&ra, sizeof(ra), (void *)(cfa - 8)))
		return 1;
	if (row->rbp_off &&
	    bpf_probe_read_user(&st->bp, sizeof(st->bp),
				(void *)(cfa + row->rbp_off)))
		return 1;
next:
	if (!ra) {
		st->complete = 1;
		return 1;
	}
	st->sp = cfa;
	st->ip = ra;
	/* n was checked on entry, but 6.1's verifier loses that bound
	 * where n is spilled to the stack and reloaded. */
	n++;
	clamp_index(n, PROFILE_STACK_DEPTH - 1);
	w->buf->ips[n] = ra;
	st->n = n;
	return 0;
}

/*
 * Fills @buf (zeroed beyond the stack) with @task's user stack, leaf
 * first, when user space described the process; returns the number of
 * frames, or -1 to fall back to frame pointers (also when the leaf is in
 * none of the process's known mappings). *complete says whether the
 * walk reached the outermost frame.
 */
static __always_inline long unwind_user(struct task_struct *task, __u32 tgid,
					struct profile_stack_buf *buf,
					bool *complete)
{
	struct cfi_walk w = { .buf = buf };
	struct cfi_frame *st;
	struct pt_regs *regs;
	__u32 zero = 0;
	__u8 one = 1;

	w.proc = bpf_map_lookup_elem(&unwind_procs, &tgid);
	w.f = st = bpf_map_lookup_elem(&cfi_frames, &zero);
	if (!w.proc || !st || (task->flags & PF_KTHREAD))
		return -1;
	/* The user registers saved at kernel entry, whether the tick came
	 * in user or in kernel mode. */
	regs = (struct pt_regs *)bpf_task_pt_regs(task);
	if (!regs)
		return -1;
	st->ip = regs->ip;
	st->sp = regs->sp;
	st->bp = regs->bp;
	st->regs[0] = regs->ax;
	st->regs[1] = regs->dx;
	st->regs[2] = regs->cx;
	st->regs[3] = regs->bx;
	st->regs[4] = regs->si;
	st->regs[5] = regs->di;
	st->regs[8] = regs->r8;
	st->regs[9] = regs->r9;
	st->regs[10] = regs->r10;
	st->regs[11] = regs->r11;
	st->regs[12] = regs->r12;
	st->regs[13] = regs->r13;
	st->regs[14] = regs->r14;
	st->regs[15] = regs->r15;
	st->n = 0;
	st->complete = 0;
	w.leaf = unwind_mapping_of(w.proc, st->ip);
	if (!w.leaf) {
		bpf_map_update_elem(&unwind_stale, &tgid, &one, BPF_ANY);
		return -1;
	}
	__builtin_memset(buf, 0, sizeof(*buf));
	buf->ips[0] = st->ip;
	bpf_loop(PROFILE_STACK_DEPTH, unwind_step, &w, 0);
	*complete = st->complete;
	return st->n + 1;
}

#endif
