/*
 * image_engine.c - ImageDecoder's core: the encoded bytes, the container parser per
 * format, frame facts (counts, timing, loop counts) and the output side (conversion to a
 * VideoPixelFormat, desiredWidth/Height scaling, colour and orientation). The decoders
 * themselves are in image_codecs.c. See include/wc/image/image_engine.h.
 */
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "wc/image/image_engine_internal.h"
#include "wc/video/decoder.h"
#include "wc/video/frame_copy.h"
#include "wc/video/pixfmt.h"

/* ---------------------------------------------------------------- types */

int wc_image_format_from_type(const char *t) {
  static const struct {
    const char *type;
    int format;
  } types[] = {
      {"image/png", WC_IMAGE_PNG},   {"image/apng", WC_IMAGE_PNG},   {"image/jpeg", WC_IMAGE_JPEG},
      {"image/jpg", WC_IMAGE_JPEG},  {"image/pjpeg", WC_IMAGE_JPEG}, {"image/gif", WC_IMAGE_GIF},
      {"image/webp", WC_IMAGE_WEBP}, {"image/bmp", WC_IMAGE_BMP},    {"image/x-ms-bmp", WC_IMAGE_BMP},
      {"image/avif", WC_IMAGE_AVIF},
  };
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    if (strcmp(types[i].type, t) == 0) return types[i].format;
  return WC_IMAGE_NONE;
}

int wc_image_format_available(int format) {
  switch (format) {
    case WC_IMAGE_PNG: return avcodec_find_decoder_by_name("png") && avcodec_find_decoder_by_name("apng");
    case WC_IMAGE_JPEG: return avcodec_find_decoder_by_name("mjpeg") != NULL;
    case WC_IMAGE_GIF: return 1; /* our own decoder */
    case WC_IMAGE_WEBP: return avcodec_find_decoder_by_name("webp") != NULL;
    case WC_IMAGE_BMP: return avcodec_find_decoder_by_name("bmp") != NULL;
    case WC_IMAGE_AVIF: return avcodec_find_decoder_by_name("libdav1d") || avcodec_find_decoder_by_name("libaom-av1");
    default: return 0;
  }
}

/* ---------------------------------------------------------------- data */

wc_image *wc_image_new(const wc_image_opts *o) {
  wc_image *im = calloc(1, sizeof(*im));
  if (!im) return NULL;
  im->o = *o;
  return im;
}

void wc_image_reset_decoders(wc_image *im) {
  wc_image_codecs_close(im);
  av_frame_free(&im->last);
  im->last_valid = 0;
}

void wc_image_free(wc_image **pp) {
  wc_image *im = *pp;
  if (!im) return;
  wc_image_reset_decoders(im);
  sws_freeContext(im->sws);
  sws_freeContext(im->sws_frame);
  wc_scaler_clear(&im->scaler);
  wc_png_free(&im->png);
  wc_heif_free(&im->heif);
  wc_image_icc_close(im);
  free(im->icc_side);
  wc_gif_free(&im->gif);
  wc_webp_free(&im->webp);
  free(im->buf);
  free(im);
  *pp = NULL;
}

int wc_image_append(wc_image *im, const uint8_t *data, size_t len) {
  if (im->borrowed || im->complete) return AVERROR(EINVAL);
  if (len > SIZE_MAX / 2 - im->len) return AVERROR(ENOMEM);
  if (im->len + len > im->cap) {
    size_t cap = im->cap ? im->cap : 65536;
    uint8_t *b;
    while (cap < im->len + len) cap *= 2;
    if (!(b = realloc(im->buf, cap))) return AVERROR(ENOMEM);
    im->buf = b;
    im->cap = cap;
  }
  if (len) memcpy(im->buf + im->len, data, len);
  im->len += len;
  return 0;
}

void wc_image_adopt(wc_image *im, const uint8_t *data, size_t len) {
  im->borrowed = data;
  im->len = len;
  im->complete = 1;
}

