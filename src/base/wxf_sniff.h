/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wxf_sniff: the one table of file signatures.  Every reader that types a file by its first
 * bytes (Android media folders, PC backup media, intake's inventory) asks it, so one file gets
 * one type whichever reader finds it.
 *
 *   type      ext   media  first bytes
 *   jpeg      jpg   yes    ff d8 ff
 *   png       png   yes    89 50 4e 47 0d 0a 1a 0a
 *   gif       gif   yes    "GIF8"
 *   webp      webp  yes    "RIFF" <4 bytes> "WEBP"
 *   wxgf      wxgf  yes    "wxgf" (WeChat's image container)
 *   silk      silk  yes    "#!SILK_V3", or 02 "#!SILK_V3" (WeChat voice)
 *   amr       amr   yes    "#!AMR" ("#!AMR\n" narrow band, "#!AMR-WB\n" wide band)
 *   mp4       mp4   yes    "ftyp" at offset 4 (ISO base media: MP4, MOV, M4A, HEIF)
 *   pdf       pdf   no     "%PDF"
 *   zip       zip   no     "PK" 03 04
 *   rar       rar   no     "Rar!"
 *   unknown   bin   no     anything else, and fewer bytes than a signature needs
 *
 * The SILK rule.  WeChat writes a voice message as the byte 02 followed by the header of
 * Skype's SILK SDK, "#!SILK_V3"; SILK files made elsewhere (the SDK's encoder, converters)
 * start with "#!SILK_V3" itself.  Exactly these two are "silk".  The byte before the header must
 * be 02, not any byte, and the header must be whole: "#!SILK_V3" is the only header the SDK's
 * decoder, and the decoders built on it that play WeChat voice, accept, so a file that starts
 * "#!SILK" without "_V3", or with another byte before it, is not one any SILK decoder opens and
 * stays "unknown" (libmagic's description, where a reader keeps one, still says what it is).
 */
#ifndef WXF_SNIFF_H
#define WXF_SNIFF_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of a file's start that are enough for every signature above. */
#define WXF_SNIFF_HEAD 16

/* The type of a file whose first n bytes are p (a static string; "unknown" if none matches). */
const char *wxf_sniff(const uint8_t *p, size_t n);
/* File name extension for a type from wxf_sniff ("jpg" for jpeg, "bin" for unknown). */
const char *wxf_sniff_ext(const char *type);
/* 1 if the type is an image, voice or video ("media" above), else 0. */
int wxf_sniff_is_media(const char *type);

#endif
