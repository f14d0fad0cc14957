/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Answers of Prometheus's HTTP API to instant queries (/api/v1/query):
 * the JSON read into a vector of labelled samples, or the error
 * Prometheus gave, in one line.
 */
#ifndef MESHPROF_PROMANSWER_H
#define MESHPROF_PROMANSWER_H

#include <stddef.h>

struct prom_label {
	char *name;
	char *value;
};

struct prom_sample {
	struct prom_label *labels;
	size_t nlabels;
	double value;		/* finite: NaN and infinities are left out */
};

struct prom_vector {
	struct prom_sample *samples;
	size_t n, cap;
};

/* prom_answer_parse(): Prometheus answered with an error of its own. */
#define PROM_ANSWER_REFUSED 1

/*
 * Reads @len bytes of @text, an answer whose result is an instant vector,
 * into @v (zeroed or freed). PROM_ANSWER_REFUSED with Prometheus's error
 * in @err ("bad_data: parse error ..."), -1 with what is wrong with an
 * answer that is not the API's.
 */
int prom_answer_parse(const char *text, size_t len, struct prom_vector *v,
		      char *err, size_t err_len);
/* Makes @s one line: what Prometheus and label values may hold. */
void prom_one_line(char *s);
/* The value of label @name of @s; "" when it has none (as in PromQL). */
const char *prom_label(const struct prom_sample *s, const char *name);
void prom_vector_free(struct prom_vector *v);

#endif
