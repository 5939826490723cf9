/*
 * audio_encoder_internal.h - what the AudioEncoder worker (audio_encoder.c), its codec
 * back ends (audio_encoder_codecs.c) and its Node-API glue (audio_encoder_js.c) share:
 * command and event payloads and the encoder state. Not used elsewhere.
 */
#ifndef WC_AUDIO_ENCODER_INTERNAL_H
#define WC_AUDIO_ENCODER_INTERNAL_H

#include <libavcodec/avcodec.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libswresample/swresample.h>

#include "wc/audio/audio_encoder.h"
#include "wc/engine/codec.h"

/* ENCODE payload */
typedef struct aenc_input {
  AVFrame *frame;    /* our own reference to the AudioData's samples (format, rate, layout, nb_samples) */
  wc_codec *codec;
  int64_t timestamp; /* microseconds */
} aenc_input;

/* OUTPUT payload */
typedef struct aenc_output {
  uint8_t *data;
  size_t size;
  int64_t timestamp, duration;
  int has_config;    /* decoderConfig below describes this chunk (first after an open, or changed) */
  int fresh;         /* the first chunk after a configure(): JS forgets its [[active output config]] */
  char codec[64];
  int sample_rate, channels;
  uint8_t *description; /* NULL: none */
  size_t description_size;
} aenc_output;

/* The running encoder of one session (from its open to the next flush/reconfigure). */
typedef struct aenc_opus aenc_opus; /* libopus back end (audio_encoder_codecs.c) */

typedef struct wc_aenc {
  wc_aenc_config cfg;
  int have_cfg;
  /* the open encoder: exactly one of ctx / opus, or none */
  AVCodecContext *ctx;
  aenc_opus *opus;
  enum AVSampleFormat fmt; /* what the encoder takes */
  int rate;                /* the rate it runs at (cfg.sample_rate, or the nearest it takes) */
  AVChannelLayout layout;
  int frame_size;          /* samples per input frame; 0: any (PCM) */
  int small_last;          /* a short last frame is allowed (else it is padded with silence) */
  int64_t priming;         /* samples the encoder's output starts before its input */
  int hold_last;           /* keep the newest chunk back until the next (FLAC: the final STREAMINFO) */
  AVAudioFifo *fifo;       /* input in the encoder's format and rate, waiting for whole frames */
  /* The resampler (configured rate -> `rate`, in the encoder's format), keyed on its rates, format
   * and channels: one per session, so its phase never restarts inside a stream (a rebuilt resampler
   * rounds its output length anew each time and drifts). Sample formats are converted without
   * state (wc_audio_copy), whatever each AudioData's format. */
  SwrContext *rs;
  int rs_in_rate, rs_out_rate, rs_fmt, rs_channels;
  /* the timeline: microseconds of sample position p (at `rate`) are t0 + p * 1e6 / rate */
  int have_t0;
  int64_t t0;
  int64_t sent;            /* samples sent to the encoder, padding included */
  int64_t real;            /* of which input samples */
  int64_t out_pos;         /* sample position after the last chunk */
  int have_first_pts;
  int64_t first_pts;       /* pts of the session's first packet (minus the priming): position 0 */
  AVFrame *frame;          /* reused input frame of frame_size samples */
  AVPacket *pkt;
  aenc_output *held;       /* hold_last: the chunk waiting for its successor */
  int config_pending;      /* attach decoderConfig to the next chunk */
  int fresh_config;        /* the next chunk is the first of a new configure() */
  uint8_t *description;
  size_t description_size;
  wc_stats *stats;
} wc_aenc;

/* ---- back ends (audio_encoder_codecs.c) */

/* Opens the encoder of e->cfg for input in src_fmt (-1: unknown): fills ctx/opus, fmt, rate, layout,
 * frame_size, small_last, priming, hold_last and the description. 0, or an AVERROR with a reason
 * (AVERROR(ENOSYS)/AVERROR(EINVAL): not supported). */
int wc_aenc_open(wc_aenc *e, int src_fmt, char *why, size_t whylen);
void wc_aenc_close(wc_aenc *e);
/* libavcodec's send/receive contract for both back ends: send NULL to drain; receive gives
 * 0, AVERROR(EAGAIN) or AVERROR_EOF. */
int wc_aenc_send(wc_aenc *e, AVFrame *f);
int wc_aenc_receive(wc_aenc *e, AVPacket *pkt);
/* Builds e->description from the encoder's extradata (new_extradata: a STREAMINFO update from
 * the packet's side data, or NULL). Returns 1 when it changed. */
int wc_aenc_describe(wc_aenc *e, const uint8_t *new_extradata, size_t new_size);
/* ADTS header (7 bytes) for a raw AAC frame of payload bytes, from the AudioSpecificConfig. 0 or -1. */
int wc_aenc_adts_header(const wc_aenc *e, size_t payload, uint8_t out[7]);

/* ---- worker (audio_encoder.c) */
void wc_aenc_input_free(aenc_input *in);
void wc_aenc_impl_free(void *impl);
wc_aenc *wc_aenc_new(void);
extern const wc_worker_ops wc_aenc_ops;

#endif
