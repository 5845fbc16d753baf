/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Archives given as evidence: a .tar, .tar.gz or .zip of an iPhone full-file-system extraction
 * (private/var/mobile/Containers/Data/Application/<UUID>/Documents/..., and the shared
 * Containers/Shared/AppGroup/<UUID>/).  Tar and gzip-compressed tar go through the project's
 * own tar reader (intake/ab.c, wxf_tar_stream); zip through libarchive (its zip reader only).
 * The format is told by content, never by the file name:
 *
 *   zip      "PK" 03 04 (a member) or "PK" 05 06 (an empty archive) at byte 0
 *   gzip     1F 8B 08 at byte 0, and the inflated stream's first block a tar header
 *   tar      a first 512-byte block whose header checksum is right
 */
#ifndef WXF_INTAKE_ARCHIVE_H
#define WXF_INTAKE_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>
#include "base/wxf_err.h"
#include "base/wxf_log.h"

typedef enum wxf_arch_kind {
	WXF_ARCH_NONE = 0,
	WXF_ARCH_TAR,
	WXF_ARCH_TGZ,
	WXF_ARCH_ZIP
} wxf_arch_kind;

/* "tar", "tar.gz", "zip" or NULL. */
const char *wxf_archive_kind_name(wxf_arch_kind k);
/* The format of the file at path (its first bytes; for gzip, the first inflated block). */
wxf_arch_kind wxf_archive_probe(const char *path);

/* One member at a time.  on_member gets the sanitised name (a name with ".." or that cannot be
 * made relative comes as "(refused unsafe name)" with type 'R'), the type ('0' file, '5'
 * folder, '2' symbolic link, '1' hard link, other tar type letters, '?' unknown), the size
 * (UINT64_MAX when the archive does not say) and returns 0 for the member's data, 1 to skip
 * it, -1 to stop.  on_data (non-zero stops) and on_end follow for a member whose data was
 * asked for. */
typedef struct wxf_archive_cb {
	int (*on_member)(void *arg, const char *name, char type, uint64_t size, int64_t mtime);
	int (*on_data)(void *arg, const uint8_t *p, size_t n);
	int (*on_end)(void *arg);
	void *arg;
} wxf_archive_cb;

/* Streams every member of the archive at path.  WXF_OK, WXF_EIO, WXF_ECORRUPT (a damaged
 * archive: the members before the damage were delivered). */
int wxf_archive_stream(const char *path, wxf_arch_kind k, const wxf_archive_cb *cb,
    wxf_err *err);
/* The same over bytes in memory (tests and fuzzing); the format is told from the bytes. */
int wxf_archive_stream_mem(const uint8_t *p, size_t n, const wxf_archive_cb *cb, wxf_err *err);

/*
 * Restores WeChat's iPhone app containers from an archive into dir (created; nothing is
 * written elsewhere).  Two passes: the first lists the members and reads each container's
 * .com.apple.mobile_container_manager.metadata.plist; a container is WeChat's when that plist
 * names com.tencent.xin or group.com.tencent.xin, or (a data container without it) when it is
 * laid out like WeChat (wxf_ios_container_of, the role table).  The second restores the files
 * of those containers only, under their sanitised member names, streamed; folders are made,
 * links and devices are counted and never created.  A member larger than max_member (0: no
 * limit besides the bomb check) is skipped; when more than WXF_ARCHIVE_BOMB_MIN bytes come out
 * at more than WXF_ARCHIVE_BOMB_RATIO times the archive's size, unpacking stops (a
 * decompression bomb) and what was restored before stays.
 */
#define WXF_ARCHIVE_BOMB_MIN ((uint64_t)1 << 30)
#define WXF_ARCHIVE_BOMB_RATIO 100

typedef struct wxf_archive_result {
	wxf_arch_kind kind;
	size_t n_members;        /* members listed */
	size_t n_containers;     /* WeChat's app containers found */
	size_t n_restored;       /* files written */
	uint64_t bytes;          /* bytes written */
	size_t n_links;          /* links, devices and other non-files of those containers */
	size_t n_refused;        /* unsafe names (absolute or with "..") */
	size_t n_too_large;      /* members over max_member */
	int bomb;                /* stopped as a decompression bomb */
	char *note;              /* the first problem met, malloc'd, or NULL */
} wxf_archive_result;

/* name is how messages call the archive (the evidence's own name, not where it lies).
 * WXF_OK (result filled; n_containers 0 when the archive holds none, then nothing is
 * written), or the error that made the archive unreadable (WXF_EIO, WXF_ECORRUPT before any
 * member). */
int wxf_archive_unpack_ios(const char *path, const char *name, wxf_arch_kind k,
    const char *dir, uint64_t max_member, wxf_archive_result *res, wxf_log *log, wxf_err *err);
void wxf_archive_result_free(wxf_archive_result *res);

#endif
