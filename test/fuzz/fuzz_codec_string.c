/*
 * fuzz_codec_string.c - wc_codec_parse on raw bytes (unterminated, in an
 * exact-size heap buffer), then wc_codec_format of what parsed, checking:
 *   - formatting never writes past buflen (every buffer size from 0 to the
 *     string length + 1, each an exact-size heap block) and refuses, rather
 *     than truncates, when the string does not fit;
 *   - the canonical string parses again to the same facts (codec, profile,
 *     level, tier, bit depth, chroma, colour fields) and is a fixed point of
 *     parse + format.
 * Inputs starting with a NUL byte (never a codec string) instead build a
 * wc_codec_info directly (within the struct's contract: at most 6 HEVC
 * constraint bytes) the way the encoder does from an SPS, and format that.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "wc/formats/audio_codec_string.h"
#include "wc/formats/codec_string.h"

static void check_format_sizes(const wc_codec_info *info, const char *want, int n) {
  /* every buffer size up to the one that fits: exact-size heap blocks, so ASan sees any overrun */
  for (int k = 0; k <= n + 1; k++) {
    char *buf = malloc((size_t)k); /* malloc(0): a zero-byte block under ASan */
    int r;
    if (!buf && k) abort();
    r = wc_codec_format(info, buf, (size_t)k);
    if (k <= n) {
      FUZZ_CHECK(r == -1, "wc_codec_format into %d bytes returned %d for \"%s\" (%d chars)", k, r, want, n);
    } else {
      FUZZ_CHECK(r == n && memcmp(buf, want, (size_t)n + 1) == 0, "wc_codec_format into %d bytes: %d", k, r);
    }
    free(buf);
  }
}

static void same_facts(const wc_codec_info *a, const wc_codec_info *b, const char *canon) {
  FUZZ_CHECK(a->codec == b->codec && a->profile == b->profile && a->level == b->level && a->tier == b->tier &&
                 a->bit_depth == b->bit_depth && a->chroma == b->chroma && a->in_band == b->in_band,
             "\"%s\" re-parses to different facts: codec %d/%d profile %d/%d level %d/%d tier %d/%d depth %d/%d "
             "chroma %d/%d in_band %d/%d",
             canon, a->codec, b->codec, a->profile, b->profile, a->level, b->level, a->tier, b->tier, a->bit_depth,
             b->bit_depth, a->chroma, b->chroma, a->in_band, b->in_band);
  FUZZ_CHECK(a->color_primaries == b->color_primaries && a->transfer == b->transfer && a->matrix == b->matrix &&
                 a->full_range == b->full_range && a->chroma_sample_position == b->chroma_sample_position,
             "\"%s\" re-parses to different colour facts", canon);
  if (a->codec == WC_CODEC_H264) FUZZ_CHECK(a->constraints == b->constraints, "\"%s\": constraints differ", canon);
  if (a->codec == WC_CODEC_HEVC) {
    int ka = a->n_constraint_bytes, kb = b->n_constraint_bytes;
    while (ka > 0 && a->constraint_bytes[ka - 1] == 0) ka--;
    while (kb > 0 && b->constraint_bytes[kb - 1] == 0) kb--;
    FUZZ_CHECK(a->profile_space == b->profile_space && a->compat_flags == b->compat_flags && ka == kb &&
                   memcmp(a->constraint_bytes, b->constraint_bytes, (size_t)ka) == 0,
               "\"%s\": HEVC fields differ", canon);
  }
}

