/*
 * fuzz_bitstream.c - the description checks and the encoder's packaging code
 * (include/wc/formats/config_record.h, include/wc/formats/bitstream.h) on hostile bytes.
 *
 * Input: byte 0 selects the function (modulo the count below), the rest is the
 * function's input, always passed as an exact-size heap copy so that any read
 * past the end is an ASan report. Outputs go to exact-size heap buffers with
 * capacities that are right-sized, generous (what src/video/encoder.c passes) and one
 * byte too small, so that a write past outcap is caught too.
 *
 * Besides memory safety, each op checks what the header promises, e.g. a
 * length-prefixed rewrite holds exactly the NAL units of the input, a built
 * avcC/hvcC/av1C passes wc_config_record_check, a parsed HEVC SPS has a chroma
 * format in 0..3 and bit depths in 8..16, stripping temporal delimiters is
 * idempotent.
 */
#define _POSIX_C_SOURCE 200809L /* strnlen */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "wc/formats/bitstream.h"
#include "wc/formats/chunk_check.h"
#include "wc/formats/codec_string.h"
#include "wc/formats/config_record.h"

enum {
  OP_RECORD_CHECK,
  OP_SPLIT,
  OP_LP_AVC,
  OP_LP_AVC_DROP,
  OP_LP_HEVC,
  OP_LP_HEVC_DROP,
  OP_AVCC,
  OP_HVCC,
  OP_HEVC_SPS,
  OP_AV1C,
  OP_AV1_STRIP,
  OP_HAS_PS,
  OP_CHUNK_CHECK,
  OP_COUNT
};

#define MAX_NALS_LIB 256 /* bitstream.c's MAX_NALS */

/* wc_chunk_check for every codec and NAL length size; a refusal always gives a terminated reason */
static void op_chunk_check(const uint8_t *in, size_t len) {
  static const int sizes[] = {0, 1, 2, 4};
  for (int kind = WC_CODEC_NONE; kind <= WC_CODEC_AV1; kind++) {
    for (int k = 0; k < 4; k++) {
      wc_chunk_facts f;
      char why[128];
      f.av1_reduced_still = -1;
      if (wc_chunk_check(kind, sizes[k], in, len, &f, why, sizeof why) < 0)
        FUZZ_CHECK(why[0] && strnlen(why, sizeof why) < sizeof why, "refused without a reason");
      else
        FUZZ_CHECK(f.shows == 0 || f.shows == 1, "shows is not a flag");
    }
  }
}

static void op_record_check(const uint8_t *in, size_t len) {
  for (int kind = WC_CODEC_NONE; kind <= WC_CODEC_AV1 + 1; kind++) {
    size_t sizes[3] = {256, 7, 1};
    for (int k = 0; k < 3; k++) {
      char *why = malloc(sizes[k]);
      if (!why) abort();
      why[0] = 0;
      (void)wc_config_record_check(kind, in, len, why, sizes[k]);
      FUZZ_CHECK(strnlen(why, sizes[k]) < sizes[k], "reason not terminated");
      free(why);
    }
  }
  /* NULL / empty descriptions are "no description" */
  FUZZ_CHECK(wc_config_record_check(WC_CODEC_H264, NULL, 0, NULL, 0) == 0, "NULL description refused");
}

/* Splits with room for every NAL unit (at most len / 4 + 1 of them). */
static int split_all(const uint8_t *in, size_t len, wc_nal **out) {
  int max = (int)(len / 4 + 1);
  *out = malloc(sizeof(wc_nal) * (size_t)max);
  if (!*out) abort();
  return wc_annexb_split(in, len, *out, max);
}

static void op_split(const uint8_t *in, size_t len) {
  wc_nal *all;
  int n = split_all(in, len, &all);
  const uint8_t *prev_end = in;
  for (int i = 0; i < n; i++) {
    FUZZ_CHECK(all[i].size > 0 && all[i].data >= prev_end && all[i].data + all[i].size <= in + len,
               "NAL %d out of order or out of the buffer", i);
    FUZZ_CHECK(all[i].data[all[i].size - 1] != 0, "NAL %d ends with a zero byte", i);
    for (size_t k = 0; k + 2 < all[i].size; k++)
      FUZZ_CHECK(!(all[i].data[k] == 0 && all[i].data[k + 1] == 0 && all[i].data[k + 2] == 1),
                 "NAL %d contains a start code", i);
    prev_end = all[i].data + all[i].size;
  }
  {
    int maxes[4] = {0, 1, 3, MAX_NALS_LIB};
    for (int m = 0; m < 4; m++) {
      wc_nal *some = malloc(sizeof(wc_nal) * (size_t)(maxes[m] ? maxes[m] : 1));
      int k;
      if (!some) abort();
      k = wc_annexb_split(in, len, some, maxes[m]);
      FUZZ_CHECK(k == (n < maxes[m] ? n : maxes[m]), "split with max %d returned %d of %d", maxes[m], k, n);
      for (int i = 0; i < k; i++)
        FUZZ_CHECK(some[i].data == all[i].data && some[i].size == all[i].size, "split(max) is not a prefix");
      free(some);
    }
  }
  for (int i = 0; i < n; i++) {
    int t0 = wc_nal_type(0, &all[i]), t1 = wc_nal_type(1, &all[i]);
    FUZZ_CHECK(t0 >= 0 && t0 < 32 && t1 >= 0 && t1 < 64, "NAL types %d %d", t0, t1);
  }
  free(all);
}

