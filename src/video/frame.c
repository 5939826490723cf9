/*
 * frame.c - VideoFrame handles and their natives. JS thread only, except the
 * execute step of frameConvert, which runs on the libuv thread pool on its own
 * frame reference and a destination kept alive by a napi_ref.
 *
 * Natives (lib/video-frame.js is the only caller; arguments are already
 * converted and validated there, and checked again here):
 *   frameFromBuffer(fmt, codedW, codedH, data, x, y, w, h, layout|null, adopt) -> handle (of the rect alone)
 *   frameLayout(fmt, codedW, codedH, x, y, w, h, layout|null) -> [allocationSize, offset0, stride0, ...]
 *   frameCopyTo(h, dest, x, y, w, h, layout|null) -> [offset0, stride0, ...]
 *   frameConvert(h, keep, dest, x, y, w, h, layout|null, dstFmt, matrixIndex, fullRange) -> Promise<[offset, stride]>
 *   frameClone(h) -> handle;  frameClose(h);  frameInfo(h) -> [fmt, codedW, codedH]
 *   pixelFormats() -> names;  colorTables() -> {primaries, transfer, matrix}
 */
#include "wc/video/frame.h"

#include <libavutil/cpu.h>
#include <stdio.h>
#include <string.h>

#include "wc/node/env.h"
#include "wc/video/colorspace.h"
#include "wc/video/frame_copy.h"
#include "wc/video/pixfmt.h"

static int64_t frame_bytes(const AVFrame *f) {
  int64_t n = 0;
  for (int i = 0; i < AV_NUM_DATA_POINTERS && f->buf[i]; i++) n += (int64_t)f->buf[i]->size;
  return n;
}

static void frame_release(napi_env env, wc_frame *fr) {
  if (fr->av) {
    av_frame_free(&fr->av);
    if (fr->ext) {
      int64_t unused;
      napi_adjust_external_memory(env, -fr->ext, &unused);
      fr->ext = 0;
    }
    if (fr->stats) atomic_fetch_sub_explicit(&fr->stats->alive, 1, memory_order_relaxed);
  }
  wc_stats_unref(&fr->stats);
}

static void frame_finalize(napi_env env, void *data, void *hint) {
  wc_frame *fr = data;
  (void)hint;
  frame_release(env, fr);
  free(fr);
}

napi_value wc_frame_new_handle(napi_env env, AVFrame *f, int format, int borrowed, wc_stats *stats) {
  wc_frame *fr = calloc(1, sizeof(*fr));
  napi_value h;
  if (!fr) {
    av_frame_free(&f);
    napi_throw_error(env, NULL, "webcodecs-native: out of memory");
    return NULL;
  }
  fr->av = f;
  fr->format = format;
  fr->borrowed = borrowed;
  if (napi_create_object(env, &h) != napi_ok || napi_type_tag_object(env, h, &wc_tag_frame) != napi_ok ||
      napi_wrap(env, h, fr, frame_finalize, NULL, NULL) != napi_ok) {
    av_frame_free(&fr->av);
    free(fr);
    wc_throw_status(env, napi_generic_failure, "wrap frame handle");
    return NULL;
  }
  if (stats) {
    fr->stats = wc_stats_ref(stats);
    atomic_fetch_add_explicit(&stats->alive, 1, memory_order_relaxed);
  }
  if (!borrowed) {
    int64_t unused;
    fr->ext = frame_bytes(f);
    if (fr->ext) napi_adjust_external_memory(env, fr->ext, &unused);
  }
  return h;
}

wc_frame *wc_frame_from(napi_env env, napi_value h) {
  void *p = NULL;
  wc_frame *fr;
  if (wc_unwrap(env, h, &wc_tag_frame, "VideoFrame", &p) < 0) return NULL;
  fr = p;
  if (!fr->av) {
    wc_throw_dom(env, "InvalidStateError", "VideoFrame is closed");
    return NULL;
  }
  return fr;
}

/* ---------------------------------------------------------------- argument helpers */

static int get_format(napi_env env, napi_value v, int *fmt) {
  int32_t f;
  if (wc_get_int32(env, v, "format", &f) < 0) return -1;
  if (!wc_pixfmt_get(f)) {
    wc_throw_type(env, "format: unknown VideoPixelFormat index %d", f);
    return -1;
  }
  *fmt = f;
  return 0;
}

