/*
 * env.h - per-environment instance data (napi_set_instance_data), so the
 * addon loads in any number of worker_threads. No mutable statics anywhere.
 * Below every class file: they read their per-env state from here, and the
 * module init (binding.c) creates it.
 */
#ifndef WC_ENV_H
#define WC_ENV_H

#include "wc/node/napi_util.h"

#define WC_SCRATCH_LEN 64

typedef struct wc_env {
  napi_ref dispatch;    /* lib/'s event dispatcher: (owner, type, arg) */
  napi_ref scratch_ref; /* Float64Array(WC_SCRATCH_LEN) shared with lib/ */
  double *scratch;      /* its backing store: per-output facts without allocations */
  struct wc_sws_cache *sws_cache; /* scaler contexts for copyTo conversions (frame_copy.h) */
  struct wc_frame_pool *frame_pool; /* recycled memory of new VideoFrame(buffer) (frame_pool.h) */
} wc_env;

/* The environment's instance data (never NULL after module init). */
wc_env *wc_env_get(napi_env env);

/* Creates the environment's instance data and registers its finalizer. napi_ok, or
 * a failure with an exception pending. */
napi_status wc_env_create(napi_env env);

#endif
