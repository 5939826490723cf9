/*
 * image_engine_internal.h - the state behind wc_image, shared by image_engine.c
 * (data, parsing, frame facts, output) and image_codecs.c (the decoders per format).
 */
#ifndef WC_IMAGE_ENGINE_INTERNAL_H
#define WC_IMAGE_ENGINE_INTERNAL_H

#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>

#include "wc/formats/image_bmp.h"
#include "wc/formats/image_gif.h"
#include "wc/formats/image_heif.h"
#include "wc/formats/image_jpeg.h"
#include "wc/formats/image_png.h"
#include "wc/formats/image_webp.h"
#include "wc/image/image_engine.h"
#include "wc/video/scaler.h"

struct wc_image {
  wc_image_opts o;
  uint8_t *buf;
  size_t len, cap;
  const uint8_t *borrowed; /* the whole data, the caller's (wc_image_adopt) */
  int complete;
  wc_png png;
  wc_jpeg jpeg;
  wc_gif gif;
  wc_webp webp;
  wc_bmp bmp;
  wc_heif heif;
  int parse_error;
  /* decoders */
  AVCodecContext *ctx;       /* the format's libavcodec decoder (AVIF: the colour image's) */
  AVCodecContext *actx;      /* AVIF alpha */
  uint32_t track;            /* the selected track (wc_image_select_track) */
  /* AVIF sequence decoding, colour [0] and alpha [1] on ctx/actx: the next sample to send and the
   * next whose picture comes out; dirty: the decoder was drained and must be flushed first */
  uint32_t seq_sent[2], seq_recv[2];
  int seq_dirty[2];
  uint32_t apng_next;        /* the APNG frame the apng decoder expects next */
  AVFrame *apng_last;        /* its last output (the composited canvas) */
  wc_gif_canvas gifc;
  int gifc_ready;
  uint8_t *wcanvas;          /* animated WebP canvas, RGBA */
  uint32_t webp_next;
  int webp_prev_dispose;
  uint32_t wpx, wpy, wpw, wph;
  struct SwsContext *sws;       /* RGB-family conversion to RGBA and desiredWidth/Height scaling */
  wc_scaler scaler;             /* other formats without a VideoPixelFormat (wc_decoder_convert_frame) */
  struct SwsContext *sws_frame; /* animated WebP frames to RGBA */
  /* ICC (image_icc.c): the profile libavcodec's png/mjpeg decoders found (frame side data), the lcms2
   * context and transform, and the profile bytes it was made for */
  uint8_t *icc_side;
  size_t icc_side_len;
  void *icc_ctx, *icc_xform;
  uint8_t *icc_key;
  size_t icc_key_len;
  int icc_bad;
  /* the last output, for a repeated decode() of the same frame */
  AVFrame *last;
  int last_valid;
  uint32_t last_index;
  wc_image_out last_out;
  /* running sum of frame durations: timestamp of frame ts_index */
  uint32_t ts_index;
  int64_t ts_value;
};

/* The selected track is an AVIF image sequence. */
static inline int wc_image_avif_seq(const wc_image *im) {
  return im->o.format == WC_IMAGE_AVIF && im->heif.has_seq && im->track == (im->heif.has_still ? 1u : 0u);
}

static inline const uint8_t *wc_image_data(const wc_image *im) { return im->borrowed ? im->borrowed : im->buf; }

/* image_codecs.c: decodes frame index of the image into a frame of a VideoPixelFormat (*fmt). */
int wc_image_codec_decode(wc_image *im, uint32_t index, int partial, AVFrame **out, int *fmt, char *err, size_t errlen);
void wc_image_codecs_close(wc_image *im);

/* image_engine.c: a decoded frame in any AVPixelFormat -> one in a VideoPixelFormat (rgb_family: RGB
 * formats convert to RGBA/RGBX, else to the nearest YUV format). Takes in. NULL with a message. */
AVFrame *wc_image_to_pixfmt(wc_image *im, AVFrame *in, int rgb_family, int *fmt, char *err, size_t errlen);
/* image_icc.c: in (format *fmt) converted from the ICC profile to sRGB RGBA/RGBX (*fmt updated); in itself
 * when the profile is not an RGB profile lcms2 reads. Takes in. NULL with a message. */
AVFrame *wc_image_icc_to_srgb(wc_image *im, const uint8_t *icc, size_t len, AVFrame *in, int *fmt, int matrix, int full_range,
                              char *err, size_t errlen);
void wc_image_icc_close(wc_image *im);

/* A new RGBA frame holding a copy of an RGBA canvas (stride w * 4). */
AVFrame *wc_image_canvas_frame(const uint8_t *rgba, uint32_t w, uint32_t h);

#endif
