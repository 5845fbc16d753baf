/* SPDX-License-Identifier: Apache-2.0 */
/* Private to src/intake. */
#ifndef WXF_INTAKE_INT_H
#define WXF_INTAKE_INT_H

#include "intake/intake.h"

/* Content + name classification of a file's first bytes. */
wxf_kind wxf_classify(const char *name, const uint8_t *head, size_t n, uint64_t size,
    double *entropy);
/* The WeChat role of a path, or NULL; sets *platform when the path tells. */
const char *wxf_wechat_role(const char *relpath, wxf_platform *platform);
double wxf_entropy(const uint8_t *p, size_t n);
/* 1 when path is WeChat's iOS message database in an app container
 * ("<container>/Documents/<32 hex>/DB/<message database>"); *len gets the container's length. */
int wxf_ios_container_of(const char *path, size_t *len);

#endif
