/*
 * fuzz_image_decode.c - an ImageDecoder's life as src/image/image_decoder.c drives it, on the
 * engine (src/image/image_engine.c, image_codecs.c) with libavcodec's decoders:
 *   byte 0: format (1 PNG, 2 JPEG, 3 GIF, 4 WebP, 5 BMP, 6 AVIF, modulo 6)
 *   byte 1: bit 0 stream (the rest arrives in two pieces, else adopted whole), bits 1-2 desired
 *           size (none, 8x8 set once the header is parsed (whole data only), 17x9), bit 3 decode the frames backwards,
 *           bit 4 colorSpaceConversion "none" (else embedded ICC profiles are converted, image_icc.c)
 *   the rest: the file
 * Every frame the engine says is READY (at most 6) is decoded; each output must be a frame in a
 * VideoPixelFormat of a positive size within the limits whose visible rect copies out (exact-size
 * destination) and converts to RGBA, as copyTo() does. Partial progressive JPEG decodes run while
 * the data is incomplete. Canvases over 4 megapixels are not decoded (speed).
 */
#include <libavutil/frame.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "wc/image/image_engine_internal.h"
#include "wc/video/frame_copy.h"
#include "wc/video/pixfmt.h"

static uint64_t declared_pixels(const wc_image *im) {
  switch (im->o.format) {
    case WC_IMAGE_PNG: return (uint64_t)im->png.width * im->png.height;
    case WC_IMAGE_JPEG: return (uint64_t)im->jpeg.width * im->jpeg.height;
    case WC_IMAGE_GIF: return (uint64_t)im->gif.width * im->gif.height;
    case WC_IMAGE_WEBP: return (uint64_t)im->webp.width * im->webp.height;
    case WC_IMAGE_BMP: return (uint64_t)im->bmp.width * im->bmp.height;
    case WC_IMAGE_AVIF: {
      uint64_t a = (uint64_t)im->heif.color.width * im->heif.color.height, b = (uint64_t)im->heif.seq.width * im->heif.seq.height;
      return a > b ? a : b;
    }
    default: return 0;
  }
}

static void check_output(const wc_image_out *o) {
  const AVFrame *f = o->frame;
  const wc_pixfmt_desc *d = wc_pixfmt_get(o->format);
  wc_rect r;
  wc_computed_layout cl[4];
  uint64_t alloc;
  char err[256];
  FUZZ_CHECK(f && d, "an output without a frame or a VideoPixelFormat (%d)", o->format);
  FUZZ_CHECK(f->width > 0 && f->height > 0 && (uint32_t)f->width <= WC_IMAGE_MAX_SIDE && (uint32_t)f->height <= WC_IMAGE_MAX_SIDE,
             "output size %dx%d", f->width, f->height);
  FUZZ_CHECK(o->orientation.rotation % 90 == 0 && o->orientation.rotation >= 0 && o->orientation.rotation < 360, "rotation %d",
             o->orientation.rotation);
  r = (wc_rect){0, 0, (uint32_t)f->width, (uint32_t)f->height};
  FUZZ_CHECK(wc_layout_compute(o->format, &r, NULL, 0, cl, &alloc, err, sizeof err) == 0, "layout of the output: %s", err);
  {
    uint8_t *dst = malloc(alloc ? (size_t)alloc : 1);
    FUZZ_CHECK(wc_copy_planes_out(f, o->format, cl, dst, (size_t)alloc, err, sizeof err) == 0, "copyTo of the output: %s", err);
    free(dst);
  }
  if ((uint64_t)f->width * f->height <= (1u << 20)) {
    wc_convert_opts co = {WC_PIX_RGBA, o->matrix, o->full_range == 1, 1, NULL, 0};
    size_t n = (size_t)f->width * f->height * 4;
    uint8_t *rgb = malloc(n);
    FUZZ_CHECK(wc_convert_to_rgb(f, o->format, &r, &co, rgb, n, 0, (uint64_t)f->width * 4, err, sizeof err) == 0,
               "RGBA conversion of the output: %s", err);
    free(rgb);
  }
}

static void decode_track(wc_image *im, int backwards) {
  char err[256];
  uint32_t n = wc_image_frame_count(im);
  if (n > 6) n = 6;
  for (uint32_t k = 0; k < n; k++) {
    uint32_t i = backwards ? n - 1 - k : k;
    wc_image_out o;
    if (wc_image_frame_state(im, i, NULL) != WC_FRAME_READY) continue;
    if (wc_image_decode(im, i, 0, &o, err, sizeof err) < 0) return; /* EncodingError: the decoder would close */
    check_output(&o);
    av_frame_free(&o.frame);
  }
}

/* Every track (an AVIF with a still and a sequence has two), as the selected setter switches them. */
static void decode_ready(wc_image *im, int backwards) {
  uint32_t n = wc_image_track_count(im);
  if (declared_pixels(im) > (4u << 20)) return;
  for (uint32_t t = 0; t < n; t++) {
    wc_image_select_track(im, t);
    decode_track(im, backwards);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  wc_image_opts opts;
  wc_image *im;
  uint8_t *file;
  size_t len;
  char err[256];
  int flags;
  if (size < 3) return 0;
  memset(&opts, 0, sizeof opts);
  opts.format = 1 + data[0] % 6;
  flags = data[1];
  opts.convert_icc = !(flags & 16);
  if ((flags >> 1 & 3) == 1) opts.desired_width = opts.desired_height = 0; /* 8x8: set after parsing (whole data only) */
  if ((flags >> 1 & 3) == 2) {
    opts.desired_width = 17;
    opts.desired_height = 9;
  }
  len = size - 2;
  file = fz_dup(data + 2, len);
  if (!(im = wc_image_new(&opts))) abort();
  if (flags & 1) {
    size_t half = len / 2;
    uint32_t gen = 0;
    if (wc_image_append(im, file, half) == 0 && wc_image_parse(im, err, sizeof err) == 0) {
      if (opts.format == WC_IMAGE_JPEG && wc_image_frame_state(im, 0, &gen) == WC_FRAME_WAIT && gen > 0 &&
          declared_pixels(im) <= (4u << 20)) {
        wc_image_out o;
        if (wc_image_decode(im, 0, 1, &o, err, sizeof err) == 0) {
          check_output(&o);
          av_frame_free(&o.frame);
        }
      }
      if (wc_image_append(im, file + half, len - half) == 0) {
        wc_image_set_complete(im);
        if (wc_image_parse(im, err, sizeof err) == 0 && wc_image_tracks_known(im)) decode_ready(im, flags & 8);
      }
    }
  } else {
    wc_image_adopt(im, file, len);
    if (wc_image_parse(im, err, sizeof err) == 0 && wc_image_tracks_known(im)) {
      if ((flags >> 1 & 3) == 1 && declared_pixels(im) > 0) {
        /* set only now, after the header: a desired size given to a decoder whose image size is known */
        im->o.desired_width = 8;
        im->o.desired_height = 8;
      }
      decode_ready(im, flags & 8);
    }
  }
  wc_image_free(&im);
  free(file);
  return 0;
}
