/*
 * binding.h - module initialisation: the init functions of the class files,
 * each adding its exports, and the process-wide FFmpeg setup.
 */
#ifndef WC_BINDING_H
#define WC_BINDING_H

#include "wc/node/env.h"

/* Module init helpers of the other files: each adds its exports. */
napi_status wc_codec_init(napi_env env, napi_value exports);
napi_status wc_decoder_init(napi_env env, napi_value exports);
napi_status wc_encoder_init(napi_env env, napi_value exports);
napi_status wc_frame_init(napi_env env, napi_value exports);
napi_status wc_support_init(napi_env env, napi_value exports);
napi_status wc_audio_decoder_init(napi_env env, napi_value exports);
napi_status wc_audio_encoder_init(napi_env env, napi_value exports);
napi_status wc_image_decoder_init(napi_env env, napi_value exports);

/* Process-wide FFmpeg setup (log level), once. Any thread. */
void wc_ffmpeg_global_init(void);

#endif
