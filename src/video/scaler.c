/*
 * scaler.c - see include/wc/video/scaler.h.
 */
#include "wc/video/scaler.h"

#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
#include <string.h>

static struct SwsContext *make(const wc_scale_key *k) {
  struct SwsContext *sws = sws_alloc_context();
  if (!sws) return NULL;
  av_opt_set_int(sws, "srcw", k->src_w, 0);
  av_opt_set_int(sws, "srch", k->src_h, 0);
  av_opt_set_int(sws, "src_format", k->src_fmt, 0);
  av_opt_set_int(sws, "dstw", k->dst_w, 0);
  av_opt_set_int(sws, "dsth", k->dst_h, 0);
  av_opt_set_int(sws, "dst_format", k->dst_fmt, 0);
  av_opt_set_int(sws, "sws_flags", k->flags, 0);
  av_opt_set_int(sws, "threads", k->threads, 0);
  /* Ranges before init too: init picks a plain copy for equal formats when the ranges agree then, and
   * later range changes are not applied to high-bit-depth YUV (FFmpeg 5.1). */
  av_opt_set_int(sws, "src_range", k->src_range, 0);
  av_opt_set_int(sws, "dst_range", k->dst_range, 0);
  if (sws_init_context(sws, NULL, NULL) < 0) {
    sws_freeContext(sws);
    return NULL;
  }
  /* Always explicit: swscale's defaults (BT.601; full range for grey and yuvj formats, limited for
   * the rest) are not what the frames say. For YUV -> YUV with two matrices swscale goes through RGB;
   * with one matrix it only converts the range (and returns -1, which means nothing here). */
  sws_setColorspaceDetails(sws, sws_getCoefficients(k->src_cs), k->src_range, sws_getCoefficients(k->dst_cs),
                           k->dst_range, 0, 1 << 16, 1 << 16);
  return sws;
}

int wc_scaler_convert(wc_scaler *s, const wc_scale_key *key, AVFrame *dst, const AVFrame *src) {
  wc_scale_key k;
  int victim = 0;
  struct SwsContext *sws = NULL;
  memset(&k, 0, sizeof k); /* compared with memcmp: no stray bytes */
  k = *key;
  /* swscale's slice threads write out of bounds on small pictures (FFmpeg 5.1, valgrind on a 7x5
   * frame; see frame_copy.c): thread only from 128 output lines per thread */
  if (k.threads > k.dst_h / 128) k.threads = k.dst_h / 128;
  if (k.threads < 1) k.threads = 1;
  for (int i = 0; i < WC_SCALER_SLOTS; i++) {
    if (s->slot[i].sws && memcmp(&s->slot[i].key, &k, sizeof k) == 0) {
      sws = s->slot[i].sws;
      s->slot[i].used = ++s->clock;
      break;
    }
    if (!s->slot[i].sws || (s->slot[victim].sws && s->slot[i].used < s->slot[victim].used)) victim = i;
  }
  if (!sws) {
    if (!(sws = make(&k))) return AVERROR(EINVAL);
    sws_freeContext(s->slot[victim].sws);
    s->slot[victim].sws = sws;
    s->slot[victim].key = k;
    s->slot[victim].used = ++s->clock;
  }
  return sws_scale_frame(sws, dst, src);
}

void wc_scaler_clear(wc_scaler *s) {
  for (int i = 0; i < WC_SCALER_SLOTS; i++) sws_freeContext(s->slot[i].sws);
  memset(s, 0, sizeof *s);
}
