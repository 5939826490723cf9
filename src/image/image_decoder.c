/*
 * image_decoder.c - ImageDecoder's native side: a codec object of the shared engine
 * (src/engine: one worker thread, one thread-safe function, FIFO events) whose worker
 * owns a wc_image (image_engine.h): the encoded bytes, the container parser, the
 * decoders and the animation state.
 *
 * Why the worker engine and not the libuv pool: an ImageDecoder is a stateful,
 * ordered pipeline, as the other codecs are. Bytes of a stream arrive in order and are
 * parsed as they come; decode() requests are answered in order, one waiting for data
 * blocks the ones behind it (the spec's codec work queue); animated GIF/APNG/WebP keep
 * the composited canvas between frames, so frame N+1 costs one frame. One thread that
 * owns all of that needs no locks, and ordering comes from the queue, not from timing.
 * The libuv pool (4 threads shared with fs, dns and zlib) would need the state locked and
 * re-ordered, and a 16-megapixel AVIF decode would hold one of its threads for the whole
 * decode. The cost, a thread per ImageDecoder, is the one every other codec pays; idle
 * decoders do not keep the process alive.
 *
 * Commands (lib/image-decoder.js sends them; every one in FIFO order):
 *   DATA    bytes appended (copied here on the JS thread, or a transferred buffer the
 *           worker reads in place, released on the JS thread with the decoder)
 *   END     the data is complete
 *   DECODE  {request id, frameIndex, completeFramesOnly, abort generation}
 *   SELECT  the selected track index (-1: none): decoder state is dropped
 *   ABORT   nothing but a wake-up: requests of an older abort generation are dropped
 * reset() (and the selected setter) bumps the abort generation, an atomic the worker
 * reads; no command is dropped, because DATA commands must survive a reset.
 *
 * Events: OUTPUT events carry one of TRACKS / FRAMES / RESULT / REJECT; a malformed file
 * is an ERROR event (EncodingError), after which lib/ closes the decoder.
 */
#define _POSIX_C_SOURCE 200809L
#include <libavutil/frame.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "wc/engine/codec.h"
#include "wc/engine/errors.h"
#include "wc/image/image_engine.h"
#include "wc/node/env.h"
#include "wc/video/colorspace.h"
#include "wc/video/frame.h"

enum { IMG_CMD_DATA = 100, IMG_CMD_END, IMG_CMD_SELECT, IMG_CMD_ABORT };
enum { EV_TRACKS = 1, EV_FRAMES, EV_RESULT, EV_REJECT };

typedef struct data_cmd {
  uint8_t *bytes; /* owned copy, or NULL when borrowed */
  const uint8_t *borrowed;
  size_t len;
} data_cmd;

typedef struct decode_req {
  struct decode_req *next;
  double id;
  uint32_t index;
  int complete_only;
  uint32_t gen;
} decode_req;

#define MAX_TRACKS 4

typedef struct img_event {
  int kind;
  double id;
  uint32_t ntracks;
  int selected;
  int animated[MAX_TRACKS];
  uint32_t frame_count[MAX_TRACKS];
  double repetition[MAX_TRACKS];
  wc_image_out out;
  char reject_name[24];
  char message[200];
} img_event;

typedef struct img_decoder {
  wc_image *im;
  atomic_uint abort_gen;
  int selected;        /* the worker's [[internal selected track index]] */
  int prefer_animation; /* [[prefer animation]]: -1 null, 0, 1 */
  int tracks_posted;
  uint32_t ntracks;
  uint32_t posted_frames[MAX_TRACKS];
  uint32_t progressive_gen; /* [[progressive frame generations]] of frame 0 (0: no entry) */
  decode_req *head, *tail;
  napi_ref borrowed_ref; /* the transferred ArrayBuffer the data lives in */
  wc_codec *codec;
} img_decoder;

static void free_cmd_payload(int type, void *p) {
  if (type == IMG_CMD_DATA) {
    data_cmd *d = p;
    if (d) free(d->bytes);
    free(d);
  } else {
    free(p);
  }
}

