/*
 * encoder_js.c - VideoEncoder's Node-API glue: creating the codec object,
 * reading the flat configuration made by lib/video-encoder.js, queueing frames
 * (with a reference to JS memory they borrow), and turning output packets into
 * JS values. JS thread only.
 */
#include <string.h>

#include "wc/node/env.h"
#include "wc/video/colorspace.h"
#include "wc/video/encoder_internal.h"
#include "wc/video/frame.h"

/* ---------------------------------------------------------------- JS side */

enum { S_TIMESTAMP = 0, S_DURATION, S_KEY, S_LAYER };

static napi_value buffer_copy(napi_env env, const uint8_t *data, size_t size) {
  napi_value ab;
  void *p;
  if (napi_create_arraybuffer(env, size, &p, &ab) != napi_ok) return NULL;
  if (size) memcpy(p, data, size);
  return ab;
}

static napi_value nullable_string(napi_env env, const char *const name) {
  napi_value v;
  if (!name) {
    napi_get_null(env, &v);
  } else if (napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &v) != napi_ok) {
    return NULL;
  }
  return v;
}

static int enc_output_js(napi_env env, wc_codec *c, wc_event *ev, napi_value *arg) {
  enc_output *o = ev->payload;
  double *s = wc_env_get(env)->scratch;
  napi_value obj, v;
  (void)c;
  s[S_TIMESTAMP] = (double)o->timestamp;
  s[S_DURATION] = (double)o->duration;
  s[S_KEY] = o->key;
  s[S_LAYER] = o->layer;
  WC_CALL_INT(env, napi_create_object(env, &obj));
  if (!(v = buffer_copy(env, o->data, o->size))) return -1;
  WC_CALL_INT(env, napi_set_named_property(env, obj, "data", v));
  if (o->alpha) {
    if (!(v = buffer_copy(env, o->alpha, o->alpha_size))) return -1;
    WC_CALL_INT(env, napi_set_named_property(env, obj, "alpha", v));
  }
  if (o->has_config) {
    napi_value cfg, cs, x;
    WC_CALL_INT(env, napi_create_object(env, &cfg));
    WC_CALL_INT(env, wc_set_string(env, cfg, "codec", o->codec));
    WC_CALL_INT(env, wc_set_int64(env, cfg, "codedWidth", o->coded_width));
    WC_CALL_INT(env, wc_set_int64(env, cfg, "codedHeight", o->coded_height));
    WC_CALL_INT(env, wc_set_int64(env, cfg, "displayAspectWidth", o->display_width));
    WC_CALL_INT(env, wc_set_int64(env, cfg, "displayAspectHeight", o->display_height));
    WC_CALL_INT(env, napi_create_object(env, &cs));
    if (!(x = nullable_string(env, wc_primaries_name(o->color[0])))) return -1;
    WC_CALL_INT(env, napi_set_named_property(env, cs, "primaries", x));
    if (!(x = nullable_string(env, wc_transfer_name(o->color[1])))) return -1;
    WC_CALL_INT(env, napi_set_named_property(env, cs, "transfer", x));
    if (!(x = nullable_string(env, wc_matrix_name(o->color[2])))) return -1;
    WC_CALL_INT(env, napi_set_named_property(env, cs, "matrix", x));
    WC_CALL_INT(env, wc_set_bool(env, cs, "fullRange", o->color[3]));
    WC_CALL_INT(env, napi_set_named_property(env, cfg, "colorSpace", cs));
    if (o->description) {
      if (!(x = buffer_copy(env, o->description, o->description_size))) return -1;
      WC_CALL_INT(env, napi_set_named_property(env, cfg, "description", x));
    }
    WC_CALL_INT(env, napi_set_named_property(env, obj, "config", cfg));
  }
  *arg = obj;
  return 0;
}

static const wc_codec_class enc_class = {"VideoEncoder", &wc_enc_ops, enc_output_js, wc_enc_impl_free};

/* encoderCreate(owner, nice) -> handle */
static napi_value js_create(napi_env env, napi_callback_info info) {
  napi_value argv[2], h;
  wc_encoder *e;
  int32_t nice;
  if (wc_args(env, info, 2, argv, NULL) < 0 || wc_get_int32(env, argv[1], "nice", &nice) < 0) return NULL;
  if (!(e = wc_encoder_new())) {
    napi_throw_error(env, NULL, "webcodecs-native: out of memory");
    return NULL;
  }
  wc_codec *c;
  if (!(h = wc_codec_create(env, argv[0], &enc_class, e, nice, &c))) return NULL;
  e->stats = c->stats;
  return h;
}

