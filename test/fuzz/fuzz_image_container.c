/*
 * fuzz_image_container.c - the image container parsers (PNG/APNG, JPEG, GIF, WebP, BMP, AVIF/HEIF)
 * on the input as a file, in one target (one build and one fuzzing slot in CI instead of six). The
 * parser is picked by the file's signature (as a browser would sniff it; a file with none goes to
 * parser data[0] % 6, so garbage still reaches every parser's early checks). Per parser it checks:
 *   - scanning the bytes in random pieces (as a stream delivers them; split points from a hash of
 *     the input) reaches the same result as scanning them at once: same status, same frame table,
 *     same header facts; and a scan never reports a frame complete whose bytes have not arrived;
 *   - every frame range lies inside the data;
 *   - GIF: every complete frame is drawn by the LZW decoder and compositor (canvases up to 1
 *     megapixel, to keep executions fast); WebP: every frame's still file is built at its exact
 *     size and composited; HEIF: the items' extents are copied into exact-size buffers.
 * Seeds: the test fixtures (node test/fuzz/make-image-seeds.js).
 *
 * The per-format part below is written once and compiled six times: this file includes itself
 * with FORMAT set to each format, and F(name) names that format's copy of a function.
 */
#ifndef FORMAT
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "wc/formats/image_bmp.h"
#include "wc/formats/image_gif.h"
#include "wc/formats/image_heif.h"
#include "wc/formats/image_jpeg.h"
#include "wc/formats/image_png.h"
#include "wc/formats/image_webp.h"

#define PNG 1
#define JPEG 2
#define GIF 3
#define WEBP 4
#define BMP 5
#define HEIF 6

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define F(name) CAT(name, FORMAT)

#define FORMAT PNG
#include "fuzz_image_container.c"
#undef FORMAT
#define FORMAT JPEG
#include "fuzz_image_container.c"
#undef FORMAT
#define FORMAT GIF
#include "fuzz_image_container.c"
#undef FORMAT
#define FORMAT WEBP
#include "fuzz_image_container.c"
#undef FORMAT
#define FORMAT BMP
#include "fuzz_image_container.c"
#undef FORMAT
#define FORMAT HEIF
#include "fuzz_image_container.c"
#undef FORMAT

