/*
 * decoder.c - VideoDecoder's engine: configure, decode and flush on the
 * worker thread with libavcodec's send/receive API.
 *
 * Threads: decoderCreate/decoderConfigure/decoderDecode and dec_output_js run
 * on the JS thread; dec_run and what it calls run on the worker, which alone
 * owns the AVCodecContext (and the scalers for formats without a
 * VideoPixelFormat) from configure to teardown.
 *
 * Timing: packets carry the chunk's timestamp as pts in a 1/1000000 time base;
 * an output frame's timestamp is its own best-effort pts (B-frames come out
 * right), and its duration is looked up by that pts in a small table filled
 * from the chunks (the spec takes the duration from the chunk).
 *
 * Corrupt data: a chunk reaches libavcodec only after wc_chunk_check has found its
 * framing sound (FFmpeg skips what it cannot parse, in silence); H.264 and HEVC
 * run with AV_EF_EXPLODE, so a slice that does not decode is an error rather than a
 * concealed picture; and a flush after chunks that held pictures but gave none is an
 * EncodingError. Each goes through the error callback (the spec's decode and flush
 * close the decoder with EncodingError).
 */
#define _POSIX_C_SOURCE 200809L
#include <libavcodec/avcodec.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "wc/node/env.h"
#include "wc/engine/codec.h"
#include "wc/formats/chunk_check.h"
#include "wc/formats/codec_string.h"
#include "wc/video/colorspace.h"
#include "wc/formats/config_record.h"
#include "wc/engine/errors.h"
#include "wc/engine/sched.h"
#include "wc/video/frame.h"
#include "wc/video/frame_copy.h"
#include "wc/video/pixfmt.h"
#include "wc/video/decoder.h"
#include "wc/video/scaler.h"

#define DUR_SLOTS 128

typedef struct dec_config {
  wc_codec_info info;
  int parsed; /* 0: the codec string is not one we can decode */
  char codec[96];
  uint8_t *extradata;
  int extradata_size;
  int coded_width, coded_height;
  int low_delay;
  int threads;
} dec_config;

typedef struct dec_output {
  AVFrame *frame;
  int format;
  int64_t duration; /* -1: none */
} dec_output;

typedef struct dur_slot {
  int64_t pts, duration;
  int used;
} dur_slot;

typedef struct wc_decoder {
  AVCodecContext *ctx;
  wc_scaler scaler; /* conversions of frames without a VideoPixelFormat */
  wc_stats *stats; /* the codec's; set at create, read on the worker */
  dur_slot durs[DUR_SLOTS];
  int dur_next;
  /* as configured, for reopening with another strictness (extradata owned here) */
  wc_decoder_params params;
  uint8_t *extradata;
  int nal_length_size;   /* H.264/HEVC with a description: lengthSizeMinusOne + 1; 0: Annex B */
  int av1_reduced_still; /* wc_chunk_facts state */
  /* the chunks since configure or the last flush: the window a flush judges */
  int window_open;       /* the next chunk is the first of a window */
  int64_t window_shown;  /* chunks that hold a picture */
  int64_t window_outputs;
} wc_decoder;

/* ---------------------------------------------------------------- payloads */

static void dec_config_free(dec_config *c) {
  if (!c) return;
  av_free(c->extradata);
  free(c);
}

static void dec_output_free(dec_output *o) {
  if (!o) return;
  av_frame_free(&o->frame);
  free(o);
}

static void free_cmd_payload(int type, void *p) {
  if (type == WC_CMD_CONFIGURE)
    dec_config_free(p);
  else if (type == WC_CMD_DECODE) {
    AVPacket *pkt = p;
    av_packet_free(&pkt);
  }
}

static void free_event_payload(int type, void *p) {
  if (type == WC_EV_OUTPUT)
    dec_output_free(p);
  else if (type == WC_EV_ERROR)
    wc_error_free(p);
}

/* ---------------------------------------------------------------- worker side */


static void dur_put(wc_decoder *d, int64_t pts, int64_t duration) {
  dur_slot *s = &d->durs[d->dur_next];
  d->dur_next = (d->dur_next + 1) % DUR_SLOTS;
  s->pts = pts;
  s->duration = duration;
  s->used = 1;
}

