/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Instants.  The model stores UTC instants as milliseconds since the Unix epoch, with an explicit
 * "unknown" (WXF_TIME_UNKNOWN) — never 0/1970 for a missing value (reporting.md item 12).
 * Display uses an IANA zone (default Asia/Shanghai) and always prints the offset.
 */
#ifndef WXF_TIME_H
#define WXF_TIME_H

#include <stdint.h>
#include <time.h>

#define WXF_TIME_UNKNOWN INT64_MIN

typedef struct wxf_tz wxf_tz;
/* Loads an IANA zone name (e.g. "Asia/Shanghai") or a fixed offset "+08:00"/"UTC".
 * Returns NULL if the zone is unknown. */
/* NULL for a name that is no zone (errno EINVAL) or when out of memory (errno ENOMEM). */
wxf_tz *wxf_tz_new(const char *name);
void wxf_tz_free(wxf_tz **tz);
const char *wxf_tz_name(const wxf_tz *tz);
/* "2026-03-01T10:15:30.123+08:00" (ms omitted when 0 and !force_ms); "unknown" for unknown. */
void wxf_time_fmt(const wxf_tz *tz, int64_t ms, char *out, size_t n);
/* UTC ISO 8601 "2026-03-01T02:15:30.123Z". */
void wxf_time_fmt_utc(int64_t ms, char *out, size_t n);
/* Offset of the zone at that instant, seconds east of UTC. */
int wxf_tz_offset(const wxf_tz *tz, int64_t ms);
/* Current time in ms, or SOURCE_DATE_EPOCH*1000 when that variable is set. */
int64_t wxf_time_now_ms(int *from_source_date_epoch);
/* A measured duration (seconds) as a bundle records it: 0 when SOURCE_DATE_EPOCH fixes the
 * run's clock, as every time the bundle states then is (how long a step took is the machine's,
 * not the evidence's, and would make two runs on the same input differ). */
double wxf_time_recorded_s(double measured);
/* Orders two times in ms; WXF_TIME_UNKNOWN sorts after every known time. */
int wxf_time_cmp(int64_t a, int64_t b);

#endif
