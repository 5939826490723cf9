/*
 * image_jpeg.c - JPEG marker scanner; see include/wc/formats/image_jpeg.h.
 *
 * Segments: FF xx [length]. Markers without a length: SOI, EOI, RSTn, TEM. After an
 * SOS segment comes entropy-coded data, in which FF is followed by 00 (stuffing) or
 * a restart marker; any other FF xx ends the scan. Fill bytes (FF FF ...) are skipped.
 */
#include "wc/formats/image_jpeg.h"

#include <stdio.h>
#include <string.h>

static int fail(wc_jpeg *st, int code, const char *msg) {
  snprintf(st->err, sizeof st->err, "JPEG: %s", msg);
  return code;
}

static int is_sof(int m) {
  return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

int wc_jpeg_scan(wc_jpeg *st, const uint8_t *data, size_t len) {
  if (st->state == 0) {
    if (len >= 1 && data[0] != 0xff) return fail(st, WC_IMG_MALFORMED, "not a JPEG file (no SOI marker)");
    if (len >= 2 && data[1] != 0xd8) return fail(st, WC_IMG_MALFORMED, "not a JPEG file (no SOI marker)");
    if (len < 2) return WC_IMG_OK;
    st->pos = 2;
    st->state = 1;
  }
  for (;;) {
    uint64_t p = st->pos;
    if (st->state == 3) return WC_IMG_OK;
    if (st->state == 2) {
      /* entropy-coded data: find the next marker that is neither stuffing nor RSTn */
      while (p + 1 < len) {
        if (data[p] != 0xff) {
          const uint8_t *q = memchr(data + p, 0xff, (size_t)(len - p));
          if (!q) {
            p = len;
            break;
          }
          p = (uint64_t)(q - data);
          continue;
        }
        if (data[p + 1] == 0x00 || (data[p + 1] >= 0xd0 && data[p + 1] <= 0xd7) || data[p + 1] == 0xff) {
          p += data[p + 1] == 0xff ? 1 : 2;
          continue;
        }
        break;
      }
      if (p + 1 >= len) {
        st->pos = p; /* resume here (at most one byte is looked at again) */
        return WC_IMG_OK;
      }
      st->scans++;
      st->scans_end = p;
      st->pos = p;
      st->state = 1;
      continue;
    }
    /* at a marker */
    while (p < len && data[p] == 0xff && p + 1 < len && data[p + 1] == 0xff) p++; /* fill bytes */
    if (len < p + 2) {
      st->pos = p;
      return WC_IMG_OK;
    }
    if (data[p] != 0xff) return fail(st, WC_IMG_MALFORMED, "a marker was expected");
    {
      int m = data[p + 1];
      uint32_t seglen;
      const uint8_t *d;
      if (m == 0xd9) { /* EOI */
        if (!st->have_sof || st->scans == 0) return fail(st, WC_IMG_MALFORMED, "EOI before any image data");
        st->end = p + 2;
        st->state = 3;
        st->pos = p + 2;
        return WC_IMG_OK;
      }
      if (m == 0xd8) return fail(st, WC_IMG_MALFORMED, "a second SOI marker");
      if ((m >= 0xd0 && m <= 0xd7) || m == 0x01) {
        st->pos = p + 2;
        continue;
      }
      if (len < p + 4) {
        st->pos = p;
        return WC_IMG_OK;
      }
      seglen = wc_rd16be(data + p + 2);
      if (seglen < 2) return fail(st, WC_IMG_MALFORMED, "segment length under 2");
      if (len < p + 2 + seglen) {
        st->pos = p;
        return WC_IMG_OK;
      }
      d = data + p + 4;
      seglen -= 2;
      if (is_sof(m)) {
        if (st->have_sof) return fail(st, WC_IMG_MALFORMED, "a second frame header (SOF)");
        if (seglen < 6) return fail(st, WC_IMG_MALFORMED, "SOF segment too short");
        st->precision = d[0];
        st->height = wc_rd16be(d + 1);
        st->width = wc_rd16be(d + 3);
        st->components = d[5];
        if (st->height == 0) return fail(st, WC_IMG_UNSUPPORTED, "the height is given by a DNL marker (not supported)");
        if (wc_image_check_size(st->width, st->height, st->err, sizeof st->err) < 0) return WC_IMG_MALFORMED;
        if (st->components < 1 || st->components > 4 || seglen < 6 + 3u * (uint32_t)st->components)
          return fail(st, WC_IMG_MALFORMED, "invalid component count in SOF");
        st->progressive = m == 0xc2 || m == 0xc6 || m == 0xca || m == 0xce;
        st->arithmetic = m >= 0xc9;
        st->lossless = m == 0xc3 || m == 0xc7 || m == 0xcb || m == 0xcf;
        st->have_sof = 1;
      } else if (m == 0xda) { /* SOS */
        if (!st->have_sof) return fail(st, WC_IMG_MALFORMED, "SOS before SOF");
        st->pos = p + 2 + seglen + 2;
        st->state = 2;
        continue;
      } else if (m == 0xe1 && !st->seen_exif && seglen >= 6 && memcmp(d, "Exif\0\0", 6) == 0) {
        st->seen_exif = 1;
        st->orientation = wc_exif_orientation(d + 6, seglen - 6);
      }
      st->pos = p + 2 + seglen + 2;
    }
  }
}

int wc_jpeg_tracks_known(const wc_jpeg *st) { return st->have_sof; }
