/*
 * encoder_params.c - the choices made for each libavcodec encoder: which one
 * serves a codec string, its input pixel format, profile and level, latency and
 * rate-control options, and per-frame key frames and quantizers.
 * Any thread (the worker, and the thread pool for isConfigSupported).
 *
 *   avc1/avc3  libx264      realtime: veryfast + zerolatency; quality: medium, lookahead 2, sliced threads
 *   hvc1/hev1  libx265      realtime: ultrafast + zerolatency; quality: fast, no lookahead, one frame thread
 *   vp8        libvpx       realtime: deadline realtime, cpu-used -6 (fixed); quality: good, cpu-used 4; no lag
 *   vp09       libvpx-vp9   realtime: deadline realtime, cpu-used 8, row-mt; quality: good, cpu-used 4; no lag
 *   av01       libaom-av1   realtime: usage realtime, cpu-used 8; quality: good, cpu-used 6, no lag
 *              quality above 720p's area (wc_enc_fast_quality): the realtime-class speeds browsers
 *              run in both modes: VP8 realtime -6, VP9 realtime 6 + cyclic-refresh AQ, AV1 realtime 7
 *              (libsvtav1 when libaom is absent: it cannot force key frames in every mode)
 *
 * Per-frame quantizers (bitrateMode "quantizer") arrive on the registrations' scales: the QP
 * (0-51) for AVC/HEVC, the quantizer index (0-255) for VP9/AV1, which libvpx, libaom and
 * SVT-AV1 take on their 0-63 scale (wc_enc_native_quantizer). x264 runs in CRF mode with a flat
 * curve (qcomp 1, no AQ, ipratio 1) so that the CRF is the frame QP, and the wrapper's
 * reconfigure applies a new CRF to the next frame exactly; libvpx re-reads qmax per
 * frame (in Q mode aiming at the worst quality, so qmax is the quantizer); x265,
 * libaom and SVT-AV1 have no per-frame control in any FFmpeg release, so a changed
 * quantizer reopens the encoder (after draining it), which starts a new key frame.
 *
 * Never B-frames, alt-ref or frame dropping: every frame gives exactly one chunk,
 * in input order.
 */
#include <libavutil/cpu.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <stdio.h>
#include <string.h>

#include <pthread.h>
#include <stdlib.h>

#include "wc/video/encoder.h"
#include "wc/video/pixfmt.h"

#define GOP 3000 /* key frames come when asked for (or at a scene cut), as in browsers */

static int supports_fmt(const AVCodec *c, enum AVPixelFormat f) {
  if (!c->pix_fmts) return 1;
  for (const enum AVPixelFormat *p = c->pix_fmts; *p != AV_PIX_FMT_NONE; p++)
    if (*p == f) return 1;
  return 0;
}

static int depth_of(int src_fmt) {
  const wc_pixfmt_desc *d = wc_pixfmt_get(src_fmt);
  return d ? d->bit_depth : 8;
}

/* chroma layout of the source: 0 = 4:2:0, 1 = 4:2:2, 2 = 4:4:4; RGB counts as 4:4:4 (converted to
 * it without subsampling) and a missing source (configure, isConfigSupported) as 4:2:0 */
static int chroma_of(int src_fmt) {
  const wc_pixfmt_desc *d = src_fmt >= 0 ? wc_pixfmt_get(src_fmt) : NULL;
  if (!d) return 0;
  if (d->rgb) return 2;
  if (d->planes < 3) return 0;
  if (d->sub_w[1] == 1) return 2;
  return d->sub_h[1] == 1 ? 1 : 0;
}

/* enum wc_chroma (the codec string's) -> our 0/1/2 layout index; -1 for none or one we do not encode */
static int chroma_index(int c) {
  return c == WC_CHROMA_420 ? 0 : c == WC_CHROMA_422 ? 1 : c == WC_CHROMA_444 ? 2 : -1;
}

/*
 * HEVC range extensions (general_profile_idc 4): the format the codec string's constraint flags name
 * (H.265 Table A.2: general_max_12bit, max_10bit, max_8bit, max_422chroma in the first constraint
 * byte, max_420chroma, max_monochrome in the second), as 0 and *chroma / *depth; -1 when the
 * string has no such flags or names a format x265 does not encode (monochrome, 16-bit, or an
 * inconsistent set): the source then decides, among those RExt allows.
 */
static int hevc_rext_format(const wc_codec_info *ci, int *chroma, int *depth) {
  int b0, b1, max12, max10, max8, max422, max420, mono;
  if (ci->n_constraint_bytes < 2) return -1;
  b0 = ci->constraint_bytes[0];
  b1 = ci->constraint_bytes[1];
  max12 = b0 >> 3 & 1, max10 = b0 >> 2 & 1, max8 = b0 >> 1 & 1, max422 = b0 & 1;
  max420 = b1 >> 7 & 1, mono = b1 >> 6 & 1;
  if (mono || !max12 || (max8 && !max10) || (max420 && !max422)) return -1;
  *depth = max8 ? 8 : max10 ? 10 : 12;
  *chroma = max420 ? 0 : max422 ? 1 : 2;
  return 0;
}

