// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include "stacks.h"

#define FRAME_NAME_MAX 1024
#define STACK_DEPTH_MAX 128
/* User frames with the calls inlined at each: a stack of 127 frames is
 * typically 300-600 with them; beyond, the frames nearest the root go. */
#define USER_FRAMES_MAX 1024

/* Appends a frame's name, with ';' (the folded separator) and line breaks
 * replaced. */
static void put_frame(FILE *f, const struct frame *fr, const char *suffix)
{
	char name[FRAME_NAME_MAX], *c;

	frame_name(fr, name, sizeof(name));
	for (c = name; *c; c++)
		if (*c == ';' || *c == '\n')
			*c = ':';
	fprintf(f, "%s%s;", name, suffix);
}

/* Root to leaf: user frames, then kernel frames. */
static char *fold(const struct stack_pair *sp, const struct frame *user,
		  size_t nuser, const struct frame *kern, size_t nkern)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (sp->user_lost)
		fputs("[lost];", f);
	for (i = nuser; i-- > 0;)
		put_frame(f, &user[i], user[i].inlined ? "_[i]" : "");
	if (sp->kern_lost)
		fputs("[lost]_[k];", f);
	for (i = nkern; i-- > 0;)
		put_frame(f, &kern[i], "_[k]");
	if (fclose(f))
		return NULL;
	if (len)
		buf[len - 1] = '\0';	/* the last ';' */
	return buf;
}

static void count_frames(struct frame_counts *fc, const struct frame *f,
			 size_t n, bool user)
{
	size_t i, frames = 0, named = 0;

	/* Frames of the stack as walked: inlined calls are extra names. */
	for (i = 0; i < n; i++) {
		frames += !f[i].inlined;
		named += !f[i].inlined && f[i].sym;
	}
	fc->frames += frames;
	fc->named += named;
	if (user) {
		fc->user_frames += frames;
		fc->user_named += named;
	}
}

/*
 * A return address in no mapping means the frame-pointer chain broke there
 * (code built without frame pointers): the frames above it come from
 * whatever memory the broken chain pointed to. Keep one "[unknown]" frame
 * to show the cut, drop the rest.
 */
static size_t trim_broken(const struct frame *f, size_t n)
{
	size_t i;

	if (n && !f[0].module)
		return 1;
	for (i = 1; i < n; i++)
		if (!f[i].module)
			return i + 1;
	return n;
}

/* Whether the sample's leaf (the kernel's when it was taken in the
 * kernel) has a name, and if not why. */
static void leaf_name(const struct stack_pair *sp, const struct frame *user,
		      size_t nuser, const struct frame *kern, size_t nkern,
		      struct stack_desc *d)
{
	const struct frame *leaf = NULL;

	d->unnamed = true;
	d->why = UNNAMED_LOST;
	d->module = NULL;
	if (nkern || sp->kern_lost) {
		leaf = nkern ? kern : NULL;
	} else if (!sp->user_lost) {
		leaf = nuser ? user : NULL;
		d->why = UNNAMED_NO_STACK;
	}
	if (!leaf)
		return;
	d->unnamed = !leaf->sym;
	d->why = leaf->why;
	d->module = leaf->kernel ? NULL : leaf->module;
}

int stack_describe(struct symbolizer *s, struct classifier *c,
		   const struct stack_pair *sp, struct stack_desc *d,
		   struct frame_counts *fc)
{
	struct frame user[USER_FRAMES_MAX], kern[STACK_DEPTH_MAX];
	size_t nuser = sp->nuser < STACK_DEPTH_MAX ? sp->nuser : STACK_DEPTH_MAX;
	size_t nkern = sp->nkern < STACK_DEPTH_MAX ? sp->nkern : STACK_DEPTH_MAX;

	nuser = symbolize_user(s, sp->tgid, sp->user, nuser, user,
			       USER_FRAMES_MAX);
	nuser = trim_broken(user, nuser);
	symbolize_kernel(s, sp->kern, nkern, kern);
	count_frames(fc, user, nuser, true);
	count_frames(fc, kern, nkern, false);
	leaf_name(sp, user, nuser, kern, nkern, d);
	d->cat = classify_stack(c, kern, nkern, user, nuser);
	d->folded = fold(sp, user, nuser, kern, nkern);
	return d->folded ? 0 : -1;
}
