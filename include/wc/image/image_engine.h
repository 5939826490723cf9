/*
 * image_engine.h - ImageDecoder's decoding core, without Node-API: the encoded bytes
 * (growing as a stream delivers them), the container parser of the format
 * (src/formats/image_*.c), and the decoders that turn frame N into a full-canvas
 * AVFrame in a VideoPixelFormat: libavcodec's png/apng, mjpeg, webp, bmp and
 * libdav1d/libaom-av1, our GIF decoder, and the animation compositing that
 * libavcodec lacks (animated WebP, GIF). Used by the ImageDecoder worker
 * (image_decoder.c) and by the fuzz target; one thread at a time.
 */
#ifndef WC_IMAGE_ENGINE_H
#define WC_IMAGE_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "wc/formats/image_common.h"

struct AVFrame;

enum wc_image_format {
  WC_IMAGE_NONE = 0,
  WC_IMAGE_PNG,  /* PNG and APNG */
  WC_IMAGE_JPEG,
  WC_IMAGE_GIF,
  WC_IMAGE_WEBP,
  WC_IMAGE_BMP,
  WC_IMAGE_AVIF,
};

/* The format for a MIME type essence (lower case, no parameters), or WC_IMAGE_NONE. */
int wc_image_format_from_type(const char *essence);
/* Whether this FFmpeg build has what decoding `format` needs. */
int wc_image_format_available(int format);

typedef struct wc_image_opts {
  int format;
  uint32_t desired_width, desired_height; /* 0: the image's own size */
  int convert_icc; /* colorSpaceConversion "default": an embedded RGB ICC profile is converted to sRGB */
} wc_image_opts;

typedef struct wc_image_out {
  struct AVFrame *frame; /* owned by the caller */
  int format;            /* enum wc_pixfmt */
  int64_t timestamp;     /* microseconds */
  int64_t duration;      /* microseconds, -1: none */
  int complete;          /* 0: a progressive image's partial output */
  uint32_t generation;   /* of a partial output */
  wc_orientation orientation;
  int primaries, transfer, matrix; /* AVColor* values */
  int full_range;        /* 1, 0, or -1 (unknown) */
} wc_image_out;

/* What can be said about frame i now. */
enum wc_image_frame_state {
  WC_FRAME_READY = 0,   /* all its data is here */
  WC_FRAME_WAIT,        /* more data is needed (the stream goes on) */
  WC_FRAME_RANGE,       /* there is no such frame (the data is complete) */
  WC_FRAME_TRUNCATED,   /* it began but the data ended before its end */
};

typedef struct wc_image wc_image;

wc_image *wc_image_new(const wc_image_opts *o);
void wc_image_free(wc_image **pp);

/* Appends stream bytes (copied). 0 or AVERROR(ENOMEM). */
int wc_image_append(wc_image *im, const uint8_t *data, size_t len);
/* Uses the caller's bytes as the whole data (they must outlive im); marks the data complete. */
void wc_image_adopt(wc_image *im, const uint8_t *data, size_t len);
void wc_image_set_complete(wc_image *im);
int wc_image_complete(const wc_image *im);

/* Runs the container parser over what has arrived. 0, or -1 with a message (the data is malformed). */
int wc_image_parse(wc_image *im, char *err, size_t errlen);

/* Track facts; valid once wc_image_tracks_known. Every format has one track, except an AVIF with
 * both a still image (its primary item) and an image sequence: track 0 the still, track 1 the
 * sequence (Chrome's order). wc_image_primary_track: the one the file marks as its main one
 * (AVIF: the sequence when the major brand is 'avis'). */
int wc_image_tracks_known(const wc_image *im);
uint32_t wc_image_track_count(const wc_image *im);
uint32_t wc_image_primary_track(const wc_image *im);
/* The facts of track t: animated, frame count (frames whose data is all here, or the count the file
 * declares: an AVIF sequence's sample table), repetition count (INFINITY: forever). */
void wc_image_track_facts(const wc_image *im, uint32_t t, int *animated, uint32_t *frames, double *repetition);
/* Decoding uses track t from now on (decoder state is dropped). Track 0 until then. */
void wc_image_select_track(wc_image *im, uint32_t t);
/* The selected track's facts. */
int wc_image_animated(const wc_image *im);
uint32_t wc_image_frame_count(const wc_image *im);
double wc_image_repetition_count(const wc_image *im);

/* See enum wc_image_frame_state. For a progressive JPEG, *partial_gen (may be NULL) gets the
 * generation a partial decode would have now (complete scans), 0 when none. */
int wc_image_frame_state(const wc_image *im, uint32_t index, uint32_t *partial_gen);

/*
 * Decodes frame index (READY), or its partial output (partial = 1: a progressive JPEG still
 * arriving). 0 with *out filled, or -1 with a message (EncodingError).
 */
int wc_image_decode(wc_image *im, uint32_t index, int partial, wc_image_out *out, char *err, size_t errlen);

/* Drops decoder state and caches (not the data): after a track selection change. */
void wc_image_reset_decoders(wc_image *im);

#endif
