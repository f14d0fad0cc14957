// SPDX-License-Identifier: GPL-2.0
/*
 * The live view as lines of text (topview.h). Every number is the run's
 * (a window of the collector engine, attributed and derived): the view
 * divides by the window's length, picks, sorts and fits columns.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "array.h"
#include "jsonput.h"
#include "podlabel.h"
#include "topview.h"

#define NAME_MIN 12
#define NAME_MAX 28
#define LINE_MAX_LEN 1024

struct col {
	const char *head;
	int width;
	bool left;		/* text, left-aligned, sorted A to Z */
};

static const struct col cols[TOP_COLS] = {
	[TOP_NAME] = { "COMPONENT", NAME_MAX, true },
	[TOP_ROLE] = { "ROLE", 10, true },
	[TOP_VCPU] = { "vCPU", 5, false },
	[TOP_TLS] = { "TLS%", 4, false },
	[TOP_HTTP] = { "HTTP", 4, false },
	[TOP_L7] = { "L7%", 4, false },
	[TOP_L4] = { "L4%", 4, false },
	[TOP_KERNEL] = { "KERN", 4, false },
	[TOP_OTHER] = { "OTHR", 4, false },
	[TOP_MARGIN] = { "+-%", 4, false },
	[TOP_CSW] = { "CSW/s", 6, false },
	[TOP_RUNQ] = { "RQ_P99", 6, false },
	[TOP_NET] = { "NET/s", 6, false },
	[TOP_RSS] = { "RSS", 6, false },
	[TOP_SVC] = { "SVC99", 6, false },
	[TOP_DWQ] = { "DWQ99", 6, false },
	[TOP_DWR] = { "DWR99", 6, false },
	[TOP_CLI] = { "CLI99", 6, false },
	[TOP_QUE] = { "QUE99", 6, false },
	[TOP_TRN] = { "TRN99", 6, false },
	[TOP_MESH] = { "MESH", 13, true },
	[TOP_POD] = { "POD", 24, true },
	[TOP_PIDS] = { "PIDS", 4, false },
};

static const enum lat_kind lat_of_col[TOP_COLS] = {
	[TOP_SVC] = LAT_SERVICE,
	[TOP_DWQ] = LAT_DWELL_REQUEST,
	[TOP_DWR] = LAT_DWELL_RESPONSE,
	[TOP_CLI] = LAT_CLIENT,
	[TOP_QUE] = LAT_QUEUE,
	[TOP_TRN] = LAT_TRANSIT,
};

const char *topview_col_name(enum top_col c)
{
	return c < TOP_COLS ? cols[c].head : "?";
}

static bool is_group(enum top_col c)
{
	return c >= TOP_TLS && c <= TOP_OTHER;
}

static bool is_latency(enum top_col c)
{
	return c >= TOP_SVC && c <= TOP_TRN;
}

/* ---- rows ---- */

/* A component, or one of its processes (expanded). */
struct row {
	const struct component *c;
	const struct process *p;
	const struct metrics *m;
};

static double per_s(const struct run *run, double v)
{
	return run->seconds > 0 ? v / run->seconds : 0;
}

static bool few_samples(const struct metrics *m)
{
	return m->cpu_samples < SHARE_MIN_SAMPLES;
}

/* The number a column sorts by. */
static double value(const struct run *run, const struct row *r,
		    enum top_col c)
{
	const struct metrics *m = r->m;
	double worst = 0;

	if (is_group(c))
		return few_samples(m) ? -1 : m->group_share[c - TOP_TLS].value;
	if (is_latency(c))
		return m->lat_sum[lat_of_col[c]].count ?
		       (double)m->lat_sum[lat_of_col[c]].p99_ns : -1;
	switch (c) {
	case TOP_VCPU:
		return per_s(run, m->cpu_ns / 1e9);
	case TOP_MARGIN:
		if (few_samples(m))
			return 2;
		for (int g = 0; g < GROUP_MAX; g++)
			worst = fmax(worst, m->group_share[g].margin);
		return worst;
	case TOP_CSW:
		return per_s(run, m->vol_switches + m->invol_switches);
	case TOP_RUNQ:
		return m->runq_p99_ns;
	case TOP_NET:
		return per_s(run, m->bytes_sent + m->bytes_recv);
	case TOP_RSS:
		return m->rss_avg_bytes;
	case TOP_PIDS:
		return r->c ? r->c->npids : 1;
	default:
		return 0;
	}
}