static int get_rect(napi_env env, napi_value *argv, wc_rect *r) {
  if (wc_get_uint32(env, argv[0], "rect.x", &r->x) < 0 || wc_get_uint32(env, argv[1], "rect.y", &r->y) < 0 ||
      wc_get_uint32(env, argv[2], "rect.width", &r->width) < 0 ||
      wc_get_uint32(env, argv[3], "rect.height", &r->height) < 0)
    return -1;
  return 0;
}

/* layout: null, or an array of {offset, stride}. Returns the count (0 for null) or -1. */
static int get_layout(napi_env env, napi_value v, wc_plane_layout out[4]) {
  bool is_array;
  uint32_t n;
  if (wc_is_nullish(env, v)) return 0;
  WC_CALL_INT(env, napi_is_array(env, v, &is_array));
  if (!is_array) {
    wc_throw_type(env, "layout: expected a sequence of PlaneLayout");
    return -1;
  }
  WC_CALL_INT(env, napi_get_array_length(env, v, &n));
  if (n > 4) {
    wc_throw_type(env, "layout: at most 4 planes, got %u", n);
    return -1;
  }
  for (uint32_t i = 0; i < n; i++) {
    napi_value e, x;
    WC_CALL_INT(env, napi_get_element(env, v, i, &e));
    WC_CALL_INT(env, napi_get_named_property(env, e, "offset", &x));
    if (wc_get_uint32(env, x, "PlaneLayout.offset", &out[i].offset) < 0) return -1;
    WC_CALL_INT(env, napi_get_named_property(env, e, "stride", &x));
    if (wc_get_uint32(env, x, "PlaneLayout.stride", &out[i].stride) < 0) return -1;
  }
  return (int)n;
}

/* Rect check + layout computation; throws TypeError with the spec's reason. */
static int compute(napi_env env, int fmt, const wc_rect *r, uint32_t cw, uint32_t ch, napi_value layout_v,
                   wc_computed_layout cl[4], uint64_t *alloc) {
  wc_plane_layout layout[4];
  char err[256];
  int n = get_layout(env, layout_v, layout);
  if (n < 0) return -1;
  if (wc_rect_check(fmt, r, cw, ch, err, sizeof err) < 0 ||
      wc_layout_compute(fmt, r, wc_is_nullish(env, layout_v) ? NULL : layout, n, cl, alloc, err, sizeof err) < 0) {
    wc_throw_type(env, "%s", err);
    return -1;
  }
  return 0;
}

static napi_value layout_result(napi_env env, int fmt, const wc_computed_layout *cl, int with_alloc, uint64_t alloc) {
  const wc_pixfmt_desc *d = wc_pixfmt_get(fmt);
  napi_value arr, v;
  uint32_t k = 0;
  WC_CALL(env, napi_create_array(env, &arr));
  if (with_alloc) {
    WC_CALL(env, napi_create_double(env, (double)alloc, &v));
    WC_CALL(env, napi_set_element(env, arr, k++, v));
  }
  for (int p = 0; p < d->planes; p++) {
    WC_CALL(env, napi_create_double(env, (double)cl[p].dst_offset, &v));
    WC_CALL(env, napi_set_element(env, arr, k++, v));
    WC_CALL(env, napi_create_double(env, (double)cl[p].dst_stride, &v));
    WC_CALL(env, napi_set_element(env, arr, k++, v));
  }
  return arr;
}

/* ---------------------------------------------------------------- natives */

static void noop_free(void *opaque, uint8_t *data) {
  (void)opaque;
  (void)data;
}

/*
 * frameFromBuffer(fmt, codedW, codedH, data, x, y, w, h, layout|null, adopt): data is laid out for the
 * coded size (layout: its planes; null: tightly packed), and the frame is just the rect (x, y, w, h):
 * its own size is w x h. A copy, or with adopt (transfer) the planes point into data at the rect.
 */
