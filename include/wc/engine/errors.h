/*
 * errors.h - errors made off the JS thread. The worker never creates JS values:
 * it fills a wc_error {name, message}; the JS thread turns it into a
 * DOMException with that name (see codec.c).
 */
#ifndef WC_ERRORS_H
#define WC_ERRORS_H

typedef struct wc_error {
  char name[32];      /* DOMException name: "EncodingError", "NotSupportedError", ... */
  char message[480];
} wc_error;

/* Heap error with a printf-style message; NULL when out of memory. Any thread. */
wc_error *wc_error_new(const char *name, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* "<what>: <av_strerror(averr)>". Any thread. */
wc_error *wc_error_av(const char *name, const char *what, int averr);

/* av_strerror into buf. */
void wc_averror_str(int averr, char *buf, unsigned buflen);

void wc_error_free(wc_error *e);

#endif