static int64_t dur_take(wc_decoder *d, int64_t pts) {
  /* newest first: a repeated timestamp belongs to the latest chunk that carried it */
  for (int i = 1; i <= DUR_SLOTS; i++) {
    dur_slot *s = &d->durs[(d->dur_next - i + DUR_SLOTS) % DUR_SLOTS];
    if (s->used && s->pts == pts) {
      s->used = 0;
      return s->duration;
    }
  }
  return -1;
}

static void window_reset(wc_decoder *d) {
  d->window_open = 1;
  d->window_shown = 0;
  d->window_outputs = 0;
}

static void dec_close_codec(wc_decoder *d) {
  avcodec_free_context(&d->ctx);
  wc_scaler_clear(&d->scaler);
  memset(d->durs, 0, sizeof d->durs);
  d->dur_next = 0;
  av_freep(&d->extradata);
  memset(&d->params, 0, sizeof d->params);
  d->nal_length_size = 0;
  d->av1_reduced_still = -1;
  window_reset(d);
}

/* Replaces the (drained or unused) decoder with one of the given strictness. 0 or a negative AVERROR. */
static int dec_reopen(wc_decoder *d, int strict, char *why, size_t whylen) {
  AVCodecContext *ctx = NULL;
  wc_decoder_params p = d->params;
  int ret;
  p.strict = strict;
  if ((ret = wc_decoder_open(&p, &ctx, why, whylen)) < 0) return ret;
  avcodec_free_context(&d->ctx);
  d->ctx = ctx;
  d->params.strict = strict;
  atomic_store_explicit(&d->stats->threads, ctx->thread_count, memory_order_relaxed);
  return 0;
}

static int receive_all(wc_decoder *d, wc_worker *w, uint32_t epoch);

static void dec_configure(wc_decoder *d, wc_worker *w, wc_cmd *cmd) {
  dec_config *cfg = cmd->payload;
  wc_decoder_params p;
  char why[256] = "";
  int ret;
  if (d->ctx && avcodec_send_packet(d->ctx, NULL) >= 0) {
    /* Reconfiguring: the frames of chunks decoded before are still outputs of those decode()
     * calls (as in browsers): drain the old decoder first. Its errors do not concern the new one. */
    int was_failed = w->failed;
    receive_all(d, w, cmd->epoch);
    w->failed = was_failed;
  }
  dec_close_codec(d);
  if (!cfg->parsed) {
    wc_worker_post_error(w, cmd->epoch,
               wc_error_new("NotSupportedError", "VideoDecoderConfig.codec: \"%s\" is not a supported codec string",
                            cfg->codec));
    return;
  }
  memset(&p, 0, sizeof p);
  p.codec_kind = cfg->info.codec;
  p.extradata = cfg->extradata;
  p.extradata_size = cfg->extradata_size;
  p.coded_width = cfg->coded_width;
  p.coded_height = cfg->coded_height;
  p.low_delay = cfg->low_delay;
  p.threads = cfg->threads;
  /* H.264 starts strict and turns lenient for a window that starts at a recovery point (see dec_decode). */
  p.strict = cfg->info.codec == WC_CODEC_H264 || cfg->info.codec == WC_CODEC_HEVC;
  /* Under the fair default, VP9 and HEVC frame-threaded decoding run their threads at SCHED_BATCH
   * (same weight; a waking thread does not preempt): FFmpeg's frame threads wake each other per
   * frame. VP9 beside a CPU hog: preempting at each wake-up kept a median 0.85 of the CLI against
   * 0.91, alone 0.93 against 0.965 (7-8 alternated pairs); HEVC: alone 0.936-0.949 against
   * 0.967-1.019, beside the hog a median 0.93 against 0.96 (3 pairs, more alone before; bench/run.js
   * "decode 720p VP9"/"HEVC" and their contention cases, README Tuning). VP8, AV1 and H.264 gained
   * nothing; x264's realtime encode lost 20% beside the hog. Low delay keeps wake-up preemption.
   * The codec's threads inherit the policy when it opens them. */
  wc_sched_fair_batch(w->nice, (cfg->info.codec == WC_CODEC_VP9 || cfg->info.codec == WC_CODEC_HEVC) && !p.low_delay);
  if ((ret = wc_decoder_open(&p, &d->ctx, why, sizeof why)) < 0) {
    wc_worker_post_error(w, cmd->epoch,
               wc_error_new("NotSupportedError", "VideoDecoder.configure(\"%s\"): %s", cfg->codec, why));
    return;
  }
  atomic_store_explicit(&d->stats->threads, d->ctx->thread_count, memory_order_relaxed);
  /* kept for reopening: the decoder takes the description from the command */
  d->extradata = cfg->extradata;
  cfg->extradata = NULL;
  d->params = p;
  d->nal_length_size = wc_nal_length_size(p.codec_kind, p.extradata, (size_t)p.extradata_size);
}

