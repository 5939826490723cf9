/*
 * pixfmt.h - the 23 WebCodecs VideoPixelFormats: plane geometry, their FFmpeg
 * equivalents, and the spec's plane arithmetic ("Verify Rect Offset
 * Alignment", "Compute Layout and Allocation Size").
 *
 * Uses libavutil's pixfmt.h for enum values only (header, no linking): the
 * native tests and fuzzers build it without FFmpeg libraries.
 */
#ifndef WC_PIXFMT_H
#define WC_PIXFMT_H

#include <stddef.h>
#include <stdint.h>

/* In the order of the WebIDL enum VideoPixelFormat. */
enum wc_pixfmt {
  WC_PIX_I420 = 0,
  WC_PIX_I420P10,
  WC_PIX_I420P12,
  WC_PIX_I420A,
  WC_PIX_I420AP10,
  WC_PIX_I420AP12,
  WC_PIX_I422,
  WC_PIX_I422P10,
  WC_PIX_I422P12,
  WC_PIX_I422A,
  WC_PIX_I422AP10,
  WC_PIX_I422AP12,
  WC_PIX_I444,
  WC_PIX_I444P10,
  WC_PIX_I444P12,
  WC_PIX_I444A,
  WC_PIX_I444AP10,
  WC_PIX_I444AP12,
  WC_PIX_NV12,
  WC_PIX_RGBA,
  WC_PIX_RGBX,
  WC_PIX_BGRA,
  WC_PIX_BGRX,
  WC_PIX_COUNT
};

typedef struct wc_pixfmt_desc {
  const char *name;
  int av;            /* enum AVPixelFormat with the same memory layout, or -1 (AV_PIX_FMT_NONE) */
  int av_opaque;     /* the same without the alpha plane (for codecs and swscale) */
  int planes;
  int sample_bytes[4];
  int sub_w[4];      /* horizontal sub-sampling factor per plane */
  int sub_h[4];
  int bit_depth;
  int alpha;         /* has an alpha plane / channel */
  int rgb;           /* an RGB format */
  int opaque;        /* the equivalent opaque format */
} wc_pixfmt_desc;

/* NULL when fmt is out of range. */
const wc_pixfmt_desc *wc_pixfmt_get(int fmt);
/* -1 when unknown. */
int wc_pixfmt_from_name(const char *name);
/* The VideoPixelFormat whose memory layout an AVPixelFormat has, or -1 (then the frame needs converting). */
int wc_pixfmt_from_av(int av_format);
/* For an AVPixelFormat without a VideoPixelFormat: the format to convert to (never -1 for video). */
int wc_pixfmt_convert_target(int av_format);

typedef struct wc_rect {
  uint32_t x, y, width, height;
} wc_rect;

typedef struct wc_plane_layout {
  uint32_t offset, stride;
} wc_plane_layout;

typedef struct wc_computed_layout {
  uint64_t dst_offset;
  uint64_t dst_stride;
  uint64_t src_top;         /* in rows of the plane */
  uint64_t src_height;      /* rows */
  uint64_t src_left_bytes;
  uint64_t src_width_bytes;
} wc_computed_layout;

/* "Verify Rect Offset Alignment": 1 when x and y are multiples of every plane's sub-sampling. */
int wc_rect_aligned(int fmt, const wc_rect *r);

/*
 * "Parse Visible Rect" for an already truncated, non-negative rect: checks it
 * lies inside coded_width x coded_height, is not empty and is aligned.
 * Returns 0, or -1 with a message in err.
 */
int wc_rect_check(int fmt, const wc_rect *r, uint32_t coded_width, uint32_t coded_height, char *err, size_t errlen);

/*
 * "Compute Layout and Allocation Size". layout may be NULL (tight packing);
 * otherwise nlayout must equal the plane count. Returns 0 with out[] and
 * *allocation_size filled, or -1 with a message in err (a TypeError).
 */
int wc_layout_compute(int fmt, const wc_rect *r, const wc_plane_layout *layout, int nlayout, wc_computed_layout out[4],
                      uint64_t *allocation_size, char *err, size_t errlen);

/*
 * A buffer laid out as `coded` (wc_layout_compute over the whole coded rect) holds a frame;
 * out[] describes the aligned rect r of it (wc_rect_check passed) as the whole of a frame of
 * r's size: per plane, where the rect's rows start in the buffer and how far apart they are
 * (dst_offset, dst_stride: the buffer side, as wc_copy_planes_in reads it) and the rows and
 * row bytes of r at (0, 0) (src_*). "new VideoFrame(data, {visibleRect})" keeps just r.
 */
void wc_layout_sub_rect(int fmt, const wc_computed_layout coded[4], const wc_rect *r, wc_computed_layout out[4]);

#endif