static enum AVPixelFormat yuv(int chroma, int depth) {
  static const enum AVPixelFormat t[3][3] = {
      {AV_PIX_FMT_YUV420P, AV_PIX_FMT_YUV420P10, AV_PIX_FMT_YUV420P12},
      {AV_PIX_FMT_YUV422P, AV_PIX_FMT_YUV422P10, AV_PIX_FMT_YUV422P12},
      {AV_PIX_FMT_YUV444P, AV_PIX_FMT_YUV444P10, AV_PIX_FMT_YUV444P12},
  };
  return t[chroma][depth >= 12 ? 2 : depth >= 10 ? 1 : 0];
}

int wc_enc_choose(const wc_enc_config *cfg, int src_fmt, wc_enc_choice *out, char *why, size_t whylen) {
  const wc_codec_info *ci = &cfg->info;
  const wc_pixfmt_desc *sd = wc_pixfmt_get(src_fmt);
  int src_depth = src_fmt >= 0 ? depth_of(src_fmt) : 8;
  int src_chroma = chroma_of(src_fmt);
  memset(out, 0, sizeof(*out));
  if (cfg->width < 2 || cfg->height < 2 || cfg->width > 16384 || cfg->height > 16384) {
    snprintf(why, whylen, "%dx%d is outside the encodable sizes (2x2 to 16384x16384)", cfg->width, cfg->height);
    return -1;
  }
  if (cfg->display_width < 1 || cfg->display_height < 1 || cfg->display_width > 65535 || cfg->display_height > 65535) {
    snprintf(why, whylen, "display size %dx%d is outside 1x1 to 65535x65535 (what containers can carry)", cfg->display_width,
             cfg->display_height);
    return -1;
  }
  if (cfg->framerate < 0) { /* lib/video-encoder.js passes -1 for a framerate given as 0 or below */
    snprintf(why, whylen, "a framerate of 0 or below cannot be encoded (it must be greater than 0)");
    return -1;
  }
  if (cfg->temporal_layers == 0) {
    snprintf(why, whylen, "scalabilityMode \"%s\" is not supported (L1T1, L1T2 and L1T3 are, for VP8 and VP9)",
             cfg->scalability_mode);
    return -1;
  }
  if (cfg->temporal_layers > 1 && ci->codec != WC_CODEC_VP8 && ci->codec != WC_CODEC_VP9) {
    snprintf(why, whylen, "scalabilityMode \"%s\": temporal layers are only implemented for VP8 and VP9 (libvpx)",
             cfg->scalability_mode);
    return -1;
  }
  if (cfg->alpha && ci->codec != WC_CODEC_VP8 && ci->codec != WC_CODEC_VP9) {
    snprintf(why, whylen, "alpha \"keep\" is only supported for VP8 and VP9");
    return -1;
  }
  /*
   * The pixel format: the codec string's profile, bit depth and chroma subsampling decide it
   * where they say (VP9 profiles 0/2 are 4:2:0, 1/3 4:2:2 or 4:4:4 and the long form's
   * chromaSubsampling field picks one; AV1 Main 4:2:0, High 4:4:4, Professional 4:2:2 at 8/10
   * bits and any at 12; HEVC RExt by its constraint flags); where the string leaves a choice
   * the first frame's layout decides, among those the profile allows (4:4:4 for RGB frames, which
   * are converted without subsampling). A 4:4:4 frame given to a 4:2:0 profile is subsampled.
   */
  switch (ci->codec) {
    case WC_CODEC_H264: {
      out->codec = avcodec_find_encoder_by_name("libx264");
      switch (ci->profile) {
        case 66:
        case 77:
        case 100: out->pix_fmt = AV_PIX_FMT_YUV420P; break;
        case 110: out->pix_fmt = AV_PIX_FMT_YUV420P10; break;
        case 122: out->pix_fmt = yuv(1, src_depth > 8 ? 10 : 8); break;
        /* High 4:4:4 Predictive also allows 4:2:0 and 4:2:2: the frame's layout is kept */
        case 244: out->pix_fmt = yuv(src_chroma, src_depth > 8 ? 10 : 8); break;
        default:
          snprintf(why, whylen, "H.264 profile_idc %d cannot be encoded (Baseline, Main, High, High 10, High 4:2:2, "
                   "High 4:4:4 Predictive can)", ci->profile);
          return -1;
      }
      break;
    }
    case WC_CODEC_HEVC:
      out->codec = avcodec_find_encoder_by_name("libx265");
      switch (ci->profile) {
        case 1:
        case 3: out->pix_fmt = AV_PIX_FMT_YUV420P; break;
        case 2: out->pix_fmt = AV_PIX_FMT_YUV420P10; break;
        case 4: {
          int chroma, depth;
          if (hevc_rext_format(ci, &chroma, &depth) == 0)
            out->pix_fmt = yuv(chroma, depth);
          else
            out->pix_fmt = yuv(src_chroma, src_depth);
          break;
        }
        default:
          snprintf(why, whylen, "HEVC profile %d cannot be encoded (Main, Main 10, Main Still Picture, RExt can)",
                   ci->profile);
          return -1;
      }
      break;
    case WC_CODEC_VP8:
      out->codec = avcodec_find_encoder_by_name("libvpx");
      out->pix_fmt = AV_PIX_FMT_YUV420P;
      break;
    case WC_CODEC_VP9: {
      /* profiles 1 and 3 have no 4:2:0: a 4:2:0 frame is upsampled to 4:4:4 */
      int chroma = chroma_index(ci->chroma) > 0 ? chroma_index(ci->chroma) : src_chroma == 1 ? 1 : 2;
      out->codec = avcodec_find_encoder_by_name("libvpx-vp9");
      out->pix_fmt = ci->profile == 0 || ci->profile == 2 ? yuv(0, ci->bit_depth) : yuv(chroma, ci->bit_depth);
      break;
    }
    case WC_CODEC_AV1: {
      const AVCodec *svt = avcodec_find_encoder_by_name("libsvtav1");
      const AVCodec *aom = avcodec_find_encoder_by_name("libaom-av1");
      int chroma = ci->profile == 0 ? 0 : ci->profile == 1 ? 2 : ci->bit_depth < 12 ? 1
                 : chroma_index(ci->chroma) >= 0 ? chroma_index(ci->chroma) : src_chroma;
      if (ci->chroma == WC_CHROMA_400) {
        snprintf(why, whylen, "monochrome AV1 (mono_chrome 1) cannot be encoded here");
        return -1;
      }
      out->pix_fmt = yuv(chroma, ci->bit_depth);
      out->codec = aom && supports_fmt(aom, out->pix_fmt) ? aom : svt;
      break;
    }
    default: snprintf(why, whylen, "no encoder for this codec"); return -1;
  }
  if (!out->codec) {
    snprintf(why, whylen, "the FFmpeg build has no encoder for %s", cfg->codec);
    return -1;
  }
  if (!supports_fmt(out->codec, out->pix_fmt)) {
    snprintf(why, whylen, "%s cannot encode %s", out->codec->name, av_get_pix_fmt_name(out->pix_fmt));
    return -1;
  }
  if (cfg->alpha && sd && sd->alpha && out->pix_fmt == AV_PIX_FMT_YUV420P && supports_fmt(out->codec, AV_PIX_FMT_YUVA420P)) {
    out->pix_fmt = AV_PIX_FMT_YUVA420P;
    out->alpha = 1;
  }
  if ((out->pix_fmt == AV_PIX_FMT_YUV420P || out->pix_fmt == AV_PIX_FMT_YUV420P10 ||
       out->pix_fmt == AV_PIX_FMT_YUV420P12 || out->pix_fmt == AV_PIX_FMT_YUVA420P) &&
      ((cfg->width & 1) || (cfg->height & 1)) && ci->codec != WC_CODEC_VP8 && ci->codec != WC_CODEC_VP9 &&
      ci->codec != WC_CODEC_AV1) {
    snprintf(why, whylen, "%s needs an even width and height for 4:2:0 (got %dx%d)", out->codec->name, cfg->width,
             cfg->height);
    return -1;
  }
  return 0;
}