void wc_image_set_complete(wc_image *im) { im->complete = 1; }
int wc_image_complete(const wc_image *im) { return im->complete; }

int wc_image_parse(wc_image *im, char *err, size_t errlen) {
  const uint8_t *d = wc_image_data(im);
  const char *msg = NULL;
  int r = 0;
  if (im->parse_error) {
    snprintf(err, errlen, "the image data is malformed");
    return -1;
  }
  if (im->len == 0) return 0;
  switch (im->o.format) {
    case WC_IMAGE_PNG: r = wc_png_scan(&im->png, d, im->len), msg = im->png.err; break;
    case WC_IMAGE_JPEG: r = wc_jpeg_scan(&im->jpeg, d, im->len), msg = im->jpeg.err; break;
    case WC_IMAGE_GIF: r = wc_gif_scan(&im->gif, d, im->len), msg = im->gif.err; break;
    case WC_IMAGE_WEBP: r = wc_webp_scan(&im->webp, d, im->len), msg = im->webp.err; break;
    case WC_IMAGE_BMP: r = wc_bmp_scan(&im->bmp, d, im->len), msg = im->bmp.err; break;
    case WC_IMAGE_AVIF:
      r = wc_heif_scan(&im->heif, d, im->len);
      if (r == 0 && im->complete) r = wc_heif_finish(&im->heif);
      msg = im->heif.err;
      break;
    default: snprintf(err, errlen, "unknown image format"); return -1;
  }
  if (r < 0) {
    im->parse_error = 1;
    snprintf(err, errlen, "%s", msg);
    return -1;
  }
  return 0;
}

/* ---------------------------------------------------------------- facts */

int wc_image_tracks_known(const wc_image *im) {
  switch (im->o.format) {
    case WC_IMAGE_PNG: return wc_png_tracks_known(&im->png);
    case WC_IMAGE_JPEG: return wc_jpeg_tracks_known(&im->jpeg);
    case WC_IMAGE_GIF: return wc_gif_tracks_known(&im->gif, im->complete);
    case WC_IMAGE_WEBP: return wc_webp_tracks_known(&im->webp);
    case WC_IMAGE_BMP: return wc_bmp_tracks_known(&im->bmp);
    case WC_IMAGE_AVIF: return wc_heif_tracks_known(&im->heif);
    default: return 0;
  }
}

uint32_t wc_image_track_count(const wc_image *im) {
  if (!wc_image_tracks_known(im)) return 0;
  if (im->o.format == WC_IMAGE_AVIF) return (uint32_t)im->heif.has_still + (uint32_t)im->heif.has_seq;
  return 1;
}

uint32_t wc_image_primary_track(const wc_image *im) {
  if (im->o.format == WC_IMAGE_AVIF && im->heif.has_still && im->heif.has_seq && im->heif.is_sequence) return 1;
  return 0;
}

void wc_image_track_facts(const wc_image *im, uint32_t t, int *animated, uint32_t *frames, double *repetition) {
  wc_image tmp = *im; /* the facts functions read im->track only */
  tmp.track = t;
  *animated = wc_image_animated(&tmp);
  *frames = wc_image_frame_count(&tmp);
  *repetition = wc_image_repetition_count(&tmp);
}

void wc_image_select_track(wc_image *im, uint32_t t) {
  wc_image_reset_decoders(im);
  im->track = t;
  im->ts_index = 0;
  im->ts_value = 0;
}

int wc_image_animated(const wc_image *im) {
  if (wc_image_avif_seq(im)) return 1;
  switch (im->o.format) {
    case WC_IMAGE_PNG: return im->png.animated;
    case WC_IMAGE_GIF: return wc_gif_animated(&im->gif);
    case WC_IMAGE_WEBP: return im->webp.animated;
    default: return 0;
  }
}

