/*
 * audio_encoder_js.c - AudioEncoder's Node-API glue: creating the codec object,
 * reading the flat configuration made by lib/audio-encoder.js, queueing AudioData
 * samples (a reference to their AVFrame), turning output packets into JS values,
 * and isConfigSupported (the encoder really opened and closed, on the thread pool).
 * JS thread only, except support_execute.
 */
#include <string.h>

#include "wc/audio/audio_data.h"
#include "wc/audio/audio_encoder_internal.h"
#include "wc/node/env.h"

enum { S_TIMESTAMP = 0, S_DURATION };

static napi_value buffer_copy(napi_env env, const uint8_t *data, size_t size) {
  napi_value ab;
  void *p;
  if (napi_create_arraybuffer(env, size, &p, &ab) != napi_ok) return NULL;
  if (size) memcpy(p, data, size);
  return ab;
}

static int output_js(napi_env env, wc_codec *c, wc_event *ev, napi_value *arg) {
  aenc_output *o = ev->payload;
  double *s = wc_env_get(env)->scratch;
  napi_value obj, v;
  (void)c;
  s[S_TIMESTAMP] = (double)o->timestamp;
  s[S_DURATION] = (double)o->duration;
  WC_CALL_INT(env, napi_create_object(env, &obj));
  if (!(v = buffer_copy(env, o->data, o->size))) return -1;
  WC_CALL_INT(env, napi_set_named_property(env, obj, "data", v));
  if (o->fresh) WC_CALL_INT(env, wc_set_bool(env, obj, "fresh", 1));
  if (o->has_config) {
    napi_value cfg;
    WC_CALL_INT(env, napi_create_object(env, &cfg));
    WC_CALL_INT(env, wc_set_string(env, cfg, "codec", o->codec));
    WC_CALL_INT(env, wc_set_int64(env, cfg, "sampleRate", o->sample_rate));
    WC_CALL_INT(env, wc_set_int64(env, cfg, "numberOfChannels", o->channels));
    if (o->description) {
      if (!(v = buffer_copy(env, o->description, o->description_size))) return -1;
      WC_CALL_INT(env, napi_set_named_property(env, cfg, "description", v));
    }
    WC_CALL_INT(env, napi_set_named_property(env, obj, "config", cfg));
  }
  *arg = obj;
  return 0;
}

static const wc_codec_class aenc_class = {"AudioEncoder", &wc_aenc_ops, output_js, wc_aenc_impl_free};

/* audioEncoderCreate(owner, nice) -> handle */
static napi_value js_create(napi_env env, napi_callback_info info) {
  napi_value argv[2], h;
  wc_aenc *e;
  wc_codec *c;
  int32_t nice;
  if (wc_args(env, info, 2, argv, NULL) < 0 || wc_get_int32(env, argv[1], "nice", &nice) < 0) return NULL;
  if (!(e = wc_aenc_new())) {
    napi_throw_error(env, NULL, "webcodecs-native: out of memory");
    return NULL;
  }
  if (!(h = wc_codec_create(env, argv[0], &aenc_class, e, nice, &c))) return NULL;
  e->stats = c->stats;
  return h;
}

/* Reads the flat config object made by lib/audio-encoder.js (nativeConfig). 0, or -1 with an exception pending. */
static int config_read(napi_env env, napi_value o, wc_aenc_config *cfg) {
  double d;
  int b;
  char why[128];
  memset(cfg, 0, sizeof(*cfg));
  if (wc_prop_string(env, o, "codec", cfg->codec, sizeof cfg->codec) < 0 ||
      wc_prop_int32(env, o, "sampleRate", &cfg->sample_rate) < 0 ||
      wc_prop_int32(env, o, "numberOfChannels", &cfg->channels) < 0 || wc_prop_double(env, o, "bitrate", &d) < 0)
    return -1;
  cfg->bitrate = (int64_t)d;
  if (wc_prop_bool(env, o, "constant", &b) < 0) return -1;
  cfg->constant = b;
  if (wc_prop_bool(env, o, "opusOgg", &b) < 0) return -1;
  cfg->opus_ogg = b;
  if (wc_prop_int32(env, o, "opusSignal", &cfg->opus_signal) < 0 ||
      wc_prop_int32(env, o, "opusApplication", &cfg->opus_application) < 0 ||
      wc_prop_int32(env, o, "opusFrameDuration", &cfg->opus_frame_us) < 0 ||
      wc_prop_int32(env, o, "opusComplexity", &cfg->opus_complexity) < 0 ||
      wc_prop_int32(env, o, "opusPacketLoss", &cfg->opus_packetloss) < 0)
    return -1;
  if (wc_prop_bool(env, o, "opusFec", &b) < 0) return -1;
  cfg->opus_fec = b;
  if (wc_prop_bool(env, o, "opusDtx", &b) < 0) return -1;
  cfg->opus_dtx = b;
  if (wc_prop_bool(env, o, "aacAdts", &b) < 0) return -1;
  cfg->aac_adts = b;
  if (wc_prop_int32(env, o, "flacBlockSize", &cfg->flac_block_size) < 0 ||
      wc_prop_int32(env, o, "flacCompressLevel", &cfg->flac_compress_level) < 0)
    return -1;
  if (cfg->opus_signal < 0 || cfg->opus_signal > 2 || cfg->opus_application < 0 || cfg->opus_application > 2) {
    wc_throw_type(env, "AudioEncoder: inconsistent configuration");
    return -1;
  }
  wc_aenc_parse_codec(cfg, why, sizeof why); /* kind NONE: NotSupportedError from the worker / probe */
  return 0;
}