/* libvpx (vp9_quantize.c) and libaom (av1_quantize.c) map their 0-63 quantizer onto the
 * bitstream's quantizer index with this table. */
static const uint8_t quantizer_to_qindex[64] = {
    0,   4,   8,   12,  16,  20,  24,  28,  32,  36,  40,  44,  48,  52,  56,  60,  64,  68,  72,  76,  80,  84,
    88,  92,  96,  100, 104, 108, 112, 116, 120, 124, 128, 132, 136, 140, 144, 148, 152, 156, 160, 164, 168, 172,
    176, 180, 184, 188, 192, 196, 200, 204, 208, 212, 216, 220, 224, 228, 232, 236, 240, 244, 249, 255};

int wc_enc_native_quantizer(const wc_enc_config *cfg, int quantizer) {
  if (quantizer < 0) return quantizer;
  if (cfg->info.codec != WC_CODEC_VP9 && cfg->info.codec != WC_CODEC_AV1) return quantizer;
  /* as the libraries' own qindex_to_quantizer: the first quantizer whose index is not below it */
  for (int q = 0; q < 64; q++)
    if (quantizer_to_qindex[q] >= quantizer) return q;
  return 63;
}

/*
 * Quality mode on frames larger than 1280x720 (by area) runs libvpx and libaom at realtime-class
 * speeds, as Chrome runs them in both latency modes: their good-quality speeds are 2-3x slower, too
 * slow for a browser's pace at 1080p on a small machine (2 cores, 1080p 4 Mb/s, bench/cases.js:
 * VP9 good 4 ~20 fps, AV1 good 6 ~10 fps; realtime VP9 6 ~60 fps, AV1 7 ~30 fps), while at 720p and
 * below good quality keeps its pace (VP9 ~45 fps, AV1 ~20 fps on the same machine) and its
 * 1.5-2.3 dB. The quantizer mode keeps the good-quality path: its per-frame quantizers are
 * checked there (test/encoder-quantizer.test.js).
 */
