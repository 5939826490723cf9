/*
 * env.c - per-environment instance data; see include/wc/node/env.h.
 * JS thread only.
 */
#include "wc/node/env.h"

#include <stdlib.h>

#include "wc/video/frame_copy.h"
#include "wc/video/frame_pool.h"

static void env_finalize(napi_env env, void *data, void *hint) {
  wc_env *e = data;
  (void)hint;
  if (!e) return;
  if (e->dispatch) napi_delete_reference(env, e->dispatch);
  if (e->scratch_ref) napi_delete_reference(env, e->scratch_ref);
  wc_sws_cache_unref(&e->sws_cache);
  wc_frame_pool_release(&e->frame_pool);
  free(e);
}

wc_env *wc_env_get(napi_env env) {
  void *data = NULL;
  if (napi_get_instance_data(env, &data) != napi_ok) return NULL;
  return data;
}

napi_status wc_env_create(napi_env env) {
  wc_env *e = calloc(1, sizeof(*e));
  if (!e) {
    napi_throw_error(env, NULL, "webcodecs-native: out of memory");
    return napi_generic_failure;
  }
  e->sws_cache = wc_sws_cache_new();
  e->frame_pool = wc_frame_pool_new(); /* NULL (out of memory): frames are allocated plainly */
  if (napi_set_instance_data(env, e, env_finalize, NULL) != napi_ok) {
    env_finalize(env, e, NULL);
    wc_throw_status(env, napi_generic_failure, "napi_set_instance_data");
    return napi_generic_failure;
  }
  return napi_ok;
}
