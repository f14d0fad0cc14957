// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include "stacks.h"

#define FRAME_NAME_MAX 1024
#define STACK_DEPTH_MAX 128

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
		put_frame(f, &user[i], "");
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
	size_t i, named = 0;

	for (i = 0; i < n; i++)
		named += f[i].sym != NULL;
	fc->frames += n;
	fc->named += named;
	if (user) {
		fc->user_frames += n;
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

int stack_describe(struct symbolizer *s, struct classifier *c,
		   const struct stack_pair *sp, char **folded,
		   enum cpu_category *cat, struct frame_counts *fc)
{
	struct frame user[STACK_DEPTH_MAX], kern[STACK_DEPTH_MAX];
	size_t nuser = sp->nuser < STACK_DEPTH_MAX ? sp->nuser : STACK_DEPTH_MAX;
	size_t nkern = sp->nkern < STACK_DEPTH_MAX ? sp->nkern : STACK_DEPTH_MAX;

	symbolize_user(s, sp->tgid, sp->user, nuser, user);
	nuser = trim_broken(user, nuser);
	symbolize_kernel(s, sp->kern, nkern, kern);
	count_frames(fc, user, nuser, true);
	count_frames(fc, kern, nkern, false);
	*cat = classify_stack(c, kern, nkern, user, nuser);
	*folded = fold(sp, user, nuser, kern, nkern);
	return *folded ? 0 : -1;
}
