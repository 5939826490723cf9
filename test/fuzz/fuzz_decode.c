/*
 * fuzz_decode.c - one VideoDecoder life on hostile chunks, the way the addon
 * runs it: wc_config_record_check + wc_decoder_open for a parsed config, the
 * send/receive loop of src/video/decoder.c (dec_decode / receive_all, EAGAIN
 * included), formats without a VideoPixelFormat converted with
 * wc_decoder_convert_frame, optionally flush() in the middle (drain +
 * avcodec_flush_buffers, as dec_flush), a final drain with a NULL packet, and
 * for every output frame what user code does next: its visibleRect from the
 * crop fields (as dec_output_js computes it; apply_cropping is 0), "Parse
 * Visible Rect" + "Compute Layout and Allocation Size" for a tight copy, and
 * copyTo() (wc_copy_planes_out) into an exact-size heap buffer; optionally
 * copyTo({format: "RGBA"}) (wc_convert_to_rgb) too.
 *
 * Built once per codec: -DCODEC=WC_CODEC_H264 / _HEVC / _VP8 / _VP9 / _AV1.
 *
 * Input:
 *   [0]  flags: bit 0 description follows, bit 1 optimizeForLatency (low delay),
 *        bit 2 also convert every output to RGBA, bit 3 codedWidth/Height 320x240
 *        in the config, bit 4 flush() after the second chunk (RGB only for frames up to
 *        RGB_MAX_PIXELS)
 *   [if bit 0] u16 big-endian length + description bytes
 *   then chunks: u32 big-endian length + bytes (a length past the end takes
 *   what is left), at most MAX_CHUNKS, each at most MAX_CHUNK bytes; the first
 *   chunk is a key chunk.
 *
 * Behavioural findings are named (FUZZ_FINDING in fuzz_util.h; list names in
 * WC_FUZZ_IGNORE to go on past them): visible-rect (copyTo() refuses a decoded
 * frame's own visibleRect), copy-out (copyTo() of a decoded frame fails),
 * convert-frame (a decoder output format cannot be converted), rgb-failed
 * (copyTo({format: "RGBA"}) of a decoded frame fails), rgb-overflow (the RGB
 * conversion wrote past its destination).
 */
#include <errno.h>
#include <libavcodec/avcodec.h>
#include <libavutil/log.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "wc/formats/codec_string.h"
#include "wc/formats/config_record.h"
#include "wc/video/decoder.h"
#include "wc/video/frame_copy.h"
#include "wc/video/pixfmt.h"
#include "wc/video/scaler.h"

#ifndef CODEC
#error "build with -DCODEC=WC_CODEC_H264 (or _HEVC, _VP8, _VP9, _AV1)"
#endif

#define MAX_CHUNKS 32
#define MAX_CHUNK (1 << 20)
/* RGB conversions of huge frames (a few hundred bytes of VP8 can declare 16383x16383) would only exhaust the
 * fuzzer's memory limit: 4 bytes a pixel, twice (destination and swscale's intermediate picture). */
#define RGB_MAX_PIXELS (4096u * 2304u)
/* Frames of more pixels are refused by the decoder (AVCodecContext.max_pixels): a few hundred bytes of H.264 can declare
 * frames of 16384x16384 (400 MB each, several held), which took one 240-second run to 2,043 of libFuzzer's 2,048 MB.
 * Such sizes are not bugs (README here, "Not saved as inputs"); the addon keeps FFmpeg's default. */
#define DECODE_MAX_PIXELS (4096 * 4096)

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  av_log_set_level(getenv("WC_FUZZ_AV_LOG") ? atoi(getenv("WC_FUZZ_AV_LOG")) : AV_LOG_QUIET);
  return 0;
}

typedef struct dec_state {
  AVCodecContext *ctx;
  wc_scaler scaler;
  wc_sws_cache *cache;
  int rgb;
  int outputs;
} dec_state;