int wc_enc_fast_quality(const wc_enc_config *cfg) {
  return !cfg->realtime && cfg->bitrate_mode != WC_BITRATE_QUANTIZER &&
         (int64_t)cfg->width * cfg->height > (int64_t)1280 * 720;
}

static void set(AVDictionary **opts, const char *k, const char *v) { av_dict_set(opts, k, v, 0); }

static void seti(AVDictionary **opts, const char *k, int64_t v) { av_dict_set_int(opts, k, v, 0); }

/* x264/x265 level string from level_idc (31 -> "3.1"; 9 -> "1b"). */
static void level_string(int level_idc, char *buf, size_t n) {
  if (level_idc == 9)
    snprintf(buf, n, "1b");
  else
    snprintf(buf, n, "%d.%d", level_idc / 10, level_idc % 10);
}

int wc_enc_setup(AVCodecContext *ctx, const wc_enc_choice *ch, const wc_enc_config *cfg, int quantizer,
                 AVDictionary **opts, char *why, size_t whylen) {
  const wc_codec_info *ci = &cfg->info;
  const char *name = ch->codec->name;
  /* the frame rate the rate controls budget for: kept to what every encoder takes as given
   * (libvpx replaces a rate under 0.1 fps with 30) */
  double fps = cfg->framerate > 0 ? (cfg->framerate < 0.1 ? 0.1 : cfg->framerate > 10000 ? 10000 : cfg->framerate) : 30;
  int64_t br = cfg->bitrate;
  int threads = cfg->threads > 0 ? cfg->threads : 0;
  int qmode = cfg->bitrate_mode == WC_BITRATE_QUANTIZER;
  char buf[256];
  quantizer = wc_enc_native_quantizer(cfg, quantizer);
  (void)why;
  (void)whylen;
  ctx->width = cfg->width;
  ctx->height = cfg->height;
  ctx->pix_fmt = ch->pix_fmt;
  /* A constant frame clock (encoder.c numbers the frames, wc_enc_frame_ticks apart): the rate
   * controls budget from the configured frame rate, never from the frames' timestamps. One tick
   * per frame; under 1 fps milliseconds (libaom and libvpx want a time base of at most 1 s). */
  ctx->framerate = av_d2q(fps, 1000000);
  ctx->time_base = fps >= 1 ? av_inv_q(ctx->framerate) : (AVRational){1, 1000};
  ctx->sample_aspect_ratio = av_d2q((double)cfg->display_width * cfg->height / ((double)cfg->display_height * cfg->width), 65535);
  ctx->gop_size = GOP;
  ctx->max_b_frames = 0;
  ctx->thread_count = threads;
  if (!(ci->codec == WC_CODEC_H264 || ci->codec == WC_CODEC_HEVC) || !cfg->annexb)
    ctx->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (ci->codec == WC_CODEC_VP8 || ci->codec == WC_CODEC_VP9) ctx->flags &= ~AV_CODEC_FLAG_GLOBAL_HEADER;

  /* rate control (common fields; each wrapper below adds its own switches) */
  if (cfg->bitrate_mode == WC_BITRATE_CONSTANT && br > 0) {
    ctx->bit_rate = br;
    ctx->rc_min_rate = br;
    ctx->rc_max_rate = br;
    ctx->rc_buffer_size = (int)(br > INT32_MAX ? INT32_MAX : br); /* one second */
  } else if (cfg->bitrate_mode == WC_BITRATE_VARIABLE && br > 0) {
    ctx->bit_rate = br;
  }

  if (strcmp(name, "libx264") == 0) {
    const char *profile = ci->profile == 66 ? "baseline" : ci->profile == 77 ? "main" : ci->profile == 100 ? "high"
                        : ci->profile == 110 ? "high10" : ci->profile == 122 ? "high422" : "high444";
    set(opts, "profile", profile);
    level_string(ci->level, buf, sizeof buf);
    set(opts, "level", buf);
    set(opts, "preset", cfg->realtime ? "veryfast" : "medium");
    /* zerolatency: no lookahead, no frame threads; in quantizer mode it also makes a new
     * quantizer apply to the frame just sent */
    if (cfg->realtime || qmode) set(opts, "tune", "zerolatency");
    set(opts, "forced-idr", "1");
    set(opts, "a53cc", "0");
    /* quality: a 2-frame lookahead and sliced threads (frame threads add a frame of delay each,
     * growing with the core count): x264 then holds 3 frames, on any machine (720p 2 Mb/s CBR:
     * -0.04 dB at the same size against lookahead 8 + frame threads, which held 11). */
    snprintf(buf, sizeof buf, "bframes=0:rc-lookahead=%d:sync-lookahead=0%s%s%s", cfg->realtime || qmode ? 0 : 2,
             cfg->realtime || qmode ? "" : ":sliced-threads=1",
             cfg->bitrate_mode == WC_BITRATE_CONSTANT && br > 0 ? ":nal-hrd=cbr" : "",
             qmode ? ":qcomp=1:aq-mode=0:ipratio=1:mbtree=0" : "");
    set(opts, "x264-params", buf);
    if (qmode) {
      /* CRF with a flat curve: the CRF is the frame QP, and reconfigure applies a new one per frame */
      seti(opts, "crf", quantizer >= 0 ? quantizer : 26);
      ctx->bit_rate = 0;
    } else if (br <= 0) {
      set(opts, "crf", "23");
    }
  } else if (strcmp(name, "libx265") == 0) {
    const char *profile = ci->profile == 2 ? "main10" : ci->profile == 3 ? "mainstillpicture" : "main";
    char params[256];
    if (ci->profile == 4) {
      const AVPixFmtDescriptor *pd = av_pix_fmt_desc_get(ch->pix_fmt);
      int depth = pd->comp[0].depth;
      const char *chroma = pd->log2_chroma_w == 0 ? "444" : pd->log2_chroma_h == 0 ? "422" : "";
      snprintf(buf, sizeof buf, "main%s%s%s", *chroma ? chroma : "", depth > 8 ? "-" : "",
               depth > 8 ? (depth == 10 ? "10" : "12") : (*chroma ? "-8" : ""));
      profile = buf;
    }
    set(opts, "profile", profile);
    set(opts, "preset", cfg->realtime ? "ultrafast" : "fast");
    if (cfg->realtime) set(opts, "tune", "zerolatency");
    set(opts, "forced-idr", "1");
    /* x265 refuses a level with constant QP ("no bitrate guarantee is possible"): no level then */
    char level[64];
    if (qmode)
      snprintf(level, sizeof level, "high-tier=%d", ci->tier);
    else
      snprintf(level, sizeof level, "level-idc=%d.%d:high-tier=%d", ci->level / 30, (ci->level % 30) / 3, ci->tier);
    /* Bounded delay (issue 10 item 9): one frame thread and no lookahead in both modes, so x265
     * holds no frame (lookahead 8 with automatic frame threads held 11 on 2 cores, more with more
     * cores). Without a lookahead x265's scene-cut detection starves CBR: every frame after the
     * key frame got 50-130 B at 128x96 100 kb/s (24.7 dB, test/encoder-rate-control.test.js) and
     * 720p 2 Mb/s fell to 37.4 dB; scenecut=0 (as tune zerolatency sets in realtime mode) keeps the
     * budget. 720p testsrc2, 300 frames, 2 Mb/s (bench/child.js): CBR 1981 kb/s 41.30 dB ->
     * 2006 kb/s 41.26 dB, VBR 1995 kb/s 41.36 dB -> 2012 kb/s 41.27 dB. Key frames come only when
     * asked for or at the GOP length, as in the other encoders. */
    /* x265 writes its messages to stderr itself: silent unless FFmpeg's log level asks for errors
     * (WEBCODECS_NATIVE_FFMPEG_LOG), as a library must not write into the application's output */
    snprintf(params, sizeof params,
             "log-level=%s:bframes=0:rc-lookahead=0:frame-threads=1:scenecut=0:%s:repeat-headers=%d%s",
             av_log_get_level() >= AV_LOG_ERROR ? "error" : "none", level, cfg->annexb,
             cfg->bitrate_mode == WC_BITRATE_CONSTANT && br > 0 ? ":strict-cbr=1" : "");
    set(opts, "x265-params", params);
    if (qmode) {
      seti(opts, "qp", quantizer >= 0 ? quantizer : 26);
      ctx->bit_rate = 0;
    } else if (br <= 0) {
      set(opts, "crf", "28");
    }
  } else if (strcmp(name, "libvpx") == 0 || strcmp(name, "libvpx-vp9") == 0) {
    int vp9 = name[6] == '-';
    int fast = wc_enc_fast_quality(cfg);
    set(opts, "deadline", cfg->realtime || fast ? "realtime" : "good");
    /* VP8 realtime: a fixed speed (negative; WebRTC's desktop -6). A positive value makes libvpx
     * pick the speed per frame from the wall-clock encode time, so one input gave a different
     * stream (sizes, PSNR) from run to run and with the machine's load. VP9 has no such mode.
     * Quality mode on large frames: VP8 -6 (1080p 4 Mb/s: -0.3 dB against good 4, twice as fast),
     * VP9 6 (5 is slower and no better at 1080p; below 5 realtime searches as good quality does) */
    seti(opts, "cpu-used", cfg->realtime ? (vp9 ? 8 : -6) : fast ? (vp9 ? 6 : -6) : 4);
    /* VP9 on large frames in quality mode: cyclic-refresh AQ, as Chrome and WebRTC run realtime VP9
     * (1080p 4 Mb/s VBR: +0.56 dB for 6% more bits, still under the target) */
    if (vp9 && fast && cfg->temporal_layers <= 1) seti(opts, "aq-mode", 3);
    /* no lag: without alt-ref frames one-pass libvpx gains nothing from it (VP9 at 720p 2 Mb/s: the
     * same stream, byte for byte, with lag 10 and 0) and it held 9 frames before the first chunk;
     * also libvpx reads qmax (quantizer mode) and layer flags when it encodes a frame, not when it
     * gets it */
    seti(opts, "lag-in-frames", 0);
    seti(opts, "auto-alt-ref", 0);
    seti(opts, "drop-threshold", 0);
    /* temporal layers: nothing an upper-layer frame sets may persist into lower-layer frames
     * (VP8 segmentation and loop-filter deltas, VP9 frame contexts): error-resilient mode, as
     * WebRTC runs libvpx's temporal layers */
    seti(opts, "error-resilient", cfg->temporal_layers > 1 ? 1 : 0);
    if (vp9) {
      ctx->profile = ci->profile;
      seti(opts, "row-mt", 1);
      seti(opts, "tile-columns", cfg->width >= 1280 ? 2 : cfg->width >= 640 ? 1 : 0);
      seti(opts, "frame-parallel", 0);
    }
    if (ctx->thread_count == 0) ctx->thread_count = av_cpu_count();
    if (qmode) {
      /* Q mode aiming at the worst quality: the per-frame qmax (re-read by the wrapper before each
       * frame, wc_enc_frame_options) is the quantizer. cq-level must lie in [qmin, qmax] at open. */
      ctx->qmin = 0;
      ctx->qmax = 63;
      seti(opts, "crf", 63);
      ctx->bit_rate = 0;
    } else if ((cfg->bitrate_mode == WC_BITRATE_CONSTANT || cfg->temporal_layers > 1) && br > 0) {
      /* temporal layering behaves only under CBR in libvpx (VP9 in VBR with layers spent 13x the
       * budget). FFmpeg's wrappers have no end-usage option: they choose CBR when the minimum,
       * maximum and target rates are equal, CQ with a crf and a bitrate, Q (VP9/AV1) with a crf
       * and none, else VBR */
      ctx->bit_rate = br;
      ctx->rc_min_rate = br;
      ctx->rc_max_rate = br;
      ctx->rc_buffer_size = (int)(br * 2 > INT32_MAX ? INT32_MAX : br * 2);
      ctx->rc_initial_buffer_occupancy = ctx->rc_buffer_size / 2;
      ctx->qmin = 2;
      ctx->qmax = 56; /* as WebRTC does: never starve a frame to a useless quantizer */
    } else if (br > 0) {
      ctx->qmin = 2;
      ctx->qmax = 56;
    } else {
      seti(opts, "crf", 32);
      ctx->bit_rate = 0;
      ctx->qmin = 0;
      ctx->qmax = 63;
      if (!vp9) ctx->bit_rate = 2000000; /* VP8 has no Q mode: CQ with a generous ceiling */
    }
    if (cfg->temporal_layers > 1) {
      /* libvpx temporal scalability: layering modes 2 (2 layers, 0-1-0-1) and 3 (3 layers, 0-2-1-2) */
      int64_t total = br > 0 ? br : 2000000;
      if (cfg->temporal_layers == 2)
        snprintf(buf, sizeof buf, "ts_number_layers=2:ts_target_bitrate=%lld,%lld:ts_rate_decimator=2,1:ts_periodicity=2:ts_layer_id=0,1",
                 (long long)(total * 6 / 10 / 1000), (long long)(total / 1000));
      else
        snprintf(buf, sizeof buf, "ts_number_layers=3:ts_target_bitrate=%lld,%lld,%lld:ts_rate_decimator=4,2,1:ts_periodicity=4:ts_layer_id=0,2,1,2",
                 (long long)(total * 4 / 10 / 1000), (long long)(total * 6 / 10 / 1000), (long long)(total / 1000));
      set(opts, "ts-parameters", buf);
    }
  } else if (strcmp(name, "libsvtav1") == 0) {
    char params[256];
    seti(opts, "preset", cfg->realtime ? 12 : 8);
    /* realtime: the low-delay prediction structure (nothing held for reordering; CBR only);
     * quality: random access with 8-frame mini-GOPs and no extra lookahead (one chunk per
     * frame, in order, at most ~8 frames inside the encoder). */
    if (cfg->realtime)
      snprintf(params, sizeof params, "pred-struct=1:lookahead=0:scd=0%s", br > 0 && !qmode ? ":rc=2" : "");
    else
      snprintf(params, sizeof params, "hierarchical-levels=3:lookahead=0:scd=0%s",
               br > 0 && cfg->bitrate_mode == WC_BITRATE_VARIABLE ? ":rc=1"
               : br > 0 && cfg->bitrate_mode == WC_BITRATE_CONSTANT ? ":rc=2" : ":enable-force-key-frames=1");
    ctx->rc_max_rate = 0; /* SVT-AV1 refuses maxrate == bitrate; rc=2 is its CBR */
    ctx->rc_min_rate = 0;
    set(opts, "svtav1-params", params);
    if (qmode) {
      seti(opts, "qp", quantizer >= 0 ? quantizer : 32);
      ctx->bit_rate = 0;
    } else if (br <= 0) {
      seti(opts, "crf", 35);
    }
    /* SVT-AV1 takes the level as major * 10 + minor; seq_level_idx = (major - 2) * 4 + minor */
    if (ci->level < 24) ctx->level = (2 + ci->level / 4) * 10 + ci->level % 4;
  } else if (strcmp(name, "libaom-av1") == 0) {
    int fast = wc_enc_fast_quality(cfg);
    /* quality mode on large frames: realtime usage at its slowest speed (libaom 3.6 gives the same
     * stream at 5, 6 and 7 on 1080p), as Chrome's quality mode; good usage at 6 there ran at a third
     * of the speed. Two tile columns from 1280 wide, four from 2560, for the threads. */
    set(opts, "usage", cfg->realtime || fast ? "realtime" : "good");
    seti(opts, "cpu-used", cfg->realtime ? 8 : fast ? 7 : 6);
    if (fast) seti(opts, "tile-columns", cfg->width >= 2560 ? 2 : 1);
    /* no lag: with a lookahead, a forced key frame came out as two key frames in a row */
    seti(opts, "lag-in-frames", 0);
    seti(opts, "auto-alt-ref", 0);
    seti(opts, "row-mt", 1);
    ctx->profile = ci->profile;
    if (ctx->thread_count == 0) ctx->thread_count = av_cpu_count();
    if (qmode) {
      int q = quantizer >= 0 ? quantizer : 32;
      seti(opts, "crf", q); /* with no bitrate: Q mode */
      ctx->qmin = ctx->qmax = q;
      ctx->bit_rate = 0;
    } else if (br <= 0) {
      seti(opts, "crf", 32); /* Q mode; constant bitrate is CBR by the common rate fields */
    }
  }
  return 0;
}

