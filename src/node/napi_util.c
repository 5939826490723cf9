/*
 * napi_util.c - see include/wc/node/napi_util.h. JS thread only.
 */
#include "wc/node/napi_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const napi_type_tag wc_tag_codec = {0x7763636f64656331ULL, 0x9d1c2b3a4f5e6d70ULL};
const napi_type_tag wc_tag_frame = {0x77636672616d6531ULL, 0x1a2b3c4d5e6f7081ULL};

static int exception_pending(napi_env env) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  return pending;
}

void wc_throw_status(napi_env env, napi_status status, const char *what) {
  const napi_extended_error_info *info = NULL;
  char msg[256];
  if (exception_pending(env)) return;
  napi_get_last_error_info(env, &info);
  snprintf(msg, sizeof msg, "webcodecs-native: %s failed (%s, status %d)", what,
           info && info->error_message ? info->error_message : "unknown", (int)status);
  napi_throw_error(env, NULL, msg);
}

void wc_throw_type(napi_env env, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  if (exception_pending(env)) return;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  napi_throw_type_error(env, NULL, msg);
}

napi_value wc_make_dom_exception(napi_env env, const char *name, const char *message) {
  napi_value global, ctor, argv[2], out;
  if (napi_get_global(env, &global) != napi_ok) return NULL;
  if (napi_get_named_property(env, global, "DOMException", &ctor) != napi_ok) return NULL;
  if (napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &argv[0]) != napi_ok) return NULL;
  if (napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &argv[1]) != napi_ok) return NULL;
  if (napi_new_instance(env, ctor, 2, argv, &out) != napi_ok) return NULL;
  return out;
}

void wc_throw_dom(napi_env env, const char *name, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  napi_value err;
  if (exception_pending(env)) return;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  err = wc_make_dom_exception(env, name, msg);
  if (err)
    napi_throw(env, err);
  else if (!exception_pending(env))
    napi_throw_error(env, name, msg);
}

int wc_args(napi_env env, napi_callback_info info, size_t argc, napi_value *argv, napi_value *this_arg) {
  size_t n = argc;
  napi_value undef;
  WC_CALL_INT(env, napi_get_cb_info(env, info, &n, argv, this_arg, NULL));
  if (n < argc) {
    WC_CALL_INT(env, napi_get_undefined(env, &undef));
    for (size_t i = n; i < argc; i++) argv[i] = undef;
  }
  return 0;
}

int wc_is_nullish(napi_env env, napi_value v) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return 0;
  return t == napi_null || t == napi_undefined;
}

static int expect_type(napi_env env, napi_value v, napi_valuetype want, const char *what, const char *name) {
  napi_valuetype t;
  WC_CALL_INT(env, napi_typeof(env, v, &t));
  if (t != want) {
    wc_throw_type(env, "%s: expected %s", what, name);
    return -1;
  }
  return 0;
}

int wc_get_double(napi_env env, napi_value v, const char *what, double *out) {
  if (expect_type(env, v, napi_number, what, "a number") < 0) return -1;
  WC_CALL_INT(env, napi_get_value_double(env, v, out));
  return 0;
}

int wc_get_int64(napi_env env, napi_value v, const char *what, int64_t *out) {
  double d;
  if (wc_get_double(env, v, what, &d) < 0) return -1;
  if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) {
    wc_throw_type(env, "%s: expected a finite integer, got %g", what, d);
    return -1;
  }
  *out = (int64_t)d;
  return 0;
}

int wc_get_int32(napi_env env, napi_value v, const char *what, int32_t *out) {
  double d;
  if (wc_get_double(env, v, what, &d) < 0) return -1;
  if (!(d >= -2147483648.0 && d <= 2147483647.0)) {
    wc_throw_type(env, "%s: expected a 32-bit integer, got %g", what, d);
    return -1;
  }
  *out = (int32_t)d;
  return 0;
}

int wc_get_uint32(napi_env env, napi_value v, const char *what, uint32_t *out) {
  double d;
  if (wc_get_double(env, v, what, &d) < 0) return -1;
  if (!(d >= 0.0 && d <= 4294967295.0)) {
    wc_throw_type(env, "%s: expected an unsigned 32-bit integer, got %g", what, d);
    return -1;
  }
  *out = (uint32_t)d;
  return 0;
}

int wc_get_bool(napi_env env, napi_value v, const char *what, int *out) {
  bool b;
  if (expect_type(env, v, napi_boolean, what, "a boolean") < 0) return -1;
  WC_CALL_INT(env, napi_get_value_bool(env, v, &b));
  *out = b;
  return 0;
}

int wc_get_string(napi_env env, napi_value v, const char *what, char *buf, size_t buflen) {
  size_t len;
  if (expect_type(env, v, napi_string, what, "a string") < 0) return -1;
  WC_CALL_INT(env, napi_get_value_string_utf8(env, v, buf, buflen, &len));
  return 0;
}

