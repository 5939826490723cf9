/*
 * image_codecs.c - the decoders behind wc_image: frame N of each format as a full
 * canvas in a VideoPixelFormat.
 *
 *   PNG     libavcodec png: the file through IEND
 *   APNG    libavcodec apng, fed as FFmpeg's apng demuxer would: the chunks before the
 *           first IDAT/fcTL as extradata, one packet per frame (its fcTL and data chunks);
 *           the decoder composites (dispose/blend ops), frames are decoded in order
 *   JPEG    libavcodec mjpeg: the file through EOI, or through the last complete scan of a
 *           progressive file still arriving (the decoder ends it as if EOI followed)
 *   GIF     src/formats/image_gif.c (LZW and browser compositing), in order
 *   WebP    libavcodec webp on a still file per frame (src/formats/image_webp.c builds it);
 *           animations composited here
 *   BMP     libavcodec bmp
 *   AVIF    libdav1d (else libaom-av1) on the primary item's AV1 data with its av1C as
 *           extradata; the alpha auxiliary item decoded the same way becomes the alpha plane
 *
 * Animations keep their state between calls (the canvas after the last frame drawn), so
 * decoding frames in order costs one frame each; an earlier frame starts again from 0.
 */
#include <libavutil/pixdesc.h>
#include <stdio.h>
#include <string.h>

#include "wc/engine/errors.h"
#include "wc/image/image_engine_internal.h"
#include "wc/video/frame_copy.h"
#include "wc/video/pixfmt.h"

static AVCodecContext *open_codec(const char *name, const uint8_t *extra, size_t extra_len, int threads, char *err,
                                  size_t errlen) {
  const AVCodec *codec = avcodec_find_decoder_by_name(name);
  AVCodecContext *ctx;
  int ret;
  if (!codec) {
    snprintf(err, errlen, "no %s decoder in this FFmpeg build", name);
    return NULL;
  }
  if (!(ctx = avcodec_alloc_context3(codec))) goto oom;
  ctx->thread_count = threads;
  ctx->max_pixels = WC_IMAGE_MAX_PIXELS;
  if (extra_len) {
    if (!(ctx->extradata = av_mallocz(extra_len + AV_INPUT_BUFFER_PADDING_SIZE))) {
      avcodec_free_context(&ctx);
      goto oom;
    }
    memcpy(ctx->extradata, extra, extra_len);
    ctx->extradata_size = (int)extra_len;
  }
  if ((ret = avcodec_open2(ctx, codec, NULL)) < 0) {
    char msg[128];
    wc_averror_str(ret, msg, sizeof msg);
    snprintf(err, errlen, "%s could not be opened: %s", name, msg);
    avcodec_free_context(&ctx);
    return NULL;
  }
  return ctx;
oom:
  snprintf(err, errlen, "out of memory");
  return NULL;
}