static napi_value js_from_buffer(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  int fmt, adopt;
  uint32_t cw, ch;
  wc_rect r, coded_rect;
  wc_computed_layout coded[4], cl[4];
  uint64_t alloc;
  uint8_t *data;
  size_t len;
  char err[256];
  AVFrame *f;
  const wc_pixfmt_desc *d;
  if (wc_args(env, info, 10, argv, NULL) < 0 || get_format(env, argv[0], &fmt) < 0 ||
      wc_get_uint32(env, argv[1], "codedWidth", &cw) < 0 || wc_get_uint32(env, argv[2], "codedHeight", &ch) < 0 ||
      wc_get_bytes(env, argv[3], "data", &data, &len) < 0 || get_rect(env, argv + 4, &r) < 0 ||
      wc_get_bool(env, argv[9], "adopt", &adopt) < 0)
    return NULL;
  d = wc_pixfmt_get(fmt);
  if (cw == 0 || ch == 0 || cw > 16384 || ch > 16384) {
    wc_throw_type(env, "VideoFrameBufferInit: codedWidth and codedHeight must be in [1, 16384], got %ux%u", cw, ch);
    return NULL;
  }
  if (wc_rect_check(fmt, &r, cw, ch, err, sizeof err) < 0) {
    wc_throw_type(env, "%s", err);
    return NULL;
  }
  coded_rect = (wc_rect){0, 0, cw, ch};
  if (compute(env, fmt, &coded_rect, cw, ch, argv[8], coded, &alloc) < 0) return NULL;
  if (len < alloc) {
    wc_throw_type(env, "VideoFrame: data is %zu bytes, the layout needs %llu", len, (unsigned long long)alloc);
    return NULL;
  }
  wc_layout_sub_rect(fmt, coded, &r, cl);
  if (adopt) {
    /* Zero copy: the planes point into the transferred buffer (at the rect), which lib/ keeps alive. */
    for (int p = 0; p < d->planes; p++) {
      if (cl[p].dst_stride > 0x7fffffff ||
          cl[p].dst_offset + (cl[p].src_height - 1) * cl[p].dst_stride + cl[p].src_width_bytes > len) {
        wc_throw_type(env, "VideoFrame: plane %d of the rect lies outside data", p);
        return NULL;
      }
    }
    if (!(f = av_frame_alloc())) goto oom;
    f->buf[0] = av_buffer_create(data, len, noop_free, NULL, AV_BUFFER_FLAG_READONLY);
    if (!f->buf[0]) {
      av_frame_free(&f);
      goto oom;
    }
    for (int p = 0; p < d->planes; p++) {
      f->data[p] = data + cl[p].dst_offset;
      f->linesize[p] = (int)cl[p].dst_stride;
    }
    f->width = (int)r.width;
    f->height = (int)r.height;
    f->format = d->av != -1 ? d->av : d->av_opaque;
    return wc_frame_new_handle(env, f, fmt, 1, NULL);
  }
  if (!(f = wc_frame_alloc(wc_env_get(env)->frame_pool, fmt, (int)r.width, (int)r.height))) goto oom;
  if (wc_copy_planes_in(f, fmt, cl, data, len, err, sizeof err) < 0) {
    av_frame_free(&f);
    wc_throw_type(env, "%s", err);
    return NULL;
  }
  return wc_frame_new_handle(env, f, fmt, 0, NULL);
oom:
  napi_throw_range_error(env, NULL, "VideoFrame: out of memory");
  return NULL;
}

static napi_value js_layout(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  int fmt;
  uint32_t cw, ch;
  wc_rect r;
  wc_computed_layout cl[4];
  uint64_t alloc;
  if (wc_args(env, info, 8, argv, NULL) < 0 || get_format(env, argv[0], &fmt) < 0 ||
      wc_get_uint32(env, argv[1], "codedWidth", &cw) < 0 || wc_get_uint32(env, argv[2], "codedHeight", &ch) < 0 ||
      get_rect(env, argv + 3, &r) < 0 || compute(env, fmt, &r, cw, ch, argv[7], cl, &alloc) < 0)
    return NULL;
  return layout_result(env, fmt, cl, 1, alloc);
}

static napi_value queue_copy(napi_env env, wc_frame *fr, napi_value keep, napi_value dest, uint8_t *dst, size_t len,
                             const wc_computed_layout *cl);

/*
 * frameCopyTo(h, dest, x, y, w, h, layout|null, async, keep) -> layouts, or a Promise of them when async
 * (large copies run on the thread pool so that the JS thread is not held for a frame's worth of memcpy).
 */
