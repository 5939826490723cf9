/*
 * audio_data.c - AudioData handles and their natives. JS thread only.
 *
 * Natives (lib/audio-data.js is the only caller; arguments are already
 * converted and validated there, and checked again here):
 *   audioDataFromBuffer(fmt, sampleRate, frames, channels, data, adopt) -> handle
 *   audioDataCopyTo(h, dest, planeIndex, frameOffset, frameCount|-1, dstFmt) -> bytes written
 *   audioDataClone(h) -> handle;  audioDataClose(h)
 *   sampleFormats() -> the AudioSampleFormat names, by enum wc_sample_format
 */
#include "wc/audio/audio_data.h"

#include <libavutil/channel_layout.h>
#include <libavutil/mem.h>
#include <libavutil/samplefmt.h>
#include <string.h>

#include "wc/audio/sample_format.h"

static const napi_type_tag tag_audio_data = {0x7763617564696f31ULL, 0x2c3d4e5f60718293ULL};

static int64_t frame_bytes(const AVFrame *f) {
  int64_t n = 0;
  for (int i = 0; i < AV_NUM_DATA_POINTERS && f->buf[i]; i++) n += (int64_t)f->buf[i]->size;
  for (int i = 0; i < f->nb_extended_buf; i++) n += (int64_t)f->extended_buf[i]->size;
  return n;
}

/* ---------------------------------------------------------------- frame bins */

wc_frame_bin *wc_frame_bin_new(void) {
  wc_frame_bin *b = calloc(1, sizeof(*b));
  if (!b) return NULL;
  if (wc_queue_init(&b->q) != 0) {
    free(b);
    return NULL;
  }
  atomic_init(&b->refs, 1);
  return b;
}

void wc_frame_bin_unref(wc_frame_bin **b) {
  wc_frame_bin *p = *b;
  *b = NULL;
  if (!p || atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) != 1) return;
  wc_queue_destroy(&p->q); /* closed by its producer before: empty */
  free(p);
}

int wc_frame_bin_put(wc_frame_bin *b, wc_frame_slot *s) { return wc_queue_push(&b->q, &s->node) < 0 ? -1 : 0; }

wc_node *wc_frame_bin_take(wc_frame_bin *b) { return wc_queue_take_all(&b->q, NULL); }

wc_node *wc_frame_bin_close(wc_frame_bin *b) {
  wc_queue_quit(&b->q);
  return wc_queue_take_all(&b->q, NULL);
}

/* ---------------------------------------------------------------- handles */

static void release(napi_env env, wc_audio_data *a) {
  if (a->av) {
    if (a->slot) {
      if (wc_frame_bin_put(a->bin, a->slot) < 0) { /* its decoder is gone */
        av_frame_free(&a->slot->frame);
        free(a->slot);
      }
      a->slot = NULL;
      a->av = NULL;
    } else {
      av_frame_free(&a->av);
    }
    if (a->ext) {
      int64_t unused;
      napi_adjust_external_memory(env, -a->ext, &unused);
      a->ext = 0;
    }
    if (a->stats) atomic_fetch_sub_explicit(&a->stats->alive, 1, memory_order_relaxed);
  }
  wc_stats_unref(&a->stats);
  wc_frame_bin_unref(&a->bin);
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)hint;
  release(env, data);
  free(data);
}

napi_value wc_audio_data_new_handle(napi_env env, AVFrame *f, int format, int borrowed, wc_stats *stats) {
  wc_audio_data *a = calloc(1, sizeof(*a));
  napi_value h;
  if (!a) {
    av_frame_free(&f);
    napi_throw_error(env, NULL, "webcodecs-native: out of memory");
    return NULL;
  }
  a->av = f;
  a->format = format;
  a->borrowed = borrowed;
  if (napi_create_object(env, &h) != napi_ok || napi_type_tag_object(env, h, &tag_audio_data) != napi_ok ||
      napi_wrap(env, h, a, finalize, NULL, NULL) != napi_ok) {
    av_frame_free(&a->av);
    free(a);
    wc_throw_status(env, napi_generic_failure, "wrap AudioData handle");
    return NULL;
  }
  if (stats) {
    a->stats = wc_stats_ref(stats);
    atomic_fetch_add_explicit(&stats->alive, 1, memory_order_relaxed);
  }
  if (!borrowed) {
    int64_t unused;
    a->ext = frame_bytes(f);
    if (a->ext) napi_adjust_external_memory(env, a->ext, &unused);
  }
  return h;
}

