/*
 * queue_test.c - the command queue alone, under ThreadSanitizer: FIFO order,
 * several producers and one waiting consumer, quit while waiting, take-all and
 * replace-all racing with producers. Exits non-zero on the first failure.
 *
 *   cc -std=c11 -fsanitize=thread -g -Iinclude src/engine/queue.c test/native/queue_test.c -lpthread
 */
#include <stdio.h>
#include <stdlib.h>

#include "wc/engine/queue.h"

#define CHECK(cond)                                                       \
  do {                                                                    \
    if (!(cond)) {                                                        \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      exit(1);                                                            \
    }                                                                     \
  } while (0)

typedef struct item {
  wc_node node;
  int producer;
  int seq;
} item;

#define PRODUCERS 4
#define PER_PRODUCER 20000

static wc_queue q;

static void *producer(void *arg) {
  int id = (int)(long)arg;
  for (int i = 0; i < PER_PRODUCER; i++) {
    item *it = malloc(sizeof(*it));
    CHECK(it);
    it->producer = id;
    it->seq = i;
    CHECK(wc_queue_push(&q, &it->node) >= 0);
  }
  return NULL;
}

static void test_fifo_single_thread(void) {
  item items[5];
  wc_queue s;
  size_t n;
  wc_node *list;
  CHECK(wc_queue_init(&s) == 0);
  CHECK(wc_queue_try_pop(&s) == NULL);
  for (int i = 0; i < 5; i++) {
    items[i].seq = i;
    CHECK(wc_queue_push(&s, &items[i].node) == (i == 0 ? 1 : 0)); /* 1 = was empty */
  }
  CHECK(wc_queue_length(&s) == 5);
  CHECK(((item *)wc_queue_try_pop(&s))->seq == 0);
  CHECK(((item *)wc_queue_pop_wait(&s))->seq == 1);
  list = wc_queue_take_all(&s, &n);
  CHECK(n == 3 && ((item *)list)->seq == 2 && ((item *)list->next)->seq == 3);
  CHECK(wc_queue_length(&s) == 0);
  CHECK(wc_queue_push(&s, &items[0].node) == 1);
  list = wc_queue_replace_all(&s, &items[1].node);
  CHECK(list == &items[0].node && wc_queue_length(&s) == 1);
  CHECK(wc_queue_try_pop(&s) == &items[1].node);
  wc_queue_quit(&s);
  CHECK(wc_queue_push(&s, &items[2].node) == -1); /* refused after quit; caller keeps it */
  CHECK(wc_queue_pop_wait(&s) == NULL);
  wc_queue_destroy(&s);
}

static void test_producers_consumer(void) {
  pthread_t t[PRODUCERS];
  int next[PRODUCERS] = {0};
  long got = 0;
  CHECK(wc_queue_init(&q) == 0);
  for (long i = 0; i < PRODUCERS; i++) CHECK(pthread_create(&t[i], NULL, producer, (void *)i) == 0);
  while (got < (long)PRODUCERS * PER_PRODUCER) {
    item *it = (item *)wc_queue_pop_wait(&q);
    CHECK(it);
    CHECK(it->seq == next[it->producer]); /* per-producer FIFO order */
    next[it->producer]++;
    free(it);
    got++;
  }
  for (int i = 0; i < PRODUCERS; i++) pthread_join(t[i], NULL);
  CHECK(wc_queue_length(&q) == 0);
  wc_queue_destroy(&q);
}

static void *waiter(void *arg) {
  wc_queue *s = arg;
  return wc_queue_pop_wait(s); /* NULL after quit */
}

static void test_quit_wakes_waiter(void) {
  wc_queue s;
  pthread_t t;
  void *ret = (void *)1;
  CHECK(wc_queue_init(&s) == 0);
  CHECK(pthread_create(&t, NULL, waiter, &s) == 0);
  wc_queue_quit(&s);
  pthread_join(t, &ret);
  CHECK(ret == NULL);
  wc_queue_destroy(&s);
}

static void *resetter(void *arg) {
  (void)arg;
  for (int i = 0; i < 2000; i++) {
    item *it = malloc(sizeof(*it));
    wc_node *old;
    CHECK(it);
    it->producer = -1;
    it->seq = i;
    old = wc_queue_replace_all(&q, &it->node);
    while (old) {
      wc_node *nx = old->next;
      free(old);
      old = nx;
    }
  }
  return NULL;
}

static void *drainer(void *arg) {
  (void)arg;
  for (;;) {
    item *it = (item *)wc_queue_pop_wait(&q);
    if (!it) return NULL;
    free(it);
  }
}

static void test_replace_races(void) {
  pthread_t p[2], r, c;
  wc_node *rest;
  CHECK(wc_queue_init(&q) == 0);
  CHECK(pthread_create(&c, NULL, drainer, NULL) == 0);
  for (long i = 0; i < 2; i++) CHECK(pthread_create(&p[i], NULL, producer, (void *)i) == 0);
  CHECK(pthread_create(&r, NULL, resetter, NULL) == 0);
  for (int i = 0; i < 2; i++) pthread_join(p[i], NULL);
  pthread_join(r, NULL);
  wc_queue_quit(&q);
  pthread_join(c, NULL);
  rest = wc_queue_take_all(&q, NULL);
  while (rest) {
    wc_node *nx = rest->next;
    free(rest);
    rest = nx;
  }
  wc_queue_destroy(&q);
}

int main(void) {
  test_fifo_single_thread();
  test_producers_consumer();
  test_quit_wakes_waiter();
  test_replace_races();
  printf("queue_test: ok\n");
  return 0;
}