static void free_event_payload(int type, void *p) {
  if (type == WC_EV_OUTPUT) {
    img_event *e = p;
    if (e) av_frame_free(&e->out.frame);
    free(e);
  } else if (type == WC_EV_ERROR) {
    wc_error_free(p);
  }
}

/* ---------------------------------------------------------------- worker side */

static void post_event(wc_worker *w, uint32_t epoch, img_event *e) {
  if (e) wc_worker_post(w, WC_EV_OUTPUT, epoch, 0, e);
}

static void fatal(wc_worker *w, uint32_t epoch, const char *msg) {
  wc_worker_post_error(w, epoch, wc_error_new("EncodingError", "ImageDecoder: %s", msg));
}

/* "Get Default Selected Track Index": the primary track unless [[prefer animation]] asks for the other kind. */
static int default_track(const img_decoder *d, const img_event *e) {
  uint32_t primary = wc_image_primary_track(d->im);
  if (d->prefer_animation < 0 || e->animated[primary] == d->prefer_animation) return (int)primary;
  for (uint32_t i = 0; i < e->ntracks; i++)
    if (e->animated[i] == d->prefer_animation) return (int)i;
  return 0;
}

/* "Establish Tracks" (once the tracks are known), then "Update Tracks" (frame counts that grew). */
static void post_tracks(img_decoder *d, wc_worker *w, uint32_t epoch) {
  wc_image *im = d->im;
  img_event *e;
  if (!d->tracks_posted) {
    if (!wc_image_tracks_known(im)) return;
    if (!(e = calloc(1, sizeof(*e)))) return;
    e->kind = EV_TRACKS;
    e->ntracks = wc_image_track_count(im);
    if (e->ntracks > MAX_TRACKS) e->ntracks = MAX_TRACKS;
    for (uint32_t t = 0; t < e->ntracks; t++) {
      wc_image_track_facts(im, t, &e->animated[t], &e->frame_count[t], &e->repetition[t]);
      d->posted_frames[t] = e->frame_count[t];
    }
    e->selected = e->ntracks ? default_track(d, e) : -1;
    d->ntracks = e->ntracks;
    d->selected = e->selected;
    if (e->selected >= 0) wc_image_select_track(im, (uint32_t)e->selected);
    d->tracks_posted = 1;
    post_event(w, epoch, e);
  } else {
    int grew = 0, animated;
    uint32_t n[MAX_TRACKS];
    double rep;
    for (uint32_t t = 0; t < d->ntracks; t++) {
      wc_image_track_facts(im, t, &animated, &n[t], &rep);
      if (n[t] > d->posted_frames[t]) grew = 1;
    }
    if (!grew || !(e = calloc(1, sizeof(*e)))) return;
    e->kind = EV_FRAMES;
    e->ntracks = d->ntracks;
    for (uint32_t t = 0; t < d->ntracks; t++) e->frame_count[t] = d->posted_frames[t] = n[t] > d->posted_frames[t] ? n[t] : d->posted_frames[t];
    post_event(w, epoch, e);
  }
}

static void pop(img_decoder *d) {
  decode_req *r = d->head;
  d->head = r->next;
  if (!d->head) d->tail = NULL;
  free(r);
}

static void reject(wc_worker *w, uint32_t epoch, double id, const char *name, const char *fmt, uint32_t index) {
  img_event *e = calloc(1, sizeof(*e));
  if (!e) return;
  e->kind = EV_REJECT;
  e->id = id;
  snprintf(e->reject_name, sizeof e->reject_name, "%s", name);
  snprintf(e->message, sizeof e->message, fmt, index);
  post_event(w, epoch, e);
}