/* libvpx per-frame encode flags (vpx/vp8cx.h) */
#define VPX_NO_REF_LAST (1 << 16)
#define VPX_NO_REF_GF (1 << 17)
#define VPX_NO_UPD_LAST (1 << 18)
#define VPX_NO_UPD_ENTROPY (1 << 20)
#define VPX_NO_REF_ARF (1 << 21)
#define VPX_NO_UPD_GF (1 << 22)
#define VPX_NO_UPD_ARF (1 << 23)

/* Our temporal-layer pattern for libvpx, frame n of the period: references only at or below
 * the frame's layer, and no upper-layer frame updates the persistent entropy (probabilities /
 * frame context), else a decoder of the lower layers alone decodes with the wrong ones. */
static int vpx_layer_flags(int layers, int64_t n) {
  const int none = VPX_NO_UPD_LAST | VPX_NO_UPD_GF | VPX_NO_UPD_ARF | VPX_NO_UPD_ENTROPY;
  if (layers == 2)
    return n % 2 == 0 ? VPX_NO_REF_GF | VPX_NO_REF_ARF | VPX_NO_UPD_GF | VPX_NO_UPD_ARF
                      : VPX_NO_REF_GF | VPX_NO_REF_ARF | none;
  switch (n % 4) {
    case 0: return VPX_NO_REF_GF | VPX_NO_REF_ARF | VPX_NO_UPD_GF | VPX_NO_UPD_ARF; /* TL0: LAST */
    case 2: return VPX_NO_REF_ARF | VPX_NO_UPD_LAST | VPX_NO_UPD_ARF | VPX_NO_UPD_ENTROPY; /* TL1: -> GF */
    default: return VPX_NO_REF_ARF | none; /* TL2 */
  }
}

