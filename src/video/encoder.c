/*
 * encoder.c - VideoEncoder's engine: frames are converted (crop, scale, pixel
 * format, RGB -> YUV), encoded with libavcodec's send/receive API and packaged
 * as the codec registrations describe (avcC/hvcC + length-prefixed NAL units, or
 * Annex B; av1C; no temporal delimiters), all on the worker thread.
 *
 * Threads: everything here runs on the worker (the Node-API glue is encoder_js.c),
 * which alone owns the AVCodecContext and the scalers (e->scaler). A frame whose pixels live in a JS
 * ArrayBuffer (VideoFrame built with `transfer`) is kept alive by a napi_ref
 * until the worker has copied it; the worker hands the reference back with
 * wc_codec_release_later (deleted on the JS thread).
 *
 * The encoder opens lazily at the first frame (its colour space and format decide
 * the encoder's input format and the bitstream's colour tags), and again after a
 * flush when the encoder cannot resume after draining.
 */
#define _POSIX_C_SOURCE 200809L
#include "wc/video/encoder.h"
#include "wc/video/encoder_internal.h"

#include <libavutil/cpu.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "wc/formats/bitstream.h"
#include "wc/engine/codec.h"
#include "wc/video/colorspace.h"
#include "wc/engine/errors.h"
#include "wc/video/frame_copy.h"
#include "wc/video/pixfmt.h"
#include "wc/video/scaler.h"


/* ---------------------------------------------------------------- payloads */

void wc_enc_input_free(enc_input *in) {
  if (!in) return;
  av_frame_free(&in->frame);
  if (in->keep) wc_codec_release_later(in->codec, in->keep);
  free(in);
}

static void enc_output_free(enc_output *o) {
  if (!o) return;
  av_free(o->data);
  av_free(o->alpha);
  av_free(o->description);
  free(o);
}

static void free_cmd_payload(int type, void *p) {
  if (type == WC_CMD_CONFIGURE)
    free(p);
  else if (type == WC_CMD_ENCODE)
    wc_enc_input_free(p);
}

static void free_event_payload(int type, void *p) {
  if (type == WC_EV_OUTPUT)
    enc_output_free(p);
  else if (type == WC_EV_ERROR)
    wc_error_free(p);
}

/* ---------------------------------------------------------------- worker side */


static void enc_close_codec(wc_encoder *e) {
  avcodec_free_context(&e->ctx);
  wc_scaler_clear(&e->scaler);
}

static void enc_forget_config(wc_encoder *e) {
  enc_close_codec(e);
  av_freep(&e->description);
  e->description_size = 0;
  e->codec_string[0] = 0;
  e->have_cfg = 0;
  e->src_fmt = -1;
  e->frame_count = 0;
  e->layer_index = 0;
  e->force_key = 0;
  e->open_quantizer = -1;
  e->next_pts = 0;
  memset(e->times, 0, sizeof e->times);
}

static void time_put(wc_encoder *e, int64_t pts, int64_t timestamp, int64_t duration, int layer) {
  time_slot *s = &e->times[e->time_next];
  e->time_next = (e->time_next + 1) % TIME_SLOTS;
  *s = (time_slot){pts, timestamp, duration, layer, 1};
}

static int time_take(wc_encoder *e, int64_t pts, int64_t *timestamp, int64_t *duration, int *layer) {
  for (int i = 1; i <= TIME_SLOTS; i++) {
    time_slot *s = &e->times[(e->time_next - i + TIME_SLOTS) % TIME_SLOTS];
    if (s->used && s->pts == pts) {
      s->used = 0;
      *timestamp = s->timestamp;
      *duration = s->duration;
      *layer = s->layer;
      return 0;
    }
  }
  return -1;
}

/* Colour tags for the bitstream, from the first frame: YUV keeps its colour space;
 * RGB is converted with BT.709 (HD) or BT.601 (SD), limited range, and tagged so. */
