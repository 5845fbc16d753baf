/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "wxf_time.h"
#include "wxf_fmt.h"

#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct wxf_tz {
	char name[64];
	int fixed;       /* 1: fixed offset, no zoneinfo needed */
	int fixed_off;   /* seconds east of UTC */
};

/* Zones without DST since 1992; used when the system lacks zoneinfo files. */
static const struct { const char *name; int off; } builtin[] = {
	{ "UTC", 0 }, { "Etc/UTC", 0 }, { "Asia/Shanghai", 8 * 3600 },
	{ "Asia/Hong_Kong", 8 * 3600 }, { "Asia/Taipei", 8 * 3600 }, { "Asia/Macau", 8 * 3600 },
	{ "Asia/Singapore", 8 * 3600 }, { "Asia/Tokyo", 9 * 3600 },
};

wxf_tz *
wxf_tz_new(const char *name)
{
	wxf_tz *tz;
	char path[256];
	size_t i;

	errno = EINVAL;
	if (name == NULL || *name == '\0' || strlen(name) >= sizeof(tz->name) ||
	    strstr(name, "..") != NULL)
		return NULL;
	tz = calloc(1, sizeof(*tz));
	if (tz == NULL)
		return NULL;    /* errno ENOMEM */
	wxf_fmt(tz->name, sizeof(tz->name), "%s", name);
	if ((name[0] == '+' || name[0] == '-') && strlen(name) == 6 && name[3] == ':') {
		int h = atoi(name + 1), m = atoi(name + 4);

		if (h > 14 || m > 59) {
			free(tz);
			errno = EINVAL;
			return NULL;
		}
		tz->fixed = 1;
		tz->fixed_off = (name[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
		return tz;
	}
	wxf_fmt(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
	if (access(path, R_OK) == 0) {
		setenv("TZ", name, 1);
		tzset();
		return tz;
	}
	for (i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		if (strcmp(builtin[i].name, name) == 0) {
			tz->fixed = 1;
			tz->fixed_off = builtin[i].off;
			return tz;
		}
	}
	free(tz);
	errno = EINVAL;
	return NULL;
}

void
wxf_tz_free(wxf_tz **tz)
{
	if (tz != NULL) {
		free(*tz);
		*tz = NULL;
	}
}

const char *
wxf_tz_name(const wxf_tz *tz)
{
	return tz ? tz->name : "UTC";
}

static int64_t
floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int
wxf_tz_offset(const wxf_tz *tz, int64_t ms)
{
	struct tm tm;
	time_t t;

	if (tz == NULL)
		return 0;
	if (tz->fixed)
		return tz->fixed_off;
	t = (time_t)floordiv(ms, 1000);
	if (localtime_r(&t, &tm) == NULL)
		return 0;
	return (int)tm.tm_gmtoff;
}

static void
fmt(int64_t ms, int off, int utc, char *out, size_t n)
{
	struct tm tm;
	int64_t secs = floordiv(ms, 1000);
	int frac = (int)(ms - secs * 1000);
	time_t t = (time_t)(secs + off);
	char zone[16];

	if (gmtime_r(&t, &tm) == NULL) {
		wxf_fmt(out, n, "unknown");
		return;
	}
	if (utc)
		wxf_fmt(zone, sizeof(zone), "Z");
	else
		wxf_fmt(zone, sizeof(zone), "%c%02d:%02d", off < 0 ? '-' : '+',
		    (abs(off) / 3600) % 100, (abs(off) % 3600) / 60);
	if (frac)
		wxf_fmt(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%s", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac, zone);
	else
		wxf_fmt(out, n, "%04d-%02d-%02dT%02d:%02d:%02d%s", tm.tm_year + 1900, tm.tm_mon + 1,
		    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, zone);
}

void
wxf_time_fmt(const wxf_tz *tz, int64_t ms, char *out, size_t n)
{
	if (ms == WXF_TIME_UNKNOWN) {
		wxf_fmt(out, n, "unknown");
		return;
	}
	fmt(ms, wxf_tz_offset(tz, ms), 0, out, n);
}

void
wxf_time_fmt_utc(int64_t ms, char *out, size_t n)
{
	if (ms == WXF_TIME_UNKNOWN) {
		wxf_fmt(out, n, "unknown");
		return;
	}
	fmt(ms, 0, 1, out, n);
}

int64_t
wxf_time_now_ms(int *from_sde)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	struct timespec ts;

	if (sde != NULL && *sde != '\0') {
		char *end;
		long long v = strtoll(sde, &end, 10);

		if (*end == '\0' && v >= 0) {
			if (from_sde)
				*from_sde = 1;
			return (int64_t)v * 1000;
		}
	}
	if (from_sde)
		*from_sde = 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double
wxf_time_recorded_s(double measured)
{
	int sde = 0;

	(void)wxf_time_now_ms(&sde);
	return sde ? 0.0 : measured;
}

int
wxf_time_cmp(int64_t a, int64_t b)
{
	if (a == b)
		return 0;
	if (a == WXF_TIME_UNKNOWN)
		return 1;
	if (b == WXF_TIME_UNKNOWN)
		return -1;
	return a < b ? -1 : 1;
}
