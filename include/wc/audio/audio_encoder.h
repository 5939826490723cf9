/*
 * audio_encoder.h - AudioEncoder's engine: the configuration lib/audio-encoder.js
 * hands over (flat, fully defaulted), and the per-codec choices shared by the
 * encoder worker and isConfigSupported: which encoder, at which sample rate and
 * sample format, with which options.
 *
 * Codecs: Opus through libopus itself (FFmpeg's libopus wrapper exposes neither
 * the signal type nor DTX on every supported FFmpeg version), everything else
 * through libavcodec: FFmpeg's aac (AAC-LC; HE-AAC only when libfdk_aac is
 * present), flac, libmp3lame, libvorbis, pcm_* and G.711.
 */
#ifndef WC_AUDIO_ENCODER_H
#define WC_AUDIO_ENCODER_H

#include <libavcodec/avcodec.h>
#include <stddef.h>
#include <stdint.h>

enum wc_aenc_kind {
  WC_AENC_NONE = 0, /* not a codec string this library encodes */
  WC_AENC_OPUS,
  WC_AENC_AAC,
  WC_AENC_FLAC,
  WC_AENC_MP3,
  WC_AENC_VORBIS,
  WC_AENC_PCM, /* pcm-*, ulaw, alaw: codec_id says which */
};

enum { WC_OPUS_SIGNAL_AUTO = 0, WC_OPUS_SIGNAL_MUSIC, WC_OPUS_SIGNAL_VOICE };
enum { WC_OPUS_APP_VOIP = 0, WC_OPUS_APP_AUDIO, WC_OPUS_APP_LOWDELAY };

typedef struct wc_aenc_config {
  char codec[64];
  int kind;                 /* WC_AENC_* from the codec string */
  enum AVCodecID codec_id;  /* for WC_AENC_PCM: the pcm_* / G.711 encoder */
  int aac_object_type;      /* 2 (LC), 5 (HE-AAC), 29 (HE-AAC v2) */
  int aac_mpeg2;            /* mp4a.67: MPEG-2 AAC LC (ADTS ID bit 1) */
  int sample_rate;          /* the configured rate: what the output reports */
  int channels;
  int64_t bitrate;          /* bits per second; 0 when absent */
  int constant;             /* bitrateMode "constant" */
  /* opus: {format, signal, application, frameDuration, complexity, packetlossperc, useinbandfec, usedtx} */
  int opus_ogg;
  int opus_signal;          /* WC_OPUS_SIGNAL_* */
  int opus_application;     /* WC_OPUS_APP_* */
  int opus_frame_us;
  int opus_complexity;
  int opus_packetloss;
  int opus_fec;
  int opus_dtx;
  /* aac: {format} */
  int aac_adts;
  /* flac: {blockSize, compressLevel} */
  int flac_block_size;      /* 0: the encoder's choice */
  int flac_compress_level;
} wc_aenc_config;

/*
 * Fills kind / codec_id / aac_object_type / aac_mpeg2 from cfg->codec. Returns 0, or -1
 * with a reason when the string is not one this library encodes (a NotSupportedError).
 */
int wc_aenc_parse_codec(wc_aenc_config *cfg, char *why, size_t whylen);

/* The libavcodec encoder for cfg (NULL for Opus, which uses libopus directly, or when absent). */
const AVCodec *wc_aenc_find(const wc_aenc_config *cfg);

/*
 * The rate the codec runs at for a configured rate: the rate itself when the encoder takes
 * it, else the smallest rate it takes above it (or its highest): input is resampled to it
 * with libswresample and the output still reports the configured rate.
 */
int wc_aenc_codec_rate(const wc_aenc_config *cfg, const AVCodec *codec);

/*
 * Opens and closes the encoder for cfg (isConfigSupported, and configure() before the
 * first input). Any thread. 0 when supported, else -1 with a reason.
 */
int wc_aenc_probe(const wc_aenc_config *cfg, char *why, size_t whylen);

/* Pre-skip/priming switch (ARCHITECTURE.md section 11): 0 = the first chunk's timestamp is the
 * first input's (the encoder's priming samples are signalled in the description: OpusHead
 * pre-skip), 1 = chunks carry libavcodec's own timestamps, which start before the first input
 * by the priming (negative for an input at 0). */
#define WC_AENC_TIMESTAMPS_INCLUDE_PRIMING 0

#endif
