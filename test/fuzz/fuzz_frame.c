/*
 * fuzz_frame.c - the VideoFrame pixel paths: "Parse Visible Rect" + "Compute
 * Layout and Allocation Size" (wc_rect_check, wc_layout_compute), then, when
 * they accept, new VideoFrame(buffer) the way src/video/frame.c js_from_buffer does
 * it (wc_frame_alloc + wc_copy_planes_in, or zero-copy over the caller's
 * buffer when it is transferred), copyTo() (wc_copy_planes_out) and
 * copyTo({format: RGBA/RGBX/BGRA/BGRX}) (wc_convert_to_rgb), with hostile
 * layouts (overlapping, reordered, huge) and buffer sizes that are the
 * computed allocationSize, smaller or larger.
 *
 * Input (missing bytes read as 0):
 *   [0] format (mod 23)   [1] coded width - 1 (mod 64)   [2] coded height - 1 (mod 64)
 *   [3] rect mode: 0 whole frame, 1 inside the frame, 2 raw small numbers, 3 raw 32-bit
 *   [4..19] rect x, y, width, height (u32 each)
 *   [20] layout mode: 0 none (tight), 1 small offsets/strides, 2 tight but reordered with gaps,
 *        3 raw 32-bit; bit 7: one plane layout too many (bit 6) or too few
 *   [21..52] offset, stride per plane (u32 each)
 *   [53] buffer size: 0 allocationSize, 1 one byte less, 2 more by [54], 3 less by [54] + 1
 *   [55] RGB: bit 7 convert, bits 0-1 destination format, bit 2 full range, bits 3-6 matrix
 *   [56..59] RGB extra stride (mod 256)   [60..63] RGB offset (mod 4096)
 *   [64] bits 0-1 RGB destination size: 0 offset + (height - 1) * stride + width * 4 (what
 *        wc_convert_to_rgb checks), 1 one byte less, 2 offset + stride * height (the spec's
 *        allocationSize, what lib/ checks); bit 2 through an SwsContext cache; bits 4-5 threads
 *   [65] bit 0: transfer (zero-copy frame over the buffer, when the rect is the whole frame)
 *   [66] second rect (copyTo / RGB): 0 whole frame, 1 the first rect, 2 from [67..70] inside the frame
 *   rest: seeds the pixel values
 *
 * Checks: nothing reads or writes out of bounds (exact-size heap buffers; the
 * source buffer of a transferred frame ends at a PROT_NONE page, since
 * swscale is not instrumented); the copy in + copy out round trip is
 * byte-identical; copies touch only the rows of the rectangle; the functions
 * accept exactly when the buffer holds the layout. Behavioural findings are
 * named (see FUZZ_FINDING in fuzz_util.h): rgb-overflow (a conversion wrote past
 * the destination length it was given), rgb-padding (it wrote stride padding
 * between or after rows), rgb-failed (a valid conversion was refused);
 * misaligned-16bit skips transferred 10/12-bit frames with odd offsets or
 * strides (UBSan: misaligned uint16_t loads) when listed in WC_FUZZ_IGNORE.
 * Transferred frames are converted with src_unpadded set, as src/video/frame.c does:
 * through wc_frame_padded_copy (before 7f6c2c3, swscale read past the end of
 * the caller's buffer: crashes/frame/crash-transfer-overread-*).
 *
 * Since issue 10 item 8, js_from_buffer reads data laid out for the coded size and keeps only
 * the rect (wc_layout_sub_rect): crop_check() does that with the same layout over the coded
 * frame and checks every byte of the rect-sized frame against the buffer, and that the rect's
 * rows (what a transferred frame points at) lie inside the coded layout's allocationSize.
 * The checks above still drive the layout arithmetic with rect-sized layouts (copyTo's case).
 */
#define _GNU_SOURCE /* mmap flags */
#include <libavutil/buffer.h>
#include <libavutil/frame.h>
#include <libavutil/pixfmt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "wc/video/frame_copy.h"
#include "wc/video/pixfmt.h"