static int is_ps(int hevc, int t) {
  return hevc ? (t >= 32 && t <= 35) : (t == 7 || t == 8 || t == 9);
}

static void op_length_prefixed(const uint8_t *in, size_t len, int hevc, int drop) {
  wc_nal *all;
  int n = split_all(in, len, &all);
  size_t cap = len + len / 3 + 16; /* what src/video/encoder.c allocates; documented as always enough */
  uint8_t *out = malloc(cap);
  int64_t r;
  if (!out) abort();
  r = wc_annexb_to_length_prefixed(hevc, in, len, out, cap, drop);
  FUZZ_CHECK(r >= 0 && (uint64_t)r <= cap, "len + len/3 + 16 = %zu bytes was not enough (%lld)", cap, (long long)r);
  {
    /* the output is exactly the (kept) NAL units, all of them, in order (the conversion has no limit) */
    size_t pos = 0;
    int kept = 0;
    for (int i = 0; i < n; i++) {
      uint32_t l;
      if (drop && is_ps(hevc, wc_nal_type(hevc, &all[i]))) continue;
      FUZZ_CHECK(pos + 4 <= (size_t)r, "output ends before NAL %d", i);
      l = (uint32_t)out[pos] << 24 | (uint32_t)out[pos + 1] << 16 | (uint32_t)out[pos + 2] << 8 | out[pos + 3];
      pos += 4;
      FUZZ_CHECK(l == all[i].size && pos + l <= (size_t)r && memcmp(out + pos, all[i].data, l) == 0,
                 "NAL %d differs in the output", i);
      pos += l;
      kept++;
    }
    FUZZ_CHECK(pos == (size_t)r, "output has %lld bytes, %zu expected (%d NAL units kept)", (long long)r, pos, kept);
  }
  free(out);
  if (r > 0) {
    /* right-sized: the same bytes; one byte short: refused (never a write past outcap) */
    uint8_t *ref = malloc((size_t)r), *exact = malloc((size_t)r), *shorter = malloc((size_t)r - 1 ? (size_t)r - 1 : 1);
    if (!ref || !exact || !shorter) abort();
    FUZZ_CHECK(wc_annexb_to_length_prefixed(hevc, in, len, ref, (size_t)r, drop) == r, "right-sized output refused");
    FUZZ_CHECK(wc_annexb_to_length_prefixed(hevc, in, len, shorter, (size_t)r - 1, drop) == -1,
               "output one byte too small accepted");
    FUZZ_CHECK(wc_annexb_to_length_prefixed(hevc, in, len, exact, (size_t)r, drop) == r &&
                   memcmp(ref, exact, (size_t)r) == 0,
               "not deterministic");
    free(ref);
    free(exact);
    free(shorter);
  } else {
    /* nothing to write: a zero-capacity (NULL) output is fine */
    FUZZ_CHECK(wc_annexb_to_length_prefixed(hevc, in, len, NULL, 0, drop) == 0, "empty output needs room");
  }
  free(all);
}

typedef int64_t (*builder)(const uint8_t *in, size_t len, uint8_t *out, size_t cap, void *ctx);

static int64_t build_avcc(const uint8_t *in, size_t len, uint8_t *out, size_t cap, void *ctx) {
  (void)ctx;
  return wc_build_avcc(in, len, out, cap);
}

static int64_t build_hvcc(const uint8_t *in, size_t len, uint8_t *out, size_t cap, void *ctx) {
  return wc_build_hvcc(in, len, out, cap, ctx);
}

static int64_t build_av1c(const uint8_t *in, size_t len, uint8_t *out, size_t cap, void *ctx) {
  (void)in;
  (void)len;
  return wc_build_av1c(ctx, out, cap);
}