/* One packet in, its picture out; the context can take the next packet afterwards. */
static int decode_packet(AVCodecContext *ctx, const char *what, const uint8_t *data, size_t size, AVFrame **out,
                         char *err, size_t errlen) {
  AVPacket *pkt = NULL;
  AVFrame *f = NULL;
  int ret, drained = 0;
  char msg[128];
  *out = NULL;
  if (size > INT32_MAX - AV_INPUT_BUFFER_PADDING_SIZE) {
    snprintf(err, errlen, "%s: the frame's data is too large", what);
    return -1;
  }
  if (!(pkt = av_packet_alloc()) || av_new_packet(pkt, (int)size) < 0 || !(f = av_frame_alloc())) {
    av_packet_free(&pkt);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  memcpy(pkt->data, data, size);
  ret = avcodec_send_packet(ctx, pkt);
  av_packet_free(&pkt);
  if (ret < 0) goto fail;
  ret = avcodec_receive_frame(ctx, f);
  if (ret == AVERROR(EAGAIN)) {
    drained = 1;
    if ((ret = avcodec_send_packet(ctx, NULL)) < 0) goto fail;
    ret = avcodec_receive_frame(ctx, f);
  }
  if (ret < 0) goto fail;
  if (drained) avcodec_flush_buffers(ctx);
  if (f->width <= 0 || f->height <= 0) {
    av_frame_free(&f);
    snprintf(err, errlen, "%s: the decoder produced an empty picture", what);
    return -1;
  }
  *out = f;
  return 0;
fail:
  av_frame_free(&f);
  if (drained) avcodec_flush_buffers(ctx);
  if (ret == AVERROR_EOF || ret == AVERROR(EAGAIN)) {
    snprintf(err, errlen, "%s: the data held no picture", what);
  } else {
    wc_averror_str(ret, msg, sizeof msg);
    snprintf(err, errlen, "%s: %s", what, msg);
  }
  return -1;
}

void wc_image_codecs_close(wc_image *im) {
  avcodec_free_context(&im->ctx);
  avcodec_free_context(&im->actx);
  av_frame_free(&im->apng_last);
  im->apng_next = 0;
  if (im->gifc_ready) wc_gif_canvas_free(&im->gifc);
  im->gifc_ready = 0;
  free(im->wcanvas);
  im->wcanvas = NULL;
  im->webp_next = 0;
  im->webp_prev_dispose = 0;
}

/* A still decoded by `name` from data[0, size): the context is kept for the next call. */
static int still(wc_image *im, const char *name, const uint8_t *data, size_t size, AVFrame **f, char *err, size_t errlen) {
  if (!im->ctx && !(im->ctx = open_codec(name, NULL, 0, 1, err, errlen))) return -1;
  return decode_packet(im->ctx, name, data, size, f, err, errlen);
}

/* ---------------------------------------------------------------- PNG / APNG */

static int decode_png(wc_image *im, uint32_t index, AVFrame **f, char *err, size_t errlen) {
  const uint8_t *d = wc_image_data(im);
  const wc_png *st = &im->png;
  if (!st->animated) return still(im, "png", d, (size_t)st->frames[0].end, f, err, errlen);
  if (!im->ctx || index + 1 < im->apng_next || (index + 1 == im->apng_next && !im->apng_last)) {
    wc_image_codecs_close(im);
    if (st->header_end <= 8) {
      snprintf(err, errlen, "APNG: no header chunks");
      return -1;
    }
    if (!(im->ctx = open_codec("apng", d + 8, (size_t)(st->header_end - 8), 1, err, errlen))) return -1;
  }
  if (index + 1 == im->apng_next && im->apng_last) {
    /* the decoder's last output is this frame */
    return (*f = av_frame_clone(im->apng_last)) ? 0 : (snprintf(err, errlen, "out of memory"), -1);
  }
  while (im->apng_next <= index) {
    const wc_png_frame *fr = &st->frames[im->apng_next];
    AVFrame *o;
    if (decode_packet(im->ctx, "apng", d + fr->start, (size_t)(fr->end - fr->start), &o, err, errlen) < 0) {
      wc_image_codecs_close(im);
      return -1;
    }
    av_frame_free(&im->apng_last);
    im->apng_last = o;
    im->apng_next++;
  }
  return (*f = av_frame_clone(im->apng_last)) ? 0 : (snprintf(err, errlen, "out of memory"), -1);
}

/* ---------------------------------------------------------------- GIF */

static int decode_gif(wc_image *im, uint32_t index, AVFrame **f, char *err, size_t errlen) {
  const wc_gif *st = &im->gif;
  const uint8_t *d = wc_image_data(im);
  if (!im->gifc_ready) {
    if (wc_gif_canvas_init(&im->gifc, st) < 0) {
      snprintf(err, errlen, "GIF: out of memory for a %ux%u canvas", st->width, st->height);
      return -1;
    }
    im->gifc_ready = 1;
  }
  if (index + 1 < im->gifc.next) wc_gif_canvas_rewind(&im->gifc, st);
  while (im->gifc.next <= index)
    if (wc_gif_canvas_draw(&im->gifc, st, d, im->len, err, errlen) < 0) return -1;
  if (!(*f = wc_image_canvas_frame(im->gifc.rgba, st->width, st->height))) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  return 0;
}

/* ---------------------------------------------------------------- WebP */

static int webp_frame(wc_image *im, const wc_webp_frame *fr, AVFrame **f, char *err, size_t errlen) {
  const uint8_t *d = wc_image_data(im);
  int64_t n = wc_webp_frame_file(fr, d, im->len, NULL, 0);
  uint8_t *file;
  int r;
  if (n < 0) {
    snprintf(err, errlen, "WebP: a malformed frame");
    return -1;
  }
  if (!(file = malloc((size_t)n))) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  wc_webp_frame_file(fr, d, im->len, file, (size_t)n);
  r = still(im, "webp", file, (size_t)n, f, err, errlen);
  free(file);
  if (r == 0 && ((uint32_t)(*f)->width != fr->w || (uint32_t)(*f)->height != fr->h)) {
    av_frame_free(f);
    snprintf(err, errlen, "WebP: a frame decoded to another size than its header says");
    return -1;
  }
  return r;
}

static int decode_webp_animation(wc_image *im, uint32_t index, AVFrame **f, char *err, size_t errlen) {
  const wc_webp *st = &im->webp;
  size_t stride = (size_t)st->width * 4;
  if (!im->wcanvas && !(im->wcanvas = calloc(1, stride * st->height))) {
    snprintf(err, errlen, "WebP: out of memory for a %ux%u canvas", st->width, st->height);
    return -1;
  }
  if (index + 1 < im->webp_next) {
    memset(im->wcanvas, 0, stride * st->height);
    im->webp_next = 0;
    im->webp_prev_dispose = 0;
  }
  while (im->webp_next <= index) {
    const wc_webp_frame *fr = &st->frames[im->webp_next];
    AVFrame *src, *rgba;
    if (im->webp_next > 0 && im->webp_prev_dispose)
      wc_webp_clear(im->wcanvas, stride, st->width, st->height, im->wpx, im->wpy, im->wpw, im->wph);
    if (webp_frame(im, fr, &src, err, errlen) < 0) return -1;
    if (!(rgba = wc_frame_alloc(NULL, WC_PIX_RGBA, src->width, src->height))) {
      av_frame_free(&src);
      snprintf(err, errlen, "out of memory");
      return -1;
    }
    im->sws_frame = sws_getCachedContext(im->sws_frame, src->width, src->height, src->format, src->width, src->height,
                                         AV_PIX_FMT_RGBA, SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, NULL,
                                         NULL, NULL);
    if (!im->sws_frame || sws_scale(im->sws_frame, (const uint8_t *const *)src->data, src->linesize, 0, src->height,
                                    rgba->data, rgba->linesize) < 0) {
      av_frame_free(&src);
      av_frame_free(&rgba);
      snprintf(err, errlen, "WebP: cannot convert a frame to RGBA");
      return -1;
    }
    av_frame_free(&src);
    wc_webp_blend(im->wcanvas, stride, st->width, st->height, rgba->data[0], (size_t)rgba->linesize[0], fr->x, fr->y,
                  fr->w, fr->h, fr->blend);
    av_frame_free(&rgba);
    im->webp_prev_dispose = fr->dispose;
    im->wpx = fr->x;
    im->wpy = fr->y;
    im->wpw = fr->w;
    im->wph = fr->h;
    im->webp_next++;
  }
  if (!(*f = wc_image_canvas_frame(im->wcanvas, st->width, st->height))) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  return 0;
}

/* ---------------------------------------------------------------- AVIF */

static const char *av1_decoder(void) {
  return avcodec_find_decoder_by_name("libdav1d") ? "libdav1d" : "libaom-av1";
}

static int av1_item(wc_image *im, AVCodecContext **ctx, const wc_heif_image *img, AVFrame **f, char *err, size_t errlen) {
  uint8_t *buf;
  int r;
  if (!*ctx && !(*ctx = open_codec(av1_decoder(), img->av1c, (size_t)img->av1c_len, 0, err, errlen))) return -1;
  if (!(buf = malloc(img->size ? (size_t)img->size : 1))) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  wc_heif_copy_data(img, wc_image_data(im), buf);
  r = decode_packet(*ctx, "AVIF (AV1)", buf, (size_t)img->size, f, err, errlen);
  free(buf);
  return r;
}

/* The VideoPixelFormat with an alpha plane whose opaque equivalent is fmt, or -1. */
static int with_alpha(int fmt) {
  for (int i = 0; i < WC_PIX_COUNT; i++) {
    const wc_pixfmt_desc *d = wc_pixfmt_get(i);
    if (d->alpha && !d->rgb && d->opaque == fmt && i != fmt) return i;
  }
  return -1;
}

static int merge_alpha(AVFrame *color, int cfmt, const AVFrame *alpha, AVFrame **out, int *ofmt, char *err,
                       size_t errlen) {
  int afmt = with_alpha(cfmt), cdepth = wc_pixfmt_get(cfmt)->bit_depth;
  const AVPixFmtDescriptor *ad = av_pix_fmt_desc_get(alpha->format);
  int adepth = ad ? ad->comp[0].depth : 8, limited = alpha->color_range == AVCOL_RANGE_MPEG;
  AVFrame *o;
  if (afmt < 0 || !ad || (ad->flags & AV_PIX_FMT_FLAG_RGB) || alpha->width != color->width || alpha->height != color->height) {
    snprintf(err, errlen, "AVIF: the alpha image does not match the colour image");
    return -1;
  }
  if (!(o = wc_frame_alloc(NULL, afmt, color->width, color->height))) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (int p = 0; p < 3; p++) {
    uint64_t rows = wc_plane_rows(cfmt, p, color->height), bytes = wc_plane_row_bytes(cfmt, p, color->width);
    for (uint64_t y = 0; y < rows; y++)
      memcpy(o->data[p] + y * (uint64_t)o->linesize[p], color->data[p] + y * (uint64_t)color->linesize[p], (size_t)bytes);
  }
  for (int y = 0; y < color->height; y++) {
    const uint8_t *s = alpha->data[0] + (ptrdiff_t)y * alpha->linesize[0];
    uint8_t *d = o->data[3] + (ptrdiff_t)y * o->linesize[3];
    int amax = (1 << adepth) - 1, cmax = (1 << cdepth) - 1;
    for (int x = 0; x < color->width; x++) {
      int v = adepth > 8 ? (int)((const uint16_t *)s)[x] : s[x];
      if (limited) {
        int lo = 16 << (adepth - 8), span = 219 << (adepth - 8);
        v = (v - lo) * amax + span / 2;
        v = v < 0 ? 0 : v / span;
        if (v > amax) v = amax;
      }
      if (adepth != cdepth) v = (v * cmax + amax / 2) / amax;
      if (cdepth > 8)
        ((uint16_t *)d)[x] = (uint16_t)v;
      else
        d[x] = (uint8_t)v;
    }
  }
  av_frame_copy_props(o, color);
  *out = o;
  *ofmt = afmt;
  return 0;
}

static int decode_avif(wc_image *im, AVFrame **out, int *fmt, char *err, size_t errlen) {
  AVFrame *color = NULL, *alpha = NULL, *merged;
  int cfmt;
  if (av1_item(im, &im->ctx, &im->heif.color, &color, err, errlen) < 0) return -1;
  if (!(color = wc_image_to_pixfmt(im, color, 0, &cfmt, err, errlen))) return -1;
  if (!im->heif.has_alpha) {
    *out = color;
    *fmt = cfmt;
    return 0;
  }
  if (av1_item(im, &im->actx, &im->heif.alpha, &alpha, err, errlen) < 0) {
    av_frame_free(&color);
    return -1;
  }
  if (merge_alpha(color, cfmt, alpha, &merged, fmt, err, errlen) < 0) {
    av_frame_free(&color);
    av_frame_free(&alpha);
    return -1;
  }
  av_frame_free(&color);
  av_frame_free(&alpha);
  *out = merged;
  return 0;
}

/* ---------------------------------------------------------------- dispatch */

int wc_image_codec_decode(wc_image *im, uint32_t index, int partial, AVFrame **out, int *fmt, char *err, size_t errlen) {
  const uint8_t *d = wc_image_data(im);
  AVFrame *f = NULL;
  int rgb = 1, r;
  *out = NULL;
  switch (im->o.format) {
    case WC_IMAGE_PNG: r = decode_png(im, index, &f, err, errlen); break;
    case WC_IMAGE_JPEG:
      rgb = 0;
      r = still(im, "mjpeg", d, (size_t)(partial ? im->jpeg.scans_end : im->jpeg.end), &f, err, errlen);
      break;
    case WC_IMAGE_GIF: r = decode_gif(im, index, &f, err, errlen); break;
    case WC_IMAGE_WEBP:
      if (im->webp.animated) {
        r = decode_webp_animation(im, index, &f, err, errlen);
      } else {
        rgb = im->webp.still_lossless;
        r = webp_frame(im, &im->webp.frames[0], &f, err, errlen);
      }
      break;
    case WC_IMAGE_BMP: r = still(im, "bmp", d, im->bmp.need && im->bmp.need <= im->len ? (size_t)im->bmp.need : im->len, &f, err, errlen); break;
    case WC_IMAGE_AVIF: return decode_avif(im, out, fmt, err, errlen);
    default: snprintf(err, errlen, "unknown image format"); return -1;
  }
  if (r < 0) return -1;
  if (!(f = wc_image_to_pixfmt(im, f, rgb, fmt, err, errlen))) return -1;
  *out = f;
  return 0;
}
