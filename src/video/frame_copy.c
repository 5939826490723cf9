/*
 * frame_copy.c - see include/wc/video/frame_copy.h. Any thread; no Node-API.
 *
 * Every copy is bounds-checked twice: against the caller's buffer length and
 * against the frame's own planes (rows and row bytes from its coded size), so
 * a hostile layout or rectangle can only produce an error.
 */
#include "wc/video/frame_copy.h"

#include <libavutil/buffer.h>
#include <libavutil/mem.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc/video/colorspace.h"

#define ALIGN 64

uint64_t wc_plane_row_bytes(int fmt, int p, int w) {
  const wc_pixfmt_desc *d = wc_pixfmt_get(fmt);
  if (!d || p < 0 || p >= d->planes || w < 0) return 0;
  return ((uint64_t)w + (uint64_t)d->sub_w[p] - 1) / (uint64_t)d->sub_w[p] * (uint64_t)d->sample_bytes[p];
}

uint64_t wc_plane_rows(int fmt, int p, int h) {
  const wc_pixfmt_desc *d = wc_pixfmt_get(fmt);
  if (!d || p < 0 || p >= d->planes || h < 0) return 0;
  return ((uint64_t)h + (uint64_t)d->sub_h[p] - 1) / (uint64_t)d->sub_h[p];
}

AVFrame *wc_frame_alloc(wc_frame_pool *pool, int fmt, int w, int h) {
  const wc_pixfmt_desc *d = wc_pixfmt_get(fmt);
  AVFrame *f;
  uint64_t offs[4], total = 0;
  int strides[4];
  if (!d || w <= 0 || h <= 0 || w > 65536 || h > 65536) return NULL;
  for (int p = 0; p < d->planes; p++) {
    uint64_t row = wc_plane_row_bytes(fmt, p, w);
    /* pad each row by ALIGN so SIMD readers that overshoot the width stay inside */
    uint64_t stride = (row + ALIGN - 1) / ALIGN * ALIGN + ALIGN;
    if (stride > 0x7fffffff) return NULL;
    strides[p] = (int)stride;
    offs[p] = total;
    total += stride * (wc_plane_rows(fmt, p, h) + 1);
  }
  if (total > (1ULL << 34)) return NULL;
  if (!(f = av_frame_alloc())) return NULL;
  /* Not zero-filled: that would write every byte twice (and fault every page in on the
   * caller's thread first). The padding is zeroed here; the image area is the caller's to
   * write in full (wc_copy_planes_in zeroes what its rectangle leaves out). */
  f->buf[0] = wc_frame_pool_get(pool, (size_t)total + 64);
  if (!f->buf[0]) {
    av_frame_free(&f);
    return NULL;
  }
  for (int p = 0; p < d->planes; p++) {
    uint64_t row = wc_plane_row_bytes(fmt, p, w), rows = wc_plane_rows(fmt, p, h);
    uint8_t *base = f->buf[0]->data + offs[p];
    f->data[p] = base;
    f->linesize[p] = strides[p];
    for (uint64_t y = 0; y < rows; y++) memset(base + y * (uint64_t)strides[p] + row, 0, (size_t)(strides[p] - row));
    memset(base + rows * (uint64_t)strides[p], 0, (size_t)strides[p]); /* the spare row */
  }
  memset(f->buf[0]->data + total, 0, 64);
  f->format = d->av != -1 ? d->av : d->av_opaque;
  f->width = w;
  f->height = h;
  return f;
}

AVFrame *wc_frame_padded_copy(const AVFrame *f, int fmt) {
  const wc_pixfmt_desc *d = wc_pixfmt_get(fmt);
  AVFrame *out;
  if (!d || !f) return NULL;
  if (!(out = wc_frame_alloc(NULL, fmt, f->width, f->height))) return NULL;
  for (int p = 0; p < d->planes; p++) {
    uint64_t rows = wc_plane_rows(fmt, p, f->height), bytes = wc_plane_row_bytes(fmt, p, f->width);
    for (uint64_t y = 0; y < rows; y++)
      memcpy(out->data[p] + (ptrdiff_t)y * out->linesize[p], f->data[p] + (ptrdiff_t)y * f->linesize[p], (size_t)bytes);
  }
  av_frame_copy_props(out, f);
  out->format = f->format;
  return out;
}