#define FILL 0xA5
#define GUARD 512
#define MAX_BUF (1u << 20)

/* len bytes that end right before a PROT_NONE page: a read or write past the end faults even in uninstrumented code. */
typedef struct guarded {
  uint8_t *p;
  void *base;
  size_t maplen;
} guarded;

static uint8_t *guarded_alloc(guarded *g, size_t len) {
  size_t pg = (size_t)sysconf(_SC_PAGESIZE), body = (len + pg - 1) / pg * pg;
  g->maplen = body + pg;
  g->base = mmap(NULL, g->maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (g->base == MAP_FAILED || mprotect((uint8_t *)g->base + body, pg, PROT_NONE) != 0) abort();
  g->p = (uint8_t *)g->base + body - len;
  return g->p;
}

static void guarded_free(guarded *g) {
  if (g->base) munmap(g->base, g->maplen);
  g->base = NULL;
}

static void noop_free(void *opaque, uint8_t *data) {
  (void)opaque;
  (void)data;
}

static int rect_in_frame(const wc_computed_layout *c, int fmt, int p, int w, int h) {
  return c->src_top + c->src_height <= wc_plane_rows(fmt, p, h) &&
         c->src_left_bytes + c->src_width_bytes <= wc_plane_row_bytes(fmt, p, w);
}

/* Largest byte any plane's rows reach (what the copies actually touch). */
static uint64_t rows_end(const wc_computed_layout *cl, int planes) {
  uint64_t m = 0;
  for (int p = 0; p < planes; p++) {
    uint64_t e = cl[p].dst_offset + (cl[p].src_height - 1) * cl[p].dst_stride + cl[p].src_width_bytes;
    if (e > m) m = e;
  }
  return m;
}

/* Whether byte i of a buffer laid out as cl lies in a row of some plane. */
static int in_rows(const wc_computed_layout *cl, int planes, uint64_t i) {
  for (int p = 0; p < planes; p++) {
    const wc_computed_layout *c = &cl[p];
    uint64_t rel;
    if (i < c->dst_offset) continue;
    rel = i - c->dst_offset;
    if (rel / c->dst_stride < c->src_height && rel % c->dst_stride < c->src_width_bytes) return 1;
  }
  return 0;
}

/* What the frame holds at plane p, row y, byte x: the source buffer inside the first rect, zero elsewhere. */
static uint8_t expected(const wc_computed_layout *cl, const uint8_t *src, int p, uint64_t x, uint64_t y) {
  const wc_computed_layout *c = &cl[p];
  if (y < c->src_top || y >= c->src_top + c->src_height || x < c->src_left_bytes ||
      x >= c->src_left_bytes + c->src_width_bytes)
    return 0;
  return src[c->dst_offset + (y - c->src_top) * c->dst_stride + (x - c->src_left_bytes)];
}

static const int matrices[16] = {AVCOL_SPC_RGB,        AVCOL_SPC_BT709,     AVCOL_SPC_UNSPECIFIED, AVCOL_SPC_FCC,
                                 AVCOL_SPC_BT470BG,    AVCOL_SPC_SMPTE170M, AVCOL_SPC_SMPTE240M,   AVCOL_SPC_YCGCO,
                                 AVCOL_SPC_BT2020_NCL, AVCOL_SPC_BT2020_CL, AVCOL_SPC_SMPTE2085,   AVCOL_SPC_ICTCP,
                                 -1,                   1000,                AVCOL_SPC_BT709,       AVCOL_SPC_BT470BG};

/*
 * copyTo(dst, {rect: r2, format: RGB...}). size_mode: bits 0-1 the destination size (see the top), bit 2
 * convert through an SwsContext cache (as the addon does: twice, the second time with the cached context, and
 * the two results must be the same), bits 4-5 swscale threads. unpadded: the frame's pixels are a transferred
 * buffer (the addon sets src_unpadded for those).
 */
static void to_rgb(const AVFrame *f, int fmt, const wc_rect *r2, uint8_t mode, uint32_t extra, uint32_t off,
                   uint8_t size_mode, int unpadded) {
  const wc_pixfmt_desc *d = wc_pixfmt_get(fmt);
  wc_convert_opts o;
  uint64_t stride = (uint64_t)r2->width * 4 + extra % 256, offset = off % 4096;
  uint64_t need = offset + (uint64_t)(r2->height - 1) * stride + (uint64_t)r2->width * 4;
  uint64_t len = (size_mode & 3) % 3 == 0 ? need : (size_mode & 3) % 3 == 1 ? need - 1 : offset + stride * r2->height;
  uint8_t *buf;
  char err[256];
  int ret;
  memset(&o, 0, sizeof o);
  o.dst_fmt = WC_PIX_RGBA + (mode & 3);
  o.src_full_range = (mode >> 2) & 1;
  o.src_matrix = matrices[(mode >> 3) & 15];
  o.threads = (size_mode >> 4) & 3;
  if (size_mode & 4) o.cache = wc_sws_cache_new();
  o.src_unpadded = unpadded;
  buf = malloc(len + GUARD);
  if (!buf) abort();
  memset(buf, FILL, len + GUARD);
  ret = wc_convert_to_rgb(f, fmt, r2, &o, buf, len, offset, stride, err, sizeof err);
  if (o.cache && ret == 0) {
    /* the same conversion again, now with the cached context and intermediate picture */
    uint8_t *again = malloc(len);
    if (!again) abort();
    memcpy(again, buf, len);
    FUZZ_CHECK(wc_convert_to_rgb(f, fmt, r2, &o, again, len, offset, stride, err, sizeof err) == 0,
               "conversion with a cached context failed: %s", err);
    FUZZ_CHECK(memcmp(again, buf, len) == 0, "cached conversion %s -> %s differs", d->name,
               wc_pixfmt_get(o.dst_fmt)->name);
    free(again);
  }
  wc_sws_cache_unref(&o.cache);
  if (len < need)
    FUZZ_CHECK(ret < 0, "conversion into %llu bytes (need %llu) accepted", (unsigned long long)len,
               (unsigned long long)need);
  else if (ret < 0)
    FUZZ_FINDING("rgb-failed", "copyTo({format: %s}) of a %s frame refused: %s", wc_pixfmt_get(o.dst_fmt)->name,
                 d->name, err);
  for (uint64_t i = len; i < len + GUARD; i++) {
    if (buf[i] != FILL) {
      FUZZ_FINDING("rgb-overflow",
                   "wc_convert_to_rgb %s -> %s, rect %ux%u, stride %llu, offset %llu, dst_len %llu: wrote byte %llu, "
                   "past dst_len",
                   d->name, wc_pixfmt_get(o.dst_fmt)->name, r2->width, r2->height, (unsigned long long)stride,
                   (unsigned long long)offset, (unsigned long long)len, (unsigned long long)i);
      break;
    }
  }
  for (uint64_t i = 0; i < len; i++) {
    int row_byte = i >= offset && (i - offset) / stride < r2->height && (i - offset) % stride < (uint64_t)r2->width * 4;
    if (buf[i] != FILL && (!row_byte || ret < 0)) {
      FUZZ_FINDING("rgb-padding",
                   "wc_convert_to_rgb %s -> %s, rect %ux%u, stride %llu, offset %llu: wrote byte %llu (row %lld, "
                   "column byte %lld), outside the rows",
                   d->name, wc_pixfmt_get(o.dst_fmt)->name, r2->width, r2->height, (unsigned long long)stride,
                   (unsigned long long)offset, (unsigned long long)i,
                   i < offset ? -1LL : (long long)((i - offset) / stride),
                   i < offset ? -1LL : (long long)((i - offset) % stride));
      break;
    }
  }
  free(buf);
}

/* new VideoFrame(data, {visibleRect: r, layout}) as js_from_buffer makes it: layout over the coded size. */
static void crop_check(int fmt, uint32_t cw, uint32_t ch, const wc_rect *r, const wc_plane_layout *layout, int nlayout,
                       uint64_t seed) {
  const wc_pixfmt_desc *d = wc_pixfmt_get(fmt);
  wc_rect full = {0, 0, cw, ch};
  wc_computed_layout coded[4], sub[4];
  uint64_t alloc;
  char err[256];
  guarded g = {0};
  uint8_t *buf;
  AVFrame *f;
  if (wc_layout_compute(fmt, &full, layout, nlayout, coded, &alloc, err, sizeof err) < 0) return;
  if (alloc > MAX_BUF) return;
  wc_layout_sub_rect(fmt, coded, r, sub);
  for (int p = 0; p < d->planes; p++)
    FUZZ_CHECK(sub[p].dst_offset + (sub[p].src_height - 1) * sub[p].dst_stride + sub[p].src_width_bytes <= alloc,
               "crop: plane %d of the rect ends past the coded allocationSize", p);
  buf = guarded_alloc(&g, (size_t)alloc);
  fz_fill(buf, (size_t)alloc, seed ^ 0x5bd1e995);
  f = wc_frame_alloc(NULL, fmt, (int)r->width, (int)r->height);
  FUZZ_CHECK(f != NULL, "crop: wc_frame_alloc(%s, %u, %u) failed", d->name, r->width, r->height);
  FUZZ_CHECK(wc_copy_planes_in(f, fmt, sub, buf, (size_t)alloc, err, sizeof err) == 0, "crop: copy in refused: %s", err);
  for (int p = 0; p < d->planes; p++) {
    uint64_t top = r->y / (uint32_t)d->sub_h[p], left = (r->x / (uint32_t)d->sub_w[p]) * (uint64_t)d->sample_bytes[p];
    FUZZ_CHECK(sub[p].src_height == wc_plane_rows(fmt, p, (int)r->height) &&
                   sub[p].src_width_bytes == wc_plane_row_bytes(fmt, p, (int)r->width),
               "crop: plane %d is not the whole rect-sized plane", p);
    for (uint64_t y = 0; y < sub[p].src_height; y++)
      for (uint64_t x = 0; x < sub[p].src_width_bytes; x++) {
        uint8_t v = f->data[p][y * (uint64_t)f->linesize[p] + x];
        uint8_t want = buf[coded[p].dst_offset + (top + y) * coded[p].dst_stride + left + x];
        FUZZ_CHECK(v == want, "crop: plane %d byte (%llu, %llu) is %u, want %u", p, (unsigned long long)x,
                   (unsigned long long)y, v, want);
      }
  }
  av_frame_free(&f);
  guarded_free(&g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_reader rd = {data, size, 0};
  int fmt = fz_u8(&rd) % WC_PIX_COUNT;
  const wc_pixfmt_desc *d = wc_pixfmt_get(fmt);
  uint32_t cw = 1 + fz_u8(&rd) % 64, ch = 1 + fz_u8(&rd) % 64;
  uint8_t rect_mode = fz_u8(&rd), layout_mode, size_mode, size_amount, rgb_mode, rgb_size, adopt, r2_mode, r2v[4];
  uint32_t rv[4], lv[8], rgb_extra, rgb_off;
  wc_rect r, r2;
  wc_plane_layout layout[5];
  wc_computed_layout cl[4], cl2[4];
  uint64_t alloc = 0, alloc2, buf_len, seed;
  char err[256];
  int nlayout, use_layout, rin;
  guarded gsrc = {0}, gdst = {0};
  uint8_t *src, *dst;
  AVFrame *f;

  for (int i = 0; i < 4; i++) rv[i] = fz_u32(&rd);
  switch (rect_mode & 3) {
    case 0: r = (wc_rect){0, 0, cw, ch}; break;
    case 1:
      r.x = rv[0] % cw;
      r.y = rv[1] % ch;
      r.width = 1 + rv[2] % (cw - r.x);
      r.height = 1 + rv[3] % (ch - r.y);
      break;
    case 2: r = (wc_rect){rv[0] % 80, rv[1] % 80, rv[2] % 80, rv[3] % 80}; break;
    default: r = (wc_rect){rv[0], rv[1], rv[2], rv[3]}; break;
  }
  layout_mode = fz_u8(&rd);
  for (int i = 0; i < 8; i++) lv[i] = fz_u32(&rd);
  size_mode = fz_u8(&rd);
  size_amount = fz_u8(&rd);
  rgb_mode = fz_u8(&rd);
  rgb_extra = fz_u32(&rd);
  rgb_off = fz_u32(&rd);
  rgb_size = fz_u8(&rd);
  adopt = fz_u8(&rd) & 1;
  r2_mode = fz_u8(&rd);
  for (int i = 0; i < 4; i++) r2v[i] = fz_u8(&rd);
  seed = fz_hash(data, size);

  /* ---- "Parse Visible Rect" and "Compute Layout and Allocation Size" */
  if (wc_rect_check(fmt, &r, cw, ch, err, sizeof err) < 0) return 0;
  FUZZ_CHECK(wc_rect_aligned(fmt, &r) && r.width && r.height && (uint64_t)r.x + r.width <= cw &&
                 (uint64_t)r.y + r.height <= ch,
             "wc_rect_check accepted a bad rect");
  use_layout = (layout_mode & 3) != 0;
  nlayout = d->planes;
  if (layout_mode & 0x80) nlayout += (layout_mode & 0x40) ? 1 : -1;
  memset(layout, 0, sizeof layout);
  switch (layout_mode & 3) {
    case 1:
      for (int p = 0; p < 4; p++) layout[p] = (wc_plane_layout){lv[2 * p] % 8192, lv[2 * p + 1] % 512};
      break;
    case 2: {
      /* tight rows plus a gap, planes stored last to first */
      uint32_t pos = lv[0] % 64;
      for (int p = d->planes - 1; p >= 0; p--) {
        uint64_t row = wc_plane_row_bytes(fmt, p, (int)r.width), rows = wc_plane_rows(fmt, p, (int)r.height);
        uint32_t stride = (uint32_t)row + lv[1 + p] % 16;
        layout[p] = (wc_plane_layout){pos, stride};
        pos += (uint32_t)(stride * rows) + lv[5] % 8;
      }
      break;
    }
    case 3:
      for (int p = 0; p < 4; p++) layout[p] = (wc_plane_layout){lv[2 * p], lv[2 * p + 1]};
      break;
    default: break;
  }
  crop_check(fmt, cw, ch, &r, use_layout ? layout : NULL, use_layout ? nlayout : 0, seed);
  if (wc_layout_compute(fmt, &r, use_layout ? layout : NULL, use_layout ? nlayout : 0, cl, &alloc, err,
                        sizeof err) < 0) {
    FUZZ_CHECK(use_layout, "the tight layout was refused: %s", err);
    return 0;
  }
  FUZZ_CHECK(!use_layout || nlayout == d->planes, "a layout with %d planes for %d accepted", nlayout, d->planes);
  FUZZ_CHECK(alloc > 0 && alloc <= 0xffffffffULL, "allocationSize %llu", (unsigned long long)alloc);
  for (int p = 0; p < d->planes; p++) {
    uint64_t ep = cl[p].dst_offset + cl[p].dst_stride * cl[p].src_height;
    FUZZ_CHECK(cl[p].dst_stride >= cl[p].src_width_bytes && cl[p].src_height > 0 && cl[p].src_width_bytes > 0,
               "plane %d computed layout", p);
    FUZZ_CHECK(ep <= alloc, "plane %d ends past allocationSize", p);
    FUZZ_CHECK(rect_in_frame(&cl[p], fmt, p, (int)cw, (int)ch), "checked rect leaves plane %d", p);
    for (int q = 0; q < p; q++) {
      uint64_t eq = cl[q].dst_offset + cl[q].dst_stride * cl[q].src_height;
      FUZZ_CHECK(ep <= cl[q].dst_offset || eq <= cl[p].dst_offset, "planes %d and %d overlap", q, p);
    }
  }
  if (!use_layout) {
    uint64_t sum = 0;
    for (int p = 0; p < d->planes; p++) sum += cl[p].src_width_bytes * cl[p].src_height;
    FUZZ_CHECK(sum == alloc, "tight allocationSize %llu, planes add up to %llu", (unsigned long long)alloc,
               (unsigned long long)sum);
  }

  switch (size_mode & 3) {
    case 0: buf_len = alloc; break;
    case 1: buf_len = alloc - 1; break;
    case 2: buf_len = alloc + size_amount; break;
    default: buf_len = alloc > (uint64_t)size_amount + 1 ? alloc - size_amount - 1 : 0; break;
  }

  if (buf_len > MAX_BUF) {
    /* a hostile layout far beyond the pixels: a small buffer must be refused, not overrun */
    uint64_t small = 4096;
    uint8_t *buf = malloc(small);
    f = wc_frame_alloc(NULL, fmt, (int)cw, (int)ch);
    if (!f || !buf) abort();
    memset(buf, 0, small);
    if (rows_end(cl, d->planes) > small) {
      FUZZ_CHECK(wc_copy_planes_in(f, fmt, cl, buf, small, err, sizeof err) < 0, "copy in beyond the buffer");
      FUZZ_CHECK(wc_copy_planes_out(f, fmt, cl, buf, small, err, sizeof err) < 0, "copy out beyond the buffer");
    }
    free(buf);
    av_frame_free(&f);
    return 0;
  }

  /* ---- new VideoFrame(buffer, {format, codedWidth, codedHeight, visibleRect: r, layout, transfer?}) */
  src = guarded_alloc(&gsrc, (size_t)buf_len);
  fz_fill(src, (size_t)buf_len, seed);
  adopt = adopt && buf_len >= alloc && r.x == 0 && r.y == 0 && r.width == cw && r.height == ch;
  if (adopt && d->sample_bytes[0] == 2 && fz_ignored("misaligned-16bit")) {
    /* known: 16-bit samples at odd offsets are read as uint16_t (UB); skip such frames to look further */
    for (int p = 0; p < d->planes; p++)
      if ((cl[p].dst_offset | cl[p].dst_stride) & 1) adopt = 0;
  }
  if (adopt) {
    /* js_from_buffer's zero-copy branch: the planes point into the caller's buffer */
    if (!(f = av_frame_alloc())) abort();
    f->buf[0] = av_buffer_create(src, (size_t)buf_len, noop_free, NULL, AV_BUFFER_FLAG_READONLY);
    if (!f->buf[0]) abort();
    for (int p = 0; p < d->planes; p++) {
      f->data[p] = src + cl[p].dst_offset;
      f->linesize[p] = (int)cl[p].dst_stride;
    }
    f->width = (int)cw;
    f->height = (int)ch;
    f->format = d->av != -1 ? d->av : d->av_opaque;
    rin = 0;
  } else {
    uint64_t touched = rows_end(cl, d->planes);
    f = wc_frame_alloc(NULL, fmt, (int)cw, (int)ch);
    FUZZ_CHECK(f != NULL, "wc_frame_alloc(%s, %u, %u) failed", d->name, cw, ch);
    FUZZ_CHECK(f->width == (int)cw && f->height == (int)ch, "frame size");
    for (int p = 0; p < d->planes; p++)
      FUZZ_CHECK(f->data[p] && (uint64_t)f->linesize[p] >= wc_plane_row_bytes(fmt, p, (int)cw), "plane %d", p);
    rin = wc_copy_planes_in(f, fmt, cl, src, (size_t)buf_len, err, sizeof err);
    if (buf_len >= alloc) FUZZ_CHECK(rin == 0, "copy in refused a buffer of allocationSize or more: %s", err);
    if (buf_len < touched)
      FUZZ_CHECK(rin < 0, "copy in accepted %llu bytes, rows reach %llu", (unsigned long long)buf_len,
                 (unsigned long long)touched);
  }

  /* ---- copyTo(dst, {rect: r, layout}): the same layout back, byte-identical rows, nothing else written */
  dst = guarded_alloc(&gdst, (size_t)buf_len);
  memset(dst, FILL, (size_t)buf_len);
  {
    int rout = wc_copy_planes_out(f, fmt, cl, dst, (size_t)buf_len, err, sizeof err);
    FUZZ_CHECK(rout == rin, "copy out %d, copy in %d (same layout and buffer size): %s", rout, rin, err);
  }
  if (rin == 0) {
    for (uint64_t i = 0; i < buf_len; i++) {
      if (in_rows(cl, d->planes, i))
        FUZZ_CHECK(dst[i] == src[i], "byte %llu differs after the round trip", (unsigned long long)i);
      else
        FUZZ_CHECK(dst[i] == FILL, "byte %llu outside the rows was written", (unsigned long long)i);
    }
  }
  guarded_free(&gdst);
  if (rin < 0) goto done; /* the constructor threw */

  /* ---- copyTo(dst, {rect: r2}) tight, into exactly allocationSize bytes */
  switch (r2_mode % 3) {
    case 0: r2 = (wc_rect){0, 0, cw, ch}; break;
    case 1: r2 = r; break;
    default:
      r2.x = r2v[0] % cw;
      r2.y = r2v[1] % ch;
      r2.width = 1 + r2v[2] % (cw - r2.x);
      r2.height = 1 + r2v[3] % (ch - r2.y);
      break;
  }
  if (wc_rect_check(fmt, &r2, cw, ch, err, sizeof err) < 0) goto done;
  FUZZ_CHECK(wc_layout_compute(fmt, &r2, NULL, 0, cl2, &alloc2, err, sizeof err) == 0, "tight layout: %s", err);
  dst = guarded_alloc(&gdst, (size_t)alloc2);
  FUZZ_CHECK(wc_copy_planes_out(f, fmt, cl2, dst, (size_t)alloc2, err, sizeof err) == 0, "copyTo rect: %s", err);
  FUZZ_CHECK(wc_copy_planes_out(f, fmt, cl2, dst, (size_t)alloc2 - 1, err, sizeof err) < 0, "short copy accepted");
  for (int p = 0; p < d->planes; p++)
    for (uint64_t y = 0; y < cl2[p].src_height; y++)
      for (uint64_t x = 0; x < cl2[p].src_width_bytes; x++) {
        uint8_t v = dst[cl2[p].dst_offset + y * cl2[p].dst_stride + x];
        uint8_t want = expected(cl, src, p, cl2[p].src_left_bytes + x, cl2[p].src_top + y);
        FUZZ_CHECK(v == want, "copyTo rect: plane %d byte (%llu, %llu) is %u, want %u", p,
                   (unsigned long long)(cl2[p].src_left_bytes + x), (unsigned long long)(cl2[p].src_top + y), v,
                   want);
      }
  guarded_free(&gdst);

  /* ---- copyTo(dst, {rect: r2, format: RGB...}) */
  if (rgb_mode & 0x80) {
    if (adopt) {
      /* a transferred frame has no padding for swscale's readers: wc_convert_to_rgb converts it from
       * wc_frame_padded_copy (src_unpadded), which itself must read only the rows, up to the guard page */
      AVFrame *padded = wc_frame_padded_copy(f, fmt);
      FUZZ_CHECK(padded != NULL, "wc_frame_padded_copy failed");
      for (int p = 0; p < d->planes; p++) {
        size_t row = (size_t)wc_plane_row_bytes(fmt, p, (int)cw);
        for (uint64_t y = 0; y < wc_plane_rows(fmt, p, (int)ch); y++)
          FUZZ_CHECK(memcmp(padded->data[p] + y * (uint64_t)padded->linesize[p],
                            f->data[p] + y * (uint64_t)f->linesize[p], row) == 0,
                     "padded copy differs in plane %d row %llu", p, (unsigned long long)y);
      }
      av_frame_free(&padded);
    }
    to_rgb(f, fmt, &r2, rgb_mode, rgb_extra, rgb_off, rgb_size, adopt);
  }

done:
  av_frame_free(&f);
  guarded_free(&gsrc);
  return 0;
}
