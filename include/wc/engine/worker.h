/*
 * worker.h - one thread per codec object, draining a command queue and posting
 * events. No Node-API and no FFmpeg here: the codec behaviour comes in through
 * wc_worker_ops and the wake-up of the JS side through a notify callback, so the
 * loop is tested alone with a fake codec under ThreadSanitizer
 * (test/native/worker_test.c).
 *
 * DESIGN
 *   JS thread                         worker thread
 *   ---------                         -------------
 *   wc_worker_send(cmd)   --cmds-->   take all -> ops->run(each) -> wc_worker_post(ev)
 *   wc_worker_next_event  <-events--  (published in batches; notify() when the list was empty)
 *   wc_worker_reset(cmd)              drops everything queued, then runs cmd
 *   wc_worker_quit()                  loop ends, ops->teardown(), ops->on_exit()
 *   wc_worker_join()                  (only once the thread has posted on_exit,
 *                                      or at environment teardown)
 *
 * Every command carries an epoch and a sequence number. The worker posts an
 * IDLE event carrying the sequence number of the last command it finished
 * whenever it finds the command queue empty: the JS side compares it with the
 * last number it sent to know that nothing is in flight.
 */
#ifndef WC_WORKER_H
#define WC_WORKER_H

#include <stdatomic.h>
#include <stdint.h>

#include "wc/engine/queue.h"

enum wc_cmd_type {
  WC_CMD_CONFIGURE = 1,
  WC_CMD_DECODE,
  WC_CMD_ENCODE,
  WC_CMD_FLUSH,
  WC_CMD_RESET,
};

enum wc_event_type {
  WC_EV_OUTPUT = 1,  /* payload: codec-specific output (AVFrame, packet) */
  WC_EV_DEQUEUED,    /* a DECODE/ENCODE command was taken */
  WC_EV_FLUSHED,     /* seq: the flush's sequence number */
  WC_EV_ERROR,       /* payload: wc_error; the codec is closed by JS */
  WC_EV_IDLE,        /* seq: last finished command; queue found empty */
};

typedef struct wc_cmd {
  wc_node node; /* first member: a wc_cmd* is a wc_node* */
  int type;
  uint32_t epoch;
  uint64_t seq;
  void *payload; /* owned; freed by ops->free_cmd_payload */
} wc_cmd;

typedef struct wc_event {
  wc_node node; /* first member */
  int type;
  uint32_t epoch;
  uint64_t seq;
  int64_t count; /* DEQUEUED: how many commands */
  void *payload; /* owned; freed by ops->free_event_payload */
} wc_event;

typedef struct wc_worker wc_worker;

typedef struct wc_worker_ops {
  /* Worker thread. Runs one command; posts its events with wc_worker_post*. */
  void (*run)(void *impl, wc_worker *w, wc_cmd *cmd);
  /* Worker thread, after the loop: frees the codec state held by impl. */
  void (*teardown)(void *impl);
  /* Any thread. Free a command's or an event's payload (NULL-tolerant). */
  void (*free_cmd_payload)(int type, void *payload);
  void (*free_event_payload)(int type, void *payload);
} wc_worker_ops;

struct wc_worker {
  wc_queue cmds;
  wc_queue events;
  pthread_t thread;
  int started;
  int joined;
  const wc_worker_ops *ops;
  void *impl;
  /* Called by the worker when the event list goes from empty to non-empty. */
  void (*notify)(void *ctx);
  /* Last call made by the worker thread (e.g. release a thread-safe function). */
  void (*on_exit)(void *ctx);
  void *ctx;
  /* Scheduling of the worker thread, applied before any codec work and inherited by the
   * threads the codec starts: 0 = unchanged, 1..19 = that niceness, WC_PRIORITY_IDLE or
   * WC_PRIORITY_FAIR (include/wc/engine/sched.h). */
  int nice;
  /* Worker-only state. */
  uint32_t failed_epoch;
  int failed;
  int notify_due;         /* events wait in `out` (unpublished) */
  int64_t due_since_ns;   /* since when */
  int due_events;         /* events posted since the last wake-up */
  size_t due_peak;        /* most commands queued since the last wake-up */
  /*
   * Commands and events are recycled, not freed by the other thread (glibc frees a chunk into
   * the arena of the thread that allocated it, under that arena's lock: one contended free per
   * chunk each way). A finished command goes to spare_cmds for wc_worker_cmd_new (JS thread,
   * which takes them all into js_cmds); a freed event to spare_events for the worker's next
   * post (which takes them all into worker_events). Each spare list keeps at most WC_SPARE_MAX.
   */
  wc_queue spare_cmds;
  wc_queue spare_events;
  wc_node *js_cmds;       /* JS thread only */
  wc_node *worker_events; /* worker thread only (and destroy) */
  /*
   * Batching (one lock per batch, not one per command and per event on each side):
   *   - the worker takes every queued command at once into run_cmds and runs them from there;
   *     a reset stores its epoch in reset_epoch before it replaces the queue, and the worker
   *     drops the commands of older epochs it already holds, as the reset drops the queued ones;
   *   - the worker's events collect in `out` and join `events` when the JS side is woken (the
   *     same moments as before: 64 events, 1 ms, half the queue done, or nothing left to do);
   *   - finished commands collect in `done` and go back to spare_cmds with them;
   *   - the JS side takes all published events at once into js_events, and the events it frees
   *     collect in `js_freed` until 64 of them go back to spare_events.
   */
  atomic_uint reset_epoch;
  wc_node *run_cmds;   /* worker only */
  atomic_size_t run_len; /* its length: written by the worker, read by wc_worker_queued */
  wc_list out;       /* worker only */
  /* worker only: the DEQUEUED event in `out` that later dequeue notices of its epoch join (as
   * the JS side joins them into one dequeue entry), until an event other than an output */
  wc_event *open_dequeue;
  wc_list done;      /* worker only */
  wc_node *js_events; /* JS thread only */
  wc_list js_freed;  /* JS thread only */
};

