/*
 * env.h - per-environment instance data (napi_set_instance_data), so the
 * addon loads in any number of worker_threads. No mutable statics anywhere.
 * Below every class file: they read their per-env state from here, and the
 * module init (binding.c) creates it.
 */
#ifndef WC_ENV_H
#define WC_ENV_H

#include "wc/node/napi_util.h"

/*
 * The scratch array shared with lib/: slot 0 (WC_SCRATCH_LEN doubles) is what a class's
 * output_js fills and its JS side reads; slots 1..WC_BATCH_SLOTS carry one batch of events
 * (src/engine/codec.c): an output's facts in the first WC_SCRATCH_FACTS doubles of its slot,
 * the event's type and number in the last two. lib/binding.js copies an output's facts to
 * slot 0 before handing it to its class, so classes read the same indices as ever.
 */
#define WC_SCRATCH_LEN 64
#define WC_SCRATCH_FACTS (WC_SCRATCH_LEN - 2)
#define WC_BATCH_SLOTS 64

typedef struct wc_env {
  napi_ref dispatch;    /* lib/'s event dispatcher: (owner, count, ...outputs and errors) */
  napi_ref scratch_ref; /* Float64Array(WC_SCRATCH_LEN * (1 + WC_BATCH_SLOTS)) shared with lib/ */
  double *scratch;      /* where output_js writes: slot 0, or the batch slot being filled */
  double *scratch_base; /* the array's backing store (slot 0) */
  struct wc_sws_cache *sws_cache; /* scaler contexts for copyTo conversions (frame_copy.h) */
  struct wc_frame_pool *frame_pool; /* recycled memory of new VideoFrame(buffer) (frame_pool.h) */
} wc_env;

/* The environment's instance data (never NULL after module init). */
wc_env *wc_env_get(napi_env env);

/* Creates the environment's instance data and registers its finalizer. napi_ok, or
 * a failure with an exception pending. */
napi_status wc_env_create(napi_env env);

#endif
