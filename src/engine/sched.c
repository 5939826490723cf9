/*
 * sched.c - see include/wc/engine/sched.h for what each mode does and why.
 *
 * Threads: wc_sched_apply_codec runs on a codec's worker, wc_sched_tune_js_thread
 * on the JS thread; both change only the calling thread. wc_sched_get reads any
 * thread of this process.
 *
 * sched_setattr has no glibc wrapper before glibc 2.41: the raw system call, with
 * the first version of struct sched_attr (48 bytes, no utilisation clamps).
 */
#define _GNU_SOURCE
#include "wc/engine/sched.h"

#include <stdint.h>
#include <string.h>

#if defined(__linux__)
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#if defined(__linux__) && defined(SYS_sched_setattr) && defined(SYS_sched_getattr)
#define WC_HAVE_SCHED_ATTR 1

typedef struct wc_sched_attr {
  uint32_t size;
  uint32_t policy;
  uint64_t flags;
  int32_t nice;
  uint32_t priority;
  uint64_t runtime; /* SCHED_OTHER/BATCH on Linux >= 6.12: the requested slice, ns */
  uint64_t deadline;
  uint64_t period;
} wc_sched_attr;

#define WC_SCHED_OTHER 0
#define WC_SCHED_BATCH 3
#define WC_SCHED_IDLE 5
#define WC_FLAG_RESET_ON_FORK 0x01

static int get_attr(int tid, wc_sched_attr *a) {
  memset(a, 0, sizeof *a);
  return (int)syscall(SYS_sched_getattr, tid, a, (unsigned)sizeof *a, 0u);
}

static int set_attr(const wc_sched_attr *a) {
  wc_sched_attr b = *a;
  b.size = sizeof b;
  return (int)syscall(SYS_sched_setattr, 0, &b, 0u);
}

/* The calling thread at a normal-weight policy (SCHED_OTHER or SCHED_BATCH) with slice_ns (0: the
 * kernel's default), keeping its niceness; false when it is not at one now (not ours to change).
 * Between those two policies at the same niceness no privilege is needed. */
static int set_normal(uint32_t policy, uint64_t slice_ns) {
  wc_sched_attr a;
  if (get_attr(0, &a) != 0 || (a.policy != WC_SCHED_OTHER && a.policy != WC_SCHED_BATCH)) return 0;
  a.policy = policy;
  a.flags = 0;
  a.priority = 0;
  a.runtime = slice_ns;
  a.deadline = a.period = 0;
  return set_attr(&a) == 0;
}
#endif

void wc_sched_apply_codec(int priority) {
#if defined(__linux__)
  id_t self = (id_t)syscall(SYS_gettid);
  if (priority == WC_PRIORITY_IDLE) {
    /* SCHED_IDLE: lowering one's own priority needs no privilege. */
    struct sched_param sp = {0};
    if (sched_setscheduler(0, SCHED_IDLE, &sp) != 0) setpriority(PRIO_PROCESS, self, 19);
  } else if (priority == WC_PRIORITY_FAIR || priority == WC_PRIORITY_BATCH) {
#ifdef WC_HAVE_SCHED_ATTR
    /* Keep the niceness inherited from the JS thread (a process started with `nice` stays
     * nice); normal policy; a long slice, inherited by the threads the codec starts. Kernels
     * before 6.12 ignore the slice: the threads are then plain normal threads. */
    (void)set_normal(priority == WC_PRIORITY_BATCH ? WC_SCHED_BATCH : WC_SCHED_OTHER, (uint64_t)WC_FAIR_SLICE_US * 1000u);
#endif
  } else if (priority > 0) {
    setpriority(PRIO_PROCESS, self, priority);
  }
#else
  (void)priority;
#endif
}

void wc_sched_fair_batch(int priority, int batch) {
#ifdef WC_HAVE_SCHED_ATTR
  wc_sched_attr a;
  uint32_t want = batch ? WC_SCHED_BATCH : WC_SCHED_OTHER;
  if (priority != WC_PRIORITY_FAIR || get_attr(0, &a) != 0 || a.policy == want) return;
  (void)set_normal(want, a.runtime); /* the slice wc_sched_apply_codec set stays */
#else
  (void)priority;
  (void)batch;
#endif
}

int wc_sched_tune_js_thread(int slice_us) {
#ifdef WC_HAVE_SCHED_ATTR
  wc_sched_attr a, now;
  uint64_t want;
  if (slice_us < 100 || slice_us > 100000) return 0;
  want = (uint64_t)slice_us * 1000u;
  if (get_attr(0, &a) != 0) return 0;
  /* Only an ordinary thread at niceness >= 0: anything else was set up by someone on purpose. */
  if ((a.policy != WC_SCHED_OTHER && a.policy != WC_SCHED_BATCH) || a.nice < 0) return 0;
  /* Reset-on-fork: threads and processes started from the JS thread later (the libuv pool,
   * child processes) get the default slice, not this one. For an ordinary thread at
   * niceness >= 0 that flag changes nothing else. */
  a.flags = WC_FLAG_RESET_ON_FORK;
  a.runtime = want;
  a.priority = 0;
  a.deadline = a.period = 0;
  if (set_attr(&a) != 0) return 0;
  if (get_attr(0, &now) == 0 && now.runtime == want) return slice_us;
  /* The kernel does not take requested slices (before 6.12): undo the flag, leave nothing behind. */
  a.flags = 0;
  a.runtime = 0;
  (void)set_attr(&a);
  return 0;
#else
  (void)slice_us;
  return -1;
#endif
}

int wc_sched_get(int tid, int *policy, int *nice, int *slice_us) {
#ifdef WC_HAVE_SCHED_ATTR
  wc_sched_attr a;
  if (get_attr(tid, &a) != 0) return -1;
  *policy = (int)a.policy;
  *nice = a.nice;
  *slice_us = (int)(a.runtime / 1000u);
  return 0;
#else
  (void)tid;
  *policy = *nice = *slice_us = 0;
  return -1;
#endif
}
