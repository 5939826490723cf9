/*
 * image_bmp.h - BMP header reader (pure C, fuzzed): the size libavcodec's bmp decoder
 * will produce and how many bytes the file has (its bfSize, or the pixel array's end for
 * uncompressed files when bfSize is wrong), so a streamed file is decoded once whole.
 */
#ifndef WC_IMAGE_BMP_H
#define WC_IMAGE_BMP_H

#include <stddef.h>
#include <stdint.h>

#include "wc/formats/image_common.h"

typedef struct wc_bmp {
  int have_header;
  uint32_t width, height;
  int top_down;
  int bpp, compression;
  uint64_t need;   /* bytes the file needs (0: unknown until the stream ends) */
  int complete;    /* need bytes have arrived */
  char err[160];
} wc_bmp;

int wc_bmp_scan(wc_bmp *st, const uint8_t *data, size_t len);
int wc_bmp_tracks_known(const wc_bmp *st);

#endif