static void choose_colors(wc_encoder *e, const enc_input *in) {
  const wc_pixfmt_desc *d = wc_pixfmt_get(in->fmt);
  if (d->rgb) {
    int hd = e->cfg.height >= 720;
    e->color[0] = hd ? AVCOL_PRI_BT709 : AVCOL_PRI_SMPTE170M;
    e->color[1] = hd ? AVCOL_TRC_BT709 : AVCOL_TRC_SMPTE170M;
    e->color[2] = hd ? AVCOL_SPC_BT709 : AVCOL_SPC_SMPTE170M;
    e->color[3] = 0;
  } else {
    e->color[0] = wc_primaries_av(in->color[0]);
    e->color[1] = wc_transfer_av(in->color[1]);
    e->color[2] = wc_matrix_av(in->color[2]);
    e->color[3] = in->color[3] == 1;
  }
}

static int enc_open(wc_encoder *e, const enc_input *in, char *why, size_t whylen) {
  AVDictionary *opts = NULL;
  int ret;
  enc_close_codec(e);
  e->open_quantizer = e->cfg.bitrate_mode == WC_BITRATE_QUANTIZER ? in->quantizer : -1;
  if (e->src_fmt < 0) {
    e->src_fmt = in->fmt;
    choose_colors(e, in);
  }
  if (wc_enc_choose(&e->cfg, e->src_fmt, &e->choice, why, whylen) < 0) return AVERROR(ENOSYS);
  if (!(e->ctx = avcodec_alloc_context3(e->choice.codec))) return AVERROR(ENOMEM);
  e->ctx->color_primaries = e->color[0];
  e->ctx->color_trc = e->color[1];
  e->ctx->colorspace = e->color[2];
  e->ctx->color_range = e->color[3] ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG;
  if (wc_enc_setup(e->ctx, &e->choice, &e->cfg, e->open_quantizer, &opts, why, whylen) < 0) {
    av_dict_free(&opts);
    return AVERROR(EINVAL);
  }
  e->frame_count = 0;
  ret = avcodec_open2(e->ctx, e->choice.codec, &opts);
  if (ret < 0) {
    char msg[128];
    av_dict_free(&opts);
    wc_averror_str(ret, msg, sizeof msg);
    snprintf(why, whylen, "%s could not be opened: %s", e->choice.codec->name, msg);
    return ret;
  }
  ret = wc_enc_options_left(e->ctx, opts, why, whylen);
  av_dict_free(&opts);
  return ret < 0 ? AVERROR(EINVAL) : 0;
}

/*
 * The colour conversion a frame needs into the stream: the encoder's input is YUV with the
 * stream's matrix and range (e->color, from the first frame). A YUV frame with another matrix or
 * range is converted into them (a frame without them is taken to be in the stream's); RGB is
 * converted with the stream's matrix. Primaries and transfer are tags only: not converted.
 */
static void frame_colors(const wc_encoder *e, const enc_input *in, int dst_h, wc_scale_key *k) {
  const wc_pixfmt_desc *sd = wc_pixfmt_get(in->fmt);
  int stream_matrix = e->color[2];
  k->dst_cs = wc_sws_colorspace(stream_matrix, dst_h);
  k->dst_range = e->color[3];
  if (sd->rgb) {
    k->src_cs = SWS_CS_DEFAULT; /* not read for RGB */
    k->src_range = 1;
    return;
  }
  {
    int m = in->color[2] >= 0 ? wc_matrix_av(in->color[2]) : stream_matrix;
    /* the same matrix gets the same coefficients, even where an unspecified one is guessed from the height */
    k->src_cs = m == stream_matrix ? k->dst_cs : wc_sws_colorspace(m, (int)in->visible.height);
    k->src_range = in->color[3] >= 0 ? in->color[3] : e->color[3];
  }
}