/* Receives every frame available now; posts them. 0, AVERROR_EOF after draining, or an error (posted). */
static int receive_all(wc_decoder *d, wc_worker *w, uint32_t epoch) {
  for (;;) {
    AVFrame *f = av_frame_alloc();
    dec_output *o;
    int ret, fmt;
    if (!f) return AVERROR(ENOMEM);
    ret = avcodec_receive_frame(d->ctx, f);
    if (ret < 0) {
      av_frame_free(&f);
      if (ret == AVERROR(EAGAIN)) return 0;
      return ret;
    }
    if (d->ctx->codec_id == AV_CODEC_ID_VP9) {
      /* VP9's color_space field gives the matrix; primaries and transfer follow from it (as in Chrome).
       * Before the conversion below, which keeps them (an sRGB frame's planes become BT.709 YUV). */
      const AVPixFmtDescriptor *pd = av_pix_fmt_desc_get(f->format);
      int pri = f->color_primaries, trc = f->color_trc, spc = f->colorspace;
      wc_vp9_color_fill(&pri, &trc, &spc, pd ? pd->comp[0].depth : 8);
      f->color_primaries = pri;
      f->color_trc = trc;
      f->colorspace = spc;
    }
    fmt = wc_pixfmt_from_av(f->format);
    if (fmt < 0) {
      char why[128];
      int target = wc_pixfmt_convert_target(f->format);
      AVFrame *c = wc_decoder_convert_frame(&d->scaler, f, target, why, sizeof why);
      av_frame_free(&f);
      if (!c) {
        wc_worker_post_error(w, epoch, wc_error_new("EncodingError", "VideoDecoder: output frame: %s", why));
        return AVERROR_EXTERNAL;
      }
      f = c;
      fmt = target;
    }
    if (!(o = calloc(1, sizeof(*o)))) {
      av_frame_free(&f);
      return AVERROR(ENOMEM);
    }
    o->frame = f;
    o->format = fmt;
    {
      /* The pts of the chunk the picture came from. Not best_effort_timestamp: its heuristic
       * swaps in decode-order timestamps when chunk timestamps are not monotonic. */
      int64_t pts = f->pts != AV_NOPTS_VALUE ? f->pts : f->best_effort_timestamp;
      if (pts == AV_NOPTS_VALUE) pts = 0;
      f->pts = pts;
      o->duration = dur_take(d, pts);
    }
    atomic_fetch_add_explicit(&d->stats->outputs, 1, memory_order_relaxed);
    d->window_outputs++;
    wc_worker_post(w, WC_EV_OUTPUT, epoch, 0, o);
  }
}

static void report(wc_worker *w, uint32_t epoch, const char *what, int ret) {
  if (ret == AVERROR_EXTERNAL) return; /* already posted */
  wc_worker_post_error(w, epoch, wc_error_av("EncodingError", what, ret));
}

