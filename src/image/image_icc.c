/*
 * image_icc.c - colorSpaceConversion "default": a decoded image with an embedded ICC
 * profile (PNG iCCP, JPEG APP2 ICC_PROFILE, WebP ICCP, AVIF colr 'prof'/'rICC') is
 * converted to sRGB, as browsers draw such images. Little CMS 2 (lcms2) does the colour
 * management: ICC profiles are a whole language (matrix/TRC, LUT-based A2B/B2A tags,
 * parametric curves, chromatic adaptation) that a hand-written subset would get wrong on
 * real files; lcms2 is what most open-source viewers use, small, and packaged everywhere.
 *
 * What is converted: RGB profiles only (the output is RGBA/RGBX, 8-bit, sRGB). The frame
 * (any VideoPixelFormat: YUV is first converted to RGB with its own matrix and range, as
 * copyTo() would) is transformed with the perceptual intent, alpha copied. Grey and CMYK
 * profiles, and profiles lcms2 cannot read, leave the frame as it was (the frame keeps the
 * colour space it has; the profile is ignored, as "none" does).
 *
 * The transform is kept per decoder, keyed on the profile's bytes and the pixel layout.
 */
#include <lcms2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc/image/image_engine_internal.h"
#include "wc/video/frame_copy.h"
#include "wc/video/pixfmt.h"

void wc_image_icc_close(wc_image *im) {
  if (im->icc_xform) cmsDeleteTransform((cmsHTRANSFORM)im->icc_xform);
  if (im->icc_ctx) cmsDeleteContext((cmsContext)im->icc_ctx);
  free(im->icc_key);
  im->icc_xform = NULL;
  im->icc_ctx = NULL;
  im->icc_key = NULL;
  im->icc_key_len = 0;
  im->icc_bad = 0;
}

/* The transform from the profile to sRGB for 8-bit RGBA, or NULL (not an RGB profile, unreadable). */
static cmsHTRANSFORM transform(wc_image *im, const uint8_t *icc, size_t len) {
  cmsHPROFILE src, dst;
  cmsHTRANSFORM t = NULL;
  if (im->icc_key && im->icc_key_len == len && memcmp(im->icc_key, icc, len) == 0)
    return im->icc_bad ? NULL : (cmsHTRANSFORM)im->icc_xform;
  wc_image_icc_close(im);
  if (!(im->icc_key = malloc(len ? len : 1))) return NULL;
  memcpy(im->icc_key, icc, len);
  im->icc_key_len = len;
  im->icc_bad = 1;
  if (!(im->icc_ctx = cmsCreateContext(NULL, NULL))) return NULL;
  if (!(src = cmsOpenProfileFromMemTHR((cmsContext)im->icc_ctx, icc, (cmsUInt32Number)len))) return NULL;
  if (cmsGetColorSpace(src) == cmsSigRgbData && (dst = cmsCreate_sRGBProfileTHR((cmsContext)im->icc_ctx))) {
    t = cmsCreateTransformTHR((cmsContext)im->icc_ctx, src, TYPE_RGBA_8, dst, TYPE_RGBA_8, INTENT_PERCEPTUAL,
                              cmsFLAGS_COPY_ALPHA);
    cmsCloseProfile(dst);
  }
  cmsCloseProfile(src);
  if (!t) return NULL;
  im->icc_xform = t;
  im->icc_bad = 0;
  return t;
}

AVFrame *wc_image_icc_to_srgb(wc_image *im, const uint8_t *icc, size_t len, AVFrame *in, int *fmt, int matrix, int full_range,
                              char *err, size_t errlen) {
  const wc_pixfmt_desc *d = wc_pixfmt_get(*fmt);
  cmsHTRANSFORM t;
  AVFrame *out;
  int ofmt;
  if (len < 128 || len > (64u << 20) || !(t = transform(im, icc, len))) return in; /* left as it is */
  ofmt = d->alpha ? WC_PIX_RGBA : WC_PIX_RGBX;
  if (!(out = wc_frame_alloc(NULL, ofmt, in->width, in->height))) goto oom;
  if (*fmt == WC_PIX_RGBA || *fmt == WC_PIX_RGBX) {
    for (int y = 0; y < in->height; y++)
      memcpy(out->data[0] + (ptrdiff_t)y * out->linesize[0], in->data[0] + (ptrdiff_t)y * in->linesize[0], (size_t)in->width * 4);
  } else {
    wc_rect r = {0, 0, (uint32_t)in->width, (uint32_t)in->height};
    wc_convert_opts co = {ofmt, matrix, full_range == 1, 0, NULL, 0};
    if (wc_convert_to_rgb(in, *fmt, &r, &co, out->data[0], (size_t)out->linesize[0] * (size_t)in->height, 0,
                          (uint64_t)out->linesize[0], err, errlen) < 0) {
      av_frame_free(&out);
      av_frame_free(&in);
      return NULL;
    }
  }
  /* RGBX's fourth byte goes through as alpha: the transform copies it (cmsFLAGS_COPY_ALPHA) */
  for (int y = 0; y < in->height; y++) {
    uint8_t *row = out->data[0] + (ptrdiff_t)y * out->linesize[0];
    cmsDoTransform(t, row, row, (cmsUInt32Number)in->width);
  }
  av_frame_copy_props(out, in);
  av_frame_free(&in);
  *fmt = ofmt;
  return out;
oom:
  av_frame_free(&in);
  snprintf(err, errlen, "out of memory");
  return NULL;
}
