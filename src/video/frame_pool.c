/*
 * frame_pool.c - recycled pixel memory for frames made on the JS thread (see frame_pool.h).
 */
#include "wc/video/frame_pool.h"

#include <libavutil/mem.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#if defined(__SANITIZE_ADDRESS__)
#define WC_POOL_RECYCLES 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WC_POOL_RECYCLES 0
#endif
#endif
#ifndef WC_POOL_RECYCLES
#define WC_POOL_RECYCLES 1
#endif

/* Each block starts with a header holding its size; the caller's data follows, aligned. */
#define HEADER 64

struct wc_frame_pool {
  atomic_int refs;
  pthread_mutex_t mu;
  int closed;                              /* the owner let go: nothing more is kept */
  uint8_t *blocks[WC_POOL_MAX_BLOCKS];      /* kept blocks, oldest first */
  int count;
  size_t bytes;
};

static size_t block_size(const uint8_t *block) { return *(const size_t *)block; }

wc_frame_pool *wc_frame_pool_new(void) {
  wc_frame_pool *p = calloc(1, sizeof(*p));
  if (!p) return NULL;
  if (pthread_mutex_init(&p->mu, NULL) != 0) {
    free(p);
    return NULL;
  }
  atomic_init(&p->refs, 1);
  return p;
}

static void pool_unref(wc_frame_pool *p) {
  if (atomic_fetch_sub(&p->refs, 1) != 1) return;
  for (int i = 0; i < p->count; i++) av_free(p->blocks[i]);
  pthread_mutex_destroy(&p->mu);
  free(p);
}

void wc_frame_pool_release(wc_frame_pool **pp) {
  wc_frame_pool *p = *pp;
  uint8_t *drop[WC_POOL_MAX_BLOCKS];
  int n;
  *pp = NULL;
  if (!p) return;
  pthread_mutex_lock(&p->mu);
  p->closed = 1;
  n = p->count;
  for (int i = 0; i < n; i++) drop[i] = p->blocks[i];
  p->count = 0;
  p->bytes = 0;
  pthread_mutex_unlock(&p->mu);
  for (int i = 0; i < n; i++) av_free(drop[i]);
  pool_unref(p);
}

/* AVBuffer free callback: the block goes back to the pool (evicting the oldest ones over the bounds) or is freed. */
static void block_return(void *opaque, uint8_t *data) {
  wc_frame_pool *p = opaque;
  uint8_t *block = data - HEADER, *drop[WC_POOL_MAX_BLOCKS + 1];
  size_t size = block_size(block);
  int n = 0;
  pthread_mutex_lock(&p->mu);
  if (!WC_POOL_RECYCLES || p->closed || size > WC_POOL_MAX_BYTES) {
    drop[n++] = block;
  } else {
    while (p->count > 0 && (p->count == WC_POOL_MAX_BLOCKS || p->bytes + size > WC_POOL_MAX_BYTES)) {
      drop[n++] = p->blocks[0];
      p->bytes -= block_size(p->blocks[0]);
      p->count--;
      for (int i = 0; i < p->count; i++) p->blocks[i] = p->blocks[i + 1];
    }
    p->blocks[p->count++] = block;
    p->bytes += size;
  }
  pthread_mutex_unlock(&p->mu);
  for (int i = 0; i < n; i++) av_free(drop[i]);
  pool_unref(p);
}

AVBufferRef *wc_frame_pool_get(wc_frame_pool *p, size_t size) {
  uint8_t *block = NULL;
  AVBufferRef *buf;
  if (!p) return av_buffer_alloc(size);
  if (size > SIZE_MAX - HEADER) return NULL;
  pthread_mutex_lock(&p->mu);
  for (int i = p->count - 1; i >= 0; i--) { /* newest first: its pages are the warmest */
    if (block_size(p->blocks[i]) != size) continue;
    block = p->blocks[i];
    p->bytes -= size;
    p->count--;
    for (int j = i; j < p->count; j++) p->blocks[j] = p->blocks[j + 1];
    break;
  }
  pthread_mutex_unlock(&p->mu);
  if (!block) {
    if (!(block = av_malloc(size + HEADER))) return NULL;
    *(size_t *)block = size;
  }
  atomic_fetch_add(&p->refs, 1);
  if (!(buf = av_buffer_create(block + HEADER, size, block_return, p, 0))) {
    av_free(block);
    pool_unref(p);
    return NULL;
  }
  return buf;
}