static int check_plane(const AVFrame *f, int fmt, int p, const wc_computed_layout *c, size_t buf_len,
                       const char *what, char *err, size_t errlen) {
  uint64_t rows = wc_plane_rows(fmt, p, f->height), row_bytes = wc_plane_row_bytes(fmt, p, f->width);
  uint64_t last;
  if (!f->data[p] || f->linesize[p] == 0) {
    snprintf(err, errlen, "%s: plane %d has no data", what, p);
    return -1;
  }
  if (c->src_height == 0 || c->src_width_bytes == 0) return 0;
  if (c->src_top + c->src_height > rows || c->src_left_bytes + c->src_width_bytes > row_bytes) {
    snprintf(err, errlen, "%s: plane %d rectangle exceeds the frame", what, p);
    return -1;
  }
  if (c->dst_stride < c->src_width_bytes && c->src_height > 1) {
    snprintf(err, errlen, "%s: plane %d stride %llu is less than a row (%llu bytes)", what, p,
             (unsigned long long)c->dst_stride, (unsigned long long)c->src_width_bytes);
    return -1;
  }
  last = c->dst_offset + (c->src_height - 1) * c->dst_stride + c->src_width_bytes;
  if (last > buf_len || c->dst_offset > buf_len) {
    snprintf(err, errlen, "%s: plane %d needs %llu bytes, the buffer has %zu", what, p, (unsigned long long)last,
             buf_len);
    return -1;
  }
  return 0;
}

int wc_copy_planes_out(const AVFrame *f, int fmt, const wc_computed_layout *cl, uint8_t *dst, size_t dst_len,
                       char *err, size_t errlen) {
  const wc_pixfmt_desc *d = wc_pixfmt_get(fmt);
  if (!d || !f) {
    snprintf(err, errlen, "copyTo: no pixel data");
    return -1;
  }
  for (int p = 0; p < d->planes; p++)
    if (check_plane(f, fmt, p, &cl[p], dst_len, "copyTo", err, errlen) < 0) return -1;
  for (int p = 0; p < d->planes; p++) {
    const wc_computed_layout *c = &cl[p];
    const uint8_t *s = f->data[p] + (ptrdiff_t)c->src_top * f->linesize[p] + (ptrdiff_t)c->src_left_bytes;
    uint8_t *o = dst + c->dst_offset;
    if (c->dst_stride == c->src_width_bytes && (uint64_t)f->linesize[p] == c->src_width_bytes) {
      memcpy(o, s, (size_t)(c->src_width_bytes * c->src_height));
      continue;
    }
    for (uint64_t y = 0; y < c->src_height; y++) {
      memcpy(o, s, (size_t)c->src_width_bytes);
      s += f->linesize[p];
      o += c->dst_stride;
    }
  }
  return 0;
}

int wc_copy_planes_in(AVFrame *f, int fmt, const wc_computed_layout *cl, const uint8_t *src, size_t src_len,
                      char *err, size_t errlen) {
  const wc_pixfmt_desc *d = wc_pixfmt_get(fmt);
  if (!d || !f) {
    snprintf(err, errlen, "VideoFrame: no pixel data");
    return -1;
  }
  for (int p = 0; p < d->planes; p++)
    if (check_plane(f, fmt, p, &cl[p], src_len, "VideoFrame", err, errlen) < 0) return -1;
  for (int p = 0; p < d->planes; p++) {
    const wc_computed_layout *c = &cl[p];
    uint64_t rows = wc_plane_rows(fmt, p, f->height), row_bytes = wc_plane_row_bytes(fmt, p, f->width);
    uint64_t right = c->src_left_bytes + c->src_width_bytes;
    const uint8_t *s = src + c->dst_offset;
    /* the rectangle's pixels come from the buffer; the rest of the plane is zero */
    for (uint64_t y = 0; y < rows; y++) {
      uint8_t *o = f->data[p] + (ptrdiff_t)y * f->linesize[p];
      if (y < c->src_top || y >= c->src_top + c->src_height || c->src_width_bytes == 0) {
        memset(o, 0, (size_t)row_bytes);
        continue;
      }
      if (c->src_left_bytes) memset(o, 0, (size_t)c->src_left_bytes);
      memcpy(o + c->src_left_bytes, s, (size_t)c->src_width_bytes);
      if (right < row_bytes) memset(o + right, 0, (size_t)(row_bytes - right));
      s += c->dst_stride;
    }
  }
  return 0;
}