uint32_t wc_image_frame_count(const wc_image *im) {
  if (wc_image_avif_seq(im)) return im->heif.seq.nsamples; /* declared by the sample table */
  switch (im->o.format) {
    case WC_IMAGE_PNG: return im->png.frames_complete;
    case WC_IMAGE_JPEG: return im->jpeg.state == 3;
    case WC_IMAGE_GIF: return im->gif.frames_complete;
    case WC_IMAGE_WEBP: return im->webp.frames_complete;
    case WC_IMAGE_BMP: return im->bmp.complete || (im->complete && im->bmp.have_header);
    case WC_IMAGE_AVIF: return wc_heif_frame_complete(&im->heif, im->len);
    default: return 0;
  }
}

static uint32_t frames_started(const wc_image *im) {
  switch (im->o.format) {
    case WC_IMAGE_PNG: return im->png.nframes;
    case WC_IMAGE_JPEG: return im->jpeg.have_sof;
    case WC_IMAGE_GIF: return im->gif.nframes;
    case WC_IMAGE_WEBP: return im->webp.nframes;
    case WC_IMAGE_BMP: return im->bmp.have_header;
    case WC_IMAGE_AVIF: return im->heif.state == 2;
    default: return 0;
  }
}

double wc_image_repetition_count(const wc_image *im) {
  /* Repetitions after the first play. GIF's NETSCAPE count is already that (browsers play a
   * count of n n + 1 times); APNG's num_plays and WebP's loop count are total plays. */
  if (wc_image_avif_seq(im)) return im->heif.seq.repetition;
  switch (im->o.format) {
    case WC_IMAGE_PNG:
      if (!im->png.animated) return 0;
      return im->png.num_plays == 0 ? INFINITY : (double)im->png.num_plays - 1;
    case WC_IMAGE_GIF:
      if (!im->gif.loop_seen) return 0;
      return im->gif.loop_count == 0 ? INFINITY : (double)im->gif.loop_count;
    case WC_IMAGE_WEBP:
      if (!im->webp.animated) return 0;
      return im->webp.loop_count == 0 ? INFINITY : (double)im->webp.loop_count - 1;
    default: return 0;
  }
}

int wc_image_frame_state(const wc_image *im, uint32_t index, uint32_t *partial_gen) {
  if (partial_gen) *partial_gen = 0;
  if (wc_image_avif_seq(im)) {
    if (index >= im->heif.seq.nsamples) return WC_FRAME_RANGE;
    if (wc_heif_sample_complete(&im->heif, index, im->len)) return WC_FRAME_READY;
    return im->complete ? WC_FRAME_TRUNCATED : WC_FRAME_WAIT;
  }
  if (index < wc_image_frame_count(im)) return WC_FRAME_READY;
  if (im->o.format == WC_IMAGE_JPEG && index == 0 && im->jpeg.progressive && partial_gen && !im->complete)
    *partial_gen = im->jpeg.scans;
  if (!im->complete) return WC_FRAME_WAIT;
  return index < frames_started(im) ? WC_FRAME_TRUNCATED : WC_FRAME_RANGE;
}

static int64_t frame_duration(const wc_image *im, uint32_t i) {
  if (wc_image_avif_seq(im)) return i < im->heif.seq.nsamples ? im->heif.seq.samples[i].dur_us : -1;
  switch (im->o.format) {
    case WC_IMAGE_PNG: return im->png.animated && i < im->png.nframes ? im->png.frames[i].duration_us : -1;
    case WC_IMAGE_GIF: return i < im->gif.nframes ? im->gif.frames[i].duration_us : -1;
    case WC_IMAGE_WEBP: return im->webp.animated && i < im->webp.nframes ? im->webp.frames[i].duration_us : -1;
    default: return -1;
  }
}

/* "Decode Complete Frame" step 11.3: a still image's timestamp is 0; an animation's is the
 * sum of the durations before it (what "trivially generated from metadata" gives). */
