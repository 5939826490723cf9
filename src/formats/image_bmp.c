/*
 * image_bmp.c - BMP header reader; see include/wc/formats/image_bmp.h.
 * BITMAPFILEHEADER (14 bytes) + a DIB header: BITMAPCOREHEADER (12) or BITMAPINFOHEADER and
 * its successors (40, 52, 56, 64, 108, 124).
 */
#include "wc/formats/image_bmp.h"

#include <stdio.h>
#include <string.h>

static int fail(wc_bmp *st, int code, const char *msg) {
  snprintf(st->err, sizeof st->err, "BMP: %s", msg);
  return code;
}

int wc_bmp_scan(wc_bmp *st, const uint8_t *data, size_t len) {
  uint32_t hsize, offset, file_size;
  int32_t h;
  if (!st->have_header) {
    size_t n = len < 2 ? len : 2;
    if (memcmp(data, "BM", n) != 0) return fail(st, WC_IMG_MALFORMED, "not a BMP file (no \"BM\")");
    if (len < 18) return WC_IMG_OK;
    hsize = wc_rd32le(data + 14);
    if (hsize != 12 && hsize != 40 && hsize != 52 && hsize != 56 && hsize != 64 && hsize != 108 && hsize != 124)
      return fail(st, WC_IMG_UNSUPPORTED, "unknown DIB header size");
    if (len < 14 + (uint64_t)hsize) return WC_IMG_OK;
    file_size = wc_rd32le(data + 2);
    offset = wc_rd32le(data + 10);
    if (hsize == 12) {
      st->width = wc_rd16le(data + 18);
      h = (int16_t)wc_rd16le(data + 20);
      st->bpp = (int)wc_rd16le(data + 24);
      st->compression = 0;
    } else {
      int32_t w = (int32_t)wc_rd32le(data + 18);
      h = (int32_t)wc_rd32le(data + 22);
      st->bpp = (int)wc_rd16le(data + 28);
      st->compression = (int)wc_rd32le(data + 30);
      if (w <= 0) return fail(st, WC_IMG_MALFORMED, "a width of 0 or less");
      st->width = (uint32_t)w;
    }
    if (h == INT32_MIN) return fail(st, WC_IMG_MALFORMED, "invalid height");
    st->top_down = h < 0;
    st->height = (uint32_t)(h < 0 ? -h : h);
    if (wc_image_check_size(st->width, st->height, st->err, sizeof st->err) < 0) return WC_IMG_MALFORMED;
    if (offset < 14 + hsize) return fail(st, WC_IMG_MALFORMED, "pixel data inside the headers");
    if (st->compression == 0 || st->compression == 3 || st->compression == 6) {
      uint64_t stride = (((uint64_t)st->width * (uint64_t)st->bpp + 31) / 32) * 4;
      if (st->bpp != 1 && st->bpp != 2 && st->bpp != 4 && st->bpp != 8 && st->bpp != 16 && st->bpp != 24 && st->bpp != 32)
        return fail(st, WC_IMG_MALFORMED, "invalid bits per pixel");
      st->need = (uint64_t)offset + stride * st->height;
    } else {
      /* RLE and embedded JPEG/PNG: the length is bfSize, or all the stream has */
      st->need = file_size > offset ? file_size : 0;
    }
    st->have_header = 1;
  }
  if (st->need && len >= st->need) st->complete = 1;
  return WC_IMG_OK;
}

int wc_bmp_tracks_known(const wc_bmp *st) { return st->have_header; }