static int sniff(const uint8_t *d, size_t n) {
  if (n >= 4 && d[0] == 0x89 && !memcmp(d + 1, "PNG", 3)) return PNG;
  if (n >= 2 && d[0] == 0xFF && d[1] == 0xD8) return JPEG;
  if (n >= 4 && !memcmp(d, "GIF8", 4)) return GIF;
  if (n >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBP", 4)) return WEBP;
  if (n >= 2 && d[0] == 'B' && d[1] == 'M') return BMP;
  if (n >= 8 && !memcmp(d + 4, "ftyp", 4)) return HEIF;
  return 1 + d[0] % 6;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  switch (sniff(data, size)) {
    case PNG: one_1(data, size); break;
    case JPEG: one_2(data, size); break;
    case GIF: one_3(data, size); break;
    case WEBP: one_4(data, size); break;
    case BMP: one_5(data, size); break;
    default: one_6(data, size); break;
  }
  return 0;
}

#else /* the per-format part, FORMAT set */

#if FORMAT == PNG
#define STATE_T wc_png
#define SCAN wc_png_scan
static void F(release_)(STATE_T *s) { wc_png_free(s); }
#elif FORMAT == JPEG
#define STATE_T wc_jpeg
#define SCAN wc_jpeg_scan
static void F(release_)(STATE_T *s) { (void)s; }
#elif FORMAT == GIF
#define STATE_T wc_gif
#define SCAN wc_gif_scan
static void F(release_)(STATE_T *s) { wc_gif_free(s); }
#elif FORMAT == WEBP
#define STATE_T wc_webp
#define SCAN wc_webp_scan
static void F(release_)(STATE_T *s) { wc_webp_free(s); }
#elif FORMAT == BMP
#define STATE_T wc_bmp
#define SCAN wc_bmp_scan
static void F(release_)(STATE_T *s) { (void)s; }
#elif FORMAT == HEIF
#define STATE_T wc_heif
#define SCAN wc_heif_scan
static void F(release_)(STATE_T *s) { wc_heif_free(s); }
#else
#error "FORMAT must be one of PNG JPEG GIF WEBP BMP HEIF"
#endif

/* Scans data as one piece (pieces == 0) or in random pieces; returns the status. */
static int F(scan_)(STATE_T *s, const uint8_t *data, size_t len, int pieces, uint64_t seed) {
  int r = 0;
  memset(s, 0, sizeof(*s));
#if FORMAT == HEIF
  /* the data is then complete (a file whose brands promise a moov that never came has its still only) */
  if (!pieces) return (r = SCAN(s, data, len)) < 0 ? r : wc_heif_finish(s);
#else
  if (!pieces) return SCAN(s, data, len);
#endif
  {
    size_t have = 0;
    uint64_t rs = seed;
    while (have < len) {
      size_t step = 1 + (size_t)(fz_rand(&rs) % 64);
      uint8_t *copy;
      if (step > len - have) step = len - have;
      have += step;
      /* a fresh exact-size copy each time: the parser may only keep offsets, never pointers */
      copy = fz_dup(data, have);
      r = SCAN(s, copy, have);
      free(copy);
      if (r < 0) break;
    }
  }
#if FORMAT == HEIF
  if (r == 0) r = wc_heif_finish(s);
#endif
  return r;
}

#undef SAME
#define SAME(field) FUZZ_CHECK(a->field == b->field, "%s differs between one scan and pieces", #field)

static void F(compare_)(const STATE_T *a, const STATE_T *b) {
#if FORMAT == PNG
  SAME(width); SAME(height); SAME(animated); SAME(num_frames); SAME(num_plays); SAME(nframes); SAME(frames_complete);
  SAME(header_end); SAME(orientation); SAME(default_in_animation);
  for (uint32_t i = 0; i < a->nframes; i++) {
    FUZZ_CHECK(a->frames[i].start == b->frames[i].start && a->frames[i].end == b->frames[i].end, "frame %u range", i);
    FUZZ_CHECK(a->frames[i].complete == b->frames[i].complete, "frame %u complete", i);
  }
#elif FORMAT == JPEG
  SAME(width); SAME(height); SAME(progressive); SAME(scans); SAME(scans_end); SAME(end); SAME(orientation); SAME(state);
#elif FORMAT == GIF
  SAME(width); SAME(height); SAME(loop_seen); SAME(loop_count); SAME(nframes); SAME(frames_complete);
  for (uint32_t i = 0; i < a->nframes; i++) {
    FUZZ_CHECK(a->frames[i].data == b->frames[i].data && a->frames[i].data_end == b->frames[i].data_end, "frame %u data", i);
    FUZZ_CHECK(a->frames[i].duration_us == b->frames[i].duration_us && a->frames[i].disposal == b->frames[i].disposal &&
                   a->frames[i].transparent == b->frames[i].transparent, "frame %u GCE", i);
  }
#elif FORMAT == WEBP
  SAME(width); SAME(height); SAME(animated); SAME(loop_count); SAME(nframes); SAME(frames_complete); SAME(has_image);
  for (uint32_t i = 0; i < a->nframes; i++)
    FUZZ_CHECK(a->frames[i].start == b->frames[i].start && a->frames[i].end == b->frames[i].end, "frame %u range", i);
#elif FORMAT == BMP
  SAME(width); SAME(height); SAME(need); SAME(have_header);
#elif FORMAT == HEIF
  SAME(state); SAME(color.width); SAME(color.height); SAME(color.size); SAME(color.end); SAME(has_alpha);
  SAME(orientation.rotation); SAME(orientation.flip); SAME(has_still); SAME(color.ntiles); SAME(alpha.ntiles);
  SAME(has_seq); SAME(seq.nsamples); SAME(seq.end); SAME(seq_has_alpha); SAME(is_sequence);
  FUZZ_CHECK(a->seq.repetition == b->seq.repetition, "repetition differs");
  for (uint32_t i = 0; i < a->seq.nsamples; i++)
    FUZZ_CHECK(a->seq.samples[i].off == b->seq.samples[i].off && a->seq.samples[i].size == b->seq.samples[i].size &&
                   a->seq.samples[i].ts_us == b->seq.samples[i].ts_us, "sample %u differs", i);
#endif
}

#if FORMAT == HEIF
/* An item's extents (a grid: each tile's) copied into an exact-size buffer. */
static void F(copy_image_)(const wc_heif_image *img, const uint8_t *data, size_t len) {
  if (img->ntiles) {
    FUZZ_CHECK(img->ntiles == img->rows * img->cols && img->ntiles <= WC_HEIF_MAX_TILES, "grid of %u tiles", img->ntiles);
    for (uint32_t t = 0; t < img->ntiles; t++) {
      FUZZ_CHECK(!img->tiles[t].ntiles, "a tile that is a grid");
      F(copy_image_)(&img->tiles[t], data, len);
    }
    return;
  }
  FUZZ_CHECK(img->end <= len, "an item past the data");
  {
    uint8_t *buf = malloc(img->size ? (size_t)img->size : 1);
    wc_heif_copy_data(img, data, buf);
    free(buf);
  }
}
#endif

static void F(exercise_)(const STATE_T *s, const uint8_t *data, size_t len) {
  (void)data; /* PNG and JPEG check ranges only */
#if FORMAT == PNG
  for (uint32_t i = 0; i < s->nframes; i++) {
    const wc_png_frame *f = &s->frames[i];
    if (!f->complete) continue;
    FUZZ_CHECK(f->start < f->end && f->end <= len, "PNG frame %u [%llu, %llu) outside %zu bytes", i,
               (unsigned long long)f->start, (unsigned long long)f->end, len);
  }
  FUZZ_CHECK(s->frames_complete <= s->nframes, "more complete frames than frames");
#elif FORMAT == JPEG
  if (s->state == 3) FUZZ_CHECK(s->end <= len && s->scans_end <= s->end, "JPEG end %llu of %zu", (unsigned long long)s->end, len);
#elif FORMAT == GIF
  wc_gif_canvas c;
  char err[160];
  if (s->state == 0 || (uint64_t)s->width * s->height > (1u << 20)) return;
  if (wc_gif_canvas_init(&c, s) < 0) return;
  for (uint32_t i = 0; i < s->frames_complete; i++) {
    FUZZ_CHECK(s->frames[i].data_end <= len, "GIF frame %u data past the end", i);
    if (wc_gif_canvas_draw(&c, s, data, len, err, sizeof err) < 0) break;
  }
  if (s->frames_complete > 1) { /* backwards: start again */
    wc_gif_canvas_rewind(&c, s);
    wc_gif_canvas_draw(&c, s, data, len, err, sizeof err);
  }
  wc_gif_canvas_free(&c);
#elif FORMAT == WEBP
  uint8_t *canvas = NULL;
  size_t stride = (size_t)s->width * 4;
  if (s->animated && s->width && (uint64_t)s->width * s->height <= (1u << 20)) canvas = calloc(1, stride * s->height);
  for (uint32_t i = 0; i < s->frames_complete; i++) {
    const wc_webp_frame *f = &s->frames[i];
    int64_t n = wc_webp_frame_file(f, data, len, NULL, 0);
    if (n < 0) continue;
    {
      uint8_t *file = malloc((size_t)n);
      FUZZ_CHECK(wc_webp_frame_file(f, data, len, file, (size_t)n) == n, "frame file size changed");
      FUZZ_CHECK(wc_webp_frame_file(f, data, len, file, (size_t)n - 1) == -1, "frame file written into a short buffer");
      free(file);
    }
    if (canvas && (uint64_t)f->w * f->h <= (1u << 20)) {
      uint8_t *src = malloc((size_t)f->w * f->h * 4);
      fz_fill(src, (size_t)f->w * f->h * 4, f->start);
      wc_webp_blend(canvas, stride, s->width, s->height, src, (size_t)f->w * 4, f->x, f->y, f->w, f->h, f->blend);
      if (f->dispose) wc_webp_clear(canvas, stride, s->width, s->height, f->x, f->y, f->w, f->h);
      free(src);
    }
  }
  free(canvas);
#elif FORMAT == BMP
  (void)s; (void)data; (void)len;
#elif FORMAT == HEIF
  for (uint32_t i = 0; i < s->seq.nsamples; i++) {
    FUZZ_CHECK(s->seq.samples[i].dur_us >= 0 && s->seq.samples[i].ts_us >= 0, "sample %u timing", i);
    if (wc_heif_sample_complete(s, i, len))
      FUZZ_CHECK(s->seq.samples[i].off + s->seq.samples[i].size <= len, "sample %u past the data", i);
  }
  if (s->has_seq) FUZZ_CHECK(s->seq.width >= 1 && s->seq.width <= WC_IMAGE_MAX_SIDE, "sequence width %u", s->seq.width);
  if (!wc_heif_frame_complete(s, len)) return;
  F(copy_image_)(&s->color, data, len);
  if (s->has_alpha) F(copy_image_)(&s->alpha, data, len);
#endif
}

/* One input through this format's parser: at once and in pieces, compared, then exercised. */
static void F(one_)(const uint8_t *data, size_t size) {
  STATE_T a, b;
  uint8_t *copy = fz_dup(data, size);
  int ra, rb;
  ra = F(scan_)(&a, copy, size, 0, 0);
  rb = F(scan_)(&b, copy, size, 1, fz_hash(data, size));
  FUZZ_CHECK((ra < 0) == (rb < 0), "one scan says %d, pieces say %d", ra, rb);
  if (ra == 0) {
    F(compare_)(&a, &b);
    F(exercise_)(&a, copy, size);
  }
  F(release_)(&a);
  F(release_)(&b);
  free(copy);
}

#undef STATE_T
#undef SCAN
#endif