static void from_struct(const uint8_t *data, size_t size) {
  fz_reader r = {data, size, 1};
  wc_codec_info info;
  char big[256];
  int n;
  memset(&info, 0, sizeof info);
  info.codec = fz_u8(&r) % 7; /* includes NONE and one past the end */
  info.profile = (int8_t)fz_u8(&r);
  info.constraints = fz_u8(&r);
  info.level = (int16_t)fz_u16(&r);
  info.tier = fz_u8(&r) & 1;
  info.bit_depth = (int8_t)fz_u8(&r);
  info.chroma = (int8_t)fz_u8(&r) % 6;
  info.chroma_sample_position = (int8_t)fz_u8(&r);
  info.color_primaries = (int8_t)fz_u8(&r);
  info.transfer = (int8_t)fz_u8(&r);
  info.matrix = (int8_t)fz_u8(&r);
  info.full_range = (int8_t)fz_u8(&r);
  info.in_band = fz_u8(&r) & 1;
  info.profile_space = fz_u8(&r) & 3;
  info.compat_flags = fz_u32(&r);
  info.n_constraint_bytes = fz_u8(&r) % 7;
  for (int i = 0; i < 6; i++) info.constraint_bytes[i] = fz_u8(&r);
  n = wc_codec_format(&info, big, sizeof big);
  if (n < 0) return;
  FUZZ_CHECK((size_t)n == strlen(big), "length %d, strlen %zu", n, strlen(big));
  check_format_sizes(&info, big, n);
}

/* The audio parser on the same bytes: a string parses as audio or as video, never both, and a
 * parsed audio string is one of the registrations' (it round-trips through its own spelling). */
static void check_audio(const char *s, size_t size) {
  wc_audio_codec_info a;
  wc_codec_info v;
  if (wc_audio_codec_parse(s, size, &a) != 0) {
    FUZZ_CHECK(a.codec == WC_AUDIO_NONE, "a failed audio parse left codec %d", a.codec);
    return;
  }
  FUZZ_CHECK(a.codec > WC_AUDIO_NONE && a.codec <= WC_AUDIO_ALAW, "audio codec %d", a.codec);
  FUZZ_CHECK(a.description >= WC_DESC_OPTIONAL && a.description <= WC_DESC_FORBIDDEN, "description rule %d", a.description);
  FUZZ_CHECK(size >= 3 && size <= 10, "an audio codec string of %zu bytes parsed", size);
  FUZZ_CHECK(wc_codec_parse(s, size, &v) != 0, "a string parsed as both audio and video");
  for (size_t i = 0; i < size; i++) FUZZ_CHECK(s[i] > ' ' && s[i] < 127, "an audio codec string with byte %d parsed", s[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  wc_codec_info info, again;
  char big[256], big2[256];
  char *s;
  int n, r;
  if (size > 4096) return 0;
  if (size > 0 && data[0] == 0) {
    from_struct(data, size);
    return 0;
  }
  s = (char *)fz_dup(data, size);
  check_audio(s, size);
  r = wc_codec_parse(s, size, &info);
  free(s);
  if (r != 0) return 0;
  FUZZ_CHECK(info.codec >= WC_CODEC_H264 && info.codec <= WC_CODEC_AV1, "codec %d", info.codec);
  FUZZ_CHECK(info.bit_depth == 8 || info.bit_depth == 10 || info.bit_depth == 12 || info.bit_depth == 14,
             "bit depth %d", info.bit_depth);
  FUZZ_CHECK(info.profile >= 0 && info.level >= 0, "profile %d level %d", info.profile, info.level);

  n = wc_codec_format(&info, big, sizeof big);
  FUZZ_CHECK(n > 0 && (size_t)n == strlen(big), "format of a parsed string returned %d", n);
  check_format_sizes(&info, big, n);

  s = (char *)fz_dup((const uint8_t *)big, (size_t)n);
  r = wc_codec_parse(s, (size_t)n, &again);
  free(s);
  FUZZ_CHECK(r == 0, "canonical string \"%s\" does not parse (input \"%.*s\")", big, (int)size, (const char *)data);
  same_facts(&info, &again, big);
  FUZZ_CHECK(wc_codec_format(&again, big2, sizeof big2) == n && strcmp(big, big2) == 0,
             "canonical form is not a fixed point: \"%s\" -> \"%s\"", big, big2);
  return 0;
}