static void noop_free(void *opaque, uint8_t *data) {
  (void)opaque;
  (void)data;
}

/* ---------------------------------------------------------------- scaler cache */

#define CACHE_SLOTS 8

typedef struct cache_key {
  int src_fmt, dst_fmt, w, h, cs, src_range, threads;
} cache_key;

typedef struct cache_slot {
  cache_key key;
  struct SwsContext *sws;
  uint8_t *tmp; /* the padded intermediate picture (see wc_convert_to_rgb) */
  size_t tmp_size;
  int busy;
  uint64_t used;
} cache_slot;

struct wc_sws_cache {
  atomic_int refs;
  pthread_mutex_t mu;
  cache_slot slots[CACHE_SLOTS];
  uint64_t clock;
};

wc_sws_cache *wc_sws_cache_new(void) {
  wc_sws_cache *c = calloc(1, sizeof(*c));
  if (!c) return NULL;
  if (pthread_mutex_init(&c->mu, NULL) != 0) {
    free(c);
    return NULL;
  }
  atomic_init(&c->refs, 1);
  return c;
}

wc_sws_cache *wc_sws_cache_ref(wc_sws_cache *c) {
  if (c) atomic_fetch_add(&c->refs, 1);
  return c;
}

void wc_sws_cache_unref(wc_sws_cache **pc) {
  wc_sws_cache *c = *pc;
  *pc = NULL;
  if (!c || atomic_fetch_sub(&c->refs, 1) != 1) return;
  for (int i = 0; i < CACHE_SLOTS; i++) {
    sws_freeContext(c->slots[i].sws);
    av_free(c->slots[i].tmp);
  }
  pthread_mutex_destroy(&c->mu);
  free(c);
}

/* A free context (and its intermediate buffer) for key, or NULL (then the caller makes one). Marks it busy. */
static struct SwsContext *cache_take(wc_sws_cache *c, const cache_key *k, uint8_t **tmp, size_t *tmp_size) {
  struct SwsContext *s = NULL;
  pthread_mutex_lock(&c->mu);
  for (int i = 0; i < CACHE_SLOTS; i++) {
    cache_slot *e = &c->slots[i];
    if (e->sws && !e->busy && memcmp(&e->key, k, sizeof *k) == 0) {
      e->busy = 1;
      e->used = ++c->clock;
      s = e->sws;
      *tmp = e->tmp;
      *tmp_size = e->tmp_size;
      break;
    }
  }
  pthread_mutex_unlock(&c->mu);
  return s;
}

/* Forgets a context taken from the cache (the caller frees it): after a failed conversion. */
static void cache_drop(wc_sws_cache *c, struct SwsContext *s) {
  pthread_mutex_lock(&c->mu);
  for (int i = 0; i < CACHE_SLOTS; i++) {
    if (c->slots[i].sws == s) {
      c->slots[i].sws = NULL;
      c->slots[i].tmp = NULL; /* the caller holds it as its own and frees it */
      c->slots[i].tmp_size = 0;
      c->slots[i].busy = 0;
    }
  }
  pthread_mutex_unlock(&c->mu);
}