/* Builds with cap (exact-size heap), then right-sized and one byte short. Returns the record (caller frees) or NULL. */
static uint8_t *build_sized(builder b, const uint8_t *in, size_t len, size_t cap, void *ctx, int64_t *size) {
  uint8_t *out = malloc(cap ? cap : 1);
  int64_t r;
  if (!out) abort();
  r = b(in, len, out, cap, ctx);
  *size = r;
  if (r < 0) {
    free(out);
    return NULL;
  }
  FUZZ_CHECK(r > 0 && (uint64_t)r <= cap, "built %lld bytes into %zu", (long long)r, cap);
  {
    uint8_t *exact = malloc((size_t)r), *shorter = malloc((size_t)r - 1);
    if (!exact || !shorter) abort();
    FUZZ_CHECK(b(in, len, exact, (size_t)r, ctx) == r && memcmp(exact, out, (size_t)r) == 0,
               "right-sized build differs");
    FUZZ_CHECK(b(in, len, shorter, (size_t)r - 1, ctx) == -1, "build into one byte too few succeeded");
    free(exact);
    free(shorter);
  }
  return out;
}

/*
 * Known finding "hevc-sps-ue": wc_hevc_parse_sps converts Exp-Golomb values of up to 2^32 - 2 to int (negative
 * chroma_format_idc and bit depths pass its range checks) and adds 8 to them (signed overflow, UBSan). Such values
 * need a run of 30 or more zero bits in the SPS payload (counting zeros read past its end). When the finding is
 * listed in WC_FUZZ_IGNORE, SPS NAL units with a run of 29 or more zero bits are skipped so that fuzzing can go
 * on past it.
 */
static int long_zero_run(const uint8_t *nal, size_t len) {
  uint8_t rbsp[512];
  size_t n = 0;
  int zeros = 0, run = 0;
  if (len < 2) return 0;
  for (size_t i = 2; i < len && n < sizeof rbsp; i++) { /* the library's unescape, over its 512-byte window */
    if (zeros >= 2 && nal[i] == 3) {
      zeros = 0;
      continue;
    }
    zeros = nal[i] == 0 ? zeros + 1 : 0;
    rbsp[n++] = nal[i];
  }
  for (size_t i = 0; i < n * 8; i++) {
    if ((rbsp[i >> 3] >> (7 - (i & 7))) & 1)
      run = 0;
    else if (++run >= 29)
      return 1;
  }
  return 0;
}

static int skip_sps(const uint8_t *nal, size_t len) { return fz_ignored("hevc-sps-ue") && long_zero_run(nal, len); }

static void check_sps_info(const wc_hevc_sps_info *s) {
  if (!(s->chroma_format_idc >= 0 && s->chroma_format_idc <= 3))
    FUZZ_FINDING("hevc-sps-ue", "wc_hevc_parse_sps accepted chroma_format_idc %d", s->chroma_format_idc);
  if (!(s->bit_depth_luma >= 8 && s->bit_depth_luma <= 16 && s->bit_depth_chroma >= 8 && s->bit_depth_chroma <= 16))
    FUZZ_FINDING("hevc-sps-ue", "wc_hevc_parse_sps accepted bit depths %d/%d", s->bit_depth_luma,
                 s->bit_depth_chroma);
  FUZZ_CHECK(s->max_sub_layers >= 1 && s->max_sub_layers <= 8 && s->profile_space >= 0 && s->profile_space <= 3 &&
                 s->tier >= 0 && s->tier <= 1 && s->profile_idc >= 0 && s->profile_idc <= 31 && s->level_idc >= 0 &&
                 s->level_idc <= 255,
             "profile_tier_level out of range");
}

static void op_avcc(const uint8_t *in, size_t len) {
  int64_t n;
  uint8_t *rec = build_sized(build_avcc, in, len, len * 2 + 64, NULL, &n);
  char why[256];
  if (!rec) return;
  FUZZ_CHECK(wc_config_record_check(WC_CODEC_H264, rec, (size_t)n, why, sizeof why) == 0,
             "the avcC we built is refused: %s", why);
  free(rec);
}

