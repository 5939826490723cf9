/*
 * image_gif.c - GIF block scanner, LZW decoder and compositor; see
 * include/wc/formats/image_gif.h for why this is not libavcodec's gif decoder.
 *
 * Scanning: header and logical screen, then blocks: extensions (GCE: delay, disposal,
 * transparent index for the next image; NETSCAPE2.0 / ANIMEXTS1.0: loop count; the rest
 * skipped), image descriptors with their LZW data, the trailer. A frame is complete when
 * its data's block terminator has arrived. Bytes that are not a block after a complete
 * frame end the file, as browsers treat them.
 */
#include "wc/formats/image_gif.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(wc_gif *st, int code, const char *msg) {
  snprintf(st->err, sizeof st->err, "GIF: %s", msg);
  return code;
}

/* Length of the sub-block chain starting at p (through the 0 terminator), or 0 when it has not all arrived. */
static uint64_t sub_blocks(const uint8_t *data, size_t len, uint64_t p) {
  uint64_t q = p;
  while (q < len) {
    uint32_t n = data[q];
    if (n == 0) return q + 1 - p;
    q += 1 + n;
  }
  return 0;
}

static wc_gif_frame *add_frame(wc_gif *st) {
  if (st->nframes >= WC_IMAGE_MAX_FRAMES) return NULL;
  if (st->nframes == st->cap) {
    uint32_t cap = st->cap ? st->cap * 2 : 16;
    wc_gif_frame *f = realloc(st->frames, (size_t)cap * sizeof(*f));
    if (!f) return NULL;
    st->frames = f;
    st->cap = cap;
  }
  memset(&st->frames[st->nframes], 0, sizeof(st->frames[0]));
  return &st->frames[st->nframes++];
}

int wc_gif_scan(wc_gif *st, const uint8_t *data, size_t len) {
  if (st->state == 0) {
    size_t n = len < 6 ? len : 6;
    if (memcmp(data, "GIF87a", n) != 0 && memcmp(data, "GIF89a", n) != 0)
      return fail(st, WC_IMG_MALFORMED, "not a GIF file (bad signature)");
    if (len < 13) return WC_IMG_OK;
    st->width = wc_rd16le(data + 6);
    st->height = wc_rd16le(data + 8);
    if (wc_image_check_size(st->width, st->height, st->err, sizeof st->err) < 0) return WC_IMG_MALFORMED;
    st->has_global_palette = data[10] >> 7;
    st->global_palette_bits = (data[10] & 7) + 1;
    st->global_palette = 13;
    st->pos = 13 + (st->has_global_palette ? 3u << st->global_palette_bits : 0);
    st->gce_transparent = -1;
    st->gce_delay_us = -1;
    st->state = 1;
  }
  for (;;) {
    uint64_t p = st->pos;
    if (st->state == 3) return WC_IMG_OK;
    if (st->state == 2) {
      wc_gif_frame *f = &st->frames[st->nframes - 1];
      while (p < len) {
        uint32_t n = data[p];
        if (n == 0) break;
        p += 1 + n;
      }
      if (p >= len) {
        st->pos = p; /* the next sub-block's length byte (it may not have arrived yet): resume there */
        return WC_IMG_OK;
      }
      f->data_end = p + 1;
      f->complete = 1;
      st->frames_complete = st->nframes;
      st->pos = p + 1;
      st->state = 1;
      continue;
    }
    if (p >= len) return WC_IMG_OK;
    switch (data[p]) {
      case 0x3b: st->state = 3; st->pos = p + 1; return WC_IMG_OK;
      case 0x21: {
        uint64_t n;
        if (len < p + 2) return WC_IMG_OK;
        if (!(n = sub_blocks(data, len, p + 2))) return WC_IMG_OK;
        if (data[p + 1] == 0xf9 && data[p + 2] >= 4) {
          const uint8_t *g = data + p + 3;
          st->gce_seen = 1;
          st->gce_disposal = (g[0] >> 2) & 7;
          if (st->gce_disposal > 3) st->gce_disposal = 0;
          st->gce_transparent = (g[0] & 1) ? g[3] : -1;
          st->gce_delay_us = (int64_t)wc_rd16le(g + 1) * 10000;
        } else if (data[p + 1] == 0xff && data[p + 2] == 11 && n >= 17 &&
                   (memcmp(data + p + 3, "NETSCAPE2.0", 11) == 0 || memcmp(data + p + 3, "ANIMEXTS1.0", 11) == 0) &&
                   data[p + 14] >= 3 && (data[p + 15] & 7) == 1) {
          if (!st->loop_seen) {
            st->loop_seen = 1;
            st->loop_count = wc_rd16le(data + p + 16);
          }
        }
        st->pos = p + 2 + n;
        break;
      }
      case 0x2c: {
        wc_gif_frame *f;
        uint64_t q = p + 10;
        int flags;
        if (len < p + 10) return WC_IMG_OK;
        flags = data[p + 9];
        if (flags & 0x80) q += 3u << ((flags & 7) + 1);
        if (len < q + 1) return WC_IMG_OK; /* the palette and the LZW code size byte */
        if (!(flags & 0x80) && !st->has_global_palette) return fail(st, WC_IMG_MALFORMED, "an image without any palette");
        if (!(f = add_frame(st))) return fail(st, WC_IMG_UNSUPPORTED, "too many frames");
        f->desc = p + 1;
        f->x = wc_rd16le(data + p + 1);
        f->y = wc_rd16le(data + p + 3);
        f->w = wc_rd16le(data + p + 5);
        f->h = wc_rd16le(data + p + 7);
        f->interlaced = (flags >> 6) & 1;
        f->has_local_palette = flags >> 7;
        f->local_palette_bits = (flags & 7) + 1;
        f->data = q;
        f->disposal = st->gce_seen ? st->gce_disposal : 0;
        f->transparent = st->gce_seen ? st->gce_transparent : -1;
        f->duration_us = st->gce_seen ? st->gce_delay_us : -1;
        st->gce_seen = 0; /* a GCE applies to one image */
        st->pos = q + 1;
        st->state = 2;
        break;
      }
      default:
        if (st->frames_complete > 0) {
          /* garbage after the last frame: the end of the file, as browsers take it */
          st->state = 3;
          return WC_IMG_OK;
        }
        return fail(st, WC_IMG_MALFORMED, "an unknown block type");
    }
  }
}

