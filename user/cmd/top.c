// SPDX-License-Identifier: GPL-2.0
/*
 * meshprof top: the collector engine read every few seconds, each read a
 * small run of its own (attributed, derived) shown as rates, full-screen
 * with ncurses, as text (--once) or as JSON lines (--json). docs/top.md.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <curses.h>
#include <sys/resource.h>
#include <json-c/json.h>
#include "bpfload.h"
#include "clock.h"
#include "commands.h"
#include "component.h"
#include "derive.h"
#include "engine.h"
#include "fit.h"
#include "node.h"
#include "probes.h"
#include "procinfo.h"
#include "sampler.h"
#include "topview.h"

#define LONG_WINDOW_S 60
#define POLL_MS 100

static const char usage[] =
"usage: meshprof top [-i SECONDS] [--once | --json [-n COUNT]] [--rules FILE]\n"
"\n"
"Live view of what each component of this node costs: CPU and its split\n"
"into tls/http/l7/l4/kernel/other, context switches, run-queue delay,\n"
"socket bytes, per-hop latency and memory, refreshed every interval.\n"
"\n"
"  -i, --interval SECONDS  refresh interval (default 2)\n"
"      --once              print one snapshot as text after one interval\n"
"      --json              print a snapshot as a JSON line every interval\n"
"  -n, --count N           with --json: stop after N snapshots\n"
"      --rules FILE        extra classification rules (docs/rules.md)\n"
"  -F, --frequency HZ      CPU profile samples per second per CPU (default\n"
"                          49; 0: no profile and no split)\n"
"      --only mesh         profile only mesh components and apps\n"
"      --categories FILE   extra CPU category rules (docs/attribution.md)\n"
"      --no-latency        no per-hop latency (cheapest accounting)\n"
"      --no-cfi            user stacks by frame pointers only\n"
"      --debug-dir DIR     debug files of stripped binaries by build ID\n"
"      --no-inline         no inlined calls from DWARF in the stacks\n"
"      --btf FILE          BTF for CO-RE when the kernel has none\n"
"      --max-procs N       processes tracked in the kernel (default 8192)\n"
"  -v, --verbose           libbpf and verifier messages on stderr\n"
"  -h, --help\n"
"\n"
"keys: < > sort column, r reverse, f or / filter (role=sidecar mesh=istio\n"
"ns=NAME or text), up/down select, Enter expand into processes, s top\n"
"stacks, left/right scroll columns, w last interval or last 60 s,\n"
"p or space pause, q quit.\n";

struct top_args {
	double interval;
	bool once, json;
	double count;
	const char *rules;
	struct engine_opts engine;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static int opt_interval(const char *cmd, void *args, const char *arg)
{
	if (!parse_number(arg, 0.1, 3600, &((struct top_args *)args)->interval))
		return 0;
	errorf(cmd, "invalid interval '%s' (seconds, 0.1 to 3600)", arg);
	return EXIT_USAGE;
}

static int opt_once(const char *cmd, void *args, const char *arg)
{
	((struct top_args *)args)->once = true;
	return 0;
}

static int opt_json(const char *cmd, void *args, const char *arg)
{
	((struct top_args *)args)->json = true;
	return 0;
}

static int opt_count(const char *cmd, void *args, const char *arg)
{
	double *n = &((struct top_args *)args)->count;

	if (!parse_number(arg, 1, 1e9, n) && *n == (long)*n)
		return 0;
	errorf(cmd, "invalid count '%s' (a whole number >= 1)", arg);
	return EXIT_USAGE;
}

static int opt_rules(const char *cmd, void *args, const char *arg)
{
	((struct top_args *)args)->rules = arg;
	return 0;
}





static const struct cmd_opt top_opts[] = {
	{ "interval", 'i', true, opt_interval },
	{ "once", 0, false, opt_once },
	{ "json", 0, false, opt_json },
	{ "count", 'n', true, opt_count },
	{ "rules", 0, true, opt_rules },
	ENGINE_OPTIONS(struct top_args, engine),
	{}
};

/* ---- the windows ---- */

