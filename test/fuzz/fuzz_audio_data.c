/*
 * fuzz_audio_data.c - AudioData.copyTo() / allocationSize() as src/audio/audio_data.c runs them:
 * "Compute Copy Element Count" (wc_audio_copy_elements) and the copy/conversion (wc_audio_copy)
 * for any source/destination format pair, channel count, planeIndex, frameOffset and frameCount,
 * from planes in exact-size heap blocks into an exact-size destination (ASan sees any overrun),
 * and into one a byte short (must be refused). Oracle: for up to 64 channels the converted
 * samples must equal libswresample's swr_convert of the same samples (the formulas the header
 * promises), for every pair, except f32 sources holding NaN, infinities or magnitudes beyond 65536
 * converted to integers (swresample leaves those to lrintf/llrintf, whose result out of range is
 * unspecified and differs between its C and SIMD paths; we give 0 for NaN and clip the rest).
 *
 * Input: [0] source format (mod 8), [1] destination format (mod 8), [2] channels (1 + mod 70),
 *        [3..4] frames (1 + u16 mod 600), [5] planeIndex, [6..7] frameOffset, [8..9] frameCount
 *        (0xffff: absent), then sample bytes (repeated to fill the planes).
 */
#include <libavutil/channel_layout.h>
#include <libavutil/samplefmt.h>
#include <libswresample/swresample.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "wc/audio/sample_format.h"

/* Index of the first differing byte, or -1. */
static long first_diff(const uint8_t *a, const uint8_t *b, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i]) return (long)i;
  return -1;
}

static int has_nonfinite(const uint8_t *const *planes, int nplanes, size_t plane_bytes) {
  for (int p = 0; p < nplanes; p++)
    for (size_t i = 0; i + 4 <= plane_bytes; i += 4) {
      float x;
      memcpy(&x, planes[p] + i, 4);
      if (!isfinite(x) || fabsf(x) > 65536.0f) return 1;
    }
  return 0;
}

/* swr_convert of every sample of src into dst_fmt (same arrangement rules as the header): planes of dst. */
static uint8_t **swr_reference(const wc_audio_view *src, int dst_fmt) {
  SwrContext *swr = NULL;
  AVChannelLayout layout;
  uint8_t **out = NULL;
  int nplanes = wc_sample_format_planar(dst_fmt) ? (int)src->channels : 1;
  av_channel_layout_default(&layout, (int)src->channels);
  if (swr_alloc_set_opts2(&swr, &layout, wc_sample_format_to_av(dst_fmt), 48000, &layout, wc_sample_format_to_av(src->format),
                          48000, 0, NULL) < 0 ||
      swr_init(swr) < 0)
    abort();
  out = calloc((size_t)nplanes, sizeof(*out));
  for (int p = 0; p < nplanes; p++) {
    out[p] = malloc((size_t)src->frames * (size_t)wc_sample_format_bytes(dst_fmt) * (wc_sample_format_planar(dst_fmt) ? 1 : src->channels));
    if (!out[p]) abort();
  }
  FUZZ_CHECK(swr_convert(swr, out, (int)src->frames, (const uint8_t **)src->planes, (int)src->frames) == (int)src->frames,
             "swr_convert");
  swr_free(&swr);
  av_channel_layout_uninit(&layout);
  return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_reader r = {data, size, 0};
  int sf = fz_u8(&r) % WC_SF_COUNT, df = fz_u8(&r) % WC_SF_COUNT;
  uint32_t ch = 1 + fz_u8(&r) % 70, frames = 1 + fz_u16(&r) % 600;
  uint32_t plane = fz_u8(&r), offset = fz_u16(&r), count16 = fz_u16(&r);
  int64_t count = count16 == 0xffff ? -1 : count16;
  int sb = wc_sample_format_bytes(sf), db = wc_sample_format_bytes(df);
  int nplanes = wc_sample_format_planar(sf) ? (int)ch : 1;
  size_t plane_bytes = (size_t)frames * (size_t)sb * (wc_sample_format_planar(sf) ? 1 : ch);
  const uint8_t **planes = calloc((size_t)nplanes, sizeof(*planes));
  uint8_t *dst;
  char why[256];
  int64_t elements, written;
  wc_audio_view v;
  size_t left = fz_left(&r);
  const uint8_t *bytes = data + r.pos;
  if (!planes) abort();
  for (int p = 0; p < nplanes; p++) {
    uint8_t *q = malloc(plane_bytes);
    if (!q) abort();
    for (size_t i = 0; i < plane_bytes; i++) q[i] = left ? bytes[(i + (size_t)p * 7) % left] : (uint8_t)(i * 31 + p);
    planes[p] = q;
  }
  v.format = sf;
  v.channels = ch;
  v.frames = frames;
  v.planes = planes;
  elements = wc_audio_copy_elements(&v, df, plane, offset, count, why, sizeof why);
  if (elements < 0) {
    FUZZ_CHECK(wc_audio_copy(&v, df, plane, offset, count, NULL, 0, why, sizeof why) == -1, "out-of-range options copied");
    goto done;
  }
  {
    size_t need = (size_t)elements * (size_t)db;
    uint32_t n = wc_sample_format_planar(df) ? (uint32_t)elements : (uint32_t)(elements / ch);
    FUZZ_CHECK(need > 0 || n == 0, "elements");
    if (need > 0) {
      uint8_t *shortbuf = malloc(need - 1 ? need - 1 : 1);
      FUZZ_CHECK(wc_audio_copy(&v, df, plane, offset, count, shortbuf, need - 1, why, sizeof why) == -1,
                 "a destination one byte short was accepted");
      free(shortbuf);
    }
    dst = malloc(need ? need : 1);
    if (!dst) abort();
    written = wc_audio_copy(&v, df, plane, offset, count, dst, need, why, sizeof why);
    FUZZ_CHECK(written == (int64_t)need, "wc_audio_copy wrote %lld of %zu bytes: %s", (long long)written, need, why);
    if (ch <= 64 && need > 0 && !((sf & 3) == 3 && (df & 3) != 3 && has_nonfinite(planes, nplanes, plane_bytes))) {
      uint8_t **ref = swr_reference(&v, df);
      int ref_planes = wc_sample_format_planar(df) ? (int)ch : 1;
      if (wc_sample_format_planar(df)) {
        long at = first_diff(dst, ref[plane] + (size_t)offset * db, need);
        FUZZ_CHECK(at < 0, "%s -> %s plane %u differs from swresample at byte %ld", wc_sample_format_name(sf),
                   wc_sample_format_name(df), plane, at);
      } else {
        long at = first_diff(dst, ref[0] + (size_t)offset * db * ch, need);
        FUZZ_CHECK(at < 0, "%s -> %s (%u ch, %u frames, offset %u) differs from swresample at byte %ld: %02x vs %02x",
                   wc_sample_format_name(sf), wc_sample_format_name(df), ch, frames, offset, at, dst[at < 0 ? 0 : at],
                   ref[0][(size_t)offset * db * ch + (size_t)(at < 0 ? 0 : at)]);
      }
      (void)n;
      for (int p = 0; p < ref_planes; p++) free(ref[p]);
      free(ref);
    }
    free(dst);
  }
done:
  for (int p = 0; p < nplanes; p++) free((void *)planes[p]);
  free(planes);
  return 0;
}
