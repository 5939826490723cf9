/*
 * worker.c - the per-codec thread: command loop and event posting.
 * See include/wc/engine/worker.h for the design; this file has no Node-API or FFmpeg.
 *
 * Threads: wc_worker_send/reset/quit/next_event run on the JS thread; the loop
 * (worker_main), ops->run and wc_worker_post run on the worker. Both sides only
 * meet in the two wc_queue lists.
 */
#define _GNU_SOURCE
#include "wc/engine/worker.h"
#include "wc/engine/sched.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int wc_worker_init(wc_worker *w, const wc_worker_ops *ops, void *impl,
                   void (*notify)(void *), void (*on_exit)(void *), void *ctx) {
  int err;
  w->ops = ops;
  w->impl = impl;
  w->notify = notify;
  w->on_exit = on_exit;
  w->ctx = ctx;
  w->started = w->joined = 0;
  w->failed = 0;
  w->failed_epoch = 0;
  w->notify_due = 0;
  w->due_events = 0;
  w->due_peak = 0;
  if ((err = wc_queue_init(&w->cmds)) != 0) return err;
  if ((err = wc_queue_init(&w->events)) != 0) {
    wc_queue_destroy(&w->cmds);
    return err;
  }
  w->js_cmds = w->worker_events = NULL;
  atomic_init(&w->reset_epoch, 0);
  w->run_cmds = w->js_events = NULL;
  atomic_init(&w->run_len, 0);
  w->out = w->done = w->js_freed = (wc_list){NULL, NULL, 0};
  if ((err = wc_queue_init(&w->spare_cmds)) != 0) {
    wc_queue_destroy(&w->cmds);
    wc_queue_destroy(&w->events);
    return err;
  }
  if ((err = wc_queue_init(&w->spare_events)) != 0) {
    wc_queue_destroy(&w->cmds);
    wc_queue_destroy(&w->events);
    wc_queue_destroy(&w->spare_cmds);
    return err;
  }
  return 0;
}

#define WC_SPARE_MAX 1024

/* Takes one node from *local, refilling it from spare first when empty. NULL: none. */
static wc_node *spare_get(wc_node **local, wc_queue *spare) {
  wc_node *n;
  if (!*local) *local = wc_queue_take_all(spare, NULL);
  if ((n = *local)) *local = n->next;
  return n;
}

static void free_nodes(wc_node *n) {
  while (n) {
    wc_node *next = n->next;
    free(n);
    n = next;
  }
}

wc_cmd *wc_cmd_new(int type, uint32_t epoch, uint64_t seq, void *payload) {
  wc_cmd *cmd = calloc(1, sizeof(*cmd));
  if (!cmd) return NULL;
  cmd->type = type;
  cmd->epoch = epoch;
  cmd->seq = seq;
  cmd->payload = payload;
  return cmd;
}

wc_cmd *wc_worker_cmd_new(wc_worker *w, int type, uint32_t epoch, uint64_t seq, void *payload) {
  wc_cmd *cmd = (wc_cmd *)spare_get(&w->js_cmds, &w->spare_cmds);
  if (!cmd) return wc_cmd_new(type, epoch, seq, payload);
  memset(cmd, 0, sizeof(*cmd));
  cmd->type = type;
  cmd->epoch = epoch;
  cmd->seq = seq;
  cmd->payload = payload;
  return cmd;
}

void wc_cmd_free(wc_worker *w, wc_cmd *cmd) {
  if (!cmd) return;
  if (cmd->payload && w->ops->free_cmd_payload) w->ops->free_cmd_payload(cmd->type, cmd->payload);
  cmd->payload = NULL;
  if (wc_queue_push_max(&w->spare_cmds, &cmd->node, WC_SPARE_MAX) < 0) free(cmd);
}

/* Gives l back to spare in one step (freeing its nodes where spare is full); l ends empty. */
static void list_give(wc_list *l, wc_queue *spare) {
  if (wc_queue_push_list(spare, l, WC_SPARE_MAX) < 0) {
    free_nodes(l->first);
    *l = (wc_list){NULL, NULL, 0};
  }
}

