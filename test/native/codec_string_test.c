/*
 * codec_string_test.c - codec-string parsing/formatting, pixel-format tables and
 * layout arithmetic, and description records, under AddressSanitizer +
 * UndefinedBehaviorSanitizer. Strings are also fed unterminated (exact-size
 * heap copies) so an overread is caught.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc/formats/bitstream.h"
#include "wc/formats/codec_string.h"
#include "wc/formats/config_record.h"
#include "wc/video/pixfmt.h"

static int failures;
#define CHECK(cond)                                                              \
  do {                                                                           \
    if (!(cond)) {                                                               \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
      failures++;                                                                \
    }                                                                            \
  } while (0)

static int parse(const char *s, wc_codec_info *o) {
  size_t n = strlen(s);
  char *copy = malloc(n ? n : 1); /* no terminator: reads past n are caught by ASan */
  int r;
  memcpy(copy, s, n);
  r = wc_codec_parse(copy, n, o);
  free(copy);
  return r;
}

static void test_valid(void) {
  wc_codec_info o;
  char buf[96];
  CHECK(parse("avc1.42001e", &o) == 0 && o.codec == WC_CODEC_H264 && o.profile == 66 && o.level == 30 && !o.in_band);
  CHECK(parse("avc3.640028", &o) == 0 && o.profile == 100 && o.level == 40 && o.in_band);
  CHECK(parse("avc1.4D401F", &o) == 0 && o.profile == 77 && o.constraints == 0x40 && o.level == 31);
  CHECK(parse("avc1.6e0033", &o) == 0 && o.bit_depth == 10);
  CHECK(parse("hvc1.1.6.L93.B0", &o) == 0 && o.codec == WC_CODEC_HEVC && o.profile == 1 && o.level == 93 &&
        o.tier == 0 && o.compat_flags == 6 && o.n_constraint_bytes == 1 && o.constraint_bytes[0] == 0xb0);
  CHECK(parse("hev1.2.4.H150.90.00.00", &o) == 0 && o.in_band && o.tier == 1 && o.bit_depth == 10);
  /* profile 0 with compatibility flags: flag j is bit j of the (bit-reversed) hex value */
  CHECK(parse("hvc1.0.6.L93", &o) == 0 && o.bit_depth == 8);
  CHECK(parse("hvc1.0.4.L93", &o) == 0 && o.bit_depth == 10);
  CHECK(parse("hvc1.0.40000000.L93", &o) == -1);
  CHECK(parse("vp8", &o) == 0 && o.codec == WC_CODEC_VP8);
  CHECK(parse("vp09.00.10.08", &o) == 0 && o.codec == WC_CODEC_VP9 && o.profile == 0 && o.level == 10 && o.bit_depth == 8);
  CHECK(parse("vp09.02.31.10", &o) == 0 && o.bit_depth == 10);
  CHECK(parse("vp09.01.20.08.03.01.01.01.00", &o) == 0 && o.chroma == WC_CHROMA_444 && o.color_primaries == 1);
  CHECK(parse("av01.0.04M.08", &o) == 0 && o.codec == WC_CODEC_AV1 && o.level == 4 && o.tier == 0);
  CHECK(parse("av01.1.08H.10", &o) == 0 && o.profile == 1 && o.tier == 1 && o.bit_depth == 10);
  CHECK(parse("av01.0.04M.10.0.112.09.16.09.0", &o) == 0 && o.transfer == 16 && o.chroma_sample_position == 2);
  CHECK(parse("av01.2.08M.12", &o) == 0);
  /* canonical formatting round-trips */
  const char *canon[] = {"avc1.42001f", "avc3.640028", "hvc1.1.6.L93.B0", "hev1.2.4.H150.90", "vp8", "vp09.00.10.08",
                         "vp09.01.20.08.03.01.01.01.00", "av01.0.04M.08", "av01.0.04M.10.0.112.09.16.09.0"};
  for (size_t i = 0; i < sizeof canon / sizeof canon[0]; i++) {
    CHECK(parse(canon[i], &o) == 0);
    CHECK(wc_codec_format(&o, buf, sizeof buf) > 0);
    if (strcmp(buf, canon[i]) != 0) {
      fprintf(stderr, "format(%s) = %s\n", canon[i], buf);
      failures++;
    }
  }
  CHECK(wc_codec_format(&o, buf, 4) == -1); /* too small: refused, not truncated */
}