/* Initialises the queues. 0 or an errno value. */
int wc_worker_init(wc_worker *w, const wc_worker_ops *ops, void *impl,
                   void (*notify)(void *), void (*on_exit)(void *), void *ctx);
/* Starts the thread. 0 or an errno value (then nothing runs). */
int wc_worker_start(wc_worker *w);
/* Frees the queues and whatever is still in them. The thread must be joined (or never started). */
void wc_worker_destroy(wc_worker *w);

/* JS thread. Allocates a command; NULL when out of memory. */
wc_cmd *wc_cmd_new(int type, uint32_t epoch, uint64_t seq, void *payload);
/* JS thread. The same, reusing one of w's finished commands when there is one. */
wc_cmd *wc_worker_cmd_new(wc_worker *w, int type, uint32_t epoch, uint64_t seq, void *payload);
/* Frees a command and its payload. */
void wc_cmd_free(wc_worker *w, wc_cmd *cmd);
/* Queues cmd (ownership passes). -1 after quit: the command has been freed. */
int wc_worker_send(wc_worker *w, wc_cmd *cmd);
/* Drops every queued command (freeing them) and queues cmd in one step; returns how many were dropped. */
size_t wc_worker_reset(wc_worker *w, wc_cmd *cmd);
/* Asks the loop to end and frees queued commands. Idempotent; does not wait. */
void wc_worker_quit(wc_worker *w);
/* Waits for the thread. Idempotent. */
void wc_worker_join(wc_worker *w);

/* Any thread: commands not run yet (queued, or taken by the worker and not started): a snapshot. */
size_t wc_worker_queued(wc_worker *w);

/* Consumer side (JS thread): next event or NULL. */
wc_event *wc_worker_next_event(wc_worker *w);
void wc_event_free(wc_worker *w, wc_event *ev);

/* Worker side. Posting never blocks; on out-of-memory the payload is freed and -1 returned. */
int wc_worker_post(wc_worker *w, int type, uint32_t epoch, uint64_t seq, void *payload);
/*
 * The same, but the wake-up of the JS side waits until the next wc_worker_post or the
 * end of the current command: a DEQUEUED event then travels with the outputs of its
 * chunk in one JS turn instead of costing a turn of its own.
 *
 * Wake-ups are batched while the worker has more commands queued (it is ahead of
 * JS): the JS side is woken when 64 events wait, 1 ms after the first of them, when half
 * of the commands queued since the last wake-up are done, or as soon as the command
 * queue runs dry, so a caller feeding one chunk at a time sees no added latency.
 *
 * A DEQUEUED notice joins (count + 1, seq = its command's) the DEQUEUED event not yet
 * published of the same epoch, ahead of the outputs posted since, until a FLUSHED, ERROR or
 * IDLE event: what the JS side does with the notices of one batch anyway (src/engine/codec.c),
 * done here it halves the events of a decode (one per chunk instead of two).
 */
int wc_worker_post_deferred(wc_worker *w, int type, uint32_t epoch, uint64_t seq, void *payload);
/* Marks the epoch failed: later commands of that epoch are dropped unrun (the JS side closes the codec). */
void wc_worker_fail_epoch(wc_worker *w, uint32_t epoch);
/* Fails the epoch and posts WC_EV_ERROR with the payload (the codec's error object). */
int wc_worker_post_error(wc_worker *w, uint32_t epoch, void *error);

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t wc_now_ns(void);

#endif
