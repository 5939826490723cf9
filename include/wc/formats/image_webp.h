/*
 * image_webp.h - WebP RIFF container scanner and animation compositing (pure C, fuzzed).
 *
 * libavcodec's webp decoder (FFmpeg 5.1 and later releases before 7.1) decodes one
 * still picture: a RIFF file holding VP8 or VP8L, with VP8X + ALPH for lossy alpha.
 * It has no animation. So animated files are taken apart here: each ANMF frame's
 * ALPH/VP8/VP8L chunks are wrapped into a still file of their own (wc_webp_frame_file)
 * for libavcodec, and the decoded RGBA rectangles are composited onto the canvas
 * (wc_webp_blend) the way the WebP container specification and browsers do: the
 * canvas starts transparent (browsers ignore ANIM's background colour, as the
 * specification allows), a frame is alpha-blended or not per its blending bit, and
 * "dispose to background" clears the frame's rectangle to transparent.
 */
#ifndef WC_IMAGE_WEBP_H
#define WC_IMAGE_WEBP_H

#include <stddef.h>
#include <stdint.h>

#include "wc/formats/image_common.h"

typedef struct wc_webp_frame {
  uint64_t start, end;    /* the ANMF payload's sub-chunks (a still file: the whole file) */
  uint32_t x, y, w, h;
  int64_t duration_us;    /* -1 for a still file */
  int blend;              /* 1: alpha-blend onto the canvas, 0: replace */
  int dispose;            /* 1: clear to transparent after display */
  int has_alpha;          /* an ALPH chunk, or VP8L */
  int lossless;           /* VP8L */
  int complete;
} wc_webp_frame;

typedef struct wc_webp {
  uint64_t pos;
  uint64_t riff_end;      /* 8 + RIFF size */
  int state;              /* 0 header, 1 chunks, 2 done */
  int extended;           /* VP8X */
  int animated;
  int alpha_flag;
  uint32_t width, height;
  int anim_seen;
  uint32_t loop_count;    /* 0 = forever */
  int has_image;          /* a still VP8/VP8L chunk was found */
  int still_lossless, still_alpha;
  int has_icc;            /* an ICCP chunk: the ICC profile at [icc_off, icc_off + icc_len) */
  uint64_t icc_off, icc_len;
  wc_webp_frame *frames;
  uint32_t nframes, cap;
  uint32_t frames_complete;
  char err[160];
} wc_webp;

int wc_webp_scan(wc_webp *st, const uint8_t *data, size_t len);
int wc_webp_tracks_known(const wc_webp *st);
void wc_webp_free(wc_webp *st);

/*
 * A still WebP file for frame f of an animation: RIFF + VP8X (alpha flag per ALPH) + the
 * frame's sub-chunks. Returns its size (out may be NULL to ask), or -1 when the frame's
 * chunks are malformed. outcap must be at least the size.
 */
int64_t wc_webp_frame_file(const wc_webp_frame *f, const uint8_t *data, size_t len, uint8_t *out, size_t outcap);

/*
 * Composites a decoded frame (RGBA, w x h, stride src_stride) onto the canvas (RGBA, cw x ch,
 * stride cstride) at (x, y), clipped: non-premultiplied "over" when blend, else a copy.
 */
void wc_webp_blend(uint8_t *canvas, size_t cstride, uint32_t cw, uint32_t ch, const uint8_t *src, size_t src_stride,
                   uint32_t x, uint32_t y, uint32_t w, uint32_t h, int blend);
/* Clears a rectangle of the canvas to transparent black (clipped). */
void wc_webp_clear(uint8_t *canvas, size_t cstride, uint32_t cw, uint32_t ch, uint32_t x, uint32_t y, uint32_t w,
                   uint32_t h);

#endif