static void test_invalid(void) {
  wc_codec_info o;
  const char *bad[] = {"", "avc1", "avc1.", "avc1.64001", "avc1.64001ff", "avc1.ff001f", "avc1.64001g", "avc1.640003",
                       "avc1.42031e" /* reserved bits */, " avc1.42001e", "avc1.42001e ", "AVC1.42001E", "h264",
                       "hvc1", "hvc1.1.6.L93.B0.0.0.0.0.0.0", "hvc1.1.6.X93", "hvc1.1.6.L94", "hvc1.9.6.L93.B0",
                       "hvc1.D1.6.L93", "hev1.1.6.L93.", "vp9", "vp09", "vp09.00.10", "vp09.04.10.08", "vp09.00.12.08",
                       "vp09.00.10.10", "vp09.02.10.08", "vp09.00.10.08.01", "vp09.00.10.08.01.01.01.01.00.00",
                       "vp09.1.10.08", "vp8.0", "VP8", "av01", "av01.0.04M", "av01.0.04X.08", "av01.3.04M.08",
                       "av01.0.04M.12", "av01.0.24M.08", "av01.0.04M.08.0", "av01.0.04M.08.0.110.01.01.01",
                       "av01.0.04M.08.0.011.01.01.01.0", "av01.1.04M.08.0.110.01.01.01.0", "av1", "mp4a.40.2",
                       "opus", "vp09.00.10.08.05.01.01.01.00", "vp09.00.10.08.01.01.01.00.00"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (parse(bad[i], &o) == 0) {
      fprintf(stderr, "accepted invalid codec string \"%s\"\n", bad[i]);
      failures++;
    }
  }
  CHECK(wc_codec_parse(NULL, 0, &o) == -1);
}

static void test_pixfmt(void) {
  wc_rect r = {0, 0, 7, 5};
  wc_computed_layout cl[4];
  uint64_t alloc;
  char err[256];
  wc_plane_layout lay[3] = {{100, 8}, {0, 4}, {50, 4}};
  wc_plane_layout overlap[3] = {{0, 8}, {10, 4}, {100, 4}};
  CHECK(wc_pixfmt_from_name("I420") == WC_PIX_I420 && wc_pixfmt_from_name("BGRX") == WC_PIX_BGRX);
  CHECK(wc_pixfmt_from_name("i420") == -1);
  for (int f = 0; f < WC_PIX_COUNT; f++) {
    const wc_pixfmt_desc *d = wc_pixfmt_get(f);
    CHECK(d && wc_pixfmt_from_name(d->name) == f);
    CHECK(wc_pixfmt_get(d->opaque)->alpha == 0);
    CHECK(d->planes == (d->rgb ? 1 : f == WC_PIX_NV12 ? 2 : d->alpha ? 4 : 3));
  }
  CHECK(wc_pixfmt_get(-1) == NULL && wc_pixfmt_get(WC_PIX_COUNT) == NULL);
  /* I420 7x5 tight: Y 7x5, U/V ceil -> 4x3 */
  CHECK(wc_layout_compute(WC_PIX_I420, &r, NULL, 0, cl, &alloc, err, sizeof err) == 0);
  CHECK(alloc == 35 + 12 + 12 && cl[1].dst_offset == 35 && cl[2].dst_offset == 47 && cl[1].src_width_bytes == 4);
  /* I420P10: 2 bytes per sample */
  CHECK(wc_layout_compute(WC_PIX_I420P10, &r, NULL, 0, cl, &alloc, err, sizeof err) == 0 && alloc == 2 * 59);
  /* NV12 UV plane: 2 bytes per 2x2 sample */
  CHECK(wc_layout_compute(WC_PIX_NV12, &r, NULL, 0, cl, &alloc, err, sizeof err) == 0 && alloc == 35 + 8 * 3);
  /* explicit, reordered layout */
  CHECK(wc_layout_compute(WC_PIX_I420, &r, lay, 3, cl, &alloc, err, sizeof err) == 0 && alloc == 140);
  CHECK(wc_layout_compute(WC_PIX_I420, &r, overlap, 3, cl, &alloc, err, sizeof err) == -1);
  CHECK(wc_layout_compute(WC_PIX_I420, &r, lay, 2, cl, &alloc, err, sizeof err) == -1);
  lay[0].stride = 6; /* < 7 bytes */
  CHECK(wc_layout_compute(WC_PIX_I420, &r, lay, 3, cl, &alloc, err, sizeof err) == -1);
  /* 4 GiB limit */
  {
    wc_rect big = {0, 0, 16384, 16384};
    wc_plane_layout huge[1] = {{0xffff0000u, 65536}};
    CHECK(wc_layout_compute(WC_PIX_RGBA, &big, huge, 1, cl, &alloc, err, sizeof err) == -1);
  }
  /* rect checks */
  {
    wc_rect odd = {1, 0, 2, 2}, ok = {2, 2, 2, 2}, out = {0, 0, 9, 2}, zero = {0, 0, 0, 2};
    CHECK(wc_rect_check(WC_PIX_I420, &odd, 8, 8, err, sizeof err) == -1);
    CHECK(wc_rect_check(WC_PIX_I422, &(wc_rect){2, 1, 2, 2}, 8, 8, err, sizeof err) == 0);
    CHECK(wc_rect_check(WC_PIX_I420, &ok, 8, 8, err, sizeof err) == 0);
    CHECK(wc_rect_check(WC_PIX_I420, &out, 8, 8, err, sizeof err) == -1);
    CHECK(wc_rect_check(WC_PIX_I420, &zero, 8, 8, err, sizeof err) == -1);
    CHECK(wc_rect_check(WC_PIX_RGBA, &odd, 8, 8, err, sizeof err) == 0);
    CHECK(wc_rect_check(WC_PIX_I420, &(wc_rect){0xfffffffeu, 0, 4, 2}, 8, 8, err, sizeof err) == -1); /* no overflow */
  }
}