static int64_t frame_timestamp(wc_image *im, uint32_t index) {
  if (wc_image_avif_seq(im)) return index < im->heif.seq.nsamples ? im->heif.seq.samples[index].ts_us : 0; /* stts */
  if (index < im->ts_index) {
    im->ts_index = 0;
    im->ts_value = 0;
  }
  while (im->ts_index < index) {
    int64_t d = frame_duration(im, im->ts_index++);
    if (d > 0) im->ts_value += d;
  }
  return im->ts_value;
}

/* ---------------------------------------------------------------- output */

AVFrame *wc_image_canvas_frame(const uint8_t *rgba, uint32_t w, uint32_t h) {
  AVFrame *f = wc_frame_alloc(NULL, WC_PIX_RGBA, (int)w, (int)h);
  if (!f) return NULL;
  for (uint32_t y = 0; y < h; y++) memcpy(f->data[0] + (size_t)y * f->linesize[0], rgba + (size_t)y * w * 4, (size_t)w * 4);
  return f;
}

/* RGB-family formats libavcodec's png/bmp/webp decoders give, converted exactly by hand. */
static AVFrame *rgb_by_hand(AVFrame *in, int *fmt) {
  const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(in->format);
  int w = in->width, h = in->height, alpha = 0;
  AVFrame *out;
  if (!desc) return NULL;
  switch (in->format) {
    case AV_PIX_FMT_RGB24: case AV_PIX_FMT_BGR24: case AV_PIX_FMT_GRAY8: case AV_PIX_FMT_GRAY16BE:
    case AV_PIX_FMT_RGB48BE: case AV_PIX_FMT_RGB565LE: case AV_PIX_FMT_RGB555LE: break;
    case AV_PIX_FMT_YA8: case AV_PIX_FMT_YA16BE: case AV_PIX_FMT_RGBA64BE: case AV_PIX_FMT_ARGB: alpha = 1; break;
    case AV_PIX_FMT_PAL8: {
      const uint32_t *pal = (const uint32_t *)in->data[1];
      for (int i = 0; i < 256; i++)
        if ((pal[i] >> 24) != 0xff) alpha = 1;
      break;
    }
    default: return NULL;
  }
  *fmt = alpha ? WC_PIX_RGBA : WC_PIX_RGBX;
  if (!(out = wc_frame_alloc(NULL, *fmt, w, h))) return NULL;
  for (int y = 0; y < h; y++) {
    const uint8_t *s = in->data[0] + (ptrdiff_t)y * in->linesize[0];
    uint8_t *d = out->data[0] + (ptrdiff_t)y * out->linesize[0];
    for (int x = 0; x < w; x++, d += 4) {
      switch (in->format) {
        case AV_PIX_FMT_RGB24: d[0] = s[3 * x], d[1] = s[3 * x + 1], d[2] = s[3 * x + 2], d[3] = 255; break;
        case AV_PIX_FMT_BGR24: d[0] = s[3 * x + 2], d[1] = s[3 * x + 1], d[2] = s[3 * x], d[3] = 255; break;
        case AV_PIX_FMT_GRAY8: d[0] = d[1] = d[2] = s[x], d[3] = 255; break;
        case AV_PIX_FMT_GRAY16BE: d[0] = d[1] = d[2] = s[2 * x], d[3] = 255; break; /* 16 -> 8 bits: the high byte */
        case AV_PIX_FMT_RGB48BE: d[0] = s[6 * x], d[1] = s[6 * x + 2], d[2] = s[6 * x + 4], d[3] = 255; break;
        case AV_PIX_FMT_RGB565LE: {
          uint32_t v = wc_rd16le(s + 2 * x), r = v >> 11, g = (v >> 5) & 63, b = v & 31;
          d[0] = (uint8_t)(r << 3 | r >> 2), d[1] = (uint8_t)(g << 2 | g >> 4), d[2] = (uint8_t)(b << 3 | b >> 2), d[3] = 255;
          break;
        }
        case AV_PIX_FMT_RGB555LE: {
          uint32_t v = wc_rd16le(s + 2 * x), r = (v >> 10) & 31, g = (v >> 5) & 31, b = v & 31;
          d[0] = (uint8_t)(r << 3 | r >> 2), d[1] = (uint8_t)(g << 3 | g >> 2), d[2] = (uint8_t)(b << 3 | b >> 2), d[3] = 255;
          break;
        }
        case AV_PIX_FMT_YA8: d[0] = d[1] = d[2] = s[2 * x], d[3] = s[2 * x + 1]; break;
        case AV_PIX_FMT_YA16BE: d[0] = d[1] = d[2] = s[4 * x], d[3] = s[4 * x + 2]; break;
        case AV_PIX_FMT_RGBA64BE: d[0] = s[8 * x], d[1] = s[8 * x + 2], d[2] = s[8 * x + 4], d[3] = s[8 * x + 6]; break;
        case AV_PIX_FMT_ARGB: d[0] = s[4 * x + 1], d[1] = s[4 * x + 2], d[2] = s[4 * x + 3], d[3] = s[4 * x]; break;
        case AV_PIX_FMT_PAL8: {
          uint32_t c = ((const uint32_t *)in->data[1])[s[x]];
          d[0] = (uint8_t)(c >> 16), d[1] = (uint8_t)(c >> 8), d[2] = (uint8_t)c, d[3] = (uint8_t)(c >> 24);
          break;
        }
        default: break;
      }
    }
  }
  return out;
}