#define JS_FREED_BATCH 64

void wc_event_free(wc_worker *w, wc_event *ev) {
  if (!ev) return;
  if (ev->payload && w->ops->free_event_payload) w->ops->free_event_payload(ev->type, ev->payload);
  ev->payload = NULL;
  wc_list_add(&w->js_freed, &ev->node);
  if (w->js_freed.len >= JS_FREED_BATCH) list_give(&w->js_freed, &w->spare_events);
}

/* Worker: a finished command (its payload freed now) waits in `done` for the next publish. */
static void cmd_done(wc_worker *w, wc_cmd *cmd) {
  if (cmd->payload && w->ops->free_cmd_payload) w->ops->free_cmd_payload(cmd->type, cmd->payload);
  cmd->payload = NULL;
  wc_list_add(&w->done, &cmd->node);
}

/* Worker: commands not run yet, held in run_cmds or queued. */
static size_t pending(wc_worker *w) { return atomic_load_explicit(&w->run_len, memory_order_relaxed) + wc_queue_length_relaxed(&w->cmds); }

size_t wc_worker_queued(wc_worker *w) { return pending(w); }

/* Worker: the collected events join the event list (the JS side is woken when `wake` and the
 * list was empty: otherwise a wake-up is on its way, or the JS side is taking the list), and
 * the finished commands go back to spare_cmds. */
static void publish(wc_worker *w, int wake) {
  int was_empty;
  list_give(&w->done, &w->spare_cmds);
  w->notify_due = 0;
  w->due_events = 0;
  w->open_dequeue = NULL;
  was_empty = wc_queue_push_list(&w->events, &w->out, SIZE_MAX);
  if (was_empty < 0) { /* the event list never quits; kept for completeness */
    wc_node *n = w->out.first;
    while (n) {
      wc_node *next = n->next;
      wc_event *ev = (wc_event *)n;
      if (ev->payload && w->ops->free_event_payload) w->ops->free_event_payload(ev->type, ev->payload);
      free(ev);
      n = next;
    }
    w->out = (wc_list){NULL, NULL, 0};
  }
  if (wake && was_empty == 1 && w->notify) w->notify(w->ctx);
}

#define BATCH_EVENTS 64
#define BATCH_NS 1000000LL

int64_t wc_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Wakes the JS side if events wait for it: at once when `force` (the worker is about to
 * wait for commands), else when enough events wait, the oldest has waited long enough, or
 * half of the commands queued at the last wake-up (or queued since) are done: JS then gets
 * its dequeue events while the worker still has the other half to work on, so a caller that
 * refills the queue from them keeps it from running dry, with one wake-up per half queue
 * instead of one per few chunks (each costs the worker an eventfd write and JS a turn).
 * Worker thread.
 */
static void flush_notify(wc_worker *w, int force) {
  size_t len;
  if (!w->notify_due) return;
  len = force ? 0 : pending(w);
  if (len > w->due_peak) w->due_peak = len;
  if (!force && w->due_events < BATCH_EVENTS && len * 2 > w->due_peak && wc_now_ns() - w->due_since_ns < BATCH_NS)
    return;
  w->due_peak = len;
  publish(w, 1);
}

static void free_cmd_list(wc_worker *w, wc_node *n, size_t *count) {
  size_t k = 0;
  while (n) {
    wc_node *next = n->next;
    wc_cmd_free(w, (wc_cmd *)n);
    n = next;
    k++;
  }
  if (count) *count = k;
}

int wc_worker_send(wc_worker *w, wc_cmd *cmd) {
  if (wc_queue_push(&w->cmds, &cmd->node) < 0) {
    wc_cmd_free(w, cmd);
    return -1;
  }
  return 0;
}