static napi_value js_copy_to(napi_env env, napi_callback_info info) {
  napi_value argv[9];
  wc_frame *fr;
  wc_rect r;
  wc_computed_layout cl[4];
  uint64_t alloc;
  uint8_t *dst;
  size_t len;
  char err[256];
  int async;
  if (wc_args(env, info, 9, argv, NULL) < 0 || !(fr = wc_frame_from(env, argv[0])) ||
      wc_get_bytes(env, argv[1], "destination", &dst, &len) < 0 || get_rect(env, argv + 2, &r) < 0 ||
      compute(env, fr->format, &r, (uint32_t)fr->av->width, (uint32_t)fr->av->height, argv[6], cl, &alloc) < 0 ||
      wc_get_bool(env, argv[7], "async", &async) < 0)
    return NULL;
  if (len < alloc) {
    wc_throw_type(env, "copyTo: destination is %zu bytes, %llu are needed", len, (unsigned long long)alloc);
    return NULL;
  }
  if (async) return queue_copy(env, fr, argv[8], argv[1], dst, len, cl);
  if (wc_copy_planes_out(fr->av, fr->format, cl, dst, len, err, sizeof err) < 0) {
    wc_throw_type(env, "%s", err);
    return NULL;
  }
  return layout_result(env, fr->format, cl, 0, 0);
}

/* ---- frameConvert: RGB conversion on the thread pool */

typedef struct convert_job {
  int copy; /* a plain copy with cl (frameCopyTo async), else an RGB conversion */
  wc_computed_layout cl[4];
  napi_async_work work;
  napi_deferred deferred;
  napi_ref dest_ref;
  napi_ref keep_ref;
  AVFrame *frame; /* our own reference */
  int fmt;
  wc_rect rect;
  wc_convert_opts opts;
  uint8_t *dst;
  size_t dst_len;
  uint64_t offset, stride;
  int failed;
  char err[256];
} convert_job;

static void convert_execute(napi_env env, void *data) {
  convert_job *j = data;
  (void)env;
  if (j->copy) {
    if (wc_copy_planes_out(j->frame, j->fmt, j->cl, j->dst, j->dst_len, j->err, sizeof j->err) < 0) j->failed = 1;
    return;
  }
  if (wc_convert_to_rgb(j->frame, j->fmt, &j->rect, &j->opts, j->dst, j->dst_len, j->offset, j->stride, j->err,
                        sizeof j->err) < 0)
    j->failed = 1;
}

static void convert_complete(napi_env env, napi_status status, void *data) {
  convert_job *j = data;
  napi_value v, arr;
  if (status != napi_ok && !j->failed) {
    j->failed = 1;
    snprintf(j->err, sizeof j->err, "copyTo: cancelled");
  }
  if (j->failed) {
    napi_value msg;
    if (napi_create_string_utf8(env, j->err, NAPI_AUTO_LENGTH, &msg) == napi_ok &&
        napi_create_type_error(env, NULL, msg, &v) == napi_ok)
      napi_reject_deferred(env, j->deferred, v);
  } else if (j->copy) {
    if ((arr = layout_result(env, j->fmt, j->cl, 0, 0))) napi_resolve_deferred(env, j->deferred, arr);
  } else if (napi_create_array(env, &arr) == napi_ok) {
    napi_value a, b;
    napi_create_double(env, (double)j->offset, &a);
    napi_create_double(env, (double)j->stride, &b);
    napi_set_element(env, arr, 0, a);
    napi_set_element(env, arr, 1, b);
    napi_resolve_deferred(env, j->deferred, arr);
  }
  if (j->dest_ref) napi_delete_reference(env, j->dest_ref);
  if (j->keep_ref) napi_delete_reference(env, j->keep_ref);
  napi_delete_async_work(env, j->work);
  av_frame_free(&j->frame);
  wc_sws_cache_unref(&j->opts.cache);
  free(j);
}

static napi_value start_job(napi_env env, convert_job *j, napi_value keep, napi_value dest);