/* Answers waiting decode requests in order; the first that must wait for data holds the rest. */
static void serve(img_decoder *d, wc_worker *w, uint32_t epoch) {
  char err[256];
  while (d->head) {
    decode_req *r = d->head;
    uint32_t gen = atomic_load_explicit(&d->abort_gen, memory_order_acquire), pg = 0;
    int state, partial = 0;
    img_event *e;
    if (r->gen != gen) { /* reset() rejected it already */
      pop(d);
      continue;
    }
    if (!d->tracks_posted) return; /* "Wait for [[tracks established]]" */
    if (d->selected < 0) {
      reject(w, epoch, r->id, "InvalidStateError", "ImageDecoder.decode: no track is selected (frame %u)", r->index);
      pop(d);
      continue;
    }
    state = wc_image_frame_state(d->im, r->index, r->complete_only ? NULL : &pg);
    if (state == WC_FRAME_WAIT) {
      if (r->complete_only || pg == 0 || pg <= d->progressive_gen) return;
      partial = 1; /* "Decode Progressive Frame": a generation beyond the last one output */
    } else if (state == WC_FRAME_RANGE) {
      reject(w, epoch, r->id, "RangeError", "ImageDecoder.decode: frameIndex %u is past the last frame of the image", r->index);
      pop(d);
      continue;
    } else if (state == WC_FRAME_TRUNCATED) {
      snprintf(err, sizeof err, "the data ended before frame %u was complete", r->index);
      fatal(w, epoch, err);
      return;
    }
    if (!(e = calloc(1, sizeof(*e)))) {
      fatal(w, epoch, "out of memory");
      return;
    }
    if (wc_image_decode(d->im, r->index, partial, &e->out, err, sizeof err) < 0) {
      free(e);
      if (partial) {
        /* a partial decode that does not work yet is not an error: wait for more scans */
        d->progressive_gen = pg;
        return;
      }
      fatal(w, epoch, err);
      return;
    }
    e->kind = EV_RESULT;
    e->id = r->id;
    d->progressive_gen = partial ? e->out.generation : 0;
    atomic_fetch_add_explicit(&d->codec->stats->outputs, 1, memory_order_relaxed);
    post_event(w, epoch, e);
    pop(d);
  }
}

static void run_data(img_decoder *d, wc_worker *w, wc_cmd *cmd) {
  data_cmd *dc = cmd->payload;
  char err[256];
  atomic_fetch_add_explicit(&d->codec->stats->inputs, 1, memory_order_relaxed);
  if (dc->borrowed) {
    wc_image_adopt(d->im, dc->borrowed, dc->len);
  } else if (wc_image_append(d->im, dc->bytes, dc->len) < 0) {
    fatal(w, cmd->epoch, "out of memory for the encoded data");
    return;
  }
  if (wc_image_parse(d->im, err, sizeof err) < 0) {
    fatal(w, cmd->epoch, err);
    return;
  }
  post_tracks(d, w, cmd->epoch);
  serve(d, w, cmd->epoch);
}

static void run_end(img_decoder *d, wc_worker *w, wc_cmd *cmd) {
  char err[256];
  wc_image_set_complete(d->im);
  if (wc_image_parse(d->im, err, sizeof err) < 0) {
    fatal(w, cmd->epoch, err);
    return;
  }
  post_tracks(d, w, cmd->epoch);
  if (!d->tracks_posted) {
    /* "Establish Tracks": not enough data to determine the tracks and the data is complete */
    fatal(w, cmd->epoch, "the data ended before the image's header was complete");
    return;
  }
  serve(d, w, cmd->epoch);
}

static void img_run(void *impl, wc_worker *w, wc_cmd *cmd) {
  img_decoder *d = impl;
  int64_t t0 = wc_now_ns();
  switch (cmd->type) {
    case IMG_CMD_DATA: run_data(d, w, cmd); break;
    case IMG_CMD_END: run_end(d, w, cmd); break;
    case WC_CMD_DECODE: {
      decode_req *r = cmd->payload;
      cmd->payload = NULL;
      r->next = NULL;
      if (d->tail)
        d->tail->next = r;
      else
        d->head = r;
      d->tail = r;
      serve(d, w, cmd->epoch);
      break;
    }
    case IMG_CMD_SELECT: {
      int *sel = cmd->payload;
      d->selected = *sel;
      d->progressive_gen = 0;
      if (d->selected >= 0 && (uint32_t)d->selected < d->ntracks)
        wc_image_select_track(d->im, (uint32_t)d->selected);
      else
        wc_image_reset_decoders(d->im);
      serve(d, w, cmd->epoch);
      break;
    }
    case IMG_CMD_ABORT: serve(d, w, cmd->epoch); break;
    default: break;
  }
  wc_stats_time(d->codec->stats, wc_now_ns() - t0);
}

