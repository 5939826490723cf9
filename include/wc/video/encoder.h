/*
 * encoder.h - VideoEncoder's engine: the configuration the JS layer hands over,
 * and the per-encoder choices (which libavcodec encoder, input pixel format,
 * options, per-frame key frames and quantizers) shared by the encoder worker and
 * isConfigSupported.
 */
#ifndef WC_ENCODER_H
#define WC_ENCODER_H

#include <libavcodec/avcodec.h>

#include "wc/formats/codec_string.h"

enum { WC_BITRATE_CONSTANT = 0, WC_BITRATE_VARIABLE = 1, WC_BITRATE_QUANTIZER = 2 };

typedef struct wc_enc_config {
  wc_codec_info info;
  int parsed;                 /* 0: the codec string is not one we can encode */
  char codec[96];
  int width, height;          /* encoded size */
  int display_width, display_height;
  int64_t bitrate;            /* bits per second; 0 when absent */
  double framerate;           /* 0 when absent, -1 when given as 0 or below (unsupported) */
  int bitrate_mode;           /* WC_BITRATE_* */
  int realtime;               /* latencyMode "realtime" */
  int alpha;                  /* alpha "keep" */
  int temporal_layers;        /* 1..3; 0: a scalability mode we do not implement */
  char scalability_mode[32];
  int annexb;                 /* avc/hevc "annexb" format */
  char content_hint[32];
  int threads;                /* 0: automatic */
} wc_enc_config;

typedef struct wc_enc_choice {
  const AVCodec *codec;
  enum AVPixelFormat pix_fmt;  /* what the encoder is fed */
  int alpha;                   /* the alpha plane is encoded (libvpx side stream) */
} wc_enc_choice;

/*
 * Picks the encoder and its input format for cfg. src_fmt is the VideoPixelFormat
 * of the first frame (or -1 when unknown, for isConfigSupported). Returns 0, or -1
 * with the reason (a NotSupportedError message).
 */
int wc_enc_choose(const wc_enc_config *cfg, int src_fmt, wc_enc_choice *out, char *why, size_t whylen);

/*
 * Sets the context and options for cfg before avcodec_open2. quantizer is the
 * stream's quantizer in "quantizer" mode, on the registration's scale (-1: a default). 0 or -1 with a reason.
 */
int wc_enc_setup(AVCodecContext *ctx, const wc_enc_choice *ch, const wc_enc_config *cfg, int quantizer,
                 AVDictionary **opts, char *why, size_t whylen);

/* 1 when quality mode runs libvpx/libaom at realtime-class speeds: frames larger than 1280x720 by
 * area, bitrate modes other than "quantizer" (encoder_params.c) */
int wc_enc_fast_quality(const wc_enc_config *cfg);

/* A quantizer on the registration's scale (AVC/HEVC 0-51; VP9/AV1 0-255, the quantizer index) on
 * the encoder's own (0-63 for libvpx, libaom, SVT-AV1). Negative: none, returned as it is. */
int wc_enc_native_quantizer(const wc_enc_config *cfg, int quantizer);

/* Per frame, before avcodec_send_frame: key frame request and quantizer (-1: none). */
void wc_enc_frame_options(AVCodecContext *ctx, const wc_enc_choice *ch, const wc_enc_config *cfg, AVFrame *f, int key,
                          int quantizer, int64_t layer_pos);

/*
 * Whether this encoder needs to be reopened (after draining) to honour a request
 * it cannot apply to a running encoder: a new per-frame quantizer (x265, AV1) or a
 * key frame (SVT-AV1 outside random-access CRF/CQP).
 */
int wc_enc_needs_reopen(const wc_enc_choice *ch, const wc_enc_config *cfg, int open_quantizer, int quantizer, int key);

/* Options avcodec_open2() left unconsumed (an option the wrapper does not have, so a setting that
 * silently does nothing): an error naming them when WEBCODECS_NATIVE_STRICT_OPTIONS is set (the
 * test suite sets it), else ignored, since a newer FFmpeg may drop an option. Any thread. */
int wc_enc_options_left(const AVCodecContext *ctx, const AVDictionary *left, char *why, size_t whylen);

/* The spacing of frames on the encoder's clock (ctx->time_base ticks per frame, from wc_enc_setup). */
int64_t wc_enc_frame_ticks(const AVCodecContext *ctx);

/* Whether encoding can continue after a drain (AV_CODEC_CAP_ENCODER_FLUSH), else the encoder is reopened. */
int wc_enc_can_resume(const AVCodecContext *ctx);

/* The temporal layer of the n-th frame of the layering pattern of cfg (n counts from the last key frame),
 * or -1 when single-layer. */
int wc_enc_temporal_layer(const wc_enc_config *cfg, int64_t n);

/* Opens and closes an encoder for cfg: isConfigSupported. 0 when supported, else -1 with a reason. Any thread. */
int wc_enc_probe(const wc_enc_config *cfg, char *why, size_t whylen);

#endif
