/*
 * spinner.c - a CPU hog for the contention bench cases: one busy thread per core (or
 * `threads`), normal priority, until killed. Pure C so that its demand is constant (the
 * ffmpeg hog's parallelism varies with its pipeline).
 *
 *   spinner [threads (0: one per core)]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static void *spin(void *arg) {
  volatile unsigned long x = 0;
  (void)arg;
  for (;;) x++;
  return NULL;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 0;
  pthread_t t;
  if (n <= 0) n = sysconf(_SC_NPROCESSORS_ONLN);
  for (long i = 1; i < n; i++) pthread_create(&t, NULL, spin, NULL);
  spin(NULL);
  return 0;
}
