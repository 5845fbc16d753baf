/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wxf_fmt, wxf_vfmt: snprintf and vsnprintf, byte for byte, done without the stdio stream set-up
 * for the conversions the writers use (see wxf_fmt.c); anything else is passed to vsnprintf.
 */
#ifndef WXF_FMT_H
#define WXF_FMT_H

#include <stdarg.h>
#include <stddef.h>

int wxf_fmt(char *dst, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int wxf_vfmt(char *dst, size_t cap, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

#endif
