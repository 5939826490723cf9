/*
 * decoder_engine.c - the parts of decoding that need no Node-API: choosing and
 * opening the libavcodec decoder for a VideoDecoderConfig, and converting frames
 * whose pixel format has no VideoPixelFormat. Used by the decoder worker, by
 * isConfigSupported on the thread pool, and by the decoder fuzz target.
 */
#include <libavcodec/avcodec.h>
#include <libavutil/cpu.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
#include <stdio.h>
#include <string.h>

#include "wc/formats/codec_string.h"
#include "wc/formats/config_record.h"
#include "wc/video/decoder.h"
#include "wc/engine/errors.h"
#include "wc/video/frame_copy.h"
#include "wc/video/pixfmt.h"
#include "wc/video/colorspace.h"
#include "wc/video/scaler.h"

static const AVCodec *find_decoder(int kind) {
  switch (kind) {
    case WC_CODEC_H264: return avcodec_find_decoder(AV_CODEC_ID_H264);
    case WC_CODEC_HEVC: return avcodec_find_decoder(AV_CODEC_ID_HEVC);
    case WC_CODEC_VP8: return avcodec_find_decoder_by_name("vp8") ? avcodec_find_decoder_by_name("vp8")
                                                                  : avcodec_find_decoder(AV_CODEC_ID_VP8);
    case WC_CODEC_VP9: return avcodec_find_decoder_by_name("vp9") ? avcodec_find_decoder_by_name("vp9")
                                                                  : avcodec_find_decoder(AV_CODEC_ID_VP9);
    case WC_CODEC_AV1: {
      /* FFmpeg's own "av1" decoder needs a hardware accelerator before 6.x; prefer dav1d. */
      const AVCodec *c = avcodec_find_decoder_by_name("libdav1d");
      if (!c) c = avcodec_find_decoder_by_name("libaom-av1");
      return c;
    }
    default: return NULL;
  }
}

/* Opens a decoder for cfg. Returns 0 or a negative AVERROR; *out owns the context. Any thread. */
int wc_decoder_open(const wc_decoder_params *p, AVCodecContext **out, char *why, size_t whylen) {
  const AVCodec *codec;
  AVCodecContext *ctx;
  int ret;
  *out = NULL;
  if (wc_config_record_check(p->codec_kind, p->extradata, (size_t)p->extradata_size, why, whylen) < 0)
    return AVERROR_INVALIDDATA;
  if (!(codec = find_decoder(p->codec_kind))) {
    snprintf(why, whylen, "no decoder for this codec in the FFmpeg build");
    return AVERROR_DECODER_NOT_FOUND;
  }
  if (!(ctx = avcodec_alloc_context3(codec))) return AVERROR(ENOMEM);
  ctx->pkt_timebase = (AVRational){1, 1000000};
  ctx->apply_cropping = 0; /* cropping becomes the VideoFrame's visibleRect: no copy */
  /* Default thread count: FFmpeg's automatic count (cores + 1 frame threads, what `ffmpeg -threads
   * auto` uses), measured on 2 cores (bench/run.js, paired runs of 4-6 rounds each): HEVC, VP8 and
   * VP9 decode 5-14% faster than with one thread per core (the extra frame thread keeps both cores
   * busy while the JS thread takes its turns), AV1 (libdav1d) the same. H.264 too since codec threads
   * run at normal weight (src/engine/sched.c): beside a CPU hog a process's share follows its
   * number of runnable threads, and with one per core 1080p H.264 kept 0.85 of the CLI's speed
   * beside the same hog against 0.95 with cores + 1 (event loop alone p99 2.1 -> 2.4 ms). */
  ctx->thread_count = p->threads > 0 ? p->threads : 0;
  /* Small frames (a coded size from the config of at most 320x240 by area): one thread. Frame
   * threads cost more in hand-offs than they give at that size, for libavcodec alone as for this
   * library: 320x240, 150 frames x 40 (bench/ceiling.c), H.264 1.10-1.17 s with one thread against
   * 1.27-1.37 s automatic; the library (one decoder, queue of 64) 4-14% faster with one thread on
   * H.264, HEVC, VP8 and VP9 at 0.3, 0.6 and 1.2 Mb/s. Above that size it depends on the codec and
   * the bitrate (at 384x216 and 426x240 H.264 and VP8 lose with one thread, VP9 gains), so larger
   * frames keep FFmpeg's automatic count. Not libdav1d: its own threads win at 240p too (512-525 ms
   * automatic against 547-552 ms with one). */
  if (p->threads <= 0 && p->coded_width > 0 && p->coded_height > 0 &&
      (int64_t)p->coded_width * p->coded_height <= WC_DECODER_SMALL_AREA && strcmp(codec->name, "libdav1d") != 0)
    ctx->thread_count = 1;
  if (p->low_delay) {
    ctx->thread_type = FF_THREAD_SLICE;
    ctx->flags |= AV_CODEC_FLAG_LOW_DELAY;
    if (strcmp(codec->name, "libdav1d") == 0) av_opt_set_int(ctx->priv_data, "max_frame_delay", 1, 0);
  } else {
    ctx->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
  }
  if (p->coded_width > 0 && p->coded_height > 0) {
    ctx->width = ctx->coded_width = p->coded_width;
    ctx->height = ctx->coded_height = p->coded_height;
  }
  if (p->extradata && p->extradata_size > 0) {
    ctx->extradata = av_mallocz((size_t)p->extradata_size + AV_INPUT_BUFFER_PADDING_SIZE);
    if (!ctx->extradata) {
      avcodec_free_context(&ctx);
      return AVERROR(ENOMEM);
    }
    memcpy(ctx->extradata, p->extradata, (size_t)p->extradata_size);
    ctx->extradata_size = p->extradata_size;
  }
  /* libavcodec checks it at each frame allocation, libdav1d takes it at open (frame_size_limit) */
  if (p->max_pixels > 0) ctx->max_pixels = p->max_pixels;
  /* Strict: a slice that does not decode is an error, not a concealed picture (H.264, HEVC). */
  if (p->strict) ctx->err_recognition |= AV_EF_EXPLODE;
  if ((ret = avcodec_open2(ctx, codec, NULL)) < 0) {
    char msg[128];
    wc_averror_str(ret, msg, sizeof msg);
    snprintf(why, whylen, "%s could not be opened: %s", codec->name, msg);
    avcodec_free_context(&ctx);
    return ret;
  }
  *out = ctx;
  return 0;
}