/* The frame the encoder is fed: cropped to the visible rectangle, scaled to the
 * configured size, in the encoder's pixel format and the stream's colour space. A ref
 * of the input when nothing needs doing (and the pixels are not borrowed from JS).
 * The conversion is looked up by everything it depends on (e->scaler), so frames may
 * change size, format and colour space from one to the next. */
static AVFrame *prepare_frame(wc_encoder *e, enc_input *in, char *why, size_t whylen) {
  const wc_pixfmt_desc *sd = wc_pixfmt_get(in->fmt);
  AVFrame *src = in->frame, *view = NULL, *out = NULL;
  int w = e->cfg.width, h = e->cfg.height;
  int src_av = sd->av != -1 ? sd->av : sd->av_opaque;
  int keep_alpha = e->choice.alpha && sd->alpha && sd->av != -1;
  int need_alpha_drop = sd->alpha && !keep_alpha;
  AVFrame *padded = NULL;
  wc_scale_key key;
  int ret;
  if (in->borrowed) {
    /* a caller's buffer has no padding for swscale's and the encoders' readers */
    if (!(padded = wc_frame_padded_copy(src, in->fmt))) goto oom;
    src = padded;
  }
  view = av_frame_clone(src);
  av_frame_free(&padded);
  if (!view) goto oom;
  for (int p = 0; p < sd->planes; p++)
    view->data[p] += (ptrdiff_t)(in->visible.y / (uint32_t)sd->sub_h[p]) * view->linesize[p] +
                     (ptrdiff_t)(in->visible.x / (uint32_t)sd->sub_w[p]) * sd->sample_bytes[p];
  view->width = (int)in->visible.width;
  view->height = (int)in->visible.height;
  view->format = need_alpha_drop ? sd->av_opaque : src_av;
  view->crop_left = view->crop_right = view->crop_top = view->crop_bottom = 0;
  memset(&key, 0, sizeof key);
  key.src_fmt = view->format;
  key.src_w = view->width;
  key.src_h = view->height;
  key.dst_fmt = e->choice.pix_fmt;
  key.dst_w = w;
  key.dst_h = h;
  frame_colors(e, in, h, &key);
  key.flags = SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP;
  key.threads = e->cfg.threads > 0 ? e->cfg.threads : av_cpu_count();
  if (key.src_fmt == key.dst_fmt && key.src_w == w && key.src_h == h && key.src_cs == key.dst_cs &&
      key.src_range == key.dst_range)
    return view; /* ours: no copy */
  if (!(out = av_frame_alloc())) goto oom;
  out->format = e->choice.pix_fmt;
  out->width = w;
  out->height = h;
  if (av_frame_get_buffer(out, 0) < 0) goto oom;
  if ((ret = wc_scaler_convert(&e->scaler, &key, out, view)) < 0) {
    if (ret == AVERROR(ENOMEM)) goto oom;
    goto fail_convert;
  }
  av_frame_free(&view);
  return out;
oom:
  snprintf(why, whylen, "out of memory");
  av_frame_free(&view);
  av_frame_free(&out);
  return NULL;
fail_convert:
  snprintf(why, whylen, "cannot convert %s %dx%d to %s %dx%d", sd->name, view->width, view->height,
           av_get_pix_fmt_name(e->choice.pix_fmt), w, h);
  av_frame_free(&view);
  av_frame_free(&out);
  return NULL;
}

/* ---- output packaging */

static const char hex[] = "0123456789abcdef";

static unsigned reverse32(uint32_t v) {
  unsigned r = 0;
  for (int i = 0; i < 32; i++) r |= ((v >> i) & 1u) << (31 - i);
  return r;
}

