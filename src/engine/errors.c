/*
 * errors.c - see include/wc/engine/errors.h. Safe on any thread.
 */
#include "wc/engine/errors.h"

#include <libavutil/error.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

wc_error *wc_error_new(const char *name, const char *fmt, ...) {
  wc_error *e = calloc(1, sizeof(*e));
  va_list ap;
  if (!e) return NULL;
  snprintf(e->name, sizeof e->name, "%s", name);
  va_start(ap, fmt);
  vsnprintf(e->message, sizeof e->message, fmt, ap);
  va_end(ap);
  return e;
}

void wc_averror_str(int averr, char *buf, unsigned buflen) {
  if (av_strerror(averr, buf, buflen) < 0) snprintf(buf, buflen, "error %d", averr);
}

wc_error *wc_error_av(const char *name, const char *what, int averr) {
  char msg[256];
  wc_averror_str(averr, msg, sizeof msg);
  return wc_error_new(name, "%s: %s", what, msg);
}

void wc_error_free(wc_error *e) { free(e); }
