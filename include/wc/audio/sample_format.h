/*
 * sample_format.h - the eight WebCodecs AudioSampleFormats, their FFmpeg
 * equivalents, and the sample copy/conversion behind AudioData.copyTo().
 *
 * Pure C on plain memory (no Node, no FFmpeg calls; libavutil's enum only):
 * fuzzed (test/fuzz/fuzz_audio_data.c) and usable on any thread.
 *
 * Conversion formulas are libswresample's (audioconvert.c), so a copyTo() into
 * another format gives the samples `ffmpeg -sample_fmt` would:
 *   u8 -> s16/s32: (x - 128) << 8 / << 24;   s16 -> s32: x << 16
 *   s32 -> s16/u8, s16 -> u8: arithmetic shift right (+128 for u8)
 *   int -> f32: x / 2^(bits-1) (u8 after removing the bias of 128)
 *   f32 -> int: round half to even of x * 2^(bits-1), clipped to the type's range;
 *               NaN gives 0 (swresample leaves it to lrintf, which is unspecified)
 *   f32 -> f32: copied, never clipped
 * The copy is done here rather than through an SwrContext because copyTo()
 * addresses one plane or one channel at a frame offset (strided reads that
 * swresample cannot express) and swresample stops at 64 channels while an
 * AudioData may have any number. The fuzz target checks these loops against
 * swr_convert for every format pair.
 */
#ifndef WC_SAMPLE_FORMAT_H
#define WC_SAMPLE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

enum wc_sample_format {
  WC_SF_U8 = 0,
  WC_SF_S16,
  WC_SF_S32,
  WC_SF_F32,
  WC_SF_U8_PLANAR,
  WC_SF_S16_PLANAR,
  WC_SF_S32_PLANAR,
  WC_SF_F32_PLANAR,
  WC_SF_COUNT
};

/* "u8", ..., "f32-planar"; NULL outside [0, WC_SF_COUNT). */
const char *wc_sample_format_name(int fmt);
/* Bytes per sample (1, 2, 4, 4); 0 for an unknown format. */
int wc_sample_format_bytes(int fmt);
/* 1 for the -planar formats. */
int wc_sample_format_planar(int fmt);
/* enum AVSampleFormat of fmt, or -1. */
int wc_sample_format_to_av(int fmt);
/* The AudioSampleFormat of an AVSampleFormat, or -1 when there is none (dbl, s64, ...). */
int wc_sample_format_from_av(int av_fmt);

/* A read-only view of audio samples: planes[c] for planar formats, planes[0] interleaved. */
typedef struct wc_audio_view {
  int format;                 /* enum wc_sample_format */
  uint32_t channels;          /* >= 1 */
  uint32_t frames;            /* >= 1 */
  const uint8_t *const *planes; /* channels entries when planar, 1 when interleaved */
} wc_audio_view;

/*
 * "Compute Copy Element Count" for copyTo(..., {planeIndex, frameOffset, frameCount, format}):
 * the number of samples written (frame_count < 0: to the end). Returns -1 with a
 * reason (a RangeError's message) when the options are out of range.
 */
int64_t wc_audio_copy_elements(const wc_audio_view *src, int dst_format, uint32_t plane_index,
                               uint32_t frame_offset, int64_t frame_count, char *why, size_t whylen);

/*
 * Copies (and converts) what copyTo() describes into dst (dst_len bytes, any
 * alignment). dst_format interleaved: every channel of frames [offset, offset+count),
 * interleaved; planar: channel plane_index. Returns the bytes written, or -1 with
 * a reason when the options are out of range or dst is too small.
 */
int64_t wc_audio_copy(const wc_audio_view *src, int dst_format, uint32_t plane_index, uint32_t frame_offset,
                      int64_t frame_count, uint8_t *dst, size_t dst_len, char *why, size_t whylen);

#endif