napi_value wc_audio_data_new_slot(napi_env env, wc_frame_slot *s, wc_frame_bin *bin, int format, wc_stats *stats) {
  wc_audio_data *a = calloc(1, sizeof(*a));
  napi_value h;
  int64_t unused;
  if (!a) {
    napi_throw_error(env, NULL, "webcodecs-native: out of memory");
    return NULL;
  }
  if (napi_create_object(env, &h) != napi_ok || napi_type_tag_object(env, h, &tag_audio_data) != napi_ok ||
      napi_wrap(env, h, a, finalize, NULL, NULL) != napi_ok) {
    free(a);
    wc_throw_status(env, napi_generic_failure, "wrap AudioData handle");
    return NULL;
  }
  a->av = s->frame;
  a->slot = s;
  a->format = format;
  atomic_fetch_add_explicit(&bin->refs, 1, memory_order_relaxed);
  a->bin = bin;
  if (stats) {
    a->stats = wc_stats_ref(stats);
    atomic_fetch_add_explicit(&stats->alive, 1, memory_order_relaxed);
  }
  a->ext = frame_bytes(a->av);
  if (a->ext) napi_adjust_external_memory(env, a->ext, &unused);
  return h;
}

wc_audio_data *wc_audio_data_from(napi_env env, napi_value h) {
  void *p = NULL;
  wc_audio_data *a;
  if (wc_unwrap(env, h, &tag_audio_data, "AudioData", &p) < 0) return NULL;
  a = p;
  if (!a->av) {
    wc_throw_dom(env, "InvalidStateError", "AudioData is closed");
    return NULL;
  }
  return a;
}

/* A frame with its own buffers holding a copy of src's samples (timing, rate, layout kept). */
static AVFrame *deep_copy(const AVFrame *src) {
  AVFrame *f = av_frame_alloc();
  if (!f) return NULL;
  f->format = src->format;
  f->nb_samples = src->nb_samples;
  f->sample_rate = src->sample_rate;
  if (av_channel_layout_copy(&f->ch_layout, &src->ch_layout) < 0 || av_frame_get_buffer(f, 0) < 0 ||
      av_frame_copy(f, src) < 0 || av_frame_copy_props(f, src) < 0) {
    av_frame_free(&f);
    return NULL;
  }
  return f;
}

AVFrame *wc_audio_data_frame_for_worker(napi_env env, napi_value h) {
  wc_audio_data *a = wc_audio_data_from(env, h);
  AVFrame *f;
  if (!a) return NULL;
  f = a->borrowed ? deep_copy(a->av) : av_frame_clone(a->av);
  if (!f) napi_throw_range_error(env, NULL, "AudioData: out of memory");
  return f;
}

/* The samples of a frame as a view for sample_format.c. planes must hold channels entries. */
static void view_of(const wc_audio_data *a, const uint8_t **planes, wc_audio_view *v) {
  const AVFrame *f = a->av;
  int nplanes = wc_sample_format_planar(a->format) ? f->ch_layout.nb_channels : 1;
  for (int i = 0; i < nplanes; i++) planes[i] = f->extended_data[i];
  v->format = a->format;
  v->channels = (uint32_t)f->ch_layout.nb_channels;
  v->frames = (uint32_t)f->nb_samples;
  v->planes = planes;
}

/* ---------------------------------------------------------------- natives */

static void noop_free(void *opaque, uint8_t *data) {
  (void)opaque;
  (void)data;
}

static int set_layout(AVFrame *f, uint32_t channels) {
  av_channel_layout_default(&f->ch_layout, (int)channels);
  return f->ch_layout.nb_channels == (int)channels ? 0 : -1;
}

