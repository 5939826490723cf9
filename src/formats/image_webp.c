/*
 * image_webp.c - WebP container scanner and compositing; see include/wc/formats/image_webp.h.
 *
 * Chunks: FourCC, little-endian size, payload padded to an even length. The image of a still
 * file is its VP8/VP8L chunk (with the ALPH chunk before it, if any); an animation's frames are
 * its ANMF chunks. A frame is complete when all of its chunk has arrived.
 */
#include "wc/formats/image_webp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FCC(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)

static int fail(wc_webp *st, int code, const char *msg) {
  snprintf(st->err, sizeof st->err, "WebP: %s", msg);
  return code;
}

static wc_webp_frame *add_frame(wc_webp *st) {
  if (st->nframes >= WC_IMAGE_MAX_FRAMES) return NULL;
  if (st->nframes == st->cap) {
    uint32_t cap = st->cap ? st->cap * 2 : 8;
    wc_webp_frame *f = realloc(st->frames, (size_t)cap * sizeof(*f));
    if (!f) return NULL;
    st->frames = f;
    st->cap = cap;
  }
  memset(&st->frames[st->nframes], 0, sizeof(st->frames[0]));
  return &st->frames[st->nframes++];
}

/* Size of a VP8 (lossy) or VP8L (lossless) bitstream's picture; 0 or -1. */
static int bitstream_size(uint32_t fcc, const uint8_t *d, uint64_t n, uint32_t *w, uint32_t *h, int *alpha) {
  if (fcc == FCC('V', 'P', '8', ' ')) {
    if (n < 10 || (d[0] & 1) || d[3] != 0x9d || d[4] != 0x01 || d[5] != 0x2a) return -1; /* a key frame */
    *w = wc_rd16le(d + 6) & 0x3fff;
    *h = wc_rd16le(d + 8) & 0x3fff;
    *alpha = 0;
    return 0;
  }
  if (fcc == FCC('V', 'P', '8', 'L')) {
    uint32_t b;
    if (n < 5 || d[0] != 0x2f) return -1;
    b = wc_rd32le(d + 1);
    *w = (b & 0x3fff) + 1;
    *h = ((b >> 14) & 0x3fff) + 1;
    *alpha = (b >> 28) & 1;
    if ((b >> 29) != 0) return -1; /* version 0 only */
    return 0;
  }
  return -1;
}

/* Finds the image chunks in [p, end): the frame's [start, end), its bitstream size and kind. */
static int find_image(const uint8_t *data, uint64_t p, uint64_t end, wc_webp_frame *f, uint32_t *w, uint32_t *h) {
  uint64_t alph = 0;
  while (p + 8 <= end) {
    uint32_t fcc = wc_rd32le(data + p), n = wc_rd32le(data + p + 4);
    uint64_t next = p + 8 + (uint64_t)n + (n & 1);
    if ((uint64_t)n > end - p - 8) return -1;
    if (fcc == FCC('A', 'L', 'P', 'H')) {
      if (!alph) alph = p;
    } else if (fcc == FCC('V', 'P', '8', ' ') || fcc == FCC('V', 'P', '8', 'L')) {
      int a;
      if (bitstream_size(fcc, data + p + 8, n, w, h, &a) < 0) return -1;
      f->lossless = fcc == FCC('V', 'P', '8', 'L');
      f->start = (!f->lossless && alph) ? alph : p;
      f->end = next > end ? end : next;
      f->has_alpha = f->lossless ? a : alph != 0;
      return 0;
    }
    p = next;
  }
  return -1;
}