/* The yuvj formats are their yuv twins with full range (said explicitly in the key instead). */
static int unj(int f) {
  switch (f) {
    case AV_PIX_FMT_YUVJ420P: return AV_PIX_FMT_YUV420P;
    case AV_PIX_FMT_YUVJ422P: return AV_PIX_FMT_YUV422P;
    case AV_PIX_FMT_YUVJ444P: return AV_PIX_FMT_YUV444P;
    case AV_PIX_FMT_YUVJ440P: return AV_PIX_FMT_YUV440P;
    default: return f;
  }
}

/*
 * Converts a frame whose format has no VideoPixelFormat (4:4:0, gbrp, grey, ...). YUV and grey keep
 * their matrix and range (only the layout changes); RGB planes become YUV with BT.709 coefficients
 * at full range, and the frame says so. The conversion is keyed on the frame's format, size, matrix
 * and range, so a stream that changes any of them mid-way is converted right on both sides of the change.
 */
AVFrame *wc_decoder_convert_frame(wc_scaler *sc, const AVFrame *in, int target, char *why, size_t whylen) {
  const wc_pixfmt_desc *td = wc_pixfmt_get(target);
  const AVPixFmtDescriptor *sd = av_pix_fmt_desc_get(in->format);
  int rgb = sd && (sd->flags & AV_PIX_FMT_FLAG_RGB);
  int full = in->color_range == AVCOL_RANGE_JPEG || unj(in->format) != in->format;
  wc_scale_key key;
  AVFrame *out;
  int ret;
  if (!(out = wc_frame_alloc(NULL, target, in->width, in->height))) {
    snprintf(why, whylen, "out of memory");
    return NULL;
  }
  memset(&key, 0, sizeof key);
  key.src_fmt = unj(in->format);
  key.src_w = key.dst_w = in->width;
  key.src_h = key.dst_h = in->height;
  key.dst_fmt = td->av != -1 ? td->av : td->av_opaque;
  if (rgb) {
    key.src_cs = SWS_CS_DEFAULT; /* not read for RGB */
    key.src_range = 1;
    key.dst_cs = SWS_CS_ITU709;
    key.dst_range = 1;
  } else {
    key.src_cs = key.dst_cs = wc_sws_colorspace(in->colorspace, in->height);
    key.src_range = key.dst_range = full;
  }
  key.flags = SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP;
  key.threads = 1;
  if ((ret = wc_scaler_convert(sc, &key, out, in)) < 0) {
    av_frame_free(&out);
    snprintf(why, whylen, "swscale cannot convert %s", av_get_pix_fmt_name(in->format));
    return NULL;
  }
  av_frame_copy_props(out, in);
  out->crop_left = in->crop_left;
  out->crop_right = in->crop_right;
  out->crop_top = in->crop_top;
  out->crop_bottom = in->crop_bottom;
  if (rgb) {
    /* RGB planes converted to YUV: the frame now carries the matrix and range swscale used */
    out->colorspace = AVCOL_SPC_BT709;
    out->color_range = AVCOL_RANGE_JPEG;
  } else if (full) {
    out->color_range = AVCOL_RANGE_JPEG; /* a yuvj source's range is in its format, which the copy lost */
  }
  return out;
}

wc_rect wc_decoded_visible_rect(const AVFrame *f, int fmt) {
  const wc_pixfmt_desc *pd = wc_pixfmt_get(fmt);
  int64_t w = f->width, h = f->height;
  int64_t cl = (int64_t)f->crop_left, cr = (int64_t)f->crop_right, ct = (int64_t)f->crop_top,
          cb = (int64_t)f->crop_bottom;
  int64_t sw = pd && pd->planes > 1 ? pd->sub_w[1] : 1, sh = pd && pd->planes > 1 ? pd->sub_h[1] : 1;
  if (cl < 0 || cr < 0 || ct < 0 || cb < 0 || cl + cr >= w || ct + cb >= h) cl = cr = ct = cb = 0;
  /* A visible rect must start on a chroma sample ("Verify Rect Offset Alignment"); FFmpeg passes a
   * stream's crop through as it is (4:0:0 H.264 crops in single lines): widen the rect to the
   * sample grid rather than hand out a frame whose default copyTo() fails. */
  cl -= cl % sw;
  ct -= ct % sh;
  return (wc_rect){(uint32_t)cl, (uint32_t)ct, (uint32_t)(w - cl - cr), (uint32_t)(h - ct - cb)};
}