/* VP9 level (x10) from the picture size and luma sample rate (VP9 levels table). */
static int vp9_level(int w, int h, double fps) {
  static const struct {
    int level;
    double rate, size;
  } t[] = {{10, 829440, 36864},          {11, 2764800, 73728},          {20, 4608000, 122880},
           {21, 9216000, 245760},        {30, 20736000, 552960},        {31, 36864000, 983040},
           {40, 83558400, 2228224},      {41, 160432128, 2228224},      {50, 311951360, 8912896},
           {51, 588251136, 8912896},     {52, 1176502272, 8912896},     {60, 1176502272, 35651584},
           {61, 2353004544.0, 35651584}, {62, 4706009088.0, 35651584}};
  double size = (double)w * h, rate = size * (fps > 0 ? fps : 30);
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    if (size <= t[i].size && rate <= t[i].rate) return t[i].level;
  return 62;
}

/* A colour code point for a VP9/AV1 long-form codec string: ISO/IEC 23091-2 values are
 * FFmpeg's; one the strings cannot carry becomes 2 (unspecified). */
static int code_point(int v, int max) { return v >= 0 && v <= max ? v : 2; }

/*
 * VP9 and AV1 codec strings in short form imply 4:2:0 (the optional fields' defaults in the VP9
 * and AV1 ISO media bindings), so a 4:2:2 or 4:4:4 stream is described in the long form, with the
 * stream's colour tags; 4:2:0 streams keep the short form.
 */
static void long_form_colors(const wc_encoder *e, wc_codec_info *o, int want) {
  o->color_primaries = o->transfer = o->matrix = o->full_range = -1;
  if (!want) return;
  o->color_primaries = code_point(e->color[0], 22);
  o->transfer = code_point(e->color[1], 18);
  o->matrix = code_point(e->color[2], 14);
  o->full_range = e->color[3] != 0;
}

/* Formats o; the long form only if it reads back as a valid string, else the short one. */
static void format_checked(wc_codec_info *o, char *buf, size_t n) {
  wc_codec_info back;
  if (o->color_primaries >= 0 && wc_codec_format(o, buf, n) > 0 && wc_codec_parse(buf, strlen(buf), &back) == 0) return;
  o->color_primaries = -1;
  if (wc_codec_format(o, buf, n) < 0) buf[0] = 0;
}

