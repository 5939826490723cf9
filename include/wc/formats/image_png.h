/*
 * image_png.h - PNG and APNG chunk scanner (pure C, incremental, fuzzed).
 *
 * It finds what libavcodec's png/apng decoders need and what they cannot tell:
 * the header facts, whether the file is animated (acTL before the first IDAT),
 * each frame's byte range (for APNG: its fcTL and IDAT/fdAT chunks, the packet
 * FFmpeg's apng decoder takes; the chunks before the first IDAT/fcTL are that
 * decoder's extradata), frame timing and the loop count, and the eXIf orientation.
 * CRCs are not checked here (libavcodec does not either).
 */
#ifndef WC_IMAGE_PNG_H
#define WC_IMAGE_PNG_H

#include <stddef.h>
#include <stdint.h>

#include "wc/formats/image_common.h"

typedef struct wc_png_frame {
  uint64_t start, end;   /* [fcTL chunk, end of its last data chunk); a still PNG: [0, end of IEND) */
  uint32_t width, height, x, y;
  int64_t duration_us;   /* from delay_num / delay_den (den 0 means 100) */
  int dispose, blend;
  int complete;          /* every data chunk of the frame has arrived */
} wc_png_frame;

typedef struct wc_png {
  uint64_t pos;          /* next chunk to read */
  int state;             /* 0: signature, 1: chunks, 2: IEND seen */
  uint32_t width, height;
  int bit_depth, color_type, interlace;
  int have_ihdr;
  int animated;          /* acTL before the first IDAT */
  uint32_t num_frames, num_plays;
  int seen_idat;
  uint64_t first_idat;    /* offset of the first IDAT chunk (when seen_idat) */
  int default_in_animation; /* the IDAT image is frame 0 (its fcTL came first) */
  uint64_t header_end;   /* extradata for apng: [8, header_end) */
  int has_trns;
  int orientation;       /* EXIF value from eXIf, 0 if none */
  wc_png_frame *frames;
  uint32_t nframes, cap;
  uint32_t frames_complete;
  char err[160];
} wc_png;

/*
 * Scans data[0, len) from where the last call stopped. WC_IMG_OK (call again when more
 * bytes arrive), or WC_IMG_MALFORMED / WC_IMG_UNSUPPORTED with a message in st->err.
 */
int wc_png_scan(wc_png *st, const uint8_t *data, size_t len);
/* The header (IHDR) and animation facts are known. */
int wc_png_tracks_known(const wc_png *st);
void wc_png_free(wc_png *st);

#endif