/*
 * The engine's reads of the last LONG_WINDOW_S seconds, oldest first; the
 * view is the newest one, or all of them merged (w).
 */
struct top {
	struct engine *eng;
	const struct ruleset *rules;
	struct run *reads;
	size_t nreads, max_reads, first;
	struct run view;
	bool long_window;
	double interval;
	uint64_t self_cpu_ns, self_at_ns;
	struct top_status st;
	char window[32];
};

static uint64_t self_cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ULL +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ULL;
}

static void measure_self(struct top *t)
{
	uint64_t cpu = self_cpu_ns(), now = mono_ns();

	if (now > t->self_at_ns)
		t->st.self_cpu = (double)(cpu - t->self_cpu_ns) /
				 (now - t->self_at_ns);
	t->self_cpu_ns = cpu;
	t->self_at_ns = now;
	procinfo_rss(getpid(), &t->st.self_rss);
}

/* The view: the newest read or the long window, attributed and derived. */
static int build_view(struct top *t)
{
	size_t n = t->long_window ? t->nreads : 1;

	run_free(&t->view);
	for (size_t i = t->nreads - n; i < t->nreads; i++)
		if (run_merge(&t->view,
			      &t->reads[(t->first + i) % t->max_reads]))
			return -ENOMEM;
	run_finish(&t->view);
	node_facts(&t->view);
	if (attribute(&t->view, t->rules))
		return -ENOMEM;
	run_derive(&t->view, NULL);
	snprintf(t->window, sizeof(t->window), "last %.1f s",
		 t->view.seconds);
	t->st.window = t->window;
	return 0;
}

/* One read of the engine into the ring; the view follows unless paused. */
static int take_read(struct top *t)
{
	struct run *slot;

	if (t->nreads == t->max_reads) {
		run_free(&t->reads[t->first]);
		t->first = (t->first + 1) % t->max_reads;
		t->nreads--;
	}
	slot = &t->reads[(t->first + t->nreads) % t->max_reads];
	memset(slot, 0, sizeof(*slot));
	t->nreads++;
	if (engine_read(t->eng, slot))
		return -ENOMEM;
	measure_self(t);
	return t->st.paused ? 0 : build_view(t);
}

/* Polls the engine until the next read is due (or a key, with @screen). */
static int wait_read(struct top *t, uint64_t *next, bool screen)
{
	while (!stop) {
		uint64_t now = mono_ns();
		int err;

		if (now >= *next) {
			*next += t->interval * 1e9;
			if (*next < now)	/* fell behind: skip, not burst */
				*next = now + t->interval * 1e9;
			return take_read(t);
		}
		err = engine_poll(t->eng, (*next - now) / 1000000 < POLL_MS ?
				  (*next - now) / 1000000 : POLL_MS);
		if (err)
			return err;
		if (screen)
			return 1;	/* let the screen look at its keys */
	}
	return 0;
}

/* ---- the screen ---- */

static int style_attr(enum top_style s)
{
	switch (s) {
	case TOP_TITLE:
		return A_BOLD;
	case TOP_HEAD:
		return A_REVERSE;
	case TOP_SELECTED:
		return A_STANDOUT | A_BOLD;
	case TOP_DIM:
		return A_DIM;
	default:
		return A_NORMAL;
	}
}

static int draw(struct top *t, struct top_view *v, const char *prompt)
{
	struct top_lines lines;
	int err;

	getmaxyx(stdscr, v->height, v->width);
	t->st.prompt = prompt;
	err = topview_render(&t->view, v, &t->st, &lines);
	if (err)
		return err;
	erase();
	for (size_t i = 0; i < lines.n && (int)i < v->height; i++) {
		int y = i + 1 == lines.n && v->height > (int)lines.n ?
			v->height - 1 : (int)i;	/* the footer at the bottom */

		attrset(style_attr(lines.lines[i].style));
		mvaddnstr(y, 0, lines.lines[i].text, v->width);
		if (lines.lines[i].style == TOP_HEAD ||
		    lines.lines[i].style == TOP_SELECTED)
			for (int x = strlen(lines.lines[i].text); x < v->width; x++)
				mvaddch(y, x, ' ');
	}
	attrset(A_NORMAL);
	refresh();
	top_lines_free(&lines);
	return 0;
}