static void img_teardown(void *impl) {
  img_decoder *d = impl;
  while (d->head) pop(d);
  wc_image_free(&d->im); /* the borrowed bytes are released on the JS thread (impl_free) */
}

static void img_impl_free(void *impl) {
  img_decoder *d = impl;
  if (!d) return;
  while (d->head) pop(d);
  wc_image_free(&d->im);
  if (d->borrowed_ref && d->codec && d->codec->env) napi_delete_reference(d->codec->env, d->borrowed_ref);
  free(d);
}

static const wc_worker_ops img_ops = {img_run, img_teardown, free_cmd_payload, free_event_payload};

/* ---------------------------------------------------------------- JS side */

/* Scratch layout (lib/image-decoder.js reads the same indices). */
enum {
  S_KIND = 0,
  S_ID,
  S_FORMAT,
  S_CODED_W,
  S_CODED_H,
  S_TIMESTAMP,
  S_DURATION,
  S_COMPLETE,
  S_ROTATION,
  S_FLIP,
  S_PRIMARIES,
  S_TRANSFER,
  S_MATRIX,
  S_FULL_RANGE,
  S_TRACK_COUNT,
  S_SELECTED,
  S_TRACKS, /* then per track: animated, frame count, repetition count */
};

static int img_output_js(napi_env env, wc_codec *c, wc_event *ev, napi_value *arg) {
  img_event *e = ev->payload;
  double *s = wc_env_get(env)->scratch;
  s[S_KIND] = e->kind;
  s[S_ID] = e->id;
  switch (e->kind) {
    case EV_TRACKS:
    case EV_FRAMES:
      s[S_TRACK_COUNT] = e->ntracks;
      s[S_SELECTED] = e->selected;
      for (uint32_t t = 0; t < e->ntracks; t++) {
        s[S_TRACKS + 3 * t] = e->animated[t];
        s[S_TRACKS + 3 * t + 1] = e->frame_count[t];
        s[S_TRACKS + 3 * t + 2] = e->repetition[t];
      }
      return napi_get_undefined(env, arg) == napi_ok ? 0 : -1;
    case EV_REJECT:
      if (strcmp(e->reject_name, "RangeError") == 0) {
        napi_value msg;
        if (napi_create_string_utf8(env, e->message, NAPI_AUTO_LENGTH, &msg) != napi_ok ||
            napi_create_range_error(env, NULL, msg, arg) != napi_ok)
          return -1;
        return 0;
      }
      *arg = wc_make_dom_exception(env, e->reject_name, e->message);
      return *arg ? 0 : -1;
    case EV_RESULT: {
      AVFrame *f = e->out.frame;
      s[S_FORMAT] = e->out.format;
      s[S_CODED_W] = f->width;
      s[S_CODED_H] = f->height;
      s[S_TIMESTAMP] = (double)e->out.timestamp;
      s[S_DURATION] = (double)e->out.duration;
      s[S_COMPLETE] = e->out.complete;
      s[S_ROTATION] = e->out.orientation.rotation;
      s[S_FLIP] = e->out.orientation.flip;
      s[S_PRIMARIES] = wc_primaries_index(e->out.primaries);
      s[S_TRANSFER] = wc_transfer_index(e->out.transfer);
      s[S_MATRIX] = wc_matrix_index(e->out.matrix);
      s[S_FULL_RANGE] = e->out.full_range;
      e->out.frame = NULL; /* the handle takes it */
      *arg = wc_frame_new_handle(env, f, e->out.format, 0, c->stats);
      return *arg ? 0 : -1;
    }
    default: return napi_get_undefined(env, arg) == napi_ok ? 0 : -1;
  }
}

