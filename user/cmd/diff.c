// SPDX-License-Identifier: GPL-2.0
/* meshprof diff: the MeshMark of a mesh run against a baseline run. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>
#include "commands.h"
#include "runjson.h"
#include "derive.h"
#include "html.h"
#include "meshmark.h"
#include "meshmark_out.h"
#include "smp.h"

#define DIFF_SCHEMA "meshprof.diff/1"

static const char usage[] =
"usage: meshprof diff BASELINE.json MESH.json [-o FILE.json] [--html FILE.html]\n"
"                     [--weights SPEC]\n"
"\n"
"Compares a run of the workload with the mesh against a baseline run of the\n"
"same load without it: overhead per 1000 requests for each resource, where\n"
"it went (component, class), and the MeshMark score (docs/meshmark.md).\n"
"\n"
"  -o, --output FILE     write the comparison as JSON\n"
"      --html FILE       the comparison as one self-contained page\n"
"      --format FMT      of the -o file: meshprof (default) or smp\n"
"      --weights SPEC    MeshMark weights, e.g. cpu=0.2,p99=-0.5\n"
"  -h, --help\n";

/* Runs that cannot be set side by side, said before any number is made. */
static int check_comparable(const struct run *base, const struct run *mesh,
			    const char *bname, const char *mname)
{
	if (base->cpus != mesh->cpus) {
		errorf("diff", "mismatched runs: %s ran on %d CPUs, %s on %d",
		       bname, base->cpus, mname, mesh->cpus);
		return -1;
	}
	if (!base->requests != !mesh->requests) {
		errorf("diff", "mismatched runs: %s has a request count and %s has none; record both with --requests or --loadgen, or neither",
		       base->requests ? bname : mname,
		       base->requests ? mname : bname);
		return -1;
	}
	return 0;
}

static int write_diff(const struct run *mesh, const struct meshmark *mm,
		      const char *bname, const char *mname, bool smp,
		      const char *path)
{
	struct json_object *root;
	char err[512];
	int rc;

	if (smp) {
		root = smp_json(mesh, mm);
	} else {
		root = json_object_new_object();
		json_object_object_add(root, "schema", json_object_new_string(DIFF_SCHEMA));
		json_object_object_add(root, "baseline", json_object_new_string(bname));
		json_object_object_add(root, "mesh", json_object_new_string(mname));
		json_object_object_add(root, "mue", mue_to_json(mm));
		json_object_object_add(root, "meshmark", meshmark_to_json(mm));
	}
	rc = json_write_file(root, path, err, sizeof(err));
	json_object_put(root);
	if (rc)
		errorf("diff", "%s", err);
	return rc;
}

struct diff_args {
	struct score_opts score;
	const char *output;
	const char *html;
};

static int opt_output(const char *cmd, void *args, const char *arg)
{
	((struct diff_args *)args)->output = arg;
	return 0;
}

static int opt_html(const char *cmd, void *args, const char *arg)
{
	((struct diff_args *)args)->html = arg;
	return 0;
}

static const struct cmd_opt diff_opts[] = {
	{ "output", 'o', true, opt_output },
	{ "html", 0, true, opt_html },
	SCORE_OPTIONS(struct diff_args, score),
	{}
};

int cmd_diff(int argc, char **argv)
{
	struct run base = {}, mesh = {};
	struct diff_args a = {};
	struct meshmark mm = {};
	char err[512];
	int rc;

	rc = parse_options("diff", usage, diff_opts, argc, argv, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	rc = 1;
	if (optind != argc - 2) {
		errorf("diff", "expected BASELINE.json and MESH.json (see --help)");
		return EXIT_USAGE;
	}
	if (run_read_json(&base, argv[optind], err, sizeof(err)) ||
	    run_read_json(&mesh, argv[optind + 1], err, sizeof(err))) {
		errorf("diff", "%s", err);
		goto cleanup;
	}
	if (check_comparable(&base, &mesh, argv[optind], argv[optind + 1]))
		goto cleanup;
	run_derive(&base, &a.score.weights);
	run_derive(&mesh, &a.score.weights);
	if (meshmark_compare(&base, &mesh, &a.score.weights, &mm)) {
		errorf("diff", "%s", mm.error);
		goto cleanup;
	}
	meshmark_print(stdout, &mm);
	if (a.output && write_diff(&mesh, &mm, argv[optind], argv[optind + 1],
				 a.score.smp, a.output))
		goto cleanup;
	if (a.html) {
		if (html_write_diff(&mesh, &mm, argv[optind], argv[optind + 1],
				    a.html, err, sizeof(err))) {
			errorf("diff", "%s", err);
			goto cleanup;
		}
		fprintf(stderr, "meshprof diff: HTML report written to %s\n", a.html);
	}
	rc = 0;
cleanup:
	meshmark_free(&mm);
	run_free(&base);
	run_free(&mesh);
	return rc;
}