int wc_webp_scan(wc_webp *st, const uint8_t *data, size_t len) {
  if (st->state == 0) {
    size_t n = len < 4 ? len : 4;
    if (memcmp(data, "RIFF", n) != 0) return fail(st, WC_IMG_MALFORMED, "not a WebP file (no RIFF header)");
    if (len >= 12 && memcmp(data + 8, "WEBP", 4) != 0) return fail(st, WC_IMG_MALFORMED, "not a WebP file (RIFF of another type)");
    if (len < 12) return WC_IMG_OK;
    st->riff_end = 8 + (uint64_t)wc_rd32le(data + 4);
    if (st->riff_end < 12 + 8) return fail(st, WC_IMG_MALFORMED, "RIFF size too small");
    st->pos = 12;
    st->state = 1;
  }
  while (st->state == 1) {
    uint64_t p = st->pos, end;
    uint32_t fcc, n;
    const uint8_t *d;
    if (p + 8 > st->riff_end) {
      st->state = 2;
      break;
    }
    if (len < p + 8) return WC_IMG_OK;
    fcc = wc_rd32le(data + p);
    n = wc_rd32le(data + p + 4);
    end = p + 8 + (uint64_t)n + (n & 1);
    if (p + 8 + (uint64_t)n > st->riff_end) return fail(st, WC_IMG_MALFORMED, "a chunk runs past the RIFF size");
    if (end > st->riff_end) end = st->riff_end; /* a missing pad byte at the very end is tolerated */
    if (len < end) return WC_IMG_OK;
    d = data + p + 8;
    if (fcc == FCC('I', 'C', 'C', 'P') && st->extended && !st->has_icc) {
      st->has_icc = 1;
      st->icc_off = p + 8;
      st->icc_len = n;
    }
    if (p == 12) {
      /* the first chunk says which kind of file this is */
      if (fcc == FCC('V', 'P', '8', 'X')) {
        if (n < 10) return fail(st, WC_IMG_MALFORMED, "VP8X chunk too short");
        st->extended = 1;
        st->animated = (d[0] >> 1) & 1;
        st->alpha_flag = (d[0] >> 4) & 1;
        st->width = wc_rd24le(d + 4) + 1;
        st->height = wc_rd24le(d + 7) + 1;
        if (wc_image_check_size(st->width, st->height, st->err, sizeof st->err) < 0) return WC_IMG_MALFORMED;
        st->pos = end;
        continue;
      }
      if (fcc != FCC('V', 'P', '8', ' ') && fcc != FCC('V', 'P', '8', 'L'))
        return fail(st, WC_IMG_MALFORMED, "the first chunk is not VP8, VP8L or VP8X");
    }
    if (st->animated) {
      if (fcc == FCC('A', 'N', 'I', 'M')) {
        if (n < 6) return fail(st, WC_IMG_MALFORMED, "ANIM chunk too short");
        if (!st->anim_seen) {
          st->anim_seen = 1;
          st->loop_count = wc_rd16le(d + 4);
        }
      } else if (fcc == FCC('A', 'N', 'M', 'F')) {
        wc_webp_frame *f;
        uint32_t w, h;
        if (n < 16) return fail(st, WC_IMG_MALFORMED, "ANMF chunk too short");
        if (!(f = add_frame(st))) return fail(st, WC_IMG_UNSUPPORTED, "too many frames");
        f->x = wc_rd24le(d) * 2;
        f->y = wc_rd24le(d + 3) * 2;
        f->w = wc_rd24le(d + 6) + 1;
        f->h = wc_rd24le(d + 9) + 1;
        f->duration_us = (int64_t)wc_rd24le(d + 12) * 1000;
        f->blend = !((d[15] >> 1) & 1);
        f->dispose = d[15] & 1;
        if ((uint64_t)f->x + f->w > st->width || (uint64_t)f->y + f->h > st->height)
          return fail(st, WC_IMG_MALFORMED, "an ANMF frame lies outside the canvas");
        if (find_image(data, p + 8 + 16, p + 8 + n, f, &w, &h) < 0)
          return fail(st, WC_IMG_MALFORMED, "an ANMF frame without a valid VP8/VP8L bitstream");
        if (w != f->w || h != f->h) return fail(st, WC_IMG_MALFORMED, "an ANMF frame's bitstream has another size");
        f->complete = 1;
        st->frames_complete = st->nframes;
      }
      st->pos = end;
      continue;
    }
    if (!st->has_image && (fcc == FCC('V', 'P', '8', ' ') || fcc == FCC('V', 'P', '8', 'L') || fcc == FCC('A', 'L', 'P', 'H'))) {
      /* a still image: its ALPH (if any) and VP8/VP8L chunks */
      wc_webp_frame *f;
      uint32_t w, h;
      if (fcc == FCC('A', 'L', 'P', 'H')) {
        /* wait for the bitstream chunk after it */
        uint64_t q = end;
        uint32_t n2;
        if (len < q + 8 || q + 8 > st->riff_end) {
          if (q + 8 > st->riff_end) return fail(st, WC_IMG_MALFORMED, "ALPH without an image chunk");
          return WC_IMG_OK;
        }
        n2 = wc_rd32le(data + q + 4);
        if (q + 8 + (uint64_t)n2 > st->riff_end) return fail(st, WC_IMG_MALFORMED, "a chunk runs past the RIFF size");
        if (len < q + 8 + (uint64_t)n2) return WC_IMG_OK;
        end = q + 8 + (uint64_t)n2 + (n2 & 1);
        if (end > st->riff_end) end = st->riff_end;
      }
      if (!(f = add_frame(st))) return fail(st, WC_IMG_UNSUPPORTED, "out of memory");
      if (find_image(data, p, end, f, &w, &h) < 0) return fail(st, WC_IMG_MALFORMED, "invalid VP8/VP8L bitstream header");
      if (!st->extended) {
        st->width = w;
        st->height = h;
        if (wc_image_check_size(w, h, st->err, sizeof st->err) < 0) return WC_IMG_MALFORMED;
      } else if (w != st->width || h != st->height) {
        return fail(st, WC_IMG_MALFORMED, "the bitstream's size differs from VP8X's canvas");
      }
      f->w = w;
      f->h = h;
      f->duration_us = -1;
      f->blend = 0;
      f->complete = 1;
      st->has_image = 1;
      st->still_lossless = f->lossless;
      st->still_alpha = f->has_alpha;
      st->frames_complete = 1;
    }
    st->pos = end;
  }
  if (st->state == 2 && st->nframes == 0) return fail(st, WC_IMG_MALFORMED, st->animated ? "an animation without frames" : "no image chunk");
  return WC_IMG_OK;
}

