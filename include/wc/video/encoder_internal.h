/*
 * encoder_internal.h - what encoder.c (the worker side of VideoEncoder) and
 * encoder_js.c (its Node-API glue) share: the command and event payloads and the
 * encoder state. Not used elsewhere.
 */
#ifndef WC_ENCODER_INTERNAL_H
#define WC_ENCODER_INTERNAL_H

#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>

#include "wc/engine/codec.h"
#include "wc/video/encoder.h"
#include "wc/video/pixfmt.h"
#include "wc/video/scaler.h"

#define TIME_SLOTS 256

/* ENCODE payload */
typedef struct enc_input {
  AVFrame *frame;      /* our own reference to the VideoFrame's pixels */
  int fmt;             /* its VideoPixelFormat */
  int borrowed;        /* pixels in JS memory: copy before the DEQUEUED event */
  napi_ref keep;       /* keeps that memory alive; released through the codec */
  wc_codec *codec;
  int64_t timestamp, duration; /* duration -1: none */
  int key, quantizer;
  wc_rect visible;
  int color[4];        /* primaries, transfer, matrix indexes (-1 null); full range -1/0/1 */
} enc_input;

/* OUTPUT payload */
typedef struct enc_output {
  uint8_t *data;
  size_t size;
  int64_t timestamp, duration;
  int key, layer;
  uint8_t *alpha;
  size_t alpha_size;
  int has_config;
  char codec[96];
  int coded_width, coded_height, display_width, display_height;
  int color[4];
  uint8_t *description;
  size_t description_size;
} enc_output;

typedef struct time_slot {
  int64_t pts, timestamp, duration;
  int layer; /* temporal layer, -1 when single-layer */
  int used;
} time_slot;

typedef struct wc_encoder {
  AVCodecContext *ctx;
  wc_enc_choice choice;
  wc_enc_config cfg;
  int have_cfg;
  int src_fmt;           /* VideoPixelFormat of the first frame (decides the encoder input) */
  int color[4];          /* tags in the bitstream: AVCOL_PRI/TRC/SPC and range (0/1) */
  wc_scaler scaler;      /* input conversions, keyed on everything they depend on */
  int64_t next_pts;      /* the encoder's clock: frames sent since configure (one tick each) */
  int64_t frame_count;   /* frames sent since the encoder opened */
  int64_t layer_index;   /* position in the temporal layering pattern (restarts at forced key frames) */
  int open_quantizer;    /* the quantizer the encoder was opened with (quantizer mode), else -1 */
  int force_key;         /* the next frame must be a key frame (after a flush that kept the encoder) */
  time_slot times[TIME_SLOTS];
  int time_next;
  int config_pending;    /* attach decoderConfig to the next chunk */
  uint8_t *description;
  size_t description_size;
  char codec_string[96];
  wc_stats *stats;
} wc_encoder;

void wc_enc_input_free(enc_input *in);
void wc_enc_impl_free(void *impl);
wc_encoder *wc_encoder_new(void);
extern const wc_worker_ops wc_enc_ops;

#endif
