/*
 * audio_encoder_js.c - AudioEncoder's Node-API glue: creating the codec object,
 * reading the flat configuration made by lib/audio-encoder.js, queueing AudioData
 * samples (a reference to their AVFrame), turning output packets into JS values,
 * and isConfigSupported (the encoder really opened and closed, on the thread pool).
 * JS thread only, except support_execute.
 */
#include <string.h>

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

/* Queues one input: the frame (ownership passes) and the JS value whose memory it borrows (or NULL). */
static napi_value queue_frame(napi_env env, wc_codec *c, AVFrame *frame, napi_value keep, int64_t timestamp) {
  aenc_input *in = calloc(1, sizeof(*in));
  if (!in) {
    av_frame_free(&frame);
    napi_throw_error(env, NULL, "webcodecs-native: out of memory");
    return NULL;
  }
  in->codec = c;
  in->frame = frame;
  in->timestamp = timestamp;
  if (keep && !wc_is_nullish(env, keep) && napi_create_reference(env, keep, 1, &in->keep) != napi_ok) {
    wc_aenc_input_free(in);
    wc_throw_status(env, napi_generic_failure, "napi_create_reference");
    return NULL;
  }
  return wc_codec_send(env, c, WC_CMD_ENCODE, in);
}

/*
 * audioEncoderEncodeSamples(h, bytes, sampleFormat, sampleRate, channels, frames, timestamp) -> seq
 * sampleFormat is an AVSampleFormat; bytes hold the samples in that format (planes one after the
 * other when planar). The bytes are copied here.
 */
static napi_value js_encode_samples(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  wc_codec *c;
  uint8_t *bytes;
  size_t len;
  int32_t fmt, rate, ch, frames;
  int64_t ts;
  AVFrame *f;
  int planes, plane_size;
  if (wc_args(env, info, 7, argv, NULL) < 0 || !(c = wc_codec_from(env, argv[0])) ||
      wc_get_bytes(env, argv[1], "data", &bytes, &len) < 0 || wc_get_int32(env, argv[2], "format", &fmt) < 0 ||
      wc_get_int32(env, argv[3], "sampleRate", &rate) < 0 || wc_get_int32(env, argv[4], "channels", &ch) < 0 ||
      wc_get_int32(env, argv[5], "frames", &frames) < 0 || wc_get_int64(env, argv[6], "timestamp", &ts) < 0)
    return NULL;
  if (fmt < 0 || fmt >= AV_SAMPLE_FMT_NB || !av_get_sample_fmt_name(fmt) || ch < 1 || ch > 1024 || rate < 1 ||
      frames < 1 || (int64_t)frames * ch * av_get_bytes_per_sample(fmt) > (int64_t)len) {
    wc_throw_type(env, "AudioEncoder.encode: inconsistent samples");
    return NULL;
  }
  if (!(f = av_frame_alloc())) {
    napi_throw_error(env, NULL, "webcodecs-native: out of memory");
    return NULL;
  }
  f->format = fmt;
  f->sample_rate = rate;
  f->nb_samples = frames;
  av_channel_layout_default(&f->ch_layout, ch);
  if (av_frame_get_buffer(f, 0) < 0) {
    av_frame_free(&f);
    napi_throw_range_error(env, NULL, "AudioEncoder.encode: out of memory");
    return NULL;
  }
  planes = av_sample_fmt_is_planar(fmt) ? ch : 1;
  plane_size = frames * av_get_bytes_per_sample(fmt) * (planes == 1 ? ch : 1);
  for (int p = 0; p < planes; p++) memcpy(f->extended_data[p], bytes + (size_t)p * (size_t)plane_size, (size_t)plane_size);
  return queue_frame(env, c, f, NULL, ts);
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
  if ((s = wc_export(env, exports, "audioEncoderEncodeSamples", js_encode_samples)) != napi_ok) return s;
  return wc_export(env, exports, "audioEncoderSupport", js_support);
}
