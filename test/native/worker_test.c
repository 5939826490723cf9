/*
 * worker_test.c - the worker loop with a fake codec, under ThreadSanitizer.
 * A "JS thread" (main) sends commands and consumes events woken by notify();
 * the fake codec's run() emits DEQUEUED + OUTPUT per DECODE, FLUSHED per FLUSH
 * and fails on a poisoned chunk. Checks ordering, IDLE sequence numbers,
 * reset dropping queued commands, failed epochs, and that every payload is
 * freed exactly once on every path (quit with work queued included).
 *
 *   cc -std=c11 -fsanitize=thread -g -Iinclude src/engine/queue.c src/engine/worker.c test/native/worker_test.c -lpthread
 */
#define _DEFAULT_SOURCE
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wc/engine/worker.h"

#define CHECK(cond)                                                              \
  do {                                                                           \
    if (!(cond)) {                                                               \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
      exit(1);                                                                   \
    }                                                                            \
  } while (0)

static atomic_int payloads_alive;
static atomic_int notifies;
static atomic_int exited;
static pthread_mutex_t wake_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cv = PTHREAD_COND_INITIALIZER;
static int wake_flag;

typedef struct fake_payload {
  int value;
} fake_payload;

static fake_payload *payload(int v) {
  fake_payload *p = malloc(sizeof(*p));
  CHECK(p);
  p->value = v;
  atomic_fetch_add(&payloads_alive, 1);
  return p;
}

static void free_payload(int type, void *p) {
  (void)type;
  if (!p) return;
  atomic_fetch_sub(&payloads_alive, 1);
  free(p);
}

/* A DECODE of GATE waits (after its DEQUEUED) until the gate opens: the worker is then busy
 * with it while holding every command it took with it. */
#define GATE 1000000
static atomic_int gate_entered, gate_open;

static void fake_run(void *impl, wc_worker *w, wc_cmd *cmd) {
  (void)impl;
  switch (cmd->type) {
    case WC_CMD_DECODE: {
      fake_payload *in = cmd->payload;
      wc_worker_post(w, WC_EV_DEQUEUED, cmd->epoch, cmd->seq, NULL);
      if (in->value == GATE) {
        atomic_store(&gate_entered, 1);
        while (!atomic_load(&gate_open)) usleep(100);
      }
      if (in->value < 0) {
        wc_worker_fail_epoch(w, cmd->epoch);
        wc_worker_post(w, WC_EV_ERROR, cmd->epoch, cmd->seq, payload(in->value));
        return;
      }
      if (in->value % 7 == 0) usleep(100); /* vary the timing */
      wc_worker_post(w, WC_EV_OUTPUT, cmd->epoch, cmd->seq, payload(in->value));
      break;
    }
    case WC_CMD_FLUSH: wc_worker_post(w, WC_EV_FLUSHED, cmd->epoch, cmd->seq, NULL); break;
    default: break;
  }
}

static void fake_teardown(void *impl) { (void)impl; }

static const wc_worker_ops ops = {fake_run, fake_teardown, free_payload, free_payload};

static void notify(void *ctx) {
  (void)ctx;
  atomic_fetch_add(&notifies, 1);
  pthread_mutex_lock(&wake_mu);
  wake_flag = 1;
  pthread_cond_signal(&wake_cv);
  pthread_mutex_unlock(&wake_mu);
}

static void on_exit_cb(void *ctx) {
  (void)ctx;
  atomic_store(&exited, 1);
}

/* Waits for the next event (as the JS thread would, woken by notify). */
static wc_event *next_event(wc_worker *w) {
  for (;;) {
    wc_event *ev = wc_worker_next_event(w);
    if (ev) return ev;
    pthread_mutex_lock(&wake_mu);
    while (!wake_flag) pthread_cond_wait(&wake_cv, &wake_mu);
    wake_flag = 0;
    pthread_mutex_unlock(&wake_mu);
  }
}

static uint64_t seq;

static void send(wc_worker *w, int type, uint32_t epoch, void *p) { CHECK(wc_worker_send(w, wc_cmd_new(type, epoch, ++seq, p)) == 0); }

