/*
 * frame.h - the native side of VideoFrame: a type-tagged handle over a
 * reference-counted AVFrame. clone() is av_frame_ref, close() unrefs at once,
 * the finalizer unrefs a forgotten frame. Owned pixel memory is reported to V8
 * (napi_adjust_external_memory) so that forgotten frames get collected.
 */
#ifndef WC_FRAME_H
#define WC_FRAME_H

#include <libavutil/frame.h>

#include "wc/node/napi_util.h"
#include "wc/engine/stats.h"

typedef struct wc_frame {
  AVFrame *av;     /* NULL once closed */
  int format;      /* enum wc_pixfmt */
  int64_t ext;     /* bytes reported as external memory */
  int borrowed;    /* pixels live in a JS ArrayBuffer that lib/ keeps alive (transfer) */
  wc_stats *stats; /* the producing codec's counters, or NULL */
} wc_frame;

/* JS thread. Wraps f (ownership passes, freed on failure) in a new handle. */
napi_value wc_frame_new_handle(napi_env env, AVFrame *f, int format, int borrowed, wc_stats *stats);
/* JS thread. The open frame behind a handle; NULL with an exception (TypeError, or InvalidStateError when closed). */
wc_frame *wc_frame_from(napi_env env, napi_value h);

#endif
