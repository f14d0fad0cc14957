// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "html.h"
#include "jsonput.h"
#include "meshmark_out.h"
#include "outfile.h"
#include "runjson.h"
#include "podlabel.h"

/* The page's script and style, built in (paths from the top of the tree,
 * where make runs the compiler). */
__asm__(".section .rodata\n"
	".global meshprof_report_js\n"
	".hidden meshprof_report_js\n"
	"meshprof_report_js:\n"
	".incbin \"user/output/html/report.js\"\n"
	".byte 0\n"
	".global meshprof_report_css\n"
	".hidden meshprof_report_css\n"
	"meshprof_report_css:\n"
	".incbin \"user/output/html/report.css\"\n"
	".byte 0\n"
	".previous\n");
extern const char meshprof_report_js[] __attribute__((visibility("hidden")));
extern const char meshprof_report_css[] __attribute__((visibility("hidden")));

/* No connection is ever opened: the policy makes a slip an error in the
 * console instead of a request. */
static const char head[] =
"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
"script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n"
"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
"<title>meshprof</title>\n<style>\n";

struct json_object *run_document(const struct run *run)
{
	const struct meshmark *mm = isnan(run->mm.score) ? NULL : &run->mm;
	struct json_object *root = run_to_json(run);

	put(root, "mue", mm ? mue_to_json(mm) : NULL);
	put(root, "meshmark", mm ? meshmark_to_json(mm) : NULL);
	return root;
}

/* Counts per power of two of nanoseconds, [[low_s, count]...]: the
 * charts' bins. */
static struct json_object *log2_bins(const uint64_t *by_msb)
{
	struct json_object *a = json_object_new_array();

	for (int b = 0; b < 64; b++) {
		struct json_object *pair;

		if (!by_msb[b])
			continue;
		pair = json_object_new_array();
		json_object_array_add(pair, json_object_new_double(ldexp(1, b) / 1e9));
		json_object_array_add(pair, json_object_new_uint64(by_msb[b]));
		json_object_array_add(a, pair);
	}
	return a;
}

static struct json_object *latency_bins(const struct latency_hist *h)
{
	uint64_t by_msb[64] = {};

	for (uint32_t s = 0; h->slots && s < LAT_SLOTS; s++) {
		uint64_t lo, hi;

		if (!h->slots[s])
			continue;
		lat_bounds(s, &lo, &hi);
		by_msb[lo ? 63 - __builtin_clzll(lo) : 0] += h->slots[s];
	}
	return log2_bins(by_msb);
}

/* What the page shows of a component beyond the run's JSON: its label,
 * the shares' intervals, histograms in chart bins. */
static struct json_object *component_view(const struct component *c)
{
	const struct metrics *m = &c->m;
	struct json_object *o = json_object_new_object();
	struct json_object *margins = json_object_new_object();
	struct json_object *lat = json_object_new_object();
	uint64_t runq[64] = {};
	char label[96];

	pod_label(c, label, sizeof(label));
	put_str(o, "id", c->id);
	put_str(o, "label", label);
	put(o, "few_samples", json_object_new_boolean(m->cpu_samples <
						      SHARE_MIN_SAMPLES));
	for (int k = 0; k < CAT_MAX; k++)
		if (m->cat_samples[k] || category_parent(k) == (enum cpu_category)k)
			put(margins, category_name(k),
			    json_object_new_double(m->cat_share[k].margin));
	put(o, "share_margin", margins);
	put(o, "runq_p99_seconds", json_secs(m->runq_p99_ns));
	for (int i = 0; i < MAX_SLOTS; i++)
		runq[i] = m->runq_hist[i];
	put(o, "runq_bins", log2_bins(runq));
	for (int k = 0; k < LAT_KINDS; k++)
		if (m->lat[k].count)
			put(lat, lat_kind_name(k), latency_bins(&m->lat[k]));
	put(o, "latency_bins", lat);
	return o;
}

static struct json_object *view_json(const struct run *run)
{
	struct json_object *o = json_object_new_object();
	struct json_object *comps = json_object_new_array();

	put(o, "min_samples", json_object_new_int(SHARE_MIN_SAMPLES));
	put_str(o, "generator", "meshprof " MESHPROF_VERSION);
	for (size_t i = 0; i < run->ncomps; i++)
		json_object_array_add(comps, component_view(&run->comps[i]));
	put(o, "components", comps);
	return o;
}

/* @data as the page's inline JSON: every '<' escaped, so nothing in it
 * can close the script element. */
static int put_data(FILE *f, struct json_object *data)
{
	const char *s = json_object_to_json_string_ext(data,
						       JSON_C_TO_STRING_PLAIN);

	if (!s)
		return -1;
	fputs("<script id=\"meshprof-data\" type=\"application/json\">", f);
	for (; *s; s++) {
		if (*s == '<')
			fputs("\\u003c", f);
		else
			fputc(*s, f);
	}
	fputs("</script>\n", f);
	return 0;
}

static int print_page(FILE *f, const void *data)
{
	int rc;

	fputs(head, f);
	fputs(meshprof_report_css, f);
	fputs("</style></head>\n<body>\n<div id=\"app\"><noscript>"
	      "This report needs JavaScript.</noscript></div>\n", f);
	rc = put_data(f, (struct json_object *)data);
	fprintf(f, "<script>\n%s</script>\n</body></html>\n",
		meshprof_report_js);
	return rc;
}

static int write_page(struct json_object *data, const char *path, char *err,
		      size_t err_len)
{
	int rc = outfile_print(path, print_page, data, err, err_len);

	json_object_put(data);
	return rc;
}

int html_write_run(const struct run *run, const char *path, char *err,
		   size_t err_len)
{
	struct json_object *data = json_object_new_object();

	put_str(data, "kind", "run");
	put(data, "run", run_document(run));
	put(data, "view", view_json(run));
	return write_page(data, path, err, err_len);
}

int html_write_diff(const struct run *mesh, const struct meshmark *mm,
		    const char *bname, const char *mname, const char *path,
		    char *err, size_t err_len)
{
	struct json_object *data = json_object_new_object();
	struct json_object *diff = json_object_new_object();

	put_str(data, "kind", "diff");
	put_str(diff, "baseline", bname);
	put_str(diff, "mesh", mname);
	put(diff, "meshmark", meshmark_to_json(mm));
	put(diff, "mue", mue_to_json(mm));
	put(data, "diff", diff);
	put(data, "run", run_document(mesh));
	put(data, "view", view_json(mesh));
	return write_page(data, path, err, err_len);
}
