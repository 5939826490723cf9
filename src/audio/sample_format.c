/*
 * sample_format.c - see include/wc/audio/sample_format.h. Pure C; every access
 * goes through memcpy (sources and destinations may be unaligned views of JS
 * memory). Any thread.
 */
#include "wc/audio/sample_format.h"

#include <libavutil/samplefmt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const names[WC_SF_COUNT] = {"u8",        "s16",        "s32",        "f32",
                                                "u8-planar", "s16-planar", "s32-planar", "f32-planar"};
static const int bytes[4] = {1, 2, 4, 4};
static const int av_fmts[WC_SF_COUNT] = {AV_SAMPLE_FMT_U8,  AV_SAMPLE_FMT_S16,  AV_SAMPLE_FMT_S32,  AV_SAMPLE_FMT_FLT,
                                         AV_SAMPLE_FMT_U8P, AV_SAMPLE_FMT_S16P, AV_SAMPLE_FMT_S32P, AV_SAMPLE_FMT_FLTP};

static int valid(int fmt) { return fmt >= 0 && fmt < WC_SF_COUNT; }

const char *wc_sample_format_name(int fmt) { return valid(fmt) ? names[fmt] : NULL; }
int wc_sample_format_bytes(int fmt) { return valid(fmt) ? bytes[fmt & 3] : 0; }
int wc_sample_format_planar(int fmt) { return valid(fmt) && fmt >= WC_SF_U8_PLANAR; }
int wc_sample_format_to_av(int fmt) { return valid(fmt) ? av_fmts[fmt] : -1; }

int wc_sample_format_from_av(int av_fmt) {
  for (int i = 0; i < WC_SF_COUNT; i++)
    if (av_fmts[i] == av_fmt) return i;
  return -1;
}

/* ---------------------------------------------------------------- one sample */

typedef uint8_t u8;

static inline int16_t f2s16(float x) {
  float v = x * 32768.0f;
  if (isnan(v)) return 0;
  if (v <= -32768.0f) return INT16_MIN;
  if (v >= 32767.0f) return INT16_MAX;
  return (int16_t)lrintf(v);
}

static inline int32_t f2s32(float x) {
  double v = (double)(x * 2147483648.0f); /* exact: a power-of-two scale */
  if (isnan(v)) return 0;
  if (v <= -2147483648.0) return INT32_MIN;
  if (v >= 2147483647.0) return INT32_MAX;
  return (int32_t)llrint(v);
}

static inline u8 f2u8(float x) {
  float v = x * 128.0f;
  long r;
  if (isnan(v)) return 0x80;
  if (v <= -128.0f) return 0;
  if (v >= 127.0f) return 0xff;
  r = lrintf(v) + 0x80;
  return (u8)r;
}

/* CONV(S, D, expr): converts one S sample `x` into a D sample. */

#define DEF(name, ST_T, DT_T, expr)                                                                     \
  static void name(const uint8_t *s, ptrdiff_t ss, uint8_t *d, ptrdiff_t ds, size_t n) {              \
    for (size_t i = 0; i < n; i++, s += ss, d += ds) {                                                  \
      ST_T x;                                                                                           \
      memcpy(&x, s, sizeof x);                                                                          \
      {                                                                                                 \
        DT_T y = (DT_T)(expr);                                                                          \
        memcpy(d, &y, sizeof y);                                                                        \
      }                                                                                                 \
    }                                                                                                   \
  }

DEF(u8_u8, u8, u8, x)
DEF(u8_s16, u8, int16_t, (int16_t)(((int)x - 0x80) * 256))
DEF(u8_s32, u8, int32_t, (int32_t)(((int32_t)x - 0x80) * 16777216))
DEF(u8_f32, u8, float, ((int)x - 0x80) * (1.0f / 128.0f))
DEF(s16_u8, int16_t, u8, (u8)((x >> 8) + 0x80))
DEF(s16_s16, int16_t, int16_t, x)
DEF(s16_s32, int16_t, int32_t, (int32_t)x * 65536)
DEF(s16_f32, int16_t, float, x * (1.0f / 32768.0f))
DEF(s32_u8, int32_t, u8, (u8)((x >> 24) + 0x80))
DEF(s32_s16, int32_t, int16_t, (int16_t)(x >> 16))
DEF(s32_s32, int32_t, int32_t, x)
DEF(s32_f32, int32_t, float, (float)x * (1.0f / 2147483648.0f))
DEF(f32_u8, float, u8, f2u8(x))
DEF(f32_s16, float, int16_t, f2s16(x))
DEF(f32_s32, float, int32_t, f2s32(x))
DEF(f32_f32, float, float, x)

