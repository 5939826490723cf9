/*
 * decoder.h - opening a libavcodec decoder for a parsed VideoDecoderConfig,
 * shared by the decoder (on its worker) and isConfigSupported (on the thread pool).
 */
#ifndef WC_DECODER_H
#define WC_DECODER_H

#include <stddef.h>
#include <stdint.h>

#include "wc/video/pixfmt.h"

struct AVCodecContext;
struct AVFrame;

/* Frames of at most this many pixels (320x240) decode on one thread by default (decoder_engine.c). */
#define WC_DECODER_SMALL_AREA (320 * 240)
struct wc_scaler;

typedef struct wc_decoder_params {
  int codec_kind; /* enum wc_codec_kind */
  const uint8_t *extradata;
  int extradata_size;
  int coded_width, coded_height; /* 0: unknown */
  int low_delay;
  int threads; /* 0: automatic (one thread for frames of at most WC_DECODER_SMALL_AREA pixels) */
  int strict; /* report bitstream errors (AV_EF_EXPLODE) instead of concealing them */
  int64_t max_pixels; /* largest frame to allocate, in pixels (0: FFmpeg's default, INT_MAX; the fuzzer bounds it) */
} wc_decoder_params;

/* 0 and *out set, or a negative AVERROR with a reason in why. Any thread. */
int wc_decoder_open(const wc_decoder_params *p, struct AVCodecContext **out, char *why, size_t whylen);

/*
 * The visibleRect of a decoded frame in VideoPixelFormat `fmt` (enum wc_pixfmt):
 * its coded size less FFmpeg's cropping (ignored when it is out of range), with
 * the offset moved down onto the chroma sample grid so that the frame's default
 * copyTo() is valid. The frame must have a positive size.
 */
wc_rect wc_decoded_visible_rect(const struct AVFrame *f, int fmt);

/*
 * Converts a frame whose format has no VideoPixelFormat into format `target`
 * (enum wc_pixfmt), keeping timing, colour (YUV: matrix and range as they are; RGB: converted with
 * BT.709 at full range, and tagged so) and cropping. sc holds the conversions, keyed on everything they
 * depend on (the caller owns it: wc_scaler_clear). NULL with a reason on failure.
 */
struct AVFrame *wc_decoder_convert_frame(struct wc_scaler *sc, const struct AVFrame *in, int target, char *why,
                                         size_t whylen);

#endif