void wc_enc_frame_options(AVCodecContext *ctx, const wc_enc_choice *ch, const wc_enc_config *cfg, AVFrame *f, int key,
                          int quantizer, int64_t layer_pos) {
  const char *name = ch->codec->name;
  if (key) f->pict_type = AV_PICTURE_TYPE_I;
  if (cfg->temporal_layers > 1 && layer_pos >= 0 && (!strcmp(name, "libvpx") || !strcmp(name, "libvpx-vp9"))) {
    av_dict_set_int(&f->metadata, "temporal_id", wc_enc_temporal_layer(cfg, layer_pos), 0);
    if (!key && layer_pos > 0) av_dict_set_int(&f->metadata, "vp8-flags", vpx_layer_flags(cfg->temporal_layers, layer_pos), 0);
    else if (!key) av_dict_set_int(&f->metadata, "vp8-flags", vpx_layer_flags(cfg->temporal_layers, 0), 0);
  }
  if (quantizer < 0 || cfg->bitrate_mode != WC_BITRATE_QUANTIZER) return;
  quantizer = wc_enc_native_quantizer(cfg, quantizer);
  if (strcmp(name, "libx264") == 0) {
    /* reconfigure_encoder() applies a changed CRF to this frame (zerolatency, flat curve: CRF == QP) */
    av_opt_set_double(ctx->priv_data, "crf", quantizer, 0);
  } else if (strcmp(name, "libvpx") == 0 || strcmp(name, "libvpx-vp9") == 0) {
    /* re-read by the wrapper for every frame */
    ctx->qmax = quantizer;
  }
  /* x265, libaom, SVT-AV1: a changed quantizer reopens the encoder (wc_enc_needs_reopen) */
}

