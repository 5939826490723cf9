/*
 * pixfmt.c - see include/wc/video/pixfmt.h. Pure arithmetic; every size is computed
 * in 64 bits and checked against the spec's unsigned long (2^32 - 1) limits.
 */
#include "wc/video/pixfmt.h"

#include <libavutil/pixfmt.h>
#include <stdio.h>
#include <string.h>

#define YUV(name, av, avo, bytes, sw, sh, depth, opq) \
  {name, av, avo, 3, {bytes, bytes, bytes, 0}, {1, sw, sw, 0}, {1, sh, sh, 0}, depth, 0, 0, opq}
#define YUVA(name, av, avo, bytes, sw, sh, depth, opq) \
  {name, av, avo, 4, {bytes, bytes, bytes, bytes}, {1, sw, sw, 1}, {1, sh, sh, 1}, depth, 1, 0, opq}
#define RGB(name, av, avo, alpha, opq) {name, av, avo, 1, {4, 0, 0, 0}, {1, 0, 0, 0}, {1, 0, 0, 0}, 8, alpha, 1, opq}

static const wc_pixfmt_desc table[WC_PIX_COUNT] = {
    YUV("I420", AV_PIX_FMT_YUV420P, AV_PIX_FMT_YUV420P, 1, 2, 2, 8, WC_PIX_I420),
    YUV("I420P10", AV_PIX_FMT_YUV420P10, AV_PIX_FMT_YUV420P10, 2, 2, 2, 10, WC_PIX_I420P10),
    YUV("I420P12", AV_PIX_FMT_YUV420P12, AV_PIX_FMT_YUV420P12, 2, 2, 2, 12, WC_PIX_I420P12),
    YUVA("I420A", AV_PIX_FMT_YUVA420P, AV_PIX_FMT_YUV420P, 1, 2, 2, 8, WC_PIX_I420),
    YUVA("I420AP10", AV_PIX_FMT_YUVA420P10, AV_PIX_FMT_YUV420P10, 2, 2, 2, 10, WC_PIX_I420P10),
    /* FFmpeg has no 12-bit 4:2:0 with alpha: the colour planes are YUV420P12, alpha is handled alone. */
    YUVA("I420AP12", AV_PIX_FMT_NONE, AV_PIX_FMT_YUV420P12, 2, 2, 2, 12, WC_PIX_I420P12),
    YUV("I422", AV_PIX_FMT_YUV422P, AV_PIX_FMT_YUV422P, 1, 2, 1, 8, WC_PIX_I422),
    YUV("I422P10", AV_PIX_FMT_YUV422P10, AV_PIX_FMT_YUV422P10, 2, 2, 1, 10, WC_PIX_I422P10),
    YUV("I422P12", AV_PIX_FMT_YUV422P12, AV_PIX_FMT_YUV422P12, 2, 2, 1, 12, WC_PIX_I422P12),
    YUVA("I422A", AV_PIX_FMT_YUVA422P, AV_PIX_FMT_YUV422P, 1, 2, 1, 8, WC_PIX_I422),
    YUVA("I422AP10", AV_PIX_FMT_YUVA422P10, AV_PIX_FMT_YUV422P10, 2, 2, 1, 10, WC_PIX_I422P10),
    YUVA("I422AP12", AV_PIX_FMT_YUVA422P12, AV_PIX_FMT_YUV422P12, 2, 2, 1, 12, WC_PIX_I422P12),
    YUV("I444", AV_PIX_FMT_YUV444P, AV_PIX_FMT_YUV444P, 1, 1, 1, 8, WC_PIX_I444),
    YUV("I444P10", AV_PIX_FMT_YUV444P10, AV_PIX_FMT_YUV444P10, 2, 1, 1, 10, WC_PIX_I444P10),
    YUV("I444P12", AV_PIX_FMT_YUV444P12, AV_PIX_FMT_YUV444P12, 2, 1, 1, 12, WC_PIX_I444P12),
    YUVA("I444A", AV_PIX_FMT_YUVA444P, AV_PIX_FMT_YUV444P, 1, 1, 1, 8, WC_PIX_I444),
    YUVA("I444AP10", AV_PIX_FMT_YUVA444P10, AV_PIX_FMT_YUV444P10, 2, 1, 1, 10, WC_PIX_I444P10),
    YUVA("I444AP12", AV_PIX_FMT_YUVA444P12, AV_PIX_FMT_YUV444P12, 2, 1, 1, 12, WC_PIX_I444P12),
    {"NV12", AV_PIX_FMT_NV12, AV_PIX_FMT_NV12, 2, {1, 2, 0, 0}, {1, 2, 0, 0}, {1, 2, 0, 0}, 8, 0, 0, WC_PIX_NV12},
    RGB("RGBA", AV_PIX_FMT_RGBA, AV_PIX_FMT_RGB0, 1, WC_PIX_RGBX),
    RGB("RGBX", AV_PIX_FMT_RGB0, AV_PIX_FMT_RGB0, 0, WC_PIX_RGBX),
    RGB("BGRA", AV_PIX_FMT_BGRA, AV_PIX_FMT_BGR0, 1, WC_PIX_BGRX),
    RGB("BGRX", AV_PIX_FMT_BGR0, AV_PIX_FMT_BGR0, 0, WC_PIX_BGRX),
};