size_t wc_worker_reset(wc_worker *w, wc_cmd *cmd) {
  size_t dropped = 0;
  /* before the queue is replaced: the worker then drops what it holds of the older epochs */
  if (cmd) atomic_store_explicit(&w->reset_epoch, cmd->epoch, memory_order_release);
  free_cmd_list(w, wc_queue_replace_all(&w->cmds, cmd ? &cmd->node : NULL), &dropped);
  return dropped;
}

void wc_worker_quit(wc_worker *w) {
  wc_queue_quit(&w->cmds);
  free_cmd_list(w, wc_queue_take_all(&w->cmds, NULL), NULL);
}

static int post(wc_worker *w, int type, uint32_t epoch, uint64_t seq, void *payload, int deferred) {
  wc_event *ev;
  if (type == WC_EV_DEQUEUED && w->open_dequeue && w->open_dequeue->epoch == epoch) {
    /* one more command taken: the JS side would add it to the same dequeue entry */
    w->open_dequeue->count++;
    w->open_dequeue->seq = seq;
    if (!deferred) flush_notify(w, pending(w) == 0);
    return 0;
  }
  ev = (wc_event *)spare_get(&w->worker_events, &w->spare_events);
  if (ev)
    memset(ev, 0, sizeof(*ev));
  else
    ev = calloc(1, sizeof(*ev));
  if (!ev) {
    if (payload && w->ops->free_event_payload) w->ops->free_event_payload(type, payload);
    return -1;
  }
  ev->type = type;
  ev->epoch = epoch;
  ev->seq = seq;
  ev->count = 1;
  ev->payload = payload;
  wc_list_add(&w->out, &ev->node);
  if (type == WC_EV_DEQUEUED) w->open_dequeue = ev;
  else if (type != WC_EV_OUTPUT) w->open_dequeue = NULL; /* dequeue notices never move past a flush, error or idle */
  if (!w->notify_due) {
    w->notify_due = 1;
    w->due_since_ns = wc_now_ns();
  }
  w->due_events++;
  if (!deferred) flush_notify(w, pending(w) == 0);
  return 0;
}

int wc_worker_post(wc_worker *w, int type, uint32_t epoch, uint64_t seq, void *payload) {
  return post(w, type, epoch, seq, payload, 0);
}

int wc_worker_post_deferred(wc_worker *w, int type, uint32_t epoch, uint64_t seq, void *payload) {
  return post(w, type, epoch, seq, payload, 1);
}

void wc_worker_fail_epoch(wc_worker *w, uint32_t epoch) {
  w->failed = 1;
  w->failed_epoch = epoch;
}

int wc_worker_post_error(wc_worker *w, uint32_t epoch, void *error) {
  wc_worker_fail_epoch(w, epoch);
  return wc_worker_post(w, WC_EV_ERROR, epoch, 0, error);
}

wc_event *wc_worker_next_event(wc_worker *w) {
  wc_node *n;
  if (!w->js_events) w->js_events = wc_queue_take_all(&w->events, NULL);
  if (!(n = w->js_events)) {
    /* nothing left to deliver: the freed events go back to the worker now */
    list_give(&w->js_freed, &w->spare_events);
    return NULL;
  }
  w->js_events = n->next;
  n->next = NULL;
  return (wc_event *)n;
}

/* Worker: the next command to run, from run_cmds (refilled with everything queued, waiting
 * for it when there is none). Commands of an epoch older than the last reset are dropped, as
 * the reset dropped those still queued. NULL once the queue has quit. */
static wc_cmd *next_cmd(wc_worker *w) {
  for (;;) {
    wc_cmd *cmd;
    if (!w->run_cmds) {
      size_t k;
      if (!(w->run_cmds = wc_queue_take_all_wait(&w->cmds, &k))) return NULL;
      atomic_store_explicit(&w->run_len, k, memory_order_relaxed);
    }
    if (wc_queue_quitting(&w->cmds)) {
      wc_node *n = w->run_cmds;
      w->run_cmds = NULL;
      atomic_store_explicit(&w->run_len, 0, memory_order_relaxed);
      while (n) {
        wc_node *next = n->next;
        cmd_done(w, (wc_cmd *)n);
        n = next;
      }
      return NULL;
    }
    cmd = (wc_cmd *)w->run_cmds;
    w->run_cmds = cmd->node.next;
    cmd->node.next = NULL;
    atomic_store_explicit(&w->run_len, atomic_load_explicit(&w->run_len, memory_order_relaxed) - 1, memory_order_relaxed);
    if ((int32_t)(cmd->epoch - atomic_load_explicit(&w->reset_epoch, memory_order_acquire)) < 0) {
      cmd_done(w, cmd);
      continue;
    }
    return cmd;
  }
}