#define MAX_CHANNELS 4096 /* far beyond any codec; keeps every size computation in range */

static napi_value js_from_buffer(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  int32_t fmt;
  double rate;
  uint32_t frames, channels;
  uint8_t *data;
  size_t len;
  int adopt, bps, planar;
  uint64_t plane_bytes, need;
  AVFrame *f;
  if (wc_args(env, info, 6, argv, NULL) < 0 || wc_get_int32(env, argv[0], "format", &fmt) < 0 ||
      wc_get_double(env, argv[1], "sampleRate", &rate) < 0 || wc_get_uint32(env, argv[2], "numberOfFrames", &frames) < 0 ||
      wc_get_uint32(env, argv[3], "numberOfChannels", &channels) < 0 ||
      wc_get_bytes(env, argv[4], "data", &data, &len) < 0 || wc_get_bool(env, argv[5], "adopt", &adopt) < 0)
    return NULL;
  if (!wc_sample_format_name(fmt)) {
    wc_throw_type(env, "AudioDataInit.format: unknown AudioSampleFormat index %d", fmt);
    return NULL;
  }
  if (!(rate > 0) || frames == 0 || channels == 0) {
    wc_throw_type(env, "AudioDataInit: sampleRate, numberOfFrames and numberOfChannels must be positive");
    return NULL;
  }
  if (channels > MAX_CHANNELS) {
    napi_throw_range_error(env, NULL, "AudioDataInit.numberOfChannels: at most 4096 channels are supported");
    return NULL;
  }
  bps = wc_sample_format_bytes(fmt);
  planar = wc_sample_format_planar(fmt);
  plane_bytes = (uint64_t)frames * (uint64_t)bps * (planar ? 1 : channels);
  need = plane_bytes * (planar ? channels : 1);
  if (len < need) {
    wc_throw_type(env, "AudioDataInit.data: %zu bytes, %u frames of %u %s channels need %llu", len, frames, channels,
                  wc_sample_format_name(fmt), (unsigned long long)need);
    return NULL;
  }
  if (plane_bytes > INT32_MAX) {
    napi_throw_range_error(env, NULL, "AudioData: a plane of more than 2 GiB is not supported");
    return NULL;
  }
  if (!(f = av_frame_alloc())) goto oom;
  f->format = wc_sample_format_to_av(fmt);
  f->nb_samples = (int)frames;
  f->sample_rate = rate >= 1 && rate < INT32_MAX ? (int)(rate + 0.5) : 1;
  if (set_layout(f, channels) < 0) {
    av_frame_free(&f);
    goto oom;
  }
  if (adopt) {
    /* Zero copy: the planes point into the transferred buffer, which lib/ keeps alive. */
    int nplanes = planar ? (int)channels : 1;
    if (!(f->buf[0] = av_buffer_create(data, need, noop_free, NULL, AV_BUFFER_FLAG_READONLY))) {
      av_frame_free(&f);
      goto oom;
    }
    if (nplanes > AV_NUM_DATA_POINTERS) {
      if (!(f->extended_data = av_calloc((size_t)nplanes, sizeof(*f->extended_data)))) {
        av_frame_free(&f);
        goto oom;
      }
    } else {
      f->extended_data = f->data;
    }
    for (int p = 0; p < nplanes; p++) {
      f->extended_data[p] = data + (size_t)p * plane_bytes;
      if (p < AV_NUM_DATA_POINTERS) f->data[p] = f->extended_data[p];
    }
    f->linesize[0] = (int)plane_bytes;
    return wc_audio_data_new_handle(env, f, fmt, 1, NULL);
  }
  if (av_frame_get_buffer(f, 0) < 0) {
    av_frame_free(&f);
    goto oom;
  }
  for (int p = 0; p < (planar ? (int)channels : 1); p++)
    memcpy(f->extended_data[p], data + (size_t)p * plane_bytes, (size_t)plane_bytes);
  return wc_audio_data_new_handle(env, f, fmt, 0, NULL);
oom:
  napi_throw_range_error(env, NULL, "AudioData: out of memory");
  return NULL;
}

