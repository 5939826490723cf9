/*
 * audio_codec_string.h - WebCodecs audio codec strings (the codec registry's
 * audio entries) parsed into the facts a decoder or an encoder needs.
 *
 *   mp4a.40.2 mp4a.40.02      AAC LC               (AAC registration)
 *   mp4a.40.5 mp4a.40.05      HE-AAC v1 (LC + SBR)
 *   mp4a.40.29                HE-AAC v2 (LC + SBR + PS)
 *   mp4a.40.42                xHE-AAC (USAC)       (newest registration text; the issue predates it)
 *   mp4a.67                   MPEG-2 AAC LC
 *   mp3 mp4a.69 mp4a.6B       MP3 (the object type indication is hex: mp4a.6b too)
 *   opus flac vorbis ulaw alaw
 *   pcm-u8 pcm-s16 pcm-s24 pcm-s32 pcm-f32
 *
 * Pure C (no Node, no FFmpeg calls: libavcodec's AVCodecID enum only), fuzzed
 * (test/fuzz/fuzz_codec_string.c). Strings are matched exactly (case as the
 * registrations give it, apart from hex digits; no white space); anything else,
 * MIME types and video codecs included, does not parse.
 */
#ifndef WC_AUDIO_CODEC_STRING_H
#define WC_AUDIO_CODEC_STRING_H

#include <stddef.h>

enum wc_audio_codec {
  WC_AUDIO_NONE = 0,
  WC_AUDIO_AAC,
  WC_AUDIO_OPUS,
  WC_AUDIO_MP3,
  WC_AUDIO_FLAC,
  WC_AUDIO_VORBIS,
  WC_AUDIO_PCM,  /* pcm-*: linear PCM, interleaved, little-endian */
  WC_AUDIO_ULAW,
  WC_AUDIO_ALAW,
};

/* What AudioDecoderConfig.description is for this codec (the registrations' rules). */
enum wc_audio_description {
  WC_DESC_OPTIONAL = 0, /* AAC (AudioSpecificConfig: raw frames; absent: ADTS), Opus (OpusHead) */
  WC_DESC_REQUIRED,     /* FLAC (fLaC + STREAMINFO), Vorbis (Xiph-laced headers) */
  WC_DESC_IGNORED,      /* MP3 */
  WC_DESC_FORBIDDEN,    /* PCM, u-law, A-law */
};

typedef struct wc_audio_codec_info {
  int codec;          /* enum wc_audio_codec */
  int av_codec_id;    /* enum AVCodecID */
  int object_type;    /* AAC: MPEG-4 audio object type 2, 5, 29 or 42 (mp4a.67: 2); 0 otherwise */
  int mpeg2;          /* mp4a.67 */
  int description;    /* enum wc_audio_description */
  int pcm_bits;       /* PCM: 8, 16, 24, 32 (bits per sample in a chunk); G.711: 8; else 0 */
  int pcm_float;      /* pcm-f32 */
} wc_audio_codec_info;

/* 0 and *out filled, or -1 when s (len bytes, need not be terminated) is not a known audio codec string. */
int wc_audio_codec_parse(const char *s, size_t len, wc_audio_codec_info *out);

#endif
