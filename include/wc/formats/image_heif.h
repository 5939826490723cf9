/*
 * image_heif.h - AVIF (HEIF with AV1) box parser (pure C, incremental, fuzzed).
 *
 * FFmpeg 5.1 has no AVIF demuxer (its mov demuxer learnt HEIF items in 6.x, and this
 * addon links no libavformat), so the boxes a still AVIF needs are read here: ftyp,
 * meta with hdlr, pitm, iloc (construction methods 0 and 1), iinf/infe, iref (auxl,
 * prem), iprp/ipco/ipma with av1C, ispe, colr (nclx, ICC noted), pixi, irot, imir and
 * auxC. The result is the primary item's AV1 data (and its alpha auxiliary item's, if
 * any) as extents of the file, its av1C record, size, colour and orientation.
 *
 * Incremental: top-level boxes are skipped by their headers as data arrives; meta is
 * parsed once it has arrived whole; a frame is complete once every extent has.
 */
#ifndef WC_IMAGE_HEIF_H
#define WC_IMAGE_HEIF_H

#include <stddef.h>
#include <stdint.h>

#include "wc/formats/image_common.h"

#define WC_HEIF_MAX_EXTENTS 64
#define WC_HEIF_MAX_AV1C 512

typedef struct wc_heif_image {
  uint32_t item_id;
  uint64_t ext_off[WC_HEIF_MAX_EXTENTS], ext_len[WC_HEIF_MAX_EXTENTS];
  int next;
  uint64_t size;            /* sum of the extents */
  uint64_t end;             /* the furthest byte an extent needs */
  uint8_t av1c[WC_HEIF_MAX_AV1C];
  int av1c_len;
  uint32_t width, height;   /* ispe */
  int depth;                /* pixi (0 if absent) */
} wc_heif_image;

typedef struct wc_heif {
  uint64_t pos;             /* next top-level box */
  int state;                /* 0: ftyp expected, 1: top-level boxes, 2: meta parsed */
  int is_sequence;          /* avis brand */
  wc_heif_image color, alpha;
  int has_alpha;
  int alpha_premultiplied;
  int has_nclx, primaries, transfer, matrix, full_range;
  int has_icc;
  wc_orientation orientation;
  char err[160];
} wc_heif;

int wc_heif_scan(wc_heif *st, const uint8_t *data, size_t len);
int wc_heif_tracks_known(const wc_heif *st);
/* All the primary item's (and alpha's) extents have arrived. */
int wc_heif_frame_complete(const wc_heif *st, size_t len);
/* Concatenates an image's extents into out (img->size bytes). */
void wc_heif_copy_data(const wc_heif_image *img, const uint8_t *data, uint8_t *out);

#endif