/* Gives a context back (or adopts a new one, evicting the least recently used idle slot). */
static void cache_give(wc_sws_cache *c, const cache_key *k, struct SwsContext *s, uint8_t *tmp, size_t tmp_size) {
  struct SwsContext *evicted = s;
  uint8_t *evicted_tmp = tmp;
  pthread_mutex_lock(&c->mu);
  for (int i = 0; i < CACHE_SLOTS; i++) {
    if (c->slots[i].sws == s) {
      c->slots[i].busy = 0;
      c->slots[i].tmp = tmp;
      c->slots[i].tmp_size = tmp_size;
      evicted = NULL;
      evicted_tmp = NULL;
      break;
    }
  }
  if (evicted) {
    cache_slot *victim = NULL;
    for (int i = 0; i < CACHE_SLOTS; i++) {
      cache_slot *e = &c->slots[i];
      if (e->busy) continue;
      if (!victim || !e->sws || (victim->sws && e->used < victim->used)) victim = e;
      if (!e->sws) break;
    }
    if (victim) {
      evicted = victim->sws;
      evicted_tmp = victim->tmp;
      victim->sws = s;
      victim->tmp = tmp;
      victim->tmp_size = tmp_size;
      victim->key = *k;
      victim->busy = 0;
      victim->used = ++c->clock;
    }
  }
  pthread_mutex_unlock(&c->mu);
  sws_freeContext(evicted);
  av_free(evicted_tmp);
}