/* @v in at most 4 characters: bytes in powers of 1024, counts of 1000. */
static const char *human(double v, double base, char *buf, size_t len)
{
	static const char unit[] = " KMGTP";
	int u = 0;

	while (v >= 1000 && u < 5) {
		v /= base;
		u++;
	}
	snprintf(buf, len, u ? (v < 10 ? "%.1f%c" : "%.0f%c") : "%.0f", v,
		 unit[u]);
	return buf;
}

static const char *duration(uint64_t ns, char *buf, size_t len)
{
	if (ns < 1000)
		snprintf(buf, len, "%lluns", (unsigned long long)ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.0fus", ns / 1e3);
	else if (ns < 10000000)
		snprintf(buf, len, "%.2fms", ns / 1e6);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.1fms", ns / 1e6);
	else
		snprintf(buf, len, "%.2fs", ns / 1e9);
	return buf;
}

/* The text of column @c of row @r. */
static void cell(const struct run *run, const struct row *r, enum top_col c,
		 char *buf, size_t len)
{
	double v = value(run, r, c);
	char tmp[32];

	buf[0] = '\0';
	if (is_group(c)) {
		snprintf(buf, len, v < 0 ? "." : "%.0f", 100 * v);
		return;
	}
	if (is_latency(c)) {
		snprintf(buf, len, "%s", v < 0 ? "-" : duration(v, tmp, sizeof(tmp)));
		return;
	}
	switch (c) {
	case TOP_NAME:
		if (r->p)
			snprintf(buf, len, " %u %s", r->p->pid, r->p->comm);
		else
			snprintf(buf, len, "%s", r->c->name);
		break;
	case TOP_ROLE:
		snprintf(buf, len, "%s", r->p ? "" : role_name(r->c->role));
		break;
	case TOP_MESH:
		snprintf(buf, len, "%s", r->p ? "" : mesh_name(r->c->mesh));
		break;
	case TOP_POD:
		if (!r->p)
			pod_label(r->c, buf, len);
		break;
	case TOP_VCPU:
		snprintf(buf, len, "%.2f", v);
		break;
	case TOP_MARGIN:
		snprintf(buf, len, few_samples(r->m) ? "few" : "%.0f", 100 * v);
		break;
	case TOP_RSS:
		if (!v) {	/* sampled only for processes of interest */
			snprintf(buf, len, "-");
			break;
		}
		/* fall through */
	case TOP_NET:
		human(v, 1024, buf, len);
		break;
	case TOP_CSW:
		human(v, 1000, buf, len);
		break;
	case TOP_RUNQ:
		snprintf(buf, len, "%s", v ? duration(v, tmp, sizeof(tmp)) : "-");
		break;
	case TOP_PIDS:
		snprintf(buf, len, "%.0f", v);
		break;
	default:
		break;
	}
}

/* ---- filter and sort ---- */

/* @pat (a "key=value" or plain text token) against component @c. */
static bool token_matches(const struct component *c, const char *tok,
			  size_t n)
{
	char label[96], t[96];
	const char *eq;

	snprintf(t, sizeof(t), "%.*s", (int)n, tok);
	eq = strchr(t, '=');
	if (!eq)
		return strstr(c->name, t) || (pod_label(c, label, sizeof(label)),
					      strstr(label, t));
	if (!strncmp(t, "role=", 5))
		return !strcmp(role_name(c->role), eq + 1);
	if (!strncmp(t, "mesh=", 5))
		return !strcmp(mesh_name(c->mesh), eq + 1);
	if (!strncmp(t, "ns=", 3) || !strncmp(t, "namespace=", 10)) {
		/* a kubelet-named label starts with the namespace */
		pod_label(c, label, sizeof(label));
		n = strlen(eq + 1);
		return c->in_pod && !strncmp(label, eq + 1, n) && label[n] == '/';
	}
	return false;
}

static bool matches(const struct component *c, const char *filter)
{
	const char *p = filter;

	while (*p) {
		size_t n;

		p += strspn(p, " ");
		n = strcspn(p, " ");
		if (n && !token_matches(c, p, n))
			return false;
		p += n;
	}
	return true;
}

struct sort_ctx {
	const struct run *run;
	const struct top_view *v;
};

static struct sort_ctx sorting;	/* qsort has no context argument */

static int compare(const void *a, const void *b)
{
	const struct component *x = *(const struct component *const *)a;
	const struct component *y = *(const struct component *const *)b;
	struct row rx = { x, NULL, &x->m }, ry = { y, NULL, &y->m };
	enum top_col c = sorting.v->sort;
	char bx[96], by[96];
	int d;

	if (cols[c].left) {
		cell(sorting.run, &rx, c, bx, sizeof(bx));
		cell(sorting.run, &ry, c, by, sizeof(by));
		d = strcmp(bx, by);
	} else {
		double vx = value(sorting.run, &rx, c);
		double vy = value(sorting.run, &ry, c);

		d = vx < vy ? 1 : -(vx > vy);	/* numbers: high first */
	}
	if (sorting.v->reverse)
		d = -d;
	/* stable between refreshes: the model's order breaks ties */
	return d ? d : (x < y ? -1 : x > y);
}

/* The components shown, filtered and sorted; *n of them. */
static const struct component **shown(const struct run *run,
				      const struct top_view *v, size_t *n)
{
	const struct component **list = calloc(run->ncomps + 1, sizeof(*list));

	*n = 0;
	if (!list)
		return NULL;
	for (size_t i = 0; i < run->ncomps; i++)
		if (matches(&run->comps[i], v->filter))
			list[(*n)++] = &run->comps[i];
	sorting = (struct sort_ctx){ run, v };
	qsort(list, *n, sizeof(*list), compare);
	return list;
}

const struct component *topview_component(const struct run *run,
					  const struct top_view *v, int row)
{
	const struct component *c = NULL;
	const struct component **list;
	size_t n;

	list = shown(run, v, &n);
	if (list && row >= 0 && (size_t)row < n)
		c = list[row];
	free(list);
	return c;
}

static bool expanded(const struct top_view *v, const char *id)
{
	for (int i = 0; i < v->nexpanded; i++)
		if (!strcmp(v->expanded[i], id))
			return true;
	return false;
}

void topview_toggle_expand(struct top_view *v, const char *id)
{
	for (int i = 0; i < v->nexpanded; i++) {
		if (strcmp(v->expanded[i], id))
			continue;
		memmove(v->expanded[i], v->expanded[i + 1],
			(v->nexpanded - i - 1) * sizeof(v->expanded[0]));
		v->nexpanded--;
		return;
	}
	if (v->nexpanded < TOP_EXPANDED_MAX)
		snprintf(v->expanded[v->nexpanded++], COMPONENT_ID_LEN, "%s", id);
}

/* ---- lines ---- */

static int add_line(struct top_lines *out, enum top_style style, int width,
		    const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int add_line(struct top_lines *out, enum top_style style, int width,
		    const char *fmt, ...)
{
	struct top_line *l;
	char buf[LINE_MAX_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (width > 0 && width < LINE_MAX_LEN)
		buf[width] = '\0';
	l = array_push((void **)&out->lines, &out->n, &out->cap, sizeof(*l));
	if (!l || !(l->text = strdup(buf))) {
		if (l)
			out->n--;
		return -ENOMEM;
	}
	l->style = style;
	return 0;
}

void top_lines_free(struct top_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->lines[i].text);
	free(l->lines);
	memset(l, 0, sizeof(*l));
}

/* Which columns fit: the name, then from hscroll on while there is room
 * (a sixth of the width kept for the name, NAME_MIN at least), and the
 * name takes what is left up to NAME_MAX. */
static int layout(const struct top_view *v, bool *show)
{
	int used = 0, name_min = v->width / 6 > NAME_MIN ? v->width / 6 : NAME_MIN;

	memset(show, 0, TOP_COLS * sizeof(*show));
	show[TOP_NAME] = true;
	for (int c = TOP_NAME + 1 + (v->width ? v->hscroll : 0); c < TOP_COLS;
	     c++) {
		if (v->width && used + 1 + cols[c].width > v->width - name_min)
			break;
		show[c] = true;
		used += 1 + cols[c].width;
	}
	if (!v->width || v->width - used > NAME_MAX)
		return NAME_MAX;
	return v->width - used;
}

static void format_row(const struct run *run, const struct row *r,
		       const bool *show, int name_w, char *buf, size_t len)
{
	size_t pos = 0;
	char text[128];

	for (int c = 0; c < TOP_COLS && pos < len; c++) {
		int w = c == TOP_NAME ? name_w : cols[c].width;

		if (!show[c])
			continue;
		cell(run, r, c, text, sizeof(text));
		pos += snprintf(buf + pos, len - pos, cols[c].left ? "%s%-*.*s" :
				"%s%*.*s", c ? " " : "", w, w, text);
	}
}

static void format_head(const struct top_view *v, const bool *show,
			int name_w, char *buf, size_t len)
{
	size_t pos = 0;

	for (int c = 0; c < TOP_COLS && pos < len; c++) {
		int w = c == TOP_NAME ? name_w : cols[c].width;
		char head[32];

		if (!show[c])
			continue;
		snprintf(head, sizeof(head), "%s", cols[c].head);
		/* the sort column is marked, in its last character if full */
		if ((enum top_col)c == v->sort)
			strcpy(head + (strlen(head) < (size_t)w ? strlen(head) :
				       (size_t)w - 1), "*");
		pos += snprintf(buf + pos, len - pos, cols[c].left ? "%s%-*.*s" :
				"%s%*.*s", c ? " " : "", w, w, head);
	}
}

static int header(const struct run *run, const struct top_view *v,
		  const struct top_status *st, struct top_lines *out)
{
	char drops[256] = "", gaps[256] = "";
	size_t pos = 0;
	int w = v->width;

	for (int d = 0; d < DROP_MAX; d++)
		if (run->drops[d] && pos < sizeof(drops))
			pos += snprintf(drops + pos, sizeof(drops) - pos, " %s=%llu",
					drop_name(d),
					(unsigned long long)run->drops[d]);
	for (int d = 0; d < PROFILE_DROP_MAX; d++)
		if (run->profile.drops[d] && pos < sizeof(drops))
			pos += snprintf(drops + pos, sizeof(drops) - pos,
					" profile_%s=%llu", profile_drop_name(d),
					(unsigned long long)run->profile.drops[d]);
	pos = 0;
	for (int g = 0; g < GAP_MAX; g++)
		if ((run->unavailable & GAP_BIT(g)) && pos < sizeof(gaps))
			pos += snprintf(gaps + pos, sizeof(gaps) - pos, "%s%s",
					pos ? "," : "; unavailable: ", gap_name(g));
	if (add_line(out, TOP_TITLE, w,
		     "meshprof top%s - %s, kernel %s, %d CPUs - %s, every %.1f s",
		     st->paused ? " PAUSED" : "", run->hostname, run->kernel,
		     run->cpus, st->window, st->interval_s) ||
	    add_line(out, TOP_PLAIN, w,
		     "meshprof %.1f%% CPU %sB RSS, drops:%s; probes sched=%s sock=%s profile=%s%s",
		     100 * st->self_cpu,
		     human(st->self_rss, 1024, (char[16]){ 0 }, 16),
		     drops[0] ? drops : " none",
		     run->probe_sched, run->probe_sock,
		     run->profile.hz ? (run->profile.cfi ? "cfi" : "fp") : "off",
		     gaps))
		return -ENOMEM;
	if (!run->profile.hz)
		return add_line(out, TOP_DIM, w,
				"no CPU profile (-F 0): no TLS/HTTP/... split");
	return add_line(out, TOP_DIM, w,
			"split: %% of CPU +- 95%% interval; '.': under %d samples, too short to tell (w: 60 s); %u Hz",
			SHARE_MIN_SAMPLES, run->profile.hz);
}

/* One stack of the pane: the same frames in several processes are one. */
struct pane_stack {
	const char *frames;
	enum cpu_category category;
	uint64_t samples;
};

static int by_frames(const void *a, const void *b)
{
	const struct pane_stack *x = a, *y = b;
	int d = strcmp(x->frames, y->frames);

	return d ? d : (int)x->category - (int)y->category;
}

static int by_samples(const void *a, const void *b)
{
	const struct pane_stack *x = a, *y = b;

	return x->samples < y->samples ? 1 : x->samples > y->samples ? -1 :
	       by_frames(a, b);
}

/* The stacks of @c's processes, merged; *@n of them, most samples first. */
static struct pane_stack *component_stacks(const struct run *run,
					   const struct component *c,
					   size_t *n, uint64_t *total)
{
	struct pane_stack *all = NULL, *s;
	size_t cap = 0, kept = 0;

	*n = *total = 0;
	for (size_t i = 0; i < run->nprocs; i++) {
		const struct process *p = &run->procs[i];

		if (p->component != c - run->comps)
			continue;
		for (size_t j = 0; j < p->nstacks; j++) {
			s = array_push((void **)&all, n, &cap, sizeof(*s));
			if (!s) {
				free(all);
				return NULL;
			}
			*s = (struct pane_stack){ p->stacks[j].frames,
				p->stacks[j].category, p->stacks[j].samples };
			*total += s->samples;
		}
	}
	if (!*n)
		return calloc(1, sizeof(*all));
	qsort(all, *n, sizeof(*all), by_frames);
	for (size_t i = 0; i < *n; i++) {
		if (kept && !by_frames(&all[kept - 1], &all[i]))
			all[kept - 1].samples += all[i].samples;
		else
			all[kept++] = all[i];
	}
	*n = kept;
	qsort(all, *n, sizeof(*all), by_samples);
	return all;
}

static int stacks_pane(const struct run *run, const struct component *c,
		       const struct top_view *v, int room,
		       struct top_lines *out)
{
	int err, w = v->width ? v->width : LINE_MAX_LEN - 1;
	uint64_t total;
	size_t n;
	struct pane_stack *all = component_stacks(run, c, &n, &total);

	if (!all)
		return -ENOMEM;
	err = add_line(out, TOP_HEAD, w, "top stacks of %s: %llu samples in %.1f s (leaf last)",
		       c->name, (unsigned long long)total, run->seconds);
	for (size_t i = 0; i < n && (int)i < room - 1 && !err; i++) {
		const char *f = all[i].frames;
		int keep = w - 19;	/* share, category, separators */
		size_t len = strlen(f);

		err = add_line(out, TOP_PLAIN, w, "%5.1f%% %-11.11s %s%s",
			       100.0 * all[i].samples / total,
			       category_name(all[i].category),
			       keep > 0 && len > (size_t)keep ? "..." : "",
			       keep > 0 && len > (size_t)keep ?
			       f + len - keep + 3 : f);
	}
	free(all);
	return err;
}

static int table(const struct run *run, struct top_view *v,
		 const struct component **list, size_t n, int room,
		 struct top_lines *out)
{
	bool show[TOP_COLS];
	char buf[LINE_MAX_LEN];
	int name_w = layout(v, show), first = 0, lines = 0, err;

	format_head(v, show, name_w, buf, sizeof(buf));
	err = add_line(out, TOP_HEAD, v->width, "%s", buf);
	/* keep the selected row in sight */
	if (v->height && v->selected >= room - 1)
		first = v->selected - (room - 2);
	for (size_t i = first; i < n && !err; i++) {
		struct row r = { list[i], NULL, &list[i]->m };
		size_t idx = list[i] - run->comps;

		if (v->height && lines++ >= room)
			break;
		format_row(run, &r, show, name_w, buf, sizeof(buf));
		err = add_line(out, (int)i == v->selected && v->height ?
			       TOP_SELECTED : TOP_PLAIN, v->width, "%s", buf);
		if (!expanded(v, list[i]->id))
			continue;
		for (size_t k = 0; k < run->nprocs && !err; k++) {
			const struct process *p = &run->procs[k];

			if (p->component != (int)idx ||
			    (v->height && lines++ >= room))
				continue;
			r = (struct row){ list[i], p, &p->m };
			format_row(run, &r, show, name_w, buf, sizeof(buf));
			err = add_line(out, TOP_DIM, v->width, "%s", buf);
		}
	}
	return err;
}

static int footer(const struct top_view *v, const struct top_status *st,
		  struct top_lines *out)
{
	if (st->prompt)
		return add_line(out, TOP_HEAD, v->width,
				"filter (role= mesh= ns= or text; Enter applies, empty clears): %s_",
				st->prompt);
	return add_line(out, TOP_HEAD, v->width,
			"sort %s%s%s%s | <> sort r rev f filter Enter procs s stacks w 60s p pause q quit",
			cols[v->sort].head, v->reverse ? " reversed" : "",
			v->filter[0] ? " | filter " : "", v->filter);
}

int topview_render(const struct run *run, struct top_view *v,
		   const struct top_status *st, struct top_lines *out)
{
	const struct component **list;
	const struct component *sel;
	int room, err;
	size_t n;

	memset(out, 0, sizeof(*out));
	list = shown(run, v, &n);
	if (!list)
		return -ENOMEM;
	out->rows = n;
	for (size_t i = 0; v->selected_id[0] && i < n; i++)
		if (!strcmp(list[i]->id, v->selected_id))
			v->selected = i;
	if (v->selected >= (int)n)
		v->selected = n ? n - 1 : 0;
	sel = n ? list[v->selected] : NULL;
	snprintf(v->selected_id, sizeof(v->selected_id), "%s", sel ? sel->id : "");
	/* title 3, column head 1, footer 1; stacks take the lower half */
	room = v->height ? v->height - 5 : 1 << 20;
	if (v->stacks && sel && v->height)
		room /= 2;
	err = header(run, v, st, out) ?: table(run, v, list, n, room, out);
	if (!err && v->stacks && sel)
		err = stacks_pane(run, sel, v, v->height ?
				  v->height - 1 - (int)out->n : 1 << 20, out);
	free(list);
	return err ?: (v->height || st->prompt ? footer(v, st, out) : 0);
}

/* ---- JSON ---- */

static struct json_object *split_json(const struct metrics *m)
{
	struct json_object *o;

	if (few_samples(m))
		return NULL;
	o = json_object_new_object();
	for (int g = 0; g < GROUP_MAX; g++) {
		struct json_object *s = json_object_new_object();

		put(s, "share", json_object_new_double(m->group_share[g].value));
		put(s, "margin", json_object_new_double(m->group_share[g].margin));
		put(o, cpu_group_name(g), s);
	}
	return o;
}

static struct json_object *row_json(const struct run *run,
				    const struct row *r)
{
	struct json_object *o = json_object_new_object();
	struct json_object *lat = json_object_new_object();
	const struct metrics *m = r->m;

	put(o, "vcpu", json_object_new_double(value(run, r, TOP_VCPU)));
	put_u64(o, "samples", m->cpu_samples);
	put(o, "split", split_json(m));
	put(o, "context_switches_per_second",
	    json_object_new_double(value(run, r, TOP_CSW)));
	put(o, "runq_p99_seconds", json_secs(m->runq_p99_ns));
	put(o, "socket_bytes_per_second",
	    json_object_new_double(value(run, r, TOP_NET)));
	put_u64(o, "rss_bytes", m->rss_avg_bytes);
	for (int k = 0; k < LAT_KINDS; k++)
		if (m->lat_sum[k].count)
			put(lat, lat_kind_name(k), json_secs(m->lat_sum[k].p99_ns));
	put(o, "latency_p99_seconds", lat);
	return o;
}

static struct json_object *component_json(const struct run *run,
					  const struct component *c)
{
	struct row r = { c, NULL, &c->m };
	struct json_object *o = row_json(run, &r);
	struct json_object *procs = json_object_new_array();
	char label[96];

	pod_label(c, label, sizeof(label));
	put_str(o, "id", c->id);
	put_str(o, "name", c->name);
	put_str(o, "pod", label);
	put_str(o, "role", role_name(c->role));
	put_str(o, "mesh", mesh_name(c->mesh));
	for (size_t i = 0; i < run->nprocs; i++) {
		const struct process *p = &run->procs[i];
		struct json_object *j;

		if (p->component != c - run->comps)
			continue;
		r = (struct row){ c, p, &p->m };
		j = row_json(run, &r);
		put_u64(j, "pid", p->pid);
		put_str(j, "comm", p->comm);
		json_object_array_add(procs, j);
	}
	put(o, "processes", procs);
	return o;
}

struct json_object *topview_json(const struct run *run,
				 const struct top_status *st)
{
	struct json_object *o = json_object_new_object();
	struct json_object *self = json_object_new_object();
	struct json_object *drops = json_object_new_object();
	struct json_object *comps = json_object_new_array();

	put(o, "time", json_object_new_double(run->end));
	put(o, "seconds", json_object_new_double(run->seconds));
	put_str(o, "hostname", run->hostname);
	put(o, "cpus", json_object_new_int(run->cpus));
	put_str(o, "probe_sched", run->probe_sched);
	put_str(o, "probe_sock", run->probe_sock);
	put(o, "profile_hz", json_object_new_int(run->profile.hz));
	put(self, "cpu_cores", json_object_new_double(st->self_cpu));
	put_u64(self, "rss_bytes", st->self_rss);
	put(o, "meshprof", self);
	for (int d = 0; d < DROP_MAX; d++)
		if (run->drops[d])
			put_u64(drops, drop_name(d), run->drops[d]);
	for (int d = 0; d < PROFILE_DROP_MAX; d++)
		if (run->profile.drops[d])
			put_u64(drops, profile_drop_name(d), run->profile.drops[d]);
	put(o, "drops", drops);
	for (size_t i = 0; i < run->ncomps; i++)
		json_object_array_add(comps, component_json(run, &run->comps[i]));
	put(o, "components", comps);
	return o;
}
