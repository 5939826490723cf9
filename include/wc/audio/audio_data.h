/*
 * audio_data.h - the native side of AudioData: a type-tagged handle over a
 * reference-counted AVFrame in its own sample format (never converted on
 * creation). clone() is av_frame_ref, close() unrefs at once, the finalizer
 * unrefs a forgotten one; owned sample memory is reported to V8
 * (napi_adjust_external_memory) so forgotten AudioData get collected.
 *
 * A handle made from a transferred ArrayBuffer (new AudioData({transfer}))
 * borrows that memory: `borrowed` is set and lib/audio-data.js keeps the
 * buffer alive as long as the AudioData. Such samples must not leave the JS
 * thread as they are: wc_audio_data_frame_for_worker copies them.
 *
 * Interface for other native code (the AudioEncoder): on the JS thread, take
 * lib's handle (AudioData[kHandle].h, see lib/symbols.js) and call
 *   AVFrame *f = wc_audio_data_frame_for_worker(env, h);
 * to get a frame reference of your own that any thread may read, with
 * f->format, f->sample_rate, f->nb_samples, f->ch_layout and f->pts unset
 * (AV_NOPTS_VALUE: the timestamp lives in JS). Free it with av_frame_free.
 */
#ifndef WC_AUDIO_DATA_H
#define WC_AUDIO_DATA_H

#include <libavutil/frame.h>

#include "wc/engine/queue.h"
#include "wc/engine/stats.h"
#include "wc/node/napi_util.h"

/*
 * A frame that goes back, samples and all, to the thread that made it when its AudioData is
 * closed or collected, so that its buffer references are freed where they were allocated (glibc
 * frees a chunk into its own arena under that arena's lock: frees from the JS thread contended
 * with the worker's allocations once per frame). The slot is the start of a malloc'd block
 * (free()d with av_frame_free of its frame once the bin is closed).
 */
typedef struct wc_frame_slot {
  wc_node node;
  AVFrame *frame;
} wc_frame_slot;

/* Shared, reference-counted: the producer holds one reference, every AudioData of a slot one. */
typedef struct wc_frame_bin {
  wc_queue q;
  atomic_int refs;
} wc_frame_bin;

/* Any thread. A bin with one reference, or NULL (out of memory). */
wc_frame_bin *wc_frame_bin_new(void);
/* Any thread. Drops a reference (*b = NULL); the last one frees the bin. */
void wc_frame_bin_unref(wc_frame_bin **b);
/* Any thread. Gives s back: 0, or -1 once the bin is closed (s stays the caller's). */
int wc_frame_bin_put(wc_frame_bin *b, wc_frame_slot *s);
/* Producer. The slots given back so far (a list by node.next), or NULL. */
wc_node *wc_frame_bin_take(wc_frame_bin *b);
/* Producer, at its end: puts fail from now on. Returns the slots given back, for the caller to free. */
wc_node *wc_frame_bin_close(wc_frame_bin *b);

typedef struct wc_audio_data {
  AVFrame *av;     /* NULL once closed */
  int format;      /* enum wc_sample_format */
  int64_t ext;     /* bytes reported as external memory */
  int borrowed;    /* samples live in a JS ArrayBuffer that lib/ keeps alive (transfer) */
  wc_stats *stats; /* the producing codec's counters, or NULL */
  wc_frame_slot *slot; /* av is slot->frame, which goes back to `bin` on release; or NULL */
  wc_frame_bin *bin;
} wc_audio_data;

/* JS thread. Wraps f (ownership passes, freed on failure) in a new handle. */
napi_value wc_audio_data_new_handle(napi_env env, AVFrame *f, int format, int borrowed, wc_stats *stats);
/* JS thread. Wraps s->frame (a decoder's, not borrowed) in a new handle; the slot goes back to
 * bin when the handle is closed or collected. NULL with an exception: s stays the caller's. */
napi_value wc_audio_data_new_slot(napi_env env, wc_frame_slot *s, wc_frame_bin *bin, int format, wc_stats *stats);
/* JS thread. The open AudioData behind a handle; NULL with an exception (TypeError, or InvalidStateError when closed). */
wc_audio_data *wc_audio_data_from(napi_env env, napi_value h);
/*
 * JS thread. A new reference to the samples of handle h that may be read on any
 * thread (a copy when the memory is borrowed from JS). NULL with an exception
 * pending (closed, not a handle, out of memory).
 */
AVFrame *wc_audio_data_frame_for_worker(napi_env env, napi_value h);

/* Module init: adds the audioData* natives. */
napi_status wc_audio_data_init(napi_env env, napi_value exports);

#endif