static void *worker_main(void *arg) {
  wc_worker *w = arg;
  wc_cmd *cmd;
  sigset_t mask;
  /* Asynchronous signals belong to the JS thread (Node installs its handlers there).
   * The mask is inherited by the codec's own threads. */
  sigfillset(&mask);
  sigdelset(&mask, SIGSEGV);
  sigdelset(&mask, SIGBUS);
  sigdelset(&mask, SIGFPE);
  sigdelset(&mask, SIGILL);
  pthread_sigmask(SIG_BLOCK, &mask, NULL);
#ifdef __linux__
  pthread_setname_np(pthread_self(), "webcodecs-codec");
#endif
  /* Before any codec work: the codec's own threads (opened later, from this thread) inherit it. */
  wc_sched_apply_codec(w->nice);
  while ((cmd = next_cmd(w)) != NULL) {
    if (w->failed && cmd->epoch == w->failed_epoch && cmd->type != WC_CMD_RESET) {
      /* The codec failed in this epoch; JS is closing or resetting it. */
    } else {
      if (w->failed && cmd->epoch != w->failed_epoch) w->failed = 0;
      w->ops->run(w->impl, w, cmd);
    }
    {
      uint64_t seq = cmd->seq;
      uint32_t epoch = cmd->epoch;
      cmd_done(w, cmd);
      if (pending(w) == 0) {
        wc_worker_post_deferred(w, WC_EV_IDLE, epoch, seq, NULL);
        flush_notify(w, 1); /* about to wait: deliver everything now */
      } else {
        flush_notify(w, 0);
      }
    }
  }
  publish(w, 0); /* quit: whatever is left is freed with the worker */
  if (w->ops->teardown) w->ops->teardown(w->impl);
  if (w->on_exit) w->on_exit(w->ctx);
  return NULL;
}

int wc_worker_start(wc_worker *w) {
  int err = pthread_create(&w->thread, NULL, worker_main, w);
  if (err == 0) w->started = 1;
  return err;
}

void wc_worker_join(wc_worker *w) {
  if (!w->started || w->joined) return;
  pthread_join(w->thread, NULL);
  w->joined = 1;
}

void wc_worker_destroy(wc_worker *w) {
  wc_node *n;
  free_cmd_list(w, wc_queue_take_all(&w->cmds, NULL), NULL);
  for (int k = 0; k < 2; k++) { /* published, then taken by the JS side but not delivered */
    n = k ? w->js_events : wc_queue_take_all(&w->events, NULL);
    while (n) {
      wc_node *next = n->next;
      wc_event_free(w, (wc_event *)n);
      n = next;
    }
  }
  w->js_events = NULL;
  /* after the frees above, which keep what they free here */
  wc_queue_quit(&w->spare_cmds);
  wc_queue_quit(&w->spare_events);
  free_nodes(wc_queue_take_all(&w->spare_cmds, NULL));
  free_nodes(wc_queue_take_all(&w->spare_events, NULL));
  free_nodes(w->js_cmds);
  free_nodes(w->worker_events);
  free_nodes(w->js_freed.first);
  free_nodes(w->done.first); /* published at the loop's end; a worker never started has none */
  w->js_cmds = w->worker_events = NULL;
  w->js_freed = w->done = (wc_list){NULL, NULL, 0};
  wc_queue_destroy(&w->cmds);
  wc_queue_destroy(&w->events);
  wc_queue_destroy(&w->spare_cmds);
  wc_queue_destroy(&w->spare_events);
}
