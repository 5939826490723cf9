/*
 * frame_copy.c - see include/wc/frame_copy.h. Any thread; no Node-API.
 *
 * Every copy is bounds-checked twice: against the caller's buffer length and
 * against the frame's own planes (rows and row bytes from its coded size), so
 * a hostile layout or rectangle can only produce an error.
 */
#include "wc/frame_copy.h"

#include <libavutil/buffer.h>
#include <libavutil/mem.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
#include <stdio.h>
#include <string.h>

#include "wc/colorspace.h"

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

AVFrame *wc_frame_alloc(int fmt, int w, int h) {
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
  f->buf[0] = av_buffer_allocz((size_t)total + 64);
  if (!f->buf[0]) {
    av_frame_free(&f);
    return NULL;
  }
  for (int p = 0; p < d->planes; p++) {
    f->data[p] = f->buf[0]->data + offs[p];
    f->linesize[p] = strides[p];
  }
  f->format = d->av != -1 ? d->av : d->av_opaque;
  f->width = w;
  f->height = h;
  return f;
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
    uint8_t *o = f->data[p] + (ptrdiff_t)c->src_top * f->linesize[p] + (ptrdiff_t)c->src_left_bytes;
    const uint8_t *s = src + c->dst_offset;
    for (uint64_t y = 0; y < c->src_height; y++) {
      memcpy(o, s, (size_t)c->src_width_bytes);
      o += f->linesize[p];
      s += c->dst_stride;
    }
  }
  return 0;
}

static void noop_free(void *opaque, uint8_t *data) {
  (void)opaque;
  (void)data;
}

int wc_convert_to_rgb(const AVFrame *f, int fmt, const wc_rect *r, const wc_convert_opts *o, uint8_t *dst,
                      size_t dst_len, uint64_t offset, uint64_t stride, char *err, size_t errlen) {
  const wc_pixfmt_desc *sd = wc_pixfmt_get(fmt), *dd = wc_pixfmt_get(o->dst_fmt);
  struct SwsContext *sws = NULL;
  AVFrame *src = NULL, *out = NULL;
  int ret = -1, cs;
  uint64_t need;
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
  out->buf[0] = av_buffer_create(dst + offset, (size_t)(need - offset), noop_free, NULL, 0);
  if (!out->buf[0]) goto oom;
  out->data[0] = dst + offset;
  out->linesize[0] = (int)stride;
  out->width = (int)r->width;
  out->height = (int)r->height;
  out->format = dd->av;
  if (!(sws = sws_alloc_context())) goto oom;
  av_opt_set_int(sws, "srcw", src->width, 0);
  av_opt_set_int(sws, "srch", src->height, 0);
  av_opt_set_int(sws, "src_format", src->format, 0);
  av_opt_set_int(sws, "dstw", out->width, 0);
  av_opt_set_int(sws, "dsth", out->height, 0);
  av_opt_set_int(sws, "dst_format", out->format, 0);
  av_opt_set_int(sws, "sws_flags", SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, 0);
  av_opt_set_int(sws, "threads", o->threads > 0 ? o->threads : 1, 0);
  if (sws_init_context(sws, NULL, NULL) < 0) {
    snprintf(err, errlen, "copyTo: swscale cannot convert %s to %s", sd->name, dd->name);
    goto end;
  }
  if (!sd->rgb) {
    cs = wc_sws_colorspace(o->src_matrix, f->height);
    sws_setColorspaceDetails(sws, sws_getCoefficients(cs), o->src_full_range, sws_getCoefficients(SWS_CS_DEFAULT), 1,
                             0, 1 << 16, 1 << 16);
  }
  if ((ret = sws_scale_frame(sws, out, src)) < 0) {
    snprintf(err, errlen, "copyTo: conversion failed (%d)", ret);
    ret = -1;
    goto end;
  }
  if (sd->alpha && sd->av == -1 && dd->alpha) {
    /* I420AP12 has no FFmpeg format: its colour went through swscale without alpha; add it here. */
    int a_off = o->dst_fmt == WC_PIX_RGBA || o->dst_fmt == WC_PIX_BGRA ? 3 : -1;
    for (uint32_t y = 0; a_off >= 0 && y < r->height; y++) {
      const uint16_t *a = (const uint16_t *)(f->data[3] + (ptrdiff_t)(r->y + y) * f->linesize[3]) + r->x;
      uint8_t *px = dst + offset + (uint64_t)y * stride + a_off;
      for (uint32_t x = 0; x < r->width; x++) px[4 * x] = (uint8_t)(a[x] >> 4);
    }
  }
  ret = 0;
  goto end;
oom:
  snprintf(err, errlen, "copyTo: out of memory");
  ret = -1;
end:
  sws_freeContext(sws);
  av_frame_free(&src);
  av_frame_free(&out);
  return ret;
}
