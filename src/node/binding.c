/*
 * binding.c - module initialisation. The addon is context-aware: all state is
 * per environment (napi_set_instance_data), so it loads in worker_threads.
 * Process-wide FFmpeg setup happens once under pthread_once and never touches JS.
 *
 * Exports (used by lib/binding.js only; not a public API):
 *   init(dispatch) -> scratch Float64Array     set the event dispatcher
 *   codec*, decoder*, encoder*, frame*, ...    see codec.c, decoder.c, frame.c
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>

#include <libavcodec/avcodec.h>
#include <libavutil/log.h>

#include "wc/audio/audio_data.h"
#include "wc/node/binding.h"

#if LIBAVCODEC_VERSION_INT < AV_VERSION_INT(59, 37, 100)
#error "webcodecs-native needs FFmpeg 5.1 or newer (libavcodec >= 59.37.100)"
#endif

static pthread_once_t ffmpeg_once = PTHREAD_ONCE_INIT;

static void ffmpeg_setup(void) {
  /* Decoders log every concealed error; the errors that matter reach JS as EncodingError. */
  const char *lvl = getenv("WEBCODECS_NATIVE_FFMPEG_LOG");
  av_log_set_level(lvl ? atoi(lvl) : AV_LOG_QUIET);
  /* SVT-AV1 prints its banner and warnings on stdout unless told otherwise: a library
   * must not write into the application's stdout. Errors only, unless the user chose. */
  setenv("SVT_LOG", "1", 0);
}

void wc_ffmpeg_global_init(void) { pthread_once(&ffmpeg_once, ffmpeg_setup); }

/* init(dispatch) -> Float64Array scratch */
static napi_value js_init(napi_env env, napi_callback_info info) {
  napi_value argv[1], ab, arr;
  napi_valuetype t;
  wc_env *e = wc_env_get(env);
  void *data;
  if (wc_args(env, info, 1, argv, NULL) < 0) return NULL;
  WC_CALL(env, napi_typeof(env, argv[0], &t));
  if (t != napi_function) {
    wc_throw_type(env, "init: expected a function");
    return NULL;
  }
  if (e->dispatch) napi_delete_reference(env, e->dispatch);
  WC_CALL(env, napi_create_reference(env, argv[0], 1, &e->dispatch));
  if (!e->scratch_ref) {
    size_t len = (size_t)WC_SCRATCH_LEN * (1 + WC_BATCH_SLOTS);
    WC_CALL(env, napi_create_arraybuffer(env, len * sizeof(double), &data, &ab));
    WC_CALL(env, napi_create_typedarray(env, napi_float64_array, len, ab, 0, &arr));
    WC_CALL(env, napi_create_reference(env, arr, 1, &e->scratch_ref));
    e->scratch = e->scratch_base = data;
  }
  WC_CALL(env, napi_get_reference_value(env, e->scratch_ref, &arr));
  return arr;
}

/* versions() -> {libavcodec, libavutil, libswscale, libswresample, ffmpeg} */
static napi_value js_versions(napi_env env, napi_callback_info info);

NAPI_MODULE_INIT() {
  wc_ffmpeg_global_init();
  if (wc_env_create(env) != napi_ok) return NULL;
  WC_CALL(env, wc_export(env, exports, "init", js_init));
  WC_CALL(env, wc_export(env, exports, "versions", js_versions));
  WC_CALL(env, wc_codec_init(env, exports));
  WC_CALL(env, wc_decoder_init(env, exports));
  WC_CALL(env, wc_encoder_init(env, exports));
  WC_CALL(env, wc_frame_init(env, exports));
  WC_CALL(env, wc_support_init(env, exports));
  WC_CALL(env, wc_audio_data_init(env, exports));
  WC_CALL(env, wc_audio_decoder_init(env, exports));
  WC_CALL(env, wc_audio_encoder_init(env, exports));
  WC_CALL(env, wc_image_decoder_init(env, exports));
  return exports;
}

#include <libavutil/avutil.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
#include <stdio.h>

static napi_value version_string(napi_env env, unsigned v) {
  char buf[32];
  napi_value s;
  snprintf(buf, sizeof buf, "%u.%u.%u", AV_VERSION_MAJOR(v), AV_VERSION_MINOR(v), AV_VERSION_MICRO(v));
  if (napi_create_string_utf8(env, buf, NAPI_AUTO_LENGTH, &s) != napi_ok) return NULL;
  return s;
}

static napi_value js_versions(napi_env env, napi_callback_info info) {
  napi_value o, v;
  (void)info;
  WC_CALL(env, napi_create_object(env, &o));
  if (!(v = version_string(env, avcodec_version()))) return NULL;
  WC_CALL(env, napi_set_named_property(env, o, "libavcodec", v));
  if (!(v = version_string(env, avutil_version()))) return NULL;
  WC_CALL(env, napi_set_named_property(env, o, "libavutil", v));
  if (!(v = version_string(env, swscale_version()))) return NULL;
  WC_CALL(env, napi_set_named_property(env, o, "libswscale", v));
  if (!(v = version_string(env, swresample_version()))) return NULL;
  WC_CALL(env, napi_set_named_property(env, o, "libswresample", v));
  WC_CALL(env, wc_set_string(env, o, "ffmpeg", av_version_info()));
  return o;
}
