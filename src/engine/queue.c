/*
 * queue.c - see include/wc/engine/queue.h.
 *
 * Threads: any thread may push; one consumer waits in wc_queue_pop_wait.
 * Lock scope: every function takes the mutex for a few pointer moves only.
 */
#include "wc/engine/queue.h"

#include <stdint.h>

int wc_queue_init(wc_queue *q) {
  int err;
  q->head = q->tail = NULL;
  q->len = 0;
  q->quit = 0;
  if ((err = pthread_mutex_init(&q->mu, NULL)) != 0) return err;
  if ((err = pthread_cond_init(&q->cv, NULL)) != 0) {
    pthread_mutex_destroy(&q->mu);
    return err;
  }
  return 0;
}

void wc_queue_destroy(wc_queue *q) {
  pthread_cond_destroy(&q->cv);
  pthread_mutex_destroy(&q->mu);
}

/* len and quit are written under the mutex and also read without it (wc_queue_length_relaxed,
 * wc_queue_quitting): atomic stores and loads, so those reads are not data races. */
static void set_len(wc_queue *q, size_t len) { __atomic_store_n(&q->len, len, __ATOMIC_RELAXED); }

int wc_queue_push(wc_queue *q, wc_node *n) {
  wc_list l = {n, n, 1};
  return wc_queue_push_list(q, &l, SIZE_MAX);
}

int wc_queue_push_max(wc_queue *q, wc_node *n, size_t max) {
  wc_list l = {n, n, 1};
  return wc_queue_push_list(q, &l, max);
}

int wc_queue_push_list(wc_queue *q, wc_list *l, size_t max) {
  int was_empty;
  if (!l->first) return 0;
  l->last->next = NULL;
  pthread_mutex_lock(&q->mu);
  if (q->quit || q->len >= max) {
    pthread_mutex_unlock(&q->mu);
    return -1;
  }
  was_empty = q->head == NULL;
  if (q->tail)
    q->tail->next = l->first;
  else
    q->head = l->first;
  q->tail = l->last;
  set_len(q, q->len + l->len);
  pthread_cond_signal(&q->cv);
  pthread_mutex_unlock(&q->mu);
  l->first = l->last = NULL;
  l->len = 0;
  return was_empty;
}

wc_node *wc_queue_pop_wait(wc_queue *q) {
  wc_node *n = NULL;
  pthread_mutex_lock(&q->mu);
  while (q->head == NULL && !q->quit) pthread_cond_wait(&q->cv, &q->mu);
  if (!q->quit) {
    n = q->head;
    q->head = n->next;
    if (!q->head) q->tail = NULL;
    set_len(q, q->len - 1);
    n->next = NULL;
  }
  pthread_mutex_unlock(&q->mu);
  return n;
}

wc_node *wc_queue_take_all_wait(wc_queue *q, size_t *count) {
  wc_node *n = NULL;
  size_t k = 0;
  pthread_mutex_lock(&q->mu);
  while (q->head == NULL && !q->quit) pthread_cond_wait(&q->cv, &q->mu);
  if (!q->quit) {
    n = q->head;
    k = q->len;
    q->head = q->tail = NULL;
    set_len(q, 0);
  }
  pthread_mutex_unlock(&q->mu);
  if (count) *count = k;
  return n;
}

wc_node *wc_queue_try_pop(wc_queue *q) {
  wc_node *n;
  pthread_mutex_lock(&q->mu);
  n = q->head;
  if (n) {
    q->head = n->next;
    if (!q->head) q->tail = NULL;
    set_len(q, q->len - 1);
    n->next = NULL;
  }
  pthread_mutex_unlock(&q->mu);
  return n;
}

wc_node *wc_queue_take_all(wc_queue *q, size_t *count) {
  wc_node *n;
  pthread_mutex_lock(&q->mu);
  n = q->head;
  if (count) *count = q->len;
  q->head = q->tail = NULL;
  set_len(q, 0);
  pthread_mutex_unlock(&q->mu);
  return n;
}

wc_node *wc_queue_replace_all(wc_queue *q, wc_node *n) {
  wc_node *old;
  if (n) n->next = NULL;
  pthread_mutex_lock(&q->mu);
  old = q->head;
  q->head = q->tail = n;
  set_len(q, n ? 1 : 0);
  if (n) pthread_cond_signal(&q->cv);
  pthread_mutex_unlock(&q->mu);
  return old;
}

void wc_queue_quit(wc_queue *q) {
  pthread_mutex_lock(&q->mu);
  __atomic_store_n(&q->quit, 1, __ATOMIC_RELEASE);
  pthread_cond_broadcast(&q->cv);
  pthread_mutex_unlock(&q->mu);
}

size_t wc_queue_length(wc_queue *q) {
  size_t len;
  pthread_mutex_lock(&q->mu);
  len = q->len;
  pthread_mutex_unlock(&q->mu);
  return len;
}

size_t wc_queue_length_relaxed(wc_queue *q) { return __atomic_load_n(&q->len, __ATOMIC_RELAXED); }

int wc_queue_quitting(wc_queue *q) { return __atomic_load_n(&q->quit, __ATOMIC_ACQUIRE); }