/* Builds the description and canonical codec string of the output (from extradata or the first key packet). */
static void describe_output(wc_encoder *e, const uint8_t *pkt, size_t pkt_size) {
  const wc_codec_info *ci = &e->cfg.info;
  const uint8_t *src = e->ctx->extradata_size > 0 ? e->ctx->extradata : pkt;
  size_t src_size = e->ctx->extradata_size > 0 ? (size_t)e->ctx->extradata_size : pkt_size;
  size_t cap = src_size * 2 + 64;
  int64_t n;
  av_freep(&e->description);
  e->description_size = 0;
  switch (ci->codec) {
    case WC_CODEC_H264: {
      wc_nal nals[64];
      int k = wc_annexb_split(src, src_size, nals, 64);
      for (int i = 0; i < k; i++) {
        if (wc_nal_type(0, &nals[i]) == 7 && nals[i].size >= 4) {
          snprintf(e->codec_string, sizeof e->codec_string, "%s.%c%c%c%c%c%c", ci->in_band ? "avc3" : "avc1",
                   hex[nals[i].data[1] >> 4], hex[nals[i].data[1] & 15], hex[nals[i].data[2] >> 4],
                   hex[nals[i].data[2] & 15], hex[nals[i].data[3] >> 4], hex[nals[i].data[3] & 15]);
          break;
        }
      }
      if (!e->cfg.annexb && (e->description = av_malloc(cap)) &&
          (n = wc_build_avcc(src, src_size, e->description, cap)) > 0)
        e->description_size = (size_t)n;
      break;
    }
    case WC_CODEC_HEVC: {
      wc_hevc_sps_info s;
      int64_t m = -1;
      if ((e->description = av_malloc(cap))) m = wc_build_hvcc(src, src_size, e->description, cap, &s);
      if (m > 0) {
        wc_codec_info out = *ci;
        out.profile_space = s.profile_space;
        out.profile = s.profile_idc;
        out.compat_flags = reverse32(s.compat_flags);
        out.tier = s.tier;
        out.level = s.level_idc;
        memcpy(out.constraint_bytes, s.constraint, 6);
        out.n_constraint_bytes = 6;
        wc_codec_format(&out, e->codec_string, sizeof e->codec_string);
        if (!e->cfg.annexb) e->description_size = (size_t)m;
      }
      if (!e->description_size) av_freep(&e->description);
      break;
    }
    case WC_CODEC_VP8: snprintf(e->codec_string, sizeof e->codec_string, "vp8"); break;
    case WC_CODEC_VP9: {
      const AVPixFmtDescriptor *pd = av_pix_fmt_desc_get(e->choice.pix_fmt);
      wc_codec_info out = *ci;
      int sub = pd && pd->log2_chroma_w == 1 && pd->log2_chroma_h == 1;
      out.bit_depth = pd ? pd->comp[0].depth : 8;
      out.profile = (out.bit_depth > 8 ? 2 : 0) + !sub;
      out.level = vp9_level(e->cfg.width, e->cfg.height, e->cfg.framerate);
      out.chroma = sub ? WC_CHROMA_420 : pd && pd->log2_chroma_w == 1 ? WC_CHROMA_422 : WC_CHROMA_444;
      long_form_colors(e, &out, !sub);
      format_checked(&out, e->codec_string, sizeof e->codec_string);
      break;
    }
    case WC_CODEC_AV1: {
      wc_av1_seq_info s;
      if (wc_av1_find_sequence_header(src, src_size, &s) == 0 ||
          (src != pkt && wc_av1_find_sequence_header(pkt, pkt_size, &s) == 0)) {
        wc_codec_info out = *ci;
        int sub = s.subsampling_x && s.subsampling_y;
        out.profile = s.profile;
        out.level = s.level;
        out.tier = s.tier;
        out.bit_depth = s.bit_depth;
        out.chroma = s.monochrome ? WC_CHROMA_400 : sub ? WC_CHROMA_420 : s.subsampling_x ? WC_CHROMA_422 : WC_CHROMA_444;
        out.chroma_sample_position = sub ? s.chroma_sample_position : 0;
        long_form_colors(e, &out, !sub && !s.monochrome);
        format_checked(&out, e->codec_string, sizeof e->codec_string);
        if ((e->description = av_malloc(s.obu_size + 16)) &&
            (n = wc_build_av1c(&s, e->description, s.obu_size + 16)) > 0)
          e->description_size = (size_t)n;
        else
          av_freep(&e->description);
      }
      break;
    }
    default: break;
  }
  if (!e->codec_string[0]) snprintf(e->codec_string, sizeof e->codec_string, "%s", e->cfg.codec);
}