static napi_value js_convert(napi_env env, napi_callback_info info) {
  napi_value argv[11];
  wc_frame *fr;
  convert_job *j;
  wc_rect r;
  int dst_fmt, mi, full;
  int32_t matrix_index;
  wc_plane_layout layout[4];
  int n;
  uint64_t need, offset = 0, stride;
  uint8_t *dst;
  size_t len;
  char err[256];
  if (wc_args(env, info, 11, argv, NULL) < 0 || !(fr = wc_frame_from(env, argv[0])) ||
      wc_get_bytes(env, argv[2], "destination", &dst, &len) < 0 || get_rect(env, argv + 3, &r) < 0 ||
      get_format(env, argv[8], &dst_fmt) < 0 || wc_get_int32(env, argv[9], "matrix", &matrix_index) < 0 ||
      wc_get_bool(env, argv[10], "fullRange", &full) < 0)
    return NULL;
  mi = matrix_index;
  if (!wc_pixfmt_get(dst_fmt)->rgb) {
    wc_throw_type(env, "copyTo: conversion only to RGBA, RGBX, BGRA or BGRX");
    return NULL;
  }
  if (wc_rect_check(fr->format, &r, (uint32_t)fr->av->width, (uint32_t)fr->av->height, err, sizeof err) < 0) {
    wc_throw_type(env, "%s", err);
    return NULL;
  }
  if ((n = get_layout(env, argv[7], layout)) < 0) return NULL;
  stride = (uint64_t)r.width * 4;
  if (!wc_is_nullish(env, argv[7])) {
    if (n != 1) {
      wc_throw_type(env, "layout: %s has 1 plane, got %d plane layouts", wc_pixfmt_get(dst_fmt)->name, n);
      return NULL;
    }
    if (layout[0].stride < stride) {
      wc_throw_type(env, "layout[0].stride: %u is less than the %llu bytes of a row", layout[0].stride,
                    (unsigned long long)stride);
      return NULL;
    }
    offset = layout[0].offset;
    stride = layout[0].stride;
  }
  need = offset + stride * r.height;
  if (need > 0xffffffffULL) {
    wc_throw_type(env, "layout: the plane ends beyond the 4 GiB limit");
    return NULL;
  }
  if (len < need) {
    wc_throw_type(env, "copyTo: destination is %zu bytes, %llu are needed", len, (unsigned long long)need);
    return NULL;
  }
  if (!(j = calloc(1, sizeof(*j))) || !(j->frame = av_frame_clone(fr->av))) {
    free(j);
    napi_throw_range_error(env, NULL, "copyTo: out of memory");
    return NULL;
  }
  j->fmt = fr->format;
  j->rect = r;
  j->opts.dst_fmt = dst_fmt;
  j->opts.src_matrix = wc_matrix_av(mi);
  j->opts.src_full_range = full;
  j->opts.threads = av_cpu_count();
  j->opts.cache = wc_sws_cache_ref(wc_env_get(env)->sws_cache);
  j->opts.src_unpadded = fr->borrowed;
  j->dst = dst;
  j->dst_len = len;
  j->offset = offset;
  j->stride = stride;
  return start_job(env, j, argv[1], argv[2]);
}

static napi_value queue_copy(napi_env env, wc_frame *fr, napi_value keep, napi_value dest, uint8_t *dst, size_t len,
                             const wc_computed_layout *cl) {
  convert_job *j;
  if (!(j = calloc(1, sizeof(*j))) || !(j->frame = av_frame_clone(fr->av))) {
    free(j);
    napi_throw_range_error(env, NULL, "copyTo: out of memory");
    return NULL;
  }
  j->copy = 1;
  memcpy(j->cl, cl, sizeof j->cl);
  j->fmt = fr->format;
  j->dst = dst;
  j->dst_len = len;
  return start_job(env, j, keep, dest);
}

/* Queues j on the thread pool, keeping dest (and the borrowed pixels' buffer, keep) alive. */
static napi_value start_job(napi_env env, convert_job *j, napi_value keep, napi_value dest) {
  napi_value promise, name;
  if (napi_create_reference(env, dest, 1, &j->dest_ref) != napi_ok ||
      (!wc_is_nullish(env, keep) && napi_create_reference(env, keep, 1, &j->keep_ref) != napi_ok) ||
      napi_create_promise(env, &j->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "webcodecs-native:copyTo", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, convert_execute, convert_complete, j, &j->work) != napi_ok ||
      napi_queue_async_work(env, j->work) != napi_ok) {
    /* Nothing was queued: undo by hand (a created promise simply stays pending and is collected). */
    if (j->work) napi_delete_async_work(env, j->work);
    if (j->dest_ref) napi_delete_reference(env, j->dest_ref);
    if (j->keep_ref) napi_delete_reference(env, j->keep_ref);
    av_frame_free(&j->frame);
    wc_sws_cache_unref(&j->opts.cache);
    free(j);
    wc_throw_status(env, napi_generic_failure, "queue copyTo");
    return NULL;
  }
  return promise;
}