AVFrame *wc_image_to_pixfmt(wc_image *im, AVFrame *in, int rgb_family, int *fmt, char *err, size_t errlen) {
  int m = wc_pixfmt_from_av(in->format);
  AVFrame *out;
  if (m >= 0 && (!rgb_family || wc_pixfmt_get(m)->rgb)) {
    if (m == WC_PIX_BGRA || m == WC_PIX_RGBA) {
      /* BMP's 32-bit BI_RGB rows have an unused fourth byte, usually 0: opaque, as browsers show it */
      int any = 0;
      for (int y = 0; y < in->height && !any; y++) {
        const uint8_t *s = in->data[0] + (ptrdiff_t)y * in->linesize[0];
        for (int x = 0; x < in->width; x++)
          if (s[4 * x + 3]) {
            any = 1;
            break;
          }
      }
      if (!any && im->o.format == WC_IMAGE_BMP) m = m == WC_PIX_BGRA ? WC_PIX_BGRX : WC_PIX_RGBX;
    }
    *fmt = m;
    return in;
  }
  if (rgb_family) {
    if ((out = rgb_by_hand(in, fmt))) {
      av_frame_free(&in);
      return out;
    }
    /* anything else (1-bit, 16-bit grey with alpha variants...): swscale to RGBA */
    {
      const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(in->format);
      int alpha = desc && (desc->flags & AV_PIX_FMT_FLAG_ALPHA);
      *fmt = alpha ? WC_PIX_RGBA : WC_PIX_RGBX;
      if (!(out = wc_frame_alloc(NULL, *fmt, in->width, in->height))) goto oom;
      im->sws = sws_getCachedContext(im->sws, in->width, in->height, in->format, in->width, in->height,
                                     alpha ? AV_PIX_FMT_RGBA : AV_PIX_FMT_RGB0, SWS_POINT, NULL, NULL, NULL);
      if (!im->sws || sws_scale(im->sws, (const uint8_t *const *)in->data, in->linesize, 0, in->height, out->data,
                                out->linesize) < 0) {
        av_frame_free(&out);
        av_frame_free(&in);
        snprintf(err, errlen, "cannot convert %s to RGBA", av_get_pix_fmt_name(in->format));
        return NULL;
      }
      av_frame_free(&in);
      return out;
    }
  }
  {
    int target = wc_pixfmt_convert_target(in->format);
    char why[128];
    out = wc_decoder_convert_frame(&im->scaler, in, target, why, sizeof why);
    av_frame_free(&in);
    if (!out) {
      snprintf(err, errlen, "%s", why);
      return NULL;
    }
    *fmt = target;
    return out;
  }
oom:
  av_frame_free(&in);
  snprintf(err, errlen, "out of memory");
  return NULL;
}

