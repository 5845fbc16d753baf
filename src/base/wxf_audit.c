/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "wxf_audit.h"
#include "wxf_file.h"
#include "wxf_buf.h"
#include "wxf_hash.h"
#include "wxf_mem.h"
#include "wxf_time.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
wxf_audit_open(wxf_audit *a, const char *path, const char *tool, wxf_err *err)
{
	memset(a, 0, sizeof(*a));
	a->f = fopen(path, "wxe");
	if (a->f == NULL)
		return wxf_err_set(err, WXF_EIO, "%s: cannot create audit log: %s", path,
		    strerror(errno));
	memset(a->prev, '0', 64);
	a->prev[64] = '\0';
	a->tool = wxf_xstrdup(tool);
	a->path = wxf_xstrdup(path);
	return WXF_OK;
}

struct audit_output {
	uint64_t size;
	char sha256[65];
	char rel[];
};

struct audit_pend {
	char *action, *members;
};

void
wxf_audit_defer(wxf_audit *a)
{
	memset(a, 0, sizeof(*a));
	a->deferred = 1;
}

/* A record of a deferred log, copied. */
static int
defer_add(wxf_audit *a, const char *action, const char *members, wxf_err *err)
{
	struct audit_pend *p;

	if (a->n_pend == a->cap_pend) {
		size_t nc = a->cap_pend ? 2 * a->cap_pend : 16;

		if ((p = realloc(a->pend, nc * sizeof(*p))) == NULL)
			return wxf_err_set(err, WXF_ENOMEM, "audit log: out of memory");
		a->pend = p;
		a->cap_pend = nc;
	}
	p = &a->pend[a->n_pend];
	p->action = strdup(action);
	p->members = members != NULL ? strdup(members) : NULL;
	if (p->action == NULL || (members != NULL && p->members == NULL)) {
		free(p->action);
		free(p->members);
		return wxf_err_set(err, WXF_ENOMEM, "audit log: out of memory");
	}
	a->n_pend++;
	return WXF_OK;
}

int
wxf_audit_replay(wxf_audit *dst, const wxf_audit *src, wxf_err *err)
{
	size_t i;
	int rc;

	for (i = 0; i < src->n_pend; i++)
		if ((rc = wxf_audit_add(dst, src->pend[i].action, src->pend[i].members, err)) != WXF_OK)
			return rc;
	for (i = 0; i < src->outputs.cap; i++) {
		const struct audit_output *o = src->outputs.s[i].val;

		if (o != NULL)
			wxf_audit_output(dst, o->rel, o->size, o->sha256);
	}
	return WXF_OK;
}

int
wxf_audit_add(wxf_audit *a, const char *action, const char *members, wxf_err *err)
{
	wxf_buf b;
	char when[40];

	if (a->deferred)
		return defer_add(a, action, members, err);
	if (a->f == NULL)
		return WXF_OK;
	wxf_buf_init(&b);
	wxf_time_fmt_utc(wxf_time_now_ms(NULL), when, sizeof(when));
	wxf_buf_printf(&b, "{\"seq\":%lu,\"time\":\"%s\",\"action\":", a->seq, when);
	wxf_buf_json_str(&b, action, strlen(action));
	wxf_buf_puts(&b, ",\"tool\":");
	wxf_buf_json_str(&b, a->tool, strlen(a->tool));
	if (members != NULL && *members != '\0') {
		wxf_buf_putc(&b, ',');
		wxf_buf_puts(&b, members);
	}
	wxf_buf_printf(&b, ",\"prev\":\"%s\"}", a->prev);
	wxf_sha256_hex(b.p, b.len, a->prev);
	wxf_buf_putc(&b, '\n');
	if (a->write_errno != 0 || fwrite(b.p, 1, b.len, a->f) != b.len || fflush(a->f) != 0) {
		if (a->write_errno == 0)
			a->write_errno = errno != 0 ? errno : EIO;
		wxf_buf_free(&b);
		return wxf_err_set(err, WXF_EIO, "%s: write error: %s", a->path,
		    strerror(a->write_errno));
	}
	wxf_buf_free(&b);
	a->seq++;
	return WXF_OK;
}

