/*
 * image_jpeg.h - JPEG marker scanner (pure C, incremental, fuzzed): the frame
 * header (size, components, progressive or not), where each scan ends (the data a
 * progressive decode of the scans so far needs), EOI, and the EXIF orientation of
 * the first APP1 "Exif" segment. The entropy-coded data itself is libavcodec's.
 */
#ifndef WC_IMAGE_JPEG_H
#define WC_IMAGE_JPEG_H

#include <stddef.h>
#include <stdint.h>

#include "wc/formats/image_common.h"

typedef struct wc_jpeg {
  uint64_t pos;
  int state;             /* 0: SOI, 1: markers, 2: entropy-coded data of a scan, 3: EOI seen */
  int have_sof;
  uint32_t width, height;
  int components, precision;
  int progressive, arithmetic, lossless;
  uint32_t scans;        /* complete scans (the next marker after the scan's data was found) */
  uint64_t scans_end;    /* where the last complete scan's data ends */
  uint64_t end;          /* after EOI */
  int orientation;       /* EXIF value, 0 if none */
  int seen_exif;
  char err[160];
} wc_jpeg;

int wc_jpeg_scan(wc_jpeg *st, const uint8_t *data, size_t len);
int wc_jpeg_tracks_known(const wc_jpeg *st);

#endif