/* desiredWidth/desiredHeight: swscale into the same format. */
static AVFrame *scale(wc_image *im, AVFrame *in, int fmt, char *err, size_t errlen) {
  uint32_t w = im->o.desired_width, h = im->o.desired_height;
  const wc_pixfmt_desc *d = wc_pixfmt_get(fmt);
  AVFrame *out;
  int avf = d->av != -1 ? d->av : d->av_opaque;
  if (!w || !h || (w == (uint32_t)in->width && h == (uint32_t)in->height)) return in;
  if (wc_image_check_size(w, h, err, errlen) < 0) {
    av_frame_free(&in);
    return NULL;
  }
  if (d->av == -1 && d->alpha) {
    /* I420AP12 has no AVPixelFormat: scale it as 4:4:4 12-bit planes would need another path */
    snprintf(err, errlen, "scaling %s is not supported", d->name);
    av_frame_free(&in);
    return NULL;
  }
  if (!(out = wc_frame_alloc(NULL, fmt, (int)w, (int)h))) {
    av_frame_free(&in);
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  im->sws = sws_getCachedContext(im->sws, in->width, in->height, avf, (int)w, (int)h, avf,
                                 SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP, NULL, NULL, NULL);
  if (!im->sws || sws_scale(im->sws, (const uint8_t *const *)in->data, in->linesize, 0, in->height, out->data,
                            out->linesize) < 0) {
    av_frame_free(&out);
    av_frame_free(&in);
    snprintf(err, errlen, "scaling to %ux%u failed", w, h);
    return NULL;
  }
  av_frame_copy_props(out, in);
  av_frame_free(&in);
  return out;
}

static void colour(const wc_image *im, const AVFrame *f, int fmt, wc_image_out *o) {
  const wc_pixfmt_desc *d = wc_pixfmt_get(fmt);
  if (d->rgb) {
    o->primaries = AVCOL_PRI_BT709;
    o->transfer = AVCOL_TRC_IEC61966_2_1;
    o->matrix = AVCOL_SPC_RGB;
    o->full_range = 1;
    return;
  }
  switch (im->o.format) {
    case WC_IMAGE_JPEG:
      /* JFIF: sRGB content, BT.601 matrix, full range (what Chrome reports, gfx::ColorSpace::CreateJpeg) */
      o->primaries = AVCOL_PRI_BT709;
      o->transfer = AVCOL_TRC_IEC61966_2_1;
      o->matrix = AVCOL_SPC_SMPTE170M;
      o->full_range = 1;
      break;
    case WC_IMAGE_WEBP:
      /* VP8: BT.601 limited range, sRGB content */
      o->primaries = AVCOL_PRI_BT709;
      o->transfer = AVCOL_TRC_IEC61966_2_1;
      o->matrix = AVCOL_SPC_SMPTE170M;
      o->full_range = 0;
      break;
    case WC_IMAGE_AVIF: {
      /* nclx (the item's, or the sequence's sample entry's) when present, else the AV1 sequence
       * header's; unspecified values as AVIF's defaults (1/13/6) */
      const wc_heif_colr *h = wc_image_avif_seq(im) ? &im->heif.seq.colr : &im->heif.colr;
      int p = h->has_nclx ? h->primaries : (int)f->color_primaries, t = h->has_nclx ? h->transfer : (int)f->color_trc,
          m = h->has_nclx ? h->matrix : (int)f->colorspace;
      o->primaries = p == AVCOL_PRI_UNSPECIFIED ? AVCOL_PRI_BT709 : p;
      o->transfer = t == AVCOL_TRC_UNSPECIFIED ? AVCOL_TRC_IEC61966_2_1 : t;
      o->matrix = m == AVCOL_SPC_UNSPECIFIED ? AVCOL_SPC_SMPTE170M : m;
      o->full_range = h->has_nclx ? h->full_range : f->color_range == AVCOL_RANGE_JPEG;
      break;
    }
    default:
      o->primaries = f->color_primaries;
      o->transfer = f->color_trc;
      o->matrix = f->colorspace;
      o->full_range = f->color_range == AVCOL_RANGE_JPEG ? 1 : f->color_range == AVCOL_RANGE_MPEG ? 0 : -1;
      break;
  }
}

static wc_orientation orientation(const wc_image *im) {
  switch (im->o.format) {
    case WC_IMAGE_JPEG: return wc_orientation_from_exif(im->jpeg.orientation);
    case WC_IMAGE_PNG: return wc_orientation_from_exif(im->png.orientation);
    case WC_IMAGE_AVIF: return wc_image_avif_seq(im) ? (wc_orientation){0, 0} : im->heif.orientation;
    default: return (wc_orientation){0, 0};
  }
}

/* The embedded ICC profile of the selected track, or NULL. */
static const uint8_t *icc_profile(const wc_image *im, size_t *len) {
  const uint8_t *d = wc_image_data(im);
  switch (im->o.format) {
    case WC_IMAGE_PNG: case WC_IMAGE_JPEG: *len = im->icc_side_len; return im->icc_side; /* libavcodec found it */
    case WC_IMAGE_WEBP:
      *len = im->webp.icc_len;
      return im->webp.has_icc && im->webp.icc_off + im->webp.icc_len <= im->len ? d + im->webp.icc_off : NULL;
    case WC_IMAGE_AVIF: {
      const wc_heif_colr *c = wc_image_avif_seq(im) ? &im->heif.seq.colr : &im->heif.colr;
      *len = (size_t)c->icc_len;
      return c->has_icc && c->icc_off + c->icc_len <= im->len ? d + c->icc_off : NULL;
    }
    default: return NULL;
  }
}

int wc_image_decode(wc_image *im, uint32_t index, int partial, wc_image_out *out, char *err, size_t errlen) {
  const uint8_t *icc;
  size_t icc_len = 0;
  AVFrame *f = NULL;
  int fmt = -1;
  memset(out, 0, sizeof(*out));
  if (!partial && im->last_valid && im->last_index == index && im->last_out.complete) {
    *out = im->last_out;
    if (!(out->frame = av_frame_clone(im->last))) goto oom;
    return 0;
  }
  if (wc_image_codec_decode(im, index, partial, &f, &fmt, err, errlen) < 0) return -1;
  if (im->o.convert_icc && (icc = icc_profile(im, &icc_len))) {
    /* colorSpaceConversion "default": the profile's colours as sRGB (the YUV -> RGB step uses the frame's own
     * matrix and range, as colour() reports them) */
    colour(im, f, fmt, out);
    if (!(f = wc_image_icc_to_srgb(im, icc, icc_len, f, &fmt, out->matrix, out->full_range, err, errlen))) return -1;
  }
  if (!(f = scale(im, f, fmt, err, errlen))) return -1;
  out->frame = f;
  out->format = fmt;
  out->duration = frame_duration(im, index);
  out->timestamp = wc_image_animated(im) ? frame_timestamp(im, index) : 0;
  out->complete = !partial;
  out->generation = partial ? im->jpeg.scans : 0;
  out->orientation = orientation(im);
  colour(im, f, fmt, out);
  av_frame_free(&im->last);
  im->last_valid = 0;
  if (!partial && (im->last = av_frame_clone(f))) {
    im->last_valid = 1;
    im->last_index = index;
    im->last_out = *out;
    im->last_out.frame = NULL;
  }
  return 0;
oom:
  snprintf(err, errlen, "out of memory");
  return -1;
}
