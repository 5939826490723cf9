/*
 * stats.h - per-codec counters, written by the worker and by frame release,
 * read by the JS thread without locks (relaxed atomics: a snapshot, not a
 * transaction). Reference counted because output frames outlive their codec.
 */
#ifndef WC_STATS_H
#define WC_STATS_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

typedef struct wc_stats {
  /* Written by the worker, per input and output. */
  atomic_llong inputs;   /* chunks (decoder) or frames (encoder) taken by the worker */
  atomic_llong outputs;  /* frames (decoder) or chunks (encoder) produced */
  atomic_llong busy_ns;  /* time spent in the codec for timed inputs */
  atomic_llong max_ns;   /* longest single input */
  atomic_llong timed;    /* inputs counted in busy_ns */
  atomic_int threads;    /* the codec's thread count in effect after its last open (0: its own automatic) */
  /* Written by the JS thread, per output made and released: on another cache line than the
   * worker's counters, or each output moves that line between the two cores several times
   * (the worker's lock add on `timed` was a tenth of its own per-chunk time in an hour of AAC). */
  char apart[64];
  atomic_int refs;
  atomic_llong alive;    /* output VideoFrames / AudioData not yet closed or collected */
} wc_stats;

static inline wc_stats *wc_stats_new(void) {
  wc_stats *s = calloc(1, sizeof(*s));
  if (s) atomic_init(&s->refs, 1);
  return s;
}

static inline wc_stats *wc_stats_ref(wc_stats *s) {
  if (s) atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
  return s;
}

static inline void wc_stats_unref(wc_stats **ps) {
  wc_stats *s = *ps;
  *ps = NULL;
  if (s && atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1) free(s);
}

static inline void wc_stats_time(wc_stats *s, int64_t ns) {
  long long max;
  if (!s) return;
  atomic_fetch_add_explicit(&s->busy_ns, ns, memory_order_relaxed);
  atomic_fetch_add_explicit(&s->timed, 1, memory_order_relaxed);
  max = atomic_load_explicit(&s->max_ns, memory_order_relaxed);
  while (ns > max && !atomic_compare_exchange_weak_explicit(&s->max_ns, &max, ns, memory_order_relaxed,
                                                            memory_order_relaxed)) {
  }
}

#endif
