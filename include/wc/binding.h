/*
 * binding.h - per-environment instance data (napi_set_instance_data), so the
 * addon loads in any number of worker_threads. No mutable statics anywhere.
 */
#ifndef WC_BINDING_H
#define WC_BINDING_H

#include "wc/napi_util.h"

#define WC_SCRATCH_LEN 64

typedef struct wc_env {
  napi_ref dispatch;    /* lib/'s event dispatcher: (owner, type, a, b) */
  napi_ref scratch_ref; /* Float64Array(WC_SCRATCH_LEN) shared with lib/ */
  double *scratch;      /* its backing store: per-output facts without allocations */
  struct wc_sws_cache *sws_cache; /* scaler contexts for copyTo conversions (frame_copy.h) */
  struct wc_frame_pool *frame_pool; /* recycled memory of new VideoFrame(buffer) (frame_pool.h) */
} wc_env;

/* The environment's instance data (never NULL after module init). */
wc_env *wc_env_get(napi_env env);

/* Module init helpers of the other files: each adds its exports. */
napi_status wc_codec_init(napi_env env, napi_value exports);
napi_status wc_decoder_init(napi_env env, napi_value exports);
napi_status wc_encoder_init(napi_env env, napi_value exports);
napi_status wc_frame_init(napi_env env, napi_value exports);
napi_status wc_support_init(napi_env env, napi_value exports);

/* Process-wide FFmpeg setup (log level), once. Any thread. */
void wc_ffmpeg_global_init(void);

#endif
