/*
 * support.c - VideoDecoder.isConfigSupported: the answer comes from really
 * opening (and closing) the decoder, on the libuv thread pool so the JS thread
 * never waits for it.
 *
 * decoderSupport({codec, description, codedWidth, codedHeight}) -> Promise<{supported, reason}>
 */
#include <libavcodec/avcodec.h>
#include <stdio.h>
#include <string.h>

#include "wc/node/binding.h"
#include "wc/formats/codec_string.h"
#include "wc/video/decoder.h"
#include "wc/video/encoder.h"

/* encoder.c: reads the flat encoder config made by lib/video-encoder.js */
int wc_enc_config_read(napi_env env, napi_value o, wc_enc_config *cfg);

typedef struct support_job {
  napi_async_work work;
  napi_deferred deferred;
  char codec[96];
  wc_codec_info info;
  int parsed;
  uint8_t *extradata;
  int extradata_size;
  int coded_width, coded_height;
  int supported;
  char reason[256];
} support_job;

static void support_execute(napi_env env, void *data) {
  support_job *j = data;
  AVCodecContext *ctx = NULL;
  wc_decoder_params p;
  (void)env;
  if (!j->parsed) {
    snprintf(j->reason, sizeof j->reason, "\"%s\" is not a supported codec string", j->codec);
    return;
  }
  if ((int64_t)j->coded_width * j->coded_height > 16384LL * 16384LL) {
    snprintf(j->reason, sizeof j->reason, "coded size %dx%d is too large", j->coded_width, j->coded_height);
    return;
  }
  memset(&p, 0, sizeof p);
  p.codec_kind = j->info.codec;
  p.extradata = j->extradata;
  p.extradata_size = j->extradata_size;
  p.coded_width = j->coded_width;
  p.coded_height = j->coded_height;
  p.threads = 1;
  if (wc_decoder_open(&p, &ctx, j->reason, sizeof j->reason) == 0) {
    j->supported = 1;
    avcodec_free_context(&ctx);
  }
}

/* Resolves an isConfigSupported promise with {supported, reason} and deletes its work item. */
static void resolve_support(napi_env env, napi_status status, napi_deferred deferred, napi_async_work work,
                            int supported, const char *reason) {
  napi_value o;
  if (napi_create_object(env, &o) == napi_ok) {
    wc_set_bool(env, o, "supported", status == napi_ok && supported);
    wc_set_string(env, o, "reason", reason);
    napi_resolve_deferred(env, deferred, o);
  }
  napi_delete_async_work(env, work);
}

static void support_complete(napi_env env, napi_status status, void *data) {
  support_job *j = data;
  resolve_support(env, status, j->deferred, j->work, j->supported, j->reason);
  free(j->extradata);
  free(j);
}

static napi_value js_decoder_support(napi_env env, napi_callback_info info) {
  napi_value argv[1], promise, name;
  support_job *j;
  uint8_t *desc;
  size_t desc_len;
  int32_t cw, ch;
  if (wc_args(env, info, 1, argv, NULL) < 0) return NULL;
  if (!(j = calloc(1, sizeof(*j)))) {
    napi_throw_error(env, NULL, "webcodecs-native: out of memory");
    return NULL;
  }
  if (wc_prop_string(env, argv[0], "codec", j->codec, sizeof j->codec) < 0 ||
      wc_prop_bytes_opt(env, argv[0], "description", &desc, &desc_len) < 0 ||
      wc_prop_int32(env, argv[0], "codedWidth", &cw) < 0 || wc_prop_int32(env, argv[0], "codedHeight", &ch) < 0) {
    free(j);
    return NULL;
  }
  j->parsed = wc_codec_parse(j->codec, strlen(j->codec), &j->info) == 0;
  j->coded_width = cw;
  j->coded_height = ch;
  if (desc_len && desc_len <= (1u << 24)) {
    if (!(j->extradata = malloc(desc_len))) {
      free(j);
      napi_throw_error(env, NULL, "webcodecs-native: out of memory");
      return NULL;
    }
    memcpy(j->extradata, desc, desc_len);
    j->extradata_size = (int)desc_len;
  }
  if (napi_create_promise(env, &j->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "webcodecs-native:isConfigSupported", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, support_execute, support_complete, j, &j->work) != napi_ok ||
      napi_queue_async_work(env, j->work) != napi_ok) {
    if (j->work) napi_delete_async_work(env, j->work);
    free(j->extradata);
    free(j);
    wc_throw_status(env, napi_generic_failure, "queue isConfigSupported");
    return NULL;
  }
  return promise;
}

/* ---- VideoEncoder.isConfigSupported: opening (and closing) the encoder, off the JS thread */

typedef struct enc_support_job {
  napi_async_work work;
  napi_deferred deferred;
  wc_enc_config cfg;
  int supported;
  char reason[256];
} enc_support_job;

static void enc_support_execute(napi_env env, void *data) {
  enc_support_job *j = data;
  (void)env;
  j->supported = wc_enc_probe(&j->cfg, j->reason, sizeof j->reason) == 0;
}

static void enc_support_complete(napi_env env, napi_status status, void *data) {
  enc_support_job *j = data;
  resolve_support(env, status, j->deferred, j->work, j->supported, j->reason);
  free(j);
}

static napi_value js_encoder_support(napi_env env, napi_callback_info info) {
  napi_value argv[1], promise, name;
  enc_support_job *j;
  if (wc_args(env, info, 1, argv, NULL) < 0) return NULL;
  if (!(j = calloc(1, sizeof(*j)))) {
    napi_throw_error(env, NULL, "webcodecs-native: out of memory");
    return NULL;
  }
  if (wc_enc_config_read(env, argv[0], &j->cfg) < 0) {
    free(j);
    return NULL;
  }
  if (napi_create_promise(env, &j->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "webcodecs-native:isConfigSupported", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, enc_support_execute, enc_support_complete, j, &j->work) != napi_ok ||
      napi_queue_async_work(env, j->work) != napi_ok) {
    if (j->work) napi_delete_async_work(env, j->work);
    free(j);
    wc_throw_status(env, napi_generic_failure, "queue isConfigSupported");
    return NULL;
  }
  return promise;
}

napi_status wc_support_init(napi_env env, napi_value exports) {
  napi_status s;
  if ((s = wc_export(env, exports, "decoderSupport", js_decoder_support)) != napi_ok) return s;
  return wc_export(env, exports, "encoderSupport", js_encoder_support);
}