static void test_records(void) {
  char why[256];
  static const uint8_t avcc[] = {1, 0x64, 0, 0x1f, 0xff, 0xe1, 0, 4, 0x67, 0x64, 0, 0x1f, 1, 0, 2, 0x68, 0xee};
  static const uint8_t av1c[] = {0x81, 0x04, 0x0c, 0x00};
  CHECK(wc_config_record_check(WC_CODEC_H264, avcc, sizeof avcc, why, sizeof why) == 0);
  for (size_t n = 1; n < sizeof avcc; n++) {
    /* every truncation is refused or at worst accepted without reading past n */
    uint8_t *t = malloc(n);
    memcpy(t, avcc, n);
    (void)wc_config_record_check(WC_CODEC_H264, t, n, why, sizeof why);
    free(t);
  }
  CHECK(wc_config_record_check(WC_CODEC_H264, (const uint8_t *)"\x00\x00\x00\x01\x67", 5, why, sizeof why) == -1);
  CHECK(wc_config_record_check(WC_CODEC_AV1, av1c, sizeof av1c, why, sizeof why) == 0);
  CHECK(wc_config_record_check(WC_CODEC_AV1, (const uint8_t *)"\x01\x02\x03\x04", 4, why, sizeof why) == -1);
  CHECK(wc_config_record_check(WC_CODEC_VP9, (const uint8_t *)"x", 1, why, sizeof why) == 0);
  CHECK(wc_config_record_check(WC_CODEC_HEVC, (const uint8_t *)"\x00\x00\x00\x01", 4, why, sizeof why) == -1);
}

static void test_length_prefixed(void) {
  /* 300 NAL units (more than any fixed table): every one is converted */
  enum { N = 300 };
  uint8_t in[N * 6], out[N * 8];
  size_t p = 0;
  int64_t n;
  for (int i = 0; i < N; i++) {
    in[p++] = 0; in[p++] = 0; in[p++] = 1;
    in[p++] = 0x65; in[p++] = (uint8_t)i; in[p++] = 0x80; /* IDR slice NAL, 3 bytes */
  }
  n = wc_annexb_to_length_prefixed(0, in, p, out, sizeof out, 1);
  CHECK(n == N * 7);
  CHECK(out[0] == 0 && out[3] == 3 && out[4] == 0x65 && out[(N - 1) * 7 + 5] == (uint8_t)(N - 1));
  CHECK(wc_annexb_to_length_prefixed(0, in, p, out, 10, 1) == -1); /* too small: refused */
}

int main(void) {
  test_length_prefixed();
  test_valid();
  test_invalid();
  test_pixfmt();
  test_records();
  if (failures) {
    fprintf(stderr, "codec_string_test: %d failures\n", failures);
    return 1;
  }
  printf("codec_string_test: ok\n");
  return 0;
}
