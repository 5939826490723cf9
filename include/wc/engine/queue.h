/*
 * queue.h - intrusive FIFO guarded by a mutex, with a condition variable for a
 * consumer that waits. No Node, no FFmpeg: tested alone under ThreadSanitizer
 * (test/native/queue_test.c).
 *
 * The same type serves two purposes in a codec:
 *   - the command queue (JS thread pushes, the worker waits and pops);
 *   - the event list (the worker pushes, the JS thread takes everything at once).
 *
 * The mutex guards the list and the quit flag, nothing else: callers never hold
 * it across FFmpeg or Node-API calls (it is private to this file).
 */
#ifndef WC_QUEUE_H
#define WC_QUEUE_H

#include <pthread.h>
#include <stddef.h>

typedef struct wc_node {
  struct wc_node *next;
} wc_node;

typedef struct wc_queue {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  wc_node *head;
  wc_node *tail;
  size_t len;
  int quit;
} wc_queue;

/* 0 on success, an errno value otherwise. */
int wc_queue_init(wc_queue *q);
/* The queue must be empty (take everything first) and no thread may wait on it. */
void wc_queue_destroy(wc_queue *q);

/*
 * Appends n. Returns 1 when the queue was empty before (the consumer may need a
 * wake-up of its own, e.g. a thread-safe-function call), 0 when it was not, and
 * -1 when the queue has quit: n was not appended and still belongs to the caller.
 */
int wc_queue_push(wc_queue *q, wc_node *n);

/* wc_queue_push, but only while the queue holds fewer than max elements: -1 otherwise (n stays the caller's). */
int wc_queue_push_max(wc_queue *q, wc_node *n, size_t max);

/*
 * A list of nodes one thread collects without a lock, to append to a queue in one step
 * (wc_queue_push_list): first..last through next, len nodes.
 */
typedef struct wc_list {
  wc_node *first, *last;
  size_t len;
} wc_list;

static inline void wc_list_add(wc_list *l, wc_node *n) {
  n->next = NULL;
  if (l->last)
    l->last->next = n;
  else
    l->first = n;
  l->last = n;
  l->len++;
}

/*
 * Appends all of l in one step and empties l, unless the queue has quit or holds max elements
 * or more: -1 then, and l keeps its nodes (the caller's). Else whether the queue was empty
 * (0 for an empty l).
 */
int wc_queue_push_list(wc_queue *q, wc_list *l, size_t max);

/* Blocks until an element is available or the queue quits; NULL after quit. */
wc_node *wc_queue_pop_wait(wc_queue *q);

/* As wc_queue_pop_wait, but detaches the whole list (*count: its length): one lock per batch. */
wc_node *wc_queue_take_all_wait(wc_queue *q, size_t *count);

/* Pops the first element without waiting; NULL when empty. Ignores quit. */
wc_node *wc_queue_try_pop(wc_queue *q);

/* Detaches the whole list without waiting (NULL when empty); *count gets its length. */
wc_node *wc_queue_take_all(wc_queue *q, size_t *count);

/*
 * Atomically detaches the whole list and makes n its only element (n may be
 * NULL). Returns the detached list. Used by reset(): "remove all control
 * messages" and queue the reset in one step.
 */
wc_node *wc_queue_replace_all(wc_queue *q, wc_node *n);

/* Sets quit and wakes every waiter. Idempotent. Elements stay; take them after. */
void wc_queue_quit(wc_queue *q);

/* Current length (a snapshot). */
size_t wc_queue_length(wc_queue *q);
/* The same without taking the lock: a value the length had recently (for heuristics). */
size_t wc_queue_length_relaxed(wc_queue *q);
/* Whether wc_queue_quit has been called (lock-free). */
int wc_queue_quitting(wc_queue *q);

#endif