static napi_value js_configure(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  wc_codec *c;
  wc_aenc_config *cfg;
  if (wc_args(env, info, 2, argv, NULL) < 0 || !(c = wc_codec_from(env, argv[0]))) return NULL;
  if (!(cfg = malloc(sizeof(*cfg)))) {
    napi_throw_error(env, NULL, "webcodecs-native: out of memory");
    return NULL;
  }
  if (config_read(env, argv[1], cfg) < 0) {
    free(cfg);
    return NULL;
  }
  return wc_codec_send(env, c, WC_CMD_CONFIGURE, cfg);
}

/*
 * audioEncoderEncode(h, audioDataHandle, timestamp) -> seq
 * "Clone AudioData": a reference of our own to the samples (a copy when they live in a
 * transferred JS buffer; see include/wc/audio/audio_data.h), taken here on the JS thread.
 */
static napi_value js_encode(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  wc_codec *c;
  aenc_input *in;
  int64_t ts;
  AVFrame *f;
  if (wc_args(env, info, 3, argv, NULL) < 0 || !(c = wc_codec_from(env, argv[0])) ||
      wc_get_int64(env, argv[2], "timestamp", &ts) < 0)
    return NULL;
  if (!(f = wc_audio_data_frame_for_worker(env, argv[1]))) return NULL;
  if (!(in = calloc(1, sizeof(*in)))) {
    av_frame_free(&f);
    napi_throw_error(env, NULL, "webcodecs-native: out of memory");
    return NULL;
  }
  in->codec = c;
  in->frame = f;
  in->timestamp = ts;
  return wc_codec_send(env, c, WC_CMD_ENCODE, in);
}

/* ---- isConfigSupported */

typedef struct support_job {
  napi_async_work work;
  napi_deferred deferred;
  wc_aenc_config cfg;
  int supported;
  char reason[256];
} support_job;

static void support_execute(napi_env env, void *data) {
  support_job *j = data;
  (void)env;
  j->supported = wc_aenc_probe(&j->cfg, j->reason, sizeof j->reason) == 0;
}

static void support_complete(napi_env env, napi_status status, void *data) {
  support_job *j = data;
  napi_value o;
  if (napi_create_object(env, &o) == napi_ok) {
    wc_set_bool(env, o, "supported", status == napi_ok && j->supported);
    wc_set_string(env, o, "reason", j->reason);
    napi_resolve_deferred(env, j->deferred, o);
  }
  napi_delete_async_work(env, j->work);
  free(j);
}

/* audioEncoderSupport(config) -> Promise<{supported, reason}> */
static napi_value js_support(napi_env env, napi_callback_info info) {
  napi_value argv[1], promise, name;
  support_job *j;
  if (wc_args(env, info, 1, argv, NULL) < 0) return NULL;
  if (!(j = calloc(1, sizeof(*j)))) {
    napi_throw_error(env, NULL, "webcodecs-native: out of memory");
    return NULL;
  }
  if (config_read(env, argv[0], &j->cfg) < 0) {
    free(j);
    return NULL;
  }
  if (napi_create_promise(env, &j->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "webcodecs-native:AudioEncoder.isConfigSupported", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, support_execute, support_complete, j, &j->work) != napi_ok ||
      napi_queue_async_work(env, j->work) != napi_ok) {
    if (j->work) napi_delete_async_work(env, j->work);
    free(j);
    wc_throw_status(env, napi_generic_failure, "queue isConfigSupported");
    return NULL;
  }
  return promise;
}

napi_status wc_audio_encoder_init(napi_env env, napi_value exports) {
  napi_status s;
  if ((s = wc_export(env, exports, "audioEncoderCreate", js_create)) != napi_ok) return s;
  if ((s = wc_export(env, exports, "audioEncoderConfigure", js_configure)) != napi_ok) return s;
  if ((s = wc_export(env, exports, "audioEncoderEncode", js_encode)) != napi_ok) return s;
  return wc_export(env, exports, "audioEncoderSupport", js_support);
}