int wc_get_bytes(napi_env env, napi_value v, const char *what, uint8_t **ptr, size_t *len) {
  bool is;
  void *data = NULL;
  size_t n = 0;
  WC_CALL_INT(env, napi_is_typedarray(env, v, &is));
  if (is) {
    napi_typedarray_type type;
    size_t length, offset;
    napi_value ab;
    WC_CALL_INT(env, napi_get_typedarray_info(env, v, &type, &length, &data, &ab, &offset));
    switch (type) {
      case napi_int8_array:
      case napi_uint8_array:
      case napi_uint8_clamped_array: n = length; break;
      case napi_int16_array:
      case napi_uint16_array: n = length * 2; break;
      case napi_int32_array:
      case napi_uint32_array:
      case napi_float32_array: n = length * 4; break;
      default: n = length * 8; break;
    }
    *ptr = data;
    *len = n;
    return 0;
  }
  WC_CALL_INT(env, napi_is_dataview(env, v, &is));
  if (is) {
    napi_value ab;
    size_t offset;
    WC_CALL_INT(env, napi_get_dataview_info(env, v, &n, &data, &ab, &offset));
    *ptr = data;
    *len = n;
    return 0;
  }
  WC_CALL_INT(env, napi_is_arraybuffer(env, v, &is));
  if (is) {
    WC_CALL_INT(env, napi_get_arraybuffer_info(env, v, &data, &n));
    *ptr = data;
    *len = n;
    return 0;
  }
  wc_throw_type(env, "%s: expected an ArrayBuffer, a TypedArray or a DataView", what);
  return -1;
}

static int get_prop(napi_env env, napi_value obj, const char *key, napi_value *out) {
  WC_CALL_INT(env, napi_get_named_property(env, obj, key, out));
  return 0;
}

int wc_prop_int64(napi_env env, napi_value obj, const char *key, int64_t *out) {
  napi_value v;
  return get_prop(env, obj, key, &v) < 0 ? -1 : wc_get_int64(env, v, key, out);
}

int wc_prop_int32(napi_env env, napi_value obj, const char *key, int32_t *out) {
  napi_value v;
  return get_prop(env, obj, key, &v) < 0 ? -1 : wc_get_int32(env, v, key, out);
}

int wc_prop_double(napi_env env, napi_value obj, const char *key, double *out) {
  napi_value v;
  return get_prop(env, obj, key, &v) < 0 ? -1 : wc_get_double(env, v, key, out);
}

int wc_prop_bool(napi_env env, napi_value obj, const char *key, int *out) {
  napi_value v;
  return get_prop(env, obj, key, &v) < 0 ? -1 : wc_get_bool(env, v, key, out);
}

int wc_prop_string(napi_env env, napi_value obj, const char *key, char *buf, size_t buflen) {
  napi_value v;
  return get_prop(env, obj, key, &v) < 0 ? -1 : wc_get_string(env, v, key, buf, buflen);
}

int wc_prop_bytes_opt(napi_env env, napi_value obj, const char *key, uint8_t **ptr, size_t *len) {
  napi_value v;
  if (get_prop(env, obj, key, &v) < 0) return -1;
  if (wc_is_nullish(env, v)) {
    *ptr = NULL;
    *len = 0;
    return 0;
  }
  return wc_get_bytes(env, v, key, ptr, len);
}

napi_status wc_set_int64(napi_env env, napi_value obj, const char *key, int64_t v) {
  napi_value x;
  napi_status s = napi_create_int64(env, v, &x);
  return s != napi_ok ? s : napi_set_named_property(env, obj, key, x);
}

napi_status wc_set_double(napi_env env, napi_value obj, const char *key, double v) {
  napi_value x;
  napi_status s = napi_create_double(env, v, &x);
  return s != napi_ok ? s : napi_set_named_property(env, obj, key, x);
}

napi_status wc_set_bool(napi_env env, napi_value obj, const char *key, int v) {
  napi_value x;
  napi_status s = napi_get_boolean(env, v != 0, &x);
  return s != napi_ok ? s : napi_set_named_property(env, obj, key, x);
}

napi_status wc_set_string(napi_env env, napi_value obj, const char *key, const char *v) {
  napi_value x;
  napi_status s = napi_create_string_utf8(env, v, NAPI_AUTO_LENGTH, &x);
  return s != napi_ok ? s : napi_set_named_property(env, obj, key, x);
}

/* 0 when obj is an object carrying tag; TypeError "<what>: not a valid handle" otherwise. */
static int check_tag(napi_env env, napi_value obj, const napi_type_tag *tag, const char *what) {
  napi_valuetype t;
  bool ok = false;
  WC_CALL_INT(env, napi_typeof(env, obj, &t));
  if (t == napi_object) WC_CALL_INT(env, napi_check_object_type_tag(env, obj, tag, &ok));
  if (!ok) {
    wc_throw_type(env, "%s: not a valid handle", what);
    return -1;
  }
  return 0;
}

int wc_unwrap(napi_env env, napi_value obj, const napi_type_tag *tag, const char *what, void **out) {
  if (check_tag(env, obj, tag, what) < 0) return -1;
  if (napi_unwrap(env, obj, out) != napi_ok || !*out) {
    /* detached by wc_unwrap_detach when it was closed */
    wc_throw_dom(env, "InvalidStateError", "%s is closed", what);
    return -1;
  }
  return 0;
}

int wc_unwrap_detach(napi_env env, napi_value obj, const napi_type_tag *tag, const char *what, void **out) {
  *out = NULL;
  if (check_tag(env, obj, tag, what) < 0) return -1;
  if (napi_remove_wrap(env, obj, out) != napi_ok) *out = NULL; /* detached before: closed already */
  return 0;
}

napi_status wc_export(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  napi_status s = napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn);
  return s != napi_ok ? s : napi_set_named_property(env, exports, name, fn);
}