/* Reads the flat config object made by lib/video-encoder.js. 0, or -1 with an exception pending. */
int wc_enc_config_read(napi_env env, napi_value o, wc_enc_config *cfg) {
  int32_t i32;
  double d;
  int b;
  memset(cfg, 0, sizeof(*cfg));
  if (wc_prop_string(env, o, "codec", cfg->codec, sizeof cfg->codec) < 0) return -1;
  if (wc_prop_int32(env, o, "width", &cfg->width) < 0 || wc_prop_int32(env, o, "height", &cfg->height) < 0 ||
      wc_prop_int32(env, o, "displayWidth", &cfg->display_width) < 0 ||
      wc_prop_int32(env, o, "displayHeight", &cfg->display_height) < 0)
    return -1;
  if (wc_prop_double(env, o, "bitrate", &d) < 0) return -1;
  cfg->bitrate = (int64_t)d;
  if (wc_prop_double(env, o, "framerate", &cfg->framerate) < 0) return -1;
  if (wc_prop_int32(env, o, "bitrateMode", &i32) < 0) return -1;
  cfg->bitrate_mode = i32;
  if (wc_prop_bool(env, o, "realtime", &b) < 0) return -1;
  cfg->realtime = b;
  if (wc_prop_bool(env, o, "alpha", &b) < 0) return -1;
  cfg->alpha = b;
  if (wc_prop_int32(env, o, "temporalLayers", &i32) < 0) return -1;
  cfg->temporal_layers = i32;
  if (wc_prop_string(env, o, "scalabilityMode", cfg->scalability_mode, sizeof cfg->scalability_mode) < 0) return -1;
  if (wc_prop_bool(env, o, "annexb", &b) < 0) return -1;
  cfg->annexb = b;
  if (wc_prop_string(env, o, "contentHint", cfg->content_hint, sizeof cfg->content_hint) < 0) return -1;
  if (wc_prop_int32(env, o, "threads", &cfg->threads) < 0) return -1;
  cfg->parsed = wc_codec_parse(cfg->codec, strlen(cfg->codec), &cfg->info) == 0;
  return 0;
}

static napi_value js_configure(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  wc_codec *c;
  wc_enc_config *cfg;
  if (wc_args(env, info, 2, argv, NULL) < 0 || !(c = wc_codec_from(env, argv[0]))) return NULL;
  if (!(cfg = malloc(sizeof(*cfg)))) {
    napi_throw_error(env, NULL, "webcodecs-native: out of memory");
    return NULL;
  }
  if (wc_enc_config_read(env, argv[1], cfg) < 0) {
    free(cfg);
    return NULL;
  }
  return wc_codec_send(env, c, WC_CMD_CONFIGURE, cfg);
}

/*
 * encoderEncode(h, frameHandle, keep, timestamp, duration, key, quantizer, x, y, w, h, format, [p, t, m, range]) -> seq
 */
static napi_value js_encode(napi_env env, napi_callback_info info) {
  napi_value argv[13];
  wc_codec *c;
  wc_frame *fr;
  enc_input *in;
  int32_t q, fmt;
  int key;
  if (wc_args(env, info, 13, argv, NULL) < 0 || !(c = wc_codec_from(env, argv[0])) ||
      !(fr = wc_frame_from(env, argv[1])))
    return NULL;
  if (!(in = calloc(1, sizeof(*in)))) {
    napi_throw_error(env, NULL, "webcodecs-native: out of memory");
    return NULL;
  }
  in->codec = c;
  if (wc_get_int64(env, argv[3], "timestamp", &in->timestamp) < 0 ||
      wc_get_int64(env, argv[4], "duration", &in->duration) < 0 || wc_get_bool(env, argv[5], "keyFrame", &key) < 0 ||
      wc_get_int32(env, argv[6], "quantizer", &q) < 0 || wc_get_uint32(env, argv[7], "x", &in->visible.x) < 0 ||
      wc_get_uint32(env, argv[8], "y", &in->visible.y) < 0 ||
      wc_get_uint32(env, argv[9], "width", &in->visible.width) < 0 ||
      wc_get_uint32(env, argv[10], "height", &in->visible.height) < 0 ||
      wc_get_int32(env, argv[11], "format", &fmt) < 0)
    goto fail;
  for (uint32_t i = 0; i < 4; i++) {
    napi_value x;
    int32_t v;
    if (napi_get_element(env, argv[12], i, &x) != napi_ok || wc_get_int32(env, x, "color", &v) < 0) goto fail;
    in->color[i] = v;
  }
  if (fmt != fr->format || (uint64_t)in->visible.x + in->visible.width > (uint64_t)fr->av->width ||
      (uint64_t)in->visible.y + in->visible.height > (uint64_t)fr->av->height || in->visible.width == 0 ||
      in->visible.height == 0) {
    wc_throw_type(env, "VideoEncoder.encode: inconsistent frame");
    goto fail;
  }
  in->key = key;
  in->quantizer = q;
  in->fmt = fmt;
  in->borrowed = fr->borrowed;
  if (!(in->frame = av_frame_clone(fr->av))) {
    napi_throw_range_error(env, NULL, "VideoEncoder.encode: out of memory");
    goto fail;
  }
  if (fr->borrowed && !wc_is_nullish(env, argv[2]) && napi_create_reference(env, argv[2], 1, &in->keep) != napi_ok) {
    wc_throw_status(env, napi_generic_failure, "napi_create_reference");
    goto fail;
  }
  return wc_codec_send(env, c, WC_CMD_ENCODE, in);
fail:
  wc_enc_input_free(in);
  return NULL;
}

napi_status wc_encoder_init(napi_env env, napi_value exports) {
  napi_status s;
  if ((s = wc_export(env, exports, "encoderCreate", js_create)) != napi_ok) return s;
  if ((s = wc_export(env, exports, "encoderConfigure", js_configure)) != napi_ok) return s;
  return wc_export(env, exports, "encoderEncode", js_encode);
}
