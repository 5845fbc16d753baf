/* SPDX-License-Identifier: Apache-2.0 */
/*
 * File access.  Evidence is only ever opened O_RDONLY and mapped PROT_READ/MAP_PRIVATE (undark's
 * one good habit); outputs are written through wxf_out_* which refuse paths inside evidence.
 *
 * Every file of evidence is opened through wxf_open_ro(): a symbolic link is never followed (the
 * inventory records it with its target text; an examiner who wants the target gives it as
 * evidence), only a regular file is opened (a FIFO would block, a device would be read without
 * end or change state on open), and O_NOATIME is asked for so that reading leaves the access
 * time alone wherever the kernel allows it (the caller owns the file, or has CAP_FOWNER as root
 * in a lab does); where it does not, the file is opened without it, silently.
 */
#ifndef WXF_FILE_H
#define WXF_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include "wxf_err.h"

typedef struct wxf_map {
	const uint8_t *data;
	size_t size;
	void *priv_;     /* mmap base or malloc'd copy */
	int mapped;
} wxf_map;

/* Opens a regular file read-only as described above; fills *st when st is non-NULL.  Returns
 * the descriptor, or -1 with err set to WXF_EIO: "<path>: is a symbolic link to '<target>'
 * (not followed)", "<path>: not a regular file (FIFO)", "<path>: cannot open: <reason>". */
int wxf_open_ro(const char *path, struct stat *st, wxf_err *err);
/* "regular file", "directory", "symbolic link", "FIFO", "character device", "block device",
 * "socket" or "special file". */
const char *wxf_file_type_name(mode_t mode);

/* Reads the first bytes (at most n) of a file opened by wxf_open_ro: the count, or -1. */
ssize_t wxf_file_head(const char *path, void *buf, size_t n);

/* Maps a file read-only (opened by wxf_open_ro).  An empty file gives data=NULL,size=0 and
 * WXF_OK. */
int wxf_map_open(wxf_map *m, const char *path, wxf_err *err);
void wxf_map_close(wxf_map *m);

/* Reads at most `max` bytes of a small file (opened by wxf_open_ro) into a NUL-terminated
 * malloc'd buffer.  WXF_ECORRUPT if larger than max. */
int wxf_file_read_small(const char *path, size_t max, uint8_t **out, size_t *len, wxf_err *err);
/* Creates (or truncates) path and writes data to it: WXF_OK, or WXF_EIO naming the file and
 * the reason ("No space left on device") when the write or the final flush fails. */
int wxf_file_write(const char *path, const void *data, size_t n, wxf_err *err);

/* Reads exactly n bytes at offset off (retrying short reads and EINTR): 0, or -1 on an I/O
 * error or end of file (errno set on I/O errors). */
int wxf_pread_all(int fd, void *buf, size_t n, uint64_t off);
/* write(2) of all n bytes at the file position, retried on EINTR; 0 or -1. */
int wxf_write_all(int fd, const void *buf, size_t n);
/* Writes all n bytes at offset off: WXF_OK or WXF_EIO naming path. */
int wxf_pwrite_all(int fd, const void *p, size_t n, uint64_t off, const char *path, wxf_err *err);

/* malloc'd "a/b"; never doubles slashes. */
char *wxf_path_join(const char *a, const char *b);
/* 1 if some component of path is exactly "." or ".." (a name such as "photo..jpg" is not). */
int wxf_path_has_dot_component(const char *path);
/* Looks for rel below dir without following a symbolic link in any component of rel (dir is
 * taken as given).  WXF_OK: a regular file, *st filled; WXF_ENOTFOUND: absent; WXF_EUNSUPPORTED:
 * a component is a symbolic link or the file is not a regular file, why (when non-NULL)
 * describes it ("image2/ab/x.jpg is a symbolic link to '/etc/passwd' (not followed)"). */
int wxf_stat_below(const char *dir, const char *rel, struct stat *st, char *why, size_t why_n);
/* 1 if `path` (existing or not) is `dir` or lies below it, after resolving symlinks of the
 * longest existing prefix of each; 0 otherwise. */
int wxf_path_is_inside(const char *path, const char *dir);
/* mkdir -p; returns WXF_OK or WXF_EIO. */
int wxf_mkdir_p(const char *path, wxf_err *err);
const char *wxf_path_base(const char *path);
/* The directory part of path (malloc'd, trailing slashes ignored): "." without a slash, "/"
 * for an entry of the root. */
char *wxf_path_dir(const char *path);
/* 1 if a regular file / directory exists at path (following links). */
int wxf_is_file(const char *path);
int wxf_is_dir(const char *path);
/* 1 if a regular file exists at path itself: a symbolic link is not followed (0). */
int wxf_is_regular(const char *path);
/* 1 if dir does not exist or is an empty directory (a place a new bundle may be written). */
int wxf_dir_empty_or_absent(const char *dir);
/* The folder for temporary files (the carver's and the model's spill): $TMPDIR, else /tmp. */
const char *wxf_tmpdir(void);

#endif