static void dec_decode(wc_decoder *d, wc_worker *w, wc_cmd *cmd) {
  AVPacket *pkt = cmd->payload;
  int64_t t0 = wc_now_ns();
  int ret;
  wc_worker_post_deferred(w, WC_EV_DEQUEUED, cmd->epoch, cmd->seq, NULL);
  atomic_fetch_add_explicit(&d->stats->inputs, 1, memory_order_relaxed);
  if (!d->ctx) return; /* configure failed: the error is on its way */
  {
    wc_chunk_facts facts;
    char why[256];
    facts.av1_reduced_still = d->av1_reduced_still;
    if (wc_chunk_check(d->params.codec_kind, d->nal_length_size, pkt->data, (size_t)pkt->size, &facts, why,
                       sizeof why) < 0) {
      wc_worker_post_error(w, cmd->epoch,
                           wc_error_new("EncodingError", "VideoDecoder.decode: the chunk at timestamp %lld cannot be decoded: %s",
                                        (long long)pkt->pts, why));
      return;
    }
    d->av1_reduced_still = facts.av1_reduced_still;
    if (d->window_open) {
      d->window_open = 0;
      /* An H.264 window that starts at a recovery point (an I slice, no IDR: open-GOP random access) has
       * leading pictures whose references precede it; with AV_EF_EXPLODE their memory management
       * commands fail ("mmco: unref short failure") and the whole stream would. Such a window decodes
       * lenient, as browsers do; one that starts at an IDR strict. The decoder is empty here. */
      if (d->params.codec_kind == WC_CODEC_H264 && facts.idr != d->params.strict &&
          (ret = dec_reopen(d, facts.idr, why, sizeof why)) < 0) {
        wc_worker_post_error(w, cmd->epoch, wc_error_new("EncodingError", "VideoDecoder.decode: %s", why));
        return;
      }
    }
    if (facts.shows) d->window_shown++;
  }
  dur_put(d, pkt->pts, pkt->opaque ? pkt->duration : -1);
  while ((ret = avcodec_send_packet(d->ctx, pkt)) == AVERROR(EAGAIN)) {
    if ((ret = receive_all(d, w, cmd->epoch)) < 0) break;
  }
  if (ret < 0 && ret != AVERROR_EOF) {
    report(w, cmd->epoch, "avcodec_send_packet", ret);
  } else if ((ret = receive_all(d, w, cmd->epoch)) < 0 && ret != AVERROR_EOF) {
    report(w, cmd->epoch, "avcodec_receive_frame", ret);
  }
  wc_stats_time(d->stats, wc_now_ns() - t0);
}

static void dec_flush(wc_decoder *d, wc_worker *w, wc_cmd *cmd) {
  int ret;
  if (d->ctx) {
    ret = avcodec_send_packet(d->ctx, NULL);
    if (ret < 0 && ret != AVERROR_EOF) {
      report(w, cmd->epoch, "avcodec_send_packet(flush)", ret);
      return;
    }
    ret = receive_all(d, w, cmd->epoch);
    if (ret < 0 && ret != AVERROR_EOF) {
      report(w, cmd->epoch, "avcodec_receive_frame(flush)", ret);
      return;
    }
    /* Drained: only now can "no picture at all" be judged (decoders may hold frames until here). */
    if (d->window_shown > 0 && d->window_outputs == 0) {
      wc_worker_post_error(w, cmd->epoch,
                           wc_error_new("EncodingError",
                                        "VideoDecoder.flush: %lld chunk%s holding pictures decoded since configure() or "
                                        "the last flush() gave no frame: the data cannot be decoded",
                                        (long long)d->window_shown, d->window_shown == 1 ? "" : "s"));
      return;
    }
    window_reset(d);
    /* Drained: make the decoder accept new input (the next chunk must be a key chunk). */
    avcodec_flush_buffers(d->ctx);
    memset(d->durs, 0, sizeof d->durs);
  }
  wc_worker_post(w, WC_EV_FLUSHED, cmd->epoch, cmd->seq, NULL);
}

static void dec_run(void *impl, wc_worker *w, wc_cmd *cmd) {
  wc_decoder *d = impl;
  switch (cmd->type) {
    case WC_CMD_CONFIGURE: dec_configure(d, w, cmd); break;
    case WC_CMD_DECODE: dec_decode(d, w, cmd); break;
    case WC_CMD_FLUSH: dec_flush(d, w, cmd); break;
    case WC_CMD_RESET: dec_close_codec(d); break;
    default: break;
  }
}

static void dec_teardown(void *impl) { dec_close_codec(impl); }

static void dec_impl_free(void *impl) {
  wc_decoder *d = impl;
  if (!d) return;
  dec_close_codec(d);
  free(d);
}