/* Takes one packet: packages it and posts it. 0 or an error (posted). */
static int post_packet(wc_encoder *e, wc_worker *w, uint32_t epoch, AVPacket *pkt) {
  enc_output *o = calloc(1, sizeof(*o));
  int kind = e->cfg.info.codec;
  int64_t ts, dur;
  size_t side_size = 0;
  uint8_t *side;
  if (!o) return AVERROR(ENOMEM);
  if (time_take(e, pkt->pts, &ts, &dur, &o->layer) < 0) {
    /* not a frame we sent (no encoder here makes such packets): its place on our frame clock */
    ts = av_rescale_q(pkt->pts, e->ctx->time_base, (AVRational){1, 1000000});
    dur = -1;
    o->layer = -1;
  }
  o->timestamp = ts;
  o->duration = dur;
  o->key = (pkt->flags & AV_PKT_FLAG_KEY) != 0;
  if (e->config_pending && (o->key || !e->codec_string[0])) {
    describe_output(e, pkt->data, (size_t)pkt->size);
    o->has_config = 1;
    snprintf(o->codec, sizeof o->codec, "%s", e->codec_string);
    o->coded_width = e->cfg.width;
    o->coded_height = e->cfg.height;
    o->display_width = e->cfg.display_width;
    o->display_height = e->cfg.display_height;
    o->color[0] = wc_primaries_index(e->color[0]);
    o->color[1] = wc_transfer_index(e->color[1]);
    o->color[2] = wc_matrix_index(e->color[2]);
    o->color[3] = e->color[3];
    if (e->description_size && (o->description = av_malloc(e->description_size))) {
      memcpy(o->description, e->description, e->description_size);
      o->description_size = e->description_size;
    }
    e->config_pending = 0;
  }
  if ((kind == WC_CODEC_H264 || kind == WC_CODEC_HEVC) && !e->cfg.annexb) {
    size_t cap = (size_t)pkt->size + (size_t)pkt->size / 3 + 16;
    int64_t n;
    if (!(o->data = av_malloc(cap))) goto oom;
    n = wc_annexb_to_length_prefixed(kind == WC_CODEC_HEVC, pkt->data, (size_t)pkt->size, o->data, cap, 1);
    if (n < 0) {
      enc_output_free(o);
      wc_worker_post_error(w, epoch, wc_error_new("EncodingError", "VideoEncoder: the encoder produced an unparseable access unit"));
      return AVERROR_EXTERNAL;
    }
    o->size = (size_t)n;
  } else {
    if (!(o->data = av_malloc((size_t)pkt->size + 1))) goto oom;
    memcpy(o->data, pkt->data, (size_t)pkt->size);
    o->size = (size_t)pkt->size;
    if (kind == WC_CODEC_AV1) o->size = wc_av1_strip_temporal_delimiters(o->data, o->size);
  }
  side = av_packet_get_side_data(pkt, AV_PKT_DATA_MATROSKA_BLOCKADDITIONAL, &side_size);
  if (side && side_size > 8 && e->choice.alpha) {
    /* libvpx's alpha stream: 8 bytes of BlockAddID (1), then the alpha frame */
    if (!(o->alpha = av_malloc(side_size - 8))) goto oom;
    memcpy(o->alpha, side + 8, side_size - 8);
    o->alpha_size = side_size - 8;
  }
  atomic_fetch_add_explicit(&e->stats->outputs, 1, memory_order_relaxed);
  wc_worker_post(w, WC_EV_OUTPUT, epoch, 0, o);
  return 0;
oom:
  enc_output_free(o);
  return AVERROR(ENOMEM);
}

static int receive_all(wc_encoder *e, wc_worker *w, uint32_t epoch) {
  AVPacket *pkt = av_packet_alloc();
  int ret;
  if (!pkt) return AVERROR(ENOMEM);
  for (;;) {
    ret = avcodec_receive_packet(e->ctx, pkt);
    if (ret < 0) break;
    ret = post_packet(e, w, epoch, pkt);
    av_packet_unref(pkt);
    if (ret < 0) break;
  }
  av_packet_free(&pkt);
  return ret == AVERROR(EAGAIN) ? 0 : ret;
}

static void report(wc_worker *w, uint32_t epoch, const char *what, int ret) {
  if (ret == AVERROR_EXTERNAL) return;
  wc_worker_post_error(w, epoch, wc_error_av("EncodingError", what, ret));
}