int wc_convert_to_rgb(const AVFrame *f, int fmt, const wc_rect *r, const wc_convert_opts *o, uint8_t *dst,
                      size_t dst_len, uint64_t offset, uint64_t stride, char *err, size_t errlen) {
  const wc_pixfmt_desc *sd = wc_pixfmt_get(fmt), *dd = wc_pixfmt_get(o->dst_fmt);
  struct SwsContext *sws = NULL;
  AVFrame *src = NULL, *out = NULL, *padded = NULL;
  int ret = -1, cs, threads;
  uint64_t need, tmp_stride;
  uint8_t *tmp = NULL;
  size_t tmp_size = 0;
  cache_key key;
  if (!sd || !dd || !dd->rgb || !f) {
    snprintf(err, errlen, "copyTo: unsupported conversion");
    return -1;
  }
  if (r->width == 0 || r->height == 0 || (uint64_t)r->x + r->width > (uint64_t)f->width ||
      (uint64_t)r->y + r->height > (uint64_t)f->height) {
    snprintf(err, errlen, "copyTo: rect exceeds the frame");
    return -1;
  }
  need = offset + (uint64_t)(r->height - 1) * stride + (uint64_t)r->width * 4;
  if (stride < (uint64_t)r->width * 4 || need > dst_len || stride > 0x7fffffff) {
    snprintf(err, errlen, "copyTo: destination too small (%llu bytes needed, %zu given)", (unsigned long long)need,
             dst_len);
    return -1;
  }
  if (o->src_unpadded) {
    if (!(padded = wc_frame_padded_copy(f, fmt))) goto oom;
    f = padded;
  }
  if (!(src = av_frame_alloc()) || !(out = av_frame_alloc())) goto oom;
  /* A view of the source rectangle: same buffers, offset data pointers. */
  if (av_frame_ref(src, f) < 0) goto oom;
  for (int p = 0; p < sd->planes; p++)
    src->data[p] += (ptrdiff_t)(r->y / (uint32_t)sd->sub_h[p]) * src->linesize[p] +
                    (ptrdiff_t)(r->x / (uint32_t)sd->sub_w[p]) * sd->sample_bytes[p];
  src->width = (int)r->width;
  src->height = (int)r->height;
  src->format = sd->rgb ? sd->av : (o->dst_fmt == WC_PIX_RGBA || o->dst_fmt == WC_PIX_BGRA) && sd->av != -1
                                       ? sd->av
                                       : sd->av_opaque;
  src->crop_top = src->crop_bottom = src->crop_left = src->crop_right = 0;
  out->width = (int)r->width;
  out->height = (int)r->height;
  out->format = dd->av;
  /* swscale's slice threads write out of bounds on small pictures (FFmpeg 5.1, seen with valgrind on a
   * 7x5 frame): thread only from 128 lines per thread. */
  threads = o->threads > 1 ? (int)(r->height / 128) : 1;
  if (threads > o->threads) threads = o->threads;
  if (threads < 1) threads = 1;
  cs = sd->rgb ? -1 : wc_sws_colorspace(o->src_matrix, f->height);
  key = (cache_key){src->format, out->format, src->width, src->height, cs, o->src_full_range, threads};
  /* swscale's SIMD writers run past the end of a row: convert into a padded intermediate
   * picture (kept with the cached context), then copy exactly the rows asked for. */
  tmp_stride = ((uint64_t)r->width * 4 + 63) / 64 * 64 + 64;
  if (o->cache && (sws = cache_take(o->cache, &key, &tmp, &tmp_size))) goto convert;
  if (!(sws = sws_alloc_context())) goto oom;
  av_opt_set_int(sws, "srcw", src->width, 0);
  av_opt_set_int(sws, "srch", src->height, 0);
  av_opt_set_int(sws, "src_format", src->format, 0);
  av_opt_set_int(sws, "dstw", out->width, 0);
  av_opt_set_int(sws, "dsth", out->height, 0);
  av_opt_set_int(sws, "dst_format", out->format, 0);
  av_opt_set_int(sws, "sws_flags", SWS_BILINEAR | SWS_FULL_CHR_H_INT, 0);
  av_opt_set_int(sws, "threads", threads, 0);
  if (sws_init_context(sws, NULL, NULL) < 0) {
    snprintf(err, errlen, "copyTo: swscale cannot convert %s to %s", sd->name, dd->name);
    goto end;
  }
  if (!sd->rgb)
    sws_setColorspaceDetails(sws, sws_getCoefficients(cs), o->src_full_range, sws_getCoefficients(SWS_CS_DEFAULT), 1,
                             0, 1 << 16, 1 << 16);
convert:
  if (!tmp || tmp_size < tmp_stride * (r->height + 1)) {
    av_free(tmp);
    tmp_size = (size_t)(tmp_stride * (r->height + 1));
    if (!(tmp = av_malloc(tmp_size))) {
      tmp_size = 0;
      goto oom;
    }
  }
  out->buf[0] = av_buffer_create(tmp, tmp_size, noop_free, NULL, 0);
  if (!out->buf[0]) goto oom;
  out->data[0] = tmp;
  out->linesize[0] = (int)tmp_stride;
  if ((ret = sws_scale_frame(sws, out, src)) < 0) {
    snprintf(err, errlen, "copyTo: conversion failed (%d)", ret);
    ret = -1;
    goto end;
  }
  for (uint32_t y = 0; y < r->height; y++)
    memcpy(dst + offset + (uint64_t)y * stride, tmp + (uint64_t)y * tmp_stride, (size_t)r->width * 4);
  if (sd->alpha && sd->av == -1 && dd->alpha) {
    /* I420AP12 has no FFmpeg format: its colour went through swscale without alpha; add it here. */
    int a_off = o->dst_fmt == WC_PIX_RGBA || o->dst_fmt == WC_PIX_BGRA ? 3 : -1;
    for (uint32_t y = 0; a_off >= 0 && y < r->height; y++) {
      /* byte reads: a caller's layout may put the 16-bit samples at odd addresses */
      const uint8_t *a = f->data[3] + (ptrdiff_t)(r->y + y) * f->linesize[3] + (ptrdiff_t)r->x * 2;
      uint8_t *px = dst + offset + (uint64_t)y * stride + a_off;
      for (uint32_t x = 0; x < r->width; x++) px[4 * x] = (uint8_t)((a[2 * x] | a[2 * x + 1] << 8) >> 4);
    }
  }
  ret = 0;
  goto end;
oom:
  snprintf(err, errlen, "copyTo: out of memory");
  ret = -1;
end:
  if (sws && o->cache && ret == 0) {
    cache_give(o->cache, &key, sws, tmp, tmp_size);
  } else {
    if (sws && o->cache) cache_drop(o->cache, sws); /* if it came from the cache, it is no longer there */
    sws_freeContext(sws);
    av_free(tmp);
  }
  av_frame_free(&src);
  av_frame_free(&out);
  av_frame_free(&padded);
  return ret;
}