/* What user code does with a VideoFrame output: copyTo() its visibleRect (and maybe to RGBA). */
static void use_frame(dec_state *s, const AVFrame *f, int fmt) {
  const wc_pixfmt_desc *d = wc_pixfmt_get(fmt);
  int64_t w = f->width, h = f->height;
  wc_rect vis;
  wc_computed_layout layout[4];
  uint64_t alloc;
  char err[256];
  uint8_t *dst;

  FUZZ_CHECK(d != NULL, "format %d", fmt);
  FUZZ_CHECK(w > 0 && h > 0, "decoded frame of %lldx%lld", (long long)w, (long long)h);
  for (int p = 0; p < d->planes; p++)
    FUZZ_CHECK(f->data[p] && f->linesize[p] > 0 && (uint64_t)f->linesize[p] >= wc_plane_row_bytes(fmt, p, (int)w),
               "%s plane %d: linesize %d for width %lld", d->name, p, f->linesize[p], (long long)w);
  vis = wc_decoded_visible_rect(f, fmt); /* the rect src/video/decoder.c hands to JS */

  /* copyTo(dst) with the default rect (the visible one) and no layout */
  if (wc_rect_check(fmt, &vis, (uint32_t)w, (uint32_t)h, err, sizeof err) < 0) {
    FUZZ_FINDING("visible-rect",
                 "%s: a decoded %s frame %lldx%lld has visibleRect {x: %u, y: %u, width: %u, height: %u} that "
                 "copyTo() refuses: %s",
                 avcodec_get_name(s->ctx->codec_id), d->name, (long long)w, (long long)h, vis.x, vis.y, vis.width,
                 vis.height, err);
    return;
  }
  FUZZ_CHECK(wc_layout_compute(fmt, &vis, NULL, 0, layout, &alloc, err, sizeof err) == 0, "layout: %s", err);
  FUZZ_CHECK(alloc > 0 && alloc < (1ULL << 32), "allocationSize %llu", (unsigned long long)alloc);
  dst = malloc((size_t)alloc);
  if (!dst) abort();
  if (wc_copy_planes_out(f, fmt, layout, dst, (size_t)alloc, err, sizeof err) < 0)
    FUZZ_FINDING("copy-out", "copyTo() of a decoded %s frame %lldx%lld failed: %s", d->name, (long long)w,
                 (long long)h, err);
  free(dst);

  if (s->rgb && (uint64_t)vis.width * vis.height <= RGB_MAX_PIXELS) {
    /* copyTo(dst, {format: "RGBA"}): tight, the destination exactly its size plus an unused guard zone */
    wc_convert_opts o;
    uint64_t need = (uint64_t)vis.width * 4 * vis.height;
    uint8_t *rgb = malloc((size_t)need + 64);
    if (!rgb) abort();
    memset(&o, 0, sizeof o);
    o.dst_fmt = WC_PIX_RGBA;
    o.src_matrix = f->colorspace;
    o.src_full_range = f->color_range == AVCOL_RANGE_JPEG;
    o.cache = s->cache; /* one per decoder life, like the addon's per-environment cache */
    memset(rgb + need, 0xA5, 64);
    if (wc_convert_to_rgb(f, fmt, &vis, &o, rgb, (size_t)need, 0, (uint64_t)vis.width * 4, err, sizeof err) < 0)
      FUZZ_FINDING("rgb-failed", "copyTo({format: 'RGBA'}) of a decoded %s frame failed: %s", d->name, err);
    for (int i = 0; i < 64; i++)
      if (rgb[need + i] != 0xA5) {
        FUZZ_FINDING("rgb-overflow", "RGB conversion of a decoded %s frame wrote past the destination", d->name);
        break;
      }
    free(rgb);
  }
}

/* src/video/decoder.c receive_all: 0 when the decoder wants input, AVERROR_EOF when drained, or an error. */
static int receive_all(dec_state *s) {
  for (;;) {
    AVFrame *f = av_frame_alloc();
    int ret, fmt;
    if (!f) return AVERROR(ENOMEM);
    ret = avcodec_receive_frame(s->ctx, f);
    if (ret < 0) {
      av_frame_free(&f);
      return ret == AVERROR(EAGAIN) ? 0 : ret;
    }
    fmt = wc_pixfmt_from_av(f->format);
    if (fmt < 0) {
      char why[128];
      int target = wc_pixfmt_convert_target(f->format);
      AVFrame *c = wc_decoder_convert_frame(&s->scaler, f, target, why, sizeof why);
      if (!c) {
        /* the addon reports EncodingError; a decoder output we cannot represent is worth knowing about */
        FUZZ_FINDING("convert-frame", "cannot convert decoded %s (%dx%d) to %s: %s", av_get_pix_fmt_name(f->format),
                     f->width, f->height, wc_pixfmt_get(target)->name, why);
        av_frame_free(&f);
        return AVERROR_EXTERNAL;
      }
      av_frame_free(&f);
      f = c;
      fmt = target;
    }
    s->outputs++;
    use_frame(s, f, fmt);
    av_frame_free(&f);
  }
}

