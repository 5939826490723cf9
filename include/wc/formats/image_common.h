/*
 * image_common.h - what the image container parsers (image_png.c, image_jpeg.c,
 * image_gif.c, image_webp.c, image_bmp.c, image_heif.c) share: the size limits
 * every declared image is checked against before anything is allocated for it,
 * bounded big/little-endian readers, orientation arithmetic and EXIF.
 *
 * The parsers are pure C (no FFmpeg, no Node-API), incremental and fuzzed: each
 * keeps its position in a buffer that grows as a stream's bytes arrive, is called
 * again with the whole buffer so far, and only ever records offsets (the buffer
 * may move). Scanning the bytes in any number of pieces gives the same result as
 * scanning them at once (the fuzz targets check this).
 */
#ifndef WC_IMAGE_COMMON_H
#define WC_IMAGE_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* VideoFrame's own limit on a side; a canvas of at most 2^28 pixels (1 GiB as RGBA). */
#define WC_IMAGE_MAX_SIDE 16384u
#define WC_IMAGE_MAX_PIXELS (1ull << 28)
/* More frames than any real animation has (2.9 hours at 10 ms a frame): bounds the frame tables. */
#define WC_IMAGE_MAX_FRAMES (1u << 20)

/* Parser results. */
#define WC_IMG_OK 0
#define WC_IMG_MALFORMED (-1)   /* the data is not a valid file of the format: EncodingError */
#define WC_IMG_UNSUPPORTED (-2) /* valid but a feature we do not decode: EncodingError as well, named */

/* 0 when w x h is a size we decode, else -1 with a message naming the limit. */
int wc_image_check_size(uint64_t w, uint64_t h, char *err, size_t errlen);

static inline uint32_t wc_rd16be(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
static inline uint32_t wc_rd24be(const uint8_t *p) { return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]; }
static inline uint32_t wc_rd32be(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline uint64_t wc_rd64be(const uint8_t *p) { return (uint64_t)wc_rd32be(p) << 32 | wc_rd32be(p + 4); }
static inline uint32_t wc_rd16le(const uint8_t *p) { return (uint32_t)p[1] << 8 | p[0]; }
static inline uint32_t wc_rd24le(const uint8_t *p) { return (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0]; }
static inline uint32_t wc_rd32le(const uint8_t *p) {
  return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/*
 * Orientation as VideoFrame has it: the picture is rotated `rotation` degrees
 * clockwise (0, 90, 180, 270), then mirrored left-right when `flip` is set.
 */
typedef struct wc_orientation {
  int rotation;
  int flip;
} wc_orientation;

/* The EXIF Orientation tag value (1-8) as a wc_orientation; anything else is 1 (none). */
wc_orientation wc_orientation_from_exif(int value);
/* o followed by a clockwise rotation of deg degrees (a multiple of 90). */
wc_orientation wc_orientation_rotate(wc_orientation o, int deg);
/* o followed by a left-right mirror (vertical axis); top-bottom is that plus 180 degrees. */
wc_orientation wc_orientation_mirror(wc_orientation o, int top_bottom);

/*
 * The Orientation (tag 0x0112) of IFD0 of a TIFF-structured EXIF block (starting at
 * its "II*\0"/"MM\0*" header, without JPEG's "Exif\0\0"). 1-8, or 0 when absent or
 * unreadable. Every offset is checked against len.
 */
int wc_exif_orientation(const uint8_t *tiff, size_t len);

#endif