int wc_enc_needs_reopen(const wc_enc_choice *ch, const wc_enc_config *cfg, int open_quantizer, int quantizer, int key) {
  const char *name = ch->codec->name;
  if (cfg->bitrate_mode == WC_BITRATE_QUANTIZER && quantizer >= 0 &&
      wc_enc_native_quantizer(cfg, quantizer) != wc_enc_native_quantizer(cfg, open_quantizer) &&
      (!strcmp(name, "libx265") || !strcmp(name, "libaom-av1") || !strcmp(name, "libsvtav1")))
    return 1;
  /* SVT-AV1 forces key frames only in random-access CRF/CQP mode */
  if (key && !strcmp(name, "libsvtav1") && (cfg->realtime || (cfg->bitrate > 0 && cfg->bitrate_mode != WC_BITRATE_QUANTIZER)))
    return 1;
  return 0;
}

int64_t wc_enc_frame_ticks(const AVCodecContext *ctx) {
  int64_t t = av_rescale_q(1, av_inv_q(ctx->framerate), ctx->time_base);
  return t > 0 ? t : 1;
}

int wc_enc_can_resume(const AVCodecContext *ctx) {
  return (ctx->codec->capabilities & AV_CODEC_CAP_ENCODER_FLUSH) != 0;
}

int wc_enc_temporal_layer(const wc_enc_config *cfg, int64_t n) {
  static const int l2[] = {0, 1}, l3[] = {0, 2, 1, 2};
  if (cfg->temporal_layers == 2) return l2[n % 2];
  if (cfg->temporal_layers == 3) return l3[n % 4];
  return -1;
}