static void test_order_and_idle(void) {
  wc_worker w;
  int outputs = 0, dequeued = 0, flushed = 0, merged = 0;
  uint64_t idle_seq = 0;
  CHECK(wc_worker_init(&w, &ops, NULL, notify, on_exit_cb, NULL) == 0);
  CHECK(wc_worker_start(&w) == 0);
  for (int i = 0; i < 5000; i++) send(&w, WC_CMD_DECODE, 1, payload(i));
  send(&w, WC_CMD_FLUSH, 1, NULL);
  uint64_t flush_seq = seq;
  for (int i = 5000; i < 5100; i++) send(&w, WC_CMD_DECODE, 1, payload(i)); /* their notices stay after the flush's */
  uint64_t last_seq = seq;
  while (idle_seq != last_seq) {
    wc_event *ev = next_event(&w);
    switch (ev->type) {
      case WC_EV_DEQUEUED:
        /* the notices of later commands join an unpublished one (as the JS side joins them);
         * seq is the last command's */
        CHECK(ev->count >= 1 && ev->seq == (uint64_t)(dequeued + ev->count) + (flushed ? 1 : 0));
        if (ev->count > 1) merged++;
        dequeued += (int)ev->count;
        break;
      case WC_EV_OUTPUT:
        CHECK(((fake_payload *)ev->payload)->value == outputs); /* FIFO */
        CHECK(dequeued >= outputs + 1); /* a command's dequeue notice comes before its output */
        outputs++;
        break;
      case WC_EV_FLUSHED: CHECK(outputs == 5000 && dequeued == 5000 && ev->seq == flush_seq); flushed++; break;
      case WC_EV_IDLE: CHECK(ev->seq <= last_seq); idle_seq = ev->seq; break;
      default: CHECK(0);
    }
    wc_event_free(&w, ev);
  }
  CHECK(outputs == 5100 && dequeued == 5100 && flushed == 1);
  CHECK(merged > 0); /* with 5000 queued, the worker collects several outputs per publish */
  CHECK(atomic_load(&notifies) >= 1 && atomic_load(&notifies) <= 5100 * 3); /* only on empty -> non-empty */
  wc_worker_quit(&w);
  wc_worker_join(&w);
  CHECK(atomic_load(&exited) == 1);
  wc_worker_destroy(&w);
  CHECK(atomic_load(&payloads_alive) == 0);
}

static void test_reset_and_failed_epoch(void) {
  wc_worker w;
  uint64_t last;
  int stale_after_reset = 0, errors = 0, outputs_epoch3 = 0;
  atomic_store(&exited, 0);
  CHECK(wc_worker_init(&w, &ops, NULL, notify, on_exit_cb, NULL) == 0);
  CHECK(wc_worker_start(&w) == 0);
  for (int i = 0; i < 3000; i++) send(&w, WC_CMD_DECODE, 1, payload(i));
  /* reset: drops what is queued (their payloads are freed), then runs in epoch 2 */
  size_t dropped = wc_worker_reset(&w, wc_cmd_new(WC_CMD_RESET, 2, ++seq, NULL));
  CHECK(dropped <= 3000);
  /* epoch 2 fails on a poisoned chunk; the rest of epoch 2 is skipped unrun */
  send(&w, WC_CMD_DECODE, 2, payload(-1));
  for (int i = 0; i < 100; i++) send(&w, WC_CMD_DECODE, 2, payload(i));
  /* epoch 3 works again */
  for (int i = 0; i < 100; i++) send(&w, WC_CMD_DECODE, 3, payload(i));
  last = seq;
  for (;;) {
    wc_event *ev = next_event(&w);
    int done = ev->type == WC_EV_IDLE && ev->seq == last;
    if (ev->type == WC_EV_OUTPUT && ev->epoch == 2) stale_after_reset++;
    if (ev->type == WC_EV_ERROR) errors++;
    if (ev->type == WC_EV_OUTPUT && ev->epoch == 3) outputs_epoch3++;
    wc_event_free(&w, ev);
    if (done) break;
  }
  CHECK(errors == 1);
  CHECK(stale_after_reset == 0); /* nothing of epoch 2 ran after its failure */
  CHECK(outputs_epoch3 == 100);
  wc_worker_quit(&w);
  wc_worker_join(&w);
  wc_worker_destroy(&w);
  CHECK(atomic_load(&payloads_alive) == 0);
}