const wc_pixfmt_desc *wc_pixfmt_get(int fmt) {
  if (fmt < 0 || fmt >= WC_PIX_COUNT) return NULL;
  return &table[fmt];
}

int wc_pixfmt_from_name(const char *name) {
  for (int i = 0; i < WC_PIX_COUNT; i++)
    if (strcmp(table[i].name, name) == 0) return i;
  return -1;
}

int wc_pixfmt_from_av(int av) {
  switch (av) {
    case AV_PIX_FMT_YUVJ420P: return WC_PIX_I420;
    case AV_PIX_FMT_YUVJ422P: return WC_PIX_I422;
    case AV_PIX_FMT_YUVJ444P: return WC_PIX_I444;
    case AV_PIX_FMT_NONE: return -1;
    default: break;
  }
  for (int i = 0; i < WC_PIX_COUNT; i++)
    if (table[i].av == av) return i;
  return -1;
}

int wc_pixfmt_convert_target(int av) {
  switch (av) {
    /* 4:4:4 RGB planes (VP9/AV1/HEVC RGB streams), 4:4:0, 4:1:1, grey: nearest YUV format */
    case AV_PIX_FMT_GBRP: return WC_PIX_I444;
    case AV_PIX_FMT_GBRP10: return WC_PIX_I444P10;
    case AV_PIX_FMT_GBRP12: return WC_PIX_I444P12;
    case AV_PIX_FMT_GBRAP: return WC_PIX_I444A;
    case AV_PIX_FMT_GBRAP10: return WC_PIX_I444AP10;
    case AV_PIX_FMT_GBRAP12: return WC_PIX_I444AP12;
    case AV_PIX_FMT_YUV440P:
    case AV_PIX_FMT_YUVJ440P: return WC_PIX_I444;
    case AV_PIX_FMT_YUV440P10: return WC_PIX_I444P10;
    case AV_PIX_FMT_YUV440P12: return WC_PIX_I444P12;
    case AV_PIX_FMT_GRAY8: return WC_PIX_I420;
    case AV_PIX_FMT_GRAY10: return WC_PIX_I420P10;
    case AV_PIX_FMT_GRAY12: return WC_PIX_I420P12;
    case AV_PIX_FMT_YUV420P9:
    case AV_PIX_FMT_P010: return WC_PIX_I420P10;
    case AV_PIX_FMT_YUV420P14:
    case AV_PIX_FMT_YUV420P16: return WC_PIX_I420P12;
    case AV_PIX_FMT_YUV422P9: return WC_PIX_I422P10;
    case AV_PIX_FMT_YUV422P14:
    case AV_PIX_FMT_YUV422P16: return WC_PIX_I422P12;
    case AV_PIX_FMT_YUV444P9: return WC_PIX_I444P10;
    case AV_PIX_FMT_YUV444P14:
    case AV_PIX_FMT_YUV444P16: return WC_PIX_I444P12;
    case AV_PIX_FMT_YUV411P: return WC_PIX_I422;
    case AV_PIX_FMT_NV21:
    case AV_PIX_FMT_YUV410P: return WC_PIX_I420;
    default: return WC_PIX_I420;
  }
}

int wc_rect_aligned(int fmt, const wc_rect *r) {
  const wc_pixfmt_desc *d = wc_pixfmt_get(fmt);
  if (!d) return 1; /* format null: no constraint */
  for (int p = 0; p < d->planes; p++) {
    if (r->x % (uint32_t)d->sub_w[p] != 0) return 0;
    if (r->y % (uint32_t)d->sub_h[p] != 0) return 0;
  }
  return 1;
}