/* A key typed into the filter prompt; true when the prompt closes. */
static bool prompt_key(struct top_view *v, char *buf, size_t len, int ch)
{
	size_t n = strlen(buf);

	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		snprintf(v->filter, sizeof(v->filter), "%s", buf);
		v->selected = 0;
		v->selected_id[0] = '\0';
		return true;
	}
	if (ch == 27)
		return true;
	if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n)
		buf[n - 1] = '\0';
	else if (ch >= ' ' && ch < 127 && n + 1 < len)
		buf[n] = ch, buf[n + 1] = '\0';
	return false;
}

/* A key of the view; false to quit. */
static bool view_key(struct top *t, struct top_view *v, int ch, int *redraw)
{
	const struct component *c;

	switch (ch) {
	case 'q':
	case 'Q':
		return false;
	case '<':
	case ',':
		v->sort = (v->sort + TOP_COLS - 1) % TOP_COLS;
		break;
	case '>':
	case '.':
		v->sort = (v->sort + 1) % TOP_COLS;
		break;
	case 'r':
		v->reverse = !v->reverse;
		break;
	case KEY_UP:
	case 'k':
		v->selected -= v->selected > 0;
		v->selected_id[0] = '\0';
		break;
	case KEY_DOWN:
	case 'j':
		v->selected++;
		v->selected_id[0] = '\0';
		break;
	case KEY_LEFT:
		v->hscroll -= v->hscroll > 0;
		break;
	case KEY_RIGHT:
		v->hscroll += v->hscroll < TOP_COLS - 2;
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
	case 'e':
		c = topview_component(&t->view, v, v->selected);
		if (c)
			topview_toggle_expand(v, c->id);
		break;
	case 's':
		v->stacks = !v->stacks;
		break;
	case 'w':
		t->long_window = !t->long_window;
		if (t->nreads && build_view(t))
			stop = 1;
		break;
	case 'p':
	case ' ':
		t->st.paused = !t->st.paused;
		if (!t->st.paused && t->nreads && build_view(t))
			stop = 1;
		break;
	case ERR:
		return true;
	default:
		break;
	}
	*redraw = 1;
	return true;
}

/*
 * What meshprof says on stderr while the screen is up would scroll it
 * under ncurses' feet: it is kept in a file and said after the screen is
 * closed.
 */
static FILE *hold_stderr(int *saved)
{
	FILE *f = tmpfile();

	*saved = -1;
	if (!f)
		return NULL;
	fflush(stderr);
	*saved = dup(STDERR_FILENO);
	if (*saved < 0 || dup2(fileno(f), STDERR_FILENO) < 0) {
		fclose(f);
		return NULL;
	}
	return f;
}

static void release_stderr(FILE *f, int saved)
{
	char buf[4096];
	size_t n;

	if (!f)
		return;
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stderr);
	fclose(f);
}

static int run_screen(struct top *t)
{
	struct top_view v = { .sort = TOP_VCPU };
	uint64_t next = mono_ns() + t->interval * 1e9;
	char prompt[sizeof(v.filter)] = "";
	bool typing = false;
	int err = 0, redraw = 0, ch, saved;
	FILE *held = hold_stderr(&saved);

	initscr();
	cbreak();
	noecho();
	nodelay(stdscr, TRUE);
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mvprintw(0, 0, "meshprof top: counting the first %.1f s (q quits)",
		 t->interval);
	refresh();
	while (!stop) {
		err = wait_read(t, &next, true);
		if (err < 0)
			break;
		redraw |= err == 0;
		err = 0;
		while ((ch = getch()) != ERR) {
			if (ch == KEY_RESIZE) {
				redraw = 1;
			} else if (typing) {
				typing = !prompt_key(&v, prompt, sizeof(prompt), ch);
				redraw = 1;
			} else if (ch == 'f' || ch == '/') {
				typing = true;
				snprintf(prompt, sizeof(prompt), "%s", v.filter);
				redraw = 1;
			} else if (!view_key(t, &v, ch, &redraw)) {
				stop = 1;
			}
		}
		if (redraw && t->nreads && !stop)
			err = draw(t, &v, typing ? prompt : NULL);
		redraw = 0;
		if (err)
			break;
	}
	endwin();
	release_stderr(held, saved);
	return err;
}