/* The worker takes every queued command at once: a reset (or quit) while it runs the first of
 * them must drop the others it holds, as it drops those still queued. */
static void test_reset_and_quit_drop_held_commands(void) {
  for (int quit = 0; quit < 2; quit++) {
    wc_worker w;
    int out1 = 0, out2 = 0;
    uint64_t last;
    atomic_store(&gate_entered, 0);
    atomic_store(&gate_open, 0);
    CHECK(wc_worker_init(&w, &ops, NULL, notify, on_exit_cb, NULL) == 0);
    send(&w, WC_CMD_DECODE, 1, payload(GATE));
    for (int i = 0; i < 99; i++) send(&w, WC_CMD_DECODE, 1, payload(i));
    CHECK(wc_worker_start(&w) == 0); /* its first take is all 100 */
    while (!atomic_load(&gate_entered)) usleep(100);
    CHECK(wc_worker_queued(&w) == 99); /* held by the worker, not started: still counted */
    if (quit) {
      wc_worker_quit(&w);
      atomic_store(&gate_open, 1);
      wc_worker_join(&w);
      for (wc_event *ev; (ev = wc_worker_next_event(&w));) {
        if (ev->type == WC_EV_OUTPUT) out1++;
        wc_event_free(&w, ev);
      }
      CHECK(out1 <= 1); /* the gate's own output at most: none of the 99 ran */
    } else {
      CHECK(wc_worker_reset(&w, wc_cmd_new(WC_CMD_RESET, 2, ++seq, NULL)) == 0); /* nothing left queued */
      for (int i = 0; i < 10; i++) send(&w, WC_CMD_DECODE, 2, payload(i));
      last = seq;
      atomic_store(&gate_open, 1);
      for (;;) {
        wc_event *ev = next_event(&w);
        int done = ev->type == WC_EV_IDLE && ev->seq == last;
        if (ev->type == WC_EV_OUTPUT) *(ev->epoch == 1 ? &out1 : &out2) += 1;
        wc_event_free(&w, ev);
        if (done) break;
      }
      CHECK(out1 == 1); /* the gate's own: the 99 held with it were dropped */
      CHECK(out2 == 10);
      wc_worker_quit(&w);
      wc_worker_join(&w);
    }
    wc_worker_destroy(&w);
    CHECK(atomic_load(&payloads_alive) == 0);
  }
}

static void test_quit_with_work_queued(void) {
  wc_worker w;
  atomic_store(&exited, 0);
  CHECK(wc_worker_init(&w, &ops, NULL, notify, on_exit_cb, NULL) == 0);
  CHECK(wc_worker_start(&w) == 0);
  for (int i = 0; i < 20000; i++) send(&w, WC_CMD_DECODE, 1, payload(i));
  wc_worker_quit(&w); /* does not wait */
  CHECK(wc_worker_send(&w, wc_cmd_new(WC_CMD_DECODE, 1, ++seq, payload(1))) == -1); /* refused and freed */
  wc_worker_join(&w);
  CHECK(atomic_load(&exited) == 1);
  wc_worker_destroy(&w); /* frees events the consumer never took */
  CHECK(atomic_load(&payloads_alive) == 0);
}

static void test_never_started(void) {
  wc_worker w;
  CHECK(wc_worker_init(&w, &ops, NULL, notify, on_exit_cb, NULL) == 0);
  send(&w, WC_CMD_DECODE, 1, payload(1));
  wc_worker_quit(&w);
  wc_worker_join(&w); /* no thread: no-op */
  wc_worker_destroy(&w);
  CHECK(atomic_load(&payloads_alive) == 0);
}

int main(void) {
  test_order_and_idle();
  test_reset_and_failed_epoch();
  test_reset_and_quit_drop_held_commands();
  test_quit_with_work_queued();
  test_never_started();
  printf("worker_test: ok\n");
  return 0;
}