static void op_hvcc(const uint8_t *in, size_t len) {
  int64_t n;
  wc_hevc_sps_info s;
  uint8_t *rec;
  char why[256];
  {
    wc_nal *all;
    int k = split_all(in, len, &all), skip = 0;
    for (int i = 0; i < k && !skip; i++)
      if (wc_nal_type(1, &all[i]) == 33) skip = skip_sps(all[i].data, all[i].size);
    free(all);
    if (skip) return;
  }
  rec = build_sized(build_hvcc, in, len, len * 2 + 64, &s, &n);
  if (!rec) return;
  FUZZ_CHECK(wc_config_record_check(WC_CODEC_HEVC, rec, (size_t)n, why, sizeof why) == 0,
             "the hvcC we built is refused: %s", why);
  check_sps_info(&s);
  {
    /* the codec string src/video/encoder.c makes from it fits its 96-byte buffer */
    wc_codec_info ci;
    char str[96];
    uint32_t rev = 0;
    memset(&ci, 0, sizeof ci);
    for (int i = 0; i < 32; i++) rev |= ((s.compat_flags >> i) & 1u) << (31 - i);
    ci.codec = WC_CODEC_HEVC;
    ci.profile_space = s.profile_space;
    ci.profile = s.profile_idc;
    ci.compat_flags = rev;
    ci.tier = s.tier;
    ci.level = s.level_idc;
    memcpy(ci.constraint_bytes, s.constraint, 6);
    ci.n_constraint_bytes = 6;
    FUZZ_CHECK(wc_codec_format(&ci, str, sizeof str) > 0, "HEVC codec string does not fit 96 bytes");
  }
  free(rec);
}

static void op_hevc_sps(const uint8_t *in, size_t len) {
  wc_hevc_sps_info s;
  if (skip_sps(in, len)) return;
  if (wc_hevc_parse_sps(in, len, &s) == 0) check_sps_info(&s);
}

static void op_av1c(const uint8_t *in, size_t len) {
  wc_av1_seq_info s;
  int64_t n;
  uint8_t *rec;
  char why[256];
  if (wc_av1_find_sequence_header(in, len, &s) < 0) return;
  FUZZ_CHECK(s.obu >= in && s.obu_size > 0 && s.obu + s.obu_size <= in + len, "sequence header OBU outside input");
  FUZZ_CHECK(s.profile >= 0 && s.profile <= 7 && s.level >= 0 && s.level <= 31 && s.tier >= 0 && s.tier <= 1 &&
                 (s.bit_depth == 8 || s.bit_depth == 10 || s.bit_depth == 12) && s.chroma_sample_position >= 0 &&
                 s.chroma_sample_position <= 3,
             "sequence header facts out of range");
  rec = build_sized(build_av1c, in, len, s.obu_size + 16, &s, &n); /* src/video/encoder.c's capacity */
  FUZZ_CHECK(rec && (size_t)n == 4 + s.obu_size, "av1C build failed (%lld)", (long long)n);
  FUZZ_CHECK(wc_config_record_check(WC_CODEC_AV1, rec, (size_t)n, why, sizeof why) == 0,
             "the av1C we built is refused: %s", why);
  FUZZ_CHECK(memcmp(rec + 4, s.obu, s.obu_size) == 0, "configOBUs differ");
  free(rec);
}

static void op_av1_strip(const uint8_t *in, size_t len) {
  uint8_t *buf = fz_dup(in, len), *again;
  size_t n = wc_av1_strip_temporal_delimiters(buf, len), m;
  FUZZ_CHECK(n <= len, "grew from %zu to %zu", len, n);
  again = fz_dup(buf, n);
  m = wc_av1_strip_temporal_delimiters(again, n);
  FUZZ_CHECK(m == n && memcmp(again, buf, n) == 0, "not idempotent: %zu -> %zu -> %zu", len, n, m);
  free(again);
  free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint8_t *in;
  size_t len;
  if (size < 1 || size > (1 << 20)) return 0;
  len = size - 1;
  in = fz_dup(data + 1, len);
  switch (data[0] % OP_COUNT) {
    case OP_RECORD_CHECK: op_record_check(in, len); break;
    case OP_SPLIT: op_split(in, len); break;
    case OP_LP_AVC: op_length_prefixed(in, len, 0, 0); break;
    case OP_LP_AVC_DROP: op_length_prefixed(in, len, 0, 1); break;
    case OP_LP_HEVC: op_length_prefixed(in, len, 1, 0); break;
    case OP_LP_HEVC_DROP: op_length_prefixed(in, len, 1, 1); break;
    case OP_AVCC: op_avcc(in, len); break;
    case OP_HVCC: op_hvcc(in, len); break;
    case OP_HEVC_SPS: op_hevc_sps(in, len); break;
    case OP_AV1C: op_av1c(in, len); break;
    case OP_AV1_STRIP: op_av1_strip(in, len); break;
    case OP_CHUNK_CHECK: op_chunk_check(in, len); break;
    case OP_HAS_PS:
      (void)wc_annexb_has_parameter_sets(0, in, len);
      (void)wc_annexb_has_parameter_sets(1, in, len);
      break;
  }
  free(in);
  return 0;
}