static const wc_codec_class img_class = {"ImageDecoder", &img_ops, img_output_js, img_impl_free};

static img_decoder *from(napi_env env, napi_value h, wc_codec **pc) {
  wc_codec *c = wc_codec_from(env, h);
  if (!c) return NULL;
  if (c->cls != &img_class) {
    wc_throw_type(env, "not an ImageDecoder handle");
    return NULL;
  }
  if (pc) *pc = c;
  return c->impl;
}

/* imageDecoderCreate(owner, nice, type, desiredWidth, desiredHeight, preferAnimation (-1 null, 0, 1),
 * convertIcc (colorSpaceConversion "default")) -> handle (type already known supported) */
static napi_value js_create(napi_env env, napi_callback_info info) {
  napi_value argv[7], h;
  int convert;
  char type[96];
  int32_t nice, prefer;
  uint32_t dw, dh;
  wc_image_opts o;
  img_decoder *d;
  wc_codec *c;
  if (wc_args(env, info, 7, argv, NULL) < 0 || wc_get_int32(env, argv[1], "nice", &nice) < 0 ||
      wc_get_string(env, argv[2], "type", type, sizeof type) < 0 || wc_get_uint32(env, argv[3], "desiredWidth", &dw) < 0 ||
      wc_get_uint32(env, argv[4], "desiredHeight", &dh) < 0 || wc_get_int32(env, argv[5], "preferAnimation", &prefer) < 0 ||
      wc_get_bool(env, argv[6], "convertIcc", &convert) < 0)
    return NULL;
  memset(&o, 0, sizeof o);
  o.format = wc_image_format_from_type(type);
  o.desired_width = dw;
  o.desired_height = dh;
  o.convert_icc = convert;
  if (!o.format) {
    wc_throw_type(env, "imageDecoderCreate: unsupported type %s", type);
    return NULL;
  }
  if (!(d = calloc(1, sizeof(*d))) || !(d->im = wc_image_new(&o))) {
    free(d);
    napi_throw_error(env, NULL, "webcodecs-native: out of memory");
    return NULL;
  }
  atomic_init(&d->abort_gen, 0);
  d->prefer_animation = prefer < 0 ? -1 : prefer > 0;
  if (!(h = wc_codec_create(env, argv[0], &img_class, d, nice, &c))) return NULL;
  d->codec = c;
  return h;
}

/* imageDecoderData(h, bytes, borrowed): copies bytes, or (borrowed) reads the transferred buffer in place. */
static napi_value js_data(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  wc_codec *c;
  img_decoder *d;
  uint8_t *bytes;
  size_t len;
  int borrowed;
  data_cmd *dc;
  if (wc_args(env, info, 3, argv, NULL) < 0 || !(d = from(env, argv[0], &c)) ||
      wc_get_bytes(env, argv[1], "data", &bytes, &len) < 0 || wc_get_bool(env, argv[2], "borrowed", &borrowed) < 0)
    return NULL;
  if (!(dc = calloc(1, sizeof(*dc)))) goto oom;
  dc->len = len;
  if (borrowed) {
    napi_value ab;
    bool is_typed;
    if (d->borrowed_ref) {
      free(dc);
      wc_throw_type(env, "imageDecoderData: only one borrowed buffer");
      return NULL;
    }
    WC_CALL(env, napi_is_typedarray(env, argv[1], &is_typed));
    if (is_typed) {
      WC_CALL(env, napi_get_typedarray_info(env, argv[1], NULL, NULL, NULL, &ab, NULL));
    } else {
      ab = argv[1];
    }
    WC_CALL(env, napi_create_reference(env, ab, 1, &d->borrowed_ref)); /* released with the decoder */
    dc->borrowed = bytes;
  } else if (len) {
    if (!(dc->bytes = malloc(len))) {
      free(dc);
      goto oom;
    }
    memcpy(dc->bytes, bytes, len); /* JS memory never crosses to the worker */
  }
  return wc_codec_send(env, c, IMG_CMD_DATA, dc);
oom:
  napi_throw_range_error(env, NULL, "ImageDecoder: out of memory");
  return NULL;
}