/* ---- --once and --json ---- */

static int print_once(struct top *t)
{
	struct top_view v = { .sort = TOP_VCPU, .width = terminal_width(stdout) };
	struct top_lines lines;

	if (topview_render(&t->view, &v, &t->st, &lines))
		return -ENOMEM;
	for (size_t i = 0; i < lines.n; i++)
		puts(lines.lines[i].text);
	top_lines_free(&lines);
	return fflush(stdout) ? -EIO : 0;
}

static int print_json(struct top *t)
{
	struct json_object *o = topview_json(&t->view, &t->st);

	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return fflush(stdout) ? -EIO : 0;
}

static int run_lines(struct top *t, const struct top_args *a)
{
	uint64_t next = mono_ns() + t->interval * 1e9;
	long printed = 0;
	int err;

	while (!stop) {
		err = wait_read(t, &next, false);
		if (err || stop)
			return err;
		err = a->once ? print_once(t) : print_json(t);
		if (err || a->once || (a->count && ++printed >= a->count))
			return err;
	}
	return 0;
}

/* ---- the command ---- */

static int prepare(struct top_args *a, struct ruleset *rules)
{
	char err[512];

	if (load_rules("top", rules, a->rules))
		return -1;
	if (probe_privileges(err, sizeof(err)) ||
	    probe_btf(NULL, err, sizeof(err))) {
		errorf("top", "%s", err);
		return -1;
	}
	if (ensure_tracefs(err, sizeof(err)))
		errorf("top", "warning: %s; syscall tracepoints unavailable", err);
	a->engine.rules = rules;
	return 0;
}

int cmd_top(int argc, char **argv)
{
	struct top_args a = {
		.interval = 2,
		.engine = {
			.acct = { .max_procs = 8192 },
			.frequency_hz = PROFILE_DEFAULT_HZ,
		},
	};
	struct sigaction sa = { .sa_handler = on_signal };
	struct ruleset rules = {};
	struct top t = {};
	char err[512];
	int rc;

	rc = parse_options("top", usage, top_opts, argc, argv, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (optind < argc || (a.once && a.json)) {
		errorf("top", optind < argc ? "unexpected argument (see --help)" :
		       "--once and --json exclude each other");
		return EXIT_USAGE;
	}
	if (!a.once && !a.json && !isatty(STDOUT_FILENO)) {
		errorf("top", "stdout is not a terminal: use --once or --json");
		return EXIT_USAGE;
	}
	bpfload_set_verbose(a.engine.verbose);
	rc = 1;
	if (prepare(&a, &rules))
		goto cleanup;
	t.interval = a.interval;
	t.rules = &rules;
	t.max_reads = ceil(LONG_WINDOW_S / a.interval);
	t.reads = calloc(t.max_reads, sizeof(*t.reads));
	t.st.interval_s = a.interval;
	if (!t.reads) {
		errorf("top", "out of memory");
		goto cleanup;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (engine_open(&t.eng, &a.engine, err, sizeof(err))) {
		errorf("top", "%s", err);
		goto cleanup;
	}
	measure_self(&t);
	rc = a.once || a.json ? run_lines(&t, &a) : run_screen(&t);
	if (rc)
		errorf("top", "%s", rc == -ENOMEM ? "out of memory" :
		       "reading events failed");
	rc = rc ? 1 : 0;
cleanup:
	engine_close(t.eng);
	for (size_t i = 0; i < t.nreads; i++)
		run_free(&t.reads[(t.first + i) % t.max_reads]);
	free(t.reads);
	run_free(&t.view);
	rules_free(&rules);
	return rc;
}