static const wc_worker_ops dec_ops = {dec_run, dec_teardown, free_cmd_payload, free_event_payload};

/* ---------------------------------------------------------------- JS side */

/* Scratch layout for an output frame (lib/video-decoder.js reads the same indices). */
enum {
  S_FORMAT = 0,
  S_CODED_W,
  S_CODED_H,
  S_VIS_X,
  S_VIS_Y,
  S_VIS_W,
  S_VIS_H,
  S_SAR_NUM,
  S_SAR_DEN,
  S_TIMESTAMP,
  S_DURATION,
  S_PRIMARIES,
  S_TRANSFER,
  S_MATRIX,
  S_FULL_RANGE,
  S_COLOR_KNOWN,
};

static int dec_output_js(napi_env env, wc_codec *c, wc_event *ev, napi_value *arg) {
  dec_output *o = ev->payload;
  AVFrame *f = o->frame;
  double *s = wc_env_get(env)->scratch;
  wc_rect vis = wc_decoded_visible_rect(f, o->format);
  int pi = wc_primaries_index(f->color_primaries), ti = wc_transfer_index(f->color_trc),
      mi = wc_matrix_index(f->colorspace);
  s[S_FORMAT] = o->format;
  s[S_CODED_W] = f->width;
  s[S_CODED_H] = f->height;
  s[S_VIS_X] = vis.x;
  s[S_VIS_Y] = vis.y;
  s[S_VIS_W] = vis.width;
  s[S_VIS_H] = vis.height;
  s[S_SAR_NUM] = f->sample_aspect_ratio.num > 0 && f->sample_aspect_ratio.den > 0 ? f->sample_aspect_ratio.num : 1;
  s[S_SAR_DEN] = f->sample_aspect_ratio.num > 0 && f->sample_aspect_ratio.den > 0 ? f->sample_aspect_ratio.den : 1;
  s[S_TIMESTAMP] = (double)f->pts;
  s[S_DURATION] = (double)o->duration;
  s[S_PRIMARIES] = pi;
  s[S_TRANSFER] = ti;
  s[S_MATRIX] = mi;
  s[S_FULL_RANGE] = f->color_range == AVCOL_RANGE_JPEG ? 1
                    : f->color_range == AVCOL_RANGE_MPEG ? 0
                                                          : -1;
  if (f->format == AV_PIX_FMT_YUVJ420P || f->format == AV_PIX_FMT_YUVJ422P || f->format == AV_PIX_FMT_YUVJ444P)
    s[S_FULL_RANGE] = 1;
  /* Full range counts as a detected colour space (REC709's limited range would misstate the pixels);
   * limited alone does not: most FFmpeg decoders set it when the stream says nothing. */
  s[S_COLOR_KNOWN] = f->color_primaries != AVCOL_PRI_UNSPECIFIED || f->color_trc != AVCOL_TRC_UNSPECIFIED ||
                     f->colorspace != AVCOL_SPC_UNSPECIFIED || s[S_FULL_RANGE] == 1;
  o->frame = NULL; /* the handle takes it */
  *arg = wc_frame_new_handle(env, f, o->format, 0, c->stats);
  return *arg ? 0 : -1;
}

static const wc_codec_class dec_class = {"VideoDecoder", &dec_ops, dec_output_js, dec_impl_free};

/* decoderCreate(owner, nice) -> handle */
static napi_value js_create(napi_env env, napi_callback_info info) {
  napi_value argv[2], h;
  wc_decoder *d;
  int32_t nice;
  wc_codec *c;
  if (wc_args(env, info, 2, argv, NULL) < 0 || wc_get_int32(env, argv[1], "nice", &nice) < 0) return NULL;
  if (!(d = calloc(1, sizeof(*d)))) {
    napi_throw_error(env, NULL, "webcodecs-native: out of memory");
    return NULL;
  }
  if (!(h = wc_codec_create(env, argv[0], &dec_class, d, nice, &c))) return NULL;
  d->stats = c->stats;
  return h;
}

/*
 * decoderConfigure(h, {codec, description, codedWidth, codedHeight, lowDelay, threads}) -> seq
 * codedWidth/codedHeight are 0 when absent; description null when absent.
 */