/* frameClone(h, format): a new reference; format -1 keeps it, else an opaque view (alpha: "discard"). */
static napi_value js_clone(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  wc_frame *fr;
  AVFrame *f;
  int32_t fmt;
  const wc_pixfmt_desc *d;
  if (wc_args(env, info, 2, argv, NULL) < 0 || !(fr = wc_frame_from(env, argv[0])) ||
      wc_get_int32(env, argv[1], "format", &fmt) < 0)
    return NULL;
  if (fmt < 0) fmt = fr->format;
  d = wc_pixfmt_get(fmt);
  if (!d || (fmt != fr->format && fmt != wc_pixfmt_get(fr->format)->opaque)) {
    wc_throw_type(env, "VideoFrame: format %d is not a view of %s", fmt, wc_pixfmt_get(fr->format)->name);
    return NULL;
  }
  if (!(f = av_frame_clone(fr->av))) {
    napi_throw_range_error(env, NULL, "VideoFrame.clone: out of memory");
    return NULL;
  }
  if (fmt != fr->format) {
    f->format = d->av;
    for (int p = d->planes; p < 4; p++) {
      f->data[p] = NULL;
      f->linesize[p] = 0;
    }
  }
  return wc_frame_new_handle(env, f, fmt, fr->borrowed, fr->stats);
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  void *p = NULL;
  if (wc_args(env, info, 1, argv, NULL) < 0 || wc_unwrap_detach(env, argv[0], &wc_tag_frame, "VideoFrame", &p) < 0)
    return NULL;
  if (p) frame_finalize(env, p, NULL);
  return NULL;
}

static napi_value js_info(napi_env env, napi_callback_info info) {
  napi_value argv[1], arr, v;
  wc_frame *fr;
  if (wc_args(env, info, 1, argv, NULL) < 0 || !(fr = wc_frame_from(env, argv[0]))) return NULL;
  WC_CALL(env, napi_create_array_with_length(env, 3, &arr));
  WC_CALL(env, napi_create_int32(env, fr->format, &v));
  WC_CALL(env, napi_set_element(env, arr, 0, v));
  WC_CALL(env, napi_create_int32(env, fr->av->width, &v));
  WC_CALL(env, napi_set_element(env, arr, 1, v));
  WC_CALL(env, napi_create_int32(env, fr->av->height, &v));
  WC_CALL(env, napi_set_element(env, arr, 2, v));
  return arr;
}

static napi_value names_array(napi_env env, const char *(*name)(int)) {
  napi_value arr, s;
  const char *n;
  WC_CALL(env, napi_create_array(env, &arr));
  for (int i = 0; (n = name(i)) != NULL; i++) {
    WC_CALL(env, napi_create_string_utf8(env, n, NAPI_AUTO_LENGTH, &s));
    WC_CALL(env, napi_set_element(env, arr, (uint32_t)i, s));
  }
  return arr;
}

static const char *pixfmt_name(int i) {
  const wc_pixfmt_desc *d = wc_pixfmt_get(i);
  return d ? d->name : NULL;
}

static napi_value js_pixel_formats(napi_env env, napi_callback_info info) {
  (void)info;
  return names_array(env, pixfmt_name);
}

static napi_value js_color_tables(napi_env env, napi_callback_info info) {
  napi_value o, a;
  (void)info;
  WC_CALL(env, napi_create_object(env, &o));
  if (!(a = names_array(env, wc_primaries_name))) return NULL;
  WC_CALL(env, napi_set_named_property(env, o, "primaries", a));
  if (!(a = names_array(env, wc_transfer_name))) return NULL;
  WC_CALL(env, napi_set_named_property(env, o, "transfer", a));
  if (!(a = names_array(env, wc_matrix_name))) return NULL;
  WC_CALL(env, napi_set_named_property(env, o, "matrix", a));
  return o;
}

napi_status wc_frame_init(napi_env env, napi_value exports) {
  static const struct {
    const char *name;
    napi_callback cb;
  } fns[] = {
      {"frameFromBuffer", js_from_buffer}, {"frameLayout", js_layout}, {"frameCopyTo", js_copy_to},
      {"frameConvert", js_convert},        {"frameClone", js_clone},   {"frameClose", js_close},
      {"frameInfo", js_info},              {"pixelFormats", js_pixel_formats},
      {"colorTables", js_color_tables},
  };
  napi_status s;
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
    if ((s = wc_export(env, exports, fns[i].name, fns[i].cb)) != napi_ok) return s;
  return napi_ok;
}