const char *
wxf_audit_head(const wxf_audit *a)
{
	return a->prev;
}

int
wxf_audit_close(wxf_audit *a, wxf_err *err)
{
	int e = a->write_errno, rc = WXF_OK;

	if (a->f != NULL && fclose(a->f) != 0 && e == 0)
		e = errno;
	if (e != 0)
		rc = wxf_err_set(err, WXF_EIO, "%s: write error: %s", a->path ? a->path : "audit log",
		    strerror(e));
	free(a->tool);
	free(a->path);
	for (size_t i = 0; i < a->n_pend; i++) {
		free(a->pend[i].action);
		free(a->pend[i].members);
	}
	free(a->pend);
	for (size_t i = 0; i < a->outputs.cap; i++)
		free(a->outputs.s[i].val);      /* the key is the entry's own name */
	wxf_strmap_free(&a->outputs);
	memset(a, 0, sizeof(*a));
	return rc;
}

void
wxf_audit_output(wxf_audit *a, const char *rel, uint64_t size, const char *sha256)
{
	struct audit_output *o;
	size_t n;

	if (a == NULL || rel == NULL || sha256 == NULL || strlen(sha256) != 64)
		return;
	if ((o = wxf_strmap_get(&a->outputs, rel)) == NULL) {
		n = strlen(rel);
		if ((o = malloc(sizeof(*o) + n + 1)) == NULL)
			return;
		memcpy(o->rel, rel, n + 1);
		if (wxf_strmap_put(&a->outputs, o->rel, o) != WXF_OK) {
			free(o);
			return;
		}
	}
	o->size = size;
	memcpy(o->sha256, sha256, 65);
}

const char *
wxf_audit_output_sha256(const wxf_audit *a, const char *rel, uint64_t size)
{
	const struct audit_output *o = a != NULL ? wxf_strmap_get(&a->outputs, rel) : NULL;

	return o != NULL && o->size == size ? o->sha256 : NULL;
}

int
wxf_audit_verify(const char *path, unsigned long *n_lines, wxf_err *err)
{
	int fd = wxf_open_ro(path, NULL, err);
	FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
	char prev[65], cur[65], *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned long n = 0;
	int rc = WXF_OK;

	if (f == NULL) {
		if (fd >= 0) {
			close(fd);
			return wxf_err_set(err, WXF_EIO, "%s: cannot open: %s", path, strerror(errno));
		}
		return WXF_EIO;
	}
	memset(prev, '0', 64);
	prev[64] = '\0';
	while ((len = getline(&line, &cap, f)) > 0) {
		const char *p;

		n++;
		if (line[len - 1] != '\n') {
			rc = wxf_err_set(err, WXF_EVERIFY, "%s: line %lu is not terminated", path, n);
			break;
		}
		line[--len] = '\0';
		/* the chain field is the last member: ,"prev":"<64 hex>"} */
		p = len >= 75 ? line + len - 75 : NULL;
		if (p == NULL || strncmp(p, ",\"prev\":\"", 9) != 0 || strncmp(p + 9, prev, 64) != 0 ||
		    strcmp(p + 73, "\"}") != 0) {
			rc = wxf_err_set(err, WXF_EVERIFY,
			    "%s: line %lu does not chain to the line before it", path, n);
			break;
		}
		wxf_sha256_hex(line, (size_t)len, cur);
		memcpy(prev, cur, sizeof(prev));
	}
	free(line);
	fclose(f);
	if (n_lines)
		*n_lines = n;
	return rc;
}

void
wxf_audit_kv(wxf_audit *a, const char *action, const char *key, const char *val)
{
	wxf_buf b;

	if (a == NULL || (a->f == NULL && !a->deferred))
		return;
	wxf_buf_init(&b);
	wxf_buf_json_kstr(&b, key, val);
	wxf_audit_add(a, action, b.p, NULL);
	wxf_buf_free(&b);
}
