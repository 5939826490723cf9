/*
 * image_png.c - PNG / APNG chunk scanner; see include/wc/formats/image_png.h.
 *
 * A frame is complete when the chunk after its last data chunk has begun (the next
 * fcTL, IEND, or any chunk that is not IDAT/fdAT) and, for still images, when IEND
 * is whole. Chunk lengths are at most 2^31 - 1 (the PNG rule); every offset is 64-bit.
 */
#include "wc/formats/image_png.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAG(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

static int fail(wc_png *st, int code, const char *msg) {
  snprintf(st->err, sizeof st->err, "PNG: %s", msg);
  return code;
}

static wc_png_frame *add_frame(wc_png *st) {
  if (st->nframes >= WC_IMAGE_MAX_FRAMES) return NULL;
  if (st->nframes == st->cap) {
    uint32_t cap = st->cap ? st->cap * 2 : 8;
    wc_png_frame *f = realloc(st->frames, (size_t)cap * sizeof(*f));
    if (!f) return NULL;
    st->frames = f;
    st->cap = cap;
  }
  memset(&st->frames[st->nframes], 0, sizeof(st->frames[0]));
  return &st->frames[st->nframes++];
}

/* The frame whose data chunks are being read is complete at `end` (a chunk that is not its data began). */
static void close_open_frame(wc_png *st) {
  if (st->nframes && !st->frames[st->nframes - 1].complete && st->frames[st->nframes - 1].end) {
    st->frames[st->nframes - 1].complete = 1;
    st->frames_complete = st->nframes;
  }
}

static int check_ihdr(wc_png *st, const uint8_t *d) {
  static const int depths[7][5] = {
      /* allowed bit depths per colour type 0..6 */
      {1, 2, 4, 8, 16}, {0}, {8, 16}, {1, 2, 4, 8}, {8, 16}, {0}, {8, 16},
  };
  int ok = 0;
  st->width = wc_rd32be(d);
  st->height = wc_rd32be(d + 4);
  st->bit_depth = d[8];
  st->color_type = d[9];
  st->interlace = d[12];
  if (wc_image_check_size(st->width, st->height, st->err, sizeof st->err) < 0) return WC_IMG_MALFORMED;
  if (st->color_type > 6) return fail(st, WC_IMG_MALFORMED, "IHDR: invalid colour type");
  for (int i = 0; i < 5; i++)
    if (depths[st->color_type][i] && depths[st->color_type][i] == st->bit_depth) ok = 1;
  if (!ok) return fail(st, WC_IMG_MALFORMED, "IHDR: invalid bit depth for the colour type");
  if (d[10] != 0 || d[11] != 0 || st->interlace > 1) return fail(st, WC_IMG_MALFORMED, "IHDR: invalid method");
  st->have_ihdr = 1;
  return WC_IMG_OK;
}

static int read_fctl(wc_png *st, const uint8_t *d, uint64_t chunk_start) {
  wc_png_frame *f;
  uint32_t w = wc_rd32be(d + 4), h = wc_rd32be(d + 8), x = wc_rd32be(d + 12), y = wc_rd32be(d + 16);
  uint32_t num = wc_rd16be(d + 20), den = wc_rd16be(d + 22);
  if (w == 0 || h == 0 || x > st->width || y > st->height || w > st->width - x || h > st->height - y)
    return fail(st, WC_IMG_MALFORMED, "fcTL: the frame region lies outside the canvas");
  if (d[24] > 2 || d[25] > 1) return fail(st, WC_IMG_MALFORMED, "fcTL: invalid dispose or blend operation");
  if (!st->seen_idat && st->nframes == 0) {
    if (w != st->width || h != st->height || x || y)
      return fail(st, WC_IMG_MALFORMED, "fcTL: the default image's frame must cover the canvas");
    st->default_in_animation = 1;
  }
  close_open_frame(st);
  if (!(f = add_frame(st))) return fail(st, WC_IMG_UNSUPPORTED, "too many frames");
  f->start = chunk_start;
  f->width = w;
  f->height = h;
  f->x = x;
  f->y = y;
  if (den == 0) den = 100;
  f->duration_us = (int64_t)num * 1000000 / den;
  f->dispose = d[24];
  f->blend = d[25];
  return WC_IMG_OK;
}

