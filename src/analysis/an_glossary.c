/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Glossary: the counterfeit-trade slang terms of data/glossary.txt that occur in the account's
 * messages, each with its explanations and the first message that uses it (CPI 2021 art. 115:
 * a court may ask for explanations of code words and slang).
 *
 * File format (glossary.txt): UTF-8 lines "term<TAB>Chinese<TAB>English"; '#' comment lines
 * and blank lines are skipped; a line without both explanations is an error (WXF_ECORRUPT
 * naming the line).  Terms are matched with the indicator matcher (same folding and ASCII
 * word rules) over every counted message's body, title, description and recovered recalled
 * original, in one pass; the order of the result is the file's.  A missing file is not an
 * error: the analysis notes it and lists none.
 */
#include "config.h"
#include "analysis/analysis_int.h"
#include "base/wxf_file.h"
#include "base/wxf_fmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct gl_line {
	const char *term, *zh, *en;
	char origin[32];
} gl_line;

/* Per line of the file: messages that use the term, the first of them. */
typedef struct gl_count {
	size_t n_msgs, last_msg;     /* last_msg: 1 + the message last counted */
	const wxf_msg *first;
} gl_count;

typedef struct gl_match {
	gl_count *cnt;
	const wxf_msg *msg;
	size_t k;                    /* 1 + index of msg */
} gl_match;

/* The phrase's category is the line's index (the set is private to this file). */
static void
gl_cb(void *arg, const wxf_indicator *ind, size_t off, size_t len)
{
	gl_match *g = arg;
	gl_count *c = &g->cnt[strtoul(ind->category, NULL, 10)];

	(void)off;
	(void)len;
	if (c->last_msg == g->k)
		return;
	c->last_msg = g->k;
	if (c->n_msgs++ == 0 || (g->msg->time_ms != WXF_TIME_UNKNOWN &&
	    (c->first->time_ms == WXF_TIME_UNKNOWN || g->msg->time_ms < c->first->time_ms)))
		c->first = g->msg;
}

/* Splits buf (modified in place) into lines; fills *out. */
static int
gl_parse(char *buf, size_t n, gl_line **out, size_t *n_out, wxf_err *err)
{
	gl_line *v = NULL;
	size_t cap = 0, k = 0, lineno = 0;
	char *p = buf, *end = buf + n;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *t1, *t2;

		if (nl == NULL)
			nl = end;
		*nl = '\0';
		lineno++;
		if (nl > p && nl[-1] == '\r')
			nl[-1] = '\0';
		if (*p != '#' && *p != '\0') {
			t1 = strchr(p, '\t');
			t2 = t1 != NULL ? strchr(t1 + 1, '\t') : NULL;
			if (t1 == NULL || t2 == NULL || t1 == p || t2 == t1 + 1 || t2[1] == '\0') {
				free(v);
				return wxf_err_set(err, WXF_ECORRUPT, "glossary line %zu: want "
				    "term<TAB>Chinese<TAB>English", lineno);
			}
			*t1 = *t2 = '\0';
			if (k == cap) {
				gl_line *nv;

				cap = cap ? cap * 2 : 32;
				nv = realloc(v, cap * sizeof(*v));
				if (nv == NULL) {
					free(v);
					return wxf_err_set(err, WXF_ENOMEM, "glossary: out of memory");
				}
				v = nv;
			}
			v[k].term = p;
			v[k].zh = t1 + 1;
			v[k].en = t2 + 1;
			wxf_fmt(v[k].origin, sizeof(v[k].origin), "glossary.txt:%zu", lineno);
			k++;
		}
		p = nl + 1;
	}
	*out = v;
	*n_out = k;
	return WXF_OK;
}

int
an_build_glossary(an_ctx *c, const char *path_given)
{
	const wxf_model *m = c->m;
	wxf_analysis *a = c->a;
	char *path = NULL;
	uint8_t *buf = NULL;
	size_t n = 0, n_lines = 0, i, k;
	gl_line *lines = NULL;
	gl_count *cnt = NULL;
	wxf_indicator_set *set = NULL;
	gl_match g;
	wxf_err e;
	int rc;

	wxf_err_clear(&e);
	if (wxf_analysis_data_path("glossary.txt", path_given, &path, &e) != WXF_OK)
		return an_note(c, "glossary.txt not found: no slang glossary (%s)", e.msg);
	if (wxf_file_read_small(path, 4u << 20, &buf, &n, &e) != WXF_OK) {
		if (e.code == WXF_ENOMEM) {
			free(path);
			return AN_NOMEM(c);  /* not a glossary that cannot be read */
		}
		rc = an_note(c, "glossary %s cannot be read: no slang glossary", path);
		free(path);
		return rc;
	}
	free(path);
	{
		uint8_t *nb = realloc(buf, n + 1);

		if (nb == NULL) {
			free(buf);
			return AN_NOMEM(c);
		}
		buf = nb;
	}
	buf[n] = '\0';
	if ((rc = gl_parse((char *)buf, n, &lines, &n_lines, c->err)) < 0) {
		free(buf);
		return rc;
	}
	cnt = calloc(n_lines ? n_lines : 1, sizeof(*cnt));
	a->glossary = wxf_arena_alloc(c->ar, (n_lines ? n_lines : 1) * sizeof(*a->glossary));
	if (cnt == NULL || a->glossary == NULL || (rc = wxf_indicators_new(&set, c->err)) < 0) {
		rc = cnt == NULL || a->glossary == NULL ? AN_NOMEM(c) : rc;
		goto out;
	}
	for (i = 0; i < n_lines; i++) {
		char idx[24];

		wxf_fmt(idx, sizeof(idx), "%zu", i);
		if ((rc = wxf_indicators_add(set, lines[i].term, idx, lines[i].origin, c->err)) < 0)
			goto out;
	}
	g.cnt = cnt;
	for (k = 0; k < m->n_msgs; k++) {
		const wxf_msg *msg = m->msgs[k];

		if (!an_counted(msg))
			continue;
		const char *texts[4];
		size_t t;

		g.msg = msg;
		g.k = k + 1;
		texts[0] = msg->body != NULL && !msg->body_placeholder ? msg->body : NULL;
		texts[1] = msg->x->title;
		texts[2] = msg->x->desc;
		texts[3] = msg->x->recall_original;
		for (t = 0; t < 4; t++)
			if (texts[t] != NULL &&
			    wxf_indicators_match(set, texts[t], gl_cb, &g) == SIZE_MAX) {
				rc = AN_NOMEM(c);  /* a count left short would go unnoticed */
				goto out;
			}
	}
	for (i = 0; i < n_lines; i++) {
		wxf_gloss_entry *ge = &a->glossary[a->n_glossary];

		if (cnt[i].n_msgs == 0)
			continue;
		memset(ge, 0, sizeof(*ge));
		ge->n_msgs = cnt[i].n_msgs;
		ge->first_msg_id = cnt[i].first->id;
		ge->first_ms = cnt[i].first->time_ms;
		if ((ge->term = an_strndup(c, lines[i].term, strlen(lines[i].term))) == NULL ||
		    (ge->zh = an_strndup(c, lines[i].zh, strlen(lines[i].zh))) == NULL ||
		    (ge->en = an_strndup(c, lines[i].en, strlen(lines[i].en))) == NULL) {
			rc = AN_NOMEM(c);
			goto out;
		}
		a->n_glossary++;
	}
	rc = WXF_OK;
out:
	wxf_indicators_free(&set);
	free(cnt);
	free(lines);
	free(buf);
	return rc;
}
