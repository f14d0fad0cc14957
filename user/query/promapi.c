// SPDX-License-Identifier: GPL-2.0
/* Instant queries to Prometheus's HTTP API over libcurl. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include "dynlib.h"
#include "promapi.h"

#define CONNECT_TIMEOUT_S 10L
/* Prometheus gives up on a query after 2 minutes by default. */
#define QUERY_TIMEOUT_S 150L

struct prom_api {
	CURL *curl;
	char *url;		/* without a trailing slash */
	char curl_err[CURL_ERROR_SIZE];
	char *body;
	size_t len, cap;
	bool too_large;
};

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct prom_api *a = arg;
	size_t add = size * n;
	char *grown;

	if (add > PROM_ANSWER_MAX - a->len) {
		a->too_large = true;
		return 0;
	}
	if (a->len + add + 1 > a->cap) {
		size_t cap = a->cap ? a->cap : 65536;

		while (cap < a->len + add + 1)
			cap *= 2;
		grown = realloc(a->body, cap);
		if (!grown)
			return 0;
		a->body = grown;
		a->cap = cap;
	}
	memcpy(a->body + a->len, data, add);
	a->len += add;
	a->body[a->len] = '\0';
	return add;
}

/* libcurl, loaded when query starts (dynlib.h). */
static struct {
	__typeof__(curl_global_init) *global_init;
	__typeof__(curl_global_cleanup) *global_cleanup;
	__typeof__(curl_easy_init) *easy_init;
	__typeof__(curl_easy_setopt) *easy_setopt;
	__typeof__(curl_easy_perform) *easy_perform;
	__typeof__(curl_easy_getinfo) *easy_getinfo;
	__typeof__(curl_easy_strerror) *easy_strerror;
	__typeof__(curl_easy_escape) *easy_escape;
	__typeof__(curl_easy_cleanup) *easy_cleanup;
	__typeof__(curl_free) *free;
} lcurl;

static const struct dynlib_fn lcurl_fns[] = {
	{ "curl_global_init", (void **)&lcurl.global_init },
	{ "curl_global_cleanup", (void **)&lcurl.global_cleanup },
	{ "curl_easy_init", (void **)&lcurl.easy_init },
	{ "curl_easy_setopt", (void **)&lcurl.easy_setopt },
	{ "curl_easy_perform", (void **)&lcurl.easy_perform },
	{ "curl_easy_getinfo", (void **)&lcurl.easy_getinfo },
	{ "curl_easy_strerror", (void **)&lcurl.easy_strerror },
	{ "curl_easy_escape", (void **)&lcurl.easy_escape },
	{ "curl_easy_cleanup", (void **)&lcurl.easy_cleanup },
	{ "curl_free", (void **)&lcurl.free },
};

int prom_api_open(struct prom_api **ap, const char *url, char *err,
		  size_t err_len)
{
	struct prom_api *a;
	size_t n = strlen(url);

	*ap = NULL;
	if (dynlib_load("libcurl.so.4", lcurl_fns,
			sizeof(lcurl_fns) / sizeof(lcurl_fns[0]), err, err_len))
		return -1;
	if (lcurl.global_init(CURL_GLOBAL_DEFAULT)) {
		snprintf(err, err_len, "libcurl cannot start");
		return -1;
	}
	a = calloc(1, sizeof(*a));
	if (!a) {
		lcurl.global_cleanup();
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	a->url = strdup(url);
	a->curl = lcurl.easy_init();
	if (!a->url || !a->curl) {
		prom_api_close(a);
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	while (n > 0 && a->url[n - 1] == '/')
		a->url[--n] = '\0';
	lcurl.easy_setopt(a->curl, CURLOPT_ERRORBUFFER, a->curl_err);
	lcurl.easy_setopt(a->curl, CURLOPT_WRITEFUNCTION, on_body);
	lcurl.easy_setopt(a->curl, CURLOPT_WRITEDATA, a);
	lcurl.easy_setopt(a->curl, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
	lcurl.easy_setopt(a->curl, CURLOPT_TIMEOUT, QUERY_TIMEOUT_S);
	lcurl.easy_setopt(a->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	lcurl.easy_setopt(a->curl, CURLOPT_NOSIGNAL, 1L);
	lcurl.easy_setopt(a->curl, CURLOPT_ACCEPT_ENCODING, "");
	lcurl.easy_setopt(a->curl, CURLOPT_USERAGENT, "meshprof/" MESHPROF_VERSION);
	*ap = a;
	return 0;
}

/* The request's URL: the query and its time, encoded. */
static char *request_url(struct prom_api *a, const char *expr, double time)
{
	char *q = lcurl.easy_escape(a->curl, expr, 0), *url = NULL;
	size_t len;

	if (!q)
		return NULL;
	len = strlen(a->url) + strlen(q) + 64;
	url = malloc(len);
	if (url)
		snprintf(url, len, "%s/api/v1/query?query=%s&time=%.3f", a->url, q,
			 time);
	lcurl.free(q);
	return url;
}

/* An answer that is not 2xx: Prometheus's reason when it gave one. */
static void http_error(struct prom_api *a, long code, char *err,
		       size_t err_len)
{
	struct prom_vector v;
	char why[512];
	int n, rc;

	n = snprintf(err, err_len, "Prometheus at %s answered HTTP %ld", a->url,
		     code);
	if (n < 0 || (size_t)n >= err_len)
		return;
	rc = prom_answer_parse(a->body ? a->body : "", a->len, &v, why,
			       sizeof(why));
	prom_vector_free(&v);
	if (rc == PROM_ANSWER_REFUSED)
		snprintf(err + n, err_len - n, ": %s", why);
	else if (code == 404)
		snprintf(err + n, err_len - n, " for /api/v1/query: is this Prometheus's URL?");
}

int prom_api_query(struct prom_api *a, const char *expr, double time,
		   struct prom_vector *out, char *err, size_t err_len)
{
	char *url = request_url(a, expr, time), why[512];
	long code = 0;
	CURLcode done;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!url) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	a->len = 0;
	a->too_large = false;
	a->curl_err[0] = '\0';
	lcurl.easy_setopt(a->curl, CURLOPT_URL, url);
	done = lcurl.easy_perform(a->curl);
	free(url);
	if (a->too_large) {
		snprintf(err, err_len, "Prometheus at %s: answer larger than %u MiB; narrow the query with --match",
			 a->url, PROM_ANSWER_MAX >> 20);
		return -1;
	}
	if (done != CURLE_OK) {
		snprintf(err, err_len, "cannot reach Prometheus at %s: %s", a->url,
			 a->curl_err[0] ? a->curl_err : lcurl.easy_strerror(done));
		return -1;
	}
	lcurl.easy_getinfo(a->curl, CURLINFO_RESPONSE_CODE, &code);
	if (code < 200 || code > 299) {
		http_error(a, code, err, err_len);
		return -1;
	}
	rc = prom_answer_parse(a->body ? a->body : "", a->len, out, why,
			       sizeof(why));
	if (rc == PROM_ANSWER_REFUSED)
		snprintf(err, err_len, "Prometheus at %s refused the query: %s",
			 a->url, why);
	else if (rc)
		snprintf(err, err_len, "Prometheus at %s: %s", a->url, why);
	return rc ? -1 : 0;
}

void prom_api_close(struct prom_api *a)
{
	if (!a)
		return;
	if (a->curl)
		lcurl.easy_cleanup(a->curl);
	free(a->url);
	free(a->body);
	free(a);
	lcurl.global_cleanup();
}
