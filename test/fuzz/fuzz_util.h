/*
 * fuzz_util.h - small helpers shared by the libFuzzer targets in this folder:
 * a byte reader that yields zeros once the input is used up (so every input
 * is meaningful), a deterministic PRNG for pixel data, and FUZZ_CHECK, which
 * aborts with a message when an invariant of the library does not hold (the
 * fuzzer then saves the input as a crash).
 */
#ifndef WC_FUZZ_UTIL_H
#define WC_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fz_reader {
  const uint8_t *p;
  size_t len, pos;
} fz_reader;

static inline uint8_t fz_u8(fz_reader *r) { return r->pos < r->len ? r->p[r->pos++] : 0; }

static inline uint16_t fz_u16(fz_reader *r) {
  uint16_t v = fz_u8(r);
  return (uint16_t)(v << 8 | fz_u8(r));
}

static inline uint32_t fz_u32(fz_reader *r) {
  uint32_t v = fz_u16(r);
  return v << 16 | fz_u16(r);
}

static inline size_t fz_left(const fz_reader *r) { return r->pos < r->len ? r->len - r->pos : 0; }

/* Exact-size heap copy of n bytes (at least one byte is allocated so the pointer is never NULL). */
static inline uint8_t *fz_dup(const uint8_t *p, size_t n) {
  uint8_t *q = malloc(n ? n : 1);
  if (!q) abort();
  if (n) memcpy(q, p, n);
  return q;
}

static inline uint64_t fz_hash(const uint8_t *p, size_t n) {
  uint64_t h = 1469598103934665603ULL; /* FNV-1a */
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ULL;
  return h ? h : 1;
}

static inline uint64_t fz_rand(uint64_t *s) { /* xorshift64 */
  uint64_t x = *s;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return *s = x;
}

static inline void fz_fill(uint8_t *p, size_t n, uint64_t seed) {
  uint64_t s = seed ? seed : 0x9e3779b97f4a7c15ULL;
  for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(fz_rand(&s) >> 32);
}

#define FUZZ_CHECK(cond, ...)                                                     \
  do {                                                                           \
    if (!(cond)) {                                                               \
      fprintf(stderr, "\n%s:%d: invariant failed: %s\n  ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                              \
      fprintf(stderr, "\n");                                                     \
      abort();                                                                   \
    }                                                                            \
  } while (0)

/*
 * A finding about behaviour rather than memory (a spec rule or a documented
 * contract broken, e.g. copyTo() refusing a decoded frame's own visibleRect):
 * aborts, so that libFuzzer saves the input, unless the finding's name is listed
 * in WC_FUZZ_IGNORE (comma-separated; "all" for every one), in which case it is
 * reported once on stderr and the run goes on, to look for other bugs past it.
 */
static inline int fz_ignored(const char *name) {
  static const char *list;
  static int init;
  const char *p;
  size_t n = strlen(name);
  if (!init) {
    list = getenv("WC_FUZZ_IGNORE");
    init = 1;
  }
  if (!list) return 0;
  if (strcmp(list, "all") == 0) return 1;
  for (p = list; (p = strstr(p, name)) != NULL; p += n)
    if ((p == list || p[-1] == ',') && (p[n] == 0 || p[n] == ',')) return 1;
  return 0;
}

#define FUZZ_FINDING(name, ...)                                                   \
  do {                                                                           \
    static int reported_;                                                        \
    if (!fz_ignored(name)) {                                                     \
      fprintf(stderr, "\nfinding [%s] at %s:%d: ", name, __FILE__, __LINE__);    \
      fprintf(stderr, __VA_ARGS__);                                              \
      fprintf(stderr, "\n");                                                     \
      abort();                                                                   \
    }                                                                            \
    if (!reported_) {                                                            \
      reported_ = 1;                                                             \
      fprintf(stderr, "\nfinding [%s] (ignored, first occurrence): ", name);      \
      fprintf(stderr, __VA_ARGS__);                                              \
      fprintf(stderr, "\n");                                                     \
    }                                                                            \
  } while (0)

#endif