static napi_value js_configure(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  wc_codec *c;
  dec_config *cfg;
  uint8_t *desc;
  size_t desc_len;
  int32_t cw, ch, threads;
  int low_delay;
  if (wc_args(env, info, 2, argv, NULL) < 0 || !(c = wc_codec_from(env, argv[0]))) return NULL;
  if (!(cfg = calloc(1, sizeof(*cfg)))) {
    napi_throw_error(env, NULL, "webcodecs-native: out of memory");
    return NULL;
  }
  if (wc_prop_string(env, argv[1], "codec", cfg->codec, sizeof cfg->codec) < 0 ||
      wc_prop_bytes_opt(env, argv[1], "description", &desc, &desc_len) < 0 ||
      wc_prop_int32(env, argv[1], "codedWidth", &cw) < 0 || wc_prop_int32(env, argv[1], "codedHeight", &ch) < 0 ||
      wc_prop_bool(env, argv[1], "lowDelay", &low_delay) < 0 ||
      wc_prop_int32(env, argv[1], "threads", &threads) < 0) {
    dec_config_free(cfg);
    return NULL;
  }
  cfg->parsed = wc_codec_parse(cfg->codec, strlen(cfg->codec), &cfg->info) == 0;
  if (desc_len > (1u << 24)) desc_len = 0; /* an absurd description cannot be valid; the decoder will say so */
  if (desc_len) {
    if (!(cfg->extradata = av_malloc(desc_len))) {
      dec_config_free(cfg);
      napi_throw_error(env, NULL, "webcodecs-native: out of memory");
      return NULL;
    }
    memcpy(cfg->extradata, desc, desc_len);
    cfg->extradata_size = (int)desc_len;
  }
  cfg->coded_width = cw;
  cfg->coded_height = ch;
  cfg->low_delay = low_delay;
  cfg->threads = threads < 0 ? 0 : threads;
  return wc_codec_send(env, c, WC_CMD_CONFIGURE, cfg);
}

/* decoderDecode(h, data, timestamp, duration (-1: none), key) -> seq */
static napi_value js_decode(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  wc_codec *c;
  uint8_t *data;
  size_t len;
  int64_t ts, dur;
  int key;
  AVPacket *pkt;
  if (wc_args(env, info, 5, argv, NULL) < 0 || !(c = wc_codec_from(env, argv[0])) ||
      wc_get_bytes(env, argv[1], "data", &data, &len) < 0 || wc_get_int64(env, argv[2], "timestamp", &ts) < 0 ||
      wc_get_int64(env, argv[3], "duration", &dur) < 0 || wc_get_bool(env, argv[4], "key", &key) < 0)
    return NULL;
  if (len > INT32_MAX - AV_INPUT_BUFFER_PADDING_SIZE) {
    wc_throw_type(env, "EncodedVideoChunk: %zu bytes is too large", len);
    return NULL;
  }
  /* JS memory never crosses to the worker: the bytes are copied into a padded packet here. */
  if (!(pkt = av_packet_alloc()) || av_new_packet(pkt, (int)len) < 0) {
    av_packet_free(&pkt);
    napi_throw_range_error(env, NULL, "VideoDecoder.decode: out of memory");
    return NULL;
  }
  if (len) memcpy(pkt->data, data, len);
  pkt->pts = ts; /* no dts: chunks carry presentation timestamps only */
  pkt->duration = dur >= 0 ? dur : 0;
  pkt->opaque = dur >= 0 ? (void *)(intptr_t)1 : NULL; /* the chunk has a duration (0 included) */
  if (key) pkt->flags |= AV_PKT_FLAG_KEY;
  return wc_codec_send(env, c, WC_CMD_DECODE, pkt);
}

napi_status wc_decoder_init(napi_env env, napi_value exports) {
  napi_status s;
  if ((s = wc_export(env, exports, "decoderCreate", js_create)) != napi_ok) return s;
  if ((s = wc_export(env, exports, "decoderConfigure", js_configure)) != napi_ok) return s;
  return wc_export(env, exports, "decoderDecode", js_decode);
}