typedef void (*conv_fn)(const uint8_t *s, ptrdiff_t ss, uint8_t *d, ptrdiff_t ds, size_t n);
static const conv_fn convs[4][4] = {
    {u8_u8, u8_s16, u8_s32, u8_f32},
    {s16_u8, s16_s16, s16_s32, s16_f32},
    {s32_u8, s32_s16, s32_s32, s32_f32},
    {f32_u8, f32_s16, f32_s32, f32_f32},
};

/* ---------------------------------------------------------------- copyTo */

int64_t wc_audio_copy_elements(const wc_audio_view *src, int dst_format, uint32_t plane_index,
                               uint32_t frame_offset, int64_t frame_count, char *why, size_t whylen) {
  uint64_t copy_frames;
  if (!valid(src->format) || !valid(dst_format) || src->channels == 0 || src->frames == 0) {
    snprintf(why, whylen, "invalid audio description");
    return -1;
  }
  if (!wc_sample_format_planar(dst_format) && plane_index > 0) {
    snprintf(why, whylen, "planeIndex %u is out of range: %s is interleaved (one plane, index 0)", plane_index,
             names[dst_format]);
    return -1;
  }
  if (wc_sample_format_planar(dst_format) && plane_index >= src->channels) {
    snprintf(why, whylen, "planeIndex %u is out of range: %s has %u planes (one per channel)", plane_index,
             names[dst_format], src->channels);
    return -1;
  }
  if (frame_offset >= src->frames) {
    snprintf(why, whylen, "frameOffset %u is out of range: the AudioData has %u frames", frame_offset, src->frames);
    return -1;
  }
  copy_frames = src->frames - frame_offset;
  if (frame_count >= 0) {
    if ((uint64_t)frame_count > copy_frames) {
      snprintf(why, whylen, "frameCount %lld is out of range: %llu frames follow frameOffset %u",
               (long long)frame_count, (unsigned long long)copy_frames, frame_offset);
      return -1;
    }
    copy_frames = (uint64_t)frame_count;
  }
  return (int64_t)(wc_sample_format_planar(dst_format) ? copy_frames : copy_frames * src->channels);
}

int64_t wc_audio_copy(const wc_audio_view *src, int dst_format, uint32_t plane_index, uint32_t frame_offset,
                      int64_t frame_count, uint8_t *dst, size_t dst_len, char *why, size_t whylen) {
  int64_t elements = wc_audio_copy_elements(src, dst_format, plane_index, frame_offset, frame_count, why, whylen);
  int sb, db, st, dt;
  uint64_t need, frames;
  conv_fn conv;
  ptrdiff_t sstride;
  if (elements < 0) return -1;
  sb = wc_sample_format_bytes(src->format);
  db = wc_sample_format_bytes(dst_format);
  st = src->format & 3;
  dt = dst_format & 3;
  need = (uint64_t)elements * (uint64_t)db;
  if (need > dst_len) {
    snprintf(why, whylen, "destination is %zu bytes, %llu are needed", dst_len, (unsigned long long)need);
    return -1;
  }
  frames = wc_sample_format_planar(dst_format) ? (uint64_t)elements : (uint64_t)elements / src->channels;
  conv = convs[st][dt];
  /* A sample of channel c at frame i: planar planes[c] + i*sb; interleaved planes[0] + (i*C + c)*sb. */
  sstride = wc_sample_format_planar(src->format) ? sb : (ptrdiff_t)sb * src->channels;
#define SRC_AT(c) (wc_sample_format_planar(src->format) ? src->planes[(c)] + (size_t)frame_offset * sb \
                                                        : src->planes[0] + ((size_t)frame_offset * src->channels + (c)) * sb)
  if (wc_sample_format_planar(dst_format)) {
    if (st == dt && sstride == sb)
      memcpy(dst, SRC_AT(plane_index), (size_t)need);
    else
      conv(SRC_AT(plane_index), sstride, dst, db, (size_t)frames);
  } else if (st == dt && !wc_sample_format_planar(src->format)) {
    memcpy(dst, SRC_AT(0), (size_t)need);
  } else {
    for (uint32_t c = 0; c < src->channels; c++)
      conv(SRC_AT(c), sstride, dst + (size_t)c * db, (ptrdiff_t)db * src->channels, (size_t)frames);
  }
#undef SRC_AT
  return (int64_t)need;
}