static napi_value js_copy_to(napi_env env, napi_callback_info info) {
  napi_value argv[6], out;
  wc_audio_data *a;
  uint32_t plane, offset;
  int64_t count, written;
  int32_t dst_fmt;
  uint8_t *dst;
  size_t len;
  char why[256];
  const uint8_t *stack_planes[AV_NUM_DATA_POINTERS], **planes = stack_planes;
  wc_audio_view v;
  if (wc_args(env, info, 6, argv, NULL) < 0 || !(a = wc_audio_data_from(env, argv[0])) ||
      wc_get_bytes(env, argv[1], "destination", &dst, &len) < 0 ||
      wc_get_uint32(env, argv[2], "planeIndex", &plane) < 0 || wc_get_uint32(env, argv[3], "frameOffset", &offset) < 0 ||
      wc_get_int64(env, argv[4], "frameCount", &count) < 0 || wc_get_int32(env, argv[5], "format", &dst_fmt) < 0)
    return NULL;
  if (!wc_sample_format_name(dst_fmt)) {
    wc_throw_type(env, "AudioDataCopyToOptions.format: unknown AudioSampleFormat index %d", dst_fmt);
    return NULL;
  }
  if (wc_sample_format_planar(a->format) && a->av->ch_layout.nb_channels > AV_NUM_DATA_POINTERS &&
      !(planes = malloc(sizeof(*planes) * (size_t)a->av->ch_layout.nb_channels))) {
    napi_throw_range_error(env, NULL, "AudioData.copyTo: out of memory");
    return NULL;
  }
  view_of(a, planes, &v);
  written = wc_audio_copy(&v, dst_fmt, plane, offset, count, dst, len, why, sizeof why);
  if (planes != stack_planes) free(planes);
  if (written < 0) {
    napi_throw_range_error(env, NULL, why);
    return NULL;
  }
  WC_CALL(env, napi_create_double(env, (double)written, &out));
  return out;
}

static napi_value js_clone(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  wc_audio_data *a;
  AVFrame *f;
  if (wc_args(env, info, 1, argv, NULL) < 0 || !(a = wc_audio_data_from(env, argv[0]))) return NULL;
  if (!(f = av_frame_clone(a->av))) {
    napi_throw_range_error(env, NULL, "AudioData.clone: out of memory");
    return NULL;
  }
  /* A clone of a borrowed frame borrows the same buffer, which lib/ keeps alive with the clone too.
   * Each handle reports the shared samples (as VideoFrame clones do): V8 sees the pressure of
   * every reference that keeps them alive. */
  return wc_audio_data_new_handle(env, f, a->format, a->borrowed, a->stats);
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  void *p = NULL;
  if (wc_args(env, info, 1, argv, NULL) < 0 || wc_unwrap_detach(env, argv[0], &tag_audio_data, "AudioData", &p) < 0)
    return NULL;
  if (p) finalize(env, p, NULL);
  return NULL;
}

static napi_value js_sample_formats(napi_env env, napi_callback_info info) {
  napi_value arr, s;
  (void)info;
  WC_CALL(env, napi_create_array(env, &arr));
  for (int i = 0; i < WC_SF_COUNT; i++) {
    WC_CALL(env, napi_create_string_utf8(env, wc_sample_format_name(i), NAPI_AUTO_LENGTH, &s));
    WC_CALL(env, napi_set_element(env, arr, (uint32_t)i, s));
  }
  return arr;
}

napi_status wc_audio_data_init(napi_env env, napi_value exports) {
  static const struct {
    const char *name;
    napi_callback cb;
  } fns[] = {
      {"audioDataFromBuffer", js_from_buffer}, {"audioDataCopyTo", js_copy_to}, {"audioDataClone", js_clone},
      {"audioDataClose", js_close},            {"sampleFormats", js_sample_formats},
  };
  napi_status s;
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
    if ((s = wc_export(env, exports, fns[i].name, fns[i].cb)) != napi_ok) return s;
  return napi_ok;
}