int wc_webp_tracks_known(const wc_webp *st) {
  if (st->state == 0) return 0;
  if (st->animated) return st->anim_seen || st->nframes > 0 || st->state == 2;
  return st->has_image || (st->extended && st->state == 2);
}

void wc_webp_free(wc_webp *st) {
  free(st->frames);
  st->frames = NULL;
  st->nframes = st->cap = 0;
}

static void put32le(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

int64_t wc_webp_frame_file(const wc_webp_frame *f, const uint8_t *data, size_t len, uint8_t *out, size_t outcap) {
  uint64_t body, total;
  int vp8x = !f->lossless && f->has_alpha;
  if (f->end > len || f->start >= f->end) return -1;
  body = f->end - f->start;
  total = 12 + (vp8x ? 18 : 0) + body;
  if (total > 0xfffffff0u) return -1;
  if (!out) return (int64_t)total;
  if (outcap < total) return -1;
  memcpy(out, "RIFF", 4);
  put32le(out + 4, (uint32_t)(total - 8));
  memcpy(out + 8, "WEBP", 4);
  if (vp8x) {
    memcpy(out + 12, "VP8X", 4);
    put32le(out + 16, 10);
    memset(out + 20, 0, 10);
    out[20] = 0x10; /* alpha */
    out[24] = (uint8_t)(f->w - 1);
    out[25] = (uint8_t)((f->w - 1) >> 8);
    out[26] = (uint8_t)((f->w - 1) >> 16);
    out[27] = (uint8_t)(f->h - 1);
    out[28] = (uint8_t)((f->h - 1) >> 8);
    out[29] = (uint8_t)((f->h - 1) >> 16);
  }
  memcpy(out + 12 + (vp8x ? 18 : 0), data + f->start, (size_t)body);
  return (int64_t)total;
}

void wc_webp_blend(uint8_t *canvas, size_t cstride, uint32_t cw, uint32_t ch, const uint8_t *src, size_t src_stride,
                   uint32_t x, uint32_t y, uint32_t w, uint32_t h, int blend) {
  if (x >= cw || y >= ch) return;
  if (w > cw - x) w = cw - x;
  if (h > ch - y) h = ch - y;
  for (uint32_t r = 0; r < h; r++) {
    uint8_t *d = canvas + (size_t)(y + r) * cstride + (size_t)x * 4;
    const uint8_t *s = src + (size_t)r * src_stride;
    if (!blend) {
      memcpy(d, s, (size_t)w * 4);
      continue;
    }
    for (uint32_t i = 0; i < w; i++, d += 4, s += 4) {
      uint32_t sa = s[3], da = d[3];
      if (sa == 255 || da == 0) {
        memcpy(d, s, 4);
      } else if (sa != 0) {
        /* non-premultiplied "over", in units of 1/255^2 */
        uint32_t dw = da * (255 - sa), a2 = sa * 255 + dw;
        for (int k = 0; k < 3; k++) d[k] = (uint8_t)((s[k] * sa * 255 + d[k] * dw + a2 / 2) / a2);
        d[3] = (uint8_t)((a2 + 127) / 255);
      }
    }
  }
}

void wc_webp_clear(uint8_t *canvas, size_t cstride, uint32_t cw, uint32_t ch, uint32_t x, uint32_t y, uint32_t w,
                   uint32_t h) {
  if (x >= cw || y >= ch) return;
  if (w > cw - x) w = cw - x;
  if (h > ch - y) h = ch - y;
  for (uint32_t r = 0; r < h; r++) memset(canvas + (size_t)(y + r) * cstride + (size_t)x * 4, 0, (size_t)w * 4);
}
