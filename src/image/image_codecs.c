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
 *           extradata; the alpha auxiliary item decoded the same way becomes the alpha plane;
 *           a grid item's tiles decoded one by one into one canvas; an image sequence's
 *           samples decoded in order from a sync sample (its alpha track's alongside)
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

static AVCodecContext *open_codec_flags(const char *name, const uint8_t *extra, size_t extra_len, int threads, int flags,
                                        char *err, size_t errlen) {
  const AVCodec *codec = avcodec_find_decoder_by_name(name);
  AVCodecContext *ctx;
  int ret;
  if (!codec) {
    snprintf(err, errlen, "no %s decoder in this FFmpeg build", name);
    return NULL;
  }
  if (!(ctx = avcodec_alloc_context3(codec))) goto oom;
  ctx->thread_count = threads;
  ctx->flags |= flags;
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

static AVCodecContext *open_codec(const char *name, const uint8_t *extra, size_t extra_len, int threads, char *err,
                                  size_t errlen) {
  return open_codec_flags(name, extra, extra_len, threads, 0, err, errlen);
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
  memset(im->seq_sent, 0, sizeof im->seq_sent);
  memset(im->seq_recv, 0, sizeof im->seq_recv);
  memset(im->seq_dirty, 0, sizeof im->seq_dirty);
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

/* The plane bytes and rows of [0, n) pixels of a plane, for offsets into a canvas. */
static uint64_t row_bytes(int fmt, int plane, uint32_t n) { return wc_plane_row_bytes(fmt, plane, n); }

/*
 * A 'grid' item (HEIF 6.6.2.3): every tile decoded with one decoder (the tiles share one av1C) and
 * copied into a canvas of the grid's output size, row by row of tiles, the right and bottom tiles
 * cropped. Colour tiles are in a VideoPixelFormat (fmt, all the same), alpha tiles (alpha = 1) raw
 * grey frames (plane 0 only).
 */
static int decode_grid(wc_image *im, AVCodecContext **ctx, const wc_heif_image *g, int alpha, AVFrame **out, int *fmt, char *err,
                       size_t errlen) {
  AVFrame *canvas = NULL;
  int cfmt = -1, afmt = -1;
  for (uint32_t t = 0; t < g->ntiles; t++) {
    const wc_heif_image *tile = &g->tiles[t];
    uint32_t x = (t % g->cols) * g->tile_w, y = (t / g->cols) * g->tile_h;
    AVFrame *f = NULL;
    int tf = -1;
    if (!*ctx && !(*ctx = open_codec(av1_decoder(), g->av1c, (size_t)g->av1c_len, 0, err, errlen))) goto fail;
    if (av1_item(im, ctx, tile, &f, err, errlen) < 0) goto fail;
    if ((uint32_t)f->width != g->tile_w || (uint32_t)f->height != g->tile_h) {
      av_frame_free(&f);
      snprintf(err, errlen, "AVIF: a grid tile decoded to another size than its ispe");
      goto fail;
    }
    if (!alpha) {
      if (!(f = wc_image_to_pixfmt(im, f, 0, &tf, err, errlen))) goto fail;
    } else {
      tf = f->format;
    }
    if (!canvas) {
      if (!alpha) {
        const wc_pixfmt_desc *d = wc_pixfmt_get(tf);
        /* chroma planes of subsampled tiles start on whole chroma samples */
        if ((d->planes > 1 && d->sub_w[1] > 1 && (g->tile_w & 1)) || (d->planes > 1 && d->sub_h[1] > 1 && (g->tile_h & 1))) {
          av_frame_free(&f);
          snprintf(err, errlen, "AVIF: a grid of odd-sized %s tiles", d->name);
          goto fail;
        }
        canvas = wc_frame_alloc(NULL, tf, (int)g->width, (int)g->height);
        cfmt = tf;
      } else if ((canvas = av_frame_alloc())) {
        canvas->format = tf;
        canvas->width = (int)g->width;
        canvas->height = (int)g->height;
        if (av_frame_get_buffer(canvas, 0) < 0) av_frame_free(&canvas);
        afmt = tf;
      }
      if (!canvas) {
        av_frame_free(&f);
        snprintf(err, errlen, "out of memory for a %ux%u grid", g->width, g->height);
        goto fail;
      }
      av_frame_copy_props(canvas, f);
    } else if (tf != (alpha ? afmt : cfmt)) {
      av_frame_free(&f);
      snprintf(err, errlen, "AVIF: grid tiles decoded to different pixel formats");
      goto fail;
    }
    if (!alpha) {
      for (int p = 0; p < wc_pixfmt_get(cfmt)->planes; p++) {
        uint64_t x0 = row_bytes(cfmt, p, x), w = row_bytes(cfmt, p, g->width) - x0, tw = row_bytes(cfmt, p, g->tile_w);
        uint64_t y0 = wc_plane_rows(cfmt, p, y), h = wc_plane_rows(cfmt, p, g->height) - y0, th = wc_plane_rows(cfmt, p, g->tile_h);
        if (w > tw) w = tw;
        if (h > th) h = th;
        for (uint64_t r = 0; r < h; r++)
          memcpy(canvas->data[p] + (y0 + r) * (uint64_t)canvas->linesize[p] + x0, f->data[p] + r * (uint64_t)f->linesize[p],
                 (size_t)w);
      }
    } else {
      const AVPixFmtDescriptor *ad = av_pix_fmt_desc_get(afmt);
      uint64_t bpp = ad && ad->comp[0].depth > 8 ? 2 : 1, w = (uint64_t)(g->width - x), h = (uint64_t)(g->height - y);
      if (w > g->tile_w) w = g->tile_w;
      if (h > g->tile_h) h = g->tile_h;
      for (uint64_t r = 0; r < h; r++)
        memcpy(canvas->data[0] + (y + r) * (uint64_t)canvas->linesize[0] + x * bpp, f->data[0] + r * (uint64_t)f->linesize[0],
               (size_t)(w * bpp));
    }
    av_frame_free(&f);
  }
  *out = canvas;
  if (fmt) *fmt = cfmt;
  return 0;
fail:
  av_frame_free(&canvas);
  return -1;
}

/* An item image: a coded AV1 item, or a grid of them. Colour in a VideoPixelFormat (*fmt), alpha raw. */
static int avif_image(wc_image *im, AVCodecContext **ctx, const wc_heif_image *img, int alpha, AVFrame **out, int *fmt,
                      char *err, size_t errlen) {
  if (img->ntiles) return decode_grid(im, ctx, img, alpha, out, fmt, err, errlen);
  if (av1_item(im, ctx, img, out, err, errlen) < 0) return -1;
  if (!alpha && !(*out = wc_image_to_pixfmt(im, *out, 0, fmt, err, errlen))) return -1;
  return 0;
}

/*
 * Sample `index` of a sequence track through decoder *ctx (w: 0 colour, 1 alpha). Frames may depend on
 * earlier ones, so decoding runs in order from the sync sample at or before index, or on from where the
 * decoder is when that is on the way. The decoder is opened with AV_CODEC_FLAG_LOW_DELAY (libdav1d: one
 * frame in flight), so each sample's picture comes out as it goes in; a decoder that holds pictures back
 * is drained for the last one and flushed before the next call.
 */
static int seq_sample(wc_image *im, AVCodecContext **ctx, const wc_heif_track *t, int w, uint32_t index, AVFrame **out,
                      char *err, size_t errlen) {
  const uint8_t *d = wc_image_data(im);
  uint32_t start = index;
  AVFrame *f = NULL;
  AVPacket *pkt = NULL;
  char msg[128];
  int ret = 0;
  *out = NULL;
  while (start > 0 && !t->samples[start].sync) start--;
  if (!*ctx) {
    if (!(*ctx = open_codec_flags(av1_decoder(), t->av1c, (size_t)t->av1c_len, 0, AV_CODEC_FLAG_LOW_DELAY, err, errlen)))
      return -1;
    im->seq_sent[w] = im->seq_recv[w] = start;
    im->seq_dirty[w] = 0;
  } else if (im->seq_dirty[w] || im->seq_recv[w] > index || im->seq_recv[w] < start) {
    avcodec_flush_buffers(*ctx);
    im->seq_sent[w] = im->seq_recv[w] = start;
    im->seq_dirty[w] = 0;
  }
  if (!(f = av_frame_alloc()) || !(pkt = av_packet_alloc())) goto oom;
  while (im->seq_recv[w] <= index) {
    ret = avcodec_receive_frame(*ctx, f);
    if (ret == 0) {
      if (im->seq_recv[w] == index) {
        *out = f;
        f = NULL;
      } else {
        av_frame_unref(f);
      }
      im->seq_recv[w]++;
      continue;
    }
    if (ret != AVERROR(EAGAIN)) break;
    if (im->seq_sent[w] <= index) {
      const wc_heif_sample *s = &t->samples[im->seq_sent[w]];
      if (av_new_packet(pkt, (int)s->size) < 0) goto oom;
      memcpy(pkt->data, d + s->off, s->size);
      ret = avcodec_send_packet(*ctx, pkt);
      av_packet_unref(pkt);
      if (ret < 0) break;
      im->seq_sent[w]++;
    } else {
      im->seq_dirty[w] = 1; /* drained: flushed before it takes the next packet */
      if ((ret = avcodec_send_packet(*ctx, NULL)) < 0) break;
    }
  }
  av_frame_free(&f);
  av_packet_free(&pkt);
  if (*out && (*out)->width > 0 && (*out)->height > 0) return 0;
  av_frame_free(out);
  im->seq_dirty[w] = 1;
  if (ret == AVERROR_EOF || ret == AVERROR(EAGAIN) || ret == 0) {
    snprintf(err, errlen, "AVIF (AV1): sample %u of the sequence held no picture", index);
  } else {
    wc_averror_str(ret, msg, sizeof msg);
    snprintf(err, errlen, "AVIF (AV1): sample %u of the sequence: %s", index, msg);
  }
  return -1;
oom:
  av_frame_free(&f);
  av_packet_free(&pkt);
  snprintf(err, errlen, "out of memory");
  return -1;
}

static int decode_avif(wc_image *im, uint32_t index, AVFrame **out, int *fmt, char *err, size_t errlen) {
  const wc_heif *h = &im->heif;
  AVFrame *color = NULL, *alpha = NULL, *merged;
  int cfmt, seq = wc_image_avif_seq(im), has_alpha = seq ? h->seq_has_alpha : h->has_alpha;
  if (seq) {
    if (seq_sample(im, &im->ctx, &h->seq, 0, index, &color, err, errlen) < 0) return -1;
    if (!(color = wc_image_to_pixfmt(im, color, 0, &cfmt, err, errlen))) return -1;
  } else if (avif_image(im, &im->ctx, &h->color, 0, &color, &cfmt, err, errlen) < 0) {
    return -1;
  }
  if (!has_alpha) {
    *out = color;
    *fmt = cfmt;
    return 0;
  }
  if ((seq ? seq_sample(im, &im->actx, &h->seq_alpha, 1, index, &alpha, err, errlen)
           : avif_image(im, &im->actx, &h->alpha, 1, &alpha, NULL, err, errlen)) < 0) {
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
    case WC_IMAGE_AVIF: return decode_avif(im, index, out, fmt, err, errlen);
    default: snprintf(err, errlen, "unknown image format"); return -1;
  }
  if (r < 0) return -1;
  if (im->o.format == WC_IMAGE_PNG || im->o.format == WC_IMAGE_JPEG) {
    /* the ICC profile libavcodec read (PNG iCCP inflated, JPEG APP2 segments joined), for image_icc.c */
    const AVFrameSideData *sd = av_frame_get_side_data(f, AV_FRAME_DATA_ICC_PROFILE);
    if (sd && sd->size > 0 && (!im->icc_side || im->icc_side_len != sd->size || memcmp(im->icc_side, sd->data, sd->size))) {
      uint8_t *c = malloc(sd->size);
      if (c) {
        memcpy(c, sd->data, sd->size);
        free(im->icc_side);
        im->icc_side = c;
        im->icc_side_len = sd->size;
      }
    }
  }
  if (!(f = wc_image_to_pixfmt(im, f, rgb, fmt, err, errlen))) return -1;
  *out = f;
  return 0;
}
