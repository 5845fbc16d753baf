/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wxf_vfmt: vsnprintf for the writers' hot paths.  The writers format millions of short
 * fields ("%s", "%zu", "%04d-%02d", "%.*s", "%lld"); glibc's vsnprintf costs a stream set-up
 * per call, which was a quarter of a whole `case` run.  The conversions the writers use are
 * done here: flags '-' and '0', a width and a precision (digits or '*'), length modifiers
 * hh h l ll z j t, and the conversions d i u x X c s %.  Anything else (floating point, %p,
 * %n, the flags '+' ' ' '#', a precision on an integer, '0' on %s or %c) makes the whole call
 * go to vsnprintf, so the output is always exactly vsnprintf's (tests/unit/test_base.c
 * compares the two over a grid of formats and values).
 */
#include "config.h"
#include "wxf_fmt.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Output with truncation: bytes beyond cap - 1 are counted, not stored. */
typedef struct fout {
	char *p;
	size_t cap, len;
} fout;

static void
put(fout *o, const char *s, size_t n)
{
	if (o->len < o->cap) {
		size_t room = o->cap - o->len;

		memcpy(o->p + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

static void
pad(fout *o, char c, size_t n)
{
	char b[32];

	memset(b, c, sizeof(b));
	while (n > 0) {
		size_t k = n < sizeof(b) ? n : sizeof(b);

		put(o, b, k);
		n -= k;
	}
}

/* A width or precision written in digits at *f (moved past them); -1 when it is too large to
 * be worth doing here. */
static int
digits(const char **f)
{
	int v = 0;

	while (**f >= '0' && **f <= '9') {
		if (v > 100000)
			return -1;
		v = v * 10 + (*(*f)++ - '0');
	}
	return v;
}

/* The conversions done here; 0: the call goes to vsnprintf. */
static int
fast(fout *o, const char *f, va_list ap)
{
	while (*f != '\0') {
		const char *q = f;
		int left = 0, zero = 0, width = 0, prec = -1, len = 0; /* len: 1 h, 2 hh, 3 l, 4 ll, 5 z/j/t */
		char num[24], *e;
		const char *s;
		size_t n;

		while (*q != '\0' && *q != '%')
			q++;
		if (q > f)
			put(o, f, (size_t)(q - f));
		if (*q == '\0')
			break;
		f = q + 1;
		for (;; f++) {
			if (*f == '-')
				left = 1;
			else if (*f == '0')
				zero = 1;
			else if (*f == '+' || *f == ' ' || *f == '#' || *f == '\'')
				return 0;
			else
				break;
		}
		if (*f == '*') {
			width = va_arg(ap, int);
			if (width < -100000 || width > 100000)
				return 0;
			if (width < 0) {
				left = 1;
				width = -width;
			}
			f++;
		} else if ((width = digits(&f)) < 0)
			return 0;
		if (*f == '.') {
			f++;
			prec = 0;
			if (*f == '*') {
				prec = va_arg(ap, int);
				if (prec < 0)
					prec = -1;      /* a negative precision is taken as omitted */
				f++;
			} else if ((prec = digits(&f)) < 0)
				return 0;
		}
		if (*f == 'h' && f[1] == 'h') {
			len = 2;
			f += 2;
		} else if (*f == 'h') {
			len = 1;
			f++;
		} else if (*f == 'l' && f[1] == 'l') {
			len = 4;
			f += 2;
		} else if (*f == 'l') {
			len = 3;
			f++;
		} else if (*f == 'z' || *f == 'j' || *f == 't') {
			len = 5;
			f++;
		}
		if (left)
			zero = 0;
		switch (*f) {
		case '%':
			if (q + 1 != f)
				return 0;       /* "%5%" and the like */
			put(o, "%", 1);
			f++;
			continue;
		case 's':
			if (len != 0 || zero)
				return 0;       /* %ls, or '0' on a string (undefined) */
			s = va_arg(ap, const char *);
			if (s == NULL)
				return 0;       /* glibc's "(null)": leave it to vsnprintf */
			if (prec >= 0) {
				const char *z = memchr(s, '\0', (size_t)prec);

				n = z != NULL ? (size_t)(z - s) : (size_t)prec;
			} else
				n = strlen(s);
			if (!left && (size_t)width > n)
				pad(o, ' ', (size_t)width - n);
			put(o, s, n);
			if (left && (size_t)width > n)
				pad(o, ' ', (size_t)width - n);
			f++;
			continue;
		case 'c':
			if (len != 0 || zero || prec >= 0)
				return 0;
			num[0] = (char)(unsigned char)va_arg(ap, int);
			if (!left && width > 1)
				pad(o, ' ', (size_t)width - 1);
			put(o, num, 1);
			if (left && width > 1)
				pad(o, ' ', (size_t)width - 1);
			f++;
			continue;
		case 'd': case 'i': case 'u': case 'x': case 'X': {
			int neg = 0, hex = *f == 'x' || *f == 'X';
			unsigned long long v;

			if (prec >= 0)
				return 0;
			if (*f == 'd' || *f == 'i') {
				long long sv;

				switch (len) {
				case 0: sv = va_arg(ap, int); break;
				case 1: sv = (short)va_arg(ap, int); break;
				case 2: sv = (signed char)va_arg(ap, int); break;
				case 3: sv = va_arg(ap, long); break;
				case 4: sv = va_arg(ap, long long); break;
				default:
					if (f[-1] == 'z')
						sv = (long long)va_arg(ap, ptrdiff_t); /* %zd: the signed size type */
					else if (f[-1] == 'j')
						sv = (long long)va_arg(ap, intmax_t);
					else
						sv = (long long)va_arg(ap, ptrdiff_t);
					break;
				}
				neg = sv < 0;
				v = neg ? 0ULL - (unsigned long long)sv : (unsigned long long)sv;
			} else {
				switch (len) {
				case 0: v = va_arg(ap, unsigned int); break;
				case 1: v = (unsigned short)va_arg(ap, unsigned int); break;
				case 2: v = (unsigned char)va_arg(ap, unsigned int); break;
				case 3: v = va_arg(ap, unsigned long); break;
				case 4: v = va_arg(ap, unsigned long long); break;
				default:
					if (f[-1] == 'z')
						v = va_arg(ap, size_t);
					else if (f[-1] == 'j')
						v = (unsigned long long)va_arg(ap, uintmax_t);
					else
						v = (unsigned long long)va_arg(ap, ptrdiff_t);
					break;
				}
			}
			e = num + sizeof(num);
			if (hex) {
				const char *dig = *f == 'x' ? "0123456789abcdef" : "0123456789ABCDEF";

				do {
					*--e = dig[v & 15];
					v >>= 4;
				} while (v != 0);
			} else {
				do {
					*--e = (char)('0' + v % 10);
					v /= 10;
				} while (v != 0);
			}
			n = (size_t)(num + sizeof(num) - e) + (size_t)neg;
			if (!left && !zero && (size_t)width > n)
				pad(o, ' ', (size_t)width - n);
			if (neg)
				put(o, "-", 1);
			if (zero && (size_t)width > n)
				pad(o, '0', (size_t)width - n);
			put(o, e, (size_t)(num + sizeof(num) - e));
			if (left && (size_t)width > n)
				pad(o, ' ', (size_t)width - n);
			f++;
			continue;
		}
		default:
			return 0;
		}
	}
	return 1;
}

int
wxf_vfmt(char *dst, size_t cap, const char *fmt, va_list ap)
{
	fout o;
	va_list aq;
	int ok;

	o.p = dst;
	o.cap = dst != NULL ? cap : 0;
	o.len = 0;
	va_copy(aq, ap);
	ok = fast(&o, fmt, aq);
	va_end(aq);
	if (!ok || o.len > (size_t)(int)((unsigned)-1 >> 1))
		return vsnprintf(dst, cap, fmt, ap);
	if (o.cap > 0)
		dst[o.len < o.cap ? o.len : o.cap - 1] = '\0';
	return (int)o.len;
}

int
wxf_fmt(char *dst, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = wxf_vfmt(dst, cap, fmt, ap);
	va_end(ap);
	return n;
}