int wc_gif_animated(const wc_gif *st) { return st->loop_seen || st->nframes > 1; }

int wc_gif_tracks_known(const wc_gif *st, int complete) {
  /* The screen size is known after the header; whether it is animated once a loop extension or a
   * second image has been seen, or the file is over. */
  if (st->state == 0) return 0;
  return st->loop_seen || st->nframes > 1 || st->state == 3 || complete;
}

void wc_gif_free(wc_gif *st) {
  free(st->frames);
  st->frames = NULL;
  st->nframes = st->cap = 0;
}

/* ---------------------------------------------------------------- compositor */

int wc_gif_canvas_init(wc_gif_canvas *c, const wc_gif *st) {
  size_t n = (size_t)st->width * st->height * 4;
  memset(c, 0, sizeof(*c));
  c->rgba = calloc(1, n);
  c->lzw_prefix = malloc(4096 * sizeof(uint16_t));
  c->lzw_suffix = malloc(4096);
  c->lzw_stack = malloc(4097);
  c->lzw_len = malloc(4096 * sizeof(uint16_t));
  c->line = malloc(st->width ? st->width : 1);
  if (!c->rgba || !c->lzw_prefix || !c->lzw_suffix || !c->lzw_stack || !c->lzw_len || !c->line) {
    wc_gif_canvas_free(c);
    return -1;
  }
  return 0;
}

void wc_gif_canvas_free(wc_gif_canvas *c) {
  free(c->rgba);
  free(c->saved);
  free(c->lzw_prefix);
  free(c->lzw_suffix);
  free(c->lzw_stack);
  free(c->lzw_len);
  free(c->line);
  memset(c, 0, sizeof(*c));
}

void wc_gif_canvas_rewind(wc_gif_canvas *c, const wc_gif *st) {
  memset(c->rgba, 0, (size_t)st->width * st->height * 4);
  c->next = 0;
  c->prev_disposal = 0;
  c->pw = c->ph = 0;
}

typedef struct lzw_in {
  const uint8_t *data;
  uint64_t pos, end;   /* current byte; end of the sub-block chain */
  uint32_t left;       /* bytes left in the current sub-block */
  uint32_t bits, nbits;
} lzw_in;

/* Next code of `size` bits, LSB first across sub-blocks; -1 when the data is over. */
static int lzw_code(lzw_in *in, int size) {
  while (in->nbits < (uint32_t)size) {
    if (in->left == 0) {
      if (in->pos >= in->end) return -1;
      in->left = in->data[in->pos++];
      if (in->left == 0) return -1;
    }
    if (in->pos >= in->end) return -1;
    in->bits |= (uint32_t)in->data[in->pos++] << in->nbits;
    in->nbits += 8;
    in->left--;
  }
  {
    int code = (int)(in->bits & ((1u << size) - 1));
    in->bits >>= size;
    in->nbits -= (uint32_t)size;
    return code;
  }
}