static int strict_options;
static pthread_once_t strict_once = PTHREAD_ONCE_INIT;
static void read_strict(void) {
  const char *v = getenv("WEBCODECS_NATIVE_STRICT_OPTIONS");
  strict_options = v && *v && strcmp(v, "0") != 0;
}

int wc_enc_options_left(const AVCodecContext *ctx, const AVDictionary *left, char *why, size_t whylen) {
  const AVDictionaryEntry *t = NULL;
  size_t n;
  pthread_once(&strict_once, read_strict);
  if (!strict_options || av_dict_count(left) == 0) return 0;
  n = (size_t)snprintf(why, whylen, "%s did not take the options:", ctx->codec->name);
  while ((t = av_dict_get(left, "", t, AV_DICT_IGNORE_SUFFIX)) && n < whylen)
    n += (size_t)snprintf(why + n, whylen - n, " %s", t->key);
  return -1;
}

int wc_enc_probe(const wc_enc_config *cfg, char *why, size_t whylen) {
  wc_enc_choice ch;
  AVCodecContext *ctx;
  AVDictionary *opts = NULL;
  int ret;
  if (!cfg->parsed) {
    snprintf(why, whylen, "\"%s\" is not a supported codec string", cfg->codec);
    return -1;
  }
  if (wc_enc_choose(cfg, -1, &ch, why, whylen) < 0) return -1;
  if (!(ctx = avcodec_alloc_context3(ch.codec))) {
    snprintf(why, whylen, "out of memory");
    return -1;
  }
  ctx->color_primaries = AVCOL_PRI_BT709;
  ctx->color_trc = AVCOL_TRC_BT709;
  ctx->colorspace = AVCOL_SPC_BT709;
  ctx->color_range = AVCOL_RANGE_MPEG;
  ret = wc_enc_setup(ctx, &ch, cfg, -1, &opts, why, whylen);
  if (ret == 0) {
    ctx->thread_count = 1;
    ret = avcodec_open2(ctx, ch.codec, &opts);
    if (ret < 0) snprintf(why, whylen, "%s could not be opened with this configuration", ch.codec->name);
    else if (wc_enc_options_left(ctx, opts, why, whylen) < 0) ret = AVERROR(EINVAL);
  }
  av_dict_free(&opts);
  avcodec_free_context(&ctx);
  return ret < 0 ? -1 : 0;
}