int wc_png_scan(wc_png *st, const uint8_t *data, size_t len) {
  static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (st->state == 0) {
    size_t n = len < 8 ? len : 8;
    if (memcmp(data, sig, n) != 0) return fail(st, WC_IMG_MALFORMED, "not a PNG file (bad signature)");
    if (len < 8) return WC_IMG_OK;
    st->pos = 8;
    st->state = 1;
  }
  while (st->state == 1) {
    uint64_t p = st->pos, clen, end;
    uint32_t type;
    const uint8_t *d;
    if (len < p + 8) return WC_IMG_OK;
    clen = wc_rd32be(data + p);
    type = wc_rd32be(data + p + 4);
    if (clen > 0x7fffffffu) return fail(st, WC_IMG_MALFORMED, "chunk length over 2^31 - 1");
    for (int i = 4; i < 8; i++) {
      uint8_t c = data[p + i];
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return fail(st, WC_IMG_MALFORMED, "invalid chunk type");
    }
    end = p + 8 + clen + 4;
    if (!st->have_ihdr && type != TAG('I', 'H', 'D', 'R')) return fail(st, WC_IMG_MALFORMED, "IHDR is not the first chunk");
    /* A data chunk extends the open frame: only its header is needed to know where it ends. */
    if (type == TAG('I', 'D', 'A', 'T') || type == TAG('f', 'd', 'A', 'T')) {
      if (type == TAG('I', 'D', 'A', 'T')) {
        /* this chunk's header may be read again when its data had not all arrived: the first IDAT
           stays the first (known by its offset), whatever it changed the first time */
        if (!st->seen_idat) {
          st->seen_idat = 1;
          st->first_idat = p;
          if (!st->header_end) st->header_end = p;
          if (!st->animated) {
            wc_png_frame *f = add_frame(st);
            if (!f) return fail(st, WC_IMG_UNSUPPORTED, "out of memory");
            f->width = st->width;
            f->height = st->height;
            f->duration_us = -1;
          }
        } else if (p != st->first_idat && (st->nframes > 1 || (st->animated && !st->default_in_animation && st->nframes > 0) ||
                   (st->nframes == 1 && st->frames[0].complete))) {
          return fail(st, WC_IMG_MALFORMED, "IDAT after the default image");
        }
        if (st->animated && !st->default_in_animation) {
          /* the default image is not part of the animation: its IDATs grow no frame */
          if (len < end) return WC_IMG_OK;
          st->pos = end;
          continue;
        }
      } else if (!st->animated || st->nframes == 0 || (st->nframes == 1 && st->default_in_animation)) {
        return fail(st, WC_IMG_MALFORMED, "fdAT outside an APNG frame");
      } else if (clen < 4) {
        return fail(st, WC_IMG_MALFORMED, "fdAT too short");
      }
      if (st->nframes == 0 || st->frames[st->nframes - 1].complete)
        return fail(st, WC_IMG_MALFORMED, "image data outside a frame");
      if (len < end) return WC_IMG_OK; /* the frame ends with this chunk at the earliest: wait for all of it */
      st->frames[st->nframes - 1].end = end;
      st->pos = end;
      continue;
    }
    /* Any other chunk: the data chunks of an open APNG frame are over. */
    if (st->animated) close_open_frame(st);
    if (len < end) return WC_IMG_OK;
    d = data + p + 8;
    switch (type) {
      case TAG('I', 'H', 'D', 'R'):
        if (st->have_ihdr) return fail(st, WC_IMG_MALFORMED, "a second IHDR");
        if (clen != 13) return fail(st, WC_IMG_MALFORMED, "IHDR of the wrong length");
        {
          int r = check_ihdr(st, d);
          if (r < 0) return r;
        }
        break;
      case TAG('a', 'c', 'T', 'L'):
        if (clen != 8) return fail(st, WC_IMG_MALFORMED, "acTL of the wrong length");
        if (!st->seen_idat && !st->animated) {
          st->animated = 1;
          st->num_frames = wc_rd32be(d);
          st->num_plays = wc_rd32be(d + 4);
          if (st->num_frames == 0) return fail(st, WC_IMG_MALFORMED, "acTL declares no frames");
        }
        break;
      case TAG('f', 'c', 'T', 'L'):
        if (!st->animated) break; /* an fcTL without acTL before IDAT: a still PNG, ignored */
        if (clen != 26) return fail(st, WC_IMG_MALFORMED, "fcTL of the wrong length");
        if (!st->header_end) st->header_end = p;
        {
          int r = read_fctl(st, d, p);
          if (r < 0) return r;
        }
        break;
      case TAG('t', 'R', 'N', 'S'): st->has_trns = 1; break;
      case TAG('e', 'X', 'I', 'f'):
        if (!st->orientation) st->orientation = wc_exif_orientation(d, (size_t)clen);
        break;
      case TAG('I', 'E', 'N', 'D'):
        if (!st->seen_idat) return fail(st, WC_IMG_MALFORMED, "IEND before any IDAT");
        if (!st->animated) {
          st->frames[0].end = end;
          st->frames[0].complete = 1;
          st->frames_complete = 1;
        } else {
          close_open_frame(st);
        }
        st->state = 2;
        break;
      default: break;
    }
    st->pos = end;
  }
  return WC_IMG_OK;
}

int wc_png_tracks_known(const wc_png *st) {
  /* acTL must come before IDAT: once IDAT or an fcTL has been seen, animation is known */
  return st->have_ihdr && (st->seen_idat || st->nframes > 0 || st->state == 2);
}

void wc_png_free(wc_png *st) {
  free(st->frames);
  st->frames = NULL;
  st->nframes = st->cap = 0;
}