static void enc_encode(wc_encoder *e, wc_worker *w, wc_cmd *cmd) {
  enc_input *in = cmd->payload;
  char why[256] = "";
  AVFrame *f = NULL;
  int64_t t0 = wc_now_ns(), pts, layer_pos = -1;
  int ret;
  atomic_fetch_add_explicit(&e->stats->inputs, 1, memory_order_relaxed);
  if (!e->have_cfg) {
    wc_worker_post_deferred(w, WC_EV_DEQUEUED, cmd->epoch, cmd->seq, NULL);
    return;
  }
  if (e->ctx && wc_enc_needs_reopen(&e->choice, &e->cfg, e->open_quantizer, in->quantizer, in->key)) {
    /* the running encoder cannot apply this frame's quantizer / key frame: drain it, start anew */
    if ((ret = avcodec_send_frame(e->ctx, NULL)) < 0 || ((ret = receive_all(e, w, cmd->epoch)) < 0 && ret != AVERROR_EOF)) {
      wc_worker_post_deferred(w, WC_EV_DEQUEUED, cmd->epoch, cmd->seq, NULL);
      report(w, cmd->epoch, "avcodec_receive_packet(drain)", ret);
      return;
    }
    enc_close_codec(e);
  }
  if (!e->ctx && (ret = enc_open(e, in, why, sizeof why)) < 0) {
    wc_worker_post_deferred(w, WC_EV_DEQUEUED, cmd->epoch, cmd->seq, NULL);
    wc_worker_post_error(w, cmd->epoch, wc_error_new(ret == AVERROR(ENOSYS) || ret == AVERROR(EINVAL) ? "NotSupportedError"
                                                                                          : "EncodingError",
                                           "VideoEncoder(\"%s\"): %s", e->cfg.codec, why));
    return;
  }
  f = prepare_frame(e, in, why, sizeof why);
  /* The pixels are ours now (copied if they were borrowed): JS may let go of them. */
  av_frame_free(&in->frame);
  if (in->keep) {
    wc_codec_release_later(in->codec, in->keep);
    in->keep = NULL;
  }
  wc_worker_post_deferred(w, WC_EV_DEQUEUED, cmd->epoch, cmd->seq, NULL);
  if (!f) {
    wc_worker_post_error(w, cmd->epoch, wc_error_new("EncodingError", "VideoEncoder: %s", why));
    return;
  }
  /* The encoder sees a constant frame rate: frame n is at n frame intervals on its clock
   * (wc_enc_setup, wc_enc_frame_ticks), so every rate control budgets bitrate / framerate per frame whatever the
   * timestamps are (1 us apart, gaps, duplicates, steps back). The frame's own timestamp and
   * duration are only labels: the chunk gets them back (time_take). */
  pts = e->next_pts;
  e->next_pts += wc_enc_frame_ticks(e->ctx);
  {
    /* An encoder's first frame is a key frame anyway: forcing it costs libaom (good usage) a second one. */
    int key = (in->key && e->frame_count > 0) || e->force_key;
    /* libvpx restarts its layering pattern at forced key frames */
    if (key || e->frame_count == 0) e->layer_index = 0;
    layer_pos = e->layer_index;
    time_put(e, pts, in->timestamp, in->duration, wc_enc_temporal_layer(&e->cfg, e->layer_index++));
    in->key = key;
    e->force_key = 0;
  }
  f->pts = pts;
#if LIBAVUTIL_VERSION_INT >= AV_VERSION_INT(57, 30, 100)
  f->duration = wc_enc_frame_ticks(e->ctx);
#else
  f->pkt_duration = wc_enc_frame_ticks(e->ctx);
#endif
  f->pict_type = AV_PICTURE_TYPE_NONE;
  f->color_primaries = e->color[0];
  f->color_trc = e->color[1];
  f->colorspace = e->color[2];
  f->color_range = e->color[3] ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG;
  wc_enc_frame_options(e->ctx, &e->choice, &e->cfg, f, in->key, in->quantizer, layer_pos);
  e->frame_count++;
  while ((ret = avcodec_send_frame(e->ctx, f)) == AVERROR(EAGAIN)) {
    if ((ret = receive_all(e, w, cmd->epoch)) < 0) break;
  }
  av_frame_free(&f);
  if (ret < 0)
    report(w, cmd->epoch, "avcodec_send_frame", ret);
  else if ((ret = receive_all(e, w, cmd->epoch)) < 0 && ret != AVERROR_EOF)
    report(w, cmd->epoch, "avcodec_receive_packet", ret);
  wc_stats_time(e->stats, wc_now_ns() - t0);
}

