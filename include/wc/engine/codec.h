/*
 * codec.h - the codec object shared by VideoDecoder and VideoEncoder: a JS
 * handle (type-tagged, wrapped object) over a worker thread and one
 * thread-safe function that carries the worker's events to lib/'s dispatcher.
 *
 * Lifetime (all on the JS thread unless noted):
 *   create   wrap -> TSFN (func NULL) -> unref it -> cleanup hook -> start thread
 *   busy     first command after idle: ref the TSFN and the owner (process stays
 *            alive, owner is not collected); IDLE for the last sent command: unref
 *   shutdown close(), the wrapper's finalizer or the cleanup hook: quit the
 *            worker, drop its queue. Never joins except at environment teardown.
 *   worker   on exit releases the TSFN (worker thread)
 *   TSFN finalizer  joins (the thread has finished), drops one reference
 *   wrapper finalizer  drops the other; the struct is freed at zero.
 */
#ifndef WC_CODEC_H
#define WC_CODEC_H

#include "wc/node/napi_util.h"
#include "wc/engine/stats.h"
#include "wc/engine/worker.h"

typedef struct wc_codec wc_codec;

typedef struct wc_codec_class {
  const char *name; /* "VideoDecoder" */
  const wc_worker_ops *ops;
  /*
   * JS thread. Turns an OUTPUT event's payload into the dispatcher's argument
   * (and may fill the scratch array). Takes the payload (sets ev->payload to
   * NULL when adopted). Returns 0, or -1 with an exception pending.
   */
  int (*output_js)(napi_env env, wc_codec *c, wc_event *ev, napi_value *arg);
  /* Frees impl after the worker has been joined. */
  void (*impl_free)(void *impl);
} wc_codec_class;

struct wc_codec {
  wc_worker w;
  const wc_codec_class *cls;
  void *impl;
  wc_stats *stats;
  napi_env env;
  napi_threadsafe_function tsfn;
  napi_ref owner;     /* the lib/ object; weak while idle, strong while busy */
  uint32_t js_epoch;  /* bumped by reset/close: older events are dropped */
  uint64_t sent_seq;  /* sequence number of the last command sent */
  int busy;
  int shut;
  int hook_added;
  int refs;           /* wrapper + thread-safe function */
  wc_queue releases;  /* napi_refs to delete on the JS thread (wc_codec_release_later) */
  pthread_t js_thread;
};

/* Events of this kind are dispatched to lib/ with these numbers. */
#define WC_JS_OUTPUT 1
#define WC_JS_DEQUEUE 2
#define WC_JS_FLUSHED 3
#define WC_JS_ERROR 4

/*
 * Creates the handle for owner. impl belongs to the codec from here on (also on
 * failure). *out (may be NULL) gets the codec. NULL with an exception pending on
 * failure, e.g. when the environment is shutting down.
 */
napi_value wc_codec_create(napi_env env, napi_value owner, const wc_codec_class *cls, void *impl, int nice,
                           wc_codec **out);
/* Unwraps a handle; NULL with a TypeError pending. */
wc_codec *wc_codec_from(napi_env env, napi_value h);
/*
 * Any thread: the reference will be deleted on the JS thread (at the next event
 * delivery, or when the codec is freed). Used for JS memory the worker borrowed.
 */
void wc_codec_release_later(wc_codec *c, napi_ref ref);

/*
 * Queues a command in the current epoch. Returns its sequence number as a JS
 * number, or NULL with an exception pending (the payload is freed then).
 */
napi_value wc_codec_send(napi_env env, wc_codec *c, int type, void *payload);

#endif