typedef struct pixel_out {
  uint8_t *canvas;
  uint32_t cw, ch;
  uint32_t x0, y0, w, h;
  uint32_t col, row, pass, y; /* position in the frame; y: the frame row being written */
  int interlaced;
  int transparent;
  const uint8_t *pal;
  uint32_t pal_n;
  int done;
  /* a row of indices is collected in line (its first xend columns: the rest lies outside the canvas),
   * then drawn through pal32 (RGBA as bytes in memory; indices past the palette are opaque black) */
  uint8_t *line;
  uint32_t xend;
  uint32_t pal32[256];
} pixel_out;

static void flush_row(pixel_out *o, uint32_t n) {
  uint32_t cy = o->y0 + o->y;
  uint8_t *dst;
  if (cy >= o->ch || n == 0) return;
  dst = o->canvas + ((size_t)cy * o->cw + o->x0) * 4;
  if (o->transparent < 0 || o->transparent > 255) {
    for (uint32_t i = 0; i < n; i++) memcpy(dst + 4 * (size_t)i, &o->pal32[o->line[i]], 4);
  } else {
    for (uint32_t i = 0; i < n; i++)
      if (o->line[i] != (uint8_t)o->transparent) memcpy(dst + 4 * (size_t)i, &o->pal32[o->line[i]], 4);
  }
}

static void next_row(pixel_out *o) {
  o->col = 0;
  o->row++;
  if (o->row >= o->h) {
    o->done = 1;
    return;
  }
  if (!o->interlaced) {
    o->y = o->row;
    return;
  }
  {
    static const uint32_t start[4] = {0, 4, 2, 1}, step[4] = {8, 8, 4, 2};
    o->y += step[o->pass];
    while (o->y >= o->h) {
      if (++o->pass > 3) {
        o->done = 1;
        return;
      }
      o->y = start[o->pass];
    }
  }
}

static inline void put(pixel_out *o, uint8_t idx) {
  if (o->col < o->xend) o->line[o->col] = idx;
  if (++o->col >= o->w) {
    flush_row(o, o->xend);
    next_row(o);
  }
}

/* Decodes the frame's LZW data into the canvas. Stops quietly at the end of the data or a bad code. */
static void lzw_decode_rows(wc_gif_canvas *c, const uint8_t *data, const wc_gif_frame *f, pixel_out *o) {
  lzw_in in = {data, f->data + 1, f->data_end, 0, 0, 0};
  int mcs = data[f->data];
  int clear, eoi, next, size, prev = -1, first = 0;
  uint16_t *prefix = c->lzw_prefix, *slen = c->lzw_len;
  uint8_t *suffix = c->lzw_suffix, *stack = c->lzw_stack;
  if (mcs < 1 || mcs > 11) return;
  clear = 1 << mcs;
  eoi = clear + 1;
  next = clear + 2;
  size = mcs + 1;
  for (int i = 0; i < clear; i++) {
    prefix[i] = 0xffff;
    suffix[i] = (uint8_t)i;
    slen[i] = 1;
  }
  while (!o->done) {
    int code = lzw_code(&in, size), cur, sp = 0;
    if (code < 0 || code == eoi) return;
    if (code == clear) {
      next = clear + 2;
      size = mcs + 1;
      prev = -1;
      continue;
    }
    if (prev < 0) {
      if (code >= clear) return;
      put(o, (uint8_t)code);
      prev = first = code;
      continue;
    }
    if (code < next || (code == next && next < 4096)) {
      /* the whole string lands in this row's visible part: written in place, back to front (no stack) */
      uint32_t n = code < next ? slen[code] : (uint32_t)slen[prev] + 1u;
      if (o->col + n < o->w && o->col + n <= o->xend) {
        uint8_t *out = o->line + o->col + n - 1;
        if (code < next) {
          cur = code;
        } else {
          *out-- = (uint8_t)first;
          cur = prev;
        }
        while (cur >= clear) {
          *out-- = suffix[cur];
          cur = prefix[cur];
        }
        *out = (uint8_t)cur;
        first = cur;
        o->col += n;
        if (next < 4096) {
          prefix[next] = (uint16_t)prev;
          suffix[next] = (uint8_t)first;
          slen[next] = (uint16_t)(slen[prev] + 1);
          next++;
          if (next == (1 << size) && size < 12) size++;
        }
        prev = code;
        continue;
      }
    }
    if (code < next) {
      cur = code;
    } else if (code == next && next < 4096) {
      stack[sp++] = (uint8_t)first; /* KwKwK: the previous string plus its own first byte */
      cur = prev;
    } else {
      return; /* a code not in the table: the frame's data is corrupt from here */
    }
    while (cur >= clear) {
      if (sp >= 4096) return;
      stack[sp++] = suffix[cur];
      cur = prefix[cur];
    }
    stack[sp++] = (uint8_t)cur;
    first = cur;
    while (sp > 0 && !o->done) put(o, stack[--sp]);
    if (next < 4096) {
      prefix[next] = (uint16_t)prev;
      suffix[next] = (uint8_t)first;
      slen[next] = (uint16_t)(slen[prev] + 1);
      next++;
      if (next == (1 << size) && size < 12) size++;
    }
    prev = code;
  }
}

