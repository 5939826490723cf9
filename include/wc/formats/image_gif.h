/*
 * image_gif.h - GIF: block scanner, LZW decoder and compositor (pure C, fuzzed).
 *
 * GIF is decoded here rather than by libavcodec's gif decoder because that decoder
 * composites differently from every browser: it fills the canvas with the logical
 * screen's background colour before the first frame and when a frame is disposed
 * "to background", where browsers (and the ImageDecoders of Chrome and Firefox)
 * start from, and clear to, transparent black. The frames this produces are what a
 * browser shows: the whole canvas, RGBA, after the previous frame's disposal
 * (none/keep, restore to background = clear its rectangle, restore to previous) and
 * this frame's pixels (the transparent index leaves the canvas as it was).
 */
#ifndef WC_IMAGE_GIF_H
#define WC_IMAGE_GIF_H

#include <stddef.h>
#include <stdint.h>

#include "wc/formats/image_common.h"

typedef struct wc_gif_frame {
  uint64_t desc;          /* offset of the image descriptor (after its ',') */
  uint64_t data, data_end;/* LZW minimum code size byte .. after the block terminator */
  uint32_t x, y, w, h;
  int interlaced;
  int has_local_palette, local_palette_bits;
  int disposal;           /* 0-3 (other values: 0) */
  int transparent;        /* index, or -1 */
  int64_t duration_us;    /* GCE delay (centiseconds), -1 without a GCE */
  int complete;
} wc_gif_frame;

typedef struct wc_gif {
  uint64_t pos;
  int state;              /* 0 header, 1 blocks, 2 inside image data sub-blocks, 3 trailer */
  uint32_t width, height;
  int has_global_palette, global_palette_bits;
  uint64_t global_palette;/* offset */
  int loop_seen;
  uint32_t loop_count;    /* NETSCAPE2.0: 0 = forever */
  /* the GCE that applies to the next image */
  int gce_seen, gce_disposal, gce_transparent;
  int64_t gce_delay_us;
  wc_gif_frame *frames;
  uint32_t nframes, cap;
  uint32_t frames_complete;
  char err[160];
} wc_gif;

int wc_gif_scan(wc_gif *st, const uint8_t *data, size_t len);
/* The canvas size and whether it is animated are known (see the .c file for when). complete: no more data. */
int wc_gif_tracks_known(const wc_gif *st, int complete);
int wc_gif_animated(const wc_gif *st);
void wc_gif_free(wc_gif *st);

/*
 * The compositor: canvas (RGBA, width * height * 4 bytes, stride width * 4), the
 * saved rectangle for "restore to previous", and which frame comes next.
 */
typedef struct wc_gif_canvas {
  uint8_t *rgba;
  uint8_t *saved;        /* copy of the canvas before the last frame (for disposal 3) */
  uint32_t next;         /* index of the frame to draw next */
  int prev_disposal;
  uint32_t px, py, pw, ph; /* the last frame's rectangle (clipped) */
  uint16_t *lzw_prefix;  /* LZW tables: 4096 entries each */
  uint8_t *lzw_suffix, *lzw_stack;
  uint16_t *lzw_len;     /* length of each code's string */
  uint8_t *line;         /* one row of indices */
} wc_gif_canvas;

/* Allocates the canvas for st (transparent). 0 or -1 (out of memory). */
int wc_gif_canvas_init(wc_gif_canvas *c, const wc_gif *st);
void wc_gif_canvas_free(wc_gif_canvas *c);
/* Back to before frame 0. */
void wc_gif_canvas_rewind(wc_gif_canvas *c, const wc_gif *st);
/*
 * Draws frame c->next (which must be complete) onto the canvas, after the previous
 * frame's disposal. LZW data that ends early or holds an invalid code leaves the rest of
 * the frame's pixels as they were (as browsers do). 0, or -1 with a message.
 */
int wc_gif_canvas_draw(wc_gif_canvas *c, const wc_gif *st, const uint8_t *data, size_t len, char *err, size_t errlen);

#endif