static void enc_flush(wc_encoder *e, wc_worker *w, wc_cmd *cmd) {
  int ret;
  if (e->ctx) {
    ret = avcodec_send_frame(e->ctx, NULL);
    if (ret < 0 && ret != AVERROR_EOF) {
      report(w, cmd->epoch, "avcodec_send_frame(flush)", ret);
      return;
    }
    ret = receive_all(e, w, cmd->epoch);
    if (ret < 0 && ret != AVERROR_EOF) {
      report(w, cmd->epoch, "avcodec_receive_packet(flush)", ret);
      return;
    }
    /* Keep encoding after the drain: flush the encoder, or reopen it at the next frame. */
    if (wc_enc_can_resume(e->ctx)) {
      avcodec_flush_buffers(e->ctx);
      e->force_key = 1; /* x264's flush drops its state: restart at a key frame, as a reopen would */
    } else {
      enc_close_codec(e);
    }
  }
  wc_worker_post(w, WC_EV_FLUSHED, cmd->epoch, cmd->seq, NULL);
}

static void enc_configure(wc_encoder *e, wc_worker *w, wc_cmd *cmd) {
  wc_enc_config *cfg = cmd->payload;
  wc_enc_choice ch;
  char why[256];
  if (e->ctx && avcodec_send_frame(e->ctx, NULL) >= 0) {
    /* Reconfiguring: frames encoded before still produce their chunks (as in browsers) */
    int was_failed = w->failed;
    receive_all(e, w, cmd->epoch);
    w->failed = was_failed;
  }
  enc_forget_config(e);
  if (!cfg->parsed) {
    wc_worker_post_error(w, cmd->epoch,
               wc_error_new("NotSupportedError", "VideoEncoderConfig.codec: \"%s\" is not a supported codec string",
                            cfg->codec));
    return;
  }
  /* "Check Configuration Support" as isConfigSupported() answers it: the encoder really opens with
   * this configuration (a level's frame-rate or size limits, say, refuse some), so an unsupported
   * one closes the encoder with NotSupportedError at configure, not at its first frame. On the
   * worker: the JS thread does not wait for it (1-80 ms at 1080p, libvpx the slowest). */
  if (wc_enc_choose(cfg, -1, &ch, why, sizeof why) < 0 || wc_enc_probe(cfg, why, sizeof why) < 0) {
    wc_worker_post_error(w, cmd->epoch, wc_error_new("NotSupportedError", "VideoEncoder.configure(\"%s\"): %s", cfg->codec, why));
    return;
  }
  e->cfg = *cfg;
  e->have_cfg = 1;
  e->config_pending = 1;
}

static void enc_run(void *impl, wc_worker *w, wc_cmd *cmd) {
  wc_encoder *e = impl;
  switch (cmd->type) {
    case WC_CMD_CONFIGURE: enc_configure(e, w, cmd); break;
    case WC_CMD_ENCODE: enc_encode(e, w, cmd); break;
    case WC_CMD_FLUSH: enc_flush(e, w, cmd); break;
    case WC_CMD_RESET: enc_forget_config(e); break;
    default: break;
  }
}

static void enc_teardown(void *impl) { enc_forget_config(impl); }

void wc_enc_impl_free(void *impl) {
  wc_encoder *e = impl;
  if (!e) return;
  enc_forget_config(e);
  free(e);
}

const wc_worker_ops wc_enc_ops = {enc_run, enc_teardown, free_cmd_payload, free_event_payload};

wc_encoder *wc_encoder_new(void) {
  wc_encoder *e = calloc(1, sizeof(*e));
  if (!e) return NULL;
  e->src_fmt = -1;
  e->open_quantizer = -1;
  return e;
}

