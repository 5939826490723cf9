/*
 * napi_util.h - small helpers for the Node-API glue: argument readers that
 * throw a TypeError naming the argument, type-tagged unwrapping, and the
 * WC_CALL macro that turns a failed napi_status into a pending JS exception.
 *
 * Convention: glue functions return a napi_value, or NULL with an exception
 * pending. Helpers here return 0 on success, -1 with an exception pending.
 */
#ifndef WC_NAPI_UTIL_H
#define WC_NAPI_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define NAPI_VERSION 8
#include <node_api.h>

/* Throws an Error describing the last Node-API failure (unless one is pending). */
void wc_throw_status(napi_env env, napi_status status, const char *what);

#define WC_CALL(env, call)                       \
  do {                                           \
    napi_status wc_status_ = (call);             \
    if (wc_status_ != napi_ok) {                 \
      wc_throw_status((env), wc_status_, #call); \
      return NULL;                               \
    }                                            \
  } while (0)

/* Same, for helpers returning int. */
#define WC_CALL_INT(env, call)                   \
  do {                                           \
    napi_status wc_status_ = (call);             \
    if (wc_status_ != napi_ok) {                 \
      wc_throw_status((env), wc_status_, #call); \
      return -1;                                 \
    }                                            \
  } while (0)

/* Reads exactly argc arguments (missing ones are undefined); this_arg may be NULL. */
int wc_args(napi_env env, napi_callback_info info, size_t argc, napi_value *argv, napi_value *this_arg);

int wc_get_int64(napi_env env, napi_value v, const char *what, int64_t *out);
int wc_get_int32(napi_env env, napi_value v, const char *what, int32_t *out);
int wc_get_uint32(napi_env env, napi_value v, const char *what, uint32_t *out);
int wc_get_double(napi_env env, napi_value v, const char *what, double *out);
int wc_get_bool(napi_env env, napi_value v, const char *what, int *out);
/* Copies a JS string into buf (truncates at buflen-1). */
int wc_get_string(napi_env env, napi_value v, const char *what, char *buf, size_t buflen);
/* Bytes of an ArrayBuffer, TypedArray or DataView (ptr may be NULL when len is 0). */
int wc_get_bytes(napi_env env, napi_value v, const char *what, uint8_t **ptr, size_t *len);
/* Whether v is null or undefined. */
int wc_is_nullish(napi_env env, napi_value v);

/* Property helpers on plain objects made by lib/ (flat, fully defaulted options). */
int wc_prop_int64(napi_env env, napi_value obj, const char *key, int64_t *out);
int wc_prop_int32(napi_env env, napi_value obj, const char *key, int32_t *out);
int wc_prop_double(napi_env env, napi_value obj, const char *key, double *out);
int wc_prop_bool(napi_env env, napi_value obj, const char *key, int *out);
int wc_prop_string(napi_env env, napi_value obj, const char *key, char *buf, size_t buflen);
/* Bytes of obj[key] or, when it is null/undefined, ptr NULL and len 0. */
int wc_prop_bytes_opt(napi_env env, napi_value obj, const char *key, uint8_t **ptr, size_t *len);

napi_status wc_set_int64(napi_env env, napi_value obj, const char *key, int64_t v);
napi_status wc_set_double(napi_env env, napi_value obj, const char *key, double v);
napi_status wc_set_bool(napi_env env, napi_value obj, const char *key, int v);
napi_status wc_set_string(napi_env env, napi_value obj, const char *key, const char *v);

/* Type tags so a handle of one kind is never taken for another. */
extern const napi_type_tag wc_tag_codec;
extern const napi_type_tag wc_tag_frame;

/* Unwraps obj if it carries tag; throws TypeError "<what>: not a valid handle" otherwise. */
int wc_unwrap(napi_env env, napi_value obj, const napi_type_tag *tag, const char *what, void **out);
/*
 * For close(): as wc_unwrap, but takes the native struct off the handle (*out NULL when an
 * earlier close took it), so that it has no finalizer left for the garbage collector. A weak
 * callback per closed VideoFrame or AudioData was most of every scavenge in long decodes (an
 * hour of AAC: ~4 ms scavenges, 1.5 ms of them in those callbacks, and the event loop's p99 with
 * them). The caller frees the struct; the handle keeps its type tag, and wc_unwrap of it then
 * throws InvalidStateError ("<what> is closed").
 */
int wc_unwrap_detach(napi_env env, napi_value obj, const napi_type_tag *tag, const char *what, void **out);

/* Throws a JS error of class TypeError/RangeError, or a DOMException with name. */
void wc_throw_type(napi_env env, const char *fmt, ...);
void wc_throw_dom(napi_env env, const char *name, const char *fmt, ...);
/* Creates (does not throw) a DOMException with name and message; NULL on failure. */
napi_value wc_make_dom_exception(napi_env env, const char *name, const char *message);

/* Adds a function property. */
napi_status wc_export(napi_env env, napi_value exports, const char *name, napi_callback cb);

#endif
