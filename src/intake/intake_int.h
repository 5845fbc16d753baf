/* SPDX-License-Identifier: Apache-2.0 */
/* Private to src/intake. */
#ifndef WXF_INTAKE_INT_H
#define WXF_INTAKE_INT_H

#include "intake/intake.h"

typedef struct wxf_magic wxf_magic;
wxf_magic *wxf_magic_new(void);
void wxf_magic_free(wxf_magic **m);
/* Describes a buffer (the first bytes of a file); outputs are malloc'd. */
void wxf_magic_buffer(wxf_magic *m, const void *data, size_t n, char **desc, char **mime);

/* Content + name classification of a file's first bytes. */
wxf_kind wxf_classify(const char *name, const uint8_t *head, size_t n, uint64_t size,
    double *entropy);
/* The WeChat role of a path, or NULL; sets *platform when the path tells. */
const char *wxf_wechat_role(const char *relpath, wxf_platform *platform);
double wxf_entropy(const uint8_t *p, size_t n);

#endif
