/*
 * frame_copy.h - pixel memory of VideoFrames: allocation, bounds-checked plane
 * copies between frames and caller buffers ("copyTo" and "new VideoFrame(buffer)"),
 * and conversion to RGB with swscale. No Node-API: safe on any thread and
 * driven directly by the fuzzers.
 */
#ifndef WC_FRAME_COPY_H
#define WC_FRAME_COPY_H

#include <libavutil/frame.h>

#include "wc/video/frame_pool.h"
#include "wc/video/pixfmt.h"

/*
 * A frame of format fmt (coded size w x h) with 64-byte aligned strides, its memory from pool
 * (NULL: a plain allocation). NULL when out of memory.
 * Row padding, a spare row per plane and the tail are zeroed; the image area is NOT: the caller
 * writes every pixel (wc_copy_planes_in does, zeroing what its rectangle leaves out).
 */
AVFrame *wc_frame_alloc(wc_frame_pool *pool, int fmt, int w, int h);

/*
 * A copy of f (format fmt) into a wc_frame_alloc frame. FFmpeg's readers (swscale,
 * encoders) read past the end of rows and planes; frames whose pixels are a caller's
 * buffer (VideoFrame built with `transfer`) have no such padding and go through this
 * first. NULL when out of memory.
 */
AVFrame *wc_frame_padded_copy(const AVFrame *f, int fmt);

/*
 * copyTo: for each plane, cl[p].src_height rows of cl[p].src_width_bytes bytes
 * from (row src_top, byte src_left_bytes) of f to dst + dst_offset, dst_stride
 * apart. Every access is checked against f's planes and dst_len.
 * Returns 0, or -1 with a message.
 */
int wc_copy_planes_out(const AVFrame *f, int fmt, const wc_computed_layout *cl, uint8_t *dst, size_t dst_len,
                       char *err, size_t errlen);

/* The reverse: from src (laid out as cl's dst_*) into f at (src_top, src_left_bytes). */
int wc_copy_planes_in(AVFrame *f, int fmt, const wc_computed_layout *cl, const uint8_t *src, size_t src_len,
                      char *err, size_t errlen);

/* Number of bytes of plane p's rows in a frame of width w (ceil(w / sub_w) * sample_bytes). */
uint64_t wc_plane_row_bytes(int fmt, int p, int w);
uint64_t wc_plane_rows(int fmt, int p, int h);

typedef struct wc_sws_cache wc_sws_cache;

typedef struct wc_convert_opts {
  int dst_fmt;        /* WC_PIX_RGBA / RGBX / BGRA / BGRX */
  int src_matrix;     /* AVColorSpace of the source (unspecified: guessed from the height) */
  int src_full_range; /* 0 or 1 */
  int threads;        /* swscale slice threads (0: one) */
  wc_sws_cache *cache; /* reuse scaler contexts across calls (NULL: a new one each time) */
  int src_unpadded;   /* the planes end where their rows do (pixels borrowed from a JS buffer): swscale
                       * reads past row ends, so the frame is converted from wc_frame_padded_copy */
} wc_convert_opts;

/*
 * A small cache of initialised SwsContexts (setting one up, threads included, costs
 * more than converting a 720p frame). Any thread; a context is used by one
 * conversion at a time. Reference counted: the environment holds one reference and
 * each queued conversion another, so teardown never frees a context in use.
 */
wc_sws_cache *wc_sws_cache_new(void);
wc_sws_cache *wc_sws_cache_ref(wc_sws_cache *c);
void wc_sws_cache_unref(wc_sws_cache **pc);

/*
 * Converts rect r of f (format fmt) into RGB at dst + offset with stride.
 * Returns 0, or -1 with a message.
 */
int wc_convert_to_rgb(const AVFrame *f, int fmt, const wc_rect *r, const wc_convert_opts *o, uint8_t *dst,
                      size_t dst_len, uint64_t offset, uint64_t stride, char *err, size_t errlen);

#endif
