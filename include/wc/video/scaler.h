/*
 * scaler.h - a few swscale contexts, each keyed on everything its conversion
 * depends on: source and destination pixel format, size, YUV matrix and range,
 * flags and threads. A context is built for a key the first time it is needed
 * and reused only for that key, so a stream whose frames change size, format or
 * colour space gets a matching conversion for every frame (never a context built
 * for an earlier frame).
 *
 * One owner at a time, no locking (the encoder's and the decoder's worker each
 * own one). Any thread; no Node-API.
 */
#ifndef WC_SCALER_H
#define WC_SCALER_H

#include <stdint.h>

struct AVFrame;
struct SwsContext;

#define WC_SCALER_SLOTS 4

typedef struct wc_scale_key {
  int src_fmt, src_w, src_h;  /* AVPixelFormat and size of the picture converted (a visible rect) */
  int src_cs, src_range;      /* SWS_CS_* of its YUV matrix (ignored for RGB) and 0 limited / 1 full */
  int dst_fmt, dst_w, dst_h;
  int dst_cs, dst_range;
  int flags;                  /* SWS_* */
  int threads;                /* slice threads (1: none) */
} wc_scale_key;

typedef struct wc_scaler {
  struct {
    wc_scale_key key;
    struct SwsContext *sws;
    uint64_t used;
  } slot[WC_SCALER_SLOTS];
  uint64_t clock;
} wc_scaler;

/*
 * Converts src (format, size: key's source side; its own format/width/height fields
 * are not read) into dst (allocated by the caller in the key's destination format and
 * size) with the context for key, made and cached on first use (least recently used
 * one evicted). Returns 0 or a negative AVERROR.
 */
int wc_scaler_convert(wc_scaler *s, const wc_scale_key *key, struct AVFrame *dst, const struct AVFrame *src);

/* Frees every context (the scaler can be used again). */
void wc_scaler_clear(wc_scaler *s);

#endif