int wc_rect_check(int fmt, const wc_rect *r, uint32_t coded_width, uint32_t coded_height, char *err, size_t errlen) {
  const wc_pixfmt_desc *d = wc_pixfmt_get(fmt);
  if (r->width == 0 || r->height == 0) {
    snprintf(err, errlen, "rect: width and height must not be 0 (got %ux%u)", r->width, r->height);
    return -1;
  }
  if ((uint64_t)r->x + r->width > coded_width) {
    snprintf(err, errlen, "rect: x + width (%llu) exceeds codedWidth (%u)", (unsigned long long)r->x + r->width,
             coded_width);
    return -1;
  }
  if ((uint64_t)r->y + r->height > coded_height) {
    snprintf(err, errlen, "rect: y + height (%llu) exceeds codedHeight (%u)", (unsigned long long)r->y + r->height,
             coded_height);
    return -1;
  }
  if (!wc_rect_aligned(fmt, r)) {
    snprintf(err, errlen, "rect: x (%u) and y (%u) must be multiples of the %s sub-sampling (%dx%d)", r->x, r->y,
             d ? d->name : "?", d && d->planes > 1 ? d->sub_w[1] : 1, d && d->planes > 1 ? d->sub_h[1] : 1);
    return -1;
  }
  return 0;
}

static uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

int wc_layout_compute(int fmt, const wc_rect *r, const wc_plane_layout *layout, int nlayout, wc_computed_layout out[4],
                      uint64_t *allocation_size, char *err, size_t errlen) {
  const wc_pixfmt_desc *d = wc_pixfmt_get(fmt);
  uint64_t min_alloc = 0, end[4];
  if (!d) {
    snprintf(err, errlen, "unknown pixel format");
    return -1;
  }
  if (layout && nlayout != d->planes) {
    snprintf(err, errlen, "layout: %s has %d planes, got %d plane layouts", d->name, d->planes, nlayout);
    return -1;
  }
  for (int p = 0; p < d->planes; p++) {
    wc_computed_layout *c = &out[p];
    uint64_t size, plane_end;
    c->src_top = ceil_div(r->y, (uint64_t)d->sub_h[p]);
    c->src_height = ceil_div(r->height, (uint64_t)d->sub_h[p]);
    c->src_left_bytes = (uint64_t)(r->x / (uint32_t)d->sub_w[p]) * (uint64_t)d->sample_bytes[p];
    c->src_width_bytes = ceil_div(r->width, (uint64_t)d->sub_w[p]) * (uint64_t)d->sample_bytes[p];
    if (layout) {
      if (layout[p].stride < c->src_width_bytes) {
        snprintf(err, errlen, "layout[%d].stride: %u is less than the %llu bytes of a row", p, layout[p].stride,
                 (unsigned long long)c->src_width_bytes);
        return -1;
      }
      c->dst_offset = layout[p].offset;
      c->dst_stride = layout[p].stride;
    } else {
      c->dst_offset = min_alloc;
      c->dst_stride = c->src_width_bytes;
    }
    size = c->dst_stride * c->src_height;
    plane_end = size + c->dst_offset;
    if (size > 0xffffffffULL || plane_end > 0xffffffffULL) {
      snprintf(err, errlen, "layout: plane %d ends at byte %llu, beyond the 4 GiB limit", p,
               (unsigned long long)plane_end);
      return -1;
    }
    end[p] = plane_end;
    if (plane_end > min_alloc) min_alloc = plane_end;
    for (int q = 0; q < p; q++) {
      if (end[p] <= out[q].dst_offset || end[q] <= c->dst_offset) continue;
      snprintf(err, errlen, "layout: planes %d and %d overlap", q, p);
      return -1;
    }
  }
  *allocation_size = min_alloc;
  return 0;
}

void wc_layout_sub_rect(int fmt, const wc_computed_layout coded[4], const wc_rect *r, wc_computed_layout out[4]) {
  const wc_pixfmt_desc *d = wc_pixfmt_get(fmt);
  if (!d) return;
  for (int p = 0; p < d->planes; p++) {
    wc_computed_layout *c = &out[p];
    c->dst_stride = coded[p].dst_stride;
    c->dst_offset = coded[p].dst_offset + (uint64_t)(r->y / (uint32_t)d->sub_h[p]) * coded[p].dst_stride +
                    (uint64_t)(r->x / (uint32_t)d->sub_w[p]) * (uint64_t)d->sample_bytes[p];
    c->src_top = 0;
    c->src_left_bytes = 0;
    c->src_height = ceil_div(r->height, (uint64_t)d->sub_h[p]);
    c->src_width_bytes = ceil_div(r->width, (uint64_t)d->sub_w[p]) * (uint64_t)d->sample_bytes[p];
  }
}