/* src/video/decoder.c dec_decode: 0, or <0 when the addon would report an error (and close the codec). */
static int decode(dec_state *s, AVPacket *pkt) {
  int ret;
  while ((ret = avcodec_send_packet(s->ctx, pkt)) == AVERROR(EAGAIN)) {
    if ((ret = receive_all(s)) < 0) break;
  }
  if (ret < 0 && ret != AVERROR_EOF) return ret;
  if ((ret = receive_all(s)) < 0 && ret != AVERROR_EOF) return ret;
  return 0;
}

/* src/video/decoder.c dec_flush */
static int flush(dec_state *s) {
  int ret = avcodec_send_packet(s->ctx, NULL);
  if (ret < 0 && ret != AVERROR_EOF) return ret;
  ret = receive_all(s);
  if (ret < 0 && ret != AVERROR_EOF) return ret;
  avcodec_flush_buffers(s->ctx);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_reader rd = {data, size, 0};
  uint8_t flags = fz_u8(&rd);
  uint8_t *desc = NULL;
  size_t desc_len = 0;
  wc_decoder_params p;
  dec_state s;
  char why[256] = "";
  int check, ret;

  if (flags & 1) {
    desc_len = fz_u16(&rd);
    if (desc_len > fz_left(&rd)) desc_len = fz_left(&rd);
    desc = fz_dup(data + rd.pos, desc_len); /* exact size: the record checks must stay inside */
    rd.pos += desc_len;
  }
  memset(&s, 0, sizeof s);
  s.rgb = (flags >> 2) & 1;
  if (s.rgb && !(s.cache = wc_sws_cache_new())) abort();
  memset(&p, 0, sizeof p);
  p.codec_kind = CODEC;
  p.extradata = desc_len ? desc : NULL;
  p.extradata_size = (int)desc_len;
  p.coded_width = flags & 8 ? 320 : 0;
  p.coded_height = flags & 8 ? 240 : 0;
  p.low_delay = (flags >> 1) & 1;
  p.threads = 1; /* deterministic and fast */
  p.max_pixels = DECODE_MAX_PIXELS;

  check = wc_config_record_check(CODEC, p.extradata, desc_len, why, sizeof why);
  ret = wc_decoder_open(&p, &s.ctx, why, sizeof why);
  if (check < 0) FUZZ_CHECK(ret < 0 && !s.ctx, "a description the record check refuses was opened");
  if (ret < 0) {
    FUZZ_CHECK(!s.ctx, "failed open left a context");
    wc_sws_cache_unref(&s.cache);
    free(desc);
    return 0;
  }

  for (int i = 0; i < MAX_CHUNKS && fz_left(&rd) > 0; i++) {
    size_t len = fz_u32(&rd);
    AVPacket *pkt;
    if (len > fz_left(&rd)) len = fz_left(&rd);
    if (len > MAX_CHUNK) len = MAX_CHUNK;
    /* js_decode: a padded packet with the chunk's bytes, pts = timestamp (us), duration, key flag */
    if (!(pkt = av_packet_alloc()) || av_new_packet(pkt, (int)len) < 0) abort();
    if (len) memcpy(pkt->data, data + rd.pos, len);
    rd.pos += len;
    pkt->pts = (int64_t)i * 33333;
    pkt->duration = 33333;
    if (i == 0) pkt->flags |= AV_PKT_FLAG_KEY;
    ret = decode(&s, pkt);
    av_packet_free(&pkt);
    if (ret < 0) goto done; /* EncodingError: the codec is closed */
    if ((flags & 16) && i == 1 && flush(&s) < 0) goto done;
  }
  (void)flush(&s); /* flush() at the end: drain with a NULL packet */
done:
  avcodec_free_context(&s.ctx);
  wc_scaler_clear(&s.scaler);
  wc_sws_cache_unref(&s.cache);
  free(desc);
  return 0;
}
