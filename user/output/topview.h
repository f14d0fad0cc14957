/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The live view of `meshprof top` (docs/top.md): one row per component of
 * a window's run, as lines of text that the terminal screen draws and
 * --once prints, and as a JSON snapshot for --json.
 */
#ifndef MESHPROF_TOPVIEW_H
#define MESHPROF_TOPVIEW_H

#include <stdbool.h>
#include <stdio.h>
#include "run.h"

enum top_col {
	TOP_NAME,
	TOP_ROLE,
	TOP_VCPU,
	TOP_TLS,
	TOP_HTTP,
	TOP_L7,
	TOP_L4,
	TOP_KERNEL,
	TOP_OTHER,
	TOP_MARGIN,
	TOP_CSW,
	TOP_RUNQ,
	TOP_NET,
	TOP_RSS,
	TOP_SVC,
	TOP_DWQ,
	TOP_DWR,
	TOP_CLI,
	TOP_QUE,
	TOP_TRN,
	TOP_MESH,
	TOP_POD,
	TOP_PIDS,
	TOP_COLS,
};

#define TOP_EXPANDED_MAX 16

/* What the person looking at the view chose. */
struct top_view {
	enum top_col sort;
	bool reverse;		/* text A to Z and numbers high first, else
				 * the other way */
	char filter[80];	/* "role=sidecar mesh=istio ns=default text" */
	int selected;		/* component row, among those shown */
	char selected_id[COMPONENT_ID_LEN];	/* ... which it follows when
						 * rows move; "" after a key */
	int hscroll;		/* columns after NAME scrolled off */
	bool stacks;		/* the selected component's top stacks */
	char expanded[TOP_EXPANDED_MAX][COMPONENT_ID_LEN];
	int nexpanded;
	int width, height;	/* of the screen; width 0: every column */
};

/* What the view shows beside the run. */
struct top_status {
	double interval_s;
	const char *window;		/* "last 2.0 s", "last 60 s" */
	double self_cpu;		/* meshprof's own CPU, in cores */
	uint64_t self_rss;
	bool paused;
	const char *prompt;		/* being typed at the bottom, or NULL */
};

enum top_style {
	TOP_PLAIN,
	TOP_TITLE,
	TOP_HEAD,
	TOP_SELECTED,
	TOP_DIM,
};

struct top_line {
	char *text;
	enum top_style style;
};

struct top_lines {
	struct top_line *lines;
	size_t n, cap;
	int rows;		/* component rows shown after filtering */
};

/* The screen as lines of at most v->width characters (all columns when
 * 0); at most v->height lines when it is set. -ENOMEM. */
int topview_render(const struct run *run, struct top_view *v,
		   const struct top_status *st, struct top_lines *out);
void top_lines_free(struct top_lines *l);
/* One snapshot: header, then every component with its processes. */
struct json_object *topview_json(const struct run *run,
				 const struct top_status *st);
/* The component shown at row @row (after filter and sort), or NULL. */
const struct component *topview_component(const struct run *run,
					  const struct top_view *v, int row);
/* Adds or removes @id from the expanded components. */
void topview_toggle_expand(struct top_view *v, const char *id);
const char *topview_col_name(enum top_col c);

#endif
