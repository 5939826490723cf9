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

void wc_event_free(wc_worker *w, wc_event *ev) {
  if (!ev) return;
  if (ev->payload && w->ops->free_event_payload) w->ops->free_event_payload(ev->type, ev->payload);
  ev->payload = NULL;
  if (wc_queue_push_max(&w->spare_events, &ev->node, WC_SPARE_MAX) < 0) free(ev);
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
  len = force ? 0 : wc_queue_length(&w->cmds);
  if (len > w->due_peak) w->due_peak = len;
  if (!force && w->due_events < BATCH_EVENTS && len * 2 > w->due_peak && wc_now_ns() - w->due_since_ns < BATCH_NS)
    return;
  w->notify_due = 0;
  w->due_events = 0;
  w->due_peak = len;
  if (w->notify) w->notify(w->ctx);
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
  free_cmd_list(w, wc_queue_replace_all(&w->cmds, cmd ? &cmd->node : NULL), &dropped);
  return dropped;
}

void wc_worker_quit(wc_worker *w) {
  wc_queue_quit(&w->cmds);
  free_cmd_list(w, wc_queue_take_all(&w->cmds, NULL), NULL);
}

static int post(wc_worker *w, int type, uint32_t epoch, uint64_t seq, void *payload, int deferred) {
  wc_event *ev = (wc_event *)spare_get(&w->worker_events, &w->spare_events);
  int was_empty;
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
  was_empty = wc_queue_push(&w->events, &ev->node);
  if (was_empty > 0 && !w->notify_due) {
    w->notify_due = 1;
    w->due_since_ns = wc_now_ns();
  }
  w->due_events++;
  if (!deferred) flush_notify(w, wc_queue_length(&w->cmds) == 0);
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
  return (wc_event *)wc_queue_try_pop(&w->events);
}

static void *worker_main(void *arg) {
  wc_worker *w = arg;
  wc_node *n;
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
  while ((n = wc_queue_pop_wait(&w->cmds)) != NULL) {
    wc_cmd *cmd = (wc_cmd *)n;
    if (w->failed && cmd->epoch == w->failed_epoch && cmd->type != WC_CMD_RESET) {
      /* The codec failed in this epoch; JS is closing or resetting it. */
    } else {
      if (w->failed && cmd->epoch != w->failed_epoch) w->failed = 0;
      w->ops->run(w->impl, w, cmd);
    }
    {
      uint64_t seq = cmd->seq;
      uint32_t epoch = cmd->epoch;
      wc_cmd_free(w, cmd);
      if (wc_queue_length(&w->cmds) == 0) {
        wc_worker_post_deferred(w, WC_EV_IDLE, epoch, seq, NULL);
        flush_notify(w, 1); /* about to wait: deliver everything now */
      } else {
        flush_notify(w, 0);
      }
    }
  }
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
  n = wc_queue_take_all(&w->events, NULL);
  while (n) {
    wc_node *next = n->next;
    wc_event_free(w, (wc_event *)n);
    n = next;
  }
  /* after the frees above, which keep what they free here */
  wc_queue_quit(&w->spare_cmds);
  wc_queue_quit(&w->spare_events);
  free_nodes(wc_queue_take_all(&w->spare_cmds, NULL));
  free_nodes(wc_queue_take_all(&w->spare_events, NULL));
  free_nodes(w->js_cmds);
  free_nodes(w->worker_events);
  w->js_cmds = w->worker_events = NULL;
  wc_queue_destroy(&w->cmds);
  wc_queue_destroy(&w->events);
  wc_queue_destroy(&w->spare_cmds);
  wc_queue_destroy(&w->spare_events);
}