static napi_value js_end(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  wc_codec *c;
  if (wc_args(env, info, 1, argv, NULL) < 0 || !from(env, argv[0], &c)) return NULL;
  return wc_codec_send(env, c, IMG_CMD_END, NULL);
}

/* imageDecoderDecode(h, id, frameIndex, completeFramesOnly) */
static napi_value js_decode(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  wc_codec *c;
  img_decoder *d;
  decode_req *r;
  double id;
  uint32_t index;
  int complete_only;
  if (wc_args(env, info, 4, argv, NULL) < 0 || !(d = from(env, argv[0], &c)) ||
      wc_get_double(env, argv[1], "id", &id) < 0 || wc_get_uint32(env, argv[2], "frameIndex", &index) < 0 ||
      wc_get_bool(env, argv[3], "completeFramesOnly", &complete_only) < 0)
    return NULL;
  if (!(r = calloc(1, sizeof(*r)))) {
    napi_throw_range_error(env, NULL, "ImageDecoder: out of memory");
    return NULL;
  }
  r->id = id;
  r->index = index;
  r->complete_only = complete_only;
  r->gen = atomic_load_explicit(&d->abort_gen, memory_order_relaxed);
  return wc_codec_send(env, c, WC_CMD_DECODE, r);
}

/* imageDecoderAbort(h): "Signal [[codec implementation]] to abort any active decoding operation". */
static napi_value js_abort(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  wc_codec *c;
  img_decoder *d;
  if (wc_args(env, info, 1, argv, NULL) < 0 || !(d = from(env, argv[0], &c))) return NULL;
  atomic_fetch_add_explicit(&d->abort_gen, 1, memory_order_release);
  if (c->shut) return NULL;
  return wc_codec_send(env, c, IMG_CMD_ABORT, NULL);
}

/* imageDecoderSelect(h, index) */
static napi_value js_select(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  wc_codec *c;
  int32_t index;
  int *p;
  if (wc_args(env, info, 2, argv, NULL) < 0 || !from(env, argv[0], &c) ||
      wc_get_int32(env, argv[1], "index", &index) < 0)
    return NULL;
  if (!(p = malloc(sizeof(*p)))) {
    napi_throw_range_error(env, NULL, "ImageDecoder: out of memory");
    return NULL;
  }
  *p = index;
  return wc_codec_send(env, c, IMG_CMD_SELECT, p);
}

/* imageTypeSupported(essence) -> bool: "Check Type Support" */
static napi_value js_type_supported(napi_env env, napi_callback_info info) {
  napi_value argv[1], out;
  char type[96];
  if (wc_args(env, info, 1, argv, NULL) < 0 || wc_get_string(env, argv[0], "type", type, sizeof type) < 0) return NULL;
  WC_CALL(env, napi_get_boolean(env, wc_image_format_available(wc_image_format_from_type(type)), &out));
  return out;
}

napi_status wc_image_decoder_init(napi_env env, napi_value exports) {
  static const struct {
    const char *name;
    napi_callback cb;
  } fns[] = {
      {"imageDecoderCreate", js_create}, {"imageDecoderData", js_data},     {"imageDecoderEnd", js_end},
      {"imageDecoderDecode", js_decode}, {"imageDecoderAbort", js_abort},   {"imageDecoderSelect", js_select},
      {"imageTypeSupported", js_type_supported},
  };
  napi_status s;
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
    if ((s = wc_export(env, exports, fns[i].name, fns[i].cb)) != napi_ok) return s;
  return napi_ok;
}