static void lzw_decode(wc_gif_canvas *c, const uint8_t *data, const wc_gif_frame *f, pixel_out *o) {
  uint8_t rgba[4] = {0, 0, 0, 255};
  for (uint32_t i = 0; i < 256; i++) {
    if (i < o->pal_n) memcpy(rgba, o->pal + i * 3, 3);
    else rgba[0] = rgba[1] = rgba[2] = 0; /* past the palette: black, as if it were padded with zeros */
    memcpy(&o->pal32[i], rgba, 4);
  }
  o->line = c->line;
  o->xend = o->x0 >= o->cw ? 0 : o->w < o->cw - o->x0 ? o->w : o->cw - o->x0;
  lzw_decode_rows(c, data, f, o);
  if (!o->done) flush_row(o, o->col < o->xend ? o->col : o->xend); /* the data ended inside a row */
}

static void clip_rect(const wc_gif *st, const wc_gif_frame *f, uint32_t *x, uint32_t *y, uint32_t *w, uint32_t *h) {
  *x = f->x < st->width ? f->x : st->width;
  *y = f->y < st->height ? f->y : st->height;
  *w = f->w < st->width - *x ? f->w : st->width - *x;
  *h = f->h < st->height - *y ? f->h : st->height - *y;
}

int wc_gif_canvas_draw(wc_gif_canvas *c, const wc_gif *st, const uint8_t *data, size_t len, char *err, size_t errlen) {
  const wc_gif_frame *f;
  size_t stride = (size_t)st->width * 4;
  uint32_t x, y, w, h;
  pixel_out o;
  if (c->next >= st->nframes || !st->frames[c->next].complete || st->frames[c->next].data_end > len) {
    snprintf(err, errlen, "GIF: frame %u has not arrived", c->next);
    return -1;
  }
  f = &st->frames[c->next];
  /* the previous frame's disposal */
  if (c->prev_disposal == 2) {
    for (uint32_t r = 0; r < c->ph; r++) memset(c->rgba + (c->py + r) * stride + (size_t)c->px * 4, 0, (size_t)c->pw * 4);
  } else if (c->prev_disposal == 3 && c->saved) {
    for (uint32_t r = 0; r < c->ph; r++)
      memcpy(c->rgba + (c->py + r) * stride + (size_t)c->px * 4, c->saved + (c->py + r) * stride + (size_t)c->px * 4,
             (size_t)c->pw * 4);
  }
  clip_rect(st, f, &x, &y, &w, &h);
  if (f->disposal == 3) {
    if (!c->saved && !(c->saved = malloc(stride * st->height))) {
      snprintf(err, errlen, "GIF: out of memory");
      return -1;
    }
    for (uint32_t r = 0; r < h; r++)
      memcpy(c->saved + (y + r) * stride + (size_t)x * 4, c->rgba + (y + r) * stride + (size_t)x * 4, (size_t)w * 4);
  }
  memset(&o, 0, sizeof o);
  o.canvas = c->rgba;
  o.cw = st->width;
  o.ch = st->height;
  o.x0 = f->x;
  o.y0 = f->y;
  o.w = f->w;
  o.h = f->h;
  o.interlaced = f->interlaced;
  o.transparent = f->transparent;
  if (f->has_local_palette) {
    o.pal = data + f->desc + 9;
    o.pal_n = 1u << f->local_palette_bits;
  } else {
    o.pal = data + st->global_palette;
    o.pal_n = 1u << st->global_palette_bits;
  }
  if (f->w == 0 || f->h == 0) o.done = 1;
  if (!o.done) lzw_decode(c, data, f, &o);
  c->prev_disposal = f->disposal;
  c->px = x;
  c->py = y;
  c->pw = w;
  c->ph = h;
  c->next++;
  return 0;
}
